"""CNTK, LANTK and the FC NTK on arrays."""
import numpy as np

import ntkbench


def images(n, seed=0, shape=(3, 6, 6)):
    return np.random.default_rng(seed).normal(size=(n, *shape))


def test_cntk_cross_equals_block_and_threads():
    X, Z = images(5), images(4, 1)
    full = ntkbench.cntk(np.concatenate([X, Z]), threads=1)
    cross = ntkbench.cntk(X, Z, threads=2)
    assert np.allclose(cross, full[:5, 5:], rtol=1e-13, atol=0)
    assert np.array_equal(ntkbench.cntk(X, threads=1), ntkbench.cntk(X, threads=2))
    arora = ntkbench.cntk(X, arch='arora', depth=3, readout='gap', threads=2)
    assert np.allclose(arora, arora.T) and np.all(np.linalg.eigvalsh(arora) > -1e-9)


def test_fc_ntk_relu_closed_form():
    rng = np.random.default_rng(2)
    X, Z = rng.normal(size=(4, 7)), rng.normal(size=(3, 7))
    K = ntkbench.fc_ntk(X, Z, act='relu', hidden=1, form='arora', threads=2)
    # Arora form, c_sigma = 2: Sigma1 = |x||z|(sin t + (pi - t) cos t)/pi,
    # dSigma1 = (pi - t)/pi, Theta = Sigma1 + x.z dSigma1.
    nx, nz = np.linalg.norm(X, axis=1), np.linalg.norm(Z, axis=1)
    dot = X @ Z.T
    t = np.arccos(np.clip(dot / np.outer(nx, nz), -1, 1))
    ref = np.outer(nx, nz) * (np.sin(t) + (np.pi - t) * np.cos(t)) / np.pi + dot * (np.pi - t) / np.pi
    assert np.allclose(K, ref, rtol=1e-12)
    assert np.array_equal(ntkbench.fc_ntk(X, threads=1), ntkbench.fc_ntk(X, threads=2))


def test_lantk_kr():
    X, Xt = images(12, 3), images(6, 4)
    y = np.arange(12) % 2
    r = ntkbench.lantk(X, y, Xt, variant='kr-v1', threads=2)
    H = ntkbench.cntk(np.concatenate([X, Xt]), threads=2)
    assert r.K_train.shape == (12, 12) and r.K_test.shape == (6, 12) and r.lam > 0
    assert np.allclose(r.K_train, r.K_train.T)
    assert not np.allclose(r.K_train, H[:12, :12])  # the label-aware term is there
    assert set(r.predictions) <= {0, 1}
    r2 = ntkbench.lantk(X, y, Xt, variant='kr-v2', lam=0.0, threads=2)
    assert np.allclose(r2.K_train, H[:12, :12], rtol=1e-13)


def test_cntk_progress_callback():
    seen = []
    X = images(40)
    ntkbench.cntk(X, threads=2, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1] == (40 * 41 // 2, 40 * 41 // 2)
    seen.clear()
    ntkbench.cntk(X[:7], X[7:], threads=2, progress=lambda d, t: seen.append(d))
    assert seen[-1] == 7 * 33

"""The GNTK from Python: bench_gntk's Grams byte for byte, in every input form; cross Grams;
thread counts; progress."""
import io

import numpy as np
import pytest

import ntkbench


def test_gram_equals_bench_gntk_npy(mutag, mutag_bench_gntk_files):
    K = ntkbench.gntk(mutag.graphs, blocks=2, mlp=2, threads=2)
    for (l, jk), ref in mutag_bench_gntk_files.items():
        f = io.BytesIO()
        np.save(f, K[l - 1, jk])
        assert f.getvalue() == ref, (l, jk)   # the whole .npy file, header included


def test_pairs_form_equals_bench_gntk(mutag, mutag_bench_gntk):
    K = ntkbench.gntk(mutag.graphs.to_pairs(), blocks=2, mlp=2, jk=True, threads=2)
    assert K[1].tobytes() == mutag_bench_gntk[(2, 1)].tobytes()


def test_grakel_form_equals_bench_gntk(mutag, mutag_bench_gntk):
    K = ntkbench.gntk(mutag.graphs.to_grakel(), blocks=2, mlp=2, jk=False, threads=2)
    assert K[1].tobytes() == mutag_bench_gntk[(2, 0)].tobytes()


def test_networkx_form_equals_bench_gntk(mutag, mutag_bench_gntk):
    pytest.importorskip('networkx')
    K = ntkbench.gntk(mutag.graphs.to_networkx(), blocks=2, mlp=2, jk=True, threads=2)
    assert K[1].tobytes() == mutag_bench_gntk[(2, 1)].tobytes()


def test_cross_gram_equals_slice(mutag):
    tr, te = mutag.folds[0]
    X = ntkbench.gntk(mutag.graphs[te], mutag.graphs[tr], threads=2)
    assert X.shape == (2, 2, len(te), len(tr))
    # Bit for bit the block of the full Gram of the set the cross Gram is computed in ...
    F = ntkbench.gntk(ntkbench.graphs.concat(mutag.graphs[tr], mutag.graphs[te]), threads=2)
    assert np.array_equal(X, F[:, :, len(tr):, :len(tr)])
    # ... and the dataset-order Gram's block to rounding (another order of the node tags).
    K = ntkbench.gntk(mutag.graphs, threads=2)
    S = K[:, :, te][:, :, :, tr]
    assert np.max(np.abs(X - S) / np.abs(S)) < 1e-13


def test_cross_gram_of_pairs_and_tags_merged(mutag):
    a = mutag.graphs[:5].to_pairs()
    b = [(e, [f'tag{t}' for t in lab]) for e, lab in mutag.graphs[5:20].to_pairs()]
    ref = ntkbench.gntk(mutag.graphs[:20], threads=1)[:, :, :5, 5:]
    got = ntkbench.gntk([(e, [f'tag{t}' for t in lab]) for e, lab in a], b, threads=1)
    assert np.max(np.abs(got - ref) / np.abs(ref)) < 1e-13


def test_one_and_two_threads_same(mutag):
    g = mutag.graphs[:60]
    assert np.array_equal(ntkbench.gntk(g, blocks=3, mlp=1, threads=1),
                          ntkbench.gntk(g, blocks=3, mlp=1, threads=2))
    assert np.array_equal(ntkbench.gntk(g[:20], g[20:], threads=1),
                          ntkbench.gntk(g[:20], g[20:], threads=2))


def test_progress_callback(mutag):
    seen = []
    ntkbench.gntk(mutag.graphs[:70], threads=2, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1] == 70 * 71 // 2
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    seen.clear()
    ntkbench.gntk(mutag.graphs[:7], mutag.graphs[7:20], progress=lambda d, t: seen.append(d))
    assert seen[-1] == 7 * 13


def test_progress_callback_error_is_raised(mutag):
    def boom(done, total):
        raise KeyError('stop')
    with pytest.raises(KeyError):
        ntkbench.gntk(mutag.graphs[:40], progress=boom)


def test_transformer_cross_and_cosine(mutag):
    tr, te = mutag.folds[1]
    t = ntkbench.GNTK(blocks=2, mlp=2, jk=True, normalize=True, threads=2)
    Ktr = t.fit_transform(mutag.graphs[tr])
    Kte = t.transform(mutag.graphs[te])
    K = ntkbench.gntk(mutag.graphs, threads=2)[1, 1]
    d = np.sqrt(np.diagonal(K))
    C = K / np.outer(d, d)
    # A subset numbers its node tags afresh, which reorders sums: the fast mode's documented
    # agreement (gntk.h: entries with rho near 1 move by ~1e-9).
    assert np.max(np.abs(Ktr - C[np.ix_(tr, tr)])) < 2e-9
    assert np.max(np.abs(Kte - C[np.ix_(te, tr)])) < 2e-9


def test_gil_released_during_the_call(mutag):
    # While the library computes in another thread, this one keeps running Python code.
    import threading
    done = threading.Event()
    ran = []

    def work():
        ntkbench.gntk(mutag.graphs, blocks=3, mlp=2, threads=1)
        done.set()
    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        ran.append(1)
    t.join()
    assert len(ran) > 10000

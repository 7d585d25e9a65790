#!/usr/bin/python3
"""Independent oracle for the LANTK CNN's NTK and the LANTK λ default.

Regenerate the fixtures (about a minute, 2 GB of memory) from the repository root with
    /usr/bin/python3 tests/oracles/cntk_lantk.py
It reads the images already copied into tests/fixtures/cntk-oracle/ and writes the oracle Grams
and lantk-lambda.txt there; tests/test_image_oracle.c compares the C library with them.
    /usr/bin/python3 tests/oracles/cntk_lantk.py --copy-images
first copies the images again from their sources (Debian's dataset-fashion-mnist and the project's
CIFAR-10 subset in CIFAR10_DIR or datasets/cifar10/data, see the README there).

The kernel is written from the network, HornHehhf/LANTK jax_models.CNN(block_size=1, k=1,
num_classes=1) under neural-tangents' stax (NTK parameterisation, W_std = 1, no bias):
    Conv, [Relu, Conv(s=1), Relu, Conv], [Relu, Conv(s=2), Relu, Conv],
    [Relu, Conv(s=2), Relu, Conv], Flatten, Dense(1)
and carried layer by layer on the FULL covariance of every image pair and every pixel pair
[a, b, p, p'] (no same-position shortcut, which is what the C code uses):
    input    Σ = Σ_c x_c[p] z_c[p'] / channels,  Θ = 0
    Conv     Σ ← (1/9) Σ_offsets Σ[p+o, p'+o] (same offset on both images, zero padding, JAX
             'SAME' with stride s),  Θ ← (1/9)(same on Θ) + Σ_new
    Relu     Σ ← E[relu(u) relu(v)], Θ ← Θ · E[relu'(u) relu'(v)], (u, v) Gaussian with the
             variances Σ[a, a, p, p] and Σ[b, b, p', p'] (the arc-cosine kernels)
    Flatten  mean over the diagonal positions p = p'
    Dense    K = Θ + Σ
"""
import gzip
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "cntk-oracle")
N_IMAGES = 4
FMNIST_SRC = "/usr/share/datasets/fashion-mnist"
# the project's CIFAR-10 subset (scripts/fetch-cifar10), from CIFAR10_DIR or datasets/cifar10/data
CIFAR_SRC = os.path.join(os.environ.get("CIFAR10_DIR", os.path.join(ROOT, "datasets", "cifar10", "data")),
                         "data_batch_1.bin")

# jax_models.CNN(block_size=1): every layer and its stride, in order.
ARCH = [("conv", 1),
        ("relu",), ("conv", 1), ("relu",), ("conv", 1),      # CNNGroup(1, 16)
        ("relu",), ("conv", 2), ("relu",), ("conv", 1),      # CNNGroup(1, 32, (2, 2))
        ("relu",), ("conv", 2), ("relu",), ("conv", 1),      # CNNGroup(1, 64, (2, 2))
        ("flatten",), ("dense",)]


def conv(m, s):
    """3×3 conv on a [a, b, i, j, i', j'] covariance, JAX 'SAME' padding for stride s."""
    size = m.shape[2]                      # square images
    out = -(-size // s)
    total = max((out - 1) * s + 3 - size, 0)
    lo, hi = total // 2, total - total // 2
    pad = [(0, 0), (0, 0)] + [(lo, hi)] * 4
    mp = np.pad(m, pad)
    r = np.zeros(m.shape[:2] + (out,) * 4)
    span = s * (out - 1) + 1
    for da in range(3):
        for db in range(3):
            ra, rb = slice(da, da + span, s), slice(db, db + span, s)
            r += mp[:, :, ra, rb, ra, rb]
    return r / 9.0


def relu(sigma, theta):
    n, size = sigma.shape[0], sigma.shape[2]
    var = np.einsum("aaijij->aij", sigma)  # Σ[a, a, p, p]: the variance at each position
    q = var[:, None, :, :, None, None] * var[None, :, None, None, :, :]
    norm = np.sqrt(q)
    rho = np.clip(np.divide(sigma, norm, out=np.zeros_like(sigma), where=norm > 0), -1.0, 1.0)
    t = np.arccos(rho)
    new_sigma = norm * (np.sqrt(1.0 - rho * rho) + (np.pi - t) * rho) / (2.0 * np.pi)
    new_theta = theta * (np.pi - t) / (2.0 * np.pi)
    assert new_sigma.shape == (n, n) + (size,) * 4
    return new_sigma, new_theta


def ntk(x):
    """x: (n, channels, size, size) preprocessed images → the n×n NTK."""
    sigma = np.einsum("achw,bcHW->abhwHW", x, x) / x.shape[1]
    theta = np.zeros_like(sigma)
    for layer in ARCH:
        if layer[0] == "conv":
            sigma = conv(sigma, layer[1])
            theta = conv(theta, layer[1]) + sigma
        elif layer[0] == "relu":
            sigma, theta = relu(sigma, theta)
        elif layer[0] == "flatten":
            sigma = np.einsum("abijij->ab", sigma) / sigma.shape[2] ** 2
            theta = np.einsum("abijij->ab", theta) / theta.shape[2] ** 2
        else:                              # Dense(1, W_std = 1, b_std = 0)
            theta = theta + sigma
    return theta


def copy_images():
    with open(CIFAR_SRC, "rb") as fh:
        rec = fh.read(3073 * N_IMAGES)
    with open(os.path.join(OUT, "cifar10-4.bin"), "wb") as fh:
        fh.write(rec)
    with gzip.open(os.path.join(FMNIST_SRC, "train-images-idx3-ubyte.gz")) as fh:
        img = fh.read(16 + 784 * N_IMAGES)
    with gzip.open(os.path.join(FMNIST_SRC, "train-labels-idx1-ubyte.gz")) as fh:
        lab = fh.read(8 + N_IMAGES)
    n = N_IMAGES.to_bytes(4, "big")        # the IDX headers, with the count cut to N_IMAGES
    with open(os.path.join(OUT, "fmnist-4-images-idx3-ubyte"), "wb") as fh:
        fh.write(img[:4] + n + img[8:])
    with open(os.path.join(OUT, "fmnist-4-labels-idx1-ubyte"), "wb") as fh:
        fh.write(lab[:4] + n + lab[8:])


def read_images():
    """The fixture files, parsed here (not by the library): raw pixels 0..255."""
    with open(os.path.join(OUT, "cifar10-4.bin"), "rb") as fh:
        raw = np.frombuffer(fh.read(), dtype=np.uint8).reshape(-1, 3073)
    cifar = raw[:, 1:].reshape(-1, 3, 32, 32).astype(np.float64)   # label byte, R, G, B planes
    with open(os.path.join(OUT, "fmnist-4-images-idx3-ubyte"), "rb") as fh:
        data = fh.read()
    assert int.from_bytes(data[:4], "big") == 0x803
    n, h, w = (int.from_bytes(data[4 + 4 * k:8 + 4 * k], "big") for k in range(3))
    fmnist = np.frombuffer(data[16:], dtype=np.uint8).reshape(n, 1, h, w).astype(np.float64)
    return {"cifar10": cifar, "fmnist": fmnist}


def lantk_lambda():
    """λ = 0.0005 · mean|H_train| / mean|Z_train| (ntl_google.py) with Z the KR-V1 label kernel
    of ntl_google.get_ntl_kernel_V1_pre, on a fixed 8-item H (6 train, 2 test)."""
    N, n = 8, 6
    i = np.arange(N)
    H = np.exp(-np.abs(i[:, None] - i[None, :]) / 3.0) + 0.1 + 0.05 * np.diag(i + 1.0)
    y = np.array([1.0, -1.0, -1.0, 1.0, 1.0, -1.0, 1.0, -1.0])
    Ht, yt = H[:n, :n], y[:n]
    M = np.outer(yt, yt)
    s2 = (Ht.max() - Ht.min()) ** 2
    SM, SHM, SHHM = M.sum(), (Ht * M).sum(), (Ht * Ht * M).sum()
    SH, SHH = Ht.sum(), (Ht * Ht).sum()
    Z = (s2 * SM - SM * Ht * Ht + 2 * SHM * Ht - SHHM) / (n * n * s2 - n * n * Ht * Ht
                                                          + 2 * SH * Ht - SHH)
    lam = 0.0005 * np.mean(np.abs(Ht)) / np.mean(np.abs(Z))
    assert (Z < 0).any()                  # so that the |·| in the rule matters
    lines = [f"N {N}", f"n_train {n}", "H " + " ".join(map(repr, H.ravel())),
             "y " + " ".join(map(repr, y)), "Z_train " + " ".join(map(repr, Z.ravel())),
             f"lambda {lam!r}"]
    with open(os.path.join(OUT, "lantk-lambda.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"lambda = {lam!r}")


def main():
    os.makedirs(OUT, exist_ok=True)
    if "--copy-images" in sys.argv:
        copy_images()
    for name, raw in read_images().items():
        x = (raw / 255.0 - 0.5) / 0.5      # LANTK: ToTensor, then Normalize(0.5, 0.5)
        K = ntk(x)
        assert np.allclose(K, K.T, rtol=1e-13)
        np.save(os.path.join(OUT, name + ".gram.npy"), K)
        print(name, x.shape, "K[0] =", K[0])
    lantk_lambda()


if __name__ == "__main__":
    main()

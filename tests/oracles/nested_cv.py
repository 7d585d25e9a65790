#!/usr/bin/python3
"""Independent oracle for the nested CV protocol (src/eval/protocol.h).

Regenerate the fixture (about a minute on one core) from the repository root with
    /usr/bin/python3 tests/oracles/nested_cv.py
It reads tests/fixtures/gntk-official, tests/fixtures/wl-grakel/MUTAG-h5.gram.npy and
datasets/MUTAG, and writes tests/fixtures/nested-oracle/ (see the README there);
tests/test_nested_oracle.c compares the C protocol with what it writes.

Only the inner split is transcribed from the C code (src/eval/folds_util.c, src/core/rng.c): it
is defined by a seed, so a second implementation must draw the same numbers.  Everything else
is written from the protocol's definition: the SVM is scikit-learn's SVC as in the GNTK
reference search.py, the Gram variants are search.py's K / min K and its cosine normalisation,
and the selection is an argmax of the inner-CV mean with the first maximum in the order
(candidate, variant, C ascending) winning, as protocol.h documents.
"""
import os
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import SVC

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "tests", "fixtures")
OUT = os.path.join(FIX, "nested-oracle")
SEED = 20190513          # protocol.h's default inner seed; outer fold f uses SEED + f
INNER = 5
LOGSPACE = np.logspace(-2, 4, 120)           # search.py's C grid; cases use subsets of it
VARIANTS = (1, 2)                            # svm.h: 1 = K / min K, 2 = cosine of that
M64 = (1 << 64) - 1
CAPPED = [0]                                 # fits stopped at max_iter (fit_status_ 1)
warnings.filterwarnings("ignore", category=ConvergenceWarning)  # counted in CAPPED instead


# ---- the inner split, bit for bit as src/eval/folds_util.c and src/core/rng.c ----
def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def below(state, bound):
    limit = M64 - M64 % bound       # reject the top partial block (C: UINT64_MAX - UINT64_MAX % b)
    while True:
        state, r = splitmix64(state)
        if r < limit:
            return state, r % bound


def kfold_stratified(lab, k, seed):
    """fold of each item: classes ascending, each shuffled (Fisher-Yates, one stream), dealt
    round-robin with the dealing position carried from class to class."""
    fold_of = [0] * len(lab)
    state, deal = seed, 0
    for c in sorted(set(lab)):
        members = [t for t in range(len(lab)) if lab[t] == c]
        for m in range(len(members), 1, -1):
            state, u = below(state, m)
            members[m - 1], members[u] = members[u], members[m - 1]
        for t in members:
            fold_of[t] = deal % k
            deal += 1
    return fold_of


# ---- the SVM side (search.py) ----
def variant(gram, v):
    g = np.array(gram, dtype=np.float64)
    if g.min() > 0:                 # search.py: gram /= gram.min() (svm.h: skipped if min <= 0)
        g /= g.min()
    if v == 2:                      # search.py's normalisation, in its order
        d = np.sqrt(np.diag(g))
        g /= d[:, None]
        g /= d[None, :]
    return g


def n_correct(g, y, tr, te, C):
    svc = SVC(kernel="precomputed", C=C, max_iter=500000, tol=1e-3, shrinking=True)
    svc.fit(g[np.ix_(tr, tr)], y[tr])
    CAPPED[0] += svc.fit_status_
    return int(np.sum(svc.predict(g[np.ix_(te, tr)]) == y[te]))


def run_case(name, grams, y, folds, c_index, extra=()):
    """All fits of the nested protocol; writes the case file and returns the per-fold picks."""
    F, C_GRID = len(folds), LOGSPACE[c_index]
    CAPPED[0] = 0
    splits = []                     # per outer fold: fold_of and the 5 (train, test) lists
    for f, (tr, _) in enumerate(folds):
        fo = kfold_stratified([int(y[i]) for i in tr], INNER, SEED + f)
        inner = [([tr[t] for t in range(len(tr)) if fo[t] != j],
                  [tr[t] for t in range(len(tr)) if fo[t] == j]) for j in range(INNER)]
        splits.append((fo, inner))
    outer = {}                      # (cand, v, c) -> correct count per outer fold
    inner_mean = {}                 # (cand, v, c) -> inner-CV mean per outer fold
    for k, (_, gram) in enumerate(grams):
        for v in VARIANTS:
            g = variant(gram, v)
            for c, C in enumerate(C_GRID):
                outer[k, v, c] = [n_correct(g, y, tr, te, C) for tr, te in folds]
                means = []
                for f in range(F):
                    s = 0.0                 # summed in inner-fold order, as the C code does
                    for itr, ite in splits[f][1]:
                        s += n_correct(g, y, itr, ite, C) / len(ite)
                    means.append(s / INNER)
                inner_mean[k, v, c] = means
    order = [(k, v, c) for k in range(len(grams)) for v in VARIANTS for c in range(len(C_GRID))]

    def first_max(score):           # strict '>' over the documented order: the first max wins
        best, arg = -1.0, None
        for key in order:
            if score(key) > best:
                best, arg = score(key), key
        return arg

    lines = [f"case {name}", f"n {len(y)} folds {F} inner {INNER} seed {SEED}",
             "C " + " ".join(f"{i}:{C!r}" for i, C in zip(c_index, C_GRID))]
    lines += [f"candidate {k} {nm}" for k, (nm, _) in enumerate(grams)] + list(extra)
    for f, (fo, _) in enumerate(splits):
        lines.append(f"kfold {f} " + " ".join(map(str, fo)))
    for k, v, c in order:
        acc = [outer[k, v, c][f] / len(folds[f][1]) for f in range(F)]
        lines.append(f"grid {k} {v} {c} {float(np.mean(acc))!r}")
    picks, outer_picks, accs = [], [], []
    for f in range(F):
        k, v, c = first_max(lambda key: inner_mean[key][f])
        n_te = len(folds[f][1])
        lines.append(f"nested {f} {k} {v} {c} {inner_mean[k, v, c][f]!r} "
                     f"{outer[k, v, c][f]} {n_te}")
        accs.append(outer[k, v, c][f] / n_te)
        picks.append((k, v, c))
        # What a protocol that (wrongly) selects on the outer test fold would pick.
        ko, vo, co = first_max(lambda key: outer[key][f])
        lines.append(f"outer_best {f} {ko} {vo} {co} {outer[ko, vo, co][f]} {n_te}")
        outer_picks.append((ko, vo, co))
    lines.append(f"nested_mean {float(np.mean(accs))!r} {float(np.std(accs))!r}")
    lines.append(f"fits {len(order) * F * (1 + INNER)} capped {CAPPED[0]}")
    with open(os.path.join(OUT, name + ".txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"{name}: nested {np.mean(accs):.4f} ± {np.std(accs):.4f}; "
          f"{sum(p != q for p, q in zip(picks, outer_picks))}/{F} folds pick differently "
          "on the outer folds")


# ---- WL subtree Grams, written from the definition (GIN-format MUTAG, node tags) ----
def read_gin(path):
    graphs = []
    with open(path) as fh:
        for _ in range(int(fh.readline())):
            n, _ = map(int, fh.readline().split())
            tags, nbrs = [], []
            for _ in range(n):
                row = list(map(int, fh.readline().split()))
                tags.append(row[0])
                nbrs.append(sorted(set(row[2:2 + row[1]])))
            graphs.append((tags, nbrs))
    return graphs


def wl_grams(graphs, H):
    """K_h = sum over iterations 0..h of histogram dot products, one label dictionary per
    iteration shared by all graphs."""
    labels = [list(t) for t, _ in graphs]
    K, out = np.zeros((len(graphs), len(graphs))), []
    for h in range(H + 1):
        if h:
            table = {}
            labels = [[table.setdefault((lab[v], tuple(sorted(lab[w] for w in nb[v]))), len(table))
                       for v in range(len(lab))] for lab, (_, nb) in zip(labels, graphs)]
        ids = {l: i for i, l in enumerate(sorted({l for lab in labels for l in lab}))}
        phi = np.zeros((len(graphs), len(ids)))
        for g, lab in enumerate(labels):
            for l in lab:
                phi[g, ids[l]] += 1
        K = K + phi @ phi.T
        out.append(K.copy())
    return out


def checksums(K):
    """Three exact integer sums, so the C test can check it feeds the same WL Grams."""
    Ki = K.astype(np.int64)
    assert np.array_equal(Ki, K)
    i, j = np.indices(K.shape)
    return int(Ki.sum()), int((Ki * Ki).sum()), int((Ki * (i + 1) * (j + 2)).sum())


def synthetic():
    """60 items, 5 outer folds.  'leaky' is informative only between items of the same outer
    fold (x x' + 1 there, 1 elsewhere): inner CV, whose test and training items come from the
    same outer training set, sees a separable problem, but an outer test item sees only
    constants, which cancel in the SVM decision (sum of alpha_i y_i = 0): it gets the
    majority class.  'noisy' is x~ x~' + 1 with 10 of 60 items on the wrong side: about 5/6
    accuracy on inner and outer folds alike.  So the inner CV picks 'leaky', the outer folds
    would pick 'noisy'."""
    n, F = 60, 5
    y = np.array([0] * 36 + [1] * 24, dtype=np.int64)
    fold = np.arange(n) % F
    x = np.where(y == 0, -1.0, 1.0) * (1.0 + 0.125 * (np.arange(n) % 8))
    xt = x.copy()
    xt[::6] *= -1.0                 # every 6th item on the wrong side
    same = fold[:, None] == fold[None, :]
    leaky = np.where(same, np.outer(x, x) + 1.0, 1.0)
    noisy = np.outer(xt, xt) + 1.0
    d = os.path.join(OUT, "synthetic")
    os.makedirs(os.path.join(d, "10fold_idx"), exist_ok=True)
    np.save(os.path.join(d, "labels.npy"), y)
    np.save(os.path.join(d, "leaky.gram.npy"), leaky)
    np.save(os.path.join(d, "noisy.gram.npy"), noisy)
    folds = []
    for f in range(F):
        tr, te = [i for i in range(n) if fold[i] != f], [i for i in range(n) if fold[i] == f]
        for nm, idx in (("train", tr), ("test", te)):
            with open(os.path.join(d, "10fold_idx", f"{nm}_idx-{f + 1}.txt"), "w") as fh:
                fh.write("".join(f"{i}\n" for i in idx))
        folds.append((tr, te))
    run_case("synthetic", [("leaky", leaky), ("noisy", noisy)], y, folds, range(0, 120, 10))


def main():
    os.makedirs(OUT, exist_ok=True)
    y = np.load(os.path.join(FIX, "gntk-official", "MUTAG.labels.npy"))
    fdir = os.path.join(ROOT, "datasets", "MUTAG", "10fold_idx")
    folds = [tuple(list(np.loadtxt(os.path.join(fdir, f"{nm}_idx-{f}.txt"), dtype=int))
                   for nm in ("train", "test")) for f in range(1, 11)]
    synthetic()
    names = sorted(f for f in os.listdir(os.path.join(FIX, "gntk-official"))
                   if f.endswith(".gram.npy"))
    gntk = [(nm, np.load(os.path.join(FIX, "gntk-official", nm))) for nm in names]
    # C up to 345: above it, K / min K fits run into max_iter, which costs the C test
    # seconds per fit (the WL case below keeps such fits).
    run_case("mutag-gntk", gntk, y, folds, range(0, 100, 10))
    wl = wl_grams(read_gin(os.path.join(ROOT, "datasets", "MUTAG", "MUTAG.txt")), 6)
    # The independent WL agrees with GraKeL's (whose "h5" file is H = 6, see its README).
    assert np.array_equal(wl[6], np.load(os.path.join(FIX, "wl-grakel", "MUTAG-h5.gram.npy")))
    run_case("mutag-wl", [(f"wl-h{h}", wl[h]) for h in range(1, 7)], y, folds, range(0, 120, 10),
             [f"checksum {h - 1} " + " ".join(map(str, checksums(wl[h]))) for h in range(1, 7)])


if __name__ == "__main__":
    main()

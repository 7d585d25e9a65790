#!/usr/bin/python3
"""The programs' numbers, not just their exit codes.  Prints TAP.

    test_programs.py BENCH_GNTK NTKB_EVAL BENCH_LANTK [CASE ...]

With CASE names (the functions below) only those cases run (scripts/mutate uses this).

Every expected value comes from outside the program under test:
  - the official GNTK Grams (tests/fixtures/gntk-official) and their search.py accuracies (its
    README), for what bench_gntk writes and ntkb_eval reports;
  - scikit-learn on the same Grams (tests/fixtures/program-oracle, tests/oracles/programs.py),
    for the accuracies, choices and C values of bench_gntk --evaluate and ntkb_eval;
  - the NumPy LANTK CNN oracle (tests/fixtures/cntk-oracle), for bench_lantk's K_train/K_test;
  - the grids as documented (KangchengHou/gntk's run_gram.sh, bench_gntk --help), written out
    here by hand.
Every .npy a program writes is read back with NumPy and checked for dtype, shape and values.
Without NumPy the whole test is a skip (exit 77).
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

try:
    import numpy as np
except ImportError:
    print("1..0 # SKIP NumPy is missing")
    sys.exit(77)

BENCH, EVAL, LANTK = (os.path.abspath(p) for p in sys.argv[1:4])  # cwd is a temporary dir
FIX = os.environ["NTKB_TEST_FIXTURES"]
DATA = os.environ["NTKB_DATA"]
OFF = os.path.join(FIX, "gntk-official")
ORACLE = os.path.join(FIX, "program-oracle")
TMP = tempfile.mkdtemp(prefix="ntkb-programs-")
VARIANT = {1: "scaled", 2: "cosine"}
VARIANT_ROW = {1: "K/min K", 2: "cosine-normalised"}
ONLY = set(sys.argv[4:])
NAMES = set()
results = []


def case(fn):
    """Runs one TAP case; an AssertionError (or any exception) fails it with its message."""
    NAMES.add(fn.__name__)
    if ONLY and fn.__name__ not in ONLY:
        return fn
    try:
        fn()
        results.append((True, fn.__doc__.strip(), ""))
    except Exception as e:  # noqa: BLE001 - every failure is reported, none aborts the rest
        detail = str(e) or traceback.format_exc().splitlines()[-1]
        results.append((False, fn.__doc__.strip(), detail.replace("\n", " | ")[:600]))
    return fn


def run(*args, want=0, omp="1"):
    p = subprocess.run(list(args), capture_output=True, text=True, cwd=TMP,
                       env=dict(os.environ, OMP_NUM_THREADS=omp))
    assert p.returncode == want, f"{os.path.basename(args[0])} exit {p.returncode}: {p.stderr[-400:]}"
    return p.stdout, p.stderr


def load_npy(path, dtype, shape):
    a = np.load(path)
    assert a.dtype == np.dtype(dtype), f"{path}: dtype {a.dtype}, want {dtype}"
    assert a.shape == shape, f"{path}: shape {a.shape}, want {shape}"
    return a


def close(a, b, rtol, what):
    err = np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))
    assert err <= rtol, f"{what}: max relative difference {err:.3g} > {rtol:g}"


def oracle(name):
    """A case file of nested_cv.py's format: the C list, grid means, nested picks."""
    o = {"C": {}, "cand": {}, "grid": {}, "nested": {}}
    with open(os.path.join(ORACLE, name + ".txt")) as fh:
        for line in fh:
            f = line.split()
            if f[0] == "C":
                o["Clist"] = [float(x.split(":")[1]) for x in f[1:]]
            elif f[0] == "candidate":
                o["cand"][int(f[1])] = " ".join(f[2:])
            elif f[0] == "grid":
                o["grid"][int(f[1]), int(f[2]), int(f[3])] = float(f[4])
            elif f[0] == "nested":
                o["nested"][int(f[1])] = (int(f[2]), int(f[3]), int(f[4]), float(f[5]),
                                          int(f[6]), int(f[7]))
            elif f[0] == "nested_mean":
                o["nested_mean"] = (float(f[1]), float(f[2]))
    return o


def paper_best(o):
    """search.py's maximum; ties to the first setting in (candidate, variant, C) order."""
    best, arg = -1.0, None
    for key, m in o["grid"].items():  # written in that order
        if m > best:
            best, arg = m, key
    return best, arg


def official(L, R, scale, jk):
    return os.path.join(OFF, f"MUTAG-nl{L + 1}-R{R}-{scale}-jk{jk}.gram.npy")


def mutag_labels():
    return np.load(os.path.join(OFF, "MUTAG.labels.npy"))


def evaluated(err):
    return re.findall(r"^evaluated (.*) \([0-9.]+ s so far\)$", err, re.M)


def rows(results_dir):
    with open(os.path.join(results_dir, "graphs.csv")) as fh:
        return {(r["method"], r["protocol"]): r for r in csv.DictReader(fh)}


# ---- bench_gntk: the Grams it writes -------------------------------------------------------
@case
def gntk_out():
    """bench_gntk --out: every gram-L{l}-jk{0,1}.npy and labels.npy read back by NumPy equal the official files"""
    out = os.path.join(TMP, "out-L4")
    run(BENCH, "--dataset", "MUTAG", "--blocks", "4", "--mlp", "1", "--scale", "degree",
        "--out", out, "--quiet", "--threads", "1", omp="2")  # --threads, not OpenMP's default
    for jk in (0, 1):
        for L in (1, 4):  # the official depths; 2 and 3 must exist, symmetric, distinct
            g = load_npy(os.path.join(out, f"gram-L{L}-jk{jk}.npy"), "<f8", (188, 188))
            close(g, np.load(official(L, 1, "degree", jk)), 1e-9, f"gram-L{L}-jk{jk}")
        gs = [load_npy(os.path.join(out, f"gram-L{L}-jk{jk}.npy"), "<f8", (188, 188))
              for L in (1, 2, 3, 4)]
        assert all(np.array_equal(m, m.T) for m in gs[1:3]), "L=2,3 not symmetric"
        assert all(not np.allclose(gs[a], gs[a + 1], rtol=1e-6) for a in range(3)), "equal depths"
    assert not os.path.exists(os.path.join(out, "gram-L5-jk0.npy")), "a Gram beyond --blocks"
    lab = load_npy(os.path.join(out, "labels.npy"), "<i8", (188,))
    assert np.array_equal(lab, mutag_labels()), "labels.npy differs from the official labels"
    meta = json.load(open(os.path.join(out, "meta.json")))
    assert (meta["blocks"], meta["mlp"], meta["scale"], meta["n_graphs"], meta["threads"]) == \
        (4, 1, "degree", 188, 1), meta


# ---- bench_gntk --evaluate: candidates, accuracies, choices ---------------------------------
def check_paper(row, o, n_cands, n_C, grid_label):
    mean, (k, v, c) = paper_best(o)
    assert abs(float(row["mean"]) - 100 * mean) < 6e-5, f"paper mean {row['mean']}, oracle {100 * mean:.4f}"
    want = (f"{o['cand'][k]}, {VARIANT_ROW[v]}, C={o['Clist'][c]:.4g} (best of {n_cands} "
            f"candidates x 2 x {n_C} C; {grid_label}; SMO max_iter 500000;")
    assert row["params"].startswith(want), f"paper params '{row['params']}', want '{want}...'"


def check_nested(row, o, n_cands, n_C, grid_label):
    m, s = o["nested_mean"]
    assert abs(float(row["mean"]) - 100 * m) < 6e-5, f"nested mean {row['mean']}, oracle {100 * m:.4f}"
    assert abs(float(row["std"]) - 100 * s) < 6e-5, f"nested std {row['std']}, oracle {100 * s:.4f}"
    picks = [o["nested"][f][0] for f in range(10)]
    top = max(range(len(o["cand"])), key=lambda k: (picks.count(k), -picks.index(k) if k in picks else 0))
    want = (f"inner 5-fold CV per outer fold over {n_cands} candidates x 2 x {n_C} C; {grid_label}; "
            f"SMO max_iter 500000; most chosen: "
            f"{o['cand'][top]} ({picks.count(top)}/10 folds)")
    assert row["params"] == want, f"nested params '{row['params']}', want '{want}'"


@case
def evaluate_min():
    """bench_gntk --evaluate --grid min --paper-C 4 --nested-C 2 --nested-solver smo: candidates, paper and nested rows equal scikit-learn's (search.py's solver)"""
    res, cache = os.path.join(TMP, "res-min"), os.path.join(TMP, "cache-min")
    out, err = run(BENCH, "--evaluate", "--dataset", "MUTAG", "--grid", "min", "--paper-C", "4",
                   "--nested-C", "2", "--nested-solver", "smo", "--cache", cache, "--results", res,
                   "--threads", "2")
    want = ["L=1 R=1 uniform jk=0", "L=1 R=1 uniform jk=1"] + [f"h={h}" for h in range(1, 7)]
    assert evaluated(err) == want, f"candidates {evaluated(err)}"
    logspace = np.logspace(-2, 4, 120)  # search.py's grid; n values evenly spread in index
    for what, n in (("paper", 4), ("nested", 2)):
        grids = re.findall(rf"^{what} search: C = (.*)$", err, re.M)
        want_C = logspace[[int(k * 119 / (n - 1) + 0.5) for k in range(n)]]
        assert len(grids) == 2 and all(np.allclose([float(x) for x in g.split()], want_C, rtol=1e-12)
                                       for g in grids), f"{what} C grids {grids}, want {want_C}"
    r = rows(res)
    assert len(r) == 4, f"rows {sorted(r)}"
    check_paper(r["GNTK", "paper"], oracle("gntk-C4"), 2, 4, "min grid")
    check_paper(r["WL", "paper"], oracle("wl-C4"), 6, 4, "h = 1..6")
    check_nested(r["GNTK", "nested"], oracle("gntk-C2"), 2, 2, "min grid")
    check_nested(r["WL", "nested"], oracle("wl-C2"), 6, 2, "h = 1..6")
    d = os.path.join(cache, "MUTAG", "R1-uniform-L1")
    for jk in (0, 1):
        g = load_npy(os.path.join(d, f"gram-L1-jk{jk}.npy"), "<f8", (188, 188))
        close(g, np.load(official(1, 1, "uniform", jk)), 1e-9, f"cached gram-L1-jk{jk}")
    assert np.array_equal(load_npy(os.path.join(d, "labels.npy"), "<i8", (188,)), mutag_labels())


def grid_names(Ls, Rs, scales):
    """bench_gntk's candidate order: scale, then R, then L, then jk."""
    return [f"L={L} R={R} {s} jk={jk}" for s in scales for R in Rs for L in Ls for jk in (0, 1)]


@case
def evaluate_grids():
    """bench_gntk --evaluate: the released and quick grids search exactly the documented candidates"""
    res, cache = os.path.join(TMP, "res-grids"), os.path.join(TMP, "cache-grids")
    common = ("--dataset", "MUTAG", "--paper-C", "1", "--nested-C", "0", "--max-iter", "1000",
              "--cache", cache, "--results", res, "--threads", "2")
    wl = [f"h={h}" for h in range(1, 7)]
    _, err = run(BENCH, "--evaluate", *common)  # the default grid is the released one
    want = grid_names((1, 3), (1, 2, 3), ("uniform", "degree"))
    assert evaluated(err) == want + wl, f"released: {evaluated(err)}"
    passes = re.findall(r"^gntk (R=\d \w+ L≤\d): computed", err, re.M)
    assert passes == [f"R={R} {s} L≤3" for s in ("uniform", "degree") for R in (1, 2, 3)], passes
    assert "best of 24 candidates x 2 x 1 C; released grid; SMO max_iter 1000;" in \
        rows(res)["GNTK", "paper"]["params"]
    table = [ln for ln in open(os.path.join(res, "graphs.md"))
             if ln.startswith("| GNTK, ours (paper protocol) |")]
    assert any("| reduced 24×1 |" in ln for ln in table) and not any("full" in ln for ln in table), \
        f"grid table rows {table}"  # 24 configurations but 1 of 120 C: reduced
    _, err = run(BENCH, "--evaluate", "--grid", "quick", *common)
    assert evaluated(err) == grid_names((3,), (1, 3), ("uniform",)) + wl, f"quick: {evaluated(err)}"
    _, err = run(BENCH, "--evaluate", "--grid", "min", "--grid-R", "2", "--grid-scale", "degree",
                 "--grid-L", "2", *common)
    assert evaluated(err) == grid_names((2,), (2,), ("degree",)) + wl, f"restricted: {evaluated(err)}"
    ptc = [a if a != "MUTAG" else "PTC" for a in common]  # NCI1 and PTC: L in {9, 11, 13}
    _, err = run(BENCH, "--evaluate", "--grid", "min", *ptc)
    assert evaluated(err) == grid_names((9,), (1,), ("uniform",)) + wl, f"PTC min: {evaluated(err)}"


@case
def defaults():
    """bench_gntk's defaults: --blocks 2 --mlp 2 uniform; --evaluate's released grid, 120 paper C, 20 nested C, ./cache, ./results"""
    out = os.path.join(TMP, "out-default")
    run(BENCH, "--out", out, "--quiet", "--threads", "1")
    meta = json.load(open(os.path.join(out, "meta.json")))
    assert (meta["dataset"], meta["blocks"], meta["mlp"], meta["scale"], meta["mode"]) == \
        ("MUTAG", 2, 2, "uniform", "fast"), meta
    assert sorted(f for f in os.listdir(out) if f.endswith(".npy")) == \
        ["gram-L1-jk0.npy", "gram-L1-jk1.npy", "gram-L2-jk0.npy", "gram-L2-jk1.npy", "labels.npy"]
    # --max-iter 1 keeps the 120 + 20 C values cheap; the grid sizes are in the rows.
    _, err = run(BENCH, "--evaluate", "--grid", "min", "--max-iter", "1", "--threads", "2")
    assert evaluated(err)[:2] == grid_names((1,), (1,), ("uniform",)), evaluated(err)
    assert os.path.exists(os.path.join(TMP, "cache", "MUTAG", "R1-uniform-L1", "gram-L1-jk1.npy"))
    r = rows(os.path.join(TMP, "results"))
    assert "best of 2 candidates x 2 x 120 C; min grid; SMO max_iter 1;" in r["GNTK", "paper"]["params"], r
    assert "over 6 candidates x 2 x 20 C;" in r["WL", "nested"]["params"], r


# ---- bench_gntk --evaluate: the cache ------------------------------------------------------
@case
def evaluate_cache():
    """bench_gntk --evaluate: the cached pass is reused, and recomputed when the graphs, its files or its fingerprint change"""
    ds = os.path.join(TMP, "ds", "MUTAG")
    shutil.copytree(os.path.join(DATA, "MUTAG"), ds)
    cache, res = os.path.join(TMP, "cache-fp"), os.path.join(TMP, "res-fp")
    d = os.path.join(cache, "MUTAG", "R1-uniform-L1")
    gram = os.path.join(d, "gram-L1-jk1.npy")

    def go(expect):
        _, err = run(BENCH, "--evaluate", "--dataset", ds, "--grid", "min", "--paper-C", "1",
                     "--nested-C", "0", "--max-iter", "1000", "--cache", cache, "--results", res,
                     "--threads", "2")
        got = re.findall(r"^gntk R=1 uniform L≤1: (computed|reused from cache)", err, re.M)
        assert got == [expect], f"want '{expect}', stderr says {got}"
        return np.load(gram)

    g0 = go("computed")
    close(g0, np.load(official(1, 1, "uniform", 1)), 1e-9, "first pass")
    stamp = os.stat(gram).st_mtime_ns
    go("reused from cache")
    assert os.stat(gram).st_mtime_ns == stamp, "a reused Gram was rewritten"
    # One node tag of graph 0 changed: a new graph set, a new fingerprint.
    txt = os.path.join(ds, "MUTAG.txt")
    lines = open(txt).read().split("\n")
    first = lines[2].split()
    first[0] = "1" if first[0] != "1" else "2"
    lines[2] = " ".join(first)
    open(txt, "w").write("\n".join(lines))
    g1 = go("computed")
    # Tags are remapped in order of first appearance, so other entries may move by rounding.
    moved = np.abs(g1 - g0) > 1e-9 * np.abs(g0)
    assert moved[0].any(), "graph 0's row did not change"
    moved[0, :] = moved[:, 0] = False
    assert not moved.any(), f"{moved.sum()} entries outside graph 0's row and column changed"
    go("reused from cache")
    meta = os.path.join(d, "meta.json")
    text = open(meta).read()
    open(meta, "w").write(re.sub(r'("fingerprint": ")([^"]*)"', r'\1x\2"', text))
    go("computed")
    os.remove(os.path.join(d, "gram-L1-jk0.npy"))
    go("computed")
    assert os.path.exists(os.path.join(d, "gram-L1-jk0.npy"))


# ---- ntkb_eval ----------------------------------------------------------------------------
def eval_args(*jks, folds=""):
    a = [EVAL]
    for jk in jks:
        a += ["--gram", official(1, 1, "uniform", jk)]
    return a + ["--labels", os.path.join(OFF, "MUTAG.labels.npy"), "--folds",
                os.path.join(DATA, "MUTAG", folds), "--threads", "2"]


@case
def eval_search_py():
    """ntkb_eval (default grid, 120 C): search.py's best accuracy and C per variant (gntk-official README)"""
    out, _ = run(*eval_args(1))  # the defaults: --protocol paper, --n-C 120, scaled,cosine
    g = re.escape(official(1, 1, "uniform", 1))
    for v, acc, C in (("scaled", "90.00", "5596.28"), ("cosine", "88.33", "4436.69")):
        m = re.search(rf"^paper {g} \[{v}\]: ([0-9.]+) ± [0-9.]+ % \(C = ([0-9.e+]+)\)$", out, re.M)
        assert m and m.group(1) == acc and abs(float(m.group(2)) / float(C) - 1) < 1e-5, \
            f"{v}: {m.group(0) if m else out}"
    assert re.search(rf"^paper: 90\.00 ± [0-9.]+ % \(10 folds; best: {g}, scaled, C = 5596\.28\)$",
                     out, re.M), out


@case
def eval_nested():
    """ntkb_eval --n-C 2 --protocol both (--folds the 10fold_idx directory): per-Gram paper means, per-fold nested choices and accuracies equal scikit-learn's"""
    out, _ = run(*eval_args(0, 1, folds="10fold_idx"), "--n-C", "2", "--protocol", "both")
    o = oracle("gntk-C2")
    for k, jk in enumerate((0, 1)):
        for v in (1, 2):
            best, (_, _, c) = paper_best({"grid": {key: m for key, m in o["grid"].items()
                                                   if key[:2] == (k, v)}})
            g = re.escape(official(1, 1, "uniform", jk))
            m = re.search(rf"^paper {g} \[{VARIANT[v]}\]: ([0-9.]+) ± [0-9.]+ % \(C = ([0-9.e+]+)\)$",
                          out, re.M)
            assert m and abs(float(m.group(1)) - 100 * best) < 6e-3 and \
                abs(float(m.group(2)) / o["Clist"][c] - 1) < 1e-5, f"jk{jk} {VARIANT[v]}: {m and m.group(0)}"
    mean, std = o["nested_mean"]
    m = re.search(r"^nested: ([0-9.]+) ± ([0-9.]+) % \(10 folds\)$", out, re.M)
    assert m and abs(float(m.group(1)) - 100 * mean) < 6e-3 and abs(float(m.group(2)) - 100 * std) < 6e-3, \
        f"nested line {m and m.group(0)}, oracle {100 * mean:.2f} ± {100 * std:.2f}"
    accs = re.findall(r"^  fold accuracies:(.*)$", out, re.M)[-1].split()
    for f in range(10):
        k, v, c, inner, correct, n_te = o["nested"][f]
        assert abs(float(accs[f]) - 100 * correct / n_te) < 6e-3, f"fold {f + 1} accuracy {accs[f]}"
        line = re.search(rf"^  fold {f + 1}: chose (.*), (\w+), C = ([0-9.e+-]+) \(inner CV ([0-9.]+) %\)$",
                         out, re.M)
        assert line, f"fold {f + 1}: no choice line"
        name, var, C, icv = line.groups()
        assert name == official(1, 1, "uniform", (0, 1)[k]) and var == VARIANT[v] and \
            abs(float(C) / o["Clist"][c] - 1) < 1e-5 and abs(float(icv) - 100 * inner) < 6e-3, \
            f"fold {f + 1}: chose {line.group(0).strip()}, oracle {o['cand'][k]} {VARIANT[v]} C={o['Clist'][c]:g}"


# ---- bench_lantk: K_train, K_test, labels --------------------------------------------------
@case
def lantk_out():
    """bench_lantk --out: K_train (n×n), K_test (m×n, test × train) and ±1 labels equal the NumPy CNN oracle"""
    rec = open(os.path.join(FIX, "cntk-oracle", "cifar10-4.bin"), "rb").read()
    r = [rec[i * 3073:(i + 1) * 3073] for i in range(4)]  # labels 6, 9, 9, 4
    G = np.load(os.path.join(FIX, "cntk-oracle", "cifar10.gram.npy"))
    c10 = os.path.join(TMP, "c10")
    os.makedirs(c10)
    batches = {"data_batch_1.bin": r[0] + r[3] + r[1], "test_batch.bin": r[2] + r[0] + r[1]}
    for b in range(2, 6):
        batches[f"data_batch_{b}.bin"] = r[3]  # a deer: not in the pair
    for name, data in batches.items():
        open(os.path.join(c10, name), "wb").write(data)
    out = os.path.join(TMP, "lantk-out")
    run(LANTK, "--dataset", "cifar10", "--data-dir", c10, "--pair", "frog,truck", "--kernel", "cntk",
        "--gram-only", "--out", out, "--threads", "1")
    tr, te = [0, 1], [2, 0, 1]
    close(load_npy(os.path.join(out, "K_train.npy"), "<f8", (2, 2)), G[np.ix_(tr, tr)], 5e-8, "K_train")
    close(load_npy(os.path.join(out, "K_test.npy"), "<f8", (3, 2)), G[np.ix_(te, tr)], 5e-8, "K_test")
    assert load_npy(os.path.join(out, "y_train.npy"), "<i8", (2,)).tolist() == [-1, 1]
    assert load_npy(os.path.join(out, "y_test.npy"), "<i8", (3,)).tolist() == [1, -1, 1]


@case
def lantk_defaults():
    """bench_lantk's defaults: both protocols, 20 resplits"""
    rng = np.random.default_rng(5)
    d = os.path.join(TMP, "c10-random")
    os.makedirs(d)
    sizes = {"data_batch_1.bin": 24, "test_batch.bin": 8}
    sizes.update({f"data_batch_{b}.bin": 2 for b in range(2, 6)})
    for name, count in sizes.items():
        rec = rng.integers(0, 256, size=(count, 3073), dtype=np.uint8)
        rec[:, 0] = np.arange(count) % 2  # planes and cars only
        open(os.path.join(d, name), "wb").write(rec.tobytes())
    out, err = run(LANTK, "--dataset", "cifar10", "--data-dir", d, "--pair", "0,1", "--kernel", "cntk",
                   "--results", "none")
    splits = re.findall(r"resplit split (\d+)/(\d+)", err)
    assert splits and splits[-1] == ("20", "20") and len({s[1] for s in splits}) == 1, splits[-3:]
    assert "official" in out and "resplits" in out, out[-400:]


for name in sorted(ONLY - NAMES):  # a misspelt case must not pass as "nothing failed"
    results.append((False, f"case {name}", "no such case"))
try:
    for i, (good, desc, detail) in enumerate(results, 1):
        print(f"{'ok' if good else 'not ok'} {i} - {desc}" + (f" ({detail})" if detail else ""))
    print(f"1..{len(results)}")
finally:
    shutil.rmtree(TMP, ignore_errors=True)
sys.exit(0 if all(g for g, _, _ in results) else 1)

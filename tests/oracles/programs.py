#!/usr/bin/python3
"""Independent expected values for the program tests (tests/test_programs.sh).

Regenerate (a few minutes on one core) from the repository root with
    /usr/bin/python3 tests/oracles/programs.py
It writes tests/fixtures/program-oracle/ (see the README there) with nested_cv.py's machinery
(scikit-learn's SVC as search.py, the documented selection rule, the inner split transcribed
from the C code) on the inputs the programs see in the test:
  - GNTK: the official MUTAG Grams with one BLOCK, R = 1, uniform scaling, jk = 0 then 1 (what
    `bench_gntk --evaluate --grid min` computes, and what the test gives `ntkb_eval`);
  - WL: the subtree Grams h = 1..6 of datasets/MUTAG written from the definition;
each on the C grids the programs document: `--paper-C 4` and `--nested-C 2` take 4 and 2 values
of search.py's logspace(-2, 4, 120) spread evenly in index with both ends (indices 0, 40, 79,
119 and 0, 119), and `ntkb_eval --n-C 2` is logspace(-2, 4, 2) = the same two values.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nested_cv as nc  # noqa: E402

GRIDS = {"C4": [0, 40, 79, 119], "C2": [0, 119]}


def main():
    nc.OUT = os.path.join(nc.FIX, "program-oracle")
    os.makedirs(nc.OUT, exist_ok=True)
    off = os.path.join(nc.FIX, "gntk-official")
    y = np.load(os.path.join(off, "MUTAG.labels.npy"))
    fdir = os.path.join(nc.ROOT, "datasets", "MUTAG", "10fold_idx")
    folds = [tuple(list(np.loadtxt(os.path.join(fdir, f"{nm}_idx-{f}.txt"), dtype=int))
                   for nm in ("train", "test")) for f in range(1, 11)]
    gntk = [(f"L=1 R=1 uniform jk={jk}",
             np.load(os.path.join(off, f"MUTAG-nl2-R1-uniform-jk{jk}.gram.npy"))) for jk in (0, 1)]
    wl = nc.wl_grams(nc.read_gin(os.path.join(nc.ROOT, "datasets", "MUTAG", "MUTAG.txt")), 6)
    assert np.array_equal(wl[6], np.load(os.path.join(nc.FIX, "wl-grakel", "MUTAG-h5.gram.npy")))
    wl = [(f"h={h}", wl[h]) for h in range(1, 7)]
    for grid, idx in GRIDS.items():
        nc.run_case(f"gntk-{grid}", gntk, y, folds, idx)
        nc.run_case(f"wl-{grid}", wl, y, folds, idx)


if __name__ == "__main__":
    main()

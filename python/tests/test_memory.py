"""No memory growth over 1,000 calls (Grams freed with their arrays, graph sets with their
objects, nothing left behind by a failing call)."""
import gc

import numpy as np

import ntkbench


def rss_kib():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * 4


def grows(fn, calls=1000, warm=50):
    for _ in range(warm):
        fn()
    gc.collect()
    before = rss_kib()
    for _ in range(calls):
        fn()
    gc.collect()
    return rss_kib() - before


def test_gntk_calls(mutag):
    g = mutag.graphs[:12]
    assert grows(lambda: ntkbench.gntk(g, g[:4], threads=1)) < 1024
    assert grows(lambda: ntkbench.gntk(g, threads=1)) < 1024


def test_wl_calls(mutag):
    g = mutag.graphs[:30]
    assert grows(lambda: ntkbench.weisfeiler_lehman(g, n_iter=3, normalize=True)) < 1024


def test_failing_calls():
    bad = [([(0, 9)], [0, 1])]

    def fail():
        try:
            ntkbench.gntk(bad)
        except ValueError:
            pass
    assert grows(fail) < 1024


def test_image_and_eval_calls(mutag):
    X = np.random.default_rng(0).normal(size=(6, 1, 5, 5))
    assert grows(lambda: ntkbench.cntk(X, threads=1)) < 1024
    K = np.exp(-np.abs(np.subtract.outer(np.arange(40.0), np.arange(40.0))) / 9)
    y = np.arange(40) % 2
    folds = [(np.arange(40)[np.arange(40) % 4 != f], np.arange(40)[np.arange(40) % 4 == f])
             for f in range(4)]
    assert grows(lambda: ntkbench.evaluate(K, y, folds, C=[1.0], threads=1), calls=1000) < 1024

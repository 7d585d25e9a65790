"""evaluate() equals ntkb_eval on the same Gram, labels and folds."""
import os
import re
import subprocess

import numpy as np

import ntkbench
from conftest import FIXTURES, ROOT, program

GRAM = os.path.join(FIXTURES, 'gntk-official', 'MUTAG-nl2-R1-uniform-jk1.gram.npy')
LABELS = os.path.join(FIXTURES, 'gntk-official', 'MUTAG.labels.npy')


def ntkb_eval(protocol):
    out = subprocess.run([program('ntkb_eval'), '--gram', GRAM, '--labels', LABELS, '--folds',
                          os.path.join(ROOT, 'datasets', 'MUTAG'), '--protocol', protocol,
                          '--n-C', '6', '--threads', '2'], check=True, capture_output=True,
                         text=True).stdout
    m = re.search(rf'^{protocol}: ([\d.]+) ± ([\d.]+) %.*\n  fold accuracies: (.*)$', out, re.M)
    return float(m[1]), float(m[2]), [float(a) for a in m[3].split()], out


def test_paper_and_nested_equal_ntkb_eval(mutag):
    K, y = np.load(GRAM), np.load(LABELS)
    for protocol in ('paper', 'nested'):
        mean, std, folds, text = ntkb_eval(protocol)
        r = ntkbench.evaluate(K, y, mutag.folds, protocol=protocol, C=6, threads=2)
        assert f'{100 * r.mean:.2f}' == f'{mean:.2f}' and f'{100 * r.std:.2f}' == f'{std:.2f}'
        assert [f'{100 * a:.2f}' for a in r.fold_acc] == [f'{a:.2f}' for a in folds]
        if protocol == 'paper':
            assert f'{r.best.variant}, C = {r.best.C:.6g})' in text
        else:
            for f, s in enumerate(r.fold_best, 1):
                assert f'fold {f}: chose {GRAM}, {s.variant}, C = {s.C:.6g} ' in text
        m = re.search(r'fits: (\d+) in .* \((\d+) stopped at max_iter\)', text)
        assert r.n_fits == int(m[1]) and r.n_capped == int(m[2])


def test_default_grid_is_search_py():
    assert np.allclose(ntkbench.default_C(120), np.logspace(-2, 4, 120), rtol=1e-15)


def test_struct_layouts_match_the_library():
    o = ntkbench._lib.lib.ntkb_protocol_opts_default()   # restype: the package's mirror
    assert (o.inner_folds, o.seed, o.svm.max_iter, o.svm.shrinking) == (5, 20190513, 500000, 1)
    assert o.svm.eps == 1e-3 and o.svm.cache_mb == 200


def test_candidates_are_not_copied(mutag):
    K = ntkbench.gntk(mutag.graphs[:40], threads=2)   # (2, 2, 40, 40): four candidates
    folds = [(np.arange(40)[np.arange(40) % 4 != f], np.arange(40)[np.arange(40) % 4 == f])
             for f in range(4)]
    y = mutag.y[:40]
    a = ntkbench.evaluate(K, y, folds, C=[1.0, 10.0])
    b = ntkbench.evaluate([K[l, jk] for l in range(2) for jk in range(2)], y, folds, C=[1.0, 10.0])
    assert a.mean == b.mean and a.best.candidate < 4
    assert (a.best.candidate, a.best.variant, a.best.C) == (b.best.candidate, b.best.variant,
                                                          b.best.C)
    assert (a.best.name, b.best.name) == (f'grams[{a.best.candidate // 2}, '
                                          f'{a.best.candidate % 2}]', f'grams[{b.best.candidate}]')

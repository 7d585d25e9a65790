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

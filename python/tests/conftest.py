"""Shared fixtures.  The tests run against the build's library (NTKB_LIBRARY, set by meson) and
the source tree's datasets and fixtures."""
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
FIXTURES = os.environ.get('NTKB_TEST_FIXTURES', os.path.join(ROOT, 'tests', 'fixtures'))
BUILD = os.environ.get('NTKB_BUILD', os.path.join(ROOT, 'build'))

import ntkbench  # noqa: E402


def program(name):
    path = os.path.join(BUILD, 'src', 'cli', name)
    if not os.path.exists(path):
        pytest.skip(f'{path} not built')
    return path


@pytest.fixture(scope='session')
def mutag():
    return ntkbench.datasets.load('MUTAG')


@pytest.fixture(scope='session')
def mutag_bench_gntk(tmp_path_factory):
    """bench_gntk's MUTAG Grams (L = 2, R = 2): {(l, jk): array}."""
    out = tmp_path_factory.mktemp('bench_gntk')
    subprocess.run([program('bench_gntk'), '--dataset', 'MUTAG', '--blocks', '2', '--mlp', '2',
                    '--out', str(out), '--threads', '2', '--quiet'], check=True,
                   stdout=subprocess.DEVNULL)
    return {(l, jk): np.load(out / f'gram-L{l}-jk{jk}.npy') for l in (1, 2) for jk in (0, 1)}

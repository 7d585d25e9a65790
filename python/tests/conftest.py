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
def mutag_bench_gntk_dir(tmp_path_factory):
    """A directory with bench_gntk's MUTAG Grams (L = 2, R = 2)."""
    out = tmp_path_factory.mktemp('bench_gntk')
    subprocess.run([program('bench_gntk'), '--dataset', 'MUTAG', '--blocks', '2', '--mlp', '2',
                    '--out', str(out), '--threads', '2', '--quiet'], check=True,
                   stdout=subprocess.DEVNULL)
    return out


@pytest.fixture(scope='session')
def mutag_bench_gntk(mutag_bench_gntk_dir):
    """bench_gntk's MUTAG Grams: {(l, jk): array}."""
    return {(l, jk): np.load(mutag_bench_gntk_dir / f'gram-L{l}-jk{jk}.npy')
            for l in (1, 2) for jk in (0, 1)}


@pytest.fixture(scope='session')
def mutag_bench_gntk_files(mutag_bench_gntk_dir):
    """The same .npy files as bytes: {(l, jk): bytes}."""
    return {(l, jk): (mutag_bench_gntk_dir / f'gram-L{l}-jk{jk}.npy').read_bytes()
            for l in (1, 2) for jk in (0, 1)}

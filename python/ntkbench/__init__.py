"""ntkbench: exact neural-tangent-family kernels (GNTK, WL subtree, CNTK, LANTK, FC NTK) and the
SVM protocols of the GNTK paper, over the C library libntkbench.

    import ntkbench
    ds = ntkbench.datasets.load('MUTAG')
    K = ntkbench.gntk(ds.graphs, blocks=2, mlp=2, jk=True)[-1]     # depth 2, n × n
    res = ntkbench.evaluate(K, ds.y, ds.folds, protocol='nested')

Inputs and outputs are NumPy arrays; the library computes with the GIL released; a library
error raises a ValueError (bad input), OSError (files), MemoryError or ArithmeticError
subclass carrying the library's message (ntkbench.Error is their common base).
"""
from . import datasets, graphs
from ._lib import (Error, FileError, InputError, LibraryError, NumericalError, OutOfMemory,
                   version, LIBRARY_PATH)
from .evaluate import Result, Setting, default_C, evaluate
from .graphs import GraphSet, as_graphset
from .images import cntk, fc_ntk, lantk
from .kernels import gntk, weisfeiler_lehman


def __getattr__(name):
    # The transformers import scikit-learn (a second or so): only when first asked for.
    if name in ('GNTK', 'WeisfeilerLehman'):
        from . import transformers
        return getattr(transformers, name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


__version__ = version()
__all__ = ['datasets', 'graphs', 'GraphSet', 'as_graphset', 'gntk', 'weisfeiler_lehman', 'cntk',
           'lantk', 'fc_ntk', 'GNTK', 'WeisfeilerLehman', 'evaluate', 'Result', 'Setting',
           'default_C', 'Error', 'InputError', 'FileError', 'OutOfMemory', 'NumericalError',
           'LibraryError', 'version', 'LIBRARY_PATH']

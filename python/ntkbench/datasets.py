"""The bundled graph benchmarks (and any TU/GIN dataset on disk) with their 10 folds."""
import ctypes
import os
from dataclasses import dataclass

import numpy as np

from . import _lib, graphs as _graphs

_l = _lib.lib


class _FoldsC(ctypes.Structure):
    _fields_ = [('n_folds', ctypes.c_size_t),
                ('train', ctypes.POINTER(_lib.c_size_p)), ('test', ctypes.POINTER(_lib.c_size_p)),
                ('n_train', _lib.c_size_p), ('n_test', _lib.c_size_p)]


_l.ntkb_folds_read.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t,
                               ctypes.POINTER(ctypes.POINTER(_FoldsC))]
_l.ntkb_folds_free.argtypes = [ctypes.POINTER(_FoldsC)]
_l.ntkb_folds_free.restype = None
_l.ntkb_dataset_dir.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                ctypes.c_size_t]

NAMES = ('MUTAG', 'PTC', 'NCI1', 'PROTEINS', 'IMDBBINARY', 'IMDBMULTI', 'COLLAB')


@dataclass
class Dataset:
    """graphs: a GraphSet (its y = classes 0..K-1 in order of first appearance); y: the same
    labels; classes: the label of each class as written in the file; folds: a list of
    (train, test) index arrays (empty when the dataset has no fold files)."""
    name: str
    graphs: _graphs.GraphSet
    y: np.ndarray
    classes: np.ndarray
    folds: list


def data_dir():
    """Where named datasets are looked up: $NTKB_DATA, else the source checkout's datasets/
    when the package runs from one, else the library's own rule (the installed copy)."""
    env = os.environ.get('NTKB_DATA')
    if env:
        return env
    src = os.path.join(_lib._SOURCE_ROOT, 'datasets')
    return src if os.path.isdir(os.path.join(src, 'MUTAG')) else None


def _folds(dataset, datadir, n_graphs, n_folds):
    buf = ctypes.create_string_buffer(4096)
    _lib.check(_l.ntkb_dataset_dir(dataset.encode(), datadir, buf, len(buf)))
    d = buf.value.decode()
    if not os.path.isdir(os.path.join(d, '10fold_idx')):
        return []
    out = ctypes.POINTER(_FoldsC)()
    _lib.check(_l.ntkb_folds_read(d.encode(), n_folds, n_graphs, ctypes.byref(out)))
    try:
        f = out.contents
        return [(np.ctypeslib.as_array(f.train[k], (f.n_train[k],)).astype(np.int64),
                 np.ctypeslib.as_array(f.test[k], (f.n_test[k],)).astype(np.int64))
                for k in range(f.n_folds)]
    finally:
        _l.ntkb_folds_free(out)


def load(name, tags='auto', n_folds=10):
    """A bundled dataset by name (MUTAG, PTC, NCI1, PROTEINS, IMDBBINARY, IMDBMULTI, COLLAB),
    or a TU-format directory or GIN-format file.  tags: 'auto' (node degree for IMDB* and
    COLLAB, the file's node labels otherwise, as bench_gntk), 'file' or 'degree'."""
    if tags not in _graphs.TAG_MODES:
        raise ValueError(f"tags: expected one of {', '.join(_graphs.TAG_MODES)}, got {tags!r}")
    datadir = data_dir()
    dd = datadir.encode() if datadir else None
    out = _graphs.GS_P()
    with _lib.graph_lock:
        _lib.check(_l.ntkb_graphset_load(os.fspath(name).encode(), dd, _graphs.TAG_MODES[tags],
                                         ctypes.byref(out)))
    handle = _graphs._Handle(out)
    gs = _graphs.from_handle(handle, ('file', os.path.abspath(os.fspath(name)) if
                                      os.path.exists(name) else str(name), datadir, tags))
    c = out.contents
    classes = np.ctypeslib.as_array(c.class_value, (c.n_classes,)).astype(np.int64)
    folds = _folds(os.fspath(name), dd, len(gs), n_folds)
    return Dataset(gs.name, gs, gs.y.copy(), classes, folds)

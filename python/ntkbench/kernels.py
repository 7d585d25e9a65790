"""The graph kernels: the GNTK and the WL subtree kernel, on any form of graphs.

Every Gram is written by the library straight into a NumPy array, or handed over by it without
a copy; `threads` ≤ 0 or None means the OpenMP default; results do not depend on the thread
count.
"""
import ctypes
import weakref

import numpy as np

from . import _lib, graphs as _graphs

_l = _lib.lib
c_size_t, c_int, c_double, c_void_p = ctypes.c_size_t, ctypes.c_int, ctypes.c_double, ctypes.c_void_p
DPP = ctypes.POINTER(_lib.c_double_p)


class _GntkParams(ctypes.Structure):
    _fields_ = [('blocks', c_int), ('mlp', c_int), ('scale', c_int), ('faithful', c_int)]


_l.ntkb_gntk_gram_progress.argtypes = [_graphs.GS_P, ctypes.POINTER(_GntkParams), c_int, DPP,
                                       _lib.PROGRESS_FN, c_void_p]
_l.ntkb_gntk_cross.argtypes = [_graphs.GS_P, ctypes.POINTER(_GntkParams), c_size_t, c_int, DPP,
                               DPP, _lib.PROGRESS_FN, c_void_p]
_l.ntkb_gntk_params_check.argtypes = [ctypes.POINTER(_GntkParams)]


def _gntk_params(blocks, mlp, scale, faithful):
    if scale not in ('uniform', 'degree'):
        raise ValueError(f"scale: expected 'uniform' or 'degree', got {scale!r}")
    p = _GntkParams(int(blocks), int(mlp), 0 if scale == 'uniform' else 1, int(bool(faithful)))
    _lib.check(_l.ntkb_gntk_params_check(ctypes.byref(p)))
    return p


def _pick_jk(out, jk):
    return out if jk is None else out[:, 1 if jk else 0]


def gntk(graphs, graphs_b=None, blocks=2, mlp=2, scale='uniform', jk=None, faithful=False,
         threads=None, progress=None, node_label='label', tags='file'):
    """GNTK Grams of every depth in one pass (Du et al. 2019, as KangchengHou/gntk).

    graphs: a GraphSet or a list of graphs (see ntkbench.graphs).  With graphs_b, the cross
    Gram between graphs (rows, e.g. test) and graphs_b (columns, e.g. train).
    blocks: L BLOCKs (the official --num_layers minus one); mlp: R MLP layers per BLOCK;
    scale: 'uniform' or 'degree'; faithful: the node-level kernel in the official summation
    order.  Returns an array of shape (L, 2, n_a, n_b): [l-1, jk] is the Gram of depth l with
    the last-block (jk=0) or jumping-knowledge (jk=1) readout, official factor 2 included;
    jk=True/False returns that readout only, shape (L, n_a, n_b).
    progress: True for a bar on stderr, or a callable progress(done_pairs, total_pairs)."""
    p = _gntk_params(blocks, mlp, scale, faithful)
    K = 2 * p.blocks
    a = _graphs.as_graphset(graphs, node_label, tags)
    prog = _lib.Progress(progress, 'GNTK')
    if graphs_b is None:
        n = len(a)
        out = np.empty((p.blocks, 2, n, n))
        flat = out.reshape(K, n, n)
        st = _l.ntkb_gntk_gram_progress(a.handle().ptr, ctypes.byref(p), _lib.as_threads(threads),
                                        _lib.ptr_array(list(flat)), prog.c_fn, None)
    else:
        b = _graphs.as_graphset(graphs_b, node_label, tags)
        both = _graphs.concat(b, a)
        out = np.empty((p.blocks, 2, len(a), len(b)))
        flat = out.reshape(K, len(a), len(b))
        st = _l.ntkb_gntk_cross(both.handle().ptr, ctypes.byref(p), len(b),
                                _lib.as_threads(threads), _lib.ptr_array(list(flat)), None,
                                prog.c_fn, None)
    _lib.check(st)
    prog.finish()
    return _pick_jk(out, jk)


def gntk_cross_diag(graphs, graphs_b, blocks=2, mlp=2, scale='uniform', faithful=False,
                    threads=None, progress=None):
    """As gntk(graphs, graphs_b) (shape (L, 2, n_a, n_b)), plus K(a, a) of every row graph
    (shape (L, 2, n_a)) for cosine normalisation, in the same pass."""
    p = _gntk_params(blocks, mlp, scale, faithful)
    K = 2 * p.blocks
    a, b = _graphs.as_graphset(graphs), _graphs.as_graphset(graphs_b)
    both = _graphs.concat(b, a)
    out = np.empty((p.blocks, 2, len(a), len(b)))
    diag = np.empty((p.blocks, 2, len(a)))
    prog = _lib.Progress(progress, 'GNTK')
    _lib.check(_l.ntkb_gntk_cross(both.handle().ptr, ctypes.byref(p), len(b),
                                  _lib.as_threads(threads),
                                  _lib.ptr_array(list(out.reshape(K, len(a), len(b)))),
                                  _lib.ptr_array(list(diag.reshape(K, len(a)))), prog.c_fn, None))
    prog.finish()
    return out, diag


# --- WL subtree -------------------------------------------------------------------------------

class _GramC(ctypes.Structure):
    _fields_ = [('n', c_size_t), ('data', _lib.c_double_p)]


GRAM_P = ctypes.POINTER(_GramC)
_l.ntkb_wl_grams.argtypes = [_graphs.GS_P, c_size_t, c_int, ctypes.POINTER(ctypes.c_uint8), c_int,
                             ctypes.POINTER(GRAM_P), _lib.c_size_p]
_l.ntkb_wl_normalize.argtypes = [GRAM_P]
_l.ntkb_gram_free.argtypes = [GRAM_P]
_l.ntkb_gram_free.restype = None
WL_INIT = {'tags': 0, 'uniform': 1, 'degree': 2}


def _adopt(g):
    """The library's Gram as a NumPy array over its own memory, freed with the array."""
    n = g.contents.n
    buf = (c_double * (n * n)).from_address(ctypes.addressof(g.contents.data.contents))
    weakref.finalize(buf, _l.ntkb_gram_free, g)
    return np.frombuffer(buf, dtype=np.float64).reshape(n, n)


def _wl_full(gs, n_iter, init, normalize, threads, all_iterations):
    H = int(n_iter)
    if H < 0 or H != n_iter:
        raise ValueError(f'n_iter: expected a non-negative integer, got {n_iter!r}')
    if init not in WL_INIT:
        raise ValueError(f"init: expected one of {', '.join(WL_INIT)}, got {init!r}")
    want = (ctypes.c_uint8 * (H + 1))(*([1] * (H + 1) if all_iterations else [0] * H + [1]))
    out = (GRAM_P * (H + 1))()
    _lib.check(_l.ntkb_wl_grams(gs.handle().ptr, H, WL_INIT[init], want,
                                _lib.as_threads(threads), out, None))
    owned = [out[h] for h in range(H + 1) if want[h]]
    grams = [_adopt(g) for g in owned]  # from here on freed with the arrays, whatever happens
    if normalize:
        for g in owned:
            _lib.check(_l.ntkb_wl_normalize(g))
    return grams if all_iterations else grams[0]


def weisfeiler_lehman(graphs, graphs_b=None, n_iter=5, normalize=False, init='tags',
                      threads=None, all_iterations=False, node_label='label', tags='file'):
    """WL subtree Gram (Shervashidze et al. 2011) with GraKeL's meaning of n_iter: n_iter
    refinements on top of the base label histogram, equal to GraKeL's
    WeisfeilerLehman(n_iter, base_graph_kernel=VertexHistogram, normalize).fit_transform.
    With graphs_b: the rows-graphs × graphs_b block (GraKeL's transform after fit(graphs_b)).
    all_iterations=True returns the list of the cumulative Grams after 0..n_iter refinements.
    normalize: K_ij / sqrt(K_ii K_jj)."""
    a = _graphs.as_graphset(graphs, node_label, tags)
    if graphs_b is None:
        return _wl_full(a, n_iter, init, normalize, threads, all_iterations)
    b = _graphs.as_graphset(graphs_b, node_label, tags)
    both = _graphs.concat(b, a)
    out = [_wl_cross(both, len(b), h, init, normalize, threads)
           for h in (range(int(n_iter) + 1) if all_iterations else [n_iter])]
    return out if all_iterations else out[0]


_l.ntkb_wl_cross.argtypes = [_graphs.GS_P, c_size_t, c_int, c_size_t, c_int, _lib.c_double_p,
                             _lib.c_double_p]


def _wl_cross(both, nb, n_iter, init, normalize, threads):
    """The rows × columns block of K_H for a set holding the nb column graphs first."""
    H = int(n_iter)
    if H < 0 or H != n_iter:
        raise ValueError(f'n_iter: expected a non-negative integer, got {n_iter!r}')
    if init not in WL_INIT:
        raise ValueError(f"init: expected one of {', '.join(WL_INIT)}, got {init!r}")
    out = np.empty((len(both) - nb, nb))
    diag = np.empty(len(both))
    _lib.check(_l.ntkb_wl_cross(both.handle().ptr, H, WL_INIT[init], nb,
                                _lib.as_threads(threads), _lib.dptr(out), _lib.dptr(diag)))
    if normalize:  # as ntkb_wl_normalize: K / (sqrt(K_aa) sqrt(K_bb)), 0 for an empty graph
        d = np.sqrt(np.maximum(diag, 0.0))
        with np.errstate(divide='ignore', invalid='ignore'):
            out /= np.outer(d[nb:], d[:nb])
        out[~np.isfinite(out)] = 0.0
    return out

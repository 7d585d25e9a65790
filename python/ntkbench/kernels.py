"""The kernels on NumPy inputs: GNTK and WL on graphs, CNTK, LANTK and the FC NTK on arrays.

Every Gram is written by the library straight into a NumPy array (no copy); `threads` ≤ 0 or
None means the OpenMP default; results do not depend on the thread count.
"""
import ctypes
import weakref
from collections import namedtuple

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
    full = _wl_full(_graphs.concat(b, a), n_iter, init, False, threads, True)
    nb = len(b)
    out = []
    for K in full:
        block = np.ascontiguousarray(K[nb:, :nb])
        if normalize:
            d = np.diagonal(K)
            with np.errstate(divide='ignore', invalid='ignore'):
                block = np.nan_to_num(block / np.sqrt(np.outer(d[nb:], d[:nb])))
        out.append(block)
    return out if all_iterations else out[-1]


# --- images and vectors -----------------------------------------------------------------------

class _CntkOp(ctypes.Structure):
    _fields_ = [('kind', c_int), ('stride', c_int), ('trainable', c_int)]


class _CntkArch(ctypes.Structure):
    _fields_ = [('n_ops', c_size_t), ('ops', _CntkOp * 64), ('readout', c_int),
                ('readout_mean', c_int), ('readout_trainable', c_int), ('w_var', c_double),
                ('c_sigma', c_double), ('input_scale', c_double)]


_l.ntkb_cntk_arch_lantk.argtypes = [ctypes.POINTER(_CntkArch), c_size_t]
_l.ntkb_cntk_arch_lantk.restype = None
_l.ntkb_cntk_arch_arora.argtypes = [ctypes.POINTER(_CntkArch), c_size_t, c_int]
_l.ntkb_cntk_alloc.argtypes = [ctypes.POINTER(_CntkArch), c_size_t, c_size_t, c_size_t,
                               ctypes.POINTER(c_void_p)]
_l.ntkb_cntk_free.argtypes = [c_void_p]
_l.ntkb_cntk_free.restype = None
_l.ntkb_cntk_gram.argtypes = [c_void_p, c_size_t, _lib.c_double_p, c_size_t, _lib.c_double_p,
                              c_int, c_int, _lib.c_double_p]


def _images(X, name):
    a = _lib.as_f64(X, name, 4)
    if 0 in a.shape:
        raise ValueError(f'{name}: expected a non-empty (n, C, H, W) array, got shape {a.shape}')
    return a


def _cntk_block(X, Z, arch, depth, readout, threads, progress):
    X = _images(X, 'X')
    Zc = None if Z is None else _images(Z, 'Z')
    if Zc is not None and Zc.shape[1:] != X.shape[1:]:
        raise ValueError(f'Z: expected images of shape {X.shape[1:]}, got {Zc.shape[1:]}')
    if readout not in ('flatten', 'gap'):
        raise ValueError(f"readout: expected 'flatten' or 'gap', got {readout!r}")
    a = _CntkArch()
    if arch == 'lantk':
        _l.ntkb_cntk_arch_lantk(ctypes.byref(a), X.shape[1])
        a.readout = 0 if readout == 'flatten' else 1
    elif arch == 'arora':
        _lib.check(_l.ntkb_cntk_arch_arora(ctypes.byref(a), int(depth), int(readout == 'gap')))
    else:
        raise ValueError(f"arch: expected 'lantk' or 'arora', got {arch!r}")
    k = c_void_p()
    _lib.check(_l.ntkb_cntk_alloc(ctypes.byref(a), *X.shape[1:], ctypes.byref(k)))
    try:
        out = np.empty((len(X), len(X) if Zc is None else len(Zc)))
        _lib.check(_l.ntkb_cntk_gram(k, len(X), _lib.dptr(X), 0 if Zc is None else len(Zc),
                                     _lib.dptr(Zc), _lib.as_threads(threads), int(bool(progress)),
                                     _lib.dptr(out)))
    finally:
        _l.ntkb_cntk_free(k)
    return out


def cntk(X, Z=None, arch='lantk', readout='flatten', depth=None, threads=None, progress=False):
    """The CNTK Gram Θ(X_i, Z_j) of (n, C, H, W) image arrays (Z None: X × X).
    arch 'lantk': the LANTK paper's CNN (neural-tangents' jax_models.CNN, inputs scaled by
    1/channels); 'arora': Arora et al.'s depth-`depth` CNTK (flatten = CNTK-V, gap = CNTK-GAP).
    progress=True prints progress lines on stderr."""
    if arch == 'arora' and depth is None:
        raise ValueError("depth: required with arch='arora'")
    return _cntk_block(X, Z, arch, depth, readout, threads, progress)


_l.ntkb_lantk_kr_fit.argtypes = [_lib.c_double_p, c_size_t, c_size_t, _lib.c_size_p,
                                 _lib.c_double_p, c_void_p]
_l.ntkb_lantk_kr_block.argtypes = [c_void_p, _lib.c_double_p, c_size_t, c_size_t, c_size_t,
                                   _lib.c_double_p]
_l.ntkb_lantk_kr_block.restype = None
_l.ntkb_lantk_lambda.argtypes = [c_double, c_size_t, _lib.c_double_p, _lib.c_double_p]
_l.ntkb_lantk_lambda.restype = c_double
_l.ntkb_lantk_regress.argtypes = [c_size_t, _lib.c_double_p, _lib.c_double_p, c_double,
                                  _lib.c_double_p, c_size_t, _lib.c_double_p, _lib.c_double_p,
                                  _lib.c_double_p, _lib.c_double_p]

LantkResult = namedtuple('LantkResult', 'K_train K_test lam predictions')
LABEL_RATIO = 0.0005  # ntl_google.py's label_ratio (lantk.h: NTKB_LANTK_LABEL_RATIO)


def lantk(X, y, X_test, variant='kr-v1', lam=None, arch='lantk', readout='flatten', depth=None,
          threads=None, progress=False):
    """LANTK-HR (Chen, He & Su 2020) with the kernel-regression estimate of Z, on a two-class
    problem: the CNTK H of the pooled images, Z fitted on the training block with targets
    y yᵀ ('kr-v1') or α αᵀ, α = H⁻¹y ('kr-v2'), λ = 0.0005·mean|H|/mean|Z| unless given.
    Returns LantkResult(K_train = H + λZ (n×n), K_test (m×n), lam, predictions): the
    label-aware kernel regression's predicted classes for X_test."""
    y = np.asarray(y)
    classes = np.unique(y)
    if len(classes) != 2 or len(y) != len(X):
        raise ValueError(f'y: expected two classes and one label per training image, got '
                         f'{len(classes)} classes and {len(y)} labels for {len(X)} images')
    if variant not in ('kr-v1', 'kr-v2'):
        raise ValueError(f"variant: expected 'kr-v1' or 'kr-v2', got {variant!r}")
    X, Xt = _images(X, 'X'), _images(X_test, 'X_test')
    n, m = len(X), len(Xt)
    H = _cntk_block(np.concatenate([X, Xt]), None, arch, depth, readout, threads, progress)
    N = n + m
    ypm = np.where(y == classes[1], 1.0, -1.0)
    Htr, Hte = np.ascontiguousarray(H[:n, :n]), np.ascontiguousarray(H[n:, :n])
    pred = np.empty(m)
    v = ypm
    if variant == 'kr-v2':
        v = np.empty(n)
        _lib.check(_l.ntkb_lantk_regress(n, _lib.dptr(Htr), None, 0.0, _lib.dptr(ypm), m,
                                         _lib.dptr(Hte), None, _lib.dptr(pred), _lib.dptr(v)))
    kr = (c_double * 7)()
    _lib.check(_l.ntkb_lantk_kr_fit(_lib.dptr(H), N, n, None, _lib.dptr(v), kr))
    Ztr, Zte = np.empty((n, n)), np.empty((m, n))
    _l.ntkb_lantk_kr_block(kr, _lib.dptr(Htr), n, n, n, _lib.dptr(Ztr))
    _l.ntkb_lantk_kr_block(kr, _lib.dptr(Hte), n, m, n, _lib.dptr(Zte))
    lam = _l.ntkb_lantk_lambda(LABEL_RATIO, n * n, _lib.dptr(Htr), _lib.dptr(Ztr)) \
        if lam is None else float(lam)
    _lib.check(_l.ntkb_lantk_regress(n, _lib.dptr(Htr), _lib.dptr(Ztr), lam, _lib.dptr(ypm), m,
                                     _lib.dptr(Hte), _lib.dptr(Zte), _lib.dptr(pred), None))
    Ztr *= lam
    Ztr += Htr
    Zte *= lam
    Zte += Hte
    return LantkResult(Ztr, Zte, lam, np.where(pred > 0, classes[1], classes[0]))


class _FcParams(ctypes.Structure):
    _fields_ = [('act', c_int), ('hidden', c_size_t), ('beta', c_double), ('c_sigma', c_double),
                ('input_var', c_double), ('input_dim', c_double), ('rule', c_void_p),
                ('f', c_void_p), ('fprime', c_void_p), ('fparams', c_void_p)]


_l.ntkb_fcntk_params_jacot.argtypes = [ctypes.POINTER(_FcParams), c_int, c_size_t, c_double,
                                       c_size_t]
_l.ntkb_fcntk_params_jacot.restype = None
_l.ntkb_fcntk_params_arora.argtypes = [ctypes.POINTER(_FcParams), c_int, c_size_t]
_l.ntkb_fcntk_params_arora.restype = None
_l.ntkb_fcntk_gram.argtypes = [ctypes.POINTER(_FcParams), c_size_t, c_size_t, _lib.c_double_p,
                               c_size_t, _lib.c_double_p, _lib.c_double_p]
ACTIVATIONS = {'relu': 0, 'erf': 1, 'gelu': 2}


def _omp():
    try:
        g = ctypes.CDLL('libgomp.so.1')
        g.omp_get_max_threads.restype = c_int
        g.omp_set_num_threads.argtypes = [c_int]
        return g
    except OSError:
        return None


_gomp = _omp()


def fc_ntk(X, Z=None, act='relu', hidden=1, form='arora', beta=0.0, threads=None):
    """The fully-connected NTK Θ(X_i, Z_j) of (n, d) arrays with `hidden` nonlinear layers.
    form 'arora': w₀ = n₀ = 1, β = 0, c_σ = 1/E[σ(z)²]; 'jacot': w₀ = 1, n₀ = d, c_σ = 1,
    bias standard deviation beta."""
    X = _lib.as_f64(X, 'X', 2)
    Zc = None if Z is None else _lib.as_f64(Z, 'Z', 2)
    if Zc is not None and Zc.shape[1] != X.shape[1]:
        raise ValueError(f'Z: expected {X.shape[1]} columns, got {Zc.shape[1]}')
    if act not in ACTIVATIONS:
        raise ValueError(f"act: expected one of {', '.join(ACTIVATIONS)}, got {act!r}")
    p = _FcParams()
    if form == 'arora':
        _l.ntkb_fcntk_params_arora(ctypes.byref(p), ACTIVATIONS[act], int(hidden))
    elif form == 'jacot':
        _l.ntkb_fcntk_params_jacot(ctypes.byref(p), ACTIVATIONS[act], int(hidden), float(beta),
                                   X.shape[1])
    else:
        raise ValueError(f"form: expected 'arora' or 'jacot', got {form!r}")
    m = len(X) if Zc is None else len(Zc)
    out = np.empty((len(X), m))
    t = _lib.as_threads(threads)
    old = _gomp.omp_get_max_threads() if (_gomp and t) else 0
    if old:
        _gomp.omp_set_num_threads(t)
    try:
        _lib.check(_l.ntkb_fcntk_gram(ctypes.byref(p), len(X), X.shape[1], _lib.dptr(X), m,
                                      _lib.dptr(Zc), _lib.dptr(out)))
    finally:
        if old:
            _gomp.omp_set_num_threads(old)
    return out

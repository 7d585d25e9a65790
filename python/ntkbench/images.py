"""The image and vector kernels on NumPy arrays: the CNTK, LANTK-HR and the FC NTK.

Outputs are allocated here and filled by the library through pointers; `threads` ≤ 0 or None
means the OpenMP default.
"""
import ctypes
from collections import namedtuple

import numpy as np

from . import _lib

_l = _lib.lib
c_size_t, c_int, c_double, c_void_p = ctypes.c_size_t, ctypes.c_int, ctypes.c_double, ctypes.c_void_p



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
_l.ntkb_cntk_gram_progress.argtypes = [c_void_p, c_size_t, _lib.c_double_p, c_size_t,
                                       _lib.c_double_p, c_int, c_int, _lib.PROGRESS_FN, c_void_p,
                                       _lib.c_double_p]


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
    prog = _lib.Progress(progress, 'CNTK')
    try:
        out = np.empty((len(X), len(X) if Zc is None else len(Zc)))
        _lib.check(_l.ntkb_cntk_gram_progress(
            k, len(X), _lib.dptr(X), 0 if Zc is None else len(Zc), _lib.dptr(Zc),
            _lib.as_threads(threads), 0, prog.c_fn, None, _lib.dptr(out)))
    finally:
        _l.ntkb_cntk_free(k)
    prog.finish()
    return out


def cntk(X, Z=None, arch='lantk', readout='flatten', depth=None, threads=None, progress=False):
    """The CNTK Gram Θ(X_i, Z_j) of (n, C, H, W) image arrays (Z None: X × X).
    arch 'lantk': the LANTK paper's CNN (neural-tangents' jax_models.CNN, inputs scaled by
    1/channels); 'arora': Arora et al.'s depth-`depth` CNTK (flatten = CNTK-V, gap = CNTK-GAP).
    progress: True for a bar on stderr, or a callable progress(done_pairs, total_pairs)."""
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

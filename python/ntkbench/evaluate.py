"""The SVM protocols of ntkb_eval on Grams held in NumPy (eval/protocol.h)."""
import ctypes
from dataclasses import dataclass, field

import numpy as np

from . import _lib

_l = _lib.lib
c_size_t, c_int, c_uint, c_double = ctypes.c_size_t, ctypes.c_int, ctypes.c_uint, ctypes.c_double
MAX_FOLDS = 64


class _SvmParams(ctypes.Structure):
    _fields_ = [('eps', c_double), ('cache_mb', c_double), ('shrinking', c_int),
                ('max_iter', ctypes.c_long)]


class _Opts(ctypes.Structure):
    _fields_ = [('C', _lib.c_double_p), ('n_C', c_size_t), ('variants', c_uint),
                ('protocols', c_uint), ('inner_folds', c_size_t), ('seed', ctypes.c_uint64),
                ('threads', c_int), ('progress', c_int), ('solver', c_int),
                ('tune_malloc', c_int), ('svm', _SvmParams),
                ('blocks', ctypes.c_char_p), ('blocks_seed', ctypes.c_char_p),
                ('blocks_label', ctypes.c_char_p)]


class _Setting(ctypes.Structure):
    _fields_ = [('candidate', c_size_t), ('variant', c_int), ('C', c_double)]


class _Result(ctypes.Structure):
    _fields_ = [('mean', c_double), ('std', c_double), ('n_folds', c_size_t),
                ('fold_acc', c_double * MAX_FOLDS), ('best', _Setting),
                ('fold_best', _Setting * MAX_FOLDS), ('fold_inner', c_double * MAX_FOLDS),
                ('seconds', c_double), ('n_fits', c_size_t), ('n_capped', c_size_t)]


_l.ntkb_protocol_opts_default.restype = _Opts
_l.ntkb_protocol_opts_default.argtypes = []
_l.ntkb_protocol_default_C.restype = c_double
_l.ntkb_protocol_default_C.argtypes = [c_size_t, c_size_t]
_l.ntkb_protocol_run.argtypes = [
    c_size_t, _lib.c_int64_p, c_size_t, ctypes.POINTER(_lib.c_size_p), _lib.c_size_p,
    ctypes.POINTER(_lib.c_size_p), _lib.c_size_p, c_size_t, ctypes.POINTER(ctypes.c_char_p),
    ctypes.POINTER(_lib.c_double_p), ctypes.POINTER(_Opts), ctypes.POINTER(_Result),
    ctypes.POINTER(_Result)]

VARIANTS = {'raw': 0, 'scaled': 1, 'cosine': 2}
_VARIANT_NAME = {v: k for k, v in VARIANTS.items()}


@dataclass
class Setting:
    candidate: int   # index into the Grams given
    name: str
    variant: str     # 'scaled' (K / min K), 'cosine' or 'raw'
    C: float


@dataclass
class Result:
    """mean, std (ddof 0) and per-fold accuracies (fractions); best: the paper protocol's
    argmax setting; fold_best / fold_inner: the nested protocol's choice per outer fold and
    its inner-CV accuracy; n_fits SVM trainings, n_capped of them stopped at max_iter."""
    protocol: str
    mean: float
    std: float
    fold_acc: np.ndarray
    best: Setting = None
    fold_best: list = field(default_factory=list)
    fold_inner: np.ndarray = None
    n_fits: int = 0
    n_capped: int = 0
    seconds: float = 0.0


def default_C(n=120):
    """search.py's grid: numpy.logspace(-2, 4, n)."""
    return np.array([_l.ntkb_protocol_default_C(k, n) for k in range(n)])


def _setting(s, names):
    return Setting(int(s.candidate), names[s.candidate], _VARIANT_NAME.get(s.variant, '?'), s.C)


def _result(r, protocol, names):
    n = r.n_folds
    res = Result(protocol, r.mean, r.std, np.array(r.fold_acc[:n]), n_fits=r.n_fits,
                 n_capped=r.n_capped, seconds=r.seconds)
    if protocol == 'paper':
        res.best = _setting(r.best, names)
    else:
        res.fold_best = [_setting(r.fold_best[f], names) for f in range(n)]
        res.fold_inner = np.array(r.fold_inner[:n])
    return res


def evaluate(grams, y, folds, protocol='paper', C=120, variants=('scaled', 'cosine'),
             names=None, solver='smo', max_iter=500000, inner_folds=5, seed=None, threads=None,
             progress=False):
    """C-SVC on precomputed Grams under the GNTK paper's protocol or nested CV, exactly as
    ntkb_eval (and bench_gntk --evaluate).

    grams: one n×n Gram or a sequence of candidate Grams (e.g. gntk()'s output, any shape
    (..., n, n)); y: n class labels; folds: a list of (train, test) index arrays (a Dataset's
    folds); protocol: 'paper' (best mean test accuracy over all settings, optimistic) or
    'nested' (inner stratified CV on each outer training fold); C: the grid size n of
    logspace(-2, 4, n) or the C values; variants of each Gram searched: 'scaled' (K / min K, as
    search.py), 'cosine', 'raw'; solver 'smo' (LIBSVM's algorithm with sklearn's max_iter)
    or 'libsvm' (both search.py's decisions on converged fits), or 'path' (every fit converged,
    warm-started along the C grid: faster, not search.py's); progress=True prints a line per candidate and variant on stderr.
    Returns a Result."""
    if protocol not in ('paper', 'nested'):
        raise ValueError(f"protocol: expected 'paper' or 'nested', got {protocol!r}")
    # Each candidate is passed by pointer: a view, never a copy, when it is C-contiguous float64.
    if isinstance(grams, (list, tuple)):
        cands = [_lib.as_f64(g, 'grams', 2) for g in grams]
        default_names = [f'grams[{k}]' for k in range(len(cands))]
    else:
        G = np.asarray(grams)
        if G.ndim < 2:
            raise ValueError(f'grams: expected square Grams (..., n, n), got shape {G.shape}')
        index = list(np.ndindex(G.shape[:-2]))
        cands = [_lib.as_f64(G[i], 'grams') for i in index]
        default_names = [f'grams[{", ".join(map(str, i))}]' if i else 'gram' for i in index]
    if not cands or any(g.shape != (cands[0].shape[0],) * 2 for g in cands):
        raise ValueError(f'grams: expected square Grams of one order, got shapes '
                         f'{sorted({g.shape for g in cands})}')
    n = cands[0].shape[0]
    y = np.ascontiguousarray(y, dtype=np.int64)
    if y.shape != (n,):
        raise ValueError(f'y: expected {n} labels (the Gram order), got shape {y.shape}')
    if not 1 <= len(folds) <= MAX_FOLDS:
        raise ValueError(f'folds: expected 1..{MAX_FOLDS} (train, test) pairs, got {len(folds)}')
    tr = [np.ascontiguousarray(f[0], dtype=np.uintp) for f in folds]
    te = [np.ascontiguousarray(f[1], dtype=np.uintp) for f in folds]
    opts = _l.ntkb_protocol_opts_default()
    Cs = default_C(int(C)) if np.ndim(C) == 0 else np.ascontiguousarray(C, dtype=np.float64)
    opts.C, opts.n_C = _lib.dptr(Cs), len(Cs)
    try:
        opts.variants = sum(1 << VARIANTS[v] for v in variants)
    except KeyError as e:
        raise ValueError(f"variants: expected 'scaled', 'cosine' or 'raw', got {e.args[0]!r}") \
            from None
    opts.protocols = 1 if protocol == 'paper' else 3
    opts.inner_folds = int(inner_folds)
    if seed is not None:
        opts.seed = int(seed)
    opts.threads = _lib.as_threads(threads)
    opts.progress = int(bool(progress))
    solvers = {'smo': 0, 'libsvm': 1, 'path': 2}
    if solver not in solvers:
        raise ValueError(f"solver: expected 'smo', 'libsvm' or 'path', got {solver!r}")
    opts.solver = solvers[solver]
    opts.svm.max_iter = int(max_iter)
    names = list(names) if names is not None else default_names
    if len(names) != len(cands):
        raise ValueError(f'names: expected {len(cands)} names, got {len(names)}')
    P = _lib.c_size_p
    res = _Result()
    _lib.check(_l.ntkb_protocol_run(
        n, _lib.iptr(y), len(folds), (P * len(tr))(*map(_lib.sptr, tr)),
        (c_size_t * len(tr))(*map(len, tr)), (P * len(te))(*map(_lib.sptr, te)),
        (c_size_t * len(te))(*map(len, te)), len(cands),
        (ctypes.c_char_p * len(names))(*[s.encode() for s in names]), _lib.ptr_array(cands),
        ctypes.byref(opts), ctypes.byref(res) if protocol == 'paper' else None,
        ctypes.byref(res) if protocol == 'nested' else None))
    return _result(res, protocol, names)

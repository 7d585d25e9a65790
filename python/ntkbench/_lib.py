"""The C library libntkbench through ctypes: loading, the structs the package passes, errors.

ctypes releases the GIL for the whole of every foreign call, so C computes while other Python
threads run.  The library keeps its last error message per thread; a failed call is followed,
in the same thread, by ntkb_last_error(), and the status becomes a Python exception.
"""
import ctypes
import os
import threading

import numpy as np

# OpenMP threads that wait for work spin by default; on a shared machine they take the core a
# partner thread needs.  The programs set this too (README, "Conventions").  Read by libgomp
# when it is loaded, so before the library.
os.environ.setdefault('OMP_WAIT_POLICY', 'passive')

_HERE = os.path.dirname(os.path.abspath(__file__))
_SOURCE_ROOT = os.path.dirname(os.path.dirname(_HERE))  # a source checkout: python/ntkbench


def _candidates():
    env = os.environ.get('NTKB_LIBRARY')
    if env:
        return [env]
    paths = []
    try:
        from . import _paths  # written by meson at install time
        paths.append(os.path.join(_paths.LIBDIR, 'libntkbench.so.' + _paths.SOVERSION))
    except ImportError:
        pass
    paths.append(os.path.join(_SOURCE_ROOT, 'build', 'libntkbench.so'))
    paths.append('libntkbench.so.0')  # the system's search path
    return paths


def _load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            errors.append(f'{path}: {e}')
    raise ImportError('ntkbench: cannot load libntkbench (set NTKB_LIBRARY to the .so, or build '
                      'it with scripts/setup): ' + '; '.join(errors))


lib, LIBRARY_PATH = _load()

# Debian's igraph is not thread-safe and the graph builders install process-wide igraph
# handlers: one graph set is built at a time.
graph_lock = threading.Lock()

# --- status codes and exceptions -------------------------------------------------------------

OK, EINVAL, ENOMEM, EIO, EFORMAT, ENOTFOUND, EMISMATCH, ENUMERIC, EINTERNAL, EBUSY = range(10)


class Error(Exception):
    """A failure reported by libntkbench; `status` is the library's code."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


class InputError(Error, ValueError):
    """Bad input: an invalid argument or malformed data."""


class FileError(Error, OSError):
    """A file that could not be found, read, written or locked."""


class OutOfMemory(Error, MemoryError):
    """An allocation in the library failed."""


class NumericalError(Error, ArithmeticError):
    """A non-finite value or a singular matrix."""


class LibraryError(Error, RuntimeError):
    """A library we call reported an unexpected failure."""


_EXC = {EINVAL: InputError, EFORMAT: InputError, EMISMATCH: InputError, ENOMEM: OutOfMemory,
        EIO: FileError, ENOTFOUND: FileError, EBUSY: FileError, ENUMERIC: NumericalError,
        EINTERNAL: LibraryError}

lib.ntkb_last_error.restype = ctypes.c_char_p
lib.ntkb_last_error.argtypes = []
lib.ntkb_version.restype = ctypes.c_char_p
lib.ntkb_version.argtypes = []


def check(status):
    """Raises the exception of a non-zero status with the calling thread's message."""
    if status != OK:
        msg = lib.ntkb_last_error().decode('utf-8', 'replace')
        raise _EXC.get(status, LibraryError)(msg or f'libntkbench status {status}', status)


def version():
    return lib.ntkb_version().decode()


# --- pointers to NumPy buffers (no copy) -----------------------------------------------------

c_double_p = ctypes.POINTER(ctypes.c_double)
c_int64_p = ctypes.POINTER(ctypes.c_int64)
c_size_p = ctypes.POINTER(ctypes.c_size_t)


def dptr(a):
    """A double* to the data of a C-contiguous float64 array (None stays NULL)."""
    return None if a is None else a.ctypes.data_as(c_double_p)


def iptr(a):
    return None if a is None else a.ctypes.data_as(c_int64_p)


def sptr(a):
    return None if a is None else a.ctypes.data_as(c_size_p)


def ptr_array(arrays):
    """A double*[] over the data of float64 arrays (the library's `double *const *grams`)."""
    return (c_double_p * len(arrays))(*[dptr(a) for a in arrays])


def as_f64(x, name, ndim=None):
    """x as a C-contiguous float64 array (a view when it already is one)."""
    a = np.ascontiguousarray(x, dtype=np.float64)
    if ndim is not None and a.ndim not in ((ndim,) if isinstance(ndim, int) else ndim):
        raise ValueError(f'{name}: expected a {ndim}-dimensional array, got shape {a.shape}')
    return a


def as_threads(threads):
    """The library's thread argument: ≤ 0 (or None) means the OpenMP default."""
    if threads is None:
        return 0
    t = int(threads)
    if t != threads or t < 0:
        raise ValueError(f'threads: expected a non-negative integer, got {threads!r}')
    return t


# --- progress --------------------------------------------------------------------------------

PROGRESS_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_double, ctypes.c_double)


class Progress:
    """Adapts the `progress=` argument: None/False (silent), True (a bar on stderr) or a
    callable progress(done, total) called from the library's worker threads (with the GIL).
    An exception raised by the callable is re-raised when the computation returns."""

    def __init__(self, progress, what):
        self.user = progress if callable(progress) else (_Bar(what) if progress else None)
        self.error = None
        self.c_fn = PROGRESS_FN(self._call) if self.user else ctypes.cast(None, PROGRESS_FN)

    def _call(self, _arg, done, total):
        if self.error is None:
            try:
                self.user(int(done), int(total))
            except BaseException as e:  # noqa: BLE001 - carried over the C frames
                self.error = e

    def finish(self):
        if isinstance(self.user, _Bar):
            self.user.close()
        if self.error is not None:
            raise self.error


class _Bar:
    """A one-line text bar on stderr, redrawn at most every 0.2 s."""

    def __init__(self, what):
        import sys
        import time
        self.what, self.err, self.clock, self.t0, self.last = what, sys.stderr, time.monotonic, None, 0.0

    def __call__(self, done, total):
        now = self.clock()
        self.t0 = self.t0 or now
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        frac = done / total if total else 1.0
        bar = '#' * int(30 * frac)
        self.err.write(f'\r{self.what}: [{bar:<30}] {100 * frac:5.1f}% {now - self.t0:.1f} s')
        self.err.flush()

    def close(self):
        if self.t0 is not None:
            self.err.write('\n')

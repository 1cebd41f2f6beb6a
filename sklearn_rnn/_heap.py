"""Keep freed memory in the C heap while a model trains.

Every training step allocates and frees tensors of tens of MiB, which glibc
serves with fresh ``mmap`` calls and hands back on ``free``; the next step
then pays for new zeroed pages (figures in ``docs/performance.md``).

:func:`retain_heap` tells glibc to take no block from ``mmap`` and to trim
only above 2 GiB while any estimator trains. glibc cannot report its previous
settings, so on leaving they go to where its own adaptive rule ends after
freeing a 32 MiB block: ``mmap`` above 32 MiB, trimming above 64 MiB.
``malloc_trim(0)`` then gives the retained memory back. Other C libraries
(macOS, Windows, musl) are left alone, and so is a glibc whose malloc the
user has tuned through ``GLIBC_TUNABLES`` or a ``MALLOC_*_`` environment
variable. :func:`sklearn_rnn.set_config` (``retain_heap=False``) turns it off.
"""

import contextlib
import ctypes
import functools
import os
import platform
import threading

__all__ = ["retain_heap", "heap_retention_supported"]

# mallopt parameter numbers from glibc's <malloc.h>
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_MMAP_MAX = -4

_RETAINED = ((_M_MMAP_MAX, 0), (_M_TRIM_THRESHOLD, 2**31 - 1))
# glibc's defaults for the count, and the ceiling of its adaptive thresholds.
_SETTLED = ((_M_MMAP_MAX, 65536), (_M_MMAP_THRESHOLD, 32 << 20), (_M_TRIM_THRESHOLD, 64 << 20))

_lock = threading.Lock()
_depth = 0  # blocks open across all threads; only the outermost one sets and restores


def _user_tuned_malloc():
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    return "glibc.malloc" in tunables or any(k.startswith("MALLOC_") and k.endswith("_") for k in os.environ)


@functools.cache
def _load_glibc():
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL(None)
    except OSError:  # pragma: no cover - a static or unusual build
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def _glibc():
    return None if _user_tuned_malloc() else _load_glibc()


def heap_retention_supported():
    """Whether :func:`retain_heap` changes anything in this process.

    Returns
    -------
    supported : bool
        True on Linux with glibc whose malloc the user has not tuned.

    Examples
    --------
    >>> isinstance(heap_retention_supported(), bool)
    True
    """
    return _glibc() is not None


def _apply(libc, settings):
    for param, value in settings:
        libc.mallopt(ctypes.c_int(param), ctypes.c_int(value))


@contextlib.contextmanager
def retain_heap():
    """Keep freed memory in the heap inside the block; give it back afterwards.

    Safe to nest and to enter from several threads at once: the settings
    change when the first block opens and are restored when the last one
    closes. A no-op where :func:`heap_retention_supported` is False.

    Examples
    --------
    >>> import numpy as np
    >>> with retain_heap():
    ...     total = sum(float(np.ones(1 << 20).sum()) for _ in range(3))
    >>> total
    3145728.0
    """
    global _depth
    libc = _glibc()
    if libc is None:
        yield
        return
    with _lock:
        if _depth == 0:
            _apply(libc, _RETAINED)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _apply(libc, _SETTLED)
                libc.malloc_trim(ctypes.c_size_t(0))

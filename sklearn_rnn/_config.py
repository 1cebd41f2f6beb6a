"""Global configuration of the runtime measures that ``fit`` and ``predict`` take.

Modelled on :func:`sklearn.set_config`: a process-wide default that each
thread copies on first use, changed with :func:`set_config` or, for a block,
:func:`config_context`.
"""

import contextlib
import threading
from contextlib import contextmanager

import torch

from ._heap import retain_heap
from ._parallel import resolve_threads

__all__ = ["config_context", "get_config", "set_config", "runtime", "flush_denormal_enabled"]

_global_config = {"flush_denormal": True, "retain_heap": True}
_threadlocal = threading.local()


def _thread_config():
    if not hasattr(_threadlocal, "config"):
        _threadlocal.config = _global_config.copy()
    return _threadlocal.config


def get_config():
    """Return the current values of the runtime configuration.

    Returns
    -------
    config : dict
        Keys are the parameter names of :func:`set_config`.

    See Also
    --------
    config_context : Context manager for the configuration.
    set_config : Set the configuration.

    Examples
    --------
    >>> import sklearn_rnn
    >>> sorted(sklearn_rnn.get_config())
    ['flush_denormal', 'retain_heap']
    """
    return _thread_config().copy()


def _check(name, value):
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}.")


def set_config(flush_denormal=None, retain_heap=None):
    """Set the runtime measures that ``fit`` and ``predict`` take for speed.

    Each measure changes a setting of the process or thread while an
    estimator works and restores it when ``fit`` or ``predict`` returns,
    also after an error. The setting applies to the calling thread; threads
    started later take the values set in the main thread.

    Parameters
    ----------
    flush_denormal : bool, default=None
        Flush denormal floats to zero inside ``fit`` and ``predict``
        (``torch.set_flush_denormal``), restoring the calling thread's
        setting afterwards. Denormals make RNN backward passes several times
        slower on x86 CPUs. Default on. None keeps the current value.
    retain_heap : bool, default=None
        On Linux with glibc, keep freed memory in the C heap while ``fit``
        runs instead of unmapping it at every step (``mallopt``), and give
        it back with ``malloc_trim`` afterwards. Default on. glibc cannot
        report its previous settings, so after the first fit its ``mmap``
        and trim thresholds stay at 32 MiB and 64 MiB, the ceiling of its
        own adaptive rule. ``predict`` never changes malloc. Set it to
        False to leave malloc alone, or tune malloc yourself through
        ``GLIBC_TUNABLES``/``MALLOC_*_``, which also turns it off. None keeps
        the current value.

    See Also
    --------
    config_context : Context manager for the configuration.
    get_config : Retrieve the current configuration.

    Examples
    --------
    >>> import sklearn_rnn
    >>> sklearn_rnn.set_config(retain_heap=False)
    >>> sklearn_rnn.get_config()["retain_heap"]
    False
    >>> sklearn_rnn.set_config(retain_heap=True)
    """
    config = _thread_config()
    for name, value in (("flush_denormal", flush_denormal), ("retain_heap", retain_heap)):
        if value is not None:
            _check(name, value)
            config[name] = value
    if threading.current_thread() is threading.main_thread():
        _global_config.update(config)


@contextmanager
def config_context(*, flush_denormal=None, retain_heap=None):
    """Context manager for the runtime configuration, as :func:`sklearn.config_context`.

    Parameters
    ----------
    flush_denormal : bool, default=None
        See :func:`set_config`.
    retain_heap : bool, default=None
        See :func:`set_config`.

    Yields
    ------
    None.

    See Also
    --------
    set_config : Set the configuration.
    get_config : Retrieve the current configuration.

    Examples
    --------
    >>> import sklearn_rnn
    >>> with sklearn_rnn.config_context(flush_denormal=False):
    ...     sklearn_rnn.get_config()["flush_denormal"]
    False
    >>> sklearn_rnn.get_config()["flush_denormal"]
    True
    """
    old = get_config()
    set_config(flush_denormal=flush_denormal, retain_heap=retain_heap)
    try:
        yield
    finally:
        set_config(**old)


# ------------------------------------------------------------------ runtime
# What the measures touch, and how each is restored:
# - torch's thread count and the denormal flag belong to the calling thread
#   (OpenMP keeps one thread count per thread that is not its own worker; the
#   flag lives in the thread's MXCSR register), so each block saves and
#   restores its own thread's values;
# - torch's default generator is shared by the whole process: the first
#   seeded block to open saves its state and the last one to close restores
#   it, so overlapping fits in several threads never restore each other's
#   seeds halfway;
# - glibc's malloc settings are process-wide too: see ``_heap.retain_heap``.
_rng_lock = threading.Lock()
_rng_depth = 0
_rng_saved = None


def flush_denormal_enabled():
    """Whether this thread currently flushes denormal floats to zero.

    Torch has a setter but no getter: a denormal survives ``x * 1`` only
    while flushing is off.

    Returns
    -------
    enabled : bool

    Examples
    --------
    >>> isinstance(flush_denormal_enabled(), bool)
    True
    """
    tiny = torch.tensor([1e-40], dtype=torch.float32)
    return bool((tiny * 1.0).item() == 0.0)


def _rng_state():
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    return torch.get_rng_state(), cuda


@contextmanager
def _seeded(seed):
    global _rng_depth, _rng_saved
    with _rng_lock:
        if _rng_depth == 0:
            _rng_saved = _rng_state()
        _rng_depth += 1
        torch.manual_seed(seed)
    try:
        yield
    finally:
        with _rng_lock:
            _rng_depth -= 1
            if _rng_depth == 0:
                cpu, cuda = _rng_saved
                torch.set_rng_state(cpu)
                if cuda is not None:
                    torch.cuda.set_rng_state_all(cuda)
                _rng_saved = None


@contextmanager
def runtime(n_threads=None, seed=None, training=False):
    """Apply the runtime measures of :func:`get_config` inside the block; restore them.

    Parameters
    ----------
    n_threads : int, default=None
        Torch intra-op threads of the calling thread inside the block; None
        leaves them alone. Inside a joblib or Dask worker the count is
        capped to the worker's share of the cores, and None means that
        share (see :func:`sklearn_rnn._parallel.resolve_threads`).
    seed : int, default=None
        Seed torch's generator inside the block; its state is restored when
        the last seeded block of the process closes. None leaves it alone.
        Seeded blocks that overlap in several threads share the generator.
    training : bool, default=False
        Whether the block trains: heap retention (``retain_heap``) applies
        only then.

    Examples
    --------
    >>> before = flush_denormal_enabled()
    >>> with runtime(n_threads=1):
    ...     inside = flush_denormal_enabled()
    >>> inside, flush_denormal_enabled() == before
    (True, True)
    """
    n_threads = resolve_threads(n_threads)
    config = get_config()
    previous_threads = torch.get_num_threads()
    previous_flush = flush_denormal_enabled()
    with contextlib.ExitStack() as stack:
        if training and config["retain_heap"]:
            stack.enter_context(retain_heap())
        if seed is not None:
            stack.enter_context(_seeded(seed))
        try:
            if n_threads is not None:
                torch.set_num_threads(n_threads)
            if config["flush_denormal"]:
                torch.set_flush_denormal(True)
            yield
        finally:
            torch.set_flush_denormal(previous_flush)
            if n_threads is not None:
                torch.set_num_threads(previous_threads)

"""How many torch threads a fit may use inside a joblib or Dask worker.

A grid search with ``n_jobs`` workers on a machine of ``c`` cores gives each
worker ``c // n_jobs`` cores: joblib's loky backend writes that share into
each worker's ``OMP_NUM_THREADS``, and Dask's nanny sets ``OMP_NUM_THREADS=1``
in its worker processes. Torch threads above that share oversubscribe the
cores, and OpenMP threads spin while they wait for each other, so a search
of two 2-thread fits on 2 cores runs tens of times slower than one of
1-thread fits. :func:`resolve_threads` keeps every fit inside its share.
"""

import os
import sys

from ._warnings import warn

__all__ = ["resolve_threads", "thread_budget", "worker_kind"]


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _env_threads():
    try:
        value = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        return None
    return value if value > 0 else None


def _dask_worker():
    if "distributed" not in sys.modules:  # a process that never imported Dask is not one of its workers
        return None
    try:
        from distributed import get_worker

        return get_worker()
    except (ImportError, ValueError):
        return None


def worker_kind():
    """``'dask'`` inside a Dask worker, ``'joblib'`` inside a joblib (loky) child, else None.

    Examples
    --------
    >>> worker_kind() is None
    True
    """
    if _dask_worker() is not None:
        return "dask"
    loky = sys.modules.get("joblib.externals.loky.process_executor")
    if loky is not None and getattr(loky, "_CURRENT_DEPTH", 0) > 0:
        return "joblib"
    return None


def thread_budget():
    """Torch threads one task of this worker may use, or None outside a worker.

    Inside a worker this is ``OMP_NUM_THREADS`` when set (joblib and Dask's
    nanny set it to the worker's share of the cores); otherwise a Dask
    worker's cores divided by its task threads.

    Examples
    --------
    >>> thread_budget() is None  # not inside a joblib or Dask worker
    True
    """
    kind = worker_kind()
    if kind is None:
        return None
    budget = _env_threads()
    if budget is None and kind == "dask":
        budget = max(1, _cores() // max(1, getattr(_dask_worker().state, "nthreads", 1)))
    return budget


def resolve_threads(n_threads):
    """The thread count a fit or predict sets: ``n_threads`` capped to the worker's budget.

    Outside a worker ``n_threads`` is returned as it is (None leaves torch's
    setting). Inside one, None becomes the budget and a larger count is cut
    to it, with a warning that says why.

    Examples
    --------
    >>> resolve_threads(2), resolve_threads(None)
    (2, None)
    """
    budget = thread_budget()
    if budget is None:
        return n_threads
    if n_threads is None:
        return budget
    if n_threads > budget:
        warn(
            f"n_threads={n_threads} is more than the {budget} thread(s) each task of this {worker_kind()} "
            f"worker may use (OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, {_cores()} cores "
            f"shared by the workers); using {budget}. More threads than cores make parallel fits wait on "
            "each other, which can slow a grid search tens of times. Leave n_threads=None inside "
            "parallel searches.", RuntimeWarning)
        return budget
    return n_threads

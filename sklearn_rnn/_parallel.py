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
import time

import torch

from ._warnings import warn

__all__ = ["busy_cores", "resolve_threads", "thread_budget", "worker_kind"]

#: Readings of the run queue that :func:`busy_cores` takes; the least counts, so that a task that
#: runs for an instant (a shell command, this process's own start-up) is not taken for load.
BUSY_SAMPLES = 3


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


def _running_tasks():
    """Runnable tasks of the machine now, from ``/proc/loadavg`` (None where there is no such file)."""
    try:
        with open("/proc/loadavg") as f:
            return int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return None


def _own_running_threads():
    """This process's threads that are running now (the caller's among them)."""
    count = 0
    for name in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        count += stat[stat.rindex(")") + 2] == "R"
    return max(count, 1)


def busy_cores():
    """Cores that other processes keep busy now: the run queue less this process's running threads.

    The least of ``BUSY_SAMPLES`` readings a millisecond apart; 0 where the
    machine does not tell (no ``/proc``).

    Examples
    --------
    >>> busy_cores() >= 0
    True
    """
    readings = []
    for i in range(BUSY_SAMPLES):
        if i:
            time.sleep(0.001)
        running = _running_tasks()
        if running is None:
            return 0
        readings.append(running - _own_running_threads())
    return max(0, min(readings))


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
    """The thread count a fit or predict sets: ``n_threads``, capped to the worker's budget.

    Inside a joblib or Dask worker, None becomes the budget and a larger count
    is cut to it, with a warning that says why. Outside a worker an int is kept
    as it is, and None keeps torch's count unless other processes keep cores
    busy: then it is cut to the cores they leave free (at least 1). OpenMP
    threads that share a core with another process wait for each other
    (spinning), which made a small fit beside one busy process 3 times slower
    than one thread (``docs/performance.md``).

    Examples
    --------
    >>> resolve_threads(2)
    2
    """
    budget = thread_budget()
    if budget is None:
        if n_threads is not None:
            return n_threads
        busy = busy_cores()
        if not busy:
            return None
        return max(1, min(torch.get_num_threads(), _cores() - busy))
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

"""Thread budgets inside joblib and Dask workers, and grid searches on a real LocalCluster."""

import logging
import os
import warnings

import joblib
import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback

from sklearn_rnn import ConvTextClassifier, FeedForwardTextClassifier, RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn._parallel import resolve_threads, thread_budget, worker_kind


class _ReadThreads(Callback):
    """Records torch's thread count while the net trains."""

    def on_epoch_end(self, net, **kwargs):
        net.history.record("torch_threads", torch.get_num_threads())


def _corpus(n=60, seed=0):
    rng = np.random.RandomState(seed)
    words = np.array(["good", "bad", "film", "plot", "the", "was", "great", "awful"])
    y = np.arange(n) % 2
    X = [" ".join(rng.choice(words[2:6], 6)) + (" good great" if label else " bad awful") for label in y]
    return X, y


def _fit_and_read_threads(n_threads):
    """Fit a tiny model; return the worker kind, the budget, the threads seen in training and warnings."""
    X, y = _corpus()
    ids = SequenceVectorizer(max_len=10).fit_transform(X)
    clf = RecurrentTextClassifier(hidden_size=4, embedding_dim=4, max_epochs=1, n_threads=n_threads,
                                  callbacks=[_ReadThreads()], random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(ids, y)
    messages = [f"{w.message} @ {os.path.basename(w.filename)}" for w in caught if issubclass(w.category, RuntimeWarning)]
    return worker_kind(), thread_budget(), int(clf.net_.history[-1, "torch_threads"]), messages


def test_outside_a_worker_n_threads_is_kept(monkeypatch):
    from sklearn_rnn import _parallel

    monkeypatch.setattr(_parallel, "busy_cores", lambda: 0)  # the machine to this test alone
    assert worker_kind() is None and thread_budget() is None
    assert resolve_threads(3) == 3 and resolve_threads(None) is None
    kind, budget, seen, messages = _fit_and_read_threads(2)
    assert (kind, budget, seen, messages) == (None, None, 2, [])


def test_outside_a_worker_none_leaves_the_cores_other_processes_keep_busy(monkeypatch):
    from sklearn_rnn import _parallel

    X, y = _corpus()
    ids = SequenceVectorizer(max_len=10).fit_transform(X)
    monkeypatch.setattr(_parallel, "_cores", lambda: 2)
    torch.set_num_threads(2)
    seen = {}
    for others in (0, 1, 5):
        monkeypatch.setattr(_parallel, "_running_tasks", lambda: others + _parallel._own_running_threads())
        clf = RecurrentTextClassifier(hidden_size=4, embedding_dim=4, max_epochs=1, callbacks=[_ReadThreads()],
                                      random_state=0).fit(ids, y)
        seen[others] = int(clf.net_.history[-1, "torch_threads"])
        assert torch.get_num_threads() == 2  # restored
    assert seen == {0: 2, 1: 1, 5: 1}
    # An explicit count is the user's: kept, busy or not.
    assert RecurrentTextClassifier(hidden_size=4, embedding_dim=4, max_epochs=1, n_threads=2, random_state=0,
                                   callbacks=[_ReadThreads()]).fit(ids, y).net_.history[-1, "torch_threads"] == 2


def test_busy_cores_reads_the_run_queue_less_this_process():
    from sklearn_rnn._parallel import busy_cores

    assert busy_cores() >= 0
    with open("/proc/loadavg") as f:
        assert f.read().split()[3].count("/") == 1  # the field busy_cores reads: running/threads


@pytest.mark.slow  # worker processes
def test_loky_workers_stay_within_their_share_of_the_cores():
    n_jobs = 2
    share = max(1, joblib.cpu_count() // n_jobs)
    results = joblib.Parallel(n_jobs=n_jobs, backend="loky")(
        joblib.delayed(_fit_and_read_threads)(n) for n in (None, share + 1))
    (kind, budget, seen_none, warned_none), (_, _, seen_many, warned_many) = results
    assert kind == "joblib" and budget == share
    assert seen_none == share  # None means the worker's share, not every core
    assert seen_many == share  # an explicit count above the share is capped ...
    assert warned_none == [] and len(warned_many) == 1  # ... with one warning saying why
    assert f"n_threads={share + 1} is more than the {share} thread(s)" in warned_many[0]
    assert warned_many[0].endswith("@ test_parallel.py")  # the warning points at the caller, not contextlib


distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed (the 'dask' extra)")


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    environ = dict(os.environ)  # Dask's nanny writes OMP_NUM_THREADS=1 and malloc settings into it
    try:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
    finally:
        os.environ.clear()
        os.environ.update(environ)


@pytest.mark.slow  # worker processes
def test_dask_workers_stay_within_their_thread_budget(client):
    kind, budget, seen, messages = client.submit(_fit_and_read_threads, 2, pure=False).result()
    assert kind == "dask" and budget == 1  # the nanny sets OMP_NUM_THREADS=1 for one-thread workers
    assert seen == 1 and len(messages) == 1 and "dask worker" in messages[0]
    kind, budget, seen, messages = client.submit(_fit_and_read_threads, None, pure=False).result()
    assert seen == 1 and messages == []


def _search(cls=RecurrentTextClassifier):
    small = {"embedding_dim": 4, "max_epochs": 2, "random_state": 0}
    grid = {"lr": [0.01, 0.05]}
    if cls is RecurrentTextClassifier:
        small["hidden_size"], grid["cell"] = 4, ["lstm", "gru"]
    step = cls.__name__.lower()
    pipe = make_pipeline(SequenceVectorizer(max_len=10), cls(**small))
    return GridSearchCV(pipe, {f"{step}__{k}": v for k, v in grid.items()}, cv=2, n_jobs=-1, error_score="raise")


@pytest.mark.parametrize("cls", [RecurrentTextClassifier, FeedForwardTextClassifier, ConvTextClassifier])
def test_grid_search_on_dask_matches_the_in_process_search(client, cls):
    X, y = _corpus()
    local = _search(cls).set_params(n_jobs=1).fit(X, y)
    with joblib.parallel_config(backend="dask"):
        remote = _search(cls).fit(X, y)
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        np.testing.assert_allclose(remote.cv_results_[key], local.cv_results_[key], atol=1e-6)
    assert remote.best_params_ == local.best_params_


class _DieOnce(Callback):
    """Kills the worker process running the first fit that reaches it (a marker file says it happened)."""

    def __init__(self, marker):
        self.marker = marker

    def on_epoch_end(self, net, **kwargs):
        if worker_kind() == "dask" and not os.path.exists(self.marker):
            open(self.marker, "w").close()
            os._exit(1)


def test_a_killed_worker_is_retried_and_the_results_are_complete(client, tmp_path):
    X, y = _corpus()
    marker = str(tmp_path / "killed")
    search = _search()
    search.set_params(estimator__recurrenttextclassifier__callbacks=[_DieOnce(marker)])
    with joblib.parallel_config(backend="dask"):
        search.fit(X, y)
    assert os.path.exists(marker)  # a worker did die mid-search
    local = _search().set_params(n_jobs=1).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"],
                               atol=1e-6)

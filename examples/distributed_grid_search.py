"""
The notebooks' grid search on a Dask cluster
============================================

The regularizer x initializer x optimizer grid of
``grid_search_regularizer_initializer_optimizer.py`` (30 candidates x 3 folds),
run by ``GridSearchCV`` under joblib's ``"dask"`` backend. By default the
search runs on a ``LocalCluster`` of 2 worker processes with 1 thread each;
``--scheduler tcp://host:8786`` sends it to a running cluster instead (start
one with ``dask scheduler`` and ``dask worker tcp://host:8786 --nthreads 1``
on each machine, or with dask-jobqueue, dask-kubernetes or ``dask ssh``).
``--compare`` also runs the same search in this process and prints both wall
times. Nothing here schedules work: Dask does, and joblib hands it the fits.

Inside each worker the classifiers use the worker's share of the cores
(``n_threads=None``), so workers never oversubscribe them.

Needs the ``dask`` extra: ``pip install 'sklearn_rnn[dask]'``.

Run: ``SKLEARN_RNN_DATA=../shared/data python examples/distributed_grid_search.py --compare``
"""

import argparse
import logging
import time

import joblib
import pandas as pd
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from sklearn_rnn import KERAS_STYLE, RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb


def make_search(quick):
    pipe = Pipeline([
        ("vec", SequenceVectorizer(max_features=5000, max_len=150)),
        ("clf", RecurrentTextClassifier(cell="lstm", embedding_dim=32, hidden_size=32, max_epochs=3,
                                        validation_fraction=0.0, random_state=0, **KERAS_STYLE)),
    ])
    initializers = ["glorot_uniform", "orthogonal"] if quick else [
        "random_normal", "glorot_uniform", "glorot_normal", "he_normal", "orthogonal"]
    grid = [
        {"clf__regularizer": ["l1", "l2"], "clf__alpha": [1e-3]},
        {"clf__regularizer": ["l1_l2"], "clf__alpha": [2e-4], "clf__l1_ratio": [0.5]},  # L1L2(1e-4, 1e-4)
    ]
    grid = [{**g, "clf__initializer": initializers, "clf__optimizer": ["adam", "rmsprop"]} for g in grid]
    return GridSearchCV(pipe, grid, cv=3, n_jobs=-1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-samples", type=int, default=1500)
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: a LocalCluster)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default: 2)")
    parser.add_argument("--compare", action="store_true", help="also run the search in this process")
    parser.add_argument("--quick", action="store_true", help="12 candidates instead of 30")
    parser.add_argument("--out", default="distributed_grid_search.csv")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    data = fetch_imdb(subset="train", shuffle=True, random_state=0)
    docs, y = data.data[: args.n_samples], data.target[: args.n_samples]

    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    with client:
        workers = len(client.scheduler_info()["workers"])
        client.run(__import__, "sklearn_rnn")  # workers import torch once, before the clock starts
        search = make_search(args.quick)
        start = time.perf_counter()
        with joblib.parallel_config(backend="dask"):
            search.fit(docs, y)
        dask_s = time.perf_counter() - start
    if not args.scheduler:
        cluster.close()
    n_fits = len(search.cv_results_["params"]) * 3
    print(f"Dask, {workers} workers: {n_fits} fits in {dask_s:.1f} s; best {search.best_params_} "
          f"accuracy {search.best_score_:.4f}")

    if args.compare:
        local = make_search(args.quick).set_params(n_jobs=1)
        start = time.perf_counter()
        local.fit(docs, y)
        local_s = time.perf_counter() - start
        same = (pd.Series(local.cv_results_["mean_test_score"]) - search.cv_results_["mean_test_score"]).abs().max()
        print(f"1 process: {n_fits} fits in {local_s:.1f} s; speed-up {local_s / dask_s:.2f}x; "
              f"largest score difference {same:.2e}")

    pd.DataFrame(search.cv_results_).to_csv(args.out, index=False)
    print(f"cv_results_ written to {args.out}")


if __name__ == "__main__":
    main()

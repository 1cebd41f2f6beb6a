"""
Star ratings: a recurrent regressor on IMDB
===========================================

Each IMDB review carries its 1-10 star rating in its file name
(``fetch_imdb(target="rating")``; 1-4 and 7-10 occur). A Keras notebook ends
its network in ``Dense(1)`` with ``mse``; here that is
``RecurrentTextRegressor(loss="squared_error")``, whose targets are scaled for
training and whose ``predict`` answers in stars. The default,
``RecurrentTextRegressor()``, sees that the ratings take 8 values and learns a
distribution over them instead (``loss_ == "log_loss"``), predicting its mean
in stars. The script fits it beside TF-IDF + ``Ridge``,
prints R², mean absolute error and the fit times, and plots predicted against
true ratings. ``docs/user_guide.md`` ("Ratings and tags") quotes the full run.

Run: ``SKLEARN_RNN_DATA=../shared/data python examples/plot_imdb_ratings.py``
(``--n-train``/``--n-test`` for a subset).
"""

import argparse
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RecurrentTextRegressor, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-train", type=int, default=None, help="train on this many reviews")
    parser.add_argument("--n-test", type=int, default=None, help="score on this many test reviews")
    parser.add_argument("--epochs", type=int, default=None, help="max_epochs (default: the estimator's)")
    parser.add_argument("--out", default="imdb_ratings.png", help="where to save the figure")
    args = parser.parse_args()

    train = fetch_imdb(subset="train", target="rating", shuffle=True, random_state=0)
    test = fetch_imdb(subset="test", target="rating", shuffle=True, random_state=0)
    n, n_test = args.n_train or len(train.data), args.n_test or len(test.data)
    y, y_test = train.target[:n].astype(float), test.target[:n_test].astype(float)

    regressor = RecurrentTextRegressor(random_state=0)
    if args.epochs:
        regressor.set_params(max_epochs=args.epochs)
    models = {"RecurrentTextRegressor": make_pipeline(SequenceVectorizer(), regressor),
              "TF-IDF + Ridge": make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                                              Ridge(alpha=1.0))}
    predictions = {}
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(train.data[:n], y)
        fit_s = time.perf_counter() - start
        predictions[name] = pred = model.predict(test.data[:n_test])
        print(f"{name:24s} R2 {r2_score(y_test, pred):.3f}  MAE {mean_absolute_error(y_test, pred):.2f} stars  "
              f"fit {fit_s:.0f} s on {n} reviews")

    fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharey=True)
    ratings = np.unique(y_test)
    for ax, (name, pred) in zip(axes, predictions.items()):
        ax.boxplot([pred[y_test == r] for r in ratings], positions=ratings, widths=0.6)
        ax.plot([1, 10], [1, 10], color="grey", linewidth=0.8)
        ax.set_title(name)
        ax.set_xlabel("true stars")
    axes[0].set_ylabel("predicted stars")
    fig.tight_layout()
    fig.savefig(args.out)
    print(f"figure: {args.out}")


if __name__ == "__main__":
    main()

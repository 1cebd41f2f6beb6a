"""Experiment: IMDB's star ratings as classes, predicted as the expected rating.

The regressor fits the ratings by squared error. IMDB's ratings take 8 values (1-4 and 7-10), so a
classifier over them is another way to predict a rating: fit ``RecurrentTextClassifier(**params)``
on the ratings as labels, and predict ``predict_proba(X) @ classes_`` (the expected rating, which
minimises the squared error under the predicted distribution), or the most probable rating.
Scored by R² and MAE on the 25,000 test reviews, as ``bench_targets.py`` scores the regressor.

Run: ``SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/reg_as_classes.py --seed 0``
"""

import argparse
import json
import time

from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb

from _harness import emit, peak_rss_mib


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--params", default="{}")
    parser.add_argument("--json")
    args = parser.parse_args()
    params = json.loads(args.params)
    train, test = fetch_imdb(subset="train", target="rating"), fetch_imdb(subset="test", target="rating")
    model = make_pipeline(SequenceVectorizer(),
                          RecurrentTextClassifier(random_state=args.seed, n_threads=2, **params))
    start = time.perf_counter()
    model.fit(train.data, train.target)
    fit_s = time.perf_counter() - start
    proba, y = model.predict_proba(test.data), test.target.astype(float)
    values = model[-1].classes_.astype(float)
    expected, most_probable = proba @ values, values[proba.argmax(axis=1)]
    peak = peak_rss_mib()
    out = {"experiment": "reg_as_classes", "seed": args.seed, "params": params,
           "when": time.strftime("%Y-%m-%d %H:%M"), "fit_s": round(fit_s, 1), "classes": values.tolist(),
           "r2_expected": round(float(r2_score(y, expected)), 4),
           "mae_expected": round(float(mean_absolute_error(y, expected)), 4),
           "r2_most_probable": round(float(r2_score(y, most_probable)), 4),
           "mae_most_probable": round(float(mean_absolute_error(y, most_probable)), 4),
           "epochs": len(model[-1].history_), "peak_rss_mib": round(peak)}
    emit(out, args.json)


if __name__ == "__main__":
    main()

"""
The notebooks' regularizer x initializer x optimizer grid, as one GridSearchCV
==============================================================================

3 regularizers (L1(1e-3), L2(1e-3), L1L2(1e-4, 1e-4)) x 5 initializers x 2
optimizers = 30 candidates, 3-fold cross-validation inside a Pipeline, so the
vectorizer is fitted on the training folds only. Runs on a subset of IMDB in
minutes; results go to a CSV.

Run: ``SKLEARN_RNN_DATA=../shared/data python examples/grid_search_regularizer_initializer_optimizer.py``
"""

import argparse

import pandas as pd
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from sklearn_rnn import KERAS_STYLE, RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-samples", type=int, default=1500)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--out", default="grid_search_results.csv")
    args = parser.parse_args()

    data = fetch_imdb(subset="train", shuffle=True, random_state=0)
    docs, y = data.data[: args.n_samples], data.target[: args.n_samples]
    pipe = Pipeline([
        ("vec", SequenceVectorizer(max_features=5000, max_len=150)),
        # n_threads=None: inside n_jobs workers each fit uses its worker's share of the cores
        ("clf", RecurrentTextClassifier(cell="lstm", embedding_dim=32, hidden_size=32, max_epochs=3,
                                        validation_fraction=0.0, random_state=0, **KERAS_STYLE)),
    ])
    grid = [
        {"clf__regularizer": ["l1", "l2"], "clf__alpha": [1e-3]},
        {"clf__regularizer": ["l1_l2"], "clf__alpha": [2e-4], "clf__l1_ratio": [0.5]},  # L1L2(1e-4, 1e-4)
    ]
    common = {
        "clf__initializer": ["random_normal", "glorot_uniform", "glorot_normal", "he_normal", "orthogonal"],
        "clf__optimizer": ["adam", "rmsprop"],
    }
    grid = [{**g, **common} for g in grid]
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=args.n_jobs, verbose=1).fit(docs, y)

    results = pd.DataFrame(search.cv_results_)
    columns = ["param_clf__regularizer", "param_clf__initializer", "param_clf__optimizer",
               "mean_test_score", "std_test_score", "mean_fit_time", "rank_test_score"]
    table = results[columns].sort_values("rank_test_score")
    table.to_csv(args.out, index=False)
    print(table.head(10).to_string(index=False))
    print(f"best: {search.best_params_}  accuracy {search.best_score_:.4f}; all 30 rows in {args.out}")


if __name__ == "__main__":
    main()

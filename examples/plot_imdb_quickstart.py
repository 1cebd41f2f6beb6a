"""
Quick start: a SequenceVectorizer + BiGRU pipeline on IMDB
==========================================================

Fits on the 25,000 training reviews, prints test accuracy and fit time, and
classifies two raw sentences. ``--n-train`` trains on a subset.

Run: ``SKLEARN_RNN_DATA=../shared/data python examples/plot_imdb_quickstart.py``
"""

import argparse
import time

from sklearn.pipeline import make_pipeline

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-train", type=int, default=None, help="train on this many reviews")
    parser.add_argument("--n-test", type=int, default=None, help="score on this many test reviews")
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()

    train = fetch_imdb(subset="train", shuffle=True, random_state=0)
    test = fetch_imdb(subset="test", shuffle=True, random_state=0)
    n = args.n_train or len(train.data)
    n_test = args.n_test or len(test.data)

    model = make_pipeline(
        SequenceVectorizer(max_features=20000, max_len=400),
        RecurrentTextClassifier(cell="gru", bidirectional=True, hidden_size=64, embedding_dim=64,
                                pooling="max", max_epochs=args.epochs, early_stopping=True,
                                random_state=0, verbose=1),
    )
    start = time.perf_counter()
    model.fit(train.data[:n], train.target[:n])
    fit_s = time.perf_counter() - start
    accuracy = model.score(test.data[:n_test], test.target[:n_test])
    print(f"fit on {n} reviews in {fit_s:.0f} s; test accuracy on {n_test} reviews: {accuracy:.4f}")

    sentences = ["An excellent movie!", "Don't watch this movie - poor acting, poor script, bad direction."]
    for sentence, proba in zip(sentences, model.predict_proba(sentences)):
        print(f"{proba[1]:.3f} positive  {sentence}")


if __name__ == "__main__":
    main()

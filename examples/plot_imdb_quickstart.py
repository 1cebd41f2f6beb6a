"""
Quick start: the default pipeline on IMDB
=========================================

``make_pipeline(SequenceVectorizer(), RecurrentTextClassifier())`` with default
parameters: one network, a bidirectional LSTM with max pooling whose outputs are
added to those of a linear model on TF-IDF unigrams and bigrams, trained together
(``docs/accuracy.md`` shows the experiments behind these defaults). Fits on the 25,000 training
reviews, prints test accuracy and fit time, and classifies two raw sentences.
``--n-train`` trains on a subset.

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
    parser.add_argument("--epochs", type=int, default=None, help="max_epochs (default: the estimator's)")
    args = parser.parse_args()

    train = fetch_imdb(subset="train", shuffle=True, random_state=0)
    test = fetch_imdb(subset="test", shuffle=True, random_state=0)
    n = args.n_train or len(train.data)
    n_test = args.n_test or len(test.data)

    clf = RecurrentTextClassifier(random_state=0, verbose=1)
    if args.epochs:
        clf.set_params(max_epochs=args.epochs)
    model = make_pipeline(SequenceVectorizer(), clf)
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

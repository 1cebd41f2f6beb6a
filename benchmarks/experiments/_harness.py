"""The run both patch experiments share: fit on IMDB train from argv's JSON, print one JSON line."""

import json
import sys
import time

import numpy as np

from sklearn.pipeline import make_pipeline

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb


def run(**tags):
    """Fit ``argv[1]`` (vectorizer JSON) and ``argv[2]`` (classifier JSON) with seed ``argv[3]``."""
    vec, clf, seed = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
    train, test = fetch_imdb(subset="train"), fetch_imdb(subset="test")
    model = make_pipeline(SequenceVectorizer(**vec), RecurrentTextClassifier(**clf, random_state=seed, n_threads=2))
    start = time.perf_counter()
    model.fit(train.data, train.target)
    fit_s = time.perf_counter() - start
    h = model[-1].history_
    print(json.dumps({**tags, "clf": clf, "fit_s": round(fit_s, 1),
                      "valid_curve": [round(float(v), 4) for v in h["valid_acc"]],
                      "train_acc": [round(float(v), 4) for v in h["train_acc"]],
                      "test_acc": float(model.score(test.data, test.target))}))


def peak_rss_mib():
    """This process's peak resident memory so far, in MiB (Linux's ``VmHWM``)."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024


def emit(out, path=None):
    """Print ``out`` as one JSON line, and append it to the JSON-lines file ``path`` when given."""
    print(json.dumps(out))
    if path:
        with open(path, "a") as f:
            f.write(json.dumps(out) + "\n")


def semi_supervised_ids():
    """IMDB's 75,000 training reviews (25,000 labelled, 50,000 labelled -1) and its 25,000 test reviews.

    Returns ``(train, test, ids, test_ids, n_tokens)``: the two datasets and their ids under one
    ``SequenceVectorizer`` fitted on every training review, as a semi-supervised ``Pipeline`` fits it.
    """
    train = fetch_imdb(subset="train", include_unlabelled=True, shuffle=False)
    test = fetch_imdb(subset="test")
    vec = SequenceVectorizer(max_features=20000, max_len=400).fit(train.data)
    return train, test, vec.transform(train.data), vec.transform(test.data), vec.n_tokens_


def first_labels(target, n):
    """The ``n`` labelled rows that ``bench_semi_supervised.py`` keeps: a seed-0 permutation's first ``n``."""
    return np.random.RandomState(0).permutation(np.flatnonzero(target != -1))[:n]

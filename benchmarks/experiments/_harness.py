"""The run both patch experiments share: fit on IMDB train from argv's JSON, print one JSON line."""

import json
import sys
import time

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

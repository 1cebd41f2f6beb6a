"""Issue 12 experiment: the linear n-gram model as a student of the self-trained model, 1,000 IMDB labels.

Fits the default pipeline exactly as ``bench_semi_supervised.py`` does (1,000 labels, 74,000
unlabelled reviews, seed from argv), then, after the last round, scores on the 25,000 test reviews:

- the fitted model as it is (the bench's figure);
- the linear model refit on the labelled rows plus every unlabelled row with the final model's
  class, weighted by its confidence |2p - 1| ('hard'), or twice, once per class, weighted by the
  probability ('soft'), averaged with the last network at a share chosen again on the validation
  rows (with a linear model fitted without them), as ``fit`` chooses it.

docs/semi_supervised.md has the results. Run:
SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/linear_students.py 0
"""
import json
import sys
import time

import numpy as np
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb
from sklearn_rnn.linear import NgramLogisticModel

seed = int(sys.argv[1])
captured = {}
original = RecurrentTextClassifier._self_train


def capture(self, X, y, sample_weight, unlabelled, valid_rows, held_out, n_rounds):
    captured.update(X=X, y=y, unlabelled=unlabelled, valid_rows=valid_rows)
    return original(self, X, y, sample_weight, unlabelled, valid_rows, held_out, n_rounds)


RecurrentTextClassifier._self_train = capture
train = fetch_imdb(subset="train", include_unlabelled=True, shuffle=False)
labelled = np.flatnonzero(train.target != -1)
keep = np.random.RandomState(0).permutation(labelled)[:1000]
y = np.full(len(train.target), -1)
y[keep] = train.target[keep]
test = fetch_imdb(subset="test")
pipe = make_pipeline(SequenceVectorizer(max_features=20000, max_len=400),
                     RecurrentTextClassifier(random_state=seed, n_threads=2))
start = time.perf_counter()
pipe.fit(train.data, y)
out = {"seed": seed, "fit_s": round(time.perf_counter() - start, 1), "test_acc": float(pipe.score(test.data, test.target))}
print(json.dumps(out), flush=True)

clf = pipe[-1]
ids, _ = clf._validate_ids(captured["X"], reset=False)
labels = clf._encoder.transform(np.asarray(captured["y"]))
pool, valid = captured["unlabelled"], captured["valid_rows"]
test_ids = pipe[0].transform(test.data)
test_labels = clf._encoder.transform(test.target)
network_test = clf._network_proba(test_ids)
network_valid = clf._network_proba(ids[valid])
proba = clf._combine_proba(pool, clf._network_proba(pool))
fitting = np.setdiff1d(np.arange(len(labels)), valid)
for mode in ("hard", "soft"):
    t = time.perf_counter()
    if mode == "hard":
        extra_X, extra_y = pool, proba.argmax(axis=1)
        extra_w = 2 * proba.max(axis=1) - 1
    else:
        extra_X = np.concatenate([pool, pool])
        extra_y = np.repeat([0, 1], len(pool))
        extra_w = np.concatenate([proba[:, 0], proba[:, 1]])

    def linear(rows):
        X = np.concatenate([ids[rows], extra_X])
        return NgramLogisticModel(C=clf.linear_C).fit(
            X, np.concatenate([labels[rows], extra_y]), n_tokens=clf.n_tokens_,
            sample_weight=np.concatenate([np.ones(len(rows)), extra_w]))

    held_out = linear(fitting).predict_proba(ids[valid])
    w = clf._blend_weight(network_valid, held_out, labels[valid])
    student = linear(np.arange(len(labels))).predict_proba(test_ids)
    out[mode] = {"share": w, "linear_alone": float((student.argmax(1) == test_labels).mean()),
                 "average": float(((w * network_test + (1 - w) * student).argmax(1) == test_labels).mean()),
                 "average_half": float(((network_test + student).argmax(1) == test_labels).mean()),
                 "s": round(time.perf_counter() - t, 1)}
    print(json.dumps(out), flush=True)
out["network_alone"] = float((network_test.argmax(1) == test_labels).mean())
out["old_linear_alone"] = float((clf.linear_model_.predict_proba(test_ids).argmax(1) == test_labels).mean())
out["share_now"] = clf.linear_weight_
print(json.dumps(out), flush=True)

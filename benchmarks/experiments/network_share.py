"""Issue 12 experiment: the network's share of its average with the linear model, 1,000 IMDB labels.

The default fit of ``bench_semi_supervised.py`` (1,000 labels, 74,000 unlabelled reviews), once per
seed. After the first network (round 0) and each self-training round it prints, for each share
w = 0, 0.1, ..., 1 of ``w * network + (1 - w) * linear``, the accuracy on the 25,000 test reviews
and on the 24,000 labelled training reviews among the unlabelled rows (the pseudo-labels' accuracy),
with the share that log loss on the validation rows chooses (``_blend_weight``, the rule before
``SELF_TRAINING_NETWORK_SHARE``) and the share in use. ``--stop-after 0`` stops after round 0.
Without it the fit ends and a final linear student (the linear model refit on the labelled rows
plus every unlabelled row with the final model's class, weighted by its confidence) is scored too.

docs/semi_supervised.md has the results. Run:
SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/network_share.py --seeds 0 1 2 --stop-after 0
"""
import argparse
import json
import time

import numpy as np

from _harness import first_labels, semi_supervised_ids  # the script's folder is on sys.path
from sklearn_rnn import RecurrentTextClassifier

parser = argparse.ArgumentParser()
parser.add_argument("--seeds", type=int, nargs="+", default=[0])
parser.add_argument("--stop-after", type=int, default=None, help="the last round to run")
args = parser.parse_args()
train, test, ids, test_ids, n_tokens = semi_supervised_ids()
keep = first_labels(train.target, 1000)
y = np.full(len(train.target), -1)
y[keep] = train.target[keep]
pool_truth = train.target[y == -1]
known = pool_truth != -1
context = {}


class Stop(Exception):
    pass


original_summary = RecurrentTextClassifier._round_summary
original_self_train = RecurrentTextClassifier._self_train


def round_summary(self, r, ids_, labels, valid_rows, held_out, confidence, seconds):
    row = original_summary(self, r, ids_, labels, valid_rows, held_out, confidence, seconds)
    grids = {}
    for name, rows, truth in [("test", test_ids, test.target), ("pool", context["pool"][known], pool_truth[known])]:
        network, linear = self._network_proba(rows), self.linear_model_.predict_proba(rows)
        grids[name] = {f"{w:.1f}": round(float(((w * network + (1 - w) * linear).argmax(1) == truth).mean()), 4)
                       for w in np.linspace(0, 1, 11)}
    chosen = self._blend_weight(self._network_proba(ids_[valid_rows]), held_out, labels[valid_rows])
    print(json.dumps({"seed": context["seed"], "round": r, "share": self.linear_weight_,
                      "log_loss_share": chosen, "valid_acc": row["valid_acc"], **grids}), flush=True)
    if r == args.stop_after:
        raise Stop
    return row


def self_train(self, X, y_, sample_weight, unlabelled, valid_rows, held_out, n_rounds):
    context.update(X=X, y=y_, pool=unlabelled, valid_rows=valid_rows)
    return original_self_train(self, X, y_, sample_weight, unlabelled, valid_rows, held_out, n_rounds)


RecurrentTextClassifier._round_summary = round_summary
RecurrentTextClassifier._self_train = self_train
for seed in args.seeds:
    context["seed"] = seed
    clf = RecurrentTextClassifier(random_state=seed, n_threads=2)
    start = time.perf_counter()
    try:
        clf.fit(ids, y)
    except Stop:
        continue
    out = {"seed": seed, "fit_s": round(time.perf_counter() - start, 1), "test_acc": clf.score(test_ids, test.target)}
    # The student is the model a further round's linear refit would learn: _fit_linear with the
    # final model's classes and confidences as the pseudo-labels (it replaces clf.linear_model_).
    pool = context["pool"]
    proba = clf._combine_proba(pool, clf._network_proba(pool))
    clf._fit_linear(context["X"], context["y"], None, context["valid_rows"], clf.linear_weight_,
                    pseudo=(pool, proba.argmax(1), 2 * proba.max(1) - 1))
    student = clf.linear_model_
    out["student_alone"] = float((student.predict_proba(test_ids).argmax(1) == test.target).mean())
    print(json.dumps(out), flush=True)

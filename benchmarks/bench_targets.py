"""Beyond two-class labels on IMDB: star ratings (regression) and tags (multi-label), beside TF-IDF baselines.

- ``rating``: the 1-10 star rating in each review's file name (``fetch_imdb(target="rating")``), 25,000
  training reviews, scored on the 25,000 test reviews by R2 and mean absolute error. Contenders:
  ``RecurrentTextRegressor()`` (``--params`` JSON parameters, ``--vec`` its
  ``SequenceVectorizer``'s) and TF-IDF (1-2 grams, sublinear, min_df 2) + ``Ridge(alpha=1)``.
  ``--text first-sentence`` keeps each review's first sentence only (train and test), a short-text
  rating task; ``--n-train`` a random subset of the training reviews.
- ``tags``: three labels per review, any of which may hold: *positive* (7 stars or more), *strong*
  (1-2 or 9-10 stars) and *ten* (10 stars). Scored by micro-F1 (and macro-F1, subset accuracy).
  Contenders: ``RecurrentTextClassifier()`` fitted once on the indicator matrix (one sigmoid output
  per label) and ``OneVsRestClassifier(LogisticRegression(C=10))`` on the same TF-IDF.

Each fit runs in a fresh process (its peak RSS is its own); the rows go to ``--json``, with each
epoch's ``valid_loss`` for the network. ``--params`` may hold ``plateau_factor``, an experiment and
not a parameter of the package: after an epoch that does not improve on the best validation loss,
every optimizer's rate is multiplied by it and the weights go back to the best epoch's.

Run: ``SKLEARN_RNN_DATA=../shared/data python benchmarks/bench_targets.py --tasks rating tags --seeds 0 1 2``
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = """
import json, sys, time
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, f1_score, mean_absolute_error, r2_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn_rnn import RecurrentTextClassifier, RecurrentTextRegressor, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb

task, contender, seed, params, threads, n_train, vectorizer, text = json.loads(sys.argv[1])
train, test = fetch_imdb(subset="train", target="rating"), fetch_imdb(subset="test", target="rating")
if text == "first-sentence":  # short text: each review's first sentence, as benchmarks/tasks.py's imdb-first
    sys.path.insert(0, sys.argv[2])
    from tasks import _first_sentence

    train.data, test.data = [_first_sentence(d) for d in train.data], [_first_sentence(d) for d in test.data]
if n_train:  # the same random subset of the training reviews for every contender and seed
    keep = np.sort(np.random.default_rng(0).permutation(len(train.data))[:n_train])
    train.data, train.target = [train.data[i] for i in keep], train.target[keep]


def tags(rating):
    return np.column_stack([rating >= 7, (rating <= 2) | (rating >= 9), rating == 10]).astype(int)


plateau = params.pop("plateau_factor", None)  # experiment: lower the rates when an epoch does not improve
if plateau is not None:
    from skorch.callbacks import Callback

    class Plateau(Callback):
        # every optimizer's rate times factor after an epoch that did not improve, back to the best weights

        def __init__(self, factor):
            self.factor = factor

        def on_epoch_end(self, net, **kwargs):
            best = dict(net.callbacks_)["best_weights"]
            if best.best_epoch_ == net.history[-1, "epoch"] or best.best_state_ is None:
                return
            optimizers = [net.optimizer_] + ([net.optimizer_sparse_] if hasattr(net, "optimizer_sparse_") else [])
            for optimizer in optimizers:
                for group in optimizer.param_groups:
                    group["lr"] *= self.factor
            net.module_.load_state_dict(best.best_state_)

    params["callbacks"] = [("plateau", Plateau(plateau))]

tfidf = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
if task == "rating":
    y, y_test = train.target.astype(float), test.target.astype(float)
    network, baseline = RecurrentTextRegressor, Ridge(alpha=1.0)
else:
    y, y_test = tags(train.target), tags(test.target)
    network, baseline = RecurrentTextClassifier, OneVsRestClassifier(LogisticRegression(C=10, max_iter=1000))
model = (make_pipeline(tfidf, baseline) if contender == "tfidf" else make_pipeline(
    SequenceVectorizer(**vectorizer), network(**{"random_state": seed, "n_threads": threads, **params})))
start = time.perf_counter()
model.fit(train.data, y)
out = {"n_train": len(train.data), "fit_s": time.perf_counter() - start}
pred = model.predict(test.data)
if task == "rating":
    out.update(r2=r2_score(y_test, pred), mae=mean_absolute_error(y_test, pred),
               mae_clipped=mean_absolute_error(y_test, np.clip(pred, 1, 10)))
else:
    out.update(micro_f1=f1_score(y_test, pred, average="micro"), macro_f1=f1_score(y_test, pred, average="macro"),
               subset_accuracy=accuracy_score(y_test, pred))
if contender != "tfidf":
    out["epochs"] = len(model[-1].history_)
    if "valid_loss" in model[-1].history_:  # which epoch early stopping kept, and whether more would have helped
        out["valid_loss"] = [round(float(v), 5) for v in model[-1].history_["valid_loss"]]
with open("/proc/self/status") as f:
    out["peak_rss_mib"] = next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
print(json.dumps(out))
"""


def main():
    sys.path.insert(0, HERE)
    from _cpu import cpu_kind

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", nargs="+", choices=["rating", "tags"], default=["rating", "tags"])
    parser.add_argument("--contenders", nargs="+", choices=["tfidf", "network"], default=["tfidf", "network"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--params", default="{}", help="the network's parameters as JSON (default: its defaults)")
    parser.add_argument("--vec", default="{}",
                        help="the network's SequenceVectorizer parameters as JSON (default: its defaults)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--n-train", type=int, default=None, help="train on this many random training reviews")
    parser.add_argument("--text", choices=["review", "first-sentence"], default="review",
                        help="the whole review (default), or its first sentence only (short text)")
    parser.add_argument("--name", default="defaults")
    parser.add_argument("--json", help="append the rows to this JSON-lines file")
    args = parser.parse_args()
    params, vectorizer = json.loads(args.params), json.loads(args.vec)
    for task in args.tasks:
        for contender in args.contenders:
            for seed in (args.seeds if contender == "network" else [0]):
                done = subprocess.run([sys.executable, "-c", CHILD,
                                       json.dumps([task, contender, seed, params, args.threads, args.n_train,
                                                   vectorizer, args.text]), HERE],
                                      capture_output=True, text=True)
                if done.returncode:
                    sys.exit(done.stderr[-3000:])
                out = json.loads(done.stdout.strip().splitlines()[-1])
                row = {"name": args.name, "task": task, "contender": contender, "seed": seed, "params": params,
                       **({"vec": vectorizer} if vectorizer else {}),
                       **({"text": args.text} if args.text != "review" else {}), "cpu": cpu_kind(),
                       "when": time.strftime("%Y-%m-%d %H:%M"), **out}
                print(json.dumps(row), flush=True)
                if args.json:
                    with open(args.json, "a") as f:
                        f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()

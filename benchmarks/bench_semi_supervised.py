"""Semi-supervised IMDB: few labels plus the unlabelled reviews, beside TF-IDF + LR on the same labels.

For each number of labels (``--labels``, default 1000 and 25000), the first
``n`` shuffled training reviews keep their labels and every other training
review, plus the 50,000 of ``train/unsup``, is unlabelled (-1). Three models
are scored on the 25,000 test reviews:

- TF-IDF (uni+bigrams, sublinear tf) + LogisticRegression on the ``n`` labels;
- the recurrent pipeline on the ``n`` labels alone (``RecurrentTextClassifier()``);
- ``SemiSupervisedTextClassifier(estimator=RecurrentTextClassifier())`` given every row, so
  that it pretrains on the unlabelled ones and self-trains (its defaults; ``--semi`` gives its
  parameters as JSON); ``semi-blend`` is the user guide's recipe, the same with
  ``BlendedTextClassifier(network=..., linear=NgramLogisticClassifier(), network_share=0.3)`` as
  its estimator.

Each run is one JSON line in ``benchmarks/results/semi_supervised.jsonl``,
with fit seconds, peak RSS of its process and the CPU.

Run::

    SKLEARN_RNN_DATA=../shared/data python benchmarks/bench_semi_supervised.py --labels 1000
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _cpu import cpu_kind  # benchmarks/_cpu.py: the script's folder is on sys.path

RESULTS = Path(__file__).resolve().parent / "results" / "semi_supervised.jsonl"

CHILD = """
import json, sys, time
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn_rnn import (BlendedTextClassifier, NgramLogisticClassifier, RecurrentTextClassifier,
                         SemiSupervisedTextClassifier, SequenceVectorizer)
from sklearn_rnn.datasets import fetch_imdb

n_labels, model, clf_params, seed = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
semi_params = json.loads(sys.argv[5])
train = fetch_imdb(subset="train", include_unlabelled=True, shuffle=False)
labelled = np.flatnonzero(train.target != -1)
rng = np.random.RandomState(0)
keep = rng.permutation(labelled)[:n_labels]
y = np.full(len(train.target), -1)
y[keep] = train.target[keep]
docs = train.data
if not model.startswith("semi"):
    docs, y = [docs[i] for i in keep], y[keep]
test = fetch_imdb(subset="test")
if model == "tfidf":
    pipe = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                         LogisticRegression(C=10 if n_labels > 5000 else 3, max_iter=1000))
else:
    clf = RecurrentTextClassifier(**{**clf_params, "random_state": seed, "n_threads": 2})
    if model == "semi-blend":  # the user guide's recipe: the network blended with the linear model at 0.3
        clf = BlendedTextClassifier(network=clf, linear=NgramLogisticClassifier(), network_share=0.3,
                                    random_state=seed)
    if model.startswith("semi"):
        clf = SemiSupervisedTextClassifier(estimator=clf, **{**semi_params, "random_state": seed})
    pipe = make_pipeline(SequenceVectorizer(max_features=20000, max_len=400), clf)
start = time.perf_counter()
pipe.fit(docs, y)
fit_s = time.perf_counter() - start
out = {"fit_s": round(fit_s, 1), "test_acc": float(pipe.score(test.data, test.target)), "n_rows": len(docs)}
if model != "tfidf":
    clf = pipe[-1]
    if model.startswith("semi"):
        out["n_unlabelled"] = int(clf.n_unlabelled_)
    if getattr(clf, "pretraining_history_", None) is not None:
        out["pretraining_s"] = round(float(clf.pretraining_history_["dur"].sum()), 1)
        out["pretrain_loss"] = [round(v, 4) for v in clf.pretraining_history_["pretrain_loss"]]
    inner = getattr(clf, "estimator_", clf)  # the semi-supervised model's fitted classifier
    out["epochs"] = len(inner.history_) if hasattr(inner, "history_") else None
    if getattr(clf, "self_training_history_", None) is not None:
        out["self_training"] = json.loads(clf.self_training_history_.reset_index().round(4).to_json(orient="records"))
with open("/proc/self/status") as f:
    out["peak_rss_mib"] = round(next(int(l.split()[1]) for l in f if l.startswith("VmHWM")) / 1024)
print(json.dumps(out))
"""

# The classifier's defaults. The runs of docs/semi_supervised.md before the accuracy defaults passed
# {"cell": "lstm", "bidirectional": true, "hidden_size": 64, "embedding_dim": 64, "pooling": "max", ...}.
CLASSIFIER = {}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=int, nargs="+", default=[1000, 25000])
    parser.add_argument("--models", nargs="+", default=["tfidf", "labels", "semi"])
    parser.add_argument("--clf", default=json.dumps(CLASSIFIER), help="RecurrentTextClassifier parameters (JSON)")
    parser.add_argument("--semi", default="{}", help="SemiSupervisedTextClassifier parameters (JSON)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"CPU: {cpu_kind()}")
    for n in args.labels:
        for model in args.models:
            start = time.time()
            done = subprocess.run([sys.executable, "-c", CHILD, str(n), model, args.clf, str(args.seed), args.semi],
                                  capture_output=True, text=True, env=os.environ)
            if done.returncode:
                sys.exit(done.stderr[-3000:])
            row = {"labels": n, "model": model, "clf": None if model == "tfidf" else json.loads(args.clf),
                   "semi": json.loads(args.semi) if model.startswith("semi") else None,
                   "seed": args.seed, **json.loads(done.stdout.strip().splitlines()[-1]), "cpu": cpu_kind(),
                   "when": time.strftime("%Y-%m-%d %H:%M", time.gmtime(start))}
            RESULTS.parent.mkdir(exist_ok=True)
            with open(RESULTS, "a") as f:
                f.write(json.dumps(row) + "\n")
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()

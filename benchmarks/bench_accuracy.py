"""Accuracy of the network alone and of the blend beside TF-IDF + logistic regression, in one run.

For each task of ``tasks.py`` and each seed, three contenders fit on the same split:

- ``tfidf``: ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)`` +
  ``LogisticRegression(C=10)``, the three lines users would write instead (no seed);
- ``network``: ``make_pipeline(SequenceVectorizer(), RecurrentTextClassifier())``;
- ``blend``: ``make_pipeline(SequenceVectorizer(), BlendedTextClassifier(network=RecurrentTextClassifier(),
  linear=NgramLogisticClassifier(), random_state=seed))``, the recipe for the best accuracy.

``--clf``/``--vec`` give the network's and the vectorizer's parameters as JSON (the
defaults otherwise). Each fit runs in a fresh process so that its peak RSS (``VmHWM``) is
its own; every row names the CPU kind and goes to ``--json`` (JSON lines, appended).

Run: ``SKLEARN_RNN_DATA=../shared/data python benchmarks/bench_accuracy.py --tasks imdb agnews --seeds 0 1 2``
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
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import make_pipeline
from sklearn_rnn import BlendedTextClassifier, NgramLogisticClassifier, RecurrentTextClassifier, SequenceVectorizer

task, contender, seed, vec, clf, threads = json.loads(sys.argv[1])
sys.path.insert(0, sys.argv[2])
from tasks import load_task

X_train, y_train, X_test, y_test, metric = load_task(task)
network = RecurrentTextClassifier(**{"random_state": seed, "n_threads": threads, **clf})
if contender == "tfidf":
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                          LogisticRegression(C=10, max_iter=1000))
elif contender == "network":
    model = make_pipeline(SequenceVectorizer(**vec), network)
else:
    model = make_pipeline(SequenceVectorizer(**vec), BlendedTextClassifier(
        network=network, linear=NgramLogisticClassifier(), random_state=seed))


def score(pred):
    return accuracy_score(y_test, pred) if metric == "accuracy" else f1_score(y_test, pred, average="macro")


start = time.perf_counter()
model.fit(X_train, y_train)
out = {"fit_s": time.perf_counter() - start, "score": score(model.predict(X_test)), "metric": metric}
last = model[-1]
if contender == "blend":
    ids = model[0].transform(X_test)
    out["network_share"] = last.network_share_
    out["network_in_blend"] = score(last.network_.predict(ids))
    out["linear_in_blend"] = score(last.linear_.predict(ids))
network = last.network_ if contender == "blend" else last if contender == "network" else None
if network is not None:
    out["epochs"] = len(network.history_)
    if "valid_loss" in network.history_:
        out["best_epoch"] = int(network.history_["valid_loss"].idxmin())
with open("/proc/self/status") as f:
    out["peak_rss_mib"] = next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
print(json.dumps(out))
"""


def run(task, contender, seed, vec, clf, threads):
    args = json.dumps([task, contender, seed, vec, clf, threads])
    done = subprocess.run([sys.executable, "-c", CHILD, args, HERE], capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    sys.path.insert(0, HERE)
    from _cpu import cpu_kind
    from tasks import TASKS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", nargs="+", choices=TASKS, default=["imdb", "agnews"])
    parser.add_argument("--contenders", nargs="+", choices=["tfidf", "network", "blend"],
                        default=["tfidf", "network", "blend"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--vec", default="{}", help="SequenceVectorizer parameters as JSON (default: defaults)")
    parser.add_argument("--clf", default="{}", help="RecurrentTextClassifier parameters as JSON (default: defaults)")
    parser.add_argument("--threads", type=int, default=None, help="n_threads of the network (default: torch's)")
    parser.add_argument("--name", default="defaults", help="a name for this configuration in the log")
    parser.add_argument("--json", help="append the rows to this JSON-lines file")
    args = parser.parse_args()
    vec, clf = json.loads(args.vec), json.loads(args.clf)
    for task in args.tasks:
        for contender in args.contenders:
            for seed in (args.seeds if contender != "tfidf" else [0]):
                out = run(task, contender, seed, vec, clf, args.threads)
                row = {"name": args.name, "task": task, "contender": contender, "seed": seed, "vec": vec,
                       "clf": clf, "cpu": cpu_kind(), "when": time.strftime("%Y-%m-%d %H:%M"), **out}
                print(f"{args.name} {task:13s} {contender:8s} seed {seed}: {out['metric']} {out['score']:.4f}"
                      + (f" (network {out['network_in_blend']:.4f}, share {out['network_share']})"
                         if "network_share" in out else "")
                      + f", fit {out['fit_s']:.0f} s, peak RSS {out['peak_rss_mib']:.0f} MiB", flush=True)
                if args.json:
                    with open(args.json, "a") as f:
                        f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()

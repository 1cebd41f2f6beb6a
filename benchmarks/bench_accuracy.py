"""Accuracy of the default pipeline beside TF-IDF + logistic regression, in one run.

Three comparisons, each fitting both contenders on the same split:

1. full IMDB: the 25,000 training reviews, scored on the 25,000 test reviews
   (accuracy), with fit time and the fit's peak RSS;
2. small IMDB: 5,000 training reviews, scored on the 25,000 test reviews;
3. SMS-spam-like messages: 5,000 short, imbalanced (13% spam) messages that
   this script makes, scored by macro-F1 on 2,000 more.

The sklearn_rnn contender is ``make_pipeline(SequenceVectorizer(), RecurrentTextClassifier())``
with default parameters, unless ``--clf``/``--vec`` give JSON parameters. The
TF-IDF contender is ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
min_df=2)`` + ``LogisticRegression(C=10)``, the three lines users would write.
Each fit runs in a fresh process so that its peak RSS (``VmHWM``) is its own.

Run: ``SKLEARN_RNN_DATA=../shared/data python benchmarks/bench_accuracy.py [--seeds 0 1] [--quick]``
"""

import argparse
import json
import os
import subprocess
import sys
import time

CHILD = """
import json, sys, time
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import make_pipeline
from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer

task, contender, seed, vec, clf, n_train, n_test = json.loads(sys.argv[1])
sys.path.insert(0, sys.argv[2])
from bench_accuracy import load_task

X_train, y_train, X_test, y_test, metric = load_task(task, n_train, n_test)
if contender == "tfidf":
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                          LogisticRegression(C=10, max_iter=1000))
else:
    model = make_pipeline(SequenceVectorizer(**vec), RecurrentTextClassifier(**clf, random_state=seed))
start = time.perf_counter()
model.fit(X_train, y_train)
fit_s = time.perf_counter() - start
pred = model.predict(X_test)
score = accuracy_score(y_test, pred) if metric == "accuracy" else f1_score(y_test, pred, average="macro")
with open("/proc/self/status") as f:
    rss = next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
print(json.dumps({"score": score, "metric": metric, "fit_s": fit_s, "peak_rss_mib": rss}))
"""


def make_sms(n, seed):
    """Short messages, 13% spam: spam uses offer words, ham everyday words; both share fillers."""
    import numpy as np

    rng = np.random.RandomState(seed)
    spam_words = ["free", "win", "prize", "claim", "cash", "urgent", "call", "txt", "offer", "now", "reply",
                  "guaranteed", "winner", "award", "mobile"]
    ham_words = ["home", "later", "dinner", "ok", "love", "tomorrow", "meeting", "sorry", "lunch", "work", "see",
                 "tonight", "thanks", "bus", "class"]
    fillers = ["you", "the", "to", "a", "i", "is", "and", "for", "your", "me", "my", "it", "on", "at", "be"]
    docs, labels = [], []
    for _ in range(n):
        spam = rng.uniform() < 0.13
        own, other = (spam_words, ham_words) if spam else (ham_words, spam_words)
        words = list(rng.choice(fillers, rng.randint(3, 12)))
        words += list(rng.choice(own, rng.randint(1, 4)))
        if rng.uniform() < 0.3:  # messages borrow from the other kind now and then
            words.append(rng.choice(other))
        rng.shuffle(words)
        docs.append(" ".join(words))
        labels.append("spam" if spam else "ham")
    return docs, np.array(labels)


def load_task(task, n_train, n_test):
    if task == "sms":
        X_train, y_train = make_sms(n_train or 5000, seed=0)
        X_test, y_test = make_sms(n_test or 2000, seed=1)
        return X_train, y_train, X_test, y_test, "macro-F1"
    from sklearn_rnn.datasets import fetch_imdb

    train, test = fetch_imdb(subset="train"), fetch_imdb(subset="test")
    n_train = n_train or len(train.data)
    n_test = n_test or len(test.data)
    return train.data[:n_train], train.target[:n_train], test.data[:n_test], test.target[:n_test], "accuracy"


def run(task, contender, seed, vec, clf, n_train, n_test):
    args = json.dumps([task, contender, seed, vec, clf, n_train, n_test])
    done = subprocess.run([sys.executable, "-c", CHILD, args, os.path.dirname(os.path.abspath(__file__))],
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--vec", default="{}", help="SequenceVectorizer parameters as JSON (default: defaults)")
    parser.add_argument("--clf", default="{}", help="RecurrentTextClassifier parameters as JSON (default: defaults)")
    parser.add_argument("--quick", action="store_true", help="small subsets, for a smoke test")
    parser.add_argument("--only", choices=["tfidf", "sklearn_rnn"], help="run one contender only")
    parser.add_argument("--json", help="write the rows to this file")
    args = parser.parse_args()
    vec, clf = json.loads(args.vec), json.loads(args.clf)
    tasks = [("imdb", 25000, 25000), ("imdb-5k", 5000, 25000), ("sms", 5000, 2000)]
    if args.quick:
        tasks = [("imdb", 600, 400), ("imdb-5k", 300, 400), ("sms", 600, 300)]
    rows = []
    for task, n_train, n_test in tasks:
        name = "sms" if task == "sms" else "imdb"
        for contender in [args.only] if args.only else ["tfidf", "sklearn_rnn"]:
            for seed in (args.seeds if contender == "sklearn_rnn" else [0]):
                out = run(name, contender, seed, vec, clf, n_train, n_test)
                row = {"task": task, "n_train": n_train, "contender": contender, "seed": seed, **out}
                rows.append(row)
                print(f"{task:8s} {contender:12s} seed {seed}: {out['metric']} {out['score']:.4f}, "
                      f"fit {out['fit_s']:.0f} s, peak RSS {out['peak_rss_mib']:.0f} MiB", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"when": time.strftime("%Y-%m-%d"), "vec": vec, "clf": clf, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()

"""Fits alone and beside a busy process: what the default thread count costs when the cores are shared.

Each measurement runs in a fresh process, best of ``--repeat``:

- a fit of the default ``RecurrentTextClassifier`` (sizes shrunk to 16, 2 epochs) on 200 IMDB
  reviews, with ``n_threads=None`` (the default), ``n_threads=1`` and ``n_threads=2``;
- ``GridSearchCV(n_jobs=2)`` over ``cell`` (2 candidates, cv=2) with ``n_threads=2`` and with the
  default, whose refit runs in the parent process;

first on an idle machine, then while another process keeps one core busy (a plain torch loop
of matrix products on 1 thread) and while it keeps both busy (2 threads).

Run: ``SKLEARN_RNN_DATA=../shared/data python benchmarks/bench_busy.py --json results/busy.json``
"""

import argparse
import json
import subprocess
import sys
import time

from _cpu import cpu_kind

FIT = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb
kind, threads = sys.argv[1], json.loads(sys.argv[2])
data = fetch_imdb(subset="train")
docs, y = data.data[:200], data.target[:200]
clf = RecurrentTextClassifier(hidden_size=16, embedding_dim=16, max_epochs=2, random_state=0, n_threads=threads)
model = make_pipeline(SequenceVectorizer(max_len=200), clf)
start = time.perf_counter()
if kind == "fit":
    model.fit(docs, y)
else:
    GridSearchCV(model, {"recurrenttextclassifier__cell": ["lstm", "gru"]}, cv=2, n_jobs=2).fit(docs, y)
print(time.perf_counter() - start)
"""

BUSY = """
import sys, torch
torch.set_num_threads(int(sys.argv[1]))
a = torch.randn(512, 512)
while True:
    a = torch.tanh(a @ a) * 0.5
"""


def timed(kind, threads, repeat):
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", FIT, kind, json.dumps(threads)], capture_output=True, text=True,
                              check=True)
        runs.append(float(done.stdout.strip().splitlines()[-1]))
    return min(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json")
    args = parser.parse_args()
    rows = []
    for busy in (0, 1, 2):
        spinner = subprocess.Popen([sys.executable, "-c", BUSY, str(busy)]) if busy else None
        try:
            if spinner is not None:
                time.sleep(3)  # let it load torch and take its cores
            for kind, threads in [("fit", None), ("fit", 1), ("fit", 2), ("search", None), ("search", 2)]:
                seconds = timed(kind, threads, args.repeat)
                rows.append({"busy_threads": busy, "kind": kind, "n_threads": threads, "seconds": seconds})
                print(f"beside a process on {busy} thread(s): {kind:6s} n_threads={threads!s:4s} {seconds:6.2f} s",
                      flush=True)
        finally:
            if spinner is not None:
                spinner.kill()
                spinner.wait()
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cpu": cpu_kind(), "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()

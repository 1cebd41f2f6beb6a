"""One accuracy experiment on full IMDB per call, logged as a JSON line.

Each run fits ``make_pipeline(SequenceVectorizer(**vec), RecurrentTextClassifier(**clf))``
on the 25,000 training reviews in a fresh process and scores it on the 25,000
test reviews. The line records the configuration, the seed, the epochs run,
fit seconds, the process's peak RSS (``VmHWM``), the last validation accuracy,
the test accuracy and the CPU. ``docs/accuracy.md`` tabulates these lines.

``--table`` prints the log as a Markdown table.

Run::

    SKLEARN_RNN_DATA=../shared/data python benchmarks/accuracy_runs.py \\
        --name bigru64-max --vec '{"max_features": 20000, "max_len": 400}' \\
        --clf '{"cell": "gru", "bidirectional": true, "hidden_size": 64, "pooling": "max"}' --seed 0
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _cpu import cpu_kind  # benchmarks/_cpu.py: the script's folder is on sys.path

RESULTS = Path(__file__).resolve().parent / "results" / "accuracy_runs.jsonl"

CHILD = """
import json, sys, time
from sklearn.pipeline import make_pipeline
from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb

vec, clf, seed, n_threads = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
train, test = fetch_imdb(subset="train"), fetch_imdb(subset="test")
model = make_pipeline(SequenceVectorizer(**vec), RecurrentTextClassifier(**clf, random_state=seed, n_threads=n_threads))
start = time.perf_counter()
model.fit(train.data, train.target)
fit_s = time.perf_counter() - start
history = model[-1].history_
out = {"fit_s": round(fit_s, 1), "epochs": int(len(history)),
       "valid_acc": float(history["valid_acc"].iloc[-1]) if "valid_acc" in history else None,
       "valid_curve": [round(float(v), 4) for v in history["valid_acc"]] if "valid_acc" in history else None,
       "epoch_s": [round(float(v), 1) for v in history["dur"]],
       "test_acc": float(model.score(test.data, test.target))}
if getattr(model[-1], "linear_model_", None) is not None:
    out["linear_weight"] = model[-1].linear_weight_
with open("/proc/self/status") as f:
    out["peak_rss_mib"] = round(next(int(l.split()[1]) for l in f if l.startswith("VmHWM")) / 1024)
print(json.dumps(out))
"""


def table():
    """The logged runs as a Markdown table, in the order they ran."""
    lines = ["| run | vectorizer | classifier | seed | epochs | fit s | peak RSS MiB | valid acc | test acc | CPU |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for line in RESULTS.read_text().splitlines():
        r = json.loads(line)
        show = lambda d: ", ".join(f"{k}={v}" for k, v in d.items()) or "defaults"  # noqa: E731
        valid = "" if r["valid_acc"] is None else f"{100 * r['valid_acc']:.2f}%"
        lines.append(f"| {r['name']} | {show(r['vec'])} | {show(r['clf'])} | {r['seed']} | {r['epochs']} | "
                     f"{r['fit_s']:.0f} | {r['peak_rss_mib']} | {valid} | {100 * r['test_acc']:.2f}% | {r['cpu']} |")
    return "\n".join(lines)


def main():
    if sys.argv[1:] == ["--table"]:
        print(table())
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--name", required=True)
    parser.add_argument("--vec", default="{}", help="SequenceVectorizer parameters as JSON")
    parser.add_argument("--clf", default="{}", help="RecurrentTextClassifier parameters as JSON")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    start = time.time()
    done = subprocess.run([sys.executable, "-c", CHILD, args.vec, args.clf, str(args.seed), str(args.threads)],
                          capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    row = {"name": args.name, "vec": json.loads(args.vec), "clf": json.loads(args.clf), "seed": args.seed,
           **json.loads(done.stdout.strip().splitlines()[-1]), "cpu": cpu_kind(),
           "when": time.strftime("%Y-%m-%d %H:%M", time.gmtime(start))}
    RESULTS.parent.mkdir(exist_ok=True)
    with open(RESULTS, "a") as f:
        f.write(json.dumps(row) + "\n")
    print(json.dumps(row))


if __name__ == "__main__":
    main()

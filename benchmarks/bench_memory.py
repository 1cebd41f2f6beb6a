"""Memory of large fits: the in-memory fit of 200,000 documents, and a partial_fit stream.

Two cases, each in a fresh process, printed with the CPU kind and written to
``benchmarks/results/memory_<cpu>.json``:

``fit``
    The IMDB training reviews repeated 8 times (200,000 documents) through
    ``SequenceVectorizer(max_features=20000, max_len=400)``, then the fit of ``--model``:
    ``keras`` (the default: ``RecurrentTextClassifier(**KERAS_STYLE)``, LSTM 32, embedding 32,
    one epoch), ``network`` (the default network, n-gram part included, at the same sizes and
    one epoch), ``linear`` (``NgramLogisticClassifier()``) or ``blend``
    (``BlendedTextClassifier`` of the two); ``--model all`` runs the four. Reports the int32
    ids' size, the RSS before ``fit``, the peak RSS during ``fit`` (the
    kernel's high-water mark, reset just before) and samples per second.
    The heap's free memory goes back to the system (``malloc_trim``) before the RSS
    before ``fit`` is read, so that memory the vectorizing freed does not cushion the fit's
    growth. ``--code PATH`` runs the same case against another checkout of the
    package (for a before/after comparison side by side).

``stream``
    A synthetic fastText file of ``--stream-docs`` reviews (1,000,000 by
    default) read with ``load_fasttext(chunksize=...)``; the vectorizer is
    fitted on the first chunk, and every chunk goes through ``partial_fit``
    once. Reports the RSS and the peak RSS after each chunk.

Run::

    SKLEARN_RNN_DATA=../shared/data python benchmarks/bench_memory.py
    SKLEARN_RNN_DATA=../shared/data python benchmarks/bench_memory.py --case fit --code /tmp/old_checkout
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _cpu import cpu_kind, cpu_tag  # benchmarks/_cpu.py: the script's folder is on sys.path

ROOT = Path(__file__).resolve().parents[1]

COMMON = """
import json, os, sys, time
if os.environ.get("BENCH_PACKAGE_PATH"):  # another checkout: ahead of an editable install's finder
    sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
    sys.path.insert(0, os.environ["BENCH_PACKAGE_PATH"])
import numpy as np

def rss_mib(field="VmRSS"):
    with open("/proc/self/status") as f:
        return int(next(l.split()[1] for l in f if l.startswith(field + ":"))) / 1024

def trim_heap():
    # The heap's free memory back to the system (glibc): the RSS before a fit then counts what the
    # process holds, not what earlier steps freed and the allocator kept.
    import ctypes
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass

def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
"""

FIT_CHILD = COMMON + """
import torch
from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb
train = fetch_imdb(subset="train")
docs, y = list(train.data) * 8, np.tile(train.target, 8)
ids = SequenceVectorizer(max_features=20000, max_len=400).fit_transform(docs)
del docs, train
model = sys.argv[1] if len(sys.argv) > 1 else "keras"
try:  # the Keras-style net of the earlier code (--code may name a checkout without KERAS_STYLE)
    from sklearn_rnn import KERAS_STYLE
except ImportError:
    KERAS_STYLE = {}
sizes = dict(hidden_size=32, embedding_dim=32, max_epochs=1, random_state=0, n_threads=2)
if model == "keras":
    clf = RecurrentTextClassifier(**KERAS_STYLE, **sizes, validation_fraction=0.0)
elif model == "network":
    clf = RecurrentTextClassifier(**sizes, validation_fraction=0.0)
else:
    from sklearn_rnn import BlendedTextClassifier, NgramLogisticClassifier
    clf = NgramLogisticClassifier() if model == "linear" else BlendedTextClassifier(
        network=RecurrentTextClassifier(**sizes), linear=NgramLogisticClassifier(), random_state=0)
import gc; gc.collect()
trim_heap()
before = rss_mib()
reset_peak()
start = time.perf_counter()
clf.fit(ids, y)
seconds = time.perf_counter() - start
peak = rss_mib("VmHWM")
ids_mib = ids.nbytes / 2**20
print(json.dumps({"model": model, "docs": len(y), "ids_dtype": str(ids.dtype), "ids_mib": round(ids_mib, 1),
                  "rss_before_fit_mib": round(before), "peak_during_fit_mib": round(peak),
                  "peak_over_before_in_ids": round((peak - before) / ids_mib, 2),
                  "fit_s": round(seconds, 1), "samples_per_s": round(len(y) / seconds)}))
"""

STREAM_CHILD = COMMON + """
from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import load_fasttext

path, chunksize = sys.argv[1], int(sys.argv[2])
chunks = load_fasttext(path, chunksize=chunksize, return_X_y=True)
vec = clf = None
rows, start = [], time.perf_counter()
for i, (X, y) in enumerate(chunks):
    reset_peak()
    if vec is None:  # the vocabulary is fixed on the first chunk, then streamed through
        vec = SequenceVectorizer(max_features=20000, max_len=64).fit(X)
        try:
            from sklearn_rnn import KERAS_STYLE
        except ImportError:
            KERAS_STYLE = {}
        clf = RecurrentTextClassifier(**KERAS_STYLE, hidden_size=16, embedding_dim=16, random_state=0, n_threads=2)
    clf.partial_fit(vec.transform(X), y, classes=[1, 2])
    rows.append({"chunk": i + 1, "docs": (i + 1) * chunksize, "rss_mib": round(rss_mib()),
                 "peak_mib": round(rss_mib("VmHWM")), "train_acc": round(float(clf.history_["train_acc"].iloc[-1]), 4)})
    print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
print(json.dumps({"chunks": rows, "seconds": round(time.perf_counter() - start, 1)}))
"""

WORDS = ("good great fine bad awful dull plot film actor story scene music book song price quality "
         "arrived broken works love hate boring loved waste excellent terrible recommend return").split()


def make_stream(path, n_docs, seed=0):
    """A fastText file of ``n_docs`` short synthetic reviews (labels 1 and 2)."""
    import numpy as np

    rng = np.random.RandomState(seed)
    positive, negative = {"good", "great", "love", "loved", "excellent", "recommend"}, {
        "bad", "awful", "hate", "boring", "waste", "terrible"}
    with open(path, "w") as f:
        for start in range(0, n_docs, 10000):
            block = rng.randint(0, len(WORDS), size=(min(10000, n_docs - start), 30))
            for row in block:
                words = [WORDS[i] for i in row]
                score = sum(w in positive for w in words) - sum(w in negative for w in words)
                f.write(f"__label__{2 if score >= 0 else 1} {' '.join(words)}\n")


def child(code, args, package_path=None):
    env = dict(os.environ)
    if package_path:
        env["BENCH_PACKAGE_PATH"] = str(package_path)
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", choices=("fit", "stream", "all"), default="all")
    parser.add_argument("--model", choices=("keras", "network", "linear", "blend", "all"), default="keras",
                        help="the fit case's model (default: the Keras-style network)")
    parser.add_argument("--code", help="run the fit case against the package at this checkout instead")
    parser.add_argument("--stream-docs", type=int, default=1_000_000)
    parser.add_argument("--chunksize", type=int, default=100_000)
    args = parser.parse_args()
    cpu = cpu_kind()
    print(f"CPU: {cpu}, {len(os.sched_getaffinity(0))} cores")
    out = ROOT / "benchmarks" / "results" / f"memory_{cpu_tag(cpu)}.json"
    results = json.loads(out.read_text()) if out.exists() else {}
    results["cpu"] = cpu
    if args.case in ("fit", "all"):
        models = ("keras", "network", "linear", "blend") if args.model == "all" else (args.model,)
        for model in models:
            fit = child(FIT_CHILD, [model], args.code)
            key = ("fit_200k" if not args.code else "fit_200k_other_checkout") + ("" if model == "keras" else "_" + model)
            results[key] = fit
            print(f"{key}: {json.dumps(fit)}")
    if args.case in ("stream", "all"):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "stream.ft.txt")
            make_stream(path, args.stream_docs)
            stream = child(STREAM_CHILD, [path, str(args.chunksize)])
        chunks = stream["chunks"]
        second, last = chunks[1]["peak_mib"], chunks[-1]["peak_mib"]
        stream["peak_last_over_second"] = round(last / second, 3)
        results[f"stream_{args.stream_docs}"] = stream
        print(f"stream of {args.stream_docs:,} docs in chunks of {args.chunksize:,}: "
              f"{stream['seconds']} s; peak RSS per chunk {[c['peak_mib'] for c in chunks]} MiB; "
              f"last/second {stream['peak_last_over_second']}")
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()

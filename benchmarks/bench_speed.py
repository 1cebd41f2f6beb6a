"""Training and inference throughput: sklearn_rnn vs plain PyTorch vs Keras.

One run, the same vectorized data for every contender: IMDB training reviews
(2,000 by default) through ``SequenceVectorizer(max_features=20000,
max_len=400)``, Embedding 20k x 128, one LSTM of 128 units, batch size 64, one
epoch, 2 threads. Each contender runs ``--repeat`` times, in rounds that
interleave the contenders; the best run counts (these machines swing between
runs). Keras runs as users run it and also with the heap settings that our
estimators use (see ``sklearn_rnn._heap``); ratios take the faster of the two.

``--short`` prints the short-text table instead (issue 28): seconds per epoch and real tokens
per second of the default ``RecurrentTextClassifier`` (and with ``ngrams='embedding'``, round
2's bigram branch, and ``ngrams=None``) on 20,000 sentences of 9 tokens (IMDB's first
sentences, cut to 9 tokens) against 2,000 IMDB reviews (``max_len=400``); one epoch, no
validation set, best of ``--repeat``.

``--cells`` prints the cell table instead (issue 13): the fit throughput of
the LSTM, the GRU and the SimpleRNN at 32 and 128 units through
``RecurrentTextClassifier`` (Embedding 128 + cell + 1 output, same data), the
GRU and RNN once more with the fused kernel switched off (``torch.nn`` code),
the three cells under ``precision='bfloat16'`` where the CPU has bfloat16 kernels,
and Keras's GRU and SimpleRNN with ``mask_zero=True``.

Run: ``SKLEARN_RNN_DATA=../shared/data python benchmarks/bench_speed.py``.
Keras rows appear when ``tensorflow`` is importable (it is not a dependency:
``pip install tensorflow-cpu==2.21.0``). ``--memory`` also fits the default
model on the 25,000 reviews in a subprocess and reports its peak RSS.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch
from torch import nn

from sklearn_rnn import KERAS_STYLE, RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb
from sklearn_rnn._config import runtime
from sklearn_rnn._hardware import bfloat16_supported
from sklearn_rnn._heap import retain_heap
from sklearn_rnn.modules.fused import FusedGRU, FusedRNN, fused_cells_status
from sklearn_rnn.training import BucketBatchIterator, SequenceDataset, left_align
from skorch.callbacks import Callback

THREADS = 2


def cpu_description():
    """The CPU model and its bfloat16 features, for the record next to every figure."""
    model, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "unknown CPU":
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    features = [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f in flags]
    return f"{model} ({', '.join(features) or 'no AVX2'}), {os.cpu_count()} cores"


class PlainLSTM(nn.Module):
    def __init__(self, n_tokens):
        super().__init__()
        self.embedding = nn.Embedding(n_tokens, 128, padding_idx=0)
        self.lstm = nn.LSTM(128, 128, batch_first=True)
        self.out = nn.Linear(128, 1)

    def forward(self, ids):
        return self.out(self.lstm(self.embedding(ids))[0][:, -1]).squeeze(1)


def plain_torch_epoch(X, y, n_tokens, bucketed):
    """A hand-written loop: fixed padding, or length buckets trimmed per batch."""
    torch.manual_seed(0)
    model = PlainLSTM(n_tokens)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    loss_fn = nn.BCEWithLogitsLoss()
    if bucketed:
        ids, lengths = left_align(X)
        data = SequenceDataset(ids, lengths, y.astype(np.float32))
        batches = ((b["ids"], yb) for b, yb in BucketBatchIterator(data, 64, shuffle=True, random_state=0))
    else:
        Xt, yt = torch.as_tensor(X, dtype=torch.long), torch.as_tensor(y, dtype=torch.float32)
        perm = torch.randperm(len(X))
        batches = ((Xt[perm[i:i + 64]], yt[perm[i:i + 64]]) for i in range(0, len(X), 64))
    start = time.perf_counter()
    with runtime(n_threads=THREADS, training=True):
        for xb, yb in batches:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
    return time.perf_counter() - start


def ours(X, y, X_pred, precision="float32"):
    clf = RecurrentTextClassifier(**KERAS_STYLE, cell="lstm", hidden_size=128, embedding_dim=128, batch_size=64, max_epochs=1,
                                  validation_fraction=0.0, n_threads=THREADS, precision=precision,
                                  random_state=0)
    start = time.perf_counter()
    clf.fit(X, y)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    clf.predict_proba(X_pred)
    return fit_s, time.perf_counter() - start


class TorchNNCells(Callback):
    """Switch the fused GRU/RNN kernel off, so that the layers run torch.nn's code."""

    def on_train_begin(self, net, **kwargs):
        for layer in net.module_.modules():
            if isinstance(layer, (FusedGRU, FusedRNN)):
                layer.fused = False


def cell_fit(X, y, cell, units, fused=True, precision="float32"):
    """Seconds of one epoch of Embedding 128 + ``cell`` + 1 output through our estimator."""
    clf = RecurrentTextClassifier(**KERAS_STYLE, cell=cell, hidden_size=units, embedding_dim=128, batch_size=64,
                                  max_epochs=1, precision=precision,
                                  validation_fraction=0.0, n_threads=THREADS, random_state=0,
                                  callbacks=None if fused else [TorchNNCells()])
    start = time.perf_counter()
    clf.fit(X, y)
    return time.perf_counter() - start


def keras_times(X, y, mask_zero, policy="float32", retained=False, cell="LSTM", units=128):
    """Keras fit and predict seconds; ``retained`` runs them with the heap
    settings our estimators use, so that the allocator is the same on both sides."""
    with retain_heap() if retained else contextlib.nullcontext():
        return _keras_times(X, y, mask_zero, policy, cell, units)


def _keras_times(X, y, mask_zero, policy, cell="LSTM", units=128):
    import tensorflow as tf

    tf.keras.mixed_precision.set_global_policy(policy)
    tf.config.threading.set_intra_op_parallelism_threads(THREADS)
    tf.config.threading.set_inter_op_parallelism_threads(THREADS)
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(X.shape[1],)),
        tf.keras.layers.Embedding(20002, 128, mask_zero=mask_zero),
        getattr(tf.keras.layers, cell)(units),
        tf.keras.layers.Dense(1, activation="sigmoid", dtype="float32"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(X[:128], y[:128], batch_size=64, epochs=1, verbose=0)  # build and trace outside the timing
    start = time.perf_counter()
    model.fit(X, y, batch_size=64, epochs=1, verbose=0)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    model.predict(X, batch_size=64, verbose=0)
    return fit_s, time.perf_counter() - start


# The child reports its own high-water mark. ``ru_maxrss`` would not do: Linux
# carries the forked parent's peak over an exec into the child's ru_maxrss.
PEAK_RSS_SCRIPT = """
import resource
from sklearn_rnn import KERAS_STYLE, RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb
d = fetch_imdb()
X = SequenceVectorizer(max_features=20000, max_len=400).fit_transform(d.data)
RecurrentTextClassifier(max_epochs=1, n_threads=2, random_state=0).fit(X, d.target)
try:
    with open("/proc/self/status") as f:
        print(next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024)
except OSError:  # not Linux
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def peak_rss_full_fit():
    """Fit the default model on the full training set in a fresh process; peak RSS in MiB."""
    out = subprocess.run([sys.executable, "-c", PEAK_RSS_SCRIPT], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def cell_table(X, y, repeat, keras):
    """Fit samples/s per cell and size, interleaved rounds, best of ``repeat``; bfloat16 columns where the
    CPU has bfloat16 kernels."""
    bf16 = bfloat16_supported("cpu")
    contenders = {}
    for units in (32, 128):
        for cell in ("lstm", "gru", "rnn"):
            contenders[(units, cell)] = lambda c=cell, u=units: cell_fit(X, y, c, u)
        for cell in ("gru", "rnn"):
            contenders[(units, cell + " torch.nn")] = lambda c=cell, u=units: cell_fit(X, y, c, u, fused=False)
        if bf16:
            for cell in ("lstm", "gru", "rnn"):
                contenders[(units, cell + " bf16")] = lambda c=cell, u=units: cell_fit(X, y, c, u, precision="bfloat16")
        if keras:
            for cell in ("GRU", "SimpleRNN"):
                contenders[(units, "keras " + cell)] = (
                    lambda c=cell, u=units: min(keras_times(X, y, True, retained=r, cell=c, units=u)[0]
                                                for r in (False, True)))
    best = {}
    for _ in range(repeat):
        for key, run in contenders.items():
            best[key] = min(best.get(key, np.inf), run())
    rates = {key: len(X) / seconds for key, seconds in best.items()}
    columns = (["lstm", "gru", "rnn", "gru torch.nn", "rnn torch.nn"] + (["lstm bf16", "gru bf16", "rnn bf16"] if bf16 else [])
               + (["keras GRU", "keras SimpleRNN"] if keras else []))
    print("fit samples/s (Keras: the faster of as users run it and with our heap settings)")
    print(f"{'units':>5s} " + " ".join(f"{c:>15s}" for c in columns))
    table = {}
    for units in (32, 128):
        row = {c: rates[(units, c)] for c in columns}
        ratios = {"GRU / LSTM": row["gru"] / row["lstm"], "RNN / LSTM": row["rnn"] / row["lstm"],
                  "GRU / torch.nn GRU": row["gru"] / row["gru torch.nn"],
                  "RNN / torch.nn RNN": row["rnn"] / row["rnn torch.nn"]}
        if bf16:
            for cell in ("lstm", "gru", "rnn"):
                ratios[f"{cell.upper()} bf16 / float32"] = row[cell + " bf16"] / row[cell]
        if keras:
            ratios["GRU / Keras GRU"] = row["gru"] / row["keras GRU"]
            ratios["RNN / Keras SimpleRNN"] = row["rnn"] / row["keras SimpleRNN"]
        print(f"{units:5d} " + " ".join(f"{row[c]:15.0f}" for c in columns))
        print("      " + ", ".join(f"{name} {value:.2f}x" for name, value in ratios.items()))
        table[str(units)] = {"samples_per_s": row, "ratios": ratios}
    return table


def _first_sentences(texts, n_tokens, n):
    """The first ``n`` documents whose first sentence has at least ``n_tokens`` words, cut to them."""
    import re

    out = []
    for text in texts:
        words = re.split(r"(?<=[.!?])\s+", text.replace("<br />", " ").strip(), maxsplit=1)[0].split()
        if len(words) >= n_tokens:
            out.append(" ".join(words[:n_tokens]))
            if len(out) == n:
                break
    return out


def short_table(data, repeat):
    """Epoch seconds and real tokens/s on short sentences and on reviews, per n-gram part."""
    sets = {"reviews": SequenceVectorizer(max_len=400).fit_transform(data.data[:2000]),
            "9-token sentences": SequenceVectorizer().fit_transform(_first_sentences(data.data, 9, 20000))}
    labels = {name: data.target[:len(X)] for name, X in sets.items()}
    labels["9-token sentences"] = np.arange(len(sets["9-token sentences"])) % 2
    parts = {"tfidf (default)": "tfidf", "embedding (round 2)": "embedding", "none": None}
    best = {}
    for _ in range(repeat):
        for part_name, part in parts.items():
            for set_name, X in sets.items():
                clf = RecurrentTextClassifier(ngrams=part, max_epochs=1, validation_fraction=0.0, n_threads=THREADS,
                                              random_state=0)
                clf.fit(X, labels[set_name])
                key = (part_name, set_name)
                best[key] = min(best.get(key, np.inf), float(clf.history_["dur"].iloc[0]))
    table = {}
    print(f"{'n-gram part':22s} {'set':18s} {'rows':>6s} {'tokens':>8s} {'epoch s':>8s} {'tokens/s':>9s}")
    for (part_name, set_name), seconds in best.items():
        X = sets[set_name]
        tokens = int((np.asarray(X) != 0).sum())
        table.setdefault(part_name, {})[set_name] = {"rows": len(X), "tokens": tokens, "epoch_s": seconds,
                                                     "tokens_per_s": tokens / seconds}
        print(f"{part_name:22s} {set_name:18s} {len(X):6d} {tokens:8d} {seconds:8.2f} {tokens / seconds:9.0f}")
    for part_name, row in table.items():
        ratio = row["reviews"]["tokens_per_s"] / row["9-token sentences"]["tokens_per_s"]
        row["short_slowdown_per_token"] = ratio
        print(f"{part_name}: a real token of a short sentence costs {ratio:.2f}x one of a review")
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-docs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", action="store_true", help="also measure peak RSS of a full IMDB fit")
    parser.add_argument("--cells", action="store_true", help="print the LSTM/GRU/SimpleRNN table instead")
    parser.add_argument("--short", action="store_true", help="print the short-text table instead")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    data = fetch_imdb(shuffle=True, random_state=0)
    docs, y = data.data[: args.n_docs], data.target[: args.n_docs]
    X = SequenceVectorizer(max_features=20000, max_len=400).fit_transform(docs)
    n = len(X)
    mean_len = float((X != 0).sum(axis=1).mean())
    cpu = cpu_description()
    print(f"{n} IMDB reviews, length 400 (mean {mean_len:.0f} real tokens), batch 64, {THREADS} threads, "
          f"best of {args.repeat}; torch {torch.__version__}; {cpu}")
    if args.short:
        table = short_table(data, args.repeat)
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"cpu": cpu, "short": table}, f, indent=2)
        return
    if args.cells:
        available, reason = fused_cells_status()
        print("fused GRU/RNN kernel:", "in use" if available else f"unavailable ({reason})")
        try:
            import tensorflow  # noqa: F401
            keras = True
        except ImportError:
            print("tensorflow not importable: Keras columns skipped (pip install tensorflow-cpu==2.21.0)")
            keras = False
        table = cell_table(X, y, args.repeat, keras)
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"cpu": cpu, "fused": available, "cells": table}, f, indent=2)
        return

    # Each contender returns {row: seconds}. The rounds interleave the
    # contenders, so that a slow spell of the machine hits them all alike.
    contenders = {
        "sklearn_rnn": lambda: dict(zip(("sklearn_rnn fit", "sklearn_rnn predict_proba"), ours(X, y, X))),
        "plain fixed": lambda: {"plain torch, fixed padding": plain_torch_epoch(X, y, 20002, False)},
        "plain buckets": lambda: {"plain torch, length buckets": plain_torch_epoch(X, y, 20002, True)},
    }
    bf16 = bfloat16_supported("cpu")
    if bf16:
        contenders["sklearn_rnn bf16"] = lambda: dict(zip(
            ("sklearn_rnn fit, bfloat16", "sklearn_rnn predict_proba, bfloat16"), ours(X, y, X, "bfloat16")))
    else:
        print("this CPU has no bfloat16 LSTM kernels (AVX-512 BF16 or AMX): bfloat16 rows skipped")
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        print("tensorflow not importable: Keras rows skipped (pip install tensorflow-cpu==2.21.0)")
    else:
        def keras_contender(mask, retained=False, policy="float32"):
            label = "mask_zero=True" if mask else "unmasked"
            label += ", heap retained" if retained else ""
            label += f", {policy}" if policy != "float32" else ""
            return lambda: dict(zip((f"keras fit, {label}", f"keras predict, {label}"),
                                    keras_times(X, y, mask, policy, retained)))

        for mask in (False, True):
            for retained in (False, True):
                contenders[f"keras {mask} {retained}"] = keras_contender(mask, retained)
        if bf16:
            contenders["keras bf16"] = keras_contender(True, policy="mixed_bfloat16")

    best = {}
    for _ in range(args.repeat):
        for run in contenders.values():
            for row, seconds in run().items():
                best[row] = min(best.get(row, np.inf), seconds)
    if "keras bf16" in contenders:
        keras_times(X[:64], y[:64], False)  # leave Keras's global policy at float32
    rows = {row: n / seconds for row, seconds in best.items()}

    for name, rate in rows.items():
        print(f"{name:48s} {rate:8.0f} samples/s")
    fit = rows["sklearn_rnn fit"]
    ratios = {"fit / best plain torch": fit / max(rows["plain torch, fixed padding"],
                                                  rows["plain torch, length buckets"])}
    if "keras fit, unmasked" in rows:
        # Against the faster of Keras as users run it and Keras with our heap settings.
        def keras(kind):
            return max(rows[f"keras {kind}"], rows[f"keras {kind}, heap retained"])

        ratios["fit / keras unmasked"] = fit / keras("fit, unmasked")
        ratios["fit / keras mask_zero"] = fit / keras("fit, mask_zero=True")
        ratios["predict / keras predict mask_zero"] = (rows["sklearn_rnn predict_proba"]
                                                       / keras("predict, mask_zero=True"))
        if bf16:
            fit_bf16 = rows["sklearn_rnn fit, bfloat16"]
            ratios["fit bf16 / keras unmasked"] = fit_bf16 / keras("fit, unmasked")
            ratios["fit bf16 / keras mask_zero"] = fit_bf16 / keras("fit, mask_zero=True")
            ratios["fit bf16 / keras mask_zero bf16"] = fit_bf16 / rows["keras fit, mask_zero=True, mixed_bfloat16"]
    for name, ratio in ratios.items():
        print(f"{name:48s} {ratio:8.2f}x")
    if args.memory:
        rows["peak RSS MiB, full IMDB fit"] = peak_rss_full_fit()
        print(f"peak RSS of fitting 25,000 reviews (length 400, default model): "
              f"{rows['peak RSS MiB, full IMDB fit']:.0f} MiB")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cpu": cpu, "rows": rows, "ratios": ratios}, f, indent=2)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    main()

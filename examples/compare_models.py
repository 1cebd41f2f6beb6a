"""
Compare recurrent nets with feedforward and CNN baselines on IMDB
=================================================================

Reproduces the notebooks' table on the same settings: vocabulary 8,000,
length 200, embedding 32, 32 units, rmsprop. For each model it reports the
total and recurrent-layer parameters, fit time and test accuracy, writes a CSV
and a bar chart (PNG).

Run: ``SKLEARN_RNN_DATA=../shared/data python examples/compare_models.py``
(about 10 minutes on 2 cores), or ``--quick`` for a 2,000/1,000-review subset
in under two minutes.
"""

import argparse
import time
from pathlib import Path

import pandas as pd

from sklearn_rnn import (KERAS_STYLE, ConvTextClassifier, FeedForwardTextClassifier, RecurrentTextClassifier,
                         SequenceVectorizer)
from sklearn_rnn.datasets import fetch_imdb

COMMON = dict(embedding_dim=32, optimizer="rmsprop", batch_size=64, validation_fraction=0.0, random_state=0)


def models(epochs):
    rnn = dict(COMMON, max_epochs=epochs)
    plain = dict(rnn, **KERAS_STYLE)  # the notebooks' nets, not the package's accuracy defaults
    return {
        "SimpleRNN": RecurrentTextClassifier(cell="rnn", hidden_size=32, **plain),
        "LSTM": RecurrentTextClassifier(cell="lstm", hidden_size=32, **plain),
        "GRU": RecurrentTextClassifier(cell="gru", hidden_size=32, **plain),
        "Bidirectional LSTM": RecurrentTextClassifier(cell="lstm", hidden_size=32, **{**plain, "bidirectional": True}),
        "Stacked LSTM (2x32)": RecurrentTextClassifier(cell="lstm", hidden_size=(32, 32), **plain),
        "Feedforward, no embedding": FeedForwardTextClassifier(
            dense_layers=(250,), **{**rnn, "embedding_dim": None}),
        "Feedforward, embedding + flatten": FeedForwardTextClassifier(pooling="flatten", dense_layers=(250,), **rnn),
        "CNN (200 x width 3, dense 250)": ConvTextClassifier(filters=200, kernel_size=3, dense_layers=(250,), **rnn),
        "CNN + LSTM": ConvTextClassifier(filters=32, kernel_size=3, cell="lstm", hidden_size=32, **rnn),
    }


def recurrent_parameters(clf):
    table = clf.layer_parameters_
    mask = table["type"].isin(["LSTM", "GRU", "RNN"])
    return int(table.loc[mask, "parameters"].sum())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2,000 train / 1,000 test reviews, 2 epochs")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per model (default 4, or 2 with --quick)")
    parser.add_argument("--out", default="compare_models", help="output prefix for the .csv and .png")
    args = parser.parse_args()
    epochs = args.epochs or (2 if args.quick else 4)

    train = fetch_imdb(subset="train", shuffle=True, random_state=0)
    test = fetch_imdb(subset="test", shuffle=True, random_state=0)
    n_train, n_test = (2000, 1000) if args.quick else (len(train.data), len(test.data))
    vec = SequenceVectorizer(max_features=8000 - 2, max_len=200)  # 8,000 ids with padding and OOV
    X_train = vec.fit_transform(train.data[:n_train])
    X_test = vec.transform(test.data[:n_test])
    y_train, y_test = train.target[:n_train], test.target[:n_test]

    rows = []
    for name, clf in models(epochs).items():
        start = time.perf_counter()
        clf.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        accuracy = clf.score(X_test, y_test)
        rows.append({"model": name, "parameters": clf.n_parameters_, "recurrent layer parameters":
                     recurrent_parameters(clf), "fit seconds": round(fit_s, 1), "test accuracy": round(accuracy, 4)})
        print(f"{name:34s} params {clf.n_parameters_:8d}  fit {fit_s:6.1f} s  accuracy {accuracy:.4f}", flush=True)

    table = pd.DataFrame(rows)
    table.to_csv(f"{args.out}.csv", index=False)
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        print("matplotlib not installed: no chart (pip install 'sklearn_rnn[plot]')")
    else:
        from sklearn_rnn.plotting import ModelComparisonDisplay

        display = ModelComparisonDisplay(names=table["model"], scores=table["test accuracy"],
                                         fit_times=table["fit seconds"], score_name="test accuracy").plot()
        display.axes_[0].set_xlim(0.4, 1.0)
        display.axes_[1].set_xlabel(f"fit seconds ({epochs} epochs, {n_train} reviews)")
        display.figure_.suptitle("IMDB, vocabulary 8,000, length 200, embedding 32, rmsprop")
        display.figure_.tight_layout()
        display.figure_.savefig(f"{args.out}.png", dpi=100)
    print(table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False))
    print(f"wrote {Path(args.out).with_suffix('.csv')} and .png")


def _has_tabulate():
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()

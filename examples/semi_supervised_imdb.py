"""
Few labels, many unlabelled reviews
===================================

Users have far more raw text than labels. Here the first ``n`` shuffled IMDB
training reviews keep their labels and the other reviews, plus the 50,000 of
``train/unsup``, are marked unlabelled (``-1``). For each ``n`` the example
fits

- TF-IDF (uni+bigrams) + logistic regression on the ``n`` labels,
- the blend of the default BiLSTM and the linear n-gram model
  (``BlendedTextClassifier``) on the ``n`` labels alone,
- the same blend inside ``SemiSupervisedTextClassifier`` on every row: it
  learns word vectors from all of them first (``pretraining='auto'``), and
  after the labelled fit it learns its own predictions of the unlabelled
  rows (``self_training_rounds='auto'``: two rounds when at most a tenth of
  the rows have labels), with the network's share fixed at 0.3
  (``docs/semi_supervised.md`` says why),

prints the test accuracies as a table and plots them against ``n``.

Run: ``SKLEARN_RNN_DATA=../shared/data python examples/semi_supervised_imdb.py --labels 500 1000 2500``
"""

import argparse
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from sklearn_rnn import (BlendedTextClassifier, NgramLogisticClassifier, RecurrentTextClassifier,  # noqa: E402
                         SemiSupervisedTextClassifier, SequenceVectorizer)
from sklearn_rnn.datasets import fetch_imdb  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=int, nargs="+", default=[500, 1000, 2500])
    parser.add_argument("--n-unlabelled", type=int, help="unlabelled reviews to use (default: all 74,000+)")
    parser.add_argument("--n-test", type=int, help="test reviews to score (default: all 25,000)")
    parser.add_argument("--epochs", type=lambda v: v if v == "auto" else int(v), default="auto",
                        help="the classifier's max_epochs (its default: 'auto')")
    parser.add_argument("--out", default="semi_supervised_imdb.png")
    args = parser.parse_args()

    train = fetch_imdb(subset="train", include_unlabelled=True, random_state=0)
    test = fetch_imdb(subset="test")
    test_docs, test_y = test.data[: args.n_test], test.target[: args.n_test]
    labelled = np.flatnonzero(train.target != -1)
    others = np.flatnonzero(~np.isin(np.arange(len(train.target)), labelled[: max(args.labels)]))
    others = others[: args.n_unlabelled]

    def blend(share="auto"):
        # The network's defaults (a BiLSTM with max pooling and a bigram branch) and the linear n-gram model.
        return BlendedTextClassifier(network=RecurrentTextClassifier(max_epochs=args.epochs, random_state=0),
                                     linear=NgramLogisticClassifier(), network_share=share, random_state=0)

    rows = []
    for n in args.labels:
        keep = labelled[:n]
        docs, y = [train.data[i] for i in keep], train.target[keep]
        all_rows = np.concatenate([keep, others])
        semi_docs = [train.data[i] for i in all_rows]
        semi_y = np.concatenate([y, np.full(len(others), -1)])
        for name, model, X, target in [
            ("TF-IDF + LR", make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                                          LogisticRegression(C=3, max_iter=1000)), docs, y),
            ("blend, labels only", make_pipeline(SequenceVectorizer(), blend()), docs, y),
            ("blend + unlabelled", make_pipeline(SequenceVectorizer(), SemiSupervisedTextClassifier(
                estimator=blend(share=0.3), random_state=0)), semi_docs, semi_y),
        ]:
            start = time.perf_counter()
            model.fit(X, target)
            seconds = time.perf_counter() - start
            rows.append({"labels": n, "model": name, "unlabelled rows": int((np.asarray(target) == -1).sum()),
                         "fit s": round(seconds, 1), "test accuracy": round(model.score(test_docs, test_y), 4)})
            print(rows[-1], flush=True)

    table = pd.DataFrame(rows)
    print(table.pivot(index="labels", columns="model", values="test accuracy").to_string())
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, part in table.groupby("model"):
        ax.plot(part["labels"], part["test accuracy"], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("labelled reviews")
    ax.set_ylabel("test accuracy")
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"plot written to {args.out}")


if __name__ == "__main__":
    main()

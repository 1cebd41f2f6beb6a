"""
Out of core: stream a fastText file through partial_fit
=======================================================

The Amazon Reviews polarity set (``train.ft.txt.bz2``: 3.6 million reviews,
``__label__1`` negative, ``__label__2`` positive) does not fit in memory as one
padded matrix on a laptop. This example reads it chunk by chunk with
``load_fasttext(path, chunksize=N)``, fixes the vocabulary on the first chunk
(``SequenceVectorizer.fit`` on a sample), and trains ``RecurrentTextClassifier``
with one ``partial_fit`` pass per chunk, the out-of-core convention of
scikit-learn's ``SGDClassifier``. Only one chunk is in memory at a time.

Given ``--train PATH`` it reads your ``train.ft.txt.bz2`` (and ``--test PATH``
to score); without it, it writes a synthetic fastText file first, so the
example runs anywhere.

Run: ``python examples/out_of_core_amazon.py --train train.ft.txt.bz2 --test test.ft.txt.bz2``
"""

import argparse
import os
import tempfile
import time

import numpy as np

from sklearn_rnn import KERAS_STYLE, RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import load_fasttext

POSITIVE = ["great", "love", "excellent", "works", "recommend", "perfect"]
NEGATIVE = ["broken", "waste", "awful", "returned", "poor", "disappointed"]
NEUTRAL = ["the", "product", "it", "was", "and", "price", "quality", "shipping", "book", "item", "this", "for"]


def write_synthetic(path, n_docs, seed):
    """A fastText file of short made-up product reviews."""
    rng = np.random.RandomState(seed)
    with open(path, "w") as f:
        for _ in range(n_docs):
            label = rng.randint(1, 3)
            words = list(rng.choice(NEUTRAL, 12)) + list(rng.choice(POSITIVE if label == 2 else NEGATIVE, 2))
            rng.shuffle(words)
            f.write(f"__label__{label} {' '.join(words)}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", help="a fastText training file, e.g. train.ft.txt.bz2 (default: synthetic)")
    parser.add_argument("--test", help="a fastText test file to score")
    parser.add_argument("--chunksize", type=int, default=50_000)
    parser.add_argument("--max-chunks", type=int, help="stop after this many chunks")
    parser.add_argument("--synthetic-docs", type=int, default=200_000)
    args = parser.parse_args()

    tmp = None
    if args.train is None:
        tmp = tempfile.mkdtemp()
        args.train, args.test = os.path.join(tmp, "train.ft.txt"), os.path.join(tmp, "test.ft.txt")
        write_synthetic(args.train, args.synthetic_docs, 0)
        write_synthetic(args.test, 5_000, 1)

    vectorizer = classifier = None
    start = time.perf_counter()
    for i, (texts, labels) in enumerate(load_fasttext(args.train, chunksize=args.chunksize, return_X_y=True)):
        if vectorizer is None:
            # The id space is fixed by the first chunk; later chunks map unseen words to OOV.
            vectorizer = SequenceVectorizer(max_features=20000, max_len=200).fit(texts)
            # partial_fit trains the network only; the Keras-style net keeps the stream light.
            classifier = RecurrentTextClassifier(**{**KERAS_STYLE, "pooling": "max"}, cell="lstm", hidden_size=32,
                                                 embedding_dim=32, lr=3e-3, random_state=0)
        classifier.partial_fit(vectorizer.transform(texts), labels, classes=[1, 2])
        print(f"chunk {i + 1}: {(i + 1) * args.chunksize:,} reviews seen, "
              f"train accuracy {classifier.history_['train_acc'].iloc[-1]:.3f}, "
              f"{time.perf_counter() - start:.0f} s")
        if args.max_chunks and i + 1 >= args.max_chunks:
            break
    if args.test:
        correct = total = 0
        for texts, labels in load_fasttext(args.test, chunksize=args.chunksize, return_X_y=True):
            correct += int((classifier.predict(vectorizer.transform(texts)) == labels).sum())
            total += len(labels)
        print(f"test accuracy on {total:,} reviews: {correct / total:.4f}")


if __name__ == "__main__":
    main()

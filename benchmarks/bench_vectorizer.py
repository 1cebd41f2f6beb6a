"""SequenceVectorizer.fit_transform vs CountVectorizer on the IMDB training set.

Run: ``SKLEARN_RNN_DATA=../shared/data python benchmarks/bench_vectorizer.py``.
Each side runs ``--repeat`` times on the same documents; the best time counts.
Peak memory is the tracemalloc peak of one ``fit_transform``.
"""

import argparse
import time
import tracemalloc

from sklearn.feature_extraction.text import CountVectorizer

from sklearn_rnn import SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb


def best_time(make, docs, repeat):
    times = []
    for _ in range(repeat):
        est = make()
        start = time.perf_counter()
        out = est.fit_transform(docs)
        times.append(time.perf_counter() - start)
    return min(times), out


def peak_mib(make, docs):
    tracemalloc.start()
    make().fit_transform(docs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-len", type=int, default=400)
    args = parser.parse_args()

    docs = fetch_imdb(subset="train").data
    n_docs = len(docs)
    contenders = {
        "SequenceVectorizer(max_features=20000, max_len=%d)" % args.max_len: lambda: SequenceVectorizer(
            max_features=20000, max_len=args.max_len
        ),
        'CountVectorizer(token_pattern=r"(?u)\\b\\w+\\b", max_features=20000)': lambda: CountVectorizer(
            token_pattern=r"(?u)\b\w+\b", max_features=20000
        ),
    }
    print(f"{n_docs} IMDB training reviews, best of {args.repeat}")
    rates = []
    for name, make in contenders.items():
        seconds, out = best_time(make, docs, args.repeat)
        rates.append(n_docs / seconds)
        print(f"{name:70s} {seconds:6.2f} s  {n_docs / seconds:8.0f} docs/s  "
              f"output {out.shape}  peak {peak_mib(make, docs):6.0f} MiB")
    print(f"ratio SequenceVectorizer / CountVectorizer: {rates[0] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()

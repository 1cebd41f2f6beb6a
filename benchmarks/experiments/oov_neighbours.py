"""Issue 29 experiment: can the vectors reach the words the training text never had?

The ids are fixed by the vectorizer fitted on the training text, so a test word outside its
vocabulary is the OOV id whatever the vectors know about it. On AG News (5,600 training
articles) 4.6% of the test tokens are such words, 94% of them have a GloVe vector, and 71% of
the test articles hold at least one.

This measures what mapping each of them to its nearest vocabulary word (cosine similarity of the
GloVe 6B 50d vectors, among the vocabulary words that have one) would give, at predict time, on
one fitted ``RecurrentTextClassifier(word_vectors="glove-6B-50d")``: the same model scores the
test set as is and with the words mapped (``min_similarity`` sets how close a neighbour must be).

Run: SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/oov_neighbours.py TASK SEED
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer  # noqa: E402
from sklearn_rnn.datasets import fetch_word_vectors  # noqa: E402


def main():
    task, seed = sys.argv[1], int(sys.argv[2])
    from sklearn.metrics import accuracy_score
    from tasks import load_task

    X_train, y_train, X_test, y_test, _ = load_task(task)
    vec = SequenceVectorizer().fit(X_train)
    clf = RecurrentTextClassifier(word_vectors="glove-6B-50d", random_state=seed, n_threads=2)
    start = time.perf_counter()
    clf.fit(vec.transform(X_train), y_train)
    fit_s = time.perf_counter() - start
    analyzer = vec.build_analyzer()
    docs = [analyzer(d) for d in X_test]
    glove = fetch_word_vectors("glove-6B-50d", download_if_missing=False)
    index = glove.index()
    known = vec.get_vocabulary()[2:]
    unseen = sorted({t for d in docs for t in d if t not in vec.vocabulary_ and t in index})
    best, best_similarity = glove.nearest(unseen, known)  # the package's search (SequenceVectorizer's)
    row = {"task": task, "seed": seed, "fit_s": round(fit_s, 1), "unseen_words": len(unseen),
           "as_is": accuracy_score(y_test, clf.predict(vec.transform(X_test)))}
    for threshold in (0.0, 0.6, 0.8, 1.01):  # 1.01 maps nothing: the rejoined tokens alone
        mapping = {w: known[b] for w, b, s in zip(unseen, best, best_similarity) if b >= 0 and s >= threshold}
        mapped = [" ".join(mapping.get(t, t) for t in d) for d in docs]
        row[f"mapped_{threshold}"] = accuracy_score(y_test, clf.predict(vec.transform(mapped)))
        row[f"mapped_words_{threshold}"] = len(mapping)
    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()

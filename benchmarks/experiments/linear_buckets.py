"""NgramLogisticClassifier at several hash-bucket counts for the bigrams: score, width and memory.

For each task of ``benchmarks/tasks.py`` given, the same vectorized rows are fitted once per
``buckets`` value (``BUCKETS`` below), one after the other in one process; prints one JSON line
per fit: test score, the columns the fit kept (``len(columns_)``, the width of lbfgs's
vectors), the non-zero features per training row, lbfgs iterations and fit seconds. The
logistic regression is deterministic, so one fit per setting.

Run::

    SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/linear_buckets.py imdb agnews
"""

import json
import sys
import time
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tasks import load_task  # noqa: E402

from sklearn_rnn import NgramLogisticClassifier, SequenceVectorizer  # noqa: E402

BUCKETS = (2 ** 20, 2 ** 19, 2 ** 18, 2 ** 17)


def main():
    for task in sys.argv[1:]:
        X_train, y_train, X_test, y_test, metric = load_task(task)
        vec = SequenceVectorizer().fit(X_train)
        ids_train, ids_test = vec.transform(X_train), vec.transform(X_test)
        for buckets in BUCKETS:
            start = time.perf_counter()
            model = NgramLogisticClassifier(buckets=buckets).fit(ids_train, y_train)
            fit_s = time.perf_counter() - start
            predicted = model.predict(ids_test)
            score = (accuracy_score(y_test, predicted) if metric == "accuracy"
                     else f1_score(y_test, predicted, average="macro"))
            nnz = sum(block.nnz for block in model._feature_blocks(ids_train))
            print(json.dumps({"task": task, "buckets": buckets, metric: round(float(score), 5),
                              "columns": len(model.columns_), "nnz_per_row": round(nnz / len(ids_train), 1),
                              "n_iter": int(max(model.n_iter_)), "fit_s": round(fit_s, 1)}), flush=True)


if __name__ == "__main__":
    main()

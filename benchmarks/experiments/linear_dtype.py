"""NgramLogisticClassifier with float32 features (what scikit-learn >= 1.9's lbfgs keeps) against float64.

For each task of ``benchmarks/tasks.py`` given, the same vectorized rows are fitted twice, once
with the features in each dtype (``sklearn_rnn.linear.solver_dtype`` replaced for the run), in one
process, one after the other; prints one JSON line per fit: test score, lbfgs iterations, fit
seconds, and the largest difference of the two fits' test probabilities.

Run::

    SKLEARN_RNN_DATA=../shared/data PYTHONPATH=. python benchmarks/experiments/linear_dtype.py imdb agnews
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tasks import load_task  # noqa: E402

from sklearn_rnn import NgramLogisticClassifier, SequenceVectorizer  # noqa: E402
from sklearn_rnn import linear  # noqa: E402


def main():
    for task in sys.argv[1:]:
        X_train, y_train, X_test, y_test, metric = load_task(task)
        vec = SequenceVectorizer().fit(X_train)
        ids_train, ids_test = vec.transform(X_train), vec.transform(X_test)
        probas = {}
        for dtype in (np.float64, np.float32):
            linear.solver_dtype = lambda dtype=dtype: dtype
            start = time.perf_counter()
            model = NgramLogisticClassifier().fit(ids_train, y_train)
            fit_s = time.perf_counter() - start
            predicted = model.predict(ids_test)
            score = (accuracy_score(y_test, predicted) if metric == "accuracy"
                     else f1_score(y_test, predicted, average="macro"))
            probas[dtype] = model.predict_proba(ids_test)
            print(json.dumps({"task": task, "features": np.dtype(dtype).name, metric: round(float(score), 5),
                              "n_iter": int(np.max(model.n_iter_)), "fit_s": round(fit_s, 1)}), flush=True)
        print(json.dumps({"task": task, "max_proba_difference": float(np.abs(probas[np.float64]
                                                                            - probas[np.float32]).max())}))


if __name__ == "__main__":
    main()

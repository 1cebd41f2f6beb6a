"""Issues 28 and 31 experiment: an exponential moving average of the weights (EMA), validated and kept.

A callback, passed through the estimators' public ``callbacks`` parameter, keeps
``average = decay * average + (1 - decay) * weights`` after every optimizer step (with the usual
warm-up, ``decay_t = min(decay, (1 + t) / (10 + t))``). For the validation batches it swaps the
average in, so the validation loss, early stopping and the kept best epoch all see the averaged
weights; after the epoch it swaps the trained weights back and training goes on from them.

Run: SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/weight_averaging.py TASK SEED JSON
(TASK: a task of ``benchmarks/tasks.py`` or ``rating``, IMDB's 25,000 star ratings; JSON: the
estimator's parameters plus ``ema_decay``, None for none). Prints one JSON line.
"""

import json
import os
import sys
import time

import numpy as np
import torch
from skorch.callbacks import Callback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sklearn.metrics import f1_score, mean_absolute_error, r2_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from sklearn_rnn import RecurrentTextClassifier, RecurrentTextRegressor, SequenceVectorizer  # noqa: E402


class WeightAverage(Callback):
    def __init__(self, decay):
        self.decay = decay

    def on_train_begin(self, net, **kwargs):
        self.params_ = [p for p in net.module_.parameters() if p.requires_grad]
        self.average_ = [p.detach().clone() for p in self.params_]
        self.steps_, self.saved_ = 0, None

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        if not training:
            return
        self.steps_ += 1
        decay = min(self.decay, (1 + self.steps_) / (10 + self.steps_))
        with torch.no_grad():
            for avg, p in zip(self.average_, self.params_):
                avg.lerp_(p.detach(), 1 - decay)

    def _swap(self):
        with torch.no_grad():
            for avg, p in zip(self.average_, self.params_):
                held = p.detach().clone()
                p.copy_(avg)
                avg.copy_(held)

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if not training and self.saved_ is None:
            self._swap()  # the average in, the trained weights held in its place
            self.saved_ = True

    def on_epoch_end(self, net, **kwargs):
        if self.saved_:
            self._swap()
            self.saved_ = None


def main():
    task, seed, params = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    decay = params.pop("ema_decay", None)
    callbacks = None if decay is None else [("ema", WeightAverage(decay))]
    common = {"random_state": seed, "n_threads": 2, "callbacks": callbacks, **params}
    if task == "rating":
        from sklearn_rnn.datasets import fetch_imdb

        train, test = fetch_imdb(subset="train", target="rating"), fetch_imdb(subset="test", target="rating")
        X, y, X_test, y_test = train.data, train.target.astype(float), test.data, test.target.astype(float)
        model = make_pipeline(SequenceVectorizer(), RecurrentTextRegressor(**common))
    else:
        from tasks import load_task

        X, y, X_test, y_test, metric = load_task(task)
        model = make_pipeline(SequenceVectorizer(), RecurrentTextClassifier(**common))
    start = time.perf_counter()
    model.fit(X, y)
    fit_s = time.perf_counter() - start
    pred = model.predict(X_test)
    out = {"task": task, "seed": seed, "ema_decay": decay, "params": params, "fit_s": round(fit_s, 1),
           "epochs": len(model[-1].history_)}
    if task == "rating":
        out.update(r2=float(r2_score(y_test, pred)), mae=float(mean_absolute_error(y_test, pred)))
    else:
        out["score"] = float(f1_score(y_test, pred, average="macro") if metric == "macro-F1"
                             else np.mean(pred == np.asarray(y_test)))
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()

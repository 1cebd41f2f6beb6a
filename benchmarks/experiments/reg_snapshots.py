"""Experiment: would averaging the regressor's epochs (weights, SWA-like, or predictions) lift IMDB's rating R²?

Trains ``RecurrentTextRegressor(max_epochs=E, early_stopping=False)`` on the 25,000 training reviews' ratings,
keeps each epoch's weights, and scores on the 25,000 test reviews: each epoch alone, the uniform average of
the weights of epochs a..b, and the average of their predictions. The network's outputs as they are
(``clip_predictions=False``), and clipped to the training range (1-10) in a second column.

Run: ``SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/reg_snapshots.py --seed 0 --epochs 8``
"""

import argparse
import copy
import json
import time

import numpy as np
from skorch.callbacks import Callback
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RecurrentTextRegressor, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb


class KeepEpochs(Callback):
    def __init__(self):
        self.states = []

    def on_epoch_end(self, net, **kwargs):
        self.states.append(copy.deepcopy(net.module_.state_dict()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--params", default="{}")
    parser.add_argument("--json")
    args = parser.parse_args()
    train, test = fetch_imdb(subset="train", target="rating"), fetch_imdb(subset="test", target="rating")
    keep = KeepEpochs()
    model = make_pipeline(SequenceVectorizer(), RecurrentTextRegressor(
        max_epochs=args.epochs, early_stopping=False, clip_predictions=False, random_state=args.seed,
        callbacks=[("keep", keep)],
        **json.loads(args.params)))
    start = time.perf_counter()
    model.fit(train.data, train.target.astype(float))
    fit_s = time.perf_counter() - start
    reg, y = model[-1], test.target.astype(float)
    ids = model[0].transform(test.data)
    valid = [round(float(v), 5) for v in reg.history_["valid_loss"]]

    def score(state):
        reg.net_.module_.load_state_dict(state)
        return reg.predict(ids)

    def row(what, pred):
        clipped = np.clip(pred, 1, 10)
        return {"what": what, "r2": round(r2_score(y, pred), 4), "mae": round(mean_absolute_error(y, pred), 4),
                "r2_clipped": round(r2_score(y, clipped), 4), "mae_clipped": round(mean_absolute_error(y, clipped), 4)}

    preds = [score(state) for state in keep.states]
    rows = [row(f"epoch {i + 1}", p) for i, p in enumerate(preds)]
    n = len(preds)
    for a, b in [(2, 5), (3, 5), (3, 6), (4, 8), (3, 8), (5, 8), (2, n)]:
        if b > n:
            continue
        mean = {k: sum(s[k].float() for s in keep.states[a - 1:b]) / (b - a + 1) for k in keep.states[0]}
        mean = {k: v.to(keep.states[0][k].dtype) for k, v in mean.items()}
        rows.append(row(f"weights {a}-{b}", score(mean)))
        rows.append(row(f"predictions {a}-{b}", np.mean(preds[a - 1:b], axis=0)))
    out = {"seed": args.seed, "params": json.loads(args.params), "epochs": args.epochs, "fit_s": round(fit_s, 1),
           "valid_loss": valid, "rows": rows}
    print(json.dumps(out, indent=1))
    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()

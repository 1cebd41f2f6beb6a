"""Issue 29 experiment: the word-vector channel pooled straight into the head (SWEM-style).

The package's network reads pretrained vectors only through the recurrent layer (a channel
beside the learned embedding). Shen et al. (2018, "Baseline Needs More Love", SWEM) found that
the mean and max of word vectors over a text classify topics about as well as recurrent
encoders. This variant adds those poolings of the embedding layer's output (learned columns and
vectors' columns) to the features the head reads:

- ``pool``: ``none`` (the package), ``mean``, ``max`` or ``both`` (mean and max concatenated);
- everything else is the package's network with ``word_vectors`` as given.

Run: SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/vector_pooling.py TASK SEED '{"pool": "both",
"word_vectors": "glove-6B-50d"}'
"""

import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer  # noqa: E402
from sklearn_rnn.modules.head import DenseHead  # noqa: E402
from sklearn_rnn.modules.recurrent import RecurrentNet  # noqa: E402

POOL = {"mode": "none"}


class PooledVectorsNet(RecurrentNet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pool = POOL["mode"]
        if self.pool == "none":
            return
        width = self.embedding.output_size * (2 if self.pool == "both" else 1)
        old = self.head
        linear = [m for m in old.modules() if isinstance(m, torch.nn.Linear)][-1]
        self.head = DenseHead(old_input(old) + width, linear.out_features, (), "relu",
                              kwargs.get("dropout", 0.0))
        if self.ngrams is not None:
            with torch.no_grad():
                self.head[-1].weight.zero_()
                self.head[-1].bias.zero_()

    def forward(self, ids, lengths):
        if self.pool == "none":
            return super().forward(ids, lengths)
        embedded = self.embedding(ids)
        outputs, last = self.encoder(embedded, lengths)
        features = [self.pooling(outputs, lengths, last)]
        mask = (torch.arange(ids.shape[1], device=ids.device)[None, :] < lengths[:, None]).unsqueeze(-1)
        if self.pool in ("mean", "both"):
            features.append((embedded * mask).sum(1) / lengths.clamp(min=1)[:, None].to(embedded.dtype))
        if self.pool in ("max", "both"):
            features.append(embedded.masked_fill(~mask, -1e4).max(1).values)
        out = self.head(torch.cat(features, dim=1))
        if self.ngrams is not None:
            out = out + self.ngrams(ids, lengths)
        return out


def old_input(head):
    return [m for m in head.modules() if isinstance(m, torch.nn.Linear)][0].in_features


class PooledVectorsClassifier(RecurrentTextClassifier):
    _module_class = PooledVectorsNet


def main():
    task, seed, config = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    from tasks import load_task

    POOL["mode"] = config.pop("pool", "none")
    X_train, y_train, X_test, y_test, metric = load_task(task)
    vec = SequenceVectorizer()
    ids = vec.fit_transform(X_train)
    clf = PooledVectorsClassifier(random_state=seed, n_threads=2, **config)
    start = time.perf_counter()
    clf.fit(ids, y_train)
    fit_s = time.perf_counter() - start
    from sklearn.metrics import accuracy_score, f1_score

    pred = clf.predict(vec.transform(X_test))
    score = accuracy_score(y_test, pred) if metric == "accuracy" else f1_score(y_test, pred, average="macro")
    print(json.dumps({"task": task, "seed": seed, "pool": POOL["mode"], "config": config, "score": score,
                      "fit_s": round(fit_s, 1), "epochs": len(clf.history_)}), flush=True)


if __name__ == "__main__":
    main()

"""Issue 29 experiment: how GloVe 6B 50d vectors enter the recurrent network.

Variants (``mode``):

- ``none``: the network as configured, random embedding;
- ``init``: the embedding is the vectors (``embedding_dim=50``), found rows scaled to standard
  deviation ``scale``, the others random; tuned at the network's rate (``freeze``: fixed);
- ``concat``: a random embedding of ``embedding_dim`` columns beside a channel of the vectors
  (scaled to ``scale``), fixed (``freeze``) or tuned; the recurrent layer reads both.

Run: SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/word_vectors.py TASK SEED JSON
"""

import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer  # noqa: E402
from sklearn_rnn.datasets import load_word_vectors  # noqa: E402
from sklearn_rnn.modules.recurrent import RecurrentEncoder, RecurrentNet  # noqa: E402

_VARIANT = {}


class ConcatEmbedding(nn.Module):
    def __init__(self, inner, vectors, freeze):
        super().__init__()
        self.inner = inner
        self.vectors = nn.Embedding.from_pretrained(torch.as_tensor(vectors), freeze=freeze, padding_idx=0)

    def forward(self, ids):
        return torch.cat([self.inner(ids), self.vectors(ids)], dim=-1)


class VectorsNet(RecurrentNet):
    def __init__(self, *args, vectors=None, freeze=True, **kwargs):
        super().__init__(*args, **kwargs)
        if vectors is not None:
            dim = kwargs["embedding_dim"] + vectors.shape[1]
            self.embedding = ConcatEmbedding(self.embedding, vectors, freeze)
            old = self.encoder
            self.encoder = RecurrentEncoder(dim, kwargs["hidden_size"], kwargs["cell"], kwargs["bidirectional"],
                                            kwargs["dropout"], kwargs["packed"])
            del old


class VectorsClassifier(RecurrentTextClassifier):
    _module_class = VectorsNet

    def _module_params(self, device, embedding):
        params = super()._module_params(device, embedding)
        if _VARIANT.get("mode") == "concat":
            params.update(vectors=_VARIANT["rows"], freeze=_VARIANT.get("freeze", True))
        return params


def scaled(bunch, scale, seed):
    weights = bunch.embedding_weights.copy()
    found = bunch.found
    if scale is not None:
        weights[found] *= scale / weights[found].std()
    return weights


def main():
    task, seed, config = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    from tasks import load_task

    variant = {k: config.pop(k) for k in list(config) if k in ("mode", "scale", "freeze", "source")}
    X_train, y_train, X_test, y_test, metric = load_task(task)
    vec = SequenceVectorizer()
    ids = vec.fit_transform(X_train)
    mode = variant.get("mode", "none")
    params = {"random_state": seed, **config}
    bunch = None
    if mode != "none":
        bunch = load_word_vectors(variant.get("source", "glove-6B-50d"), vec, random_state=seed)
        weights = scaled(bunch, variant.get("scale"), seed)
        if mode == "init":
            params.update(embedding_dim=weights.shape[1], embedding_weights=weights,
                          freeze_embedding=variant.get("freeze", False))
        else:
            weights[~bunch.found] = 0.0
            _VARIANT.update(mode="concat", rows=weights, freeze=variant.get("freeze", True))
    clf = VectorsClassifier(**params)
    start = time.perf_counter()
    clf.fit(ids, y_train)
    fit_s = time.perf_counter() - start
    from sklearn.metrics import accuracy_score, f1_score

    pred = clf.predict(vec.transform(X_test))
    score = accuracy_score(y_test, pred) if metric == "accuracy" else f1_score(y_test, pred, average="macro")
    print(json.dumps({"task": task, "seed": seed, "variant": variant, "config": config, "score": score,
                      "found": None if bunch is None else round(float(bunch.n_found) / (len(bunch.found) - 2), 3),
                      "fit_s": round(fit_s, 1), "epochs": len(clf.history_)}), flush=True)


if __name__ == "__main__":
    main()

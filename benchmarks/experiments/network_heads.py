"""Issue 28 experiment: a network with two heads, a recurrent one and a bag of n-grams, each with its own loss.

The network of round 2 concatenates the pooled recurrent features with the mean of hashed-bigram
embeddings before one output layer; trained together the branches hold each other back (the
fastText bag alone reaches 90.56% on IMDB, the network 88.5-89.2%). Here each branch has an
output of its own and a loss of its own, and the prediction is the mean of their probabilities:

    loss = CE(mean of both) + CE(recurrent head) + CE(bag head)

The bag is the mean, over a document's unigrams and hashed bigrams, of a learned vector
(``bag_dim`` wide, then a linear layer) or directly of the class scores (``bag_dim=None``: a
linear model on n-gram counts).

Run: SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/network_heads.py TASK SEED JSON
(JSON: the estimator's parameters plus the variant's: heads, bag_dim, bag_buckets, aux).
"""

import json
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer  # noqa: E402
from sklearn_rnn.modules.embedding import TokenEmbedding  # noqa: E402
from sklearn_rnn.modules.head import DenseHead  # noqa: E402
from sklearn_rnn.modules.ngram import HASH_PRIME  # noqa: E402
from sklearn_rnn.modules.pooling import SequencePooling  # noqa: E402
from sklearn_rnn.modules.recurrent import RecurrentEncoder  # noqa: E402


class NgramBag(nn.Module):
    def __init__(self, n_tokens, n_buckets, n_outputs, dim=None, bigrams_only=False):
        super().__init__()
        self.n_tokens, self.n_buckets, self.bigrams_only = n_tokens, n_buckets, bigrams_only
        width = n_outputs if dim is None else dim
        self.table = nn.EmbeddingBag(n_tokens + n_buckets, width, mode="mean", padding_idx=0)
        with torch.no_grad():
            if dim is None:
                self.table.weight.zero_()
            else:
                nn.init.uniform_(self.table.weight, -0.05, 0.05)
                self.table.weight[0].zero_()
        self.out = None if dim is None else nn.Linear(dim, n_outputs)
        self.bias = nn.Parameter(torch.zeros(n_outputs)) if dim is None else None

    def forward(self, ids, lengths):
        first, second = ids[:, :-1], ids[:, 1:]
        buckets = self.n_tokens + (first * HASH_PRIME + second) % self.n_buckets
        positions = torch.arange(buckets.shape[1], device=ids.device).unsqueeze(0)
        buckets = buckets.masked_fill(positions >= (lengths - 1).unsqueeze(1), 0)
        grams = buckets if self.bigrams_only else torch.cat([ids, buckets], dim=1)
        pooled = self.table(grams)
        return self.out(pooled) if self.out is not None else pooled + self.bias


class TfidfBag(nn.Module):
    """A linear model on TF-IDF unigrams and hashed bigrams, inside the network: ``(1 + log tf) * idf``, each
    document scaled to unit L2 norm, times a weight per n-gram and class. ``idf`` is a statistic of the
    training documents, set before training (as Keras's ``TextVectorization(output_mode="tf_idf")``
    adapts it)."""

    def __init__(self, n_tokens, n_buckets, n_outputs, idf=None):
        super().__init__()
        self.n_tokens, self.n_buckets = n_tokens, n_buckets
        self.weight = nn.Parameter(torch.zeros(n_tokens + n_buckets, n_outputs))
        self.bias = nn.Parameter(torch.zeros(n_outputs))
        self.register_buffer("idf", torch.ones(n_tokens + n_buckets) if idf is None else torch.as_tensor(idf).float())

    def grams(self, ids, lengths):
        first, second = ids[:, :-1], ids[:, 1:]
        buckets = self.n_tokens + (first * HASH_PRIME + second) % self.n_buckets
        positions = torch.arange(buckets.shape[1], device=ids.device).unsqueeze(0)
        buckets = buckets.masked_fill(positions >= (lengths - 1).unsqueeze(1), 0)
        return torch.cat([ids, buckets], dim=1)

    def forward(self, ids, lengths):
        grams, _ = self.grams(ids, lengths).sort(dim=1)
        real = grams != 0
        start = real.clone()
        start[:, 1:] &= grams[:, 1:] != grams[:, :-1]
        run = (torch.cumsum(start, dim=1) - 1).clamp(min=0)  # index of each position's distinct n-gram
        tf = torch.zeros(grams.shape, dtype=torch.float32, device=ids.device).scatter_add_(1, run, real.float())
        tf_at = tf.gather(1, run) * start  # the count of the n-gram at its first position, 0 elsewhere
        w = torch.where(start, (1 + torch.log(tf_at.clamp(min=1))) * self.idf[grams], torch.zeros_like(tf_at))
        w = w / w.norm(dim=1, keepdim=True).clamp(min=1e-12)
        return (self.weight[grams] * w.unsqueeze(-1)).sum(dim=1) + self.bias


class HeadsNet(nn.Module):
    def __init__(self, n_tokens, n_outputs, embedding_dim, hidden_size, cell, bidirectional, pooling, spatial_dropout,
                 dropout, dense_layers, activation, embedding_weights, freeze_embedding, packed, ngram_buckets,
                 heads=True, bag_dim=None, bag_buckets=2 ** 20, aux=1.0, bag_only=False, rnn_only=False, tfidf=False,
                 idf=None, combine="mixture", zero_rnn_head=False):
        super().__init__()
        self.combine = combine
        self.heads, self.aux, self.bag_only, self.rnn_only = heads, aux, bag_only, rnn_only
        self.embedding = TokenEmbedding(n_tokens, embedding_dim, spatial_dropout, embedding_weights, freeze_embedding)
        self.encoder = RecurrentEncoder(embedding_dim, hidden_size, cell, bidirectional, dropout, packed)
        self.pooling = SequencePooling(pooling, self.encoder.output_size)
        self.head = DenseHead(self.encoder.output_size, n_outputs, dense_layers, activation, dropout)
        self.bag = (TfidfBag(n_tokens, bag_buckets, n_outputs, idf) if tfidf
                    else NgramBag(n_tokens, bag_buckets, n_outputs, bag_dim))
        if zero_rnn_head:  # the network starts as its n-gram part; the recurrent part learns what it misses
            with torch.no_grad():
                self.head[-1].weight.zero_()
                self.head[-1].bias.zero_()

    def forward(self, ids, lengths):
        bag = self.bag(ids, lengths)
        if self.bag_only:
            return bag
        outputs, last = self.encoder(self.embedding(ids), lengths)
        rnn = self.head(self.pooling(outputs, lengths, last))
        if self.rnn_only:
            return rnn
        if self.combine == "sum":
            mixture = rnn + bag
        else:
            mixture = torch.logsumexp(torch.stack([torch.log_softmax(rnn, 1), torch.log_softmax(bag, 1)]), 0) - 0.6931472
        if self.training and self.aux:
            return mixture, rnn, bag
        return mixture


_VARIANT = {}


class HeadsClassifier(RecurrentTextClassifier):
    _module_class = HeadsNet

    def fit(self, X, y, **kwargs):
        if _VARIANT.get("tfidf"):  # the training documents' idf, the statistic the TF-IDF bag needs
            import numpy as np

            from sklearn_rnn.linear import ngram_counts

            buckets = _VARIANT.get("bag_buckets", 2 ** 20)
            counts = ngram_counts(np.asarray(X), X.n_tokens, buckets)
            df = np.bincount(counts.indices, minlength=X.n_tokens + buckets)
            _VARIANT["idf"] = np.log((1.0 + len(X)) / (1.0 + df)) + 1.0
        return super().fit(X, y, **kwargs)

    def _module_params(self, device, embedding):
        params = super()._module_params(device, embedding)
        params.update({k: v for k, v in _VARIANT.items() if k != "bag_lr"})
        return params

    def _build_net(self, *args, **kwargs):
        net = super()._build_net(*args, **kwargs)
        if "bag_lr" in _VARIANT:  # the bag's own learning rate
            net.set_params(optimizer__param_groups=[("bag.*", {"lr": _VARIANT["bag_lr"]})])
        return net


def main():
    task, seed, config = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    from tasks import load_task

    variant = {k: config.pop(k) for k in list(config) if k in ("heads", "bag_dim", "bag_buckets", "aux", "bag_only",
                                                                 "rnn_only", "bag_lr", "tfidf", "combine", "zero_rnn_head")}
    _VARIANT.update(variant)
    X_train, y_train, X_test, y_test, metric = load_task(task)
    vec = SequenceVectorizer()
    ids = vec.fit_transform(X_train)
    clf = HeadsClassifier(**{"random_state": seed, **config})
    start = time.perf_counter()
    clf.fit(ids, y_train)
    fit_s = time.perf_counter() - start
    from sklearn.metrics import accuracy_score, f1_score

    pred = clf.predict(vec.transform(X_test))
    score = accuracy_score(y_test, pred) if metric == "accuracy" else f1_score(y_test, pred, average="macro")
    print(json.dumps({"task": task, "seed": seed, "variant": {k: v for k, v in variant.items() if k != "idf"}, "config": config, "score": score,
                      "fit_s": round(fit_s, 1), "epochs": len(clf.history_),
                      "best_epoch": int(clf.history_["valid_loss"].idxmin())}), flush=True)


if __name__ == "__main__":
    main()

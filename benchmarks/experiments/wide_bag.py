"""Accuracy experiment (issue 11): a linear (wide) bag of hashed unigrams and bigrams
whose class scores are added to the recurrent head's logits (wide & deep).

MODE=wide replaces the bigram feature branch; MODE=both keeps it too. WSCALE multiplies
the wide scores (an effective learning-rate factor under Adam):

    MODE=both WSCALE=30 python benchmarks/experiments/wide_bag.py VEC_JSON CLF_JSON SEED
"""
import os
import torch
from torch import nn
from _harness import run  # benchmarks/experiments/_harness.py
from sklearn_rnn.modules import recurrent
MODE = os.environ.get("MODE", "wide")   # wide: linear uni+bigram logits added; both: also keep bigram concat
SCALE = float(os.environ.get("WSCALE", "1"))
Net = recurrent.RecurrentClassifierNet
orig_init = Net.__init__
def init(self, n_tokens, n_classes, *a, ngram_buckets=0, **k):
    keep = ngram_buckets if MODE == "both" else 0
    orig_init(self, n_tokens, n_classes, *a, ngram_buckets=keep, **k)
    self.n_tok = n_tokens
    self.nb = ngram_buckets
    self.wide = nn.Embedding(n_tokens + ngram_buckets + 1, n_classes, padding_idx=0)
    nn.init.zeros_(self.wide.weight)
def fwd(self, ids, lengths):
    outputs, last = self.encoder(self.embedding(ids), lengths)
    features = self.pooling(outputs, lengths, last)
    if self.bigrams is not None:
        features = torch.cat([features, self.bigrams(ids, lengths)], dim=1)
    first, second = ids[:, :-1], ids[:, 1:]
    buckets = (first * 1_000_003 + second) % self.nb + 1 + self.n_tok
    pos = torch.arange(buckets.shape[1], device=ids.device).unsqueeze(0)
    buckets = buckets.masked_fill(pos >= (lengths - 1).unsqueeze(1), 0)
    uni = self.wide(ids).sum(1)
    bi = self.wide(buckets).sum(1)
    wide = (uni + bi) / (2 * lengths - 1).clamp(min=1).unsqueeze(1).to(uni.dtype)
    return self.head(features) + SCALE * wide
Net.__init__ = init
Net.forward = fwd
run(mode=MODE, scale=SCALE)

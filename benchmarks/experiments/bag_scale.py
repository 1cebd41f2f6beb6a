"""Accuracy experiment (issue 11): the bigram bag with a 10x effective learning rate.

The bag's embedding is stored divided by BAG_SCALE and multiplied back in forward, so
Adam moves it BAG_SCALE times faster. Run as accuracy_runs.py runs its child:

    BAG_SCALE=10 python benchmarks/experiments/bag_scale.py VEC_JSON CLF_JSON SEED
"""
import os
import torch
from _harness import run  # benchmarks/experiments/_harness.py
from sklearn_rnn.modules import ngram
scale = float(os.environ.get("BAG_SCALE", "1"))
orig_init = ngram.BigramBag.__init__
def init(self, n, dim):
    orig_init(self, n, dim)
    with torch.no_grad():
        self.embedding.weight /= scale
orig_fwd = ngram.BigramBag.forward
def fwd(self, ids, lengths):
    return orig_fwd(self, ids, lengths) * scale
ngram.BigramBag.__init__ = init
ngram.BigramBag.forward = fwd
run(scale=scale)

"""Accuracy experiment (issue 11): the bigram bag with a 10x effective learning rate.

The bag's embedding is stored divided by BAG_SCALE and multiplied back in forward, so
Adam moves it BAG_SCALE times faster. Run as accuracy_runs.py runs its child:

    BAG_SCALE=10 python benchmarks/experiments/bag_scale.py VEC_JSON CLF_JSON SEED
"""
import json, sys, time, os
import torch
from sklearn.pipeline import make_pipeline
from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb
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
vec, clf, seed = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
train, test = fetch_imdb(subset="train"), fetch_imdb(subset="test")
model = make_pipeline(SequenceVectorizer(**vec), RecurrentTextClassifier(**clf, random_state=seed, n_threads=2))
start = time.perf_counter()
model.fit(train.data, train.target)
fit_s = time.perf_counter() - start
h = model[-1].history_
print(json.dumps({"scale": scale, "clf": clf, "fit_s": round(fit_s,1), "valid_curve": [round(float(v),4) for v in h["valid_acc"]],
  "train_acc": [round(float(v),4) for v in h["train_acc"]], "test_acc": float(model.score(test.data, test.target))}))

"""Issue 12 experiment: CBOW passes and classifier epochs for a semi-supervised IMDB fit.

The vectorizer and the CBOW pretraining see all 75,000 training reviews (as a semi-supervised
``Pipeline`` fit does); the default classifier, started from the vectors scaled to unit spread,
learns from the first ``n`` shuffled labels. Prints the test accuracy of the network alone and of
the network averaged with the linear model. docs/semi_supervised.md has the results. Run:
SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/pretraining_passes.py 25000 '{}' 2x64 5x64
(labels, extra classifier parameters as JSON, then passes x width per run).
"""
import json
import sys
import time

import torch

from _harness import first_labels, semi_supervised_ids  # the script's folder is on sys.path
from sklearn_rnn import RecurrentTextClassifier
from sklearn_rnn.pretraining import pretrain_embeddings
from sklearn_rnn.training import SequenceDataset

torch.set_num_threads(2)
train, test, ids, Xt, ntok = semi_supervised_ids()
ytr, yt = train.target, test.target
n = int(sys.argv[1])
keep = first_labels(ytr, n)
extra = json.loads(sys.argv[2])
for ep, dim in [tuple(map(int, a.split("x"))) for a in sys.argv[3:]]:
    t = time.time()
    W, hist = pretrain_embeddings(SequenceDataset.from_ids(ids), ntok, dim, epochs=ep, random_state=0)
    pt = time.time() - t
    W = W / W[2:].std()
    t = time.time()
    clf = RecurrentTextClassifier(random_state=0, n_threads=2, pretraining=None, embedding_weights=W,
                                  embedding_dim=dim, **extra).fit(ids[keep], ytr[keep])
    ft = time.time() - t
    acc = clf.score(Xt, yt)
    clf.linear_model_ = None  # the network alone
    print(json.dumps({"n": n, "epochs": ep, "dim": dim, "extra": extra, "pretrain_s": round(pt, 1),
                      "fit_s": round(ft, 1), "acc": acc, "net_acc": clf.score(Xt, yt), "w": clf.linear_weight_,
                      "valid": clf.history_["valid_acc"].round(4).tolist()}), flush=True)

"""Issue 12 experiment: one round of self-training with 1,000 IMDB labels and 74,000 unlabelled reviews.

A teacher (the default classifier started from CBOW vectors learnt on all 75,000 training reviews,
5 passes) labels the unlabelled reviews; a student (the same network, without
the linear model) learns from the 1,000 labels plus every pseudo-labelled review, each weighted
by the teacher's confidence |2p - 1|. Scored on the 25,000 test reviews: the teacher, the student,
and the student averaged with the teacher or with the teacher's linear n-gram model.
docs/semi_supervised.md has the results. Run:
SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/self_training.py 1000 conf 3 \
    '{"max_epochs": 40, "n_iter_no_change": 6}'
(labels, 'conf' or 'hard' weights, the student's epochs, the teacher's extra parameters as JSON).
"""
import json
import sys
import time

import numpy as np
import torch

from _harness import first_labels, semi_supervised_ids  # the script's folder is on sys.path
from sklearn_rnn import RecurrentTextClassifier
from sklearn_rnn.pretraining import pretrain_embeddings
from sklearn_rnn.training import SequenceDataset

torch.set_num_threads(2)
train, test, ids, Xt, ntok = semi_supervised_ids()
ytr, yt = train.target, test.target
W, _ = pretrain_embeddings(SequenceDataset.from_ids(ids), ntok, 64, epochs=5, random_state=0)
W = W / W[2:].std()
n = int(sys.argv[1]); keep = first_labels(ytr, n)
unl = np.setdiff1d(np.arange(len(ytr)), keep)
t = time.time()
teacher = RecurrentTextClassifier(random_state=0, n_threads=2, pretraining=None, embedding_weights=W, **json.loads(sys.argv[4])).fit(ids[keep], ytr[keep])
pt = teacher.predict_proba(Xt)[:, 1]
print("teacher", round(time.time() - t, 1), ((pt > .5) == yt).mean(), flush=True)
pu = teacher.predict_proba(ids[unl])[:, 1]
lin_t = teacher.linear_model_.predict_proba(Xt)[:, 1]
print("pseudo acc on labelled part of unl", ((pu > .5) == ytr[unl])[ytr[unl] != -1].mean(), flush=True)
for mode in sys.argv[2].split(","):
    t = time.time()
    X2 = np.concatenate([ids[keep], ids[unl]])
    y2 = np.concatenate([ytr[keep], (pu > .5).astype(int)])
    w2 = np.concatenate([np.ones(n), np.abs(2 * pu - 1) if mode == "conf" else np.ones(len(unl))])
    student = RecurrentTextClassifier(random_state=0, n_threads=2, pretraining=None, embedding_weights=W, max_epochs=int(sys.argv[3]), linear_ngrams=False).fit(X2, y2, sample_weight=w2)
    ps = student.predict_proba(Xt)[:, 1]
    print(json.dumps({"n": n, "teacher": ((pt > .5) == yt).mean(), "linear": ((lin_t > .5) == yt).mean(), "mode": mode, "fit_s": round(time.time() - t, 1), "student": ((ps > .5) == yt).mean(), "avg_teacher": (((ps + pt) / 2 > .5) == yt).mean(), "avg_linear": (((ps + lin_t) / 2 > .5) == yt).mean(), "valid": student.history_["valid_acc"].round(4).tolist()}), flush=True)

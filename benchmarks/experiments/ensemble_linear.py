"""Accuracy experiment (issue 11): the recurrent net beside a logistic regression on
TF-IDF-weighted unigrams and hashed bigrams of the same token ids, and their average
(Mesnil et al. 2014 ensembled an RNN language model with NBSVM on IMDB).

Fits the net from argv's JSON (vectorizer, classifier, seed) once, then scores the net
alone, the linear model alone and their averages on the test set, and saves the test
probabilities to ``OUT`` (npz, default /tmp/ensemble_<seed>.npz) for later analysis:

    python benchmarks/experiments/ensemble_linear.py VEC_JSON CLF_JSON SEED
"""
import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb

BUCKETS = int(os.environ.get("BUCKETS", 2 ** 20))


def ngram_counts(ids, n_tokens):
    """Sparse counts of each row's unigram ids and hashed bigrams (padding 0 dropped)."""
    rows, cols = [], []
    for i, row in enumerate(ids):
        row = row[row != 0].astype(np.int64)
        bigrams = n_tokens + (row[:-1] * 1_000_003 + row[1:]) % BUCKETS
        feats = np.concatenate([row, bigrams])
        rows.append(np.full(len(feats), i))
        cols.append(feats)
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    m = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(ids), n_tokens + BUCKETS))
    m.sum_duplicates()
    return m


vec_params, clf_params, seed = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
train, test = fetch_imdb(subset="train"), fetch_imdb(subset="test")
vec = SequenceVectorizer(**vec_params)
X, Xt = vec.fit_transform(train.data), vec.transform(test.data)
y, yt = train.target, test.target
out = {"clf": clf_params, "seed": seed}

start = time.perf_counter()
clf = RecurrentTextClassifier(**clf_params, random_state=seed, n_threads=2).fit(X, y)
out["net_fit_s"] = round(time.perf_counter() - start, 1)
p_net = clf.predict_proba(Xt)[:, 1]

n_tokens = int(max(X.max(), Xt.max())) + 1
start = time.perf_counter()
tfidf = TfidfTransformer(sublinear_tf=True)
F = tfidf.fit_transform(ngram_counts(X, n_tokens))
results = {}
for C in (float(c) for c in os.environ.get("CS", "10").split(",")):
    lr = LogisticRegression(C=C, max_iter=1000).fit(F, y)
    results[C] = lr.predict_proba(tfidf.transform(ngram_counts(Xt, n_tokens)))[:, 1]
out["linear_fit_s"] = round(time.perf_counter() - start, 1)

text_lr = LogisticRegression(C=10, max_iter=1000)
text_vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
p_text = text_lr.fit(text_vec.fit_transform(train.data), y).predict_proba(text_vec.transform(test.data))[:, 1]


def acc(p):
    return round(float(((p > 0.5) == yt).mean()), 4)


def logit(p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


out["net"] = acc(p_net)
out["tfidf_text_lr"] = acc(p_text)
for C, p_lin in results.items():
    out[f"ids_lr_C{C}"] = acc(p_lin)
    out[f"mean_proba_C{C}"] = acc((p_net + p_lin) / 2)
    out[f"mean_logit_C{C}"] = acc(1 / (1 + np.exp(-(logit(p_net) + logit(p_lin)) / 2)))
    out[f"weights_C{C}"] = {w: acc(w * p_net + (1 - w) * p_lin) for w in (0.3, 0.4, 0.6, 0.7)}
out["mean_proba_text"] = acc((p_net + p_text) / 2)
np.savez(os.environ.get("OUT", f"/tmp/ensemble_{seed}.npz"), net=p_net, text=p_text, y=yt,
         **{f"ids_C{C}": p for C, p in results.items()})
print(json.dumps(out))

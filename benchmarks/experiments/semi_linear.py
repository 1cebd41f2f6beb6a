"""Issue 12 experiment: linear uses of the unlabelled reviews, 1,000 (and 25,000) IMDB labels.

TF-IDF (1-2-grams, sublinear, IDF from all 75,000 training reviews) + LogisticRegression(C=30) on
the labels, then:

- self-training: the unlabelled reviews with the model's labels, either the most confident
  20/40/60/80% ('hard') or every review twice, once per class, weighted by its probability ('soft');
- the mean of CBOW vectors (128 wide, 3 passes over all 75,000 reviews) per review, standardized,
  in a LogisticRegression of its own, averaged with the TF-IDF model, or appended to its features;
- clusters of those vectors (k-means, 200 to 3,000 clusters): a TF-IDF bag of clusters per review.

docs/semi_supervised.md has the results. Run:
SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/semi_linear.py 1000 25000
"""
import sys

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler, normalize

from _harness import first_labels, semi_supervised_ids  # the script's folder is on sys.path
from sklearn_rnn.pretraining import pretrain_embeddings
from sklearn_rnn.training import SequenceDataset

torch.set_num_threads(2)
train, test, ids, Xt, ntok = semi_supervised_ids()
ytr, yt = train.target, test.target
tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(train.data)
A, At = tfidf.transform(train.data).tocsr(), tfidf.transform(test.data).tocsr()
W, _ = pretrain_embeddings(SequenceDataset.from_ids(ids), ntok, 128, epochs=3, random_state=0)


def mean_vectors(X):
    out = np.zeros((len(X), W.shape[1]), np.float32)
    for i in range(0, len(X), 2000):
        x = X[i:i + 2000]
        m = (x >= 2)[..., None]
        out[i:i + 2000] = (W[x] * m).sum(1) / np.maximum(m.sum(1), 1)
    return out


def cluster_bag(X, lab, k):
    rows, cols, ok = np.repeat(np.arange(len(X)), X.shape[1]), lab[X.ravel()], X.ravel() >= 2
    return sp.csr_matrix((np.ones(ok.sum()), (rows[ok], cols[ok])), shape=(len(X), k))


def acc(p):
    return round(float(((p > 0.5) == yt).mean()), 5)


M, Mt = mean_vectors(ids), mean_vectors(Xt)
for n in [int(a) for a in sys.argv[1:]]:
    keep = first_labels(ytr, n)
    unl, y = np.setdiff1d(np.arange(len(ytr)), keep), ytr[keep]
    base = LogisticRegression(C=30, max_iter=1000).fit(A[keep], y)
    pa = base.predict_proba(At)[:, 1]
    print(n, "tfidf", acc(pa), flush=True)
    for mode in ["hard", "soft"]:
        model = base
        for it, frac in enumerate([0.2, 0.4, 0.6, 0.8]):
            p = model.predict_proba(A[unl])[:, 1]
            if mode == "hard":
                order = np.argsort(p)
                k = int(frac * len(unl) / 2)
                X2 = sp.vstack([A[keep], A[unl[order[:k]]], A[unl[order[-k:]]]])
                y2, w2 = np.concatenate([y, np.zeros(k, int), np.ones(k, int)]), None
            else:
                X2 = sp.vstack([A[keep], A[unl], A[unl]])
                y2 = np.concatenate([y, np.zeros(len(unl), int), np.ones(len(unl), int)])
                w2 = np.concatenate([np.ones(n), 1 - p, p])
            model = LogisticRegression(C=30, max_iter=1000).fit(X2, y2, sample_weight=w2)
            print(n, "self-training", mode, it + 1, acc(model.predict_proba(At)[:, 1]), flush=True)
    scaler = StandardScaler().fit(M[keep])
    pm = LogisticRegression(C=0.1 if n < 5000 else 1, max_iter=3000).fit(scaler.transform(M[keep]), y)
    pm = pm.predict_proba(scaler.transform(Mt))[:, 1]
    print(n, "mean vectors", acc(pm), "averaged with tfidf", acc((pa + pm) / 2), flush=True)
    for alpha in [0.03, 0.1, 0.3]:
        F = sp.hstack([A, sp.csr_matrix(alpha * scaler.transform(M))]).tocsr()
        Ft = sp.hstack([At, sp.csr_matrix(alpha * scaler.transform(Mt))]).tocsr()
        pe = LogisticRegression(C=30, max_iter=2000).fit(F[keep], y).predict_proba(Ft)[:, 1]
        print(n, "tfidf + mean vectors as features", alpha, acc(pe), flush=True)
    for k in [200, 1000, 3000]:
        lab = np.concatenate([[0, 0], MiniBatchKMeans(k, random_state=0, n_init=3, batch_size=4096)
                              .fit_predict(normalize(W[2:]))])
        tt = TfidfTransformer(sublinear_tf=True).fit(cluster_bag(ids, lab, k))
        H, Ht = tt.transform(cluster_bag(ids, lab, k)).tocsr(), tt.transform(cluster_bag(Xt, lab, k)).tocsr()
        pc = LogisticRegression(C=1, max_iter=2000).fit(H[keep], y).predict_proba(Ht)[:, 1]
        pe = LogisticRegression(C=30, max_iter=2000).fit(sp.hstack([A, 0.5 * H]).tocsr()[keep], y)
        pe = pe.predict_proba(sp.hstack([At, 0.5 * Ht]).tocsr())[:, 1]
        print(n, "clusters", k, acc(pc), "averaged with tfidf", acc((pa + pc) / 2), "as features", acc(pe), flush=True)

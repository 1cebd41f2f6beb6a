"""Issue 12 diagnosis: one vectorizer and one CBOW pretraining on all 75,000 IMDB training reviews,
then BiLSTM variants on 1,000 labels (fresh, raw pretrained, scaled pretrained, each with and without
the bigram branch), scored on the 25,000 test reviews. Written before the classifier scaled its
pretrained vectors; run: SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/semi_diagnosis.py
"""
import numpy as np, time, json
from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb
from sklearn_rnn.pretraining import pretrain_embeddings
from sklearn_rnn.training import SequenceDataset
train = fetch_imdb(subset="train", include_unlabelled=True, shuffle=False)
labelled = np.flatnonzero(train.target != -1)
keep = np.random.RandomState(0).permutation(labelled)[:1000]
vec = SequenceVectorizer(max_features=20000, max_len=400).fit(train.data)
ids = vec.transform(train.data)
test = fetch_imdb(subset="test"); Xt = vec.transform(test.data)
t = time.time()
W, hist = pretrain_embeddings(SequenceDataset.from_ids(ids), vec.n_tokens_, 64, random_state=0)
print("pretrain", round(time.time() - t, 1), hist, "std", W[2:].std(), flush=True)
base = dict(cell="lstm", bidirectional=True, hidden_size=64, embedding_dim=64, pooling="max", max_epochs=10,
            n_iter_no_change=2, early_stopping=True, random_state=0, n_threads=2)
for name, extra in [("none", {}), ("raw", {"embedding_weights": W}),
                    ("std1", {"embedding_weights": W / W[2:].std()}),
                    ("none+bag", {"ngram_buckets": 200000}), ("std1+bag", {"ngram_buckets": 200000, "embedding_weights": W / W[2:].std()})]:
    t = time.time()
    clf = RecurrentTextClassifier(**base, **extra).fit(ids[keep], train.target[keep])
    print(name, round(time.time() - t, 1), len(clf.history_), clf.score(Xt, test.target), flush=True)

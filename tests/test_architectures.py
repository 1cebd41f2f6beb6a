"""Every architecture predicts a row the same alone as in any batch, and padding never counts."""

import itertools

import numpy as np
import pytest
import torch
from helpers import SMALL

from sklearn_rnn import RecurrentTextClassifier

ARCHITECTURES = list(itertools.product(["rnn", "lstm", "gru"], [False, True], [8, (8, 6)],
                                       ["last", "max", "mean", "attention"]))


@pytest.mark.parametrize("cell, bidirectional, hidden_size, pooling", ARCHITECTURES)
def test_architectures_predict_the_same_alone_and_in_any_batch(ids_data, cell, bidirectional, hidden_size, pooling):
    X, y = ids_data
    clf = RecurrentTextClassifier(cell=cell, bidirectional=bidirectional, pooling=pooling, ngram_buckets=0,
                                  **{**SMALL, "hidden_size": hidden_size, "max_epochs": 1}).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    alone = np.vstack([clf.predict_proba(X[i:i + 1]) for i in range(0, len(X), 7)])
    np.testing.assert_allclose(alone, proba[::7], atol=1e-5)
    # the same documents padded after their tokens instead of before
    wide = np.zeros((len(X), X.shape[1]), dtype=np.int64)
    for i, row in enumerate(X):
        tokens = row[row != 0]
        wide[i, : len(tokens)] = tokens
    np.testing.assert_allclose(clf.predict_proba(wide), proba, atol=1e-5)
    sizes = (hidden_size,) if isinstance(hidden_size, int) else hidden_size
    assert len(clf.net_.module_.encoder.forward_layers) == len(sizes)
    assert clf.net_.module_.encoder.output_size == sizes[-1] * (2 if bidirectional else 1)


@pytest.mark.parametrize("pooling", ["last", "max"])
def test_the_bigram_branch_keeps_batch_invariance_and_takes_part(ids_data, pooling):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "max_epochs": 1}, bidirectional=True, pooling=pooling,
                                  ngram_buckets=64).fit(X, y)
    assert clf.net_.module_.bigrams.embedding.num_embeddings == 65 and clf.ngram_buckets_ == 64
    proba = clf.predict_proba(X)
    alone = np.vstack([clf.predict_proba(X[i:i + 1]) for i in range(0, len(X), 7)])
    np.testing.assert_allclose(alone, proba[::7], atol=1e-5)
    plain = RecurrentTextClassifier(**{**SMALL, "max_epochs": 1}, bidirectional=True, pooling=pooling,
                                    ngram_buckets=0).fit(X, y)
    assert plain.net_.module_.bigrams is None
    assert not np.allclose(plain.predict_proba(X), proba)  # the branch takes part


def test_auto_bigram_buckets_follow_the_training_rows(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "max_epochs": 1}).fit(X, y)
    assert clf.ngram_buckets_ == 40 * len(X)  # AUTO_NGRAM_BUCKETS_PER_ROW per row, below AUTO_NGRAM_BUCKETS
    assert clf.net_.module_.bigrams.embedding.num_embeddings == 40 * len(X) + 1


def test_packed_path_matches_dense_path(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(cell="lstm", bidirectional=True, pooling="last",
                                  **{**SMALL, "hidden_size": (8, 6)}).fit(X, y)
    dense = clf.predict_proba(X)
    clf.net_.module_.encoder.packed = True
    np.testing.assert_allclose(clf.predict_proba(X), dense, atol=1e-5)


def test_the_network_is_the_whole_model(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL).fit(X, y)
    with torch.no_grad():
        clf.net_.module_.head[-1].bias.add_(torch.tensor([5.0, -5.0]))
    assert (clf.predict(X) == 0).all()  # the network's output alone decides

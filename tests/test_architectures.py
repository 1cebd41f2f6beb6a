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


@pytest.mark.parametrize("ngrams", ["tfidf", "embedding"])
@pytest.mark.parametrize("pooling", ["last", "max"])
def test_each_ngram_part_keeps_batch_invariance_and_takes_part(ids_data, pooling, ngrams):
    X, y = ids_data
    params = dict(**{**SMALL, "max_epochs": 1}, bidirectional=True, pooling=pooling)
    clf = RecurrentTextClassifier(**params, ngrams=ngrams, ngram_buckets=64).fit(X, y)
    assert clf.ngram_buckets_ == 64
    table = clf.layer_parameters_.set_index("layer")
    part = "ngrams.weight" if ngrams == "tfidf" else "bigrams.embedding"
    assert table.loc[part, "parameters"] == ((clf.n_tokens_ + 64) * 2 if ngrams == "tfidf" else 65 * 8)
    proba = clf.predict_proba(X)
    alone = np.vstack([clf.predict_proba(X[i:i + 1]) for i in range(0, len(X), 7)])
    np.testing.assert_allclose(alone, proba[::7], atol=1e-5)
    wide = np.zeros_like(X)  # the same documents padded after their tokens instead of before
    for i, row in enumerate(X):
        wide[i, : (row != 0).sum()] = row[row != 0]
    np.testing.assert_allclose(clf.predict_proba(wide), proba, atol=1e-5)
    for off in ({"ngrams": None}, {"ngram_buckets": 0}):
        plain = RecurrentTextClassifier(**params, **{"ngrams": ngrams, "ngram_buckets": 64, **off}).fit(X, y)
        assert not any(name.startswith(part.split(".")[0]) for name in plain.layer_parameters_["layer"])
        assert not np.allclose(plain.predict_proba(X), proba)  # the part takes part


def test_auto_ngram_buckets_follow_the_part(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "max_epochs": 1}, ngrams="embedding").fit(X, y)
    assert clf.ngram_buckets_ == 40 * len(X)  # AUTO_NGRAM_BUCKETS_PER_ROW per row, below AUTO_NGRAM_BUCKETS
    assert clf.layer_parameters_.set_index("layer").loc["bigrams.embedding", "parameters"] == (40 * len(X) + 1) * 8
    clf = RecurrentTextClassifier(**{**SMALL, "max_epochs": 1}).fit(X, y)
    assert clf.ngrams == "tfidf" and clf.ngram_buckets_ == 2 ** 20  # BIGRAM_BUCKETS, as NgramLogisticClassifier's


def test_the_tfidf_part_starts_the_network_as_the_linear_models_features_at_zero(ids_data):
    from sklearn_rnn import NgramLogisticClassifier
    from sklearn_rnn.linear import ngram_counts

    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "max_epochs": 1, "lr": 1e-12}, ngram_buckets=64, ngram_lr=1e-12).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), 0.5, atol=1e-6)  # both parts start at zero
    module = clf.net_.module_.ngrams
    linear = NgramLogisticClassifier(buckets=64).fit(X, y)
    np.testing.assert_allclose(module.idf.numpy()[linear.columns_], linear.idf_, rtol=1e-6)  # the same idf
    wide = np.zeros_like(X)
    for i, row in enumerate(X):
        wide[i, : (row != 0).sum()] = row[row != 0]
    columns, weights = module.features(torch.as_tensor(wide), torch.as_tensor((X != 0).sum(axis=1)))
    got = np.zeros((len(X), clf.n_tokens_ + 64))
    np.add.at(got, (np.repeat(np.arange(len(X)), columns.shape[1]), columns.numpy().ravel()), weights.numpy().ravel())
    counts = ngram_counts(X, clf.n_tokens_, 64).toarray()
    expected = np.where(counts > 0, (1 + np.log(np.maximum(counts, 1))) * module.idf.numpy(), 0)
    expected /= np.maximum(np.linalg.norm(expected, axis=1, keepdims=True), 1e-12)  # an empty row stays zero
    np.testing.assert_allclose(got, expected, atol=1e-6)  # sublinear TF-IDF, rows of unit norm


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

"""The linear n-gram model (sklearn_rnn/linear.py) and its use by RecurrentTextClassifier."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression

from sklearn_rnn import RecurrentTextClassifier
from sklearn_rnn.linear import NgramLogisticModel, ngram_counts

SMALL = dict(embedding_dim=8, hidden_size=8, max_epochs=2, batch_size=16, lr=0.01, random_state=0)


def test_counts_pair_ids_after_dropping_padding_wherever_it_stands():
    left = np.array([[3, 4, 5, 0, 0]])
    for padded in ([[0, 0, 3, 4, 5]], [[3, 0, 4, 5, 0]], [[3, 4, 0, 0, 5]]):
        np.testing.assert_array_equal(ngram_counts(np.array(padded), 6, 11).toarray(),
                                      ngram_counts(left, 6, 11).toarray())
    counts = ngram_counts(left, 6, 11).toarray()[0]
    assert counts[:6].tolist() == [0, 0, 0, 1, 1, 1]
    hashed = [6 + (3 * 1_000_003 + 4) % 11, 6 + (4 * 1_000_003 + 5) % 11]
    expected = np.zeros(11)
    np.add.at(expected, np.array(hashed) - 6, 1)
    np.testing.assert_array_equal(counts[6:], expected)
    # An id beyond the id space counts as OOV (1), as the network reads it.
    np.testing.assert_array_equal(ngram_counts(np.array([[3, 99]]), 6, 11).toarray(),
                                  ngram_counts(np.array([[3, 1]]), 6, 11).toarray())
    # Chunks change nothing; empty rows give empty rows.
    rng = np.random.RandomState(0)
    X = rng.randint(0, 6, size=(9, 7))
    X[4] = 0
    np.testing.assert_array_equal(ngram_counts(X, 6, 11, chunk_size=2).toarray(), ngram_counts(X, 6, 11).toarray())
    assert ngram_counts(X, 6, 11)[4].nnz == 0


@pytest.mark.parametrize("n_classes", [2, 3])
def test_model_is_tfidf_plus_scikit_learn_logistic_regression(n_classes):
    rng = np.random.RandomState(0)
    X = rng.randint(0, 30, size=(120, 15))
    y = rng.randint(0, n_classes, size=120)
    model = NgramLogisticModel(C=3.0, buckets=997).fit(X, y, n_tokens=30)
    counts = ngram_counts(X, 30, 997)
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    seen = np.flatnonzero(counts.getnnz(axis=0))
    np.testing.assert_array_equal(model.columns_, seen)
    np.testing.assert_allclose(model.idf_, tfidf.idf_[seen], rtol=1e-6)
    np.testing.assert_allclose(model._features(X).toarray(), tfidf.transform(counts).toarray()[:, seen], atol=1e-6)
    reference = LogisticRegression(C=3.0, max_iter=1000).fit(tfidf.transform(counts), y)
    np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(tfidf.transform(counts)), atol=1e-5)
    twin = NgramLogisticModel.from_arrays(30, model.unseen_idf_, model.columns_, model.idf_, model.coef_, model.intercept_, C=3.0,
                                          buckets=997)
    np.testing.assert_array_equal(twin.predict_proba(X), model.predict_proba(X))
    # Columns never seen in fit (bigrams of another corpus) carry no weight but count in the norm,
    # as in TfidfTransformer: the features are its own, restricted to the seen columns.
    other = np.random.RandomState(1).randint(0, 30, size=(20, 15))
    np.testing.assert_allclose(model._features(other).toarray(),
                               tfidf.transform(ngram_counts(other, 30, 997)).toarray()[:, seen], atol=1e-6)
    assert (ngram_counts(other, 30, 997).getnnz(axis=0)[np.setdiff1d(np.arange(30 + 997), seen)] > 0).any()
    # Fitted a few rows at a time (document frequencies summed over chunks), the model is the same.
    chunked = NgramLogisticModel(C=3.0, buckets=997).fit(X, y, n_tokens=30, chunk_size=7)
    np.testing.assert_array_equal(chunked.columns_, model.columns_)
    np.testing.assert_array_equal(chunked.idf_, model.idf_)
    np.testing.assert_allclose(chunked.coef_, model.coef_, atol=1e-6)
    np.testing.assert_allclose(chunked.predict_proba(X, chunk_size=5), model.predict_proba(X), atol=1e-6)


def _negation_data(n=400, seed=0):
    """The label is whether the bigram (7, 8) ("not good") occurs: a pair, not a word, decides."""
    rng = np.random.RandomState(seed)
    X = rng.randint(2, 30, size=(n, 12))
    y = rng.randint(0, 2, size=n)
    for i in np.nonzero(y)[0]:
        j = rng.randint(0, 11)
        X[i, j:j + 2] = [7, 8]
    for i in np.nonzero(1 - y)[0]:  # both words occur in negatives too, never as the pair
        X[i, 0], X[i, 11] = 8, 7
        X[i, 1:11][X[i, 1:11] == 7] = 9
    return X, y


def test_classifier_averages_network_and_linear_probabilities():
    X, y = _negation_data()
    net_only = RecurrentTextClassifier(**{**SMALL, "lr": 1e-4, "max_epochs": 1}, linear_ngrams=False).fit(X, y)
    both = clone(net_only).set_params(linear_ngrams=True, linear_C=10.0).fit(X, y)
    assert net_only.linear_model_ is None and net_only.linear_weight_ == 1.0
    assert isinstance(both.linear_model_, NgramLogisticModel)
    linear = both.linear_model_.predict_proba(X)
    w = both.linear_weight_
    np.testing.assert_allclose(both.predict_proba(X), w * net_only.predict_proba(X) + (1 - w) * linear, atol=1e-6)
    # The share comes from the validation rows: the barely trained network gets little of it ...
    assert w in np.round(np.linspace(0, 1, 11), 1) and w < 0.5
    # ... and without validation rows the two count alike.
    even = clone(both).set_params(validation_fraction=0.0).fit(X, y)
    assert even.linear_weight_ == 0.5
    # The pair decides the label: the bigram model finds it where the barely trained network does not.
    X_test, y_test = _negation_data(seed=1)
    assert both.score(X_test, y_test) > net_only.score(X_test, y_test) + 0.05
    assert both.linear_model_.C == 10.0


def test_linear_model_takes_string_labels_class_weight_and_unlabelled_rows():
    X, y = _negation_data()
    names = np.array(["neg", "pos"], dtype=object)[y]
    weighted = RecurrentTextClassifier(**SMALL, linear_ngrams=True, class_weight={"neg": 1.0, "pos": 5.0})
    plain = RecurrentTextClassifier(**SMALL, linear_ngrams=True)
    p_weighted = weighted.fit(X, names).linear_model_.predict_proba(X)[:, 1]
    p_plain = plain.fit(X, names).linear_model_.predict_proba(X)[:, 1]
    assert p_weighted.mean() > p_plain.mean()  # the weight on "pos" moves the linear model
    semi = np.where(np.arange(len(y)) < 100, y, -1)
    clf = RecurrentTextClassifier(**SMALL, linear_ngrams=True, pretraining=None).fit(X, semi)
    only_labelled = NgramLogisticModel(C=30.0).fit(X[:100], y[:100], n_tokens=clf.n_tokens_)
    np.testing.assert_allclose(clf.linear_model_.predict_proba(X), only_labelled.predict_proba(X), atol=1e-6)


def test_bad_linear_parameters_name_themselves():
    X, y = _negation_data(40)
    with pytest.raises(ValueError, match="linear_C"):
        RecurrentTextClassifier(**SMALL, linear_C=0.0).fit(X, y)
    with pytest.raises(ValueError, match="linear_ngrams"):
        RecurrentTextClassifier(**SMALL, linear_ngrams="yes").fit(X, y)

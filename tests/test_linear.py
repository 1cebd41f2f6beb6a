"""The linear n-gram classifier (sklearn_rnn/linear.py), alone and inside scikit-learn's ensembles."""

import numpy as np
import pytest
from helpers import lbfgs_feature_bytes, many_short_rows, traced_peak
from scipy.stats import rankdata
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_rnn import NgramLogisticClassifier, RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn import linear as linear_module
from sklearn_rnn.linear import ngram_counts
from sklearn_rnn.modules.ngram import HASH_PRIME


def test_counts_pair_ids_after_dropping_padding_wherever_it_stands():
    left = np.array([[3, 4, 5, 0, 0]])
    for padded in ([[0, 0, 3, 4, 5]], [[3, 0, 4, 5, 0]], [[3, 4, 0, 0, 5]]):
        np.testing.assert_array_equal(ngram_counts(np.array(padded), 6, 11).toarray(),
                                      ngram_counts(left, 6, 11).toarray())
    counts = ngram_counts(left, 6, 11).toarray()[0]
    assert counts[:6].tolist() == [0, 0, 0, 1, 1, 1]
    hashed = [6 + (3 * HASH_PRIME + 4) % 11, 6 + (4 * HASH_PRIME + 5) % 11]
    expected = np.zeros(11)
    np.add.at(expected, np.array(hashed) - 6, 1)
    np.testing.assert_array_equal(counts[6:], expected)
    # Chunks change nothing; empty rows give empty rows.
    rng = np.random.RandomState(0)
    X = rng.randint(0, 6, size=(9, 7))
    X[4] = 0
    np.testing.assert_array_equal(ngram_counts(X, 6, 11, chunk_size=2).toarray(), ngram_counts(X, 6, 11).toarray())
    assert ngram_counts(X, 6, 11)[4].nnz == 0


@pytest.mark.parametrize("n_classes", [2, 3])
def test_the_model_is_tfidf_plus_scikit_learns_logistic_regression(n_classes, monkeypatch):
    rng = np.random.RandomState(0)
    X = rng.randint(0, 30, size=(120, 15))
    y = rng.randint(0, n_classes, size=120)
    model = NgramLogisticClassifier(C=3.0, buckets=997).fit(X, y)
    counts = ngram_counts(X, 30, 997)
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    seen = np.flatnonzero(counts.getnnz(axis=0))
    np.testing.assert_array_equal(model.columns_, seen)
    np.testing.assert_allclose(model.idf_, tfidf.idf_[seen], rtol=1e-6)
    reference = LogisticRegression(C=3.0, max_iter=1000).fit(tfidf.transform(counts), y)
    np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(tfidf.transform(counts)), atol=1e-5)
    # Columns never seen in fit (bigrams of another corpus) carry no weight but count in the norm,
    # as in TfidfTransformer: the scores are those of its features, restricted to the seen columns.
    other = np.random.RandomState(1).randint(0, 30, size=(20, 15))
    np.testing.assert_allclose(model.predict_proba(other),
                               reference.predict_proba(tfidf.transform(ngram_counts(other, 30, 997))), atol=1e-5)
    assert (ngram_counts(other, 30, 997).getnnz(axis=0)[np.setdiff1d(np.arange(30 + 997), seen)] > 0).any()
    # Fitted and scored a few rows at a time (document frequencies summed over chunks), the model is the same.
    monkeypatch.setattr(linear_module, "CHUNK_ROWS", 7)
    chunked = NgramLogisticClassifier(C=3.0, buckets=997).fit(X, y)
    np.testing.assert_array_equal(chunked.columns_, model.columns_)
    np.testing.assert_array_equal(chunked.idf_, model.idf_)
    np.testing.assert_allclose(chunked.coef_, model.coef_, atol=1e-6)
    np.testing.assert_allclose(chunked.predict_proba(X), model.predict_proba(X), atol=1e-6)


def test_max_features_keeps_the_columns_in_the_most_documents():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 30, size=(120, 15))
    y = rng.randint(0, 2, size=120)
    counts = ngram_counts(X, 30, 997)
    df = counts.getnnz(axis=0)
    every = NgramLogisticClassifier(C=3.0, buckets=997, max_features=None).fit(X, y)
    np.testing.assert_array_equal(every.columns_, np.flatnonzero(df))
    k = len(every.columns_) // 3
    model = NgramLogisticClassifier(C=3.0, buckets=997, max_features=k).fit(X, y)
    assert len(model.columns_) == k and model.coef_.shape == (1, k)
    # The k columns in the most documents, ties going to the lower column.
    order = sorted(np.flatnonzero(df), key=lambda column: (-df[column], column))
    np.testing.assert_array_equal(model.columns_, sorted(order[:k]))
    assert df[model.columns_].min() >= df[np.setdiff1d(np.flatnonzero(df), model.columns_)].max()
    # A column left out weighs nothing but counts in the row's norm at the idf of a column never seen.
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    idf = tfidf.idf_.copy()
    idf[np.setdiff1d(np.arange(len(idf)), model.columns_)] = np.log(121.0) + 1.0
    tfidf.idf_ = idf
    features = tfidf.transform(counts)[:, model.columns_]
    reference = LogisticRegression(C=3.0, max_iter=1000).fit(features, y)
    np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(features), atol=1e-5)
    assert np.abs(model.predict_proba(X) - every.predict_proba(X)).max() > 1e-3
    # A cap above the columns seen changes nothing.
    wide = NgramLogisticClassifier(C=3.0, buckets=997, max_features=len(every.columns_)).fit(X, y)
    np.testing.assert_array_equal(wide.coef_, every.coef_)
    with pytest.raises(ValueError, match="max_features"):
        NgramLogisticClassifier(max_features=0).fit(X, y)


def test_a_row_of_weight_0_is_no_row_and_weight_2_is_the_row_twice():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 30, size=(90, 15))
    y = rng.randint(0, 3, size=90)
    weights = rng.randint(0, 3, size=90).astype(float)  # 0, 1 or 2
    weighted = NgramLogisticClassifier(C=3.0, buckets=997).fit(X, y, sample_weight=weights)
    rows = np.repeat(np.arange(90), weights.astype(int))
    repeated = NgramLogisticClassifier(C=3.0, buckets=997).fit(X[rows], y[rows])
    # The document frequencies count the weights: the same columns, idf and model as the rows repeated.
    np.testing.assert_array_equal(weighted.columns_, repeated.columns_)
    np.testing.assert_allclose(weighted.idf_, repeated.idf_, rtol=1e-6)
    assert weighted.unseen_idf_ == pytest.approx(repeated.unseen_idf_)
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-4)
    # Rows of weight 0 add no column: n-grams only they hold are left out.
    only_dropped = np.setdiff1d(np.flatnonzero(ngram_counts(X, 30, 997).getnnz(axis=0)),
                                np.flatnonzero(ngram_counts(X[weights > 0], 30, 997).getnnz(axis=0)))
    assert len(only_dropped) and not np.isin(only_dropped, weighted.columns_).any()
    unweighted = NgramLogisticClassifier(C=3.0, buckets=997).fit(X, y)
    assert len(unweighted.columns_) > len(weighted.columns_)


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


def test_the_bigrams_decide_where_the_words_cannot():
    X, y = _negation_data()
    X_test, y_test = _negation_data(seed=1)
    assert NgramLogisticClassifier(C=10.0).fit(X, y).score(X_test, y_test) > 0.95
    unigrams = NgramLogisticClassifier(C=10.0, buckets=1).fit(X, y)  # every bigram in one bucket
    assert unigrams.score(X_test, y_test) < 0.75


def test_string_labels_class_weight_and_the_decision_function():
    X, y = _negation_data()
    names = np.array(["neg", "pos"], dtype=object)[y]
    plain = NgramLogisticClassifier().fit(X, names)
    weighted = NgramLogisticClassifier(class_weight={"neg": 1.0, "pos": 5.0}).fit(X, names)
    assert plain.classes_.tolist() == ["neg", "pos"]
    assert weighted.predict_proba(X)[:, 1].mean() > plain.predict_proba(X)[:, 1].mean()
    np.testing.assert_array_equal(rankdata(plain.decision_function(X)), rankdata(plain.predict_proba(X)[:, 1]))
    with pytest.raises(ValueError, match=r"class_weight names labels \['maybe'\]"):
        NgramLogisticClassifier(class_weight={"maybe": 2.0}).fit(X, names)
    with pytest.raises(ValueError, match="X holds the id 99, but NgramLogisticClassifier was fitted on ids below 30"):
        plain.predict(np.full((1, 12), 99))


def test_the_linear_model_in_scikit_learns_voting_and_stacking(rng):
    X, y = _negation_data(200)
    network = RecurrentTextClassifier(hidden_size=8, embedding_dim=8, max_epochs=2, random_state=0)
    voting = VotingClassifier([("net", network), ("linear", NgramLogisticClassifier())], voting="soft").fit(X, y)
    expected = (voting.named_estimators_["net"].predict_proba(X) +
                voting.named_estimators_["linear"].predict_proba(X)) / 2
    np.testing.assert_allclose(voting.predict_proba(X), expected, atol=1e-6)
    stacking = StackingClassifier([("net", network), ("linear", NgramLogisticClassifier())], cv=2).fit(X, y)
    assert stacking.score(X, y) > 0.9


def test_in_a_pipeline_on_text():
    docs = ["not good at all", "good and fun", "not fun", "fun, good"] * 10
    labels = [0, 1, 0, 1] * 10
    model = make_pipeline(SequenceVectorizer(), NgramLogisticClassifier(C=10.0)).fit(docs, labels)
    assert model.predict(["not good", "good fun"]).tolist() == [0, 1]
    with pytest.raises(ValueError, match="'C' parameter of NgramLogisticClassifier"):
        NgramLogisticClassifier(C=0.0).fit(*_negation_data(40))


def test_fit_holds_the_features_once_in_the_dtype_the_solver_takes(monkeypatch):
    monkeypatch.setattr(linear_module, "CHUNK_ROWS", 256)  # small chunks: the features dominate the peak
    X, y = many_short_rows()
    NgramLogisticClassifier(buckets=64).fit(X[:100], y[:100])  # the first fit's imports are no part of the measure
    model, peak = traced_peak(lambda: NgramLogisticClassifier(buckets=64).fit(X, y))
    nnz = ngram_counts(X, 60, 64).nnz
    # One value and one int32 column index per non-zero entry, held once: a float64 matrix where the
    # solver keeps float32 (12 bytes an entry), or a copy of it in the solver, would exceed the bound.
    assert peak < (lbfgs_feature_bytes() + 2) * nnz, peak / nnz
    assert model.coef_.dtype == np.float32

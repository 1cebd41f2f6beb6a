"""Every bad input gets a clear error; odd but valid text still predicts.

The tests run the public entry points as a user would: a vectorizer and a
classifier alone and in a Pipeline, a ColumnTransformer, and a property-based
test that feeds arbitrary unicode text through a fitted pipeline.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_pipeline

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer

SMALL = dict(embedding_dim=8, hidden_size=8, max_epochs=2, batch_size=16, lr=0.02, random_state=0)
DOCS = ["a great film", "an awful film", "great acting", "awful plot", "great", "awful"] * 5
LABELS = np.array(["pos", "neg"] * 15)


@pytest.fixture(scope="module")
def fitted():
    return make_pipeline(SequenceVectorizer(max_len=20), RecurrentTextClassifier(**SMALL)).fit(DOCS, LABELS)


def pipe():
    return make_pipeline(SequenceVectorizer(), RecurrentTextClassifier(**SMALL))


@pytest.mark.parametrize("docs, error, match", [
    ("a single review", ValueError, "single str object received. Wrap it in a list"),
    (["ok", None, "fine"] * 10, TypeError, "Document 1: each document must be a string, got NoneType"),
    (["ok", float("nan"), "fine"] * 10, TypeError, r"Document 1: .*got float \(NaN\)"),
    (["ok", b"bytes", "fine"] * 10, TypeError, "Document 1: .*got bytes"),
    (["ok", 42, "fine"] * 10, TypeError, "Document 1: .*got int"),
])
def test_bad_documents(docs, error, match):
    labels = LABELS[: len(docs)] if not isinstance(docs, str) else LABELS
    with pytest.raises(error, match=match):
        pipe().fit(docs, labels)


@pytest.mark.parametrize("labels, match", [
    (LABELS[:10], "X has 30 rows but y has 10 labels"),
    (np.zeros(30), "needs at least 2 classes in y, got 1 class"),
    (np.where(np.arange(30) == 4, np.nan, np.arange(30) % 2), r"y holds NaN labels \(first at row 4\)"),
])
def test_bad_labels(labels, match):
    with pytest.raises(ValueError, match=match):
        pipe().fit(DOCS, labels)


@pytest.mark.parametrize("params, match", [
    ({"hidden_size": 0}, "'hidden_size' parameter"),
    ({"hidden_size": -3}, "'hidden_size' parameter"),
    ({"embedding_dim": 0}, "'embedding_dim' parameter"),
    ({"batch_size": 0}, "'batch_size' parameter"),
    ({"dense_layers": (0,)}, "'dense_layers' parameter"),
    ({"cell": "transformer"}, r"'cell' parameter .* \['gru', 'lstm', 'rnn'\]"),
    ({"pooling": "sum"}, "'pooling' parameter"),
    ({"optimizer": "adamax"}, "'optimizer' parameter"),
    ({"initializer": "zeros"}, "'initializer' parameter"),
    ({"regularizer": "l3"}, "'regularizer' parameter"),
])
def test_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        make_pipeline(SequenceVectorizer(), RecurrentTextClassifier(**{**SMALL, **params})).fit(DOCS, LABELS)


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        RecurrentTextClassifier().predict(np.ones((2, 3), dtype=int))
    with pytest.raises(NotFittedError):
        pipe().predict(["a film"])


def test_ids_beyond_the_vocabulary_at_fit_and_predict(fitted):
    X = fitted[0].transform(DOCS)
    big = X.copy()
    big[0, -1] = X.n_tokens + 5  # still carries the vectorizer's id space
    with pytest.raises(ValueError, match="outside the vectorizer's id space"):
        RecurrentTextClassifier(**SMALL).fit(big, LABELS)
    with pytest.raises(ValueError, match=rf"X holds the id {X.n_tokens + 5}, but RecurrentTextClassifier was "
                                         rf"fitted on ids below {X.n_tokens}"):
        fitted[-1].predict(np.asarray(big))


def test_real_valued_features_are_not_token_ids():
    tfidf = TfidfVectorizer().fit_transform(DOCS).toarray()
    with pytest.raises(ValueError, match="not a token id: the estimators take whole-number ids"):
        RecurrentTextClassifier(**SMALL).fit(tfidf, LABELS)
    with pytest.raises(ValueError, match="X holds text"):
        RecurrentTextClassifier(**SMALL).fit(np.array(DOCS)[:, None], LABELS)
    whole = np.array([[0.0, 2.0, 3.0]] * 30)  # floats that are whole numbers are ids
    assert RecurrentTextClassifier(**SMALL).fit(whole, LABELS).n_tokens_ == 4


def test_wrong_width_at_predict(fitted):
    X = np.asarray(fitted[0].transform(DOCS))
    with pytest.raises(ValueError, match="X has 5 features, but RecurrentTextClassifier is expecting 20"):
        fitted[-1].predict(X[:, :5])


def test_one_column_frames_and_arrays_are_documents():
    frame = pd.DataFrame({"review": DOCS})
    vec = SequenceVectorizer().fit(frame)
    np.testing.assert_array_equal(vec.transform(frame), vec.transform(DOCS))
    np.testing.assert_array_equal(vec.transform(np.array(DOCS, dtype=object)[:, None]), vec.transform(DOCS))
    column = ColumnTransformer([("text", SequenceVectorizer(), ["review"])])
    model = Pipeline([("columns", column), ("clf", RecurrentTextClassifier(**SMALL))]).fit(frame, LABELS)
    assert model.predict(frame.head(2)).shape == (2,)
    with pytest.raises(ValueError, match=r"one column of documents, got a DataFrame with 2 columns \['review', 'x'\]"):
        SequenceVectorizer().fit(frame.assign(x=1))


def test_a_numeric_column_beside_the_text_is_refused():
    frame = pd.DataFrame({"review": DOCS, "length": [len(d) * 500 for d in DOCS]})
    column = ColumnTransformer([("text", SequenceVectorizer(), "review"), ("n", "passthrough", ["length"])])
    model = Pipeline([("columns", column), ("clf", RecurrentTextClassifier(**SMALL))])
    with pytest.raises(ValueError, match="the SequenceVectorizer wrote .* columns of token ids: the other columns"):
        model.fit(frame, LABELS)


@pytest.mark.parametrize("text", [
    "", "!!! ... ???", "😀🎬🍿 👍", "素晴らしい映画でした", "фильм ужасный", "فيلم رائع", " ".join(["great"] * 100_000),
])
def test_odd_but_valid_text_predicts_finite_probabilities(fitted, text):
    proba = fitted.predict_proba([text])
    assert proba.shape == (1, 2) and np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(), 1, rtol=1e-6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=200), min_size=1, max_size=8))
def test_any_unicode_text_gets_valid_probabilities(fitted, texts):
    proba = fitted.predict_proba(texts)
    assert proba.shape == (len(texts), 2)
    assert np.isfinite(proba).all() and (proba >= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert set(fitted.predict(texts)) <= {"pos", "neg"}


# ------------------------------------------------- pandas output (set_output)
def _frame_pipeline(docs, y, **clf):
    from sklearn.pipeline import Pipeline

    from sklearn_rnn import RecurrentTextClassifier

    vec = SequenceVectorizer().set_output(transform="pandas")
    return Pipeline([("vec", vec), ("clf", RecurrentTextClassifier(hidden_size=4, embedding_dim=4, max_epochs=1,
                                                                   random_state=0, **clf))]).fit(docs, y)


def test_a_dataframe_of_ids_keeps_the_id_space_checks():
    import pandas as pd

    docs = ["a good film", "a bad film", "good plot", "bad acting"] * 5
    y = [1, 0, 1, 0] * 5
    model = _frame_pipeline(docs, y)
    ids = model[0].transform(docs)
    assert isinstance(ids, pd.DataFrame)
    clf = model[-1]
    assert clf.n_tokens_ == model[0].n_tokens_ and clf.vocabulary_fingerprint_ == model[0].vocabulary_fingerprint_
    # The same ids predict the same as an array, a copy or a slice of the frame.
    np.testing.assert_allclose(clf.predict_proba(ids.copy()), model.predict_proba(docs), atol=1e-6)
    np.testing.assert_allclose(clf.predict_proba(ids.iloc[3:7]), model.predict_proba(docs[3:7]), atol=1e-6)
    # A refitted vocabulary at predict ...
    other = SequenceVectorizer().set_output(transform="pandas").fit(["film film acting", "zebra"] + docs)
    with pytest.raises(ValueError, match="ids from another vocabulary"):
        clf.predict(other.transform(docs))
    # ... and under warm_start ...
    warm = _frame_pipeline(docs, y, warm_start=True)
    with pytest.raises(ValueError, match="ids from another vocabulary"):
        warm[-1].fit(other.transform(docs), y)
    # ... and a numeric column joined by a ColumnTransformer are refused.
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline

    from sklearn_rnn import RecurrentTextClassifier

    frame = pd.DataFrame({"text": docs, "stars": np.arange(20)})
    joined = ColumnTransformer([("vec", SequenceVectorizer(), "text")], remainder="passthrough").set_output(
        transform="pandas")
    with pytest.raises(ValueError, match=r"X has \d+ columns but the SequenceVectorizer wrote \d+ columns"):
        make_pipeline(joined, RecurrentTextClassifier(hidden_size=4, max_epochs=1)).fit(frame, y)
    # Columns put in another order would scramble every document.
    with pytest.raises(ValueError, match="not in the order the SequenceVectorizer wrote them"):
        clf.predict(ids[ids.columns[::-1]])


def test_ids_of_unknown_origin_are_checked_for_what_they_allow():
    import pandas as pd

    from sklearn_rnn import RecurrentTextClassifier

    ids = pd.DataFrame(np.array([[0, 2, 3], [4, 5, 2]] * 10), columns=["a", "b", "c"])
    clf = RecurrentTextClassifier(hidden_size=4, embedding_dim=4, max_epochs=1).fit(ids, [0, 1] * 10)
    assert clf.vocabulary_fingerprint_ is None and clf.n_tokens_ == 6  # the largest id + 1: nothing more is known
    with pytest.raises(ValueError, match="X holds the id 9"):
        clf.predict(pd.DataFrame([[0, 9, 2]], columns=["a", "b", "c"]))

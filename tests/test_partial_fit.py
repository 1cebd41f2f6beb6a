"""partial_fit: one epoch per chunk, in scikit-learn's out-of-core convention."""

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer

PARTIAL = dict(hidden_size=8, embedding_dim=8, pooling="max", lr=0.03, ngram_lr=0.3, random_state=0)


def _stream(seed, n_chunks, size=64):
    """Chunks of 8 ids below 20; the label says whether id 5 occurs."""
    rng = np.random.RandomState(seed)
    for _ in range(n_chunks):
        X = rng.randint(1, 20, size=(size, 8))
        yield X, np.where((X == 5).any(axis=1), "yes", "no")


def test_partial_fit_learns_from_a_stream_one_pass_per_chunk():
    clf = RecurrentTextClassifier(**PARTIAL)
    X_test, y_test = next(_stream(99, 1, size=500))
    scores = []
    for i, (X, y) in enumerate(_stream(0, 40)):
        clf.partial_fit(X, y, classes=["no", "yes"] if i == 0 else None)
        scores.append(clf.score(X_test, y_test))
    assert len(clf.history_) == 40 and clf.partial_fit_calls_ == 40  # one epoch per call
    assert scores[-1] > 0.95 and scores[0] < 0.8
    same = RecurrentTextClassifier(**PARTIAL)
    for X, y in _stream(0, 40):
        same.partial_fit(X, y, classes=["no", "yes"])
    np.testing.assert_allclose(same.predict_proba(X_test), clf.predict_proba(X_test), atol=1e-6)


def test_partial_fit_classes_rules():
    (X, y), = _stream(0, 1)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        RecurrentTextClassifier(**PARTIAL).partial_fit(X, y)
    clf = RecurrentTextClassifier(**PARTIAL).partial_fit(X, y, classes=["yes", "no", "maybe"])
    assert clf.classes_.tolist() == ["maybe", "no", "yes"]  # a class no chunk has yet is kept
    with pytest.raises(ValueError, match=r"differs from the classes of the first call"):
        clf.partial_fit(X, y, classes=["no", "yes"])
    with pytest.raises(ValueError, match=r"labels \['never'\] that are not in classes"):
        clf.partial_fit(X, np.where(y == "yes", "never", y))
    with pytest.raises(ValueError, match="at least 2 labels"):
        RecurrentTextClassifier(**PARTIAL).partial_fit(X, y, classes=["yes"])
    with pytest.raises(ValueError, match="'balanced' .* not supported by partial_fit"):
        RecurrentTextClassifier(**PARTIAL, class_weight="balanced").partial_fit(X, y, classes=["no", "yes"])


def test_partial_fit_clone_and_mixing_with_fit():
    chunks = list(_stream(0, 3))
    clf = RecurrentTextClassifier(**PARTIAL, max_epochs=2, early_stopping=True)
    clf.partial_fit(*chunks[0], classes=["no", "yes"])
    fresh = clone(clf)
    assert not hasattr(fresh, "net_") and fresh.get_params() == clf.get_params()
    with pytest.raises(ValueError, match="classes must be passed"):
        fresh.partial_fit(*chunks[0])
    # fit after partial_fit starts again ...
    clf.fit(*chunks[1])
    assert len(clf.history_) == 2 and "valid_loss" in clf.history_
    before = clf.predict_proba(chunks[2][0])
    # ... and partial_fit after fit goes on from the fitted net, one epoch, without a validation set.
    clf.partial_fit(*chunks[2])
    assert len(clf.history_) == 3 and np.isnan(clf.history_["valid_loss"].iloc[-1])
    assert not np.allclose(clf.predict_proba(chunks[2][0]), before)
    assert [name for name, _ in clf.net_.callbacks_].count("early_stopping") == 1  # fit's stopping is back


def test_partial_fit_keeps_the_id_space_of_the_first_call():
    vec = SequenceVectorizer(max_len=5).fit(["good film", "bad plot", "good plot twist"])
    clf = RecurrentTextClassifier(**PARTIAL).partial_fit(vec.transform(["good film"]), [1], classes=[0, 1])
    assert clf.n_tokens_ == vec.n_tokens_  # the vectorizer's id space, not the chunk's largest id
    with pytest.raises(ValueError, match="holds the id 50"):
        clf.partial_fit(np.array([[50, 2, 0, 0, 0]]), [0])


def test_partial_fit_of_multi_label_chunks():
    rng = np.random.RandomState(0)
    clf = RecurrentTextClassifier(**PARTIAL)
    for i in range(20):
        X = rng.randint(1, 20, size=(64, 8))
        Y = np.column_stack([(X == 5).any(axis=1), (X == 6).any(axis=1)]).astype(int)
        clf.partial_fit(X, Y, classes=["five", "six"] if i == 0 else None)
    assert clf.multilabel_ and clf.classes_.tolist() == ["five", "six"]
    assert (clf.predict(X) == Y).mean() > 0.9

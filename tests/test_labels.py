"""Labels: any type, every value a class, and several labels per row (multi-label)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from helpers import SMALL
from sklearn.base import clone
from sklearn.metrics import f1_score, hamming_loss
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import MultiLabelBinarizer

from sklearn_rnn import ConvTextClassifier, FeedForwardTextClassifier, NgramLogisticClassifier, RecurrentTextClassifier

ESTIMATORS = [RecurrentTextClassifier(**SMALL), FeedForwardTextClassifier(embedding_dim=8, max_epochs=3, random_state=0),
              ConvTextClassifier(embedding_dim=8, filters=4, max_epochs=3, random_state=0), NgramLogisticClassifier()]


@pytest.mark.parametrize("labels", [["neg", "pos"], [3, 7], ["a", "b", "c"], [0, 1, 2, 3]])
def test_label_types_and_multiclass(rng, labels):
    X = rng.randint(0, 20, (60, 6))
    y = np.array(labels)[X[:, -1] % len(labels)]
    clf = RecurrentTextClassifier(**SMALL).fit(X, y)
    assert clf.classes_.tolist() == sorted(labels)
    assert clf.n_classes_ == len(labels) and not clf.multilabel_
    pred = clf.predict(X)
    assert pred.dtype == y.dtype and set(pred) <= set(labels)
    assert clf.predict_proba(X).shape == (60, len(labels))
    assert clf.score(X, y) == pytest.approx(np.mean(pred == y))


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("y", [np.array([-1, 0, 1]), np.array([-1.0, 0.0, 1.0])], ids=["int", "float"])
def test_minus_one_zero_one_are_three_classes_in_every_estimator(rng, estimator, y):
    X = rng.randint(2, 20, (60, 6))
    labels = y[X[:, -1] % 3]
    clf = clone(estimator).fit(X, labels)
    assert clf.classes_.tolist() == [-1, 0, 1]
    assert clf.predict_proba(X).shape == (60, 3)
    # cross_val_score scores every row: no row is set aside as "unlabelled".
    scores = cross_val_score(clone(estimator), X, labels, cv=2, scoring="accuracy")
    assert np.isfinite(scores).all()


def test_bad_labels(ids_data):
    X, y = ids_data
    with pytest.raises(ValueError, match=r"y mixes labels of the kinds \['number', 'str'\]"):
        RecurrentTextClassifier(**SMALL).fit(X[:4], [1, "a", 2, "b"])
    with pytest.raises(ValueError, match=r"y mixes labels of the kinds \['number', 'str'\]"):
        NgramLogisticClassifier().fit(X[:4], np.array([1, "a", 2, "b"], dtype=object))
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        RecurrentTextClassifier(**SMALL).fit(X, np.linspace(0, 1, len(X)))
    with pytest.raises(ValueError, match="at least 2 classes"):
        RecurrentTextClassifier(**SMALL).fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="NaN labels"):
        RecurrentTextClassifier(**SMALL).fit(X, np.where(y == 1, np.nan, 0.0))
    with pytest.raises(ValueError, match="requires y to be passed"):
        RecurrentTextClassifier(**SMALL).fit(X, None)


def _tags(X):
    """Three labels per row, independent: whether ids 5, 6 and 7 occur."""
    return np.column_stack([(X == 5).any(axis=1), (X == 6).any(axis=1), (X == 7).any(axis=1)]).astype(int)


def test_a_multi_label_indicator_trains_one_sigmoid_output_per_label(rng):
    X = rng.randint(2, 30, size=(300, 8))
    Y = _tags(X)
    clf = RecurrentTextClassifier(**{**SMALL, "max_epochs": 20, "lr": 0.03}).fit(X, Y)
    assert clf.multilabel_ and clf.classes_.tolist() == [0, 1, 2] and clf.n_classes_ == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3) and not np.allclose(proba.sum(axis=1), 1)  # independent labels
    pred = clf.predict(X)
    np.testing.assert_array_equal(pred, (proba >= 0.5).astype(int))
    assert f1_score(Y, pred, average="micro") > 0.9 and hamming_loss(Y, pred) < 0.1
    # The threshold sets the labels predicted (by a network trained less, whose probabilities are not all
    # near 0 or 1).
    loose = clone(clf).set_params(max_epochs=3).fit(X, Y)
    strict = clone(loose).set_params(threshold=0.9).fit(X, Y)
    np.testing.assert_array_equal(strict.predict(X), (strict.predict_proba(X) >= 0.9).astype(int))
    assert strict.predict(X).sum() < loose.predict(X).sum()
    assert clf.score(X, Y) == pytest.approx((pred == Y).all(axis=1).mean())  # subset accuracy


def test_multi_label_as_lists_of_names_or_a_dataframe_keeps_the_names(ids_data):
    X, _ = ids_data
    Y = _tags(X)
    names = np.array(["five", "six", "long"])
    lists = [list(names[row == 1]) for row in Y]
    clf = RecurrentTextClassifier(**SMALL).fit(X, lists)
    assert clf.classes_.tolist() == ["five", "long", "six"]  # MultiLabelBinarizer's order
    binarized = MultiLabelBinarizer(classes=clf.classes_).fit_transform(lists)
    assert clf.predict(X).shape == binarized.shape
    frame = pd.DataFrame(Y, columns=names)
    by_frame = RecurrentTextClassifier(**SMALL).fit(X, frame)
    assert by_frame.classes_.tolist() == ["five", "six", "long"]
    np.testing.assert_array_equal(by_frame.predict_proba(X),
                                  RecurrentTextClassifier(**SMALL).fit(X, Y).predict_proba(X))
    with pytest.raises(ValueError, match=r"labels \['seven'\] that are not among the fitted labels"):
        clf.set_params(warm_start=True).fit(X[:2], [["seven"], []])


def test_multi_label_refuses_what_it_cannot_do(ids_data):
    X, _ = ids_data
    Y = _tags(X)
    with pytest.raises(ValueError, match="class_weight is not supported with multi-label y"):
        RecurrentTextClassifier(**SMALL, class_weight="balanced").fit(X, Y)
    with pytest.raises(ValueError, match="multi-label indicator matrix of 0s and 1s"):
        RecurrentTextClassifier(**SMALL).fit(X, Y * 3)
    with pytest.raises(ValueError, match="one label per row"):
        NgramLogisticClassifier().fit(X, [["a"], ["b", "c"]] * 40)
    clf = RecurrentTextClassifier(**SMALL, warm_start=True).fit(X, Y)
    with pytest.raises(ValueError, match="single labels, but RecurrentTextClassifier was fitted on multi-label y"):
        clf.fit(X, Y[:, 0])


def test_a_column_vector_is_one_label_per_row_with_a_warning(ids_data):
    X, y = ids_data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = RecurrentTextClassifier(**SMALL).fit(X, y[:, None])
    assert any("column-vector y" in str(w.message) for w in caught)
    assert not clf.multilabel_ and clf.classes_.tolist() == [0, 1]

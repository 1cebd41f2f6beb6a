"""sample_weight and class_weight: each row's share of the loss."""

import numpy as np
import pytest
import sklearn
from helpers import SMALL, make_reviews
from sklearn.base import clone
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer

# One batch, no dropout and a rate of 1e-12: the epoch's train_loss is the loss of the starting
# weights, which predict_proba still gives after the fit.
STILL = dict(SMALL, lr=1e-12, ngram_lr=1e-12, max_epochs=1, batch_size=80, validation_fraction=0.0, spatial_dropout=0.0, dropout=0.0)


def test_the_loss_is_the_weighted_sum_over_the_class_weights(ids_data):
    X, y = ids_data
    weights = np.arange(len(y)) % 4 * 1.0
    clf = RecurrentTextClassifier(**STILL, class_weight={0: 1.0, 1: 3.0}).fit(X, y, sample_weight=weights)
    per_row = -np.log(clf.predict_proba(X)[np.arange(len(y)), y])
    class_w = np.where(y == 1, 3.0, 1.0)
    expected = np.sum(weights * class_w * per_row) / class_w.sum()
    assert clf.history_["train_loss"].iloc[0] == pytest.approx(expected, rel=1e-4)
    plain = RecurrentTextClassifier(**STILL).fit(X, y)
    assert plain.history_["train_loss"].iloc[0] == pytest.approx(per_row.mean(), rel=1e-4)


def test_sample_weight_ones_is_the_unweighted_fit(ids_data):
    X, y = ids_data
    plain = RecurrentTextClassifier(**SMALL).fit(X, y)
    ones = RecurrentTextClassifier(**SMALL).fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_allclose(ones.predict_proba(X), plain.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(ones.history_["train_loss"], plain.history_["train_loss"], rtol=1e-5)


def test_zero_weight_on_a_class_warns_and_teaches_only_the_others(rng):
    X = rng.randint(2, 30, (90, 8))
    y = X[:, -1] % 3
    params = {**SMALL, "lr": 0.05, "max_epochs": 5}
    with pytest.warns(UserWarning, match=r"sample_weight is 0 for every row of the classes \[2\]"):
        clf = RecurrentTextClassifier(**params).fit(X, y, sample_weight=(y != 2) * 1.0)
    assert np.mean(clf.predict(X) == 2) < 0.05
    with pytest.raises(ValueError, match=r"0 for every row of the classes \[1, 2\]: at most 1 class is left"):
        RecurrentTextClassifier(**params).fit(X, y, sample_weight=(y == 0) * 1.0)


def test_class_weight(rng):
    X = rng.randint(2, 30, (100, 8))
    y = rng.randint(0, 2, 100)
    skewed = RecurrentTextClassifier(**SMALL, class_weight={0: 1000, 1: 1e-4}).fit(X, y)
    assert np.mean(skewed.predict(X) == 0) > 0.87
    y_imb = (rng.uniform(size=100) < 0.2).astype(int)
    balanced = RecurrentTextClassifier(**SMALL, class_weight="balanced").fit(X, y_imb)
    weight = balanced.net_.criterion_.weight.numpy()
    np.testing.assert_allclose(weight, 100 / (2 * np.bincount(y_imb)), rtol=1e-6)
    with pytest.raises(ValueError, match="class_weight names labels"):
        RecurrentTextClassifier(**SMALL, class_weight={5: 1.0}).fit(X, y)
    # The estimator check feeds negative ids; on their absolute values class_weight decides too.
    blobs = np.abs(rng.normal(size=(100, 8)) * 5).astype(int)
    heavy = RecurrentTextClassifier(**SMALL, class_weight={0: 1e4, 1: 1e-4}).fit(blobs, y)
    assert (heavy.predict(blobs) == 0).all()


def test_sample_weight_in_a_pipeline_and_through_metadata_routing(rng):
    docs, y = make_reviews(rng, n=80)
    weights = np.where(y == "neg", 1.0, 0.2)
    params = {**SMALL, "lr": 0.05, "max_epochs": 3, "validation_fraction": 0.0}

    def first_loss(model):
        return model[-1].history_["train_loss"].iloc[0]

    plain = Pipeline([("vec", SequenceVectorizer()), ("clf", RecurrentTextClassifier(**params))]).fit(docs, y)
    pipe = Pipeline([("vec", SequenceVectorizer()), ("clf", RecurrentTextClassifier(**params))])
    pipe.fit(docs, y, clf__sample_weight=weights)
    assert first_loss(pipe) < 0.8 * first_loss(plain)  # the pos rows weigh a fifth
    with sklearn.config_context(enable_metadata_routing=True):
        clf = RecurrentTextClassifier(**params).set_fit_request(sample_weight=True)
        routed = Pipeline([("vec", SequenceVectorizer()), ("clf", clf)])
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        search = GridSearchCV(routed, {"clf__cell": ["lstm", "gru"]}, cv=2, scoring=scorer, error_score="raise")
        search.fit(docs, y, sample_weight=weights)
    chosen = clone(plain).set_params(clf__cell=search.best_params_["clf__cell"])
    assert first_loss(search.best_estimator_) == pytest.approx(first_loss(chosen.fit(docs, y, clf__sample_weight=weights)))
    assert first_loss(search.best_estimator_) < 0.8 * first_loss(clone(chosen).fit(docs, y))


def test_the_user_guide_routing_example_runs_as_written(rng):
    # docs/user_guide.md: set_fit_request for the fit and a scorer that requests the weights for the score
    # (the form that works on every supported scikit-learn), which receives them.
    docs, y = make_reviews(rng, n=60)
    weights = np.where(y == "neg", 1.0, 0.5)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = RecurrentTextClassifier(**SMALL).set_fit_request(sample_weight=True)
        model = Pipeline([("vec", SequenceVectorizer()), ("clf", clf)])
        scoring = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        result = cross_validate(model, docs, y, cv=2, params={"sample_weight": weights}, scoring=scoring)
        GridSearchCV(model, {"clf__hidden_size": [4, 8]}, cv=2, scoring=scoring).fit(docs, y, sample_weight=weights)
        received = []

        def recorded(y_true, y_pred, sample_weight=None):
            received.append(sample_weight)
            return accuracy_score(y_true, y_pred, sample_weight=sample_weight)

        cross_validate(model, docs, y, cv=2, params={"sample_weight": weights},
                       scoring=make_scorer(recorded).set_score_request(sample_weight=True))
    assert np.isfinite(result["test_score"]).all()
    assert len(received) == 2 and all(w is not None and set(np.unique(w)) == {0.5, 1.0} for w in received)


@pytest.mark.parametrize("weights, match", [
    (np.ones(3), r"shape \(80,\)"),
    (-np.ones(80), "non-negative"),
    (np.full(80, np.nan), "finite"),
    (np.zeros(80), "zero for every sample"),
])
def test_bad_sample_weight(ids_data, weights, match):
    X, y = ids_data
    with pytest.raises(ValueError, match=match):
        RecurrentTextClassifier(**SMALL).fit(X, y, sample_weight=weights)

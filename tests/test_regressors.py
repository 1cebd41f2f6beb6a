"""The network regressors: numeric targets, scaled for training, answered in their units."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_rnn import (ConvTextRegressor, FeedForwardTextRegressor, RecurrentTextRegressor, SequenceVectorizer,
                         load, save)
from sklearn_rnn._architectures import NGRAM_LR, NGRAM_LR_SCALED_TARGETS
from sklearn_rnn.regressors import MAX_TARGET_VALUES

SMALL = dict(embedding_dim=8, hidden_size=8, batch_size=16, lr=0.02, max_epochs=30, random_state=0)
WORDS = {"awful": 1.0, "poor": 3.0, "fine": 5.0, "good": 7.0, "superb": 10.0}


def reviews(n, seed):
    """Documents whose rating is the mean of the rated words they hold, in stars (1-10)."""
    rng = np.random.RandomState(seed)
    filler = ["the", "film", "plot", "was", "and", "a", "acting"]
    docs, ratings = [], []
    for _ in range(n):
        rated = list(rng.choice(list(WORDS), rng.randint(1, 3)))
        words = list(rng.choice(filler, rng.randint(2, 7))) + rated
        rng.shuffle(words)
        docs.append(" ".join(words))
        ratings.append(np.mean([WORDS[w] for w in rated]))
    return docs, np.array(ratings)


def test_a_regressor_learns_ratings_in_their_units():
    docs, y = reviews(400, 0)
    test_docs, test_y = reviews(200, 1)
    model = make_pipeline(SequenceVectorizer(), RecurrentTextRegressor(**SMALL)).fit(docs, y)
    reg = model[-1]
    assert reg.n_outputs_ == 1 and reg.target_mean_ == pytest.approx([y.mean()])
    assert reg.target_scale_ == pytest.approx([y.std()])
    pred = model.predict(test_docs)
    assert pred.shape == (200,) and 1 < pred.mean() < 10  # stars, not standard units
    assert r2_score(test_y, pred) > 0.9 and mean_absolute_error(test_y, pred) < 0.8
    assert model.score(test_docs, test_y) == pytest.approx(r2_score(test_y, pred))
    assert list(reg.history_.columns) == ["train_loss", "valid_loss", "dur"]  # no accuracy for a regressor


def test_the_targets_scale_never_changes_the_fit():
    docs, y = reviews(200, 0)
    ids = SequenceVectorizer().fit_transform(docs)
    stars = RecurrentTextRegressor(**SMALL).fit(ids, y)
    cents = RecurrentTextRegressor(**SMALL).fit(ids, 100 * y + 7)
    np.testing.assert_allclose(cents.predict(ids), 100 * stars.predict(ids) + 7, rtol=1e-4)
    np.testing.assert_allclose(cents.history_["train_loss"], stars.history_["train_loss"], rtol=1e-4)


def test_several_targets_and_the_losses():
    docs, y = reviews(300, 0)
    ids = SequenceVectorizer().fit_transform(docs)
    Y = np.column_stack([y, 11 - y, (y > 5) * 1.0])
    reg = RecurrentTextRegressor(**SMALL).fit(ids, Y)
    assert reg.n_outputs_ == 3 and reg.predict(ids).shape == (300, 3)
    assert r2_score(Y, reg.predict(ids)) > 0.9
    with pytest.raises(ValueError, match="y has 1 targets, but RecurrentTextRegressor was fitted on 3"):
        clone(reg).set_params(warm_start=True).fit(ids, Y).fit(ids, y)
    fits = {loss: RecurrentTextRegressor(**{**SMALL, "max_epochs": 3}, loss=loss).fit(ids, y)
            for loss in ("squared_error", "absolute_error", "huber")}
    losses = {loss: fit.history_["train_loss"].iloc[0] for loss, fit in fits.items()}
    assert len({round(v, 6) for v in losses.values()}) == 3  # each trains on its own loss
    assert losses["huber"] < losses["squared_error"]  # half the squares within 1 sd, no more beyond
    with pytest.raises(ValueError, match="'loss' parameter of RecurrentTextRegressor must be a str among"):
        RecurrentTextRegressor(loss="hinge").fit(ids, y)


def test_sample_weight_and_bad_targets():
    docs, y = reviews(200, 0)
    ids = SequenceVectorizer().fit_transform(docs)
    heavy = np.where(y > 5, 10.0, 1.0)
    plain = RecurrentTextRegressor(**SMALL).fit(ids, y)
    weighted = RecurrentTextRegressor(**SMALL).fit(ids, y, sample_weight=heavy)
    high = y > 5
    assert (mean_absolute_error(y[high], weighted.predict(ids[high]))
            < mean_absolute_error(y[high], plain.predict(ids[high])))
    with pytest.raises(ValueError, match="takes numeric targets"):
        RecurrentTextRegressor().fit(ids, np.array(["good"] * 200))
    with pytest.raises(ValueError, match="NaN or infinite targets"):
        RecurrentTextRegressor().fit(ids, np.where(high, np.nan, y))
    with pytest.raises(ValueError, match="takes no classes"):
        RecurrentTextRegressor().partial_fit(ids, y, classes=[0, 1])


def test_a_grid_search_on_r2_persistence_and_partial_fit(tmp_path):
    docs, y = reviews(160, 0)
    pipe = make_pipeline(SequenceVectorizer(), RecurrentTextRegressor(**{**SMALL, "max_epochs": 5}))
    search = GridSearchCV(pipe, {"recurrenttextregressor__cell": ["gru", "lstm"]}, cv=2, scoring="r2").fit(docs, y)
    assert len(set(np.round(search.cv_results_["mean_test_score"], 7))) == 2
    save(search.best_estimator_, tmp_path / "reg.safetensors")
    loaded = load(tmp_path / "reg.safetensors")
    np.testing.assert_array_equal(loaded.predict(docs), search.best_estimator_.predict(docs))
    ids = SequenceVectorizer().fit_transform(docs)
    stream = RecurrentTextRegressor(**SMALL)
    for start in range(0, 160, 40):
        stream.partial_fit(ids[start:start + 40], y[start:start + 40])
    assert len(stream.history_) == 4 and stream.target_mean_ == pytest.approx([y[:40].mean()])  # the first chunk's


@pytest.mark.parametrize("cls, params", [(FeedForwardTextRegressor, {"pooling": "max", "embedding_dim": 8}),
                                         (ConvTextRegressor, {"filters": 8, "kernel_size": 2, "embedding_dim": 8})])
def test_feedforward_and_convolutional_regressors_learn_too(cls, params):
    docs, y = reviews(400, 0)
    test_docs, test_y = reviews(200, 1)
    model = make_pipeline(SequenceVectorizer(), cls(**params, lr=0.02, max_epochs=40, random_state=0)).fit(docs, y)
    assert model.score(test_docs, test_y) > 0.8


def test_predictions_stay_within_the_training_range_unless_asked_not_to(tmp_path):
    docs, y = reviews(200, 0)
    ids = SequenceVectorizer().fit_transform(docs)
    Y = np.column_stack([y, 2 * y])
    reg = RecurrentTextRegressor(**{**SMALL, "max_epochs": 10}, clip_predictions=False).fit(ids, Y)
    assert reg.target_min_ == pytest.approx([1.0, 2.0]) and reg.target_max_ == pytest.approx([10.0, 20.0])
    raw = reg.predict(ids)
    outside = (raw < reg.target_min_) | (raw > reg.target_max_)
    assert outside[:, 0].any() and outside[:, 1].any()  # the network alone overshoots both ranges
    clipped = reg.set_params(clip_predictions=True).predict(ids)
    np.testing.assert_array_equal(clipped, np.clip(raw, [1.0, 2.0], [10.0, 20.0]))  # each target its own range
    save(reg, tmp_path / "reg.safetensors")
    loaded = load(tmp_path / "reg.safetensors")
    assert loaded.clip_predictions and loaded.target_max_ == pytest.approx([10.0, 20.0])
    np.testing.assert_array_equal(loaded.predict(ids), clipped)
    # every partial_fit chunk and warm_start fit widens the range; the scaling stays the first fit's
    low, high = y < 5, y >= 5
    stream = RecurrentTextRegressor(**SMALL).partial_fit(ids[low], y[low])
    assert stream.loss_ == "squared_error"  # 'auto' in partial_fit: the values to come are not known
    assert stream.target_max_ == pytest.approx([y[low].max()])
    assert stream.predict(ids).max() <= y[low].max()
    stream.partial_fit(ids[high], y[high])
    assert stream.target_min_ == pytest.approx([1.0]) and stream.target_max_ == pytest.approx([10.0])
    warm = RecurrentTextRegressor(**{**SMALL, "max_epochs": 2}, loss="squared_error",
                                  warm_start=True).fit(ids[high], y[high])
    assert warm.target_min_ == pytest.approx([y[high].min()])
    warm.fit(ids[low], y[low])
    assert warm.target_min_ == pytest.approx([1.0]) and warm.target_mean_ == pytest.approx([y[high].mean()])
    with pytest.raises(ValueError, match="'clip_predictions' parameter of RecurrentTextRegressor must be"):
        RecurrentTextRegressor(clip_predictions="yes").fit(ids, y)


def test_log_loss_learns_a_distribution_over_the_values_and_predicts_its_mean(tmp_path):
    docs, y = reviews(300, 0)
    test_docs, test_y = reviews(200, 1)
    vec = SequenceVectorizer().fit(docs)
    ids, test_ids = vec.transform(docs), vec.transform(test_docs)
    assert len(np.unique(y)) <= MAX_TARGET_VALUES  # so that 'auto' chooses log_loss
    auto = RecurrentTextRegressor(**SMALL).fit(ids, y)
    assert auto.loss_ == "log_loss" and auto.n_outputs_ == 1
    np.testing.assert_array_equal(auto.target_values_, np.unique(y))
    pred = auto.predict(test_ids)
    assert pred.shape == (200,) and r2_score(test_y, pred) > 0.8
    assert y.min() <= pred.min() and pred.max() <= y.max()  # a mean of the values never leaves their range
    explicit = RecurrentTextRegressor(**SMALL, loss="log_loss").fit(ids, y)
    np.testing.assert_array_equal(explicit.predict(test_ids), pred)
    squared = RecurrentTextRegressor(**SMALL, loss="squared_error").fit(ids, y)
    assert squared.loss_ == "squared_error" and squared.target_values_ is None
    assert np.abs(squared.predict(test_ids) - pred).max() > 0.1  # the loss changes the predictions
    # the mean is in the targets' units: values scaled by 100 and shifted by 7 give the same fit, scaled
    cents = RecurrentTextRegressor(**SMALL).fit(ids, 100 * y + 7)
    np.testing.assert_allclose(cents.predict(test_ids), 100 * pred + 7, rtol=1e-6)
    # sample weights weigh the cross-entropy
    heavy = np.where(y > 5, 10.0, 1.0)
    weighted = RecurrentTextRegressor(**SMALL).fit(ids, y, sample_weight=heavy)
    high = test_y > 5
    assert (mean_absolute_error(test_y[high], weighted.predict(test_ids[high]))
            < mean_absolute_error(test_y[high], pred[high]))
    # the safe format keeps the values and the loss
    save(auto, tmp_path / "reg.safetensors")
    loaded = load(tmp_path / "reg.safetensors")
    assert loaded.loss_ == "log_loss"
    np.testing.assert_array_equal(loaded.target_values_, auto.target_values_)
    np.testing.assert_array_equal(loaded.predict(test_ids), pred)


def test_auto_takes_squared_error_beyond_the_values_log_loss_takes():
    docs, y = reviews(200, 0)
    ids = SequenceVectorizer().fit_transform(docs)
    noisy = y + np.random.RandomState(0).normal(0, 0.1, len(y))  # 200 distinct values
    assert RecurrentTextRegressor(**{**SMALL, "max_epochs": 1}).fit(ids, noisy).loss_ == "squared_error"
    Y = np.column_stack([y, 11 - y])
    assert RecurrentTextRegressor(**{**SMALL, "max_epochs": 1}).fit(ids, Y).loss_ == "squared_error"
    one_column = RecurrentTextRegressor(**{**SMALL, "max_epochs": 1}).fit(ids, y[:, None])
    assert one_column.loss_ == "log_loss" and one_column.predict(ids).shape == (200, 1)
    with pytest.raises(ValueError, match=f"loss='log_loss' takes one target of at most MAX_TARGET_VALUES="
                                         f"{MAX_TARGET_VALUES} distinct values; y has 200 distinct values"):
        RecurrentTextRegressor(loss="log_loss").fit(ids, noisy)
    with pytest.raises(ValueError, match="y has 2 targets"):
        RecurrentTextRegressor(loss="log_loss").fit(ids, Y)


def test_log_loss_refuses_a_value_the_first_fit_did_not_see():
    docs, y = reviews(200, 0)
    ids = SequenceVectorizer().fit_transform(docs)
    low, high = y < 5, y >= 5
    warm = RecurrentTextRegressor(**{**SMALL, "max_epochs": 1}, warm_start=True).fit(ids[high], y[high])
    warm.fit(ids[high], y[high])  # the same values: fine
    with pytest.raises(ValueError, match=r"y holds the value 1, which the first fit's targets did not "
                                         r"\(target_values_=\[5\.0, .*; warm_start\)"):
        warm.fit(ids[low], y[low])
    stream = RecurrentTextRegressor(**SMALL, loss="log_loss").partial_fit(ids[high], y[high])
    assert stream.loss_ == "log_loss"
    with pytest.raises(ValueError, match="in the first call to partial_fit"):
        stream.partial_fit(ids[low], y[low])


def test_the_ngram_rate_follows_the_loss_unless_given():
    docs, y = reviews(200, 0)
    ids = SequenceVectorizer().fit_transform(docs)

    def predictions(**params):
        return RecurrentTextRegressor(**{**SMALL, "max_epochs": 3}, **params).fit(ids, y).predict(ids)

    for loss, rate, other in [("log_loss", NGRAM_LR, NGRAM_LR_SCALED_TARGETS),
                              ("squared_error", NGRAM_LR_SCALED_TARGETS, NGRAM_LR)]:
        auto = predictions(loss=loss)
        np.testing.assert_array_equal(auto, predictions(loss=loss, ngram_lr=rate))
        assert np.abs(auto - predictions(loss=loss, ngram_lr=other)).max() > 1e-3

"""The learning-rate range test."""

import matplotlib
import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer, lr_find, plot_lr_find

matplotlib.use("Agg")

SMALL = dict(embedding_dim=8, hidden_size=8, batch_size=16, random_state=0)


def test_the_loss_falls_then_blows_up_and_the_search_stops(ids_data):
    X, y = ids_data
    X, y = np.vstack([X] * 3), np.concatenate([y] * 3)
    clf = RecurrentTextClassifier(**SMALL)
    result = lr_find(clf, X, y, start_lr=1e-4, end_lr=1000.0, num_steps=150)
    assert not hasattr(clf, "net_")  # the estimator itself is untouched
    assert list(result.columns) == ["lr", "loss", "smoothed_loss"]
    assert (np.diff(result["lr"]) > 0).all()
    assert len(result) < 150  # stopped once the loss exceeded 4x its minimum
    lowest = result["smoothed_loss"].idxmin()
    assert result["smoothed_loss"].iloc[-1] > 4 * result["smoothed_loss"].min()
    suggested = result.attrs["suggested_lr"]
    assert result["lr"].iloc[0] <= suggested <= result["lr"].iloc[lowest]


def test_a_pipeline_and_the_same_seed_give_the_same_curve():
    docs = ["a great film", "an awful film", "great acting", "awful plot"] * 20
    labels = ["pos", "neg"] * 40
    pipe = make_pipeline(SequenceVectorizer(), RecurrentTextClassifier(**SMALL))
    first = lr_find(pipe, docs, labels, num_steps=30)
    second = lr_find(pipe, docs, labels, num_steps=30)
    np.testing.assert_array_equal(first["loss"], second["loss"])
    assert len(first) == 30


def test_bad_arguments():
    with pytest.raises(TypeError, match="lr_find needs a network estimator of sklearn_rnn"):
        lr_find(SequenceVectorizer(), ["a"], [0])
    with pytest.raises(ValueError, match="0 < start_lr < end_lr"):
        lr_find(RecurrentTextClassifier(), np.ones((4, 2), dtype=int), [0, 1, 0, 1], start_lr=1.0, end_lr=0.1)


def test_plot_draws_the_curve_and_marks_the_suggestion(ids_data):
    X, y = ids_data
    result = lr_find(RecurrentTextClassifier(**SMALL), X, y, num_steps=20)
    ax = plot_lr_find(result)
    curve, marker = ax.get_lines()
    np.testing.assert_allclose(curve.get_xdata(), result["lr"])
    np.testing.assert_allclose(curve.get_ydata(), result["smoothed_loss"])
    assert marker.get_xdata()[0] == result.attrs["suggested_lr"]
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "learning rate"
    assert "suggested lr" in [t.get_text() for t in ax.get_legend().get_texts()][1]


def test_a_range_whose_loss_still_falls_at_its_end_warns(ids_data):
    X, y = ids_data
    with pytest.warns(UserWarning, match="the loss was still falling at the last rate tried .* larger end_lr"):
        falling = lr_find(RecurrentTextClassifier(**SMALL), X, y, start_lr=1e-3, end_lr=0.1, num_steps=25)
    assert falling["smoothed_loss"].idxmin() == len(falling) - 1
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a range that reaches its minimum before the end is no surprise
        ended = lr_find(RecurrentTextClassifier(**SMALL), np.vstack([X] * 3), np.concatenate([y] * 3),
                        start_lr=1e-4, end_lr=1000.0, num_steps=150)
    assert ended["smoothed_loss"].idxmin() < len(ended) - 1

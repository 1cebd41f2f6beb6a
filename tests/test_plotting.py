"""TrainingHistoryDisplay draws what the histories hold (Agg backend, artists checked)."""

import matplotlib
import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.plotting import TrainingHistoryDisplay

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SMALL = dict(embedding_dim=8, hidden_size=8, batch_size=16, random_state=0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_one_fit_draws_train_and_validation_loss_and_accuracy(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL, max_epochs=4).fit(X, y)
    display = TrainingHistoryDisplay.from_estimator(clf)
    loss_ax, acc_ax = display.axes_
    assert (loss_ax.get_xlabel(), loss_ax.get_ylabel(), acc_ax.get_ylabel()) == ("epoch", "loss", "accuracy")
    name = "RecurrentTextClassifier (lstm)"
    train = display.lines_[(name, "train_loss")]
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(train.get_ydata(), clf.history_["train_loss"])
    assert display.lines_[(name, "valid_acc")].get_linestyle() == "--"
    assert [t.get_text() for t in display.legend_.get_texts()] == [name, "training", "validation"]
    assert len(loss_ax.get_lines()) == 2  # no best-epoch marker without early stopping


def test_the_restored_epoch_is_marked_and_fits_overlay(ids_data):
    X, y = ids_data
    stopped = RecurrentTextClassifier(**SMALL, lr=0.2, max_epochs=30, early_stopping=True, n_iter_no_change=2,
                                      validation_fraction=0.3).fit(X, y)
    gru = make_pipeline(SequenceVectorizer(input_type="tokens"),
                        RecurrentTextClassifier(**SMALL, cell="gru", max_epochs=2)).fit([list(r) for r in X], y)
    display = TrainingHistoryDisplay.from_estimator([stopped, gru], names=["LSTM", "GRU"])
    best = int(stopped.history_["valid_loss"].idxmin())
    assert best < stopped.history_.index[-1]  # early stopping went back
    assert display.best_epochs == [best, None]
    loss_ax = display.axes_[0]
    markers = [line for line in loss_ax.get_lines() if line.get_linestyle() == ":"]
    assert len(markers) == 1 and markers[0].get_xdata()[0] == best
    assert {key[0] for key in display.lines_} == {"LSTM", "GRU"}
    assert display.lines_[("LSTM", "train_loss")].get_color() != display.lines_[("GRU", "train_loss")].get_color()
    assert [t.get_text() for t in display.legend_.get_texts()] == ["LSTM", "GRU", "training", "validation",
                                                                   "best epoch (weights kept)"]


def test_the_legend_of_many_fits_covers_no_panel(ids_data):
    X, y = ids_data
    fits = [RecurrentTextClassifier(**SMALL, cell=cell, max_epochs=2).fit(X, y) for cell in ("rnn", "lstm", "gru")]
    fits += [RecurrentTextClassifier(**SMALL, cell="gru", bidirectional=True, max_epochs=2).fit(X, y)]
    display = TrainingHistoryDisplay.from_estimator(fits, names=["RNN", "LSTM", "GRU", "BiGRU"])
    figure = display.figure_
    figure.canvas.draw()
    assert figure.legends == [display.legend_] and all(ax.get_legend() is None for ax in display.axes_)
    legend = display.legend_.get_window_extent()
    for ax in display.axes_:
        assert not legend.overlaps(ax.get_window_extent())
    assert len(display.legend_.get_texts()) == 4 + 2  # a name per fit, two styles: not a line per curve


def test_given_axes_and_errors(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL, max_epochs=2).fit(X, y)
    fig, axes = plt.subplots(2, 1)
    display = TrainingHistoryDisplay.from_estimator(clf, ax=axes)
    assert display.figure_ is fig and list(display.axes_) == list(axes)
    with pytest.raises(ValueError, match="ax must hold two Axes"):
        TrainingHistoryDisplay.from_estimator(clf, ax=[axes[0]])
    with pytest.raises(ValueError, match="names has 1 entries for 2 estimators"):
        TrainingHistoryDisplay.from_estimator([clf, clf], names=["a"])
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        TrainingHistoryDisplay.from_estimator(RecurrentTextClassifier())


def test_scikit_learns_displays_work_on_the_pipelines():
    from sklearn.metrics import ConfusionMatrixDisplay, PrecisionRecallDisplay, RocCurveDisplay

    docs = ["a great film", "an awful film", "great acting", "awful plot", "great", "awful"] * 10
    labels = np.array(["pos", "neg"] * 30)
    model = make_pipeline(SequenceVectorizer(), RecurrentTextClassifier(**SMALL, lr=0.05, max_epochs=8)).fit(docs, labels)
    matrix = ConfusionMatrixDisplay.from_estimator(model, docs, labels)
    np.testing.assert_array_equal(matrix.confusion_matrix, [[30, 0], [0, 30]])
    assert [t.get_text() for t in matrix.ax_.get_xticklabels()] == ["neg", "pos"]
    roc = RocCurveDisplay.from_estimator(model, docs, labels, pos_label="pos")
    assert roc.roc_auc == pytest.approx(1.0)
    np.testing.assert_allclose(roc.line_.get_xdata(), roc.fpr)
    pr = PrecisionRecallDisplay.from_estimator(model, docs, labels, pos_label="pos")
    assert pr.average_precision == pytest.approx(1.0)
    assert pr.line_.get_ydata()[-1] == pytest.approx(1.0)


def test_model_comparison_from_cv_results_and_from_estimators(ids_data):
    from sklearn.model_selection import GridSearchCV

    from sklearn_rnn.plotting import ModelComparisonDisplay

    X, y = ids_data
    search = GridSearchCV(RecurrentTextClassifier(**SMALL, max_epochs=2), {"cell": ["lstm", "gru"]}, cv=2).fit(X, y)
    display = ModelComparisonDisplay.from_cv_results(search.cv_results_)
    labels = [t.get_text() for t in display.axes_[0].get_yticklabels()]
    assert labels == ["cell='lstm'", "cell='gru'"]
    np.testing.assert_allclose([b.get_width() for b in display.bars_["score"]], search.cv_results_["mean_test_score"])
    np.testing.assert_allclose([b.get_width() for b in display.bars_["fit_time"]], search.cv_results_["mean_fit_time"])
    assert display.axes_[0].get_xlabel() == "mean_test_score" and display.axes_[1].get_xlabel() == "fit seconds"

    fits = [RecurrentTextClassifier(**SMALL, cell=c, max_epochs=2).fit(X, y) for c in ("rnn", "lstm")]
    display = ModelComparisonDisplay.from_estimators(fits, X, y)
    assert [t.get_text() for t in display.axes_[0].get_yticklabels()] == [
        "RecurrentTextClassifier (rnn)", "RecurrentTextClassifier (lstm)"]
    assert [b.get_width() for b in display.bars_["score"]] == [f.score(X, y) for f in fits]
    assert display.bars_["fit_time"][1].get_width() == pytest.approx(fits[1].history_["dur"].sum())
    with pytest.raises(ValueError, match="has no 'mean_test_f1' column"):
        ModelComparisonDisplay.from_cv_results(search.cv_results_, score="mean_test_f1")
    with pytest.raises(ValueError, match="differ in length"):
        ModelComparisonDisplay(names=["a"], scores=[1, 2], fit_times=[1])

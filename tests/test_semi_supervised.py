"""SemiSupervisedTextClassifier: the opt-in unlabelled convention, pretraining and self-training."""

import numpy as np
import pandas as pd
import pytest
from helpers import SMALL, epoch_rows, semi_supervised_data
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback

from sklearn_rnn import (BlendedTextClassifier, NgramLogisticClassifier, RecurrentTextClassifier,
                         SemiSupervisedTextClassifier)

NETWORK = RecurrentTextClassifier(**SMALL)


def semi(**params):
    return SemiSupervisedTextClassifier(**{"estimator": NETWORK, "random_state": 0, **params})


def test_pretraining_learns_from_every_row_and_the_network_from_the_labelled_ones():
    X, y, y_semi = semi_supervised_data()
    clf = semi(self_training_rounds=0).fit(X, y_semi)
    assert clf.classes_.tolist() == [0, 1]  # -1 is no class
    assert clf.n_unlabelled_ == 180 and clf.n_tokens_ == 40
    history = clf.pretraining_history_
    # 'auto' passes: 8, as 60 of the 240 rows are labelled (more than 10%).
    assert list(history.columns) == ["epoch", "pretrain_loss", "examples", "dur"] and len(history) == 8
    only_labelled = semi(pretraining="embeddings").fit(X[:60], y[:60])
    assert history["examples"].sum() > 2.5 * only_labelled.pretraining_history_["examples"].sum()  # all 240 rows
    assert history["pretrain_loss"].iloc[1] < history["pretrain_loss"].iloc[0]
    # The network starts from the pretrained vectors (scaled to unit spread) ...
    vectors = clf.estimator_.embedding_weights
    assert vectors.shape == (40, 8) and vectors[2:].std() == pytest.approx(1.0, rel=1e-4)
    plain = semi(pretraining=None, self_training_rounds=0).fit(X, y_semi)
    assert not hasattr(plain, "pretraining_history_") and plain.estimator_.embedding_weights is None
    assert not np.allclose(plain.predict_proba(X), clf.predict_proba(X))
    # ... and learns only the labelled rows: 54 of the 60, the other 6 validate.
    assert epoch_rows(plain.estimator_, 0, "train") == 54 and epoch_rows(plain.estimator_, 0, "valid") == 6
    assert clf.estimator.embedding_weights is None  # the parameter is left as given


def test_pretraining_is_reproducible_and_on_request_without_unlabelled_rows():
    X, y, y_semi = semi_supervised_data()
    a = semi(self_training_rounds=0).fit(X, y_semi).predict_proba(X)
    b = semi(self_training_rounds=0).fit(X, y_semi).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not hasattr(semi().fit(X, y), "pretraining_history_")  # 'auto', no unlabelled row
    forced = semi(pretraining="embeddings", pretraining_epochs=2).fit(X, y)
    assert len(forced.pretraining_history_) == 2 and forced.n_unlabelled_ == 0


def test_self_training_fits_a_new_model_on_the_pseudo_labelled_rows():
    X, y, y_semi = semi_supervised_data()
    params = dict(pretraining=None)
    teacher = semi(**params, self_training_rounds=0).fit(X, y_semi)
    assert not hasattr(teacher, "self_training_history_")
    clf = semi(**params, self_training_rounds=1).fit(X, y_semi)
    assert epoch_rows(clf.estimator_, 0) == 54 + 180  # the labelled training rows and every unlabelled row
    rounds = clf.self_training_history_
    assert rounds.index.tolist() == [0, 1] and list(rounds.columns) == ["valid_acc", "mean_confidence", "dur"]
    # Round 0 is the model of the labels alone; round 1's pseudo-labels are its predictions, weighted by
    # their confidence |2p - 1|.
    proba = teacher.predict_proba(X[60:])
    assert rounds.loc[1, "mean_confidence"] == pytest.approx(np.abs(2 * proba[:, 1] - 1).mean(), rel=1e-5)
    # valid_acc is the model's accuracy on the 6 held-out labelled rows: a multiple of 1/6.
    assert rounds.loc[0, "valid_acc"] * 6 == pytest.approx(round(rounds.loc[0, "valid_acc"] * 6))
    assert not np.allclose(clf.predict_proba(X), teacher.predict_proba(X))
    # A second round learns from the first round's predictions.
    two = semi(**params, self_training_rounds=2).fit(X, y_semi)
    assert two.self_training_history_.index.tolist() == [0, 1, 2]
    pd.testing.assert_frame_equal(two.self_training_history_.loc[[0, 1]].drop(columns="dur"),
                                  rounds.drop(columns="dur"))
    assert not np.allclose(two.predict_proba(X), clf.predict_proba(X))
    # self_training_epochs sets the epochs of each round's network (its max_epochs).
    one = semi(**params, self_training_rounds=1, self_training_epochs=1).fit(X, y_semi)
    assert len(one.estimator_.history_) == 1 and one.estimator_.max_epochs == 1
    assert clf.estimator_.max_epochs == 2 and len(teacher.estimator_.history_) == 3
    # Plain ids: the unlabelled rows may hold ids that no labelled row does; every model knows them.
    wider = X.copy()
    wider[100, 0] = 45
    assert semi(**params, self_training_rounds=1).fit(wider, y_semi).estimator_.n_tokens_ == 46
    # Without unlabelled rows there is nothing to self-train.
    assert not hasattr(semi(**params, self_training_rounds=1).fit(X[:60], y[:60]), "self_training_history_")


def test_the_blend_recipe_fixes_its_share_and_its_linear_model_learns_the_pseudo_labels():
    X, y, y_semi = semi_supervised_data()
    blend = BlendedTextClassifier(network=NETWORK, linear=NgramLogisticClassifier(), network_share=0.3, random_state=0)
    params = dict(estimator=blend, pretraining=None, validation_fraction=0.0)
    teacher = semi(**params, self_training_rounds=0).fit(X, y_semi)
    clf = semi(**params, self_training_rounds=1).fit(X, y_semi)
    assert clf.estimator_.network_share_ == 0.3 and teacher.estimator_.network_share_ == 0.3
    # The round's linear model learns the 60 labelled rows (weight 1) and the 180 others with the first
    # model's classes, weighted by its confidence.
    proba = teacher.predict_proba(X[60:])
    expected = NgramLogisticClassifier().fit(X, np.concatenate([y[:60], proba.argmax(axis=1)]),
                                             sample_weight=np.concatenate([np.ones(60), 2 * proba.max(axis=1) - 1]))
    np.testing.assert_allclose(clf.estimator_.linear_.coef_, expected.coef_, rtol=1e-4, atol=1e-5)
    assert clf.estimator_.linear_.coef_.shape[1] > teacher.estimator_.linear_.coef_.shape[1]  # the 180 rows' n-grams
    assert clf.self_training_history_["valid_acc"].isna().all()  # no validation rows
    assert epoch_rows(clf.estimator_.network_, 0) == 240 - 24  # the blend held out a tenth of them
    with pytest.raises(ValueError, match="give a blend its network explicitly"):
        semi(estimator=BlendedTextClassifier()).fit(X, y_semi)


class _InterruptNth(Callback):
    """Raises KeyboardInterrupt in the first batch of the ``nth`` network of a fit. The count lives on
    the class: clone deep-copies callbacks, and every round's network gets a copy."""

    trainings = 0

    def __init__(self, nth):
        self.nth = nth

    def on_train_begin(self, net, **kwargs):
        type(self).trainings += 1

    def on_batch_end(self, net, **kwargs):
        if type(self).trainings == self.nth:
            raise KeyboardInterrupt


def test_an_interrupt_ends_self_training_with_a_usable_estimator():
    X, y, y_semi = semi_supervised_data()
    _InterruptNth.trainings = 0
    with pytest.warns(UserWarning, match="interrupted"):
        clf = semi(estimator=clone(NETWORK).set_params(callbacks=[_InterruptNth(2)]), pretraining=None,
                   self_training_rounds=3).fit(X, y_semi)  # in round 1
    assert _InterruptNth.trainings == 2 and clf.self_training_history_.index.tolist() == [0, 1]
    assert clf.estimator_.interrupted_ and np.isfinite(clf.predict_proba(X)).all()
    _InterruptNth.trainings = 0
    with pytest.warns(UserWarning, match="interrupted"):
        clf = semi(estimator=clone(NETWORK).set_params(callbacks=[_InterruptNth(1)]), pretraining=None,
                   self_training_rounds=3).fit(X, y_semi)  # in the labelled fit: no self-training at all
    assert _InterruptNth.trainings == 1 and not hasattr(clf, "self_training_history_")
    # Early stopping ends training with a KeyboardInterrupt inside skorch too; it is no interrupt.
    stopping = clone(NETWORK).set_params(max_epochs=30, n_iter_no_change=1, lr=0.05)
    clf = semi(estimator=stopping, pretraining=None, self_training_rounds=3, self_training_epochs=4).fit(X, y_semi)
    assert clf.self_training_history_.index.tolist() == [0, 1, 2, 3]


def test_auto_self_trains_two_rounds_when_labels_are_at_most_a_tenth_of_the_rows():
    params = dict(pretraining=None, self_training_epochs=1)
    X, y, y_semi = semi_supervised_data(n=240, n_labelled=24)  # 10% labelled
    assert semi(**params).fit(X, y_semi).self_training_history_.index.tolist() == [0, 1, 2]
    X, y, y_semi = semi_supervised_data(n=240, n_labelled=25)  # just over 10%
    assert not hasattr(semi(**params).fit(X, y_semi), "self_training_history_")


def test_pretraining_epochs_auto_makes_fewer_passes_when_labels_are_at_most_a_tenth_of_the_rows():
    params = dict(self_training_rounds=0)
    X, y, y_semi = semi_supervised_data(n=240, n_labelled=24)  # 10% labelled
    assert len(semi(**params).fit(X, y_semi).pretraining_history_) == 5
    assert len(semi(**params).pretrain(X, y_semi).pretraining_history_) == 5
    assert len(semi(**params).pretrain(X).pretraining_history_) == 5  # no y: none labelled
    X, y, y_semi = semi_supervised_data(n=240, n_labelled=25)  # just over 10%
    assert len(semi(**params).fit(X, y_semi).pretraining_history_) == 8
    assert len(semi(**params).pretrain(X, y_semi).pretraining_history_) == 8
    assert len(semi(**params, pretraining_epochs=3).fit(X, y_semi).pretraining_history_) == 3  # an int is the count


def test_the_first_network_of_few_labels_gets_its_600_steps():
    X, y, y_semi = semi_supervised_data()  # 54 labelled training rows: 4 batches of 16
    network = clone(NETWORK).set_params(max_epochs="auto", early_stopping=False)
    clf = semi(estimator=network, pretraining=None, self_training_rounds=1, self_training_epochs=1).fit(X, y_semi)
    assert len(clf.estimator_.history_) == 1  # the round's network
    first = semi(estimator=network, pretraining=None, self_training_rounds=0).fit(X, y_semi)
    assert len(first.estimator_.history_) == 40  # 150 epochs would make 600 steps: at most 40


def test_the_unlabelled_marker_for_string_labels_and_none():
    X, y, y_semi = semi_supervised_data()
    names = np.array(["neg", "pos"], dtype=object)[y]
    names[60:] = "?"
    clf = semi(unlabelled="?", self_training_rounds=0).fit(X, names)
    assert clf.classes_.tolist() == ["neg", "pos"] and clf.n_unlabelled_ == 180
    # unlabelled=None: -1 is a class like any other, as in every other estimator.
    as_class = semi(unlabelled=None).fit(X, y_semi)
    assert as_class.classes_.tolist() == [-1, 0, 1] and as_class.n_unlabelled_ == 0
    assert semi(unlabelled=None).fit(X, y - 1).classes_.tolist() == [-1, 0]
    with pytest.raises(ValueError, match="already"):
        semi(estimator=clone(NETWORK).set_params(embedding_weights=np.ones((40, 8))),
             pretraining="embeddings").fit(X, y_semi)
    # Labels -1 and 1: with the marker -1 only one class is labelled, which is said.
    with pytest.raises(ValueError, match=r"hold 1 class; SemiSupervisedTextClassifier needs 2. If -1 is a class, "
                                         r"set unlabelled=None"):
        semi().fit(X, np.where(y == 1, 1, -1))


def test_unlabelled_rows_never_count_in_a_score_in_a_pipeline_and_a_search():
    X, y, y_semi = semi_supervised_data()
    clf = semi(pretraining=None, self_training_rounds=0).fit(X, y_semi)
    assert clf.score(X, y_semi) == clf.score(X[:60], y[:60])
    # Were the unlabelled rows counted, they would all be errors (-1 is never predicted).
    assert (clf.predict(X) == y_semi).mean() <= 0.25 < clf.score(X, y_semi)
    assert np.isnan(clf.score(X[60:], y_semi[60:]))
    pipe = make_pipeline(semi(pretraining=None, self_training_rounds=0))
    assert pipe.fit(X, y_semi).score(X, y_semi) == pipe[-1].score(X[:60], y[:60])
    # Folds of a search hold labelled and unlabelled rows; each fold's score is its labelled rows'.
    folds = list(KFold(2, shuffle=True, random_state=0).split(X))
    search = GridSearchCV(semi(pretraining=None, self_training_rounds=0), {"estimator__hidden_size": [4]}, cv=folds,
                          error_score="raise").fit(X, y_semi)
    for i, (train, test) in enumerate(folds):
        fold = clone(search.estimator).set_params(estimator__hidden_size=4).fit(X[train], y_semi[train])
        labelled = test[y_semi[test] != -1]
        expected = fold.score(X[labelled], y[labelled]) if len(labelled) else np.nan
        np.testing.assert_allclose(search.cv_results_[f"split{i}_test_score"][0], expected)


def test_pretrain_once_serves_every_candidate_of_a_search(monkeypatch):
    from sklearn_rnn import pretraining

    X, y, y_semi = semi_supervised_data()
    clf = semi(self_training_rounds=0).pretrain(X, y_semi)
    vectors = clf.estimator.embedding_weights
    assert vectors.shape == (40, SMALL["embedding_dim"]) and len(clf.pretraining_history_) == 8
    np.testing.assert_allclose(vectors[2:].std(), 1.0, rtol=1e-4)
    # The same vectors as fit's own pretraining on the same rows (8 passes: 25% of them labelled).
    fitted = semi(self_training_rounds=0).fit(X, y_semi)
    np.testing.assert_allclose(clf.pretraining_history_["pretrain_loss"], fitted.pretraining_history_["pretrain_loss"])
    np.testing.assert_array_equal(fitted.estimator_.embedding_weights, vectors)
    calls = []
    original = pretraining.pretrain_embeddings
    monkeypatch.setattr(pretraining, "pretrain_embeddings", lambda *a, **k: calls.append(1) or original(*a, **k))
    search = GridSearchCV(clf, {"estimator__hidden_size": [4, 8]}, cv=2, error_score="raise").fit(X, y_semi)
    assert calls == []  # no candidate pretrained again
    best = search.best_estimator_
    np.testing.assert_array_equal(best.estimator.embedding_weights, vectors)
    # The pretrained start matters: without it the same fit gives other probabilities.
    plain = clone(best).set_params(estimator__embedding_weights=None, pretraining=None).fit(X, y_semi)
    assert not np.allclose(plain.predict_proba(X), best.predict_proba(X))
    semi(self_training_rounds=0).fit(X, y_semi)  # fit's own pretraining still runs when asked for
    assert calls == [1]
    with pytest.raises(ValueError, match="embedding_weights is already set"):
        clf.pretrain(X)

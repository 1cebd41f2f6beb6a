"""Fitting a network: epochs and their history, validation, early stopping, interrupts, checkpoints."""

import subprocess
import sys
import threading

import numpy as np
import pytest
import torch
from helpers import SMALL, InterruptAt, RecordRate, RecordValidation, epoch_rows, make_reviews
from sklearn.metrics import log_loss
from sklearn.pipeline import Pipeline
from skorch.callbacks import Callback

import sklearn_rnn
from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.regularization import penalized_weights


def test_learns_a_pipeline_on_text(rng):
    docs, y = make_reviews(rng)
    model = Pipeline([("vec", SequenceVectorizer()),
                      ("clf", RecurrentTextClassifier(cell="gru", bidirectional=True, embedding_dim=16,
                                                      hidden_size=16, lr=0.02, max_epochs=15,
                                                      validation_fraction=0.0, random_state=0))])
    model.fit(docs[:90], y[:90])
    assert model.score(docs[90:], y[90:]) >= 0.9
    assert model.predict(["an excellent movie", "a boring script"]).tolist() == ["pos", "neg"]


def test_history_and_parameter_counts(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "embedding_dim": 32, "hidden_size": 32}, ngram_buckets=0).fit(X, y)
    assert list(clf.history_.columns) == ["train_loss", "train_acc", "valid_loss", "valid_acc", "dur"]
    assert len(clf.history_) == 3 and not clf.interrupted_
    table = clf.layer_parameters_.set_index("layer")
    # PyTorch's LSTM has two bias vectors: 4 * 32 * (32 + 32) + 2 * 4 * 32
    assert table.loc["encoder.forward_layers.0", "parameters"] == 8448
    assert table.loc["embedding.embedding", "parameters"] == clf.n_tokens_ * 32
    assert clf.n_parameters_ == sum(p.numel() for p in clf.net_.module_.parameters())
    no_valid = RecurrentTextClassifier(**SMALL, validation_fraction=0).fit(X, y)
    assert "valid_loss" not in no_valid.history_


def test_the_accuracies_in_the_history_count_the_epochs_right_predictions(ids_data):
    X, y = ids_data
    record = RecordValidation()
    clf = RecurrentTextClassifier(**{**SMALL, "lr": 0.05}, validation_fraction=0.25, callbacks=[record]).fit(X, y)
    assert epoch_rows(clf, -1, "valid") == 20
    # The last epoch's valid_acc is the accuracy of that epoch's network on the validation rows: the
    # network the fit ends with (no early stopping here).
    valid = RecordValidation()
    clf.set_params(warm_start=True, max_epochs=1, lr=1e-12, callbacks=[valid]).fit(X, y)
    assert 0 <= clf.history_["train_acc"].iloc[-1] <= 1 and clf.history_["valid_acc"].between(0, 1).all()


def test_validation_split_is_stratified(rng):
    X = rng.randint(2, 30, (100, 6))
    y = np.array([0] * 80 + [1] * 20)
    record = RecordValidation()
    RecurrentTextClassifier(**SMALL, validation_fraction=0.2, callbacks=[record]).fit(X, y)
    assert np.bincount(np.concatenate(record.targets)).tolist() == [16, 4]
    tiny = RecurrentTextClassifier(**SMALL, validation_fraction=0.5).fit(X[:3], [0, 1, 1])
    assert len(tiny.history_) == 3  # too few rows to stratify: a plain split still works


def test_validation_data_replaces_the_held_out_rows(ids_data):
    X, y = ids_data
    record = RecordValidation()
    clf = RecurrentTextClassifier(**SMALL, validation_fraction=0.5, callbacks=[record])
    clf.fit(X[:60], y[:60], validation_data=(X[60:], y[60:]))
    assert epoch_rows(clf, 0, "train") == 60 and epoch_rows(clf, 0, "valid") == 20  # not half of 60
    np.testing.assert_array_equal(np.sort(np.concatenate(record.targets)), np.sort(y[60:]))
    # The validation loss is the log loss of the network on those rows (the last epoch's weights here).
    assert clf.history_["valid_loss"].iloc[-1] == pytest.approx(
        log_loss(y[60:], clf.predict_proba(X[60:]), labels=[0, 1]), rel=1e-4)
    weighted = RecurrentTextClassifier(**SMALL).fit(X[:60], y[:60], validation_data=(X[60:], y[60:], 2 * y[60:] + 1))
    assert weighted.history_["valid_loss"].iloc[-1] != pytest.approx(clf.history_["valid_loss"].iloc[-1])
    with pytest.raises(ValueError, match=r"validation_data must be \(X_val, y_val\)"):
        clf.fit(X, y, validation_data=X)
    with pytest.raises(ValueError, match=r"labels \[7\] that y does not hold \(validation_data\)"):
        RecurrentTextClassifier(**SMALL, warm_start=True).fit(X, y).fit(X, y, validation_data=(X[:2], [7, 0]))


def test_early_stopping_restores_the_best_epoch(ids_data):
    X, y = ids_data
    # One training label in 8 flipped: the network overfits them, so the validation loss turns up
    # (on clean labels it falls towards 1e-6, below what float32 probabilities resolve).
    noisy = y.copy()
    noisy[:56:8] ^= 1
    clf = RecurrentTextClassifier(**{**SMALL, "lr": 0.2, "max_epochs": 40}, early_stopping=True, n_iter_no_change=3)
    clf.fit(X[:56], noisy[:56], validation_data=(X[56:], y[56:]))
    history = clf.history_
    assert len(history) < 40
    best = history["valid_loss"].idxmin()
    assert best < history.index[-1]
    loss = log_loss(y[56:], clf.predict_proba(X[56:]), labels=[0, 1])
    assert loss == pytest.approx(history["valid_loss"].min(), rel=1e-4)


@pytest.mark.parametrize("rows, epochs, patience", [(22_500, 5, 2), (900, 40, 16), (4_500, 9, 3), (1_800, 21, 8)])
def test_max_epochs_auto_gives_a_small_fit_600_steps(rows, epochs, patience):
    # 'auto': AUTO_MAX_EPOCHS (5) epochs, or as many as make 600 steps of 64 rows, at most 40; early
    # stopping's patience (2) grows by the same factor. 22,500 rows make 352 batches an epoch.
    rng = np.random.RandomState(0)
    X = rng.randint(2, 9, size=(rows, 1))
    params = dict(hidden_size=1, embedding_dim=1, bidirectional=False, ngram_buckets=0, validation_fraction=0.0,
                  random_state=0)
    clf = RecurrentTextClassifier(**params, early_stopping=False).fit(X, X[:, 0] % 2)
    assert len(clf.history_) == epochs
    with pytest.warns(UserWarning, match="interrupted"):
        stopped = RecurrentTextClassifier(**params, callbacks=[InterruptAt(1)]).fit(X[:rows], X[:, 0] % 2)
    assert dict(stopped.net_.callbacks_)["early_stopping"].patience == patience
    pinned = RecurrentTextClassifier(**params, max_epochs=3, early_stopping=False).fit(X[:900], X[:900, 0] % 2)
    assert len(pinned.history_) == 3  # an int is the count


@pytest.mark.parametrize("schedule", ["constant", "onecycle"])
def test_lr_schedule_sets_the_rate_of_every_batch(ids_data, schedule):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "max_epochs": 5, "batch_size": 8}, lr_schedule=schedule,
                                  validation_fraction=0.0, callbacks=[RecordRate()]).fit(X, y)
    rates = np.array([rate for epoch in clf.net_.history for rate in (b["rate"] for b in epoch["batches"])])
    assert len(rates) == 5 * 10  # 80 rows in batches of 8, 5 epochs
    if schedule == "constant":
        np.testing.assert_allclose(rates, 0.01)
        return
    peak = int(np.argmax(rates))
    assert rates[peak] == pytest.approx(0.01, rel=1e-3) and peak == pytest.approx(0.3 * len(rates), abs=1)
    assert rates[0] == pytest.approx(0.01 / 25) and rates[-1] == pytest.approx(0.01 / 25 / 1e4)
    assert (np.diff(rates[:peak + 1]) > 0).all() and (np.diff(rates[peak:]) < 0).all()


def test_warm_start_continues_training(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL, warm_start=True).fit(X, y)
    first = clf.net_.module_.head[-1].weight.detach().clone()
    clf.fit(X, y)
    assert len(clf.history_) == 6
    assert not torch.equal(first, clf.net_.module_.head[-1].weight)
    with pytest.raises(ValueError, match="not seen in the first fit"):
        clf.fit(X, np.where(y == 1, 2, 0))


def test_warm_start_in_a_pipeline_keeps_the_vocabulary_or_fails(rng):
    docs, y = make_reviews(rng, n=80)
    model = Pipeline([("vec", SequenceVectorizer()), ("clf", RecurrentTextClassifier(**SMALL, warm_start=True))])
    model.fit(docs, y)
    model.fit(docs, y)  # the same documents give the same vocabulary: training goes on
    assert len(model.named_steps["clf"].history_) == 2 * SMALL["max_epochs"]
    other = [d.replace("movie", "film").replace("plot", "story") for d in docs[:40]]
    with pytest.raises(ValueError, match="ids from another vocabulary .* SequenceVectorizer was refitted"):
        model.fit(other, y[:40])


def test_ids_beyond_the_fitted_id_space_and_empty_rows(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL).fit(X, y)
    big = np.full((2, X.shape[1]), 10_000)
    with pytest.raises(ValueError, match=r"X holds the id 10000, but RecurrentTextClassifier was fitted on ids "
                                         r"below 30 \(n_tokens_\)"):
        clf.predict_proba(big)
    empty = np.zeros((3, X.shape[1]), dtype=int)
    proba = clf.predict_proba(empty)
    assert np.isfinite(proba).all() and np.allclose(proba, proba[0])


def test_frozen_pretrained_embeddings_stay_unchanged(ids_data, rng):
    X, y = ids_data
    weights = rng.normal(size=(40, 8)).astype(np.float32)
    clf = RecurrentTextClassifier(**SMALL, embedding_weights=weights, freeze_embedding=True).fit(X, y)
    learnt = clf.net_.module_.embedding.embedding.weight.detach().numpy()
    np.testing.assert_array_equal(learnt[1:], weights[1:])
    assert not learnt[0].any()  # padding row
    assert clf.n_tokens_ == 40
    trained = RecurrentTextClassifier(**SMALL, embedding_weights=weights).fit(X, y)
    assert not np.allclose(trained.net_.module_.embedding.embedding.weight.detach().numpy()[2:], weights[2:])
    with pytest.raises(ValueError, match="embedding_weights"):
        RecurrentTextClassifier(**SMALL, embedding_weights=weights[:, :4]).fit(X, y)


def _l1(clf):
    return sum(p.abs().sum().item() for p in penalized_weights(clf.net_.module_))


def test_l1_penalty_shrinks_weights(ids_data):
    X, y = ids_data
    params = dict(SMALL, max_epochs=10, lr=0.01)
    plain = RecurrentTextClassifier(**params).fit(X, y)
    penalized = RecurrentTextClassifier(**params, regularizer="l1", alpha=1e-2).fit(X, y)
    assert _l1(penalized) < 0.7 * _l1(plain)
    custom = RecurrentTextClassifier(**params, regularizer=lambda w: 1e-2 * w.abs().sum()).fit(X, y)
    assert _l1(custom) < 0.7 * _l1(plain)


def test_history_reports_the_data_loss_and_the_penalty_apart(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL, regularizer="l1", alpha=0.1).fit(X, y)
    history = clf.history_
    assert list(history.columns) == ["train_loss", "train_penalty", "train_acc", "valid_loss", "valid_acc", "dur"]
    # The penalty of an 8-unit LSTM at alpha=0.1 is several nats; the data loss of
    # two classes stays below log(2) + a little, as the validation loss does.
    assert (history["train_penalty"] > 1.0).all()
    assert (history["train_loss"] < 0.8).all()
    assert (abs(history["train_loss"] - history["valid_loss"]) < 0.2).all()


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_orthogonal_initializer_makes_each_gate_orthogonal(ids_data, cell):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "max_epochs": 1, "lr": 1e-12}, cell=cell,
                                  initializer="orthogonal").fit(X, y)
    rnn = clf.net_.module_.encoder.forward_layers[0]
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[cell]
    for block in rnn.weight_hh_l0.detach().chunk(gates):
        np.testing.assert_allclose(block @ block.T, np.eye(8), atol=1e-4)
    assert float(rnn.bias_hh_l0.detach().abs().max()) < 1e-9


def test_named_initializers_change_the_weights(ids_data):
    X, y = ids_data
    params = {**SMALL, "max_epochs": 1, "lr": 1e-12}
    normal = RecurrentTextClassifier(**params, initializer="random_normal").fit(X, y)
    w = normal.net_.module_.encoder.forward_layers[0].weight_ih_l0.detach()
    assert 0.03 < float(w.std()) < 0.07
    uniform = RecurrentTextClassifier(**params, initializer="random_uniform").fit(X, y)
    assert float(uniform.net_.module_.encoder.forward_layers[0].weight_ih_l0.detach().abs().max()) <= 0.05


def test_verbose(ids_data, capsys):
    X, y = ids_data
    RecurrentTextClassifier(**SMALL).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    RecurrentTextClassifier(**SMALL, verbose=1).fit(X, y)
    captured = capsys.readouterr()
    assert "train_loss" in captured.out and "valid_acc" in captured.out


def test_an_interrupted_fit_keeps_the_best_weights_and_says_so(ids_data):
    X, y = ids_data
    params = {**SMALL, "lr": 0.05, "max_epochs": 8, "validation_fraction": 0.3}
    with pytest.warns(UserWarning, match=r"interrupted \(KeyboardInterrupt\) after 5 complete epoch\(s\); "
                                         r"RecurrentTextClassifier keeps the weights of epoch \d"):
        clf = RecurrentTextClassifier(**params, callbacks=[InterruptAt(6)]).fit(X, y)
    assert len(clf.history_) == 5 and clf.interrupted_
    best = int(clf.history_["valid_loss"].idxmin())
    # The weights are those of the best epoch: an uninterrupted fit of that many epochs has them too.
    reference = RecurrentTextClassifier(**{**params, "max_epochs": best}).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), reference.predict_proba(X), atol=1e-6)
    assert not reference.interrupted_


def test_an_interrupt_in_the_first_epoch_still_leaves_a_usable_estimator(ids_data):
    X, y = ids_data
    with pytest.warns(UserWarning, match="after 0 complete epoch.*unfinished first epoch"):
        clf = RecurrentTextClassifier(**SMALL, callbacks=[InterruptAt(1)]).fit(X, y)
    assert np.isfinite(clf.predict_proba(X)).all() and clf.history_.empty


def test_a_checkpoint_predicts_as_the_estimator_did_at_its_epoch_and_resumes(ids_data, tmp_path):
    X, y = ids_data
    y = np.where(np.random.RandomState(1).uniform(size=len(y)) < 0.2, 1 - y, y)  # noise: the best epoch is early
    params = {**SMALL, "lr": 0.1, "max_epochs": 6, "validation_fraction": 0.3, "early_stopping": False}
    clf = RecurrentTextClassifier(**params, checkpoint_dir=tmp_path / "ckpt").fit(X, y)
    path = tmp_path / "ckpt" / "checkpoint.safetensors"
    saved = sklearn_rnn.load(path, expected=RecurrentTextClassifier)
    best = int(clf.history_["valid_loss"].idxmin())
    assert saved.history_.index[-1] == best < 6  # written at the best epoch, not the last
    # What the estimator predicted at that epoch: the same fit (the same seed) stopped there.
    at_best = RecurrentTextClassifier(**{**params, "max_epochs": best}).fit(X, y)
    np.testing.assert_allclose(saved.predict_proba(X), at_best.predict_proba(X), atol=1e-6)
    assert not np.allclose(saved.predict_proba(X), clf.predict_proba(X))  # the last epoch's weights differ
    assert saved.classes_.tolist() == clf.classes_.tolist() and saved.n_tokens_ == clf.n_tokens_
    resumed = saved.set_params(warm_start=True, max_epochs=2, checkpoint_dir=None).fit(X, y)
    assert list(resumed.history_.index) == list(range(1, best + 3))


def test_checkpoint_dir_with_a_parameter_the_safe_format_cannot_hold_fails_before_training(ids_data, tmp_path):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL, callbacks=[InterruptAt(99)], checkpoint_dir=tmp_path)
    with pytest.raises(TypeError, match="RecurrentTextClassifier.callbacks=.* cannot be saved in the safe format"):
        clf.fit(X, y)
    assert not hasattr(clf, "history_")


class _Poison(Callback):
    def on_batch_begin(self, net, **kwargs):
        if len(net.history) == 2 and len(net.history[-1, "batches"]) == 1:
            with torch.no_grad():
                net.module_.head[-1].bias.fill_(float("inf"))


def test_a_non_finite_loss_stops_with_an_error_naming_the_epoch(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL, callbacks=[_Poison()])
    with pytest.raises(FloatingPointError, match="training loss became nan at epoch 2, batch 1; training stopped"):
        clf.fit(X, y)


DETERMINISM_SCRIPT = """
import numpy as np
from sklearn_rnn import RecurrentTextClassifier
rng = np.random.RandomState(0)
X = rng.randint(0, 30, (80, 12))
y = (X == 5).any(axis=1).astype(int)
for cell in ("gru", "gru", "lstm", "rnn", "rnn"):
    clf = RecurrentTextClassifier(cell=cell, embedding_dim=8, hidden_size=8, max_epochs=3, batch_size=16,
                                  spatial_dropout=0.2, dropout=0.2, random_state=0).fit(X, y)
    print(clf.predict_proba(X).tobytes().hex())
"""


@pytest.mark.slow  # fresh interpreters
def test_the_same_random_state_gives_identical_predictions_in_and_across_processes():
    runs = [subprocess.run([sys.executable, "-c", DETERMINISM_SCRIPT], capture_output=True, text=True, check=True)
            .stdout.split() for _ in range(2)]
    assert runs[0] == runs[1] and len(runs[0][0]) > 100
    # A process's first GRU (and RNN) fit equals its next: the fused kernel's one-time self-check
    # draws nothing from torch's generator inside the first fit.
    gru, gru_again, lstm, rnn, rnn_again = runs[0]
    assert gru == gru_again and rnn == rnn_again and len({gru, lstm, rnn}) == 3


def test_concurrent_predict_proba_matches_sequential(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL, bidirectional=True).fit(X, y)
    chunks = [X[i::4] for i in range(4)]
    expected = [clf.predict_proba(chunk) for chunk in chunks]
    results, errors = {}, []

    def work(i):
        try:
            results[i] = [clf.predict_proba(chunks[i]) for _ in range(5)]
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for i in range(4):
        for got in results[i]:
            np.testing.assert_array_equal(got, expected[i])


class CountPasses(Callback):
    """Counts training batches and the backward passes (gradients computed) of a fit."""

    def __init__(self):
        self.batches = self.gradients = 0

    def on_grad_computed(self, net, named_parameters, **kwargs):
        self.gradients += 1

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        self.batches += bool(training)


@pytest.mark.parametrize("ngrams", ["tfidf", "embedding", None])
def test_each_training_batch_runs_one_forward_and_backward_pass(ids_data, ngrams):
    # The bigram tables have their own sparse optimizer; a closure handed to both optimizers
    # would run every batch twice.
    X, y = ids_data
    count = CountPasses()
    clf = RecurrentTextClassifier(**SMALL, ngrams=ngrams, callbacks=[count]).fit(X, y)
    assert hasattr(clf.net_, "optimizer_sparse_") == (ngrams == "tfidf")
    assert count.batches > 0 and count.gradients == count.batches


def test_an_optimizer_that_needs_a_closure_still_trains_beside_the_sparse_part(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "lr": 0.1}, optimizer=torch.optim.LBFGS).fit(X, y)
    assert hasattr(clf.net_, "optimizer_sparse_") and np.isfinite(clf.history_["train_loss"]).all()

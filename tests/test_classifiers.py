import io
import itertools

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from skorch.callbacks import Callback

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn import _hardware
from sklearn_rnn._config import flush_denormal_enabled
from sklearn_rnn.classifiers import SELF_TRAINING_NETWORK_SHARE
from sklearn_rnn.linear import NgramLogisticModel

# The network alone: the linear n-gram model beside it has its own tests (test_linear.py), and on
# corpora this small it would take the whole average and hide what these tests look at.
SMALL = dict(embedding_dim=8, hidden_size=8, max_epochs=3, batch_size=16, lr=0.01, random_state=0,
             linear_ngrams=False)


def make_reviews(rng, n=120):
    good, bad = ["great", "excellent", "superb"], ["poor", "awful", "boring"]
    filler = ["the", "movie", "plot", "acting", "was", "and", "a", "script"]
    docs, labels = [], []
    for _ in range(n):
        label = rng.randint(2)
        words = list(rng.choice(filler, rng.randint(2, 8)))
        words.insert(rng.randint(len(words) + 1), rng.choice(good if label else bad))
        docs.append(" ".join(words))
        labels.append("pos" if label else "neg")
    return docs, np.array(labels)


ARCHITECTURES = list(itertools.product(["rnn", "lstm", "gru"], [False, True], [8, (8, 6)],
                                       ["last", "max", "mean", "attention"]))


@pytest.mark.parametrize("cell, bidirectional, hidden_size, pooling", ARCHITECTURES)
def test_architectures_predict_the_same_alone_and_in_any_batch(ids_data, cell, bidirectional, hidden_size, pooling):
    X, y = ids_data
    clf = RecurrentTextClassifier(cell=cell, bidirectional=bidirectional, pooling=pooling,
                                  **{**SMALL, "hidden_size": hidden_size, "max_epochs": 1}).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    alone = np.vstack([clf.predict_proba(X[i:i + 1]) for i in range(0, len(X), 7)])
    np.testing.assert_allclose(alone, proba[::7], atol=1e-5)
    # the same documents padded after their tokens instead of before
    wide = np.zeros((len(X), X.shape[1]), dtype=np.int64)
    for i, row in enumerate(X):
        tokens = row[row != 0]
        wide[i, : len(tokens)] = tokens
    np.testing.assert_allclose(clf.predict_proba(wide), proba, atol=1e-5)
    sizes = (hidden_size,) if isinstance(hidden_size, int) else hidden_size
    assert len(clf.net_.module_.encoder.forward_layers) == len(sizes)
    assert clf.net_.module_.encoder.output_size == sizes[-1] * (2 if bidirectional else 1)


@pytest.mark.parametrize("pooling", ["last", "max"])
def test_the_bigram_branch_keeps_batch_invariance_and_learns(ids_data, pooling):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "max_epochs": 1}, bidirectional=True, pooling=pooling,
                                  ngram_buckets=64).fit(X, y)
    assert clf.net_.module_.bigrams.embedding.num_embeddings == 65
    proba = clf.predict_proba(X)
    alone = np.vstack([clf.predict_proba(X[i:i + 1]) for i in range(0, len(X), 7)])
    np.testing.assert_allclose(alone, proba[::7], atol=1e-5)
    plain = RecurrentTextClassifier(**{**SMALL, "max_epochs": 1}, bidirectional=True, pooling=pooling).fit(X, y)
    assert not np.allclose(plain.predict_proba(X), proba)  # the branch takes part


def test_packed_path_matches_dense_path(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(cell="lstm", bidirectional=True, hidden_size=(8, 6), pooling="last",
                                  **{k: v for k, v in SMALL.items() if k != "hidden_size"}).fit(X, y)
    dense = clf.predict_proba(X)
    clf.net_.module_.encoder.packed = True
    np.testing.assert_allclose(clf.predict_proba(X), dense, atol=1e-5)


@pytest.mark.parametrize("labels", [["neg", "pos"], [3, 7], ["a", "b", "c"], [0, 1, 2, 3]])
def test_label_types_and_multiclass(rng, labels):
    X = rng.randint(0, 20, (60, 6))
    y = np.array(labels)[X[:, -1] % len(labels)]
    clf = RecurrentTextClassifier(**SMALL).fit(X, y)
    assert clf.classes_.tolist() == sorted(labels)
    assert clf.n_classes_ == len(labels)
    pred = clf.predict(X)
    assert pred.dtype == y.dtype and set(pred) <= set(labels)
    assert clf.predict_proba(X).shape == (60, len(labels))
    assert clf.score(X, y) == pytest.approx(np.mean(pred == y))


def test_learns_a_pipeline_on_text(rng):
    docs, y = make_reviews(rng)
    model = Pipeline([("vec", SequenceVectorizer()),
                      ("clf", RecurrentTextClassifier(cell="gru", bidirectional=True, embedding_dim=16,
                                                      hidden_size=16, lr=0.02, max_epochs=15,
                                                      validation_fraction=0.0, random_state=0))])
    model.fit(docs[:90], y[:90])
    assert model.score(docs[90:], y[90:]) >= 0.9
    assert model.predict(["an excellent movie", "a boring script"]).tolist() == ["pos", "neg"]


def test_grid_search_regularizer_initializer_optimizer(rng):
    docs, y = make_reviews(rng, n=60)
    pipe = Pipeline([("vec", SequenceVectorizer()), ("clf", RecurrentTextClassifier(**SMALL))])
    grid = {
        "clf__regularizer": ["l1", "l2", "l1_l2"],
        "clf__initializer": ["random_normal", "glorot_uniform", "glorot_normal", "he_normal", "orthogonal"],
        "clf__optimizer": ["adam", "rmsprop"],
    }
    # log loss is continuous: two candidates that differ in one setting score
    # differently unless that setting is ignored (every fit has the same seed).
    search = GridSearchCV(pipe, grid, cv=2, scoring="neg_log_loss", error_score="raise").fit(docs, y)
    results = search.cv_results_
    assert len(results["params"]) == 30
    scores = {tuple(sorted(p.items())): results["split0_test_score"][i] for i, p in enumerate(results["params"])}
    for name, values in grid.items():
        for params, score in scores.items():
            params = dict(params)
            others = [scores[tuple(sorted({**params, name: v}.items()))] for v in values if v != params[name]]
            assert all(abs(score - other) > 1e-7 for other in others), (name, params)
    best = search.best_estimator_.named_steps["clf"]
    assert type(best.net_.optimizer_).__name__.lower() == best.optimizer
    assert best.net_.penalty.regularizer == best.regularizer


def test_clone_set_params_and_optimizer_params(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(optimizer="sgd", optimizer_params={"momentum": 0.9}, **SMALL)
    twin = clone(clf)
    assert twin.get_params() == clf.get_params()
    assert twin.optimizer_params == {"momentum": 0.9} and twin.optimizer_params is not clf.optimizer_params
    twin.set_params(optimizer_params={"momentum": 0.5}, cell="gru").fit(X, y)
    assert twin.net_.optimizer_.param_groups[0]["momentum"] == 0.5
    assert isinstance(twin.net_.module_.encoder.forward_layers[0], torch.nn.GRU)
    assert not hasattr(clf, "net_")
    rms = RecurrentTextClassifier(optimizer="rmsprop", **SMALL).fit(X, y)
    assert rms.net_.optimizer_.param_groups[0]["alpha"] == 0.9  # Keras's rho


@pytest.mark.parametrize("keras_name, ours", [
    ("epochs", "max_epochs"), ("validation_split", "validation_fraction"), ("units", "hidden_size"),
    ("patience", "n_iter_no_change"), ("kernel_regularizer", "regularizer"),
    ("kernel_initializer", "initializer"),
])
def test_keras_names_are_a_type_error_that_names_ours(keras_name, ours):
    with pytest.raises(TypeError, match=f"unknown parameter '{keras_name}': use {ours} "):
        RecurrentTextClassifier(**{keras_name: 2})
    with pytest.raises(ValueError, match=f"use {ours} "):  # set_params, as GridSearchCV calls it
        RecurrentTextClassifier().set_params(**{keras_name: 2})


@pytest.mark.parametrize("key, match", [
    ("hiden_size", "did you mean hidden_size"),
    ("optimizer__momentum", r"optimizer_params=\{'momentum'"),
    ("optimiser__momentum", r"optimizer_params=\{'momentum'"),
    ("iterator_train__shuffle", "nested parameters"),
    ("module__hidden_size", "nested parameters"),
])
def test_unknown_keywords_and_prefixes_are_type_errors(key, match):
    with pytest.raises(TypeError, match=match):
        RecurrentTextClassifier(**{key: 1})


def test_a_typo_in_a_grid_is_an_error_not_a_silent_no_op(ids_data):
    X, y = ids_data
    pipe = Pipeline([("clf", RecurrentTextClassifier(**SMALL))])
    search = GridSearchCV(pipe, {"clf__hiden_size": [4, 8]}, cv=2, error_score="raise")
    with pytest.raises(ValueError, match="did you mean hidden_size"):
        search.fit(X, y)


def test_every_parameter_survives_clone():
    values = dict(cell="gru", bidirectional=True, hidden_size=(6, 4), pooling="max", embedding_dim=12, ngram_buckets=99,
                  linear_ngrams=False, linear_C=3.0, pretraining="embeddings", pretraining_epochs=3, self_training_rounds=2, self_training_epochs=3,
                  unlabelled="?",
                  embedding_weights=np.ones((5, 12)), freeze_embedding=True, spatial_dropout=0.1, dropout=0.2,
                  dense_layers=(7,), activation="tanh", optimizer="sgd", optimizer_params={"momentum": 0.3},
                  lr=0.02, lr_schedule="onecycle", regularizer="l2", alpha=0.1, l1_ratio=0.2, initializer="orthogonal", batch_size=9,
                  max_epochs=4, clip_grad_norm=2.0, early_stopping=True, validation_fraction=0.3,
                  n_iter_no_change=5, class_weight={0: 2.0}, callbacks=[], checkpoint_dir="ckpt", random_state=3,
                  device="auto",
                  n_threads=1, precision="bfloat16", verbose=1, warm_start=True)
    clf = RecurrentTextClassifier(**values)
    assert set(values) == set(clf.get_params())  # the table above covers every parameter
    params = clone(clf).get_params()
    for name, value in values.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(params[name], value)
        else:
            assert params[name] == value, name


class _RecordRate(Callback):
    def on_batch_end(self, net, training=False, **kwargs):
        if training:
            net.history.record_batch("rate", net.optimizer_.param_groups[0]["lr"])


@pytest.mark.parametrize("schedule", ["constant", "onecycle"])
def test_lr_schedule_sets_the_rate_of_every_batch(ids_data, schedule):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "max_epochs": 5, "batch_size": 8}, lr_schedule=schedule,
                                  validation_fraction=0.0, callbacks=[_RecordRate()]).fit(X, y)
    rates = np.array([rate for epoch in clf.net_.history for rate in (b["rate"] for b in epoch["batches"])])
    assert len(rates) == 5 * 10  # 80 rows in batches of 8, 5 epochs
    if schedule == "constant":
        np.testing.assert_allclose(rates, 0.01)
        return
    peak = int(np.argmax(rates))
    assert rates[peak] == pytest.approx(0.01, rel=1e-3) and peak == pytest.approx(0.3 * len(rates), abs=1)
    assert rates[0] == pytest.approx(0.01 / 25) and rates[-1] == pytest.approx(0.01 / 25 / 1e4)
    assert (np.diff(rates[:peak + 1]) > 0).all() and (np.diff(rates[peak:]) < 0).all()


def test_onecycle_spans_the_epochs_of_each_network_of_a_self_training_fit():
    X, y, y_semi = _semi_supervised_data()  # 54 labelled training rows, 180 unlabelled
    clf = RecurrentTextClassifier(**{**SMALL, "max_epochs": 2}, pretraining=None, early_stopping=False,
                                  self_training_rounds=1, self_training_epochs=4, lr_schedule="onecycle",
                                  callbacks=[_RecordRate()]).fit(X, y_semi)
    # net_ is the round's network: 4 epochs of 234 rows in batches of 16, not the 2 of max_epochs.
    rates = np.array([b["rate"] for epoch in clf.net_.history for b in epoch["batches"] if "rate" in b])
    assert len(rates) == 4 * 15
    assert int(np.argmax(rates)) == pytest.approx(0.3 * len(rates), abs=1)
    assert rates[-1] == pytest.approx(0.01 / 25 / 1e4) and rates[-2] > 10 * rates[-1]


def test_optimizer_params_the_optimizer_does_not_take_name_the_parameter(ids_data):
    X, y = ids_data
    with pytest.raises(ValueError, match=r"optimizer_params names \['momentm'\], which SGD does not take"):
        RecurrentTextClassifier(**SMALL, optimizer="sgd", optimizer_params={"momentm": 0.9}).fit(X, y)
    with pytest.raises(ValueError, match="use the lr parameter"):
        RecurrentTextClassifier(**SMALL, optimizer_params={"lr": 0.1}).fit(X, y)


def test_joblib_round_trip(ids_data, tmp_path):
    X, y = ids_data
    clf = RecurrentTextClassifier(bidirectional=True, pooling="attention", early_stopping=True,
                                  clip_grad_norm=1.0, **SMALL).fit(X, y)
    joblib.dump(clf, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_validation_split_is_stratified(rng):
    X = rng.randint(2, 30, (100, 6))
    y = np.array([0] * 80 + [1] * 20)
    clf = RecurrentTextClassifier(**SMALL, validation_fraction=0.2).fit(X, y)
    valid = clf.net_.train_split.keywords["valid_ds"]
    assert np.bincount(valid.y.numpy()).tolist() == [16, 4]
    tiny = RecurrentTextClassifier(**SMALL, validation_fraction=0.5).fit(X[:3], [0, 1, 1])
    assert len(tiny.history_) == 3  # too few rows to stratify: a plain split still works


def test_random_state_determinism(ids_data):
    X, y = ids_data
    params = dict(SMALL, spatial_dropout=0.2, dropout=0.2, max_epochs=2)
    first = RecurrentTextClassifier(**params).fit(X, y).predict_proba(X)
    second = RecurrentTextClassifier(**params).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    other = RecurrentTextClassifier(**{**params, "random_state": 1}).fit(X, y).predict_proba(X)
    assert not np.allclose(first, other)


def test_fit_leaves_global_torch_state_alone(ids_data):
    X, y = ids_data
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    torch.set_num_threads(1)
    torch.set_flush_denormal(False)
    clf = RecurrentTextClassifier(n_threads=2, **SMALL).fit(X, y)
    clf.predict_proba(X)
    assert torch.get_num_threads() == 1
    assert not flush_denormal_enabled()
    assert torch.equal(torch.rand(1), expected_next)
    torch.set_flush_denormal(True)
    clf.predict(X)
    assert flush_denormal_enabled()
    torch.set_flush_denormal(False)


def test_early_stopping_restores_best_epoch(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "lr": 0.2, "max_epochs": 40}, early_stopping=True,
                                  n_iter_no_change=3, validation_fraction=0.3).fit(X, y)
    history = clf.history_
    assert len(history) < 40
    best = history["valid_loss"].idxmin()
    assert best < history.index[-1]
    valid = clf.net_.train_split.keywords["valid_ds"]
    with torch.no_grad():
        logits = clf.net_.forward(valid, training=False)
        loss = torch.nn.functional.cross_entropy(logits, valid.y).item()
    assert loss == pytest.approx(history["valid_loss"].min(), rel=1e-4)


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
    from sklearn_rnn.regularization import penalized_weights

    return sum(p.abs().sum().item() for p in penalized_weights(clf.net_.module_))


def test_l1_penalty_shrinks_weights(ids_data):
    X, y = ids_data
    params = dict(SMALL, max_epochs=10, lr=0.01)
    plain = RecurrentTextClassifier(**params).fit(X, y)
    penalized = RecurrentTextClassifier(**params, regularizer="l1", alpha=1e-2).fit(X, y)
    assert _l1(penalized) < 0.7 * _l1(plain)
    custom = RecurrentTextClassifier(**params, regularizer=lambda w: 1e-2 * w.abs().sum()).fit(X, y)
    assert _l1(custom) < 0.7 * _l1(plain)


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


def test_history_and_parameter_counts(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "embedding_dim": 32, "hidden_size": 32}).fit(X, y)
    assert list(clf.history_.columns) == ["train_loss", "train_acc", "valid_loss", "valid_acc", "dur"]
    assert len(clf.history_) == 3
    table = clf.layer_parameters_.set_index("layer")
    # PyTorch's LSTM has two bias vectors: 4 * 32 * (32 + 32) + 2 * 4 * 32
    assert table.loc["encoder.forward_layers.0", "parameters"] == 8448
    assert table.loc["embedding.embedding", "parameters"] == clf.n_tokens_ * 32
    assert clf.n_parameters_ == sum(p.numel() for p in clf.net_.module_.parameters())
    no_valid = RecurrentTextClassifier(**SMALL, validation_fraction=0).fit(X, y)
    assert "valid_loss" not in no_valid.history_


def test_verbose(ids_data, capsys):
    X, y = ids_data
    RecurrentTextClassifier(**SMALL).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    RecurrentTextClassifier(**SMALL, verbose=1).fit(X, y)
    captured = capsys.readouterr()
    assert "train_loss" in captured.out and "valid_acc" in captured.out


def test_warm_start_continues_training(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL, warm_start=True).fit(X, y)
    first = clf.net_.module_.head[-1].weight.detach().clone()
    clf.fit(X, y)
    assert len(clf.history_) == 6
    assert not torch.equal(first, clf.net_.module_.head[-1].weight)
    with pytest.raises(ValueError, match="not seen in the first fit"):
        clf.fit(X, np.where(y == 1, 2, 0))


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


@pytest.mark.parametrize(
    "params, match",
    [
        ({"cell": "cnn"}, "'cell' parameter of RecurrentTextClassifier must be a str among"),
        ({"optimizer": "adm"}, "'optimizer' parameter .* torch.optim.Optimizer subclass"),
        ({"pooling": "first"}, "'pooling' parameter"),
        ({"regularizer": "l3"}, "'regularizer' parameter"),
        ({"initializer": "zeros"}, "'initializer' parameter"),
        ({"dropout": 1.5}, "'dropout' parameter"),
        ({"hidden_size": (8, 0)}, "'hidden_size' parameter .* positive int"),
        ({"dense_layers": (8, -1)}, "'dense_layers' parameter .* positive ints"),
        ({"optimizer_params": [("momentum", 0.9)]}, "'optimizer_params' parameter .* a dict or None"),
        ({"self_training_rounds": -1}, r"'self_training_rounds' parameter .* \[0, inf\) or a str among \['auto'\]"),
        ({"self_training_epochs": 0}, r"'self_training_epochs' parameter .* \[1, inf\)"),
        ({"max_epochs": "all"}, r"'max_epochs' parameter .* \[1, inf\) or a str among \['auto'\]"),
        ({"pretraining_epochs": "many"}, r"'pretraining_epochs' parameter .* \[1, inf\) or a str among \['auto'\]"),
    ],
)
def test_bad_parameters_name_the_parameter(ids_data, params, match):
    X, y = ids_data
    with pytest.raises(ValueError, match=match):
        RecurrentTextClassifier(**{**SMALL, **params}).fit(X, y)


def test_bad_input(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL)
    with pytest.raises(ValueError, match="Negative values"):
        clf.fit(-X - 1, y)
    with pytest.raises(ValueError, match="at least 2 classes"):
        clf.fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="X holds text.*Put a SequenceVectorizer in front"):
        clf.fit(np.array([["a", "b"]] * 4), [0, 1, 0, 1])
    fitted = clf.fit(X, y)
    with pytest.raises(ValueError, match="features"):
        fitted.predict(X[:, :5])


def test_cuda_unavailable_is_a_clear_error(ids_data):
    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    X, y = ids_data
    with pytest.raises(ValueError, match="no CUDA device"):
        RecurrentTextClassifier(**SMALL, device="cuda").fit(X, y)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_path_matches_cpu(ids_data):
    X, y = ids_data
    cpu = RecurrentTextClassifier(**SMALL, bidirectional=True).fit(X, y)
    gpu = RecurrentTextClassifier(**SMALL, bidirectional=True, device="cuda").fit(X, y)
    assert gpu.net_.module_.encoder.packed
    np.testing.assert_allclose(gpu.predict_proba(X), cpu.predict_proba(X), atol=1e-3)


def _check_bfloat16_fit(clf, X):
    assert clf.precision_ == "bfloat16" and clf.net_.autocast_bf16
    assert clf.net_.module_.embedding.embedding.weight.dtype == torch.float32  # master weights
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    alone = np.vstack([clf.predict_proba(X[i:i + 1]) for i in range(0, len(X), 11)])
    np.testing.assert_allclose(alone, proba[::11], atol=1e-2)
    clf.net_.autocast_bf16 = False  # the same weights, float32 compute
    float32 = clf.predict_proba(X)
    np.testing.assert_allclose(float32, proba, atol=2e-2)
    assert not np.array_equal(float32, proba)  # bfloat16 really ran


@pytest.mark.skipif(not _hardware.bfloat16_supported("cpu"), reason="this CPU has no bfloat16 LSTM kernels "
                    "(needs AVX-512 BF16 or AMX); the fallback is tested with the detection mocked")
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_bfloat16_precision_on_a_cpu_that_supports_it(ids_data, cell):
    X, y = ids_data
    _check_bfloat16_fit(RecurrentTextClassifier(**SMALL, cell=cell, bidirectional=True,
                                                precision="bfloat16").fit(X, y), X)


def test_bfloat16_runs_where_detection_says_so(ids_data, monkeypatch):
    X, y = ids_data
    monkeypatch.setattr(_hardware, "bfloat16_supported", lambda device_type: True)
    # A GRU under autocast runs on every CPU (an AVX2 one emulates bfloat16).
    _check_bfloat16_fit(RecurrentTextClassifier(**SMALL, cell="gru", bidirectional=True,
                                                precision="bfloat16").fit(X, y), X)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_bfloat16_falls_back_to_float32_with_one_warning_where_unsupported(ids_data, monkeypatch, cell):
    X, y = ids_data
    monkeypatch.setattr(_hardware, "bfloat16_supported", lambda device_type: False)
    with pytest.warns(UserWarning, match="AVX-512 BF16 or AMX") as record:
        clf = RecurrentTextClassifier(**SMALL, cell=cell, precision="bfloat16").fit(X, y)
    assert len(record) == 1
    assert clf.precision_ == "float32" and not clf.net_.autocast_bf16
    reference = RecurrentTextClassifier(**SMALL, cell=cell).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), reference.predict_proba(X))
    with pytest.raises(ValueError, match="'precision' parameter"):
        RecurrentTextClassifier(**SMALL, precision="float16").fit(X, y)


def test_the_bfloat16_probe_matches_what_the_lstm_kernel_does():
    lstm = torch.nn.LSTM(8, 8, batch_first=True)
    try:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            lstm(torch.zeros(4, 5, 8))[0].float().sum().backward()
        works = True
    except RuntimeError:
        works = False
    assert _hardware.bfloat16_supported("cpu") is works


def test_named_optimizers_use_single_kernel_updates(ids_data):
    X, y = ids_data
    adam = RecurrentTextClassifier(**SMALL).fit(X, y)
    assert adam.net_.optimizer_.defaults["fused"] is True
    rms = RecurrentTextClassifier(**SMALL, optimizer="rmsprop").fit(X, y)
    assert rms.net_.optimizer_.defaults["foreach"] is True
    loop = RecurrentTextClassifier(**SMALL, optimizer_params={"fused": False}).fit(X, y)
    assert loop.net_.optimizer_.defaults["fused"] is False


def test_sample_weight_ones_is_the_unweighted_fit(ids_data):
    X, y = ids_data
    plain = RecurrentTextClassifier(**SMALL).fit(X, y)
    ones = RecurrentTextClassifier(**SMALL).fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_allclose(ones.predict_proba(X), plain.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(ones.history_["train_loss"], plain.history_["train_loss"], rtol=1e-5)


def test_sample_weight_scales_each_rows_loss(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL, class_weight={0: 1.0, 1: 3.0}).fit(X, y)
    data = clf._dataset(X[:10], y[:10], sample_weight=np.arange(10.0))
    batch, target = data[np.arange(10)]
    with torch.no_grad():
        logits = clf.net_.infer(batch)
        per_row = torch.nn.functional.cross_entropy(logits, target, reduction="none").numpy()
        loss = float(clf.net_.get_loss(logits, target, X=batch))
    class_w = np.where(y[:10] == 1, 3.0, 1.0)
    assert loss == pytest.approx(np.sum(np.arange(10) * class_w * per_row) / class_w.sum(), rel=1e-5)


def test_zero_weight_on_a_class_teaches_only_the_other(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "lr": 0.05, "max_epochs": 5}).fit(X, y, sample_weight=(y == 0) * 1.0)
    assert np.mean(clf.predict(X) == 0) > 0.95
    assert np.mean(RecurrentTextClassifier(**{**SMALL, "lr": 0.05, "max_epochs": 5}).fit(X, y).predict(X) == 0) < 0.9


def test_sample_weight_in_a_pipeline_and_through_metadata_routing(rng):
    import sklearn

    docs, y = make_reviews(rng, n=80)
    weights = (y == "neg") * 1.0
    params = {**SMALL, "lr": 0.05, "max_epochs": 5, "validation_fraction": 0.0}
    pipe = Pipeline([("vec", SequenceVectorizer()), ("clf", RecurrentTextClassifier(**params))])
    pipe.fit(docs, y, clf__sample_weight=weights)
    assert np.mean(pipe.predict(docs) == "neg") > 0.95
    with sklearn.config_context(enable_metadata_routing=True):
        clf = RecurrentTextClassifier(**params).set_fit_request(sample_weight=True)
        routed = Pipeline([("vec", SequenceVectorizer()), ("clf", clf)])
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        search = GridSearchCV(routed, {"clf__cell": ["gru", "lstm"]}, cv=2, scoring=scorer, error_score="raise")
        search.fit(docs, y, sample_weight=weights)
    assert np.mean(search.predict(docs) == "neg") > 0.95


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


class InterruptAt(Callback):
    """Raises KeyboardInterrupt in the given epoch, as Ctrl+C would."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


def test_an_interrupted_fit_keeps_the_best_weights_and_says_so(ids_data):
    X, y = ids_data
    params = {**SMALL, "lr": 0.05, "max_epochs": 8, "validation_fraction": 0.3}
    with pytest.warns(UserWarning, match=r"interrupted \(KeyboardInterrupt\) after 5 complete epoch\(s\); "
                                         r"RecurrentTextClassifier keeps the weights of epoch \d"):
        clf = RecurrentTextClassifier(**params, callbacks=[InterruptAt(6)]).fit(X, y)
    assert len(clf.history_) == 5
    best = int(clf.history_["valid_loss"].idxmin())
    # The weights are those of the best epoch: an uninterrupted fit of that many epochs has them too.
    reference = RecurrentTextClassifier(**{**params, "max_epochs": best}).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), reference.predict_proba(X), atol=1e-6)


def test_an_interrupt_in_the_first_epoch_still_leaves_a_usable_estimator(ids_data):
    X, y = ids_data
    with pytest.warns(UserWarning, match="after 0 complete epoch.*unfinished first epoch"):
        clf = RecurrentTextClassifier(**SMALL, callbacks=[InterruptAt(1)]).fit(X, y)
    assert np.isfinite(clf.predict_proba(X)).all() and clf.history_.empty


def test_checkpoint_dir_keeps_the_best_epoch_in_the_safe_format_and_resumes(ids_data, tmp_path):
    import sklearn_rnn

    X, y = ids_data
    params = {**SMALL, "lr": 0.05, "max_epochs": 6, "validation_fraction": 0.3}
    clf = RecurrentTextClassifier(**params, checkpoint_dir=tmp_path / "ckpt").fit(X, y)
    path = tmp_path / "ckpt" / "checkpoint.safetensors"
    saved = sklearn_rnn.load(path)
    best = int(clf.history_["valid_loss"].idxmin())
    assert saved.history_.index[-1] == best  # written at the best epoch
    reference = RecurrentTextClassifier(**{**params, "max_epochs": best}).fit(X, y)
    np.testing.assert_allclose(saved.predict_proba(X), reference.predict_proba(X), atol=1e-6)
    resumed = saved.set_params(warm_start=True, max_epochs=2, checkpoint_dir=None).fit(X, y)
    assert list(resumed.history_.index) == list(range(1, best + 3))


def test_checkpoint_dir_with_a_parameter_the_safe_format_cannot_hold_fails_before_training(ids_data, tmp_path):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL, callbacks=[InterruptAt(99)], checkpoint_dir=tmp_path)
    with pytest.raises(TypeError, match="RecurrentTextClassifier.callbacks=.* cannot be saved in the safe format"):
        clf.fit(X, y)
    assert not hasattr(clf, "history_")


class Poison(Callback):
    def on_batch_begin(self, net, **kwargs):
        if len(net.history) == 2 and len(net.history[-1, "batches"]) == 1:
            with torch.no_grad():
                net.module_.head[-1].bias.fill_(float("inf"))


def test_a_non_finite_loss_stops_with_an_error_naming_the_epoch(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL, callbacks=[Poison()])
    with pytest.raises(FloatingPointError, match="training loss became nan at epoch 2, batch 1; training stopped"):
        clf.fit(X, y)
    recurrent = clf.net_.module_.encoder.forward_layers[0].weight_hh_l0
    assert torch.isfinite(recurrent).all()  # no step was taken with the bad loss


def test_warm_start_in_a_pipeline_keeps_the_vocabulary_or_fails(rng):
    docs, y = make_reviews(rng, n=80)
    model = Pipeline([("vec", SequenceVectorizer()), ("clf", RecurrentTextClassifier(**SMALL, warm_start=True))])
    model.fit(docs, y)
    model.fit(docs, y)  # the same documents give the same vocabulary: training goes on
    assert len(model.named_steps["clf"].history_) == 2 * SMALL["max_epochs"]
    other = [d.replace("movie", "film").replace("plot", "story") for d in docs[:40]]
    with pytest.raises(ValueError, match="ids from another vocabulary .* SequenceVectorizer was refitted"):
        model.fit(other, y[:40])


DETERMINISM_SCRIPT = """
import numpy as np
from sklearn_rnn import RecurrentTextClassifier
rng = np.random.RandomState(0)
X = rng.randint(0, 30, (80, 12))
y = (X == 5).any(axis=1).astype(int)
clf = RecurrentTextClassifier(embedding_dim=8, hidden_size=8, max_epochs=3, batch_size=16, spatial_dropout=0.2,
                              dropout=0.2, random_state=0).fit(X, y)
print(clf.predict_proba(X).tobytes().hex())
"""


def test_the_same_random_state_gives_identical_predictions_across_processes():
    import subprocess
    import sys

    runs = [subprocess.run([sys.executable, "-c", DETERMINISM_SCRIPT], capture_output=True, text=True, check=True)
            .stdout.strip() for _ in range(2)]
    assert runs[0] == runs[1] and len(runs[0]) > 100


def test_concurrent_predict_proba_matches_sequential(ids_data):
    import threading

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


def _stream(seed, n_chunks, size=64):
    """Chunks of 8 ids below 20; the label says whether id 5 occurs."""
    rng = np.random.RandomState(seed)
    for _ in range(n_chunks):
        X = rng.randint(1, 20, size=(size, 8))
        yield X, np.where((X == 5).any(axis=1), "yes", "no")


PARTIAL = dict(hidden_size=8, embedding_dim=8, pooling="max", lr=0.03, random_state=0, linear_ngrams=False)


def test_partial_fit_learns_from_a_stream_one_pass_per_chunk():
    clf = RecurrentTextClassifier(**PARTIAL)
    X_test, y_test = next(_stream(99, 1, size=500))
    scores = []
    for i, (X, y) in enumerate(_stream(0, 40)):
        clf.partial_fit(X, y, classes=["no", "yes"] if i == 0 else None)
        scores.append(clf.score(X_test, y_test))
    assert len(clf.history_) == 40  # one epoch per call
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
    from sklearn_rnn import SequenceVectorizer

    vec = SequenceVectorizer(max_len=5).fit(["good film", "bad plot", "good plot twist"])
    clf = RecurrentTextClassifier(**PARTIAL).partial_fit(vec.transform(["good film"]), [1], classes=[0, 1])
    assert clf.n_tokens_ == vec.n_tokens_  # the vectorizer's id space, not the chunk's largest id
    with pytest.raises(ValueError, match="holds the id 50"):
        clf.partial_fit(np.array([[50, 2, 0, 0, 0]]), [0])


def _semi_supervised_data(n=240, n_labelled=60, seed=0):
    """Ids below 40; the label says whether id 5 occurs; all but ``n_labelled`` rows unlabelled (-1)."""
    rng = np.random.RandomState(seed)
    X = rng.randint(2, 40, size=(n, 12))
    y = (X == 5).any(axis=1).astype(int)
    y_semi = y.copy()
    y_semi[n_labelled:] = -1
    return X, y, y_semi


def test_semi_supervised_fit_pretrains_on_every_row_and_trains_on_the_labelled():
    X, y, y_semi = _semi_supervised_data()
    with pytest.warns(UserWarning, match=r"180 rows labelled -1 are taken as unlabelled.*unlabelled=None"):
        clf = RecurrentTextClassifier(**SMALL).fit(X, y_semi)
    assert clf.classes_.tolist() == [0, 1]  # -1 is no class
    assert clf.n_unlabelled_ == 180
    history = clf.pretraining_history_
    # 'auto' passes: 8, as 60 of the 240 rows are labelled (more than 10%).
    assert list(history.columns) == ["epoch", "pretrain_loss", "examples", "dur"] and len(history) == 8
    only_labelled = RecurrentTextClassifier(**SMALL, pretraining="embeddings").fit(X[:60], y[:60])
    assert history["examples"].sum() > 2.5 * only_labelled.pretraining_history_["examples"].sum()  # all 240 rows
    assert history["pretrain_loss"].iloc[1] < history["pretrain_loss"].iloc[0]
    # The embedding starts from the pretrained vectors: without pretraining (nor self-training) the fit differs.
    plain = RecurrentTextClassifier(**SMALL, pretraining=None, self_training_rounds=0).fit(X, y_semi)
    assert plain.n_unlabelled_ == 180 and not hasattr(plain, "pretraining_history_")
    assert not np.allclose(plain.predict_proba(X), clf.predict_proba(X))
    # ... and the classifier saw only the labelled rows: the same as fitting those alone.
    labelled = RecurrentTextClassifier(**SMALL, pretraining=None).fit(X[:60], y[:60])
    np.testing.assert_allclose(labelled.predict_proba(X), plain.predict_proba(X), atol=1e-6)


def test_pretraining_is_reproducible_and_only_on_request_without_unlabelled_rows():
    X, y, y_semi = _semi_supervised_data()
    a = RecurrentTextClassifier(**SMALL).fit(X, y_semi).predict_proba(X)
    b = RecurrentTextClassifier(**SMALL).fit(X, y_semi).predict_proba(X)
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert not hasattr(RecurrentTextClassifier(**SMALL).fit(X, y), "pretraining_history_")  # 'auto'
    forced = RecurrentTextClassifier(**SMALL, pretraining="embeddings", pretraining_epochs=2).fit(X, y)
    assert len(forced.pretraining_history_) == 2 and forced.n_unlabelled_ == 0  # pretraining_epochs


def _epoch_rows(clf, epoch=0):
    """Rows the network trained on in one epoch (skorch's batch sizes)."""
    return sum(batch["train_batch_size"] for batch in clf.net_.history[epoch]["batches"] if "train_batch_size" in batch)


def test_self_training_trains_a_new_network_on_the_pseudo_labelled_rows():
    X, y, y_semi = _semi_supervised_data()
    params = dict(SMALL, pretraining=None)
    teacher = RecurrentTextClassifier(**params, self_training_rounds=0).fit(X, y_semi)
    assert not hasattr(teacher, "self_training_history_")
    assert _epoch_rows(teacher) == 54  # the 60 labelled rows but the 6 validation rows
    clf = RecurrentTextClassifier(**params, self_training_rounds=1).fit(X, y_semi)
    assert _epoch_rows(clf) == 54 + 180  # ... and every unlabelled row, pseudo-labelled
    rounds = clf.self_training_history_
    assert rounds.index.tolist() == [0, 1]
    assert list(rounds.columns) == ["epochs", "net_valid_acc", "valid_acc", "linear_weight", "mean_confidence", "dur"]
    assert rounds.loc[1, "epochs"] == len(clf.history_)  # history_ is the final network's
    # Round 0 is the network fitted on the labels alone, the same as without self-training; round 1's
    # pseudo-labels are its predictions, weighted by their confidence |2p - 1|.
    proba = teacher.predict_proba(X[60:])
    np.testing.assert_allclose(rounds.loc[1, "mean_confidence"], np.abs(2 * proba[:, 1] - 1).mean(), rtol=1e-5)
    assert rounds.loc[0, "epochs"] == len(teacher.history_)
    assert not np.allclose(clf.predict_proba(X), teacher.predict_proba(X))
    # A second round learns from the first round's predictions.
    two = RecurrentTextClassifier(**params, self_training_rounds=2).fit(X, y_semi)
    assert two.self_training_history_.index.tolist() == [0, 1, 2]
    pd.testing.assert_frame_equal(two.self_training_history_.loc[[0, 1]].drop(columns="dur"),
                                  rounds.drop(columns="dur"))
    assert not np.allclose(two.predict_proba(X), clf.predict_proba(X))
    # self_training_epochs sets the epochs of each self-training network, max_epochs those of the first.
    one = RecurrentTextClassifier(**params, self_training_rounds=1, self_training_epochs=1).fit(X, y_semi)
    assert len(one.history_) == 1 and one.self_training_history_.loc[0, "epochs"] == 3
    # Plain ids: the unlabelled rows may hold ids that no labelled row does; the id space covers them.
    wider = X.copy()
    wider[100, 0] = 45
    assert RecurrentTextClassifier(**params, self_training_rounds=1).fit(wider, y_semi).n_tokens_ == 46
    # Without unlabelled rows, or continuing a fitted net (warm_start), there is nothing to self-train.
    assert not hasattr(RecurrentTextClassifier(**params, self_training_rounds=1).fit(X[:60], y[:60]),
                       "self_training_history_")
    warm = RecurrentTextClassifier(**params, self_training_rounds=0, warm_start=True).fit(X, y_semi)
    assert not hasattr(warm.set_params(self_training_rounds=1).fit(X, y_semi), "self_training_history_")


class InterruptTraining(Callback):
    """Raises KeyboardInterrupt in the first batch of the ``nth`` network trained with it."""

    def __init__(self, nth):
        self.nth, self.trainings = nth, 0

    def on_train_begin(self, net, **kwargs):
        self.trainings += 1

    def on_batch_end(self, net, **kwargs):
        if self.trainings == self.nth:
            raise KeyboardInterrupt


def test_an_interrupt_ends_self_training_with_a_usable_estimator():
    X, y, y_semi = _semi_supervised_data()
    params = dict(SMALL, pretraining=None, self_training_rounds=3)
    stop = InterruptTraining(2)  # in round 1
    with pytest.warns(UserWarning, match="interrupted"):
        clf = RecurrentTextClassifier(**params, callbacks=[stop]).fit(X, y_semi)
    assert stop.trainings == 2 and clf.self_training_history_.index.tolist() == [0, 1]
    assert np.isfinite(clf.predict_proba(X)).all()
    # With the linear model, the interrupted round does not refit it on the pseudo-labels: it stays
    # the labelled fit's, where a round that ends refits it.
    linear = dict(params, linear_ngrams=True)
    with pytest.warns(UserWarning, match="interrupted"):
        clf = RecurrentTextClassifier(**linear, callbacks=[InterruptTraining(2)]).fit(X, y_semi)
    first = RecurrentTextClassifier(**dict(linear, self_training_rounds=0)).fit(X, y_semi)
    np.testing.assert_array_equal(clf.linear_model_.coef_, first.linear_model_.coef_)
    whole = RecurrentTextClassifier(**dict(linear, self_training_rounds=1)).fit(X, y_semi)
    assert whole.linear_model_.coef_.shape[1] > first.linear_model_.coef_.shape[1]  # the 180 rows' n-grams
    stop = InterruptTraining(1)  # in the labelled fit: no self-training at all
    with pytest.warns(UserWarning, match="interrupted"):
        clf = RecurrentTextClassifier(**params, callbacks=[stop]).fit(X, y_semi)
    assert stop.trainings == 1 and not hasattr(clf, "self_training_history_")
    # Early stopping ends training with a KeyboardInterrupt inside skorch too; it is no interrupt.
    stopping = dict(params, max_epochs=30, n_iter_no_change=1, self_training_epochs=4, lr=0.05)
    clf = RecurrentTextClassifier(**stopping).fit(X, y_semi)
    rounds = clf.self_training_history_
    assert rounds.index.tolist() == [0, 1, 2, 3] and rounds.loc[0, "epochs"] < 30
    assert (rounds.loc[[1, 2], "epochs"] < 4).any()  # round 1 or 2 stopped early, and the next still ran


def test_auto_self_trains_two_rounds_when_labels_are_at_most_a_tenth_of_the_rows():
    params = dict(SMALL, pretraining=None, self_training_epochs=1)
    X, y, y_semi = _semi_supervised_data(n=240, n_labelled=24)  # 10% labelled
    assert RecurrentTextClassifier(**params).fit(X, y_semi).self_training_history_.index.tolist() == [0, 1, 2]
    X, y, y_semi = _semi_supervised_data(n=240, n_labelled=25)  # just over 10%
    assert not hasattr(RecurrentTextClassifier(**params).fit(X, y_semi), "self_training_history_")


def test_pretraining_epochs_auto_makes_fewer_passes_when_labels_are_at_most_a_tenth_of_the_rows():
    params = dict(SMALL, self_training_rounds=0)
    X, y, y_semi = _semi_supervised_data(n=240, n_labelled=24)  # 10% labelled
    assert len(RecurrentTextClassifier(**params).fit(X, y_semi).pretraining_history_) == 5
    assert len(RecurrentTextClassifier(**params).pretrain(X, y_semi).pretraining_history_) == 5
    assert len(RecurrentTextClassifier(**params).pretrain(X).pretraining_history_) == 5  # no y: none labelled
    X, y, y_semi = _semi_supervised_data(n=240, n_labelled=25)  # just over 10%
    assert len(RecurrentTextClassifier(**params).fit(X, y_semi).pretraining_history_) == 8
    assert len(RecurrentTextClassifier(**params).pretrain(X, y_semi).pretraining_history_) == 8
    # An int is the count either way.
    assert len(RecurrentTextClassifier(**params, pretraining_epochs=3).fit(X, y_semi).pretraining_history_) == 3
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        RecurrentTextClassifier(**params).pretrain(X, y_semi[:-1])


def test_max_epochs_auto_gives_the_first_network_of_a_self_training_fit_600_steps():
    X, y, y_semi = _semi_supervised_data()  # 54 labelled training rows
    params = {**SMALL, "pretraining": None, "self_training_epochs": 1, "early_stopping": False}
    del params["max_epochs"]
    # 27 batches of 2 rows: ceil(600 / 27) = 23 epochs for the first network, 1 for the round's.
    clf = RecurrentTextClassifier(**{**params, "batch_size": 2}, self_training_rounds=1).fit(X, y_semi)
    assert clf.self_training_history_["epochs"].tolist() == [23, 1]
    # At most 40: 4 batches of 16 rows would want 150 epochs.
    clf = RecurrentTextClassifier(**params, self_training_rounds=1).fit(X, y_semi)
    assert clf.self_training_history_.loc[0, "epochs"] == 40
    # A fit that does not self-train, and an int max_epochs, keep their count.
    assert len(RecurrentTextClassifier(**params, self_training_rounds=0).fit(X, y_semi).history_) == 5
    assert len(RecurrentTextClassifier(**params).fit(X[:60], y[:60]).history_) == 5
    pinned = RecurrentTextClassifier(**params, max_epochs=3, self_training_rounds=1).fit(X, y_semi)
    assert pinned.self_training_history_.loc[0, "epochs"] == 3
    # Early stopping's patience grows by the same factor as the epochs (n_iter_no_change=1 here):
    # 23 epochs of 27 batches get a patience of 23 // 5 = 4.
    stops = {**params, "batch_size": 2, "early_stopping": True, "n_iter_no_change": 1, "lr": 0.05}
    clf = RecurrentTextClassifier(**stops, self_training_rounds=1).fit(X, y_semi)
    stopping = dict(clf.net_.callbacks_)["early_stopping"]  # the round's network: n_iter_no_change
    assert stopping.patience == 1
    first = clf.self_training_history_.loc[0, "epochs"]
    pinned = RecurrentTextClassifier(**stops, max_epochs=23, self_training_rounds=1).fit(X, y_semi)
    assert pinned.self_training_history_.loc[0, "epochs"] < first <= 23  # patience 1 stops sooner than 4
    # 25,000 labels (22,500 training rows, 352 batches) keep 5 epochs and a patience of 2; 900 rows
    # (15 batches) get 40 and 16; 4,500 rows (71 batches) 9 and 3.
    assert RecurrentTextClassifier()._first_network_schedule(22_500) == (5, 2)
    assert RecurrentTextClassifier()._first_network_schedule(900) == (40, 16)
    assert RecurrentTextClassifier()._first_network_schedule(4_500) == (9, 3)


def test_self_training_fixes_the_networks_share_and_refits_the_linear_model():
    X, y, y_semi = _semi_supervised_data()
    clf = RecurrentTextClassifier(**dict(SMALL, linear_ngrams=True, pretraining=None, self_training_rounds=1))
    clf.fit(X, y_semi)
    rounds = clf.self_training_history_
    # In a fit that self-trains, the network's share is fixed in every round; the fit without
    # self-training (the same first network and linear model) chooses another on its validation rows.
    assert rounds["linear_weight"].tolist() == [SELF_TRAINING_NETWORK_SHARE] * 2 == [0.3] * 2
    alone = RecurrentTextClassifier(**dict(SMALL, linear_ngrams=True, pretraining=None, self_training_rounds=0))
    alone.fit(X, y_semi)
    assert alone.linear_weight_ != SELF_TRAINING_NETWORK_SHARE
    w = clf.linear_weight_
    expected = w * clf._network_proba(X) + (1 - w) * clf.linear_model_.predict_proba(X)
    np.testing.assert_allclose(clf.predict_proba(X), expected, atol=1e-6)
    # The linear model learns the round's rows too: the 60 labelled ones (weight 1) and the 180
    # unlabelled ones with the first model's classes, weighted by its confidence. That first model
    # averages the first network and linear model (those of the fit without self-training) at share w.
    teacher = w * alone._network_proba(X[60:]) + (1 - w) * alone.linear_model_.predict_proba(X[60:])
    expected = NgramLogisticModel(C=alone.linear_C).fit(
        X, np.concatenate([y[:60], teacher.argmax(axis=1)]), n_tokens=alone.n_tokens_,
        sample_weight=np.concatenate([np.ones(60), 2 * teacher.max(axis=1) - 1]))
    np.testing.assert_allclose(clf.linear_model_.coef_, expected.coef_, rtol=1e-4, atol=1e-5)
    assert not np.allclose(clf.linear_model_.coef_[:, :10], alone.linear_model_.coef_[:, :10], atol=1e-3)
    # Without validation rows, nothing is measured; the share is the same.
    blind = RecurrentTextClassifier(**dict(SMALL, linear_ngrams=True, pretraining=None, validation_fraction=0,
                                          self_training_rounds=1))
    rounds = blind.fit(X, y_semi).self_training_history_
    assert rounds["valid_acc"].isna().all() and blind.linear_weight_ == SELF_TRAINING_NETWORK_SHARE
    assert _epoch_rows(blind) == 60 + 180


def test_unlabelled_marker_for_string_labels_and_none():
    X, y, y_semi = _semi_supervised_data()
    names = np.array(["neg", "pos"], dtype=object)[y]
    names[60:] = "?"
    clf = RecurrentTextClassifier(**SMALL, unlabelled="?").fit(X, names)
    assert clf.classes_.tolist() == ["neg", "pos"] and clf.n_unlabelled_ == 180
    # unlabelled=None: -1 is a class like any other.
    as_class = RecurrentTextClassifier(**SMALL, unlabelled=None).fit(X, y_semi)
    assert as_class.classes_.tolist() == [-1, 0, 1] and as_class.n_unlabelled_ == 0
    with pytest.raises(ValueError, match="cannot be combined with embedding_weights"):
        RecurrentTextClassifier(**SMALL, pretraining="embeddings", embedding_weights=np.ones((40, 8))).fit(X, y_semi)
    # Labels -1 and 1 only: -1 is a class (the binary convention), not the unlabelled marker.
    signs = np.where(y == 1, 1, -1)
    binary = RecurrentTextClassifier(**SMALL).fit(X, signs)
    assert binary.classes_.tolist() == [-1, 1] and binary.n_unlabelled_ == 0


def test_unlabelled_rows_never_count_in_a_score_in_a_pipeline_and_a_search():
    from sklearn.model_selection import KFold
    from sklearn.pipeline import make_pipeline

    X, y, y_semi = _semi_supervised_data()
    clf = RecurrentTextClassifier(**SMALL, pretraining=None).fit(X, y_semi)
    assert clf.score(X, y_semi) == clf.score(X[:60], y[:60])
    # Were the unlabelled rows counted, they would all be errors (-1 is never predicted).
    assert (clf.predict(X) == y_semi).mean() <= 0.25 < clf.score(X, y_semi)
    assert np.isnan(clf.score(X[60:], y_semi[60:]))
    pipe = make_pipeline(RecurrentTextClassifier(**SMALL, pretraining=None))
    assert pipe.fit(X, y_semi).score(X, y_semi) == pipe[-1].score(X[:60], y[:60])
    # Folds of a search hold labelled and unlabelled rows; each fold's score is its labelled rows'.
    folds = list(KFold(2, shuffle=True, random_state=0).split(X))
    search = GridSearchCV(RecurrentTextClassifier(**SMALL, pretraining=None), {"hidden_size": [4]}, cv=folds,
                          error_score="raise").fit(X, y_semi)
    for i, (train, test) in enumerate(folds):
        fold = clone(search.estimator).set_params(hidden_size=4).fit(X[train], y_semi[train])
        labelled = test[y_semi[test] != -1]
        expected = fold.score(X[labelled], y[labelled]) if len(labelled) else np.nan
        np.testing.assert_allclose(search.cv_results_[f"split{i}_test_score"][0], expected)


def test_pretrain_once_serves_every_candidate_of_a_search(monkeypatch):
    from sklearn_rnn import pretraining

    X, y, y_semi = _semi_supervised_data()
    clf = RecurrentTextClassifier(**SMALL).pretrain(X, y_semi)
    assert clf.embedding_weights.shape == (40, SMALL["embedding_dim"]) and len(clf.pretraining_history_) == 8
    np.testing.assert_allclose(clf.embedding_weights[2:].std(), 1.0, rtol=1e-4)
    # The same vectors as fit's own pretraining on the same rows (8 passes: 25% of them labelled).
    fitted = RecurrentTextClassifier(**SMALL, pretraining="embeddings").fit(X, y_semi)
    np.testing.assert_allclose(clf.pretraining_history_["pretrain_loss"], fitted.pretraining_history_["pretrain_loss"])
    calls = []
    original = pretraining.pretrain_embeddings
    monkeypatch.setattr(pretraining, "pretrain_embeddings", lambda *a, **k: calls.append(1) or original(*a, **k))
    search = GridSearchCV(clf, {"hidden_size": [4, 8]}, cv=2, error_score="raise").fit(X, y_semi)
    assert calls == []  # no candidate pretrained again
    best = search.best_estimator_
    np.testing.assert_array_equal(best.embedding_weights, clf.embedding_weights)
    # The pretrained start matters: without it the same fit gives other probabilities.
    plain = clone(best).set_params(embedding_weights=None, pretraining=None).fit(X, y_semi)
    assert not np.allclose(plain.predict_proba(X), best.predict_proba(X))
    # fit's own pretraining still runs when asked for (and counts).
    RecurrentTextClassifier(**SMALL).fit(X, y_semi)
    assert calls == [1]
    with pytest.raises(ValueError, match="embedding_weights is already set"):
        clf.pretrain(X)

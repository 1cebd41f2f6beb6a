import io
import itertools

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.training import flush_denormal_enabled

SMALL = dict(embedding_dim=8, hidden_size=8, max_epochs=3, batch_size=16, lr=0.01, random_state=0)


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
    assert 0 <= clf.score(X, y) <= 1


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
    search = GridSearchCV(pipe, grid, cv=2, error_score="raise").fit(docs, y)
    assert len(search.cv_results_["params"]) == 30
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.named_steps["clf"].regularizer in grid["clf__regularizer"]


def test_clone_set_params_and_routed_params(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(optimizer="sgd", optimizer__momentum=0.9, **SMALL)
    assert clf.get_params()["optimizer__momentum"] == 0.9
    twin = clone(clf)
    assert twin.get_params() == clf.get_params()
    twin.set_params(optimizer__momentum=0.5, cell="gru").fit(X, y)
    assert twin.net_.optimizer_.param_groups[0]["momentum"] == 0.5
    assert isinstance(twin.net_.module_.encoder.forward_layers[0], torch.nn.GRU)
    assert not hasattr(clf, "net_")
    rms = RecurrentTextClassifier(optimizer="rmsprop", **SMALL).fit(X, y)
    assert rms.net_.optimizer_.param_groups[0]["alpha"] == 0.9  # Keras's rho


def test_optimizer_class_and_callable_initializer(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**{**SMALL, "max_epochs": 1}, optimizer=torch.optim.SGD,
                                  optimizer__momentum=0.5, initializer=torch.nn.init.ones_).fit(X, y)
    assert isinstance(clf.net_.optimizer_, torch.optim.SGD)
    assert clf.net_.optimizer_.defaults["momentum"] == 0.5
    assert "fused" not in clf.net_.get_params_for("optimizer")  # defaults only for named optimizers
    with pytest.raises(ValueError, match="'optimizer' parameter"):
        RecurrentTextClassifier(**SMALL, optimizer=torch.nn.Linear).fit(X, y)


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


def test_unseen_ids_and_empty_rows(ids_data):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL).fit(X, y)
    big = np.full((2, X.shape[1]), 10_000)
    np.testing.assert_allclose(clf.predict_proba(big), clf.predict_proba(np.ones_like(big)), atol=1e-6)
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
        ({"hidden_size": (8, 0)}, "hidden_size must be a positive int"),
        ({"optimiser__momentum": 0.9}, "Did you mean optimizer__momentum"),
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
    with pytest.raises(ValueError, match="could not convert|invalid literal"):
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


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_bfloat16_precision_trains_and_stays_batch_invariant_to_its_precision(ids_data, cell):
    X, y = ids_data
    clf = RecurrentTextClassifier(**SMALL, cell=cell, bidirectional=True, precision="bfloat16").fit(X, y)
    assert clf.net_.autocast_bf16
    assert clf.net_.module_.embedding.embedding.weight.dtype == torch.float32  # master weights
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    alone = np.vstack([clf.predict_proba(X[i:i + 1]) for i in range(0, len(X), 11)])
    np.testing.assert_allclose(alone, proba[::11], atol=1e-2)
    clf.net_.autocast_bf16 = False  # the same weights, float32 compute
    np.testing.assert_allclose(clf.predict_proba(X), proba, atol=2e-2)
    with pytest.raises(ValueError, match="'precision' parameter"):
        RecurrentTextClassifier(**SMALL, precision="float16").fit(X, y)


def test_named_optimizers_use_single_kernel_updates(ids_data):
    X, y = ids_data
    adam = RecurrentTextClassifier(**SMALL).fit(X, y)
    assert adam.net_.optimizer_.defaults["fused"] is True
    rms = RecurrentTextClassifier(**SMALL, optimizer="rmsprop").fit(X, y)
    assert rms.net_.optimizer_.defaults["foreach"] is True
    loop = RecurrentTextClassifier(**SMALL, optimizer__fused=False).fit(X, y)
    assert loop.net_.optimizer_.defaults["fused"] is False

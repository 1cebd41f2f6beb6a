import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

import joblib

from sklearn_rnn.modules import ConvNet
from sklearn_rnn import ConvTextClassifier, FeedForwardTextClassifier, RecurrentTextClassifier, SequenceVectorizer

SMALL = dict(embedding_dim=8, max_epochs=3, batch_size=16, lr=0.01, random_state=0)


@pytest.mark.parametrize("pooling", ["mean", "max", "flatten"])
def test_feedforward_pooling_shapes_and_batch_invariance(ids_data, pooling):
    X, y = ids_data
    clf = FeedForwardTextClassifier(pooling=pooling, dense_layers=(16, 8), **SMALL).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (80, 2)
    alone = np.vstack([clf.predict_proba(X[i:i + 1]) for i in range(0, 80, 9)])
    np.testing.assert_allclose(alone, proba[::9], atol=1e-5)
    linears = [m for m in clf.net_.module_.head if hasattr(m, "out_features")]
    assert [m.out_features for m in linears] == [16, 8, 2]
    expected_in = 12 * 8 if pooling == "flatten" else 8
    assert linears[0].in_features == expected_in


def test_feedforward_without_embedding_reads_raw_ids(ids_data):
    X, y = ids_data
    clf = FeedForwardTextClassifier(dense_layers=(4,), **{**SMALL, "embedding_dim": None}).fit(X, y)
    assert clf.net_.module_.embedding is None
    assert clf.layer_parameters_["layer"].tolist() == ["head.1", "head.4"]
    assert clf.net_.module_.head[1].in_features == X.shape[1]
    with pytest.raises(ValueError, match="embedding_weights needs an embedding"):
        FeedForwardTextClassifier(embedding_weights=np.zeros((40, 8)), **{**SMALL, "embedding_dim": None}).fit(X, y)


@pytest.mark.parametrize("kernel_size, cell", [(3, None), ((2, 3, 5), None), (3, "lstm"), (2, "gru")])
def test_conv_shapes_cells_and_batch_invariance(ids_data, kernel_size, cell):
    X, y = ids_data
    clf = ConvTextClassifier(filters=6, kernel_size=kernel_size, cell=cell, hidden_size=5, **SMALL).fit(X, y)
    module = clf.net_.module_
    kernels = (kernel_size,) if isinstance(kernel_size, int) else kernel_size
    assert [c.kernel_size[0] for c in module.convs] == list(kernels)
    head_in = module.head[-1].in_features
    assert head_in == (5 if cell else 6 * len(kernels))
    proba = clf.predict_proba(X)
    alone = np.vstack([clf.predict_proba(X[i:i + 1]) for i in range(0, 80, 9)])
    np.testing.assert_allclose(alone, proba[::9], atol=1e-5)
    # rows shorter than the widest kernel, and empty rows, still predict
    short = np.zeros((2, X.shape[1]), dtype=int)
    short[0, -1] = 7
    assert np.isfinite(clf.predict_proba(short)).all()


def test_conv_cell_needs_one_kernel(ids_data):
    X, y = ids_data
    with pytest.raises(ValueError, match="needs a single kernel_size"):
        ConvTextClassifier(kernel_size=(2, 3), cell="lstm", **SMALL).fit(X, y)
    with pytest.raises(ValueError, match="needs a single kernel_size"):
        ConvNet(20, 2, kernel_size=(2, 3), cell="gru")
    with pytest.raises(ValueError, match="'filters' parameter"):
        ConvTextClassifier(filters=0, **SMALL).fit(X, y)


def test_grid_search_across_estimator_types(rng):
    words = np.array(["good", "bad", "the", "film", "plot", "was"])
    docs = [" ".join(rng.choice(words, 5)) for _ in range(60)]
    y = np.array(["pos" if d.count("good") > d.count("bad") else "neg" for d in docs])
    pipe = Pipeline([("vec", SequenceVectorizer()), ("clf", RecurrentTextClassifier())])
    grid = [
        {"clf": [RecurrentTextClassifier(hidden_size=8, **SMALL)], "clf__cell": ["lstm", "gru"]},
        {"clf": [ConvTextClassifier(filters=8, **SMALL)], "clf__kernel_size": [2, 3]},
        {"clf": [FeedForwardTextClassifier(dense_layers=(8,), **SMALL)], "clf__pooling": ["mean", "flatten"]},
    ]
    search = GridSearchCV(pipe, grid, cv=2, error_score="raise").fit(docs, y)
    names = {type(p["clf"]).__name__ for p in search.cv_results_["params"]}
    assert names == {"RecurrentTextClassifier", "ConvTextClassifier", "FeedForwardTextClassifier"}
    assert len(search.cv_results_["params"]) == 6


@pytest.mark.parametrize("make", [
    lambda: FeedForwardTextClassifier(pooling="flatten", **SMALL),
    lambda: ConvTextClassifier(filters=4, kernel_size=(2, 3), **SMALL),
])
def test_joblib_round_trip(ids_data, tmp_path, make):
    X, y = ids_data
    clf = make().fit(X, y)
    joblib.dump(clf, tmp_path / "m.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "m.joblib").predict_proba(X), clf.predict_proba(X))


def test_shared_training_parameters_take_effect(ids_data):
    X, y = ids_data
    y_imb = np.where(np.arange(len(y)) < 60, 0, 1)
    ff = FeedForwardTextClassifier(**{**SMALL, "max_epochs": 1, "lr": 1e-12}, dense_layers=(400,),
                                   regularizer="l2", alpha=0.05, initializer="he_normal", optimizer="rmsprop",
                                   class_weight="balanced", early_stopping=True).fit(X, y_imb)
    net = ff.net_
    assert net.penalty.regularizer == "l2" and net.penalty.alpha == 0.05
    assert (ff.history_["train_penalty"] > 0).all()
    hidden = net.module_.head[1].weight.detach()  # he_normal: std = sqrt(2 / fan_in)
    assert float(hidden.std()) == pytest.approx(np.sqrt(2 / hidden.shape[1]), rel=0.05)
    assert isinstance(net.optimizer_, torch.optim.RMSprop)
    np.testing.assert_allclose(net.criterion_.weight.numpy(), len(y_imb) / (2 * np.bincount(y_imb)), rtol=1e-6)
    assert "early_stopping" in dict(net.callbacks_)

    conv = ConvTextClassifier(**{**SMALL, "max_epochs": 1, "lr": 1e-12}, filters=4, regularizer="l1",
                              initializer="orthogonal", optimizer="sgd", optimizer_params={"momentum": 0.9}).fit(X, y)
    assert conv.net_.penalty.regularizer == "l1"
    weight = conv.net_.module_.convs[0].weight.detach().flatten(1)  # 4 filters x (8 channels * 3)
    np.testing.assert_allclose((weight @ weight.T).numpy(), np.eye(4), atol=1e-4)
    assert conv.net_.optimizer_.param_groups[0]["momentum"] == 0.9
    assert "early_stopping" not in dict(conv.net_.callbacks_)


def test_conv_cell_reads_the_encoder_state(ids_data):
    X, y = ids_data
    clf = ConvTextClassifier(**SMALL, filters=4, kernel_size=2, cell="gru", hidden_size=5).fit(X, y)
    module = clf.net_.module_
    ids, lengths = torch.tensor([[3, 4, 5, 0]]), torch.tensor([3])
    with torch.no_grad():
        out = module.activation(module.convs[0](module.embedding(ids).transpose(1, 2))).transpose(1, 2)
        expected = module.head(module.encoder(out, torch.tensor([2]))[1])
        np.testing.assert_allclose(module(ids, lengths).numpy(), expected.numpy(), atol=1e-6)

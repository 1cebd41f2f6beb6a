"""Parameters: stored as given, validated before anything reads them, Keras names answered, clone-safe."""

import numpy as np
import pytest
import torch
from helpers import SMALL, make_reviews
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from sklearn_rnn import (BlendedTextClassifier, ConvTextClassifier, FeedForwardTextClassifier, NgramLogisticClassifier,
                         RecurrentTextClassifier, SemiSupervisedTextClassifier, SequenceVectorizer)


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


def test_the_parameters_moved_to_other_estimators_name_them():
    for name in ("linear_ngrams", "linear_C", "unlabelled", "pretraining", "self_training_rounds"):
        with pytest.raises(TypeError, match=f"unknown parameter '{name}'"):
            RecurrentTextClassifier(**{name: 1})
    assert {"unlabelled", "pretraining", "pretraining_epochs", "self_training_rounds",
            "self_training_epochs"} <= set(SemiSupervisedTextClassifier().get_params())
    assert "C" in NgramLogisticClassifier().get_params()


def test_a_typo_in_a_grid_is_an_error_not_a_silent_no_op(ids_data):
    X, y = ids_data
    pipe = Pipeline([("clf", RecurrentTextClassifier(**SMALL))])
    search = GridSearchCV(pipe, {"clf__hiden_size": [4, 8]}, cv=2, error_score="raise")
    with pytest.raises(ValueError, match="did you mean hidden_size"):
        search.fit(X, y)
    blend = Pipeline([("clf", BlendedTextClassifier(network=RecurrentTextClassifier(**SMALL)))])
    with pytest.raises(ValueError, match="did you mean hidden_size"):
        GridSearchCV(blend, {"clf__network__hiden_size": [4, 8]}, cv=2, error_score="raise").fit(X, y)


EVERY_VALUE = dict(
    cell="gru", bidirectional=True, hidden_size=(6, 4), pooling="max", embedding_dim=12, ngrams="embedding",
    ngram_buckets=99, ngram_lr=0.2, class_weight={0: 2.0}, threshold=0.3, embedding_weights=np.ones((5, 12)),
    freeze_embedding=True, word_vectors="glove-6B-300d", freeze_word_vectors=True,
    spatial_dropout=0.1, dropout=0.2, dense_layers=(7,), activation="tanh", optimizer="sgd",
    optimizer_params={"momentum": 0.3}, lr=0.02, lr_schedule="onecycle", regularizer="l2", alpha=0.1, l1_ratio=0.2,
    initializer="orthogonal", batch_size=9, max_epochs=4, clip_grad_norm=2.0, early_stopping=True,
    validation_fraction=0.3, n_iter_no_change=5, callbacks=[], checkpoint_dir="ckpt", random_state=3,
    device="auto", n_threads=1, precision="bfloat16", verbose=1, warm_start=True)


def test_every_parameter_survives_clone():
    clf = RecurrentTextClassifier(**EVERY_VALUE)
    assert set(EVERY_VALUE) == set(clf.get_params())  # the table above covers every parameter
    params = clone(clf).get_params()
    for name, value in EVERY_VALUE.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(params[name], value)
        else:
            assert params[name] == value, name


@pytest.mark.parametrize("params, match", [
    ({"cell": "cnn"}, "'cell' parameter of RecurrentTextClassifier must be a str among"),
    ({"optimizer": "adm"}, "'optimizer' parameter .* torch.optim.Optimizer subclass"),
    ({"pooling": "first"}, "'pooling' parameter"),
    ({"regularizer": "l3"}, "'regularizer' parameter"),
    ({"initializer": "zeros"}, "'initializer' parameter"),
    ({"dropout": 1.5}, "'dropout' parameter"),
    ({"hidden_size": (8, 0)}, "'hidden_size' parameter .* positive int"),
    ({"dense_layers": (8, -1)}, "'dense_layers' parameter .* positive ints"),
    ({"optimizer_params": [("momentum", 0.9)]}, "'optimizer_params' parameter .* a dict or None"),
    ({"max_epochs": "all"}, r"'max_epochs' parameter .* \[1, inf\) or a str among \['auto'\]"),
    ({"threshold": 1.0}, r"'threshold' parameter .* \(0, 1\)"),
])
def test_bad_parameters_name_the_parameter(ids_data, params, match):
    X, y = ids_data
    with pytest.raises(ValueError, match=match):
        RecurrentTextClassifier(**{**SMALL, **params}).fit(X, y)


def test_a_meta_estimator_validates_its_parts_before_anything_runs(ids_data, monkeypatch):
    from sklearn_rnn import pretraining

    X, y = ids_data
    monkeypatch.setattr(pretraining, "pretrain_embeddings", lambda *a, **k: pytest.fail("pretrained first"))
    bad = RecurrentTextClassifier(**{**SMALL, "cell": "cnn"})
    semi = SemiSupervisedTextClassifier(estimator=bad, pretraining="embeddings")
    with pytest.raises(ValueError, match="'cell' parameter of RecurrentTextClassifier"):
        semi.fit(X, y)
    with pytest.raises(ValueError, match="'cell' parameter of RecurrentTextClassifier"):
        semi.pretrain(X)
    with pytest.raises(ValueError, match="'network_share' parameter of BlendedTextClassifier"):
        BlendedTextClassifier(network=RecurrentTextClassifier(**SMALL), network_share=1.5).fit(X, y)
    with pytest.raises(ValueError, match="'network' parameter of BlendedTextClassifier must be an object "
                                         "implementing 'fit', 'predict_proba'"):
        BlendedTextClassifier(network="lstm").fit(X, y)


def test_optimizer_params_the_optimizer_does_not_take_name_the_parameter(ids_data):
    X, y = ids_data
    with pytest.raises(ValueError, match=r"optimizer_params names \['momentm'\], which SGD does not take"):
        RecurrentTextClassifier(**SMALL, optimizer="sgd", optimizer_params={"momentm": 0.9}).fit(X, y)
    with pytest.raises(ValueError, match="use the lr parameter"):
        RecurrentTextClassifier(**SMALL, optimizer_params={"lr": 0.1}).fit(X, y)


def test_named_optimizers_use_single_kernel_updates(ids_data):
    X, y = ids_data
    adam = RecurrentTextClassifier(**SMALL).fit(X, y)
    assert adam.net_.optimizer_.defaults["fused"] is True
    rms = RecurrentTextClassifier(**SMALL, optimizer="rmsprop").fit(X, y)
    assert rms.net_.optimizer_.defaults["foreach"] is True
    loop = RecurrentTextClassifier(**SMALL, optimizer_params={"fused": False}).fit(X, y)
    assert loop.net_.optimizer_.defaults["fused"] is False


@pytest.mark.parametrize("cls", [RecurrentTextClassifier, FeedForwardTextClassifier, ConvTextClassifier])
def test_every_network_has_the_shared_training_parameters(cls):
    shared = {"optimizer", "lr", "regularizer", "initializer", "max_epochs", "early_stopping", "validation_fraction",
              "checkpoint_dir", "random_state", "precision", "n_threads", "warm_start", "threshold", "class_weight"}
    assert shared <= set(cls().get_params())


def test_the_regularizer_initializer_optimizer_grid_gives_each_candidate_its_own_score(rng):
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


def test_a_grid_over_cell_with_the_defaults_scores_each_cell_on_its_own(rng):
    docs, y = make_reviews(rng, n=90)
    # The defaults, with the sizes shrunk as in the run: the network alone predicts, so each
    # cell gets a score of its own (the blend of round 2 gave every candidate the same).
    pipe = Pipeline([("vec", SequenceVectorizer()),
                     ("clf", RecurrentTextClassifier(hidden_size=8, embedding_dim=8, random_state=0))])
    search = GridSearchCV(pipe, {"clf__cell": ["rnn", "lstm", "gru"]}, cv=3, scoring="neg_log_loss",
                          error_score="raise").fit(docs, y)
    scores = search.cv_results_["mean_test_score"]
    assert len(set(np.round(scores, 7))) == 3, scores

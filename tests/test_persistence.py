"""Safe save/load: round trips, no pickle on load, clear errors on bad files."""

import json
import pickle
import sys

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

import sklearn_rnn.persistence
from sklearn_rnn import (
    ConvTextClassifier,
    FeedForwardTextClassifier,
    RecurrentTextClassifier,
    SequenceVectorizer,
    load,
    save,
)
from sklearn_rnn.persistence import FORMAT_VERSION, ModelFormatError, checksum

SMALL = dict(embedding_dim=8, max_epochs=2, batch_size=16, lr=0.02, random_state=0)


def make_docs(rng, n=60):
    words = np.array(["good", "bad", "the", "film", "plot", "was", "great", "awful"])
    docs = [" ".join(rng.choice(words, rng.randint(1, 9))) for _ in range(n)]
    labels = np.array(["pos" if d.count("good") + d.count("great") >= d.count("bad") + d.count("awful") else "neg"
                       for d in docs])
    return docs, labels


CLASSIFIERS = [
    lambda: RecurrentTextClassifier(cell="gru", bidirectional=True, hidden_size=(6, 4), pooling="attention",
                                    dense_layers=(5,), class_weight={"neg": 2.0}, regularizer="l2",
                                    optimizer="sgd", optimizer_params={"momentum": 0.5}, **SMALL),
    lambda: FeedForwardTextClassifier(pooling="flatten", dense_layers=(7,), **SMALL),
    lambda: FeedForwardTextClassifier(dense_layers=(7,), **{**SMALL, "embedding_dim": None}),
    lambda: ConvTextClassifier(filters=4, kernel_size=(2, 3), class_weight="balanced", **SMALL),
    lambda: ConvTextClassifier(filters=4, kernel_size=2, cell="lstm", hidden_size=3,
                               optimizer=torch.optim.Adagrad, **SMALL),
]


def roundtrip(obj, tmp_path):
    path = tmp_path / "model.safetensors"
    save(obj, path)
    return load(path)


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_fitted_pipelines_round_trip_with_their_names(rng, tmp_path, make):
    docs, y = make_docs(rng)
    pipe = make_pipeline(SequenceVectorizer(max_features=6, max_len=7), make()).fit(docs, y)
    loaded = roundtrip(pipe, tmp_path)
    assert [name for name, _ in loaded.steps] == [name for name, _ in pipe.steps]
    np.testing.assert_array_equal(loaded.predict_proba(docs), pipe.predict_proba(docs))
    np.testing.assert_array_equal(loaded.predict(docs), pipe.predict(docs))
    clf, twin = pipe[-1], loaded[-1]
    assert clf.get_params().keys() == twin.get_params().keys()
    for name, value in clf.get_params().items():
        assert type(twin.get_params()[name]) is type(value) and twin.get_params()[name] == value, name
    assert twin.classes_.dtype == clf.classes_.dtype
    assert twin.history_.equals(clf.history_)
    assert loaded[0].vocabulary_ == pipe[0].vocabulary_


@pytest.mark.parametrize("labels", [[3, 7], [True, False], ["a", "b", "c"]])
def test_label_types_survive(ids_data, tmp_path, labels):
    X, y = ids_data
    y = np.array(labels)[X[:, -1] % len(labels)]
    clf = RecurrentTextClassifier(hidden_size=4, **SMALL).fit(X, y)
    loaded = roundtrip(clf, tmp_path)
    assert loaded.classes_.tolist() == clf.classes_.tolist() and loaded.classes_.dtype == clf.classes_.dtype
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


def test_named_pipeline_and_unfitted_estimators(tmp_path, rng):
    docs, y = make_docs(rng)
    pipe = Pipeline([("vec", SequenceVectorizer(input_type="text", stop_words=["the"], dtype=np.int16)),
                     ("clf", RecurrentTextClassifier(hidden_size=(4,), embedding_weights=rng.normal(size=(40, 8)),
                                                     **SMALL))])
    loaded = roundtrip(pipe, tmp_path)  # not fitted: parameters only
    assert loaded.named_steps["vec"].dtype is np.int16 and loaded.named_steps["vec"].stop_words == ["the"]
    np.testing.assert_array_equal(loaded.named_steps["clf"].embedding_weights, pipe.named_steps["clf"].embedding_weights)
    assert not hasattr(loaded.named_steps["clf"], "net_")
    loaded.fit(docs, y)
    assert loaded.score(docs, y) >= 0.5


def test_token_vocabularies_of_ints_survive(tmp_path):
    vec = SequenceVectorizer(input_type="tokens", max_len=4).fit([[5, 3, 3], [9, 5]])
    loaded = roundtrip(vec, tmp_path)
    assert loaded.vocabulary_ == vec.vocabulary_
    np.testing.assert_array_equal(loaded.transform([[3, 9, 11]]), vec.transform([[3, 9, 11]]))


def test_loading_never_unpickles(rng, tmp_path, monkeypatch):
    docs, y = make_docs(rng)
    pipe = make_pipeline(SequenceVectorizer(), RecurrentTextClassifier(hidden_size=4, **SMALL)).fit(docs, y)
    save(pipe, tmp_path / "m.safetensors")

    def forbidden(*args, **kwargs):
        raise AssertionError("pickle was used")

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, forbidden)
    monkeypatch.setattr(torch, "load", forbidden)
    monkeypatch.setattr(joblib, "load", forbidden)
    loaded = load(tmp_path / "m.safetensors")
    np.testing.assert_array_equal(loaded.predict_proba(docs), pipe.predict_proba(docs))


@pytest.mark.parametrize("obj, name", [
    (SequenceVectorizer(tokenizer=str.split), "SequenceVectorizer.tokenizer"),
    (RecurrentTextClassifier(regularizer=lambda w: w.sum()), "RecurrentTextClassifier.regularizer"),
    (RecurrentTextClassifier(initializer=torch.nn.init.ones_), "RecurrentTextClassifier.initializer"),
    (make_pipeline(SequenceVectorizer(), LogisticRegression()), "LogisticRegression"),
])
def test_what_needs_pickle_is_named_with_a_pointer_to_joblib(tmp_path, obj, name):
    with pytest.raises(TypeError, match=rf"{name}.*joblib\.dump"):
        save(obj, tmp_path / "m.safetensors")
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def _rewrite(path, change_header=None, change_tensors=None, rehash=False):
    """Edit a model file; with ``rehash``, write the checksum of the edited content, as an editor who
    knows the format would, so that the checks behind the checksum are what is tested."""
    with safe_open(str(path), framework="pt") as handle:
        header = json.loads(handle.metadata()["sklearn_rnn"])
        tensors = {key: handle.get_tensor(key) for key in handle.keys()}
    if change_header:
        change_header(header)
    if change_tensors:
        change_tensors(tensors)
    if rehash:
        header["sha256"] = checksum(header, tensors)
    save_file(tensors, str(path), metadata={"sklearn_rnn": json.dumps(header)})


@pytest.fixture
def saved(ids_data, tmp_path):
    X, y = ids_data
    path = tmp_path / "m.safetensors"
    save(RecurrentTextClassifier(hidden_size=4, **SMALL).fit(X, y), path)
    return path


def test_other_format_versions_are_refused(saved):
    _rewrite(saved, lambda h: h.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(ModelFormatError, match=f"format version {FORMAT_VERSION + 1}.*reads versions 1 and "
                                               f"{FORMAT_VERSION}"):
        load(saved)


def test_a_truncated_file_is_refused(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFormatError, match="truncated or damaged"):
        load(saved)


def test_edited_weights_are_refused(saved):
    def edit(tensors):
        key = next(k for k in tensors if k.endswith("head.0.weight") or "head" in k)
        tensors[key] = tensors[key] + 1.0

    _rewrite(saved, change_tensors=edit)
    with pytest.raises(ModelFormatError, match="checksum"):
        load(saved)


def test_weights_of_another_shape_are_refused_without_a_crash_inside_torch(saved):
    def edit(header):
        header["object"]["params"]["hidden_size"] = 5  # the file's weights are for 4 units

    _rewrite(saved, edit, rehash=True)
    with pytest.raises(ModelFormatError, match="do not fit the network"):
        load(saved)


@pytest.mark.parametrize("name", ["subprocess.Popen", "LogisticRegression", "os.system"])
def test_a_class_outside_the_package_is_refused_and_never_imported(saved, name):
    _rewrite(saved, lambda h: h["object"].update({"class": name}), rehash=True)
    before = set(sys.modules)
    with pytest.raises(ModelFormatError, match=f"names the class '{name}'.*not imported"):
        load(saved)
    assert set(sys.modules) == before


def test_files_that_are_not_models(tmp_path):
    plain = tmp_path / "plain.safetensors"
    save_file({"w": torch.zeros(2)}, str(plain))
    with pytest.raises(ModelFormatError, match="not a sklearn_rnn model"):
        load(plain)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\x00" * 64)
    with pytest.raises(ModelFormatError, match="not a readable safetensors file"):
        load(junk)
    with pytest.raises(FileNotFoundError, match="No model file"):
        load(tmp_path / "missing.safetensors")


def test_a_failed_save_leaves_the_good_file_in_place(saved, ids_data, monkeypatch):
    X, _ = ids_data
    good = saved.read_bytes()
    expected = load(saved).predict_proba(X)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(sklearn_rnn.persistence, "save_file", crash)
    with pytest.raises(OSError, match="disk full"):
        save(load(saved), saved)
    assert saved.read_bytes() == good
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]  # no temporary file left
    np.testing.assert_array_equal(load(saved).predict_proba(X), expected)


def test_a_loaded_model_can_continue_training(saved, ids_data):
    X, y = ids_data
    model = load(saved).set_params(warm_start=True)
    epochs = len(model.history_)
    model.fit(X, y)
    assert len(model.history_) == epochs + SMALL["max_epochs"]


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device to fit on")
def test_a_model_fitted_on_cuda_loads_on_cpu(ids_data, tmp_path):
    X, y = ids_data
    clf = RecurrentTextClassifier(hidden_size=4, device="cuda", **SMALL).fit(X, y)
    loaded = roundtrip(clf, tmp_path)
    assert next(loaded.net_.module_.parameters()).device.type == "cpu"
    np.testing.assert_allclose(loaded.predict_proba(X), clf.predict_proba(X), atol=1e-5)


@pytest.mark.parametrize("edit, what", [
    (lambda h: h["object"]["fitted"]["targets"]["classes_"]["values"].reverse(), "the class names swapped"),
    (lambda h: h["object"]["params"].update(threshold=0.9), "a parameter"),
    (lambda h: h["object"]["fitted"].update(n_tokens_=h["object"]["fitted"]["n_tokens_"] + 1), "a fitted value"),
    (lambda h: h.update(sklearn_rnn_version="9.9"), "the version that wrote it"),
])
def test_an_edit_anywhere_in_the_header_is_refused(saved, edit, what):
    _rewrite(saved, edit)
    with pytest.raises(ModelFormatError, match="does not match the checksum written at save time"):
        load(saved)


def test_a_blend_whose_share_was_edited_is_refused(ids_data, tmp_path):
    from sklearn_rnn import BlendedTextClassifier

    X, y = ids_data
    blend = BlendedTextClassifier(network=RecurrentTextClassifier(hidden_size=4, **SMALL), network_share=0.5)
    path = tmp_path / "blend.safetensors"
    save(blend.fit(X, y), path)
    _rewrite(path, lambda h: h["object"]["fitted"].update(network_share_=1.0))
    with pytest.raises(ModelFormatError, match="checksum"):
        load(path)


def test_load_refuses_a_file_of_another_kind_before_building_it(saved, monkeypatch):
    from sklearn_rnn import BlendedTextClassifier

    assert isinstance(load(saved, expected=RecurrentTextClassifier), RecurrentTextClassifier)
    assert isinstance(load(saved, expected=(BlendedTextClassifier, RecurrentTextClassifier)),
                      RecurrentTextClassifier)
    monkeypatch.setattr(RecurrentTextClassifier, "_restore_fitted_state",
                        lambda *a: pytest.fail("built a file of the wrong kind"))
    with pytest.raises(ModelFormatError, match="holds a RecurrentTextClassifier, not a Pipeline"):
        load(saved, expected=Pipeline)
    with pytest.raises(ModelFormatError, match="not a BlendedTextClassifier or SequenceVectorizer"):
        load(saved, expected=(BlendedTextClassifier, SequenceVectorizer))
    with pytest.raises(TypeError, match="expected must be a class"):
        load(saved, expected="Pipeline")


def test_a_saved_model_has_the_permissions_of_a_new_file(saved, tmp_path):
    import os

    previous = os.umask(0o027)
    try:
        save(load(saved), tmp_path / "shared.safetensors")
    finally:
        os.umask(previous)
    assert (tmp_path / "shared.safetensors").stat().st_mode & 0o777 == 0o640  # 0o666 less the umask
    assert saved.stat().st_mode & 0o777 == 0o666 & ~previous


def test_a_semi_supervised_fit_round_trips(tmp_path):
    from sklearn_rnn import SemiSupervisedTextClassifier

    rng = np.random.RandomState(0)
    X = rng.randint(2, 30, size=(120, 10))
    y = (X == 5).any(axis=1).astype(int)
    y[40:] = -1
    clf = SemiSupervisedTextClassifier(estimator=RecurrentTextClassifier(hidden_size=6, embedding_dim=6, max_epochs=2,
                                                                         random_state=0),
                                       self_training_rounds=1, random_state=0).fit(X, y)
    save(clf, tmp_path / "semi.safetensors")
    back = load(tmp_path / "semi.safetensors")
    assert back.n_unlabelled_ == 80 and back.pretraining == "auto" and back.unlabelled == -1
    pd.testing.assert_frame_equal(back.pretraining_history_, clf.pretraining_history_)
    assert len(clf.self_training_history_) == 2  # the labels alone and one round
    pd.testing.assert_frame_equal(back.self_training_history_, clf.self_training_history_)
    np.testing.assert_allclose(back.predict_proba(X), clf.predict_proba(X), atol=1e-6)
    assert back.estimator.embedding_weights is None  # the parameter is as given; estimator_ holds the vectors


def test_a_blend_round_trips_with_its_parts_as_tensors(tmp_path):
    from sklearn_rnn import BlendedTextClassifier, NgramLogisticClassifier

    rng = np.random.RandomState(0)
    X = rng.randint(2, 30, size=(120, 10))
    y = (X == 5).any(axis=1).astype(int)
    clf = BlendedTextClassifier(network=RecurrentTextClassifier(hidden_size=6, embedding_dim=6, max_epochs=2,
                                                                random_state=0),
                                linear=NgramLogisticClassifier(C=5.0), random_state=0).fit(X, y)
    save(clf, tmp_path / "blend.safetensors")
    with safe_open(tmp_path / "blend.safetensors", "pt") as f:
        assert {"columns_", "idf_", "coef_", "intercept_"} <= {k.split(":", 1)[-1] for k in f.keys()}
    back = load(tmp_path / "blend.safetensors")
    assert back.linear_.C == 5.0 and back.network_share_ == clf.network_share_
    np.testing.assert_allclose(back.predict_proba(X), clf.predict_proba(X), atol=1e-6)


def test_the_format_table_holds_every_public_estimator_class_and_nothing_else():
    from sklearn.base import BaseEstimator

    import sklearn_rnn
    from sklearn_rnn._registry import register, registered

    public = {name for name in sklearn_rnn.__all__
              if isinstance(getattr(sklearn_rnn, name), type) and issubclass(getattr(sklearn_rnn, name), BaseEstimator)}
    assert public <= set(registered())
    assert all(isinstance(cls, type) and issubclass(cls, BaseEstimator) for cls in registered().values())
    with pytest.raises(TypeError, match="only estimator classes"):
        register(sklearn_rnn.linear.document_frequency)

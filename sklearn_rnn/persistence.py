"""Safe persistence: weights as safetensors, everything else as JSON, no pickle.

A model file is one safetensors file. Its tensors are the network's weights
(and any array parameter, such as ``embedding_weights``); its header carries
one JSON document with the estimator's class, parameters, fitted state,
vocabulary and classes, the versions that wrote it, and a checksum of the
tensors. :func:`load` rebuilds the objects from that description, looking up
classes in a fixed table of this package's estimators: nothing is unpickled
and no name from the file is imported, so a file from a stranger cannot run
code.
"""

import hashlib
import json
import numbers
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import LabelEncoder
from skorch.history import History

from .classifiers import ConvTextClassifier, FeedForwardTextClassifier, RecurrentTextClassifier
from .linear import NgramLogisticModel
from .text import SequenceVectorizer, vocabulary_fingerprint

__all__ = ["FORMAT_VERSION", "ModelFormatError", "check_savable", "load", "save"]

FORMAT_VERSION = 1
_FORMAT = "sklearn_rnn"
_HEADER_KEY = "sklearn_rnn"
_CLASSIFIERS = {cls.__name__: cls for cls in (RecurrentTextClassifier, FeedForwardTextClassifier, ConvTextClassifier)}
_CLASSES = {**_CLASSIFIERS, "SequenceVectorizer": SequenceVectorizer, "Pipeline": Pipeline}
_JOBLIB_HINT = ("Save it with joblib.dump instead; joblib files run code when loaded, so load only "
                "those you trust.")


class ModelFormatError(ValueError):
    """A model file that :func:`load` cannot read: wrong format or version,
    damaged weights, or a description that names something outside the package."""


class _Writer:
    """Collects the JSON description and the tensors of one file."""

    def __init__(self):
        self.tensors = {}

    def tensor(self, key, value):
        self.tensors[key] = torch.as_tensor(value).detach().cpu().contiguous()
        return {"tensor": key}

    def encode(self, value, where):
        """JSON for a parameter value; ``where`` names it in errors."""
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real):
            return float(value)
        if isinstance(value, os.PathLike):
            return os.fspath(value)  # loads as a str
        if isinstance(value, tuple):
            return {"tuple": [self.encode(v, where) for v in value]}
        if isinstance(value, list):
            return [self.encode(v, where) for v in value]
        if isinstance(value, (set, frozenset)):
            return {"set": sorted((self.encode(v, where) for v in value), key=repr)}
        if isinstance(value, dict):
            return {"dict": [[self.encode(k, where), self.encode(v, where)] for k, v in value.items()]}
        if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
            return self.tensor(f"param:{where}", value)
        if isinstance(value, type) and issubclass(value, torch.optim.Optimizer) \
                and getattr(torch.optim, value.__name__, None) is value:
            return {"optimizer": value.__name__}
        if isinstance(value, type) and issubclass(value, np.integer):
            return {"dtype": np.dtype(value).name}
        raise TypeError(f"{where}={value!r} cannot be saved in the safe format: only numbers, strings, "
                        f"lists, dicts, arrays and torch.optim classes can. {_JOBLIB_HINT}")


class _Reader:
    """Decodes a description written by :class:`_Writer`, reading tensors from the file."""

    def __init__(self, handle, keys):
        self.handle, self.keys = handle, keys

    def tensor(self, ref):
        key = ref["tensor"]
        if key not in self.keys:
            raise ModelFormatError(f"the description names a tensor {key!r} that the file does not hold.")
        return self.handle.get_tensor(key)

    def decode(self, value):
        if isinstance(value, list):
            return [self.decode(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"tuple"}:
            return tuple(self.decode(v) for v in value["tuple"])
        if set(value) == {"set"}:
            return set(self.decode(v) for v in value["set"])
        if set(value) == {"dict"}:
            return {self.decode(k): self.decode(v) for k, v in value["dict"]}
        if set(value) == {"tensor"}:
            return self.tensor(value).numpy()
        if set(value) == {"optimizer"}:
            cls = getattr(torch.optim, str(value["optimizer"]), None)
            if not (isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer)):
                raise ModelFormatError(f"{value['optimizer']!r} is not a torch.optim optimizer.")
            return cls
        if set(value) == {"dtype"}:
            dtype = np.dtype(str(value["dtype"]))
            if dtype.kind not in "iu":
                raise ModelFormatError(f"dtype {value['dtype']!r} is not an integer type.")
            return dtype.type
        raise ModelFormatError(f"unknown value in the description: {value!r}.")


# ------------------------------------------------------------------- writing
def _describe(obj, writer, where):
    cls = type(obj)
    if _CLASSES.get(cls.__name__) is not cls:
        raise TypeError(f"{where} is a {cls.__module__}.{cls.__name__}; the safe format holds only "
                        f"{sorted(_CLASSES)} (Pipelines of them included). {_JOBLIB_HINT}")
    if cls is Pipeline:
        return _describe_pipeline(obj, writer, where)
    params = {name: writer.encode(value, f"{where}.{name}") for name, value in obj.get_params(deep=False).items()}
    out = {"class": cls.__name__, "params": params}
    if cls is SequenceVectorizer:
        if hasattr(obj, "vocabulary_"):
            tokens = obj.get_vocabulary()[2:]
            bad = next((t for t in tokens if not isinstance(t, (str, int))), None)
            if bad is not None:
                raise TypeError(f"{where} has a token {bad!r} that is neither a string nor an int. {_JOBLIB_HINT}")
            out["fitted"] = {"vocabulary": [int(t) if isinstance(t, numbers.Integral) else t for t in tokens],
                             "max_len_": int(obj.max_len_)}
    elif hasattr(obj, "net_"):
        out["fitted"] = _describe_classifier(obj, writer, where)
    return out


def _describe_pipeline(pipe, writer, where):
    params = pipe.get_params(deep=False)
    extra = {k: v for k, v in params.items() if k not in ("steps", "verbose") and v is not None}
    if extra:
        raise TypeError(f"{where} has settings {sorted(extra)} that the safe format does not keep. {_JOBLIB_HINT}")
    steps = []
    for name, step in pipe.steps:
        if step is None or step == "passthrough":
            raise TypeError(f"{where} step {name!r} is {step!r}; the safe format keeps estimator steps only.")
        steps.append([name, _describe(step, writer, f"{where}[{name!r}]")])
    return {"class": "Pipeline", "steps": steps, "verbose": bool(pipe.verbose)}


def _describe_classifier(clf, writer, where):
    prefix = f"{where}:"
    state = clf.net_.module_.state_dict()
    for key, value in state.items():
        writer.tensor(f"{prefix}module.{key}", value)
    weight = clf.net_.criterion_.weight
    history = clf.history_.reset_index()
    fitted = {
        "classes_": {"values": clf.classes_.tolist(), "dtype": clf.classes_.dtype.str},
        "n_tokens_": int(clf.n_tokens_),
        "n_features_in_": int(clf.n_features_in_),
        "precision_": clf.precision_,
        "vocabulary_fingerprint_": clf.vocabulary_fingerprint_,
        "history_": {column: history[column].tolist() for column in history.columns},
        "module_keys": sorted(state),
        "class_weight": None if weight is None else writer.tensor(f"{prefix}criterion.weight", weight),
    }
    if hasattr(clf, "feature_names_in_"):
        fitted["feature_names_in_"] = [str(name) for name in clf.feature_names_in_]
    if hasattr(clf, "n_unlabelled_"):
        fitted["n_unlabelled_"] = int(clf.n_unlabelled_)
    if hasattr(clf, "pretraining_history_"):
        fitted["pretraining_history_"] = {c: clf.pretraining_history_[c].tolist() for c in clf.pretraining_history_}
    if hasattr(clf, "self_training_history_"):
        rounds = clf.self_training_history_.reset_index()
        fitted["self_training_history_"] = {c: rounds[c].tolist() for c in rounds}
    if hasattr(clf, "ngram_buckets_"):
        fitted["ngram_buckets_"] = int(clf.ngram_buckets_)
    linear = getattr(clf, "linear_model_", None)
    if linear is not None:
        fitted["linear_model_"] = {
            "n_tokens": linear.n_tokens_, "unseen_idf": linear.unseen_idf_, "C": float(linear.C),
            "buckets": int(linear.buckets),
            "weight": float(clf.linear_weight_),
            **{name: writer.tensor(f"{prefix}linear.{name}", torch.from_numpy(getattr(linear, name + "_")))
               for name in ("columns", "idf", "coef", "intercept")}}
    if fitted["classes_"]["dtype"].startswith("|O") and \
            not all(isinstance(c, (str, bool, numbers.Integral)) for c in fitted["classes_"]["values"]):
        raise TypeError(f"{where} has labels of a type JSON cannot keep. {_JOBLIB_HINT}")
    return fitted


def check_savable(estimator):
    """Raise the ``TypeError`` :func:`save` would raise for ``estimator``'s parameters.

    ``fit`` calls it before training when ``checkpoint_dir`` is set, so that a
    parameter the safe format cannot hold fails at once, not after the first
    epoch.

    Examples
    --------
    >>> from sklearn_rnn import RecurrentTextClassifier
    >>> check_savable(RecurrentTextClassifier())
    """
    writer = _Writer()
    for name, value in estimator.get_params(deep=False).items():
        writer.encode(value, f"{type(estimator).__name__}.{name}")


def _digest(tensors):
    digest = hashlib.sha256()
    for key in sorted(tensors):
        digest.update(key.encode())
        digest.update(tensors[key].numpy().tobytes() if tensors[key].dtype != torch.bfloat16
                      else tensors[key].view(torch.int16).numpy().tobytes())
    return digest.hexdigest()


def save(obj, path):
    """Save an estimator or Pipeline of this package in the safe format.

    The file holds the weights as safetensors and everything else as JSON:
    parameters, vocabulary, classes, history, the package, torch and format
    versions, and a checksum of the weights. It is written to a temporary
    name beside ``path`` and renamed, so a crash never leaves a half-written
    file where a good one was. The optimizer's state is not kept: a
    ``warm_start`` fit after :func:`load` starts a fresh optimizer.

    Parameters
    ----------
    obj : estimator or Pipeline
        A :class:`SequenceVectorizer`, one of the classifiers, or a
        :class:`~sklearn.pipeline.Pipeline` of them, fitted or not.
    path : str or path-like
        The file to write (conventionally ``*.safetensors``).

    Raises
    ------
    TypeError
        If ``obj`` holds something the format cannot keep without pickle
        (a custom tokenizer, a callable regularizer, a step from another
        library); the message names it and points to joblib.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_rnn import SequenceVectorizer, load, save
    >>> vec = SequenceVectorizer(max_len=3).fit(["a good film", "a bad one"])
    >>> path = os.path.join(tempfile.mkdtemp(), "vec.safetensors")
    >>> save(vec, path)
    >>> load(path).transform(["a good one"]).tolist()
    [[2, 5, 6]]
    """
    from . import __version__

    writer = _Writer()
    description = _describe(obj, writer, type(obj).__name__)
    header = {
        "format": _FORMAT,
        "format_version": FORMAT_VERSION,
        "sklearn_rnn_version": __version__,
        "torch_version": torch.__version__,
        "weights_sha256": _digest(writer.tensors),
        "object": description,
    }
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".part", dir=path.parent or ".")
    os.close(fd)
    try:
        save_file(writer.tensors, tmp, metadata={_HEADER_KEY: json.dumps(header)})
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


# ------------------------------------------------------------------- reading
def _build(description, reader, where):
    if not isinstance(description, dict) or not isinstance(description.get("class"), str):
        raise ModelFormatError(f"{where}: the description is not an object with a 'class'.")
    name = description["class"]
    cls = _CLASSES.get(name)
    if cls is None:
        raise ModelFormatError(f"{where} names the class {name!r}, which is not one of this package's "
                               f"{sorted(_CLASSES)}; it is not imported.")
    if cls is Pipeline:
        steps = [(str(step_name), _build(step, reader, f"{where}[{step_name!r}]"))
                 for step_name, step in description.get("steps", [])]
        return Pipeline(steps, verbose=bool(description.get("verbose", False)))
    params = {key: reader.decode(value) for key, value in description.get("params", {}).items()}
    try:
        obj = cls(**params)
    except TypeError as exc:
        raise ModelFormatError(f"{where}: {exc}") from None
    fitted = description.get("fitted")
    if fitted is None:
        return obj
    if cls is SequenceVectorizer:
        tokens = fitted["vocabulary"]
        obj.vocabulary_ = {token: i + 2 for i, token in enumerate(tokens)}
        obj.n_tokens_ = len(tokens) + 2
        obj.max_len_ = int(fitted["max_len_"])
        obj.vocabulary_fingerprint_ = vocabulary_fingerprint(obj.vocabulary_)
        return obj
    return _restore_classifier(obj, fitted, reader, where)


def _restore_classifier(clf, fitted, reader, where):
    classes = fitted["classes_"]
    clf.classes_ = np.asarray(classes["values"], dtype=np.dtype(classes["dtype"]))
    clf._encoder = LabelEncoder()
    clf._encoder.classes_ = clf.classes_
    clf.n_classes_ = len(clf.classes_)
    clf.n_tokens_ = int(fitted["n_tokens_"])
    clf.n_features_in_ = int(fitted["n_features_in_"])
    fingerprint = fitted.get("vocabulary_fingerprint_")
    clf.vocabulary_fingerprint_ = None if fingerprint is None else str(fingerprint)
    if "feature_names_in_" in fitted:
        clf.feature_names_in_ = np.asarray(fitted["feature_names_in_"], dtype=object)
    if "n_unlabelled_" in fitted:
        clf.n_unlabelled_ = int(fitted["n_unlabelled_"])
    if "pretraining_history_" in fitted:
        clf.pretraining_history_ = pd.DataFrame(fitted["pretraining_history_"])
    if "self_training_history_" in fitted:
        clf.self_training_history_ = pd.DataFrame(fitted["self_training_history_"]).set_index("round")
    if isinstance(clf, RecurrentTextClassifier):
        clf.ngram_buckets_ = int(fitted.get("ngram_buckets_", clf.ngram_buckets))
    if "linear_model_" in fitted:
        linear = fitted["linear_model_"]
        clf.linear_model_ = NgramLogisticModel.from_arrays(
            linear["n_tokens"], linear["unseen_idf"],
            *(reader.tensor(linear[name]).numpy() for name in ("columns", "idf", "coef", "intercept")),
            C=linear["C"], buckets=linear["buckets"])
        clf.linear_weight_ = float(linear["weight"])
    elif isinstance(clf, RecurrentTextClassifier):
        clf.linear_model_, clf.linear_weight_ = None, 1.0
    clf.precision_ = fitted["precision_"] if fitted["precision_"] in ("float32", "bfloat16") else "float32"
    history = pd.DataFrame(fitted["history_"])
    clf.history_ = history.set_index("epoch") if "epoch" in history else history
    weight = None if fitted["class_weight"] is None else reader.tensor(fitted["class_weight"])
    clf.net_ = clf._build_net(None, 0, "cpu", clf.precision_, weight)
    clf.net_.initialize()
    clf.net_.history = History([{**row, "batches": []} for row in clf.history_.reset_index().to_dict("records")])
    prefix = f"{where}:module."
    keys = fitted["module_keys"]
    state = {key: reader.tensor({"tensor": prefix + key}) for key in keys}
    try:
        clf.net_.module_.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()[0]
        raise ModelFormatError(f"{where}: the weights do not fit the network its parameters describe "
                               f"({first}).") from None
    return clf


def load(path):
    """Load what :func:`save` wrote, without unpickling anything.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    obj : estimator or Pipeline
        The saved object, on CPU, predicting as it did when saved.

    Raises
    ------
    ModelFormatError
        If the file is not a model of this format, was written by another
        format version, is truncated or was edited, or names a class outside
        this package.
    FileNotFoundError
        If there is no file at ``path``.

    Examples
    --------
    See :func:`save`.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No model file at {path}.")
    try:
        with safe_open(str(path), framework="pt", device="cpu") as handle:
            metadata = handle.metadata() or {}
            keys = set(handle.keys())
            if _HEADER_KEY not in metadata:
                raise ModelFormatError(f"{path} is a safetensors file but not a sklearn_rnn model "
                                       "(its header has no sklearn_rnn description).")
            try:
                header = json.loads(metadata[_HEADER_KEY])
            except json.JSONDecodeError as exc:
                raise ModelFormatError(f"{path}: the description is not valid JSON ({exc}).") from None
            if not isinstance(header, dict) or header.get("format") != _FORMAT:
                raise ModelFormatError(f"{path} is not a sklearn_rnn model file.")
            version = header.get("format_version")
            if version != FORMAT_VERSION:
                raise ModelFormatError(
                    f"{path} has format version {version!r}, written by sklearn_rnn "
                    f"{header.get('sklearn_rnn_version')}; this sklearn_rnn reads version {FORMAT_VERSION}. "
                    "Load it with the version that wrote it and save it again from there.")
            if _digest({key: handle.get_tensor(key) for key in keys}) != header.get("weights_sha256"):
                raise ModelFormatError(f"{path}: the weights do not match the checksum written at save "
                                       "time; the file was edited or damaged.")
            reader = _Reader(handle, keys)
            description = header.get("object")
            return _build(description, reader, description.get("class", "object")
                          if isinstance(description, dict) else "object")
    except SafetensorError as exc:
        raise ModelFormatError(f"{path} is not a readable safetensors file; it may be truncated or "
                               f"damaged ({exc}).") from None
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ModelFormatError):
            raise
        raise ModelFormatError(f"{path}: the description is malformed ({type(exc).__name__}: {exc}).") from None

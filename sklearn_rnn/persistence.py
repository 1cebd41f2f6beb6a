"""Safe persistence: weights as safetensors, everything else as JSON, no pickle.

A model file is one safetensors file. Its tensors are the weights (and any
array parameter, such as ``embedding_weights``); its header carries one JSON
document with the object's class, parameters and fitted state, the versions
that wrote it, and a SHA-256 checksum over that document and every tensor, so
that an edit anywhere in the file is refused. :func:`load` rebuilds the
objects from the description, looking classes up in the table of
:mod:`sklearn_rnn._registry` and nowhere else: nothing is unpickled and no
name from the file is imported, so a file from a stranger cannot run code.

This module knows the format only. Each estimator writes and reads its own
fitted state through two methods, ``_fitted_state(writer, where)`` (a JSON
document, tensors referenced through ``writer.tensor``) and
``_restore_fitted_state(state, reader, where)``.
"""

import hashlib
import json
import numbers
import os
import tempfile
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline

from ._legacy import upgrade_v1
from ._warnings import warn
from ._registry import registered

__all__ = ["FORMAT_VERSION", "ModelFormatError", "check_savable", "checksum", "load", "save"]

#: The version this package writes. Version 1 (round 2: one RecurrentTextClassifier held the
#: linear model and self-training) is still read, upgraded to the estimators of today.
FORMAT_VERSION = 2
_FORMAT = "sklearn_rnn"
_HEADER_KEY = "sklearn_rnn"
_JOBLIB_HINT = ("Save it with joblib.dump instead; joblib files run code when loaded, so load only "
                "those you trust.")


class ModelFormatError(ValueError):
    """A model file that :func:`load` cannot read: wrong format or version, damaged or edited
    content, a description that names something outside the package, or an object of another
    kind than the caller expected."""


def _classes():
    return {**registered(), "Pipeline": Pipeline}


class _Writer:
    """Collects the JSON description and the tensors of one file."""

    def __init__(self):
        self.tensors = {}

    def tensor(self, key, value):
        """Store ``value`` (array or tensor) under ``key``; returns the JSON reference to it."""
        if key in self.tensors:
            raise RuntimeError(f"two tensors of one file are named {key!r}")
        self.tensors[key] = torch.as_tensor(np.asarray(value) if not torch.is_tensor(value) else value
                                            ).detach().cpu().contiguous()
        return {"tensor": key}

    def labels(self, values, where):
        """JSON for an array of labels (class names), keeping their dtype."""
        values = np.asarray(values)
        plain = values.tolist()
        if values.dtype.kind == "O" and not all(isinstance(v, (str, bool, numbers.Integral)) for v in plain):
            raise TypeError(f"{where} holds labels of a type JSON cannot keep. {_JOBLIB_HINT}")
        return {"values": plain, "dtype": values.dtype.str}

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
        if isinstance(value, BaseEstimator):
            return {"estimator": self.describe(value, where)}
        raise TypeError(f"{where}={value!r} cannot be saved in the safe format: only numbers, strings, "
                        f"lists, dicts, arrays, torch.optim classes and this package's estimators can. "
                        f"{_JOBLIB_HINT}")

    def describe(self, obj, where):
        """The description of an estimator or Pipeline of this package (fitted state included)."""
        cls = type(obj)
        if _classes().get(cls.__name__) is not cls:
            raise TypeError(f"{where} is a {cls.__module__}.{cls.__name__}; the safe format holds only "
                            f"{sorted(_classes())} (Pipelines of them included). {_JOBLIB_HINT}")
        if cls is Pipeline:
            return self._describe_pipeline(obj, where)
        params = {name: self.encode(value, f"{where}.{name}") for name, value in obj.get_params(deep=False).items()}
        out = {"class": cls.__name__, "params": params}
        state = obj._fitted_state(self, where)
        if state is not None:
            out["fitted"] = state
        return out

    def _describe_pipeline(self, pipe, where):
        params = pipe.get_params(deep=False)
        extra = {k: v for k, v in params.items() if k not in ("steps", "verbose") and v is not None}
        if extra:
            raise TypeError(f"{where} has settings {sorted(extra)} that the safe format does not keep. {_JOBLIB_HINT}")
        steps = []
        for name, step in pipe.steps:
            if step is None or step == "passthrough":
                raise TypeError(f"{where} step {name!r} is {step!r}; the safe format keeps estimator steps only.")
            steps.append([name, self.describe(step, f"{where}[{name!r}]")])
        return {"class": "Pipeline", "steps": steps, "verbose": bool(pipe.verbose)}


class _Reader:
    """Decodes a description written by :class:`_Writer`, reading tensors from the file."""

    def __init__(self, handle, keys):
        self.handle, self.keys = handle, keys

    def tensor(self, ref):
        """The tensor a ``{"tensor": key}`` reference names."""
        key = ref["tensor"] if isinstance(ref, dict) else None
        if key not in self.keys:
            raise ModelFormatError(f"the description names a tensor {key!r} that the file does not hold.")
        return self.handle.get_tensor(key)

    def labels(self, state):
        """The label array :meth:`_Writer.labels` described."""
        return np.asarray(state["values"], dtype=np.dtype(state["dtype"]))

    def decode(self, value, where):
        if isinstance(value, list):
            return [self.decode(v, where) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"tuple"}:
            return tuple(self.decode(v, where) for v in value["tuple"])
        if set(value) == {"set"}:
            return set(self.decode(v, where) for v in value["set"])
        if set(value) == {"dict"}:
            return {self.decode(k, where): self.decode(v, where) for k, v in value["dict"]}
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
        if set(value) == {"estimator"}:
            return self.build(value["estimator"], where)
        raise ModelFormatError(f"unknown value in the description: {value!r}.")

    def build(self, description, where):
        """The object a description names, fitted when the description holds its fitted state."""
        if not isinstance(description, dict) or not isinstance(description.get("class"), str):
            raise ModelFormatError(f"{where}: the description is not an object with a 'class'.")
        name = description["class"]
        cls = _classes().get(name)
        if cls is None:
            raise ModelFormatError(f"{where} names the class {name!r}, which is not one of this package's "
                                   f"{sorted(_classes())}; it is not imported.")
        if cls is Pipeline:
            steps = [(str(step_name), self.build(step, f"{where}[{step_name!r}]"))
                     for step_name, step in description.get("steps", [])]
            return Pipeline(steps, verbose=bool(description.get("verbose", False)))
        params = {key: self.decode(value, f"{where}.{key}") for key, value in description.get("params", {}).items()}
        try:
            obj = cls(**params)
        except TypeError as exc:
            raise ModelFormatError(f"{where}: {exc}") from None
        if description.get("fitted") is not None:
            obj._restore_fitted_state(description["fitted"], self, where)
        return obj


# --------------------------------------------------------------- checksum
def _tensor_bytes(tensor):
    return (tensor.view(torch.int16) if tensor.dtype == torch.bfloat16 else tensor).numpy().tobytes()


def checksum(header, tensors):
    """The SHA-256 a file's header holds: over the header (every key but ``sha256``, as canonical JSON,
    keys sorted) and every tensor, by name.

    Parameters
    ----------
    header : dict
        The file's JSON header (``format``, ``format_version``, ``object``...).
    tensors : dict of str to torch.Tensor
        The file's tensors.

    Returns
    -------
    digest : str
        Hex digest; :func:`load` refuses a file whose header holds another.

    Examples
    --------
    >>> import torch
    >>> checksum({"a": 1}, {"w": torch.zeros(2)}) == checksum({"a": 1}, {"w": torch.ones(2)})
    False
    """
    digest = hashlib.sha256()
    body = {key: value for key, value in header.items() if key != "sha256"}
    digest.update(json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
    for key in sorted(tensors):
        digest.update(b"\x00" + key.encode() + b"\x00")
        digest.update(_tensor_bytes(tensors[key]))
    return digest.hexdigest()


def _weightschecksum(tensors):
    """Format version 1's checksum: the tensors only."""
    digest = hashlib.sha256()
    for key in sorted(tensors):
        digest.update(key.encode())
        digest.update(_tensor_bytes(tensors[key]))
    return digest.hexdigest()


# ------------------------------------------------------------------- writing
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


def checkpoint_writer(estimator, filename):
    """A callable ``save_best(net)`` that writes ``estimator`` holding ``net`` to its ``checkpoint_dir``.

    The parameters are checked (:func:`check_savable`) and the folder made at
    once, before any training. Each call writes the estimator's snapshot with
    that net (``estimator._snapshot(net)``), so that the file predicts as the
    estimator did at that epoch.
    """
    check_savable(estimator)
    os.makedirs(estimator.checkpoint_dir, exist_ok=True)
    path = Path(estimator.checkpoint_dir) / filename

    def save_best(net):
        save(estimator._snapshot(net), path)

    return save_best


def save(obj, path):
    """Save an estimator or Pipeline of this package in the safe format.

    The file holds the weights as safetensors and everything else as JSON:
    parameters, vocabulary, classes, history, the package, torch and format
    versions, and a checksum over all of it. It is written to a temporary
    name beside ``path`` and renamed, so a crash never leaves a half-written
    file where a good one was; the file gets the permissions of a new file
    (``0o666`` less the umask). The optimizer's state is not kept: a
    ``warm_start`` fit after :func:`load` starts a fresh optimizer.

    Parameters
    ----------
    obj : estimator or Pipeline
        A :class:`SequenceVectorizer`, an estimator of this package, or a
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
    description = writer.describe(obj, type(obj).__name__)
    header = {
        "format": _FORMAT,
        "format_version": FORMAT_VERSION,
        "sklearn_rnn_version": __version__,
        "torch_version": torch.__version__,
        "object": description,
    }
    header["sha256"] = checksum(header, writer.tensors)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".part", dir=path.parent or ".")
    os.close(fd)
    try:
        save_file(writer.tensors, tmp, metadata={_HEADER_KEY: json.dumps(header)})
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0o600; a saved model is an ordinary file
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


# ------------------------------------------------------------------- reading
def _expected_names(expected):
    kinds = expected if isinstance(expected, tuple) else (expected,)
    for kind in kinds:
        if not isinstance(kind, type):
            raise TypeError(f"expected must be a class or a tuple of classes, got {kind!r}.")
    return kinds


def load(path, *, expected=None):
    """Load what :func:`save` wrote, without unpickling anything.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.
    expected : class or tuple of classes, default=None
        Refuse a file that holds another kind of object: for example
        ``expected=Pipeline``, or ``expected=(RecurrentTextClassifier,
        BlendedTextClassifier)``. The check reads the description only,
        before anything is built. None accepts any object of the package.

    Returns
    -------
    obj : estimator or Pipeline
        The saved object, on CPU, predicting as it did when saved.

    Raises
    ------
    ModelFormatError
        If the file is not a model of this format, was written by an unknown
        format version, is truncated, was edited in any part (tensors or
        description), names a class outside this package, or holds an
        object that is not an instance of ``expected``.
    FileNotFoundError
        If there is no file at ``path``.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.pipeline import Pipeline
    >>> from sklearn_rnn import SequenceVectorizer, load, save
    >>> path = os.path.join(tempfile.mkdtemp(), "vec.safetensors")
    >>> save(SequenceVectorizer(), path)
    >>> load(path, expected=Pipeline)
    Traceback (most recent call last):
    ...
    sklearn_rnn.persistence.ModelFormatError: ... holds a SequenceVectorizer, not a Pipeline.
    """
    kinds = None if expected is None else _expected_names(expected)
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
            tensors = {key: handle.get_tensor(key) for key in keys}
            description = _checked_description(path, header, tensors)
            if kinds is not None:
                found = _classes().get(description.get("class")) if isinstance(description, dict) else None
                if found is None or not issubclass(found, kinds):
                    names = " or ".join(kind.__name__ for kind in kinds)
                    raise ModelFormatError(f"{path} holds a {description.get('class')}, not a {names}.")
            reader = _Reader(handle, keys)
            return reader.build(description, description.get("class", "object"))
    except SafetensorError as exc:
        raise ModelFormatError(f"{path} is not a readable safetensors file; it may be truncated or "
                               f"damaged ({exc}).") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, ModelFormatError):
            raise
        raise ModelFormatError(f"{path}: the description is malformed ({type(exc).__name__}: {exc}).") from None


def _checked_description(path, header, tensors):
    """The object description of a header whose checksum holds (version 1: upgraded, with a warning)."""
    version = header.get("format_version")
    if version == FORMAT_VERSION:
        if checksum(header, tensors) != header.get("sha256"):
            raise ModelFormatError(f"{path}: the content does not match the checksum written at save time; "
                                   "the file was edited or damaged.")
        return header.get("object")
    if version == 1:
        if _weightschecksum(tensors) != header.get("weights_sha256"):
            raise ModelFormatError(f"{path}: the weights do not match the checksum written at save time; "
                                   "the file was edited or damaged.")
        warn(f"{path} has format version 1, whose checksum covers the weights only, not the "
             "description; save it again to protect the whole file.")
        return upgrade_v1(header.get("object"))
    raise ModelFormatError(
        f"{path} has format version {version!r}, written by sklearn_rnn {header.get('sklearn_rnn_version')}; "
        f"this sklearn_rnn reads versions 1 and {FORMAT_VERSION}. Load it with the version that wrote it "
        "and save it again from there.")

"""Parameter validation: a small table of constraints per estimator.

scikit-learn keeps its own machinery for this private, so the package has
this one. Each estimator declares ``_parameter_constraints``, a dict from
parameter name to a list of constraints; :func:`validate_parameters` checks
them at the start of ``fit`` and raises an error that names the parameter,
what it may be, and what it got.
"""

import difflib
import functools
import inspect
from numbers import Integral

import numpy as np

from .modules._sizes import as_sizes

__all__ = ["HasMethods", "InvalidParameterError", "Interval", "Options", "ParameterCheckMixin", "Sizes",
           "Subclass", "check_keywords", "validate_parameters"]


class InvalidParameterError(ValueError, TypeError):
    """A parameter has a value of the wrong type or outside its range.

    It derives from both ``ValueError`` and ``TypeError``, as scikit-learn's
    own ``InvalidParameterError`` does, so callers may catch either.
    """


class Interval:
    """Numbers of ``kind`` (``Integral`` or ``Real``) between ``left`` and ``right``.

    Parameters
    ----------
    kind : {numbers.Integral, numbers.Real}
    left, right : float or None
        Bounds; None is unbounded.
    closed : {'left', 'right', 'both', 'neither'}
        Which bounds belong to the interval.

    Examples
    --------
    >>> str(Interval(Integral, 1, None, closed="left"))
    'an int in the range [1, inf)'
    >>> from numbers import Real
    >>> Interval(Real, 0, 1, closed="left").is_satisfied_by(1.0)
    False
    """

    def __init__(self, kind, left, right, *, closed):
        self.kind, self.left, self.right, self.closed = kind, left, right, closed

    def is_satisfied_by(self, value):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, self.kind):
            return False
        if self.left is not None:
            if value < self.left or (value == self.left and self.closed not in ("left", "both")):
                return False
        if self.right is not None:
            if value > self.right or (value == self.right and self.closed not in ("right", "both")):
                return False
        return True

    def __str__(self):
        kind = "an int" if self.kind is Integral else "a float"
        left = "(" if self.closed in ("right", "neither") or self.left is None else "["
        right = ")" if self.closed in ("left", "neither") or self.right is None else "]"
        low = "-inf" if self.left is None else self.left
        high = "inf" if self.right is None else self.right
        return f"{kind} in the range {left}{low}, {high}{right}"


class Options:
    """One of a fixed set of strings.

    Examples
    --------
    >>> str(Options({"lstm", "gru"}))
    "a str among ['gru', 'lstm']"
    """

    def __init__(self, options):
        self.options = frozenset(options)

    def is_satisfied_by(self, value):
        return isinstance(value, str) and value in self.options

    def __str__(self):
        return f"a str among {sorted(self.options)}"


class Sizes:
    """Layer sizes: a positive int or a tuple/list of them (see :func:`as_sizes`).

    Examples
    --------
    >>> Sizes().is_satisfied_by((64, 0)), Sizes(allow_empty=True).is_satisfied_by(())
    (False, True)
    """

    def __init__(self, allow_empty=False):
        self.allow_empty = allow_empty

    def is_satisfied_by(self, value):
        try:
            as_sizes(value, allow_empty=self.allow_empty)
        except ValueError:
            return False
        return True

    def __str__(self):
        if self.allow_empty:
            return "a tuple or list of positive ints (possibly empty)"
        return "a positive int or a non-empty tuple or list of positive ints"


class Subclass:
    """A class derived from ``base``.

    Examples
    --------
    >>> Subclass(Exception, "an exception class").is_satisfied_by(ValueError)
    True
    """

    def __init__(self, base, description):
        self.base, self.description = base, description

    def is_satisfied_by(self, value):
        return isinstance(value, type) and issubclass(value, self.base)

    def __str__(self):
        return self.description


class HasMethods:
    """An object with every method of ``methods`` (an estimator a meta-estimator wraps, say).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> HasMethods(["fit", "predict_proba"]).is_satisfied_by(LogisticRegression())
    True
    """

    def __init__(self, methods):
        self.methods = list(methods)

    def is_satisfied_by(self, value):
        return not isinstance(value, type) and all(callable(getattr(value, m, None)) for m in self.methods)

    def __str__(self):
        return f"an object implementing {', '.join(repr(m) for m in self.methods)}"


class Predicate:
    def __init__(self, test, description):
        self.test, self.description = test, description

    def is_satisfied_by(self, value):
        return self.test(value)

    def __str__(self):
        return self.description


_NAMED = {
    "boolean": Predicate(lambda v: isinstance(v, (bool, np.bool_)), "a bool"),
    "callable": Predicate(callable, "a callable"),
    "dict": Predicate(lambda v: isinstance(v, dict), "a dict"),
    "list": Predicate(lambda v: isinstance(v, list), "a list"),
    "str": Predicate(lambda v: isinstance(v, str), "a str"),
    "path": Predicate(lambda v: hasattr(v, "__fspath__"), "a path"),
    "collection": Predicate(lambda v: isinstance(v, (list, tuple, set, frozenset)), "a list, tuple or set"),
    "array-like": Predicate(lambda v: hasattr(v, "__len__") or hasattr(v, "__array__"), "an array-like"),
    "random_state": Predicate(
        lambda v: v is None or isinstance(v, np.random.RandomState)
        or (isinstance(v, Integral) and not isinstance(v, bool) and 0 <= v < 2**32),
        "an int in the range [0, 2**32), a numpy RandomState or None"),
    "verbose": Predicate(lambda v: isinstance(v, (Integral, bool, np.bool_)) and v >= 0, "a non-negative int"),
    None: Predicate(lambda v: v is None, "None"),
}


def _constraint(spec):
    return _NAMED[spec] if spec is None or isinstance(spec, str) else spec


def validate_parameters(estimator):
    """Check every parameter of ``estimator`` against its ``_parameter_constraints``, and those of
    the estimators it holds as parameters (the parts of a meta-estimator), before anything runs.

    Parameters
    ----------
    estimator : object
        An estimator with ``_parameter_constraints`` and ``get_params``.

    Raises
    ------
    InvalidParameterError
        Naming the first parameter that satisfies none of its constraints,
        what it may be, and the value it got.

    Examples
    --------
    >>> from sklearn_rnn import RecurrentTextClassifier
    >>> validate_parameters(RecurrentTextClassifier(cell="cnn"))
    Traceback (most recent call last):
    ...
    sklearn_rnn._validation.InvalidParameterError: The 'cell' parameter of RecurrentTextClassifier must be a str among ['gru', 'lstm', 'rnn']. Got 'cnn' instead.
    """
    params = estimator.get_params(deep=False)
    for name, specs in estimator._parameter_constraints.items():
        if name not in params or specs == "no_validation":
            continue
        constraints = [_constraint(spec) for spec in specs]
        value = params[name]
        if any(c.is_satisfied_by(value) for c in constraints):
            continue
        shown = [str(c) for c in constraints]
        allowed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"
        raise InvalidParameterError(
            f"The {name!r} parameter of {type(estimator).__name__} must be {allowed}. Got {value!r} instead."
        )
    for value in params.values():
        if hasattr(value, "_parameter_constraints") and hasattr(value, "get_params") and not isinstance(value, type):
            validate_parameters(value)


# ------------------------------------------------------------ unknown names
#: Names that Keras users type, and this package's parameter for each.
KERAS_NAMES = {
    "epochs": "max_epochs",
    "validation_split": "validation_fraction",
    "units": "hidden_size",
    "patience": "n_iter_no_change",
    "kernel_regularizer": "regularizer",
    "kernel_initializer": "initializer",
    "learning_rate": "lr",
    "output_dim": "embedding_dim",
    "seed": "random_state",
    "maxlen": "max_len",
    "output_sequence_length": "max_len",
    "num_words": "max_features",
    "max_tokens": "max_features",
}
#: skorch-style routed settings, and the dict parameter that takes them here.
ROUTED_PREFIXES = {"optimizer": "optimizer_params", "callbacks": "callbacks"}


def unknown_parameter_message(cls, key, valid):
    """A message for an unknown parameter ``key`` of ``cls``, with a suggestion.

    Examples
    --------
    >>> from sklearn_rnn import RecurrentTextClassifier
    >>> unknown_parameter_message(RecurrentTextClassifier, "epochs", ["max_epochs"])
    "RecurrentTextClassifier got an unknown parameter 'epochs': use max_epochs (Keras's epochs)."
    """
    head = f"{cls.__name__} got an unknown parameter {key!r}"
    if KERAS_NAMES.get(key) in valid:
        return f"{head}: use {KERAS_NAMES[key]} (Keras's {key})."
    if "__" in key:
        prefix, rest = key.split("__", 1)
        guess = difflib.get_close_matches(prefix, list(ROUTED_PREFIXES), n=1, cutoff=0.6)
        target = ROUTED_PREFIXES.get(guess[0]) if guess else None
        if target == "optimizer_params" and target in valid:
            return (f"{head}: skorch-style routed settings are not parameters here; "
                    f"pass optimizer_params={{{rest!r}: ...}}.")
        return f"{head}: nested parameters (name__key) do not exist here. Valid parameters: {sorted(valid)}."
    guess = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.6)
    if guess:
        return f"{head}: did you mean {guess[0]}?"
    return f"{head}. Valid parameters: {sorted(valid)}."


def check_keywords(init):
    """Decorate ``__init__`` so that an unknown keyword gets a helpful ``TypeError``.

    Python would raise a ``TypeError`` anyway; this one names the parameter
    the user probably meant. The signature seen by :func:`inspect.signature`,
    and so by scikit-learn's ``get_params``, stays that of ``init``.

    Examples
    --------
    >>> from sklearn_rnn import SequenceVectorizer
    >>> SequenceVectorizer(maxlen=400)
    Traceback (most recent call last):
    ...
    sklearn_rnn._validation.InvalidParameterError: SequenceVectorizer got an unknown parameter 'maxlen': use max_len (Keras's maxlen).
    """
    valid = [name for name in inspect.signature(init).parameters if name != "self"]

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        for key in kwargs:
            if key not in valid:
                raise InvalidParameterError(unknown_parameter_message(type(self), key, valid))
        init(self, *args, **kwargs)

    return __init__


class ParameterCheckMixin:
    """``set_params`` that names the parameter meant when it gets an unknown one.

    ``name__key`` reaches the parameter ``key`` of the estimator held in
    ``name`` (a meta-estimator's part), as in scikit-learn.
    """

    def _default_parts(self):
        """The default of each part a meta-estimator builds when its parameter is None, as text."""
        return {}

    def set_params(self, **params):
        valid = self._get_param_names()
        for key in params:
            head = key.split("__", 1)[0]
            part = params.get(head, getattr(self, head, None))
            if "__" in key and head in valid and part is None:
                raise InvalidParameterError(
                    f"{type(self).__name__} got {key!r}, but {head} is None (the default part is built only at "
                    f"fit); set {head}=... to an estimator, for example {head}={self._default_parts()[head]}, "
                    f"to reach its parameters.")
            nested = "__" in key and head in valid and hasattr(part, "set_params")
            if key not in valid and not nested:
                raise InvalidParameterError(unknown_parameter_message(type(self), key, valid))
        return super().set_params(**params)

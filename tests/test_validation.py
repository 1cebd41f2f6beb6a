"""The parameter table, its error messages, and the keyword check on __init__."""

import inspect
from numbers import Integral, Real

import numpy as np
import pytest

from sklearn_rnn import ConvTextClassifier, FeedForwardTextClassifier, RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn._validation import InvalidParameterError, Interval, Options, Sizes, validate_parameters

ESTIMATORS = [RecurrentTextClassifier, FeedForwardTextClassifier, ConvTextClassifier, SequenceVectorizer]


@pytest.mark.parametrize("interval, inside, outside, text", [
    (Interval(Integral, 1, None, closed="left"), [1, 7], [0, 1.5, True, "1"], "an int in the range [1, inf)"),
    (Interval(Real, 0, 1, closed="left"), [0, 0.5], [1, -0.1, None], "a float in the range [0, 1)"),
    (Interval(Real, 0, None, closed="neither"), [1e-9], [0], "a float in the range (0, inf)"),
])
def test_interval(interval, inside, outside, text):
    assert all(interval.is_satisfied_by(v) for v in inside)
    assert not any(interval.is_satisfied_by(v) for v in outside)
    assert str(interval) == text


def test_options_and_sizes():
    assert Options({"a", "b"}).is_satisfied_by("a") and not Options({"a"}).is_satisfied_by(["a"])
    assert Sizes().is_satisfied_by(3) and Sizes().is_satisfied_by([4, 2])
    assert not any(Sizes().is_satisfied_by(v) for v in [0, (), (3, 0), True, 2.0, "8"])
    assert Sizes(allow_empty=True).is_satisfied_by(())


def test_error_names_parameter_allowed_values_and_value():
    with pytest.raises(InvalidParameterError) as info:
        validate_parameters(RecurrentTextClassifier(optimizer="adm"))
    message = str(info.value)
    assert message.startswith("The 'optimizer' parameter of RecurrentTextClassifier must be a str among "
                              "['adagrad', 'adam', 'adamw', 'rmsprop', 'sgd'] or a torch.optim.Optimizer subclass.")
    assert message.endswith("Got 'adm' instead.")
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_every_parameter_has_a_constraint_and_every_default_passes(cls):
    names = set(inspect.signature(cls).parameters)
    assert names == set(cls._parameter_constraints)
    validate_parameters(cls())  # the defaults are valid


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_the_keyword_check_keeps_the_signature(cls):
    params = inspect.signature(cls).parameters
    assert all(p.kind == p.KEYWORD_ONLY for p in params.values())  # no **kwargs catch-all
    with pytest.raises(TypeError, match=f"{cls.__name__} got an unknown parameter 'nonsense'"):
        cls(nonsense=1)


def test_vectorizer_keras_names():
    with pytest.raises(TypeError, match="use max_len"):
        SequenceVectorizer(maxlen=400)
    with pytest.raises(TypeError, match="use max_features"):
        SequenceVectorizer(num_words=20000)
    with pytest.raises(ValueError, match="'max_len' parameter of SequenceVectorizer"):
        SequenceVectorizer(max_len=0).fit(["a b"])
    assert np.asarray(SequenceVectorizer(max_len=2).fit_transform(["a b c"])).shape == (1, 2)

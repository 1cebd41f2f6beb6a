"""The package's own contracts, checked for every estimator (the shape of imbalanced-learn's).

scikit-learn's ``parametrize_with_checks`` checks the scikit-learn API; the
checks here state what this package promises on top of it, through public
attributes only:

- padding never changes a prediction, and a row gets the same prediction
  alone as inside any batch;
- the same ``random_state`` gives the same predictions, another one others;
- ``clone`` keeps every parameter; an unknown keyword is a ``TypeError``;
- joblib and the safe format (:func:`sklearn_rnn.save`) round-trip a fitted
  estimator, predictions included;
- labels are classes: {-1, 0, 1} fits three (the unlabelled convention is
  :class:`~sklearn_rnn.SemiSupervisedTextClassifier`'s alone), and string
  labels come back as they went in;
- ``fit`` and ``predict`` leave torch's global state (threads, random
  generator, denormal flag) as they found it.

:func:`parametrize_with_checks` yields each check for each estimator, for
pytest, as scikit-learn's function of that name does.
"""

import functools
import io
import os
import tempfile

import joblib
import numpy as np
import torch
from sklearn.base import clone, is_classifier

from .._config import flush_denormal_enabled
from ..persistence import load, save

__all__ = ["make_ids", "parametrize_with_checks", "yield_checks"]


def make_ids(n_rows=80, width=12, n_tokens=30, seed=0, target="binary"):
    """Pre-padded rows of 0-``width`` token ids below ``n_tokens`` and a target that depends on them.

    ``target``: ``'binary'`` (whether id 5 occurs), ``'multiclass'`` (how
    many of ids 5 and 6 occur: 0, 1 or 2) or ``'continuous'`` (the share of
    ids below ``n_tokens / 2``, plus noise).

    Examples
    --------
    >>> X, y = make_ids(n_rows=4, width=3)
    >>> X.shape, sorted(set(y.tolist())) <= [0, 1]
    ((4, 3), True)
    """
    rng = np.random.RandomState(seed)
    X = np.zeros((n_rows, width), dtype=np.int64)
    for i, length in enumerate(rng.randint(1, width + 1, n_rows)):
        X[i, width - length:] = rng.randint(2, n_tokens, length)
    if target == "binary":
        return X, (X == 5).any(axis=1).astype(int)
    if target == "multiclass":
        return X, (X == 5).any(axis=1).astype(int) + (X == 6).any(axis=1).astype(int)
    real = X != 0
    share = ((X < n_tokens // 2) & real).sum(axis=1) / real.sum(axis=1)
    return X, share + 0.05 * rng.normal(size=n_rows)


def _outputs(estimator, X):
    return estimator.predict_proba(X) if hasattr(estimator, "predict_proba") else estimator.predict(X)


def _data(estimator):
    return make_ids(target="binary" if is_classifier(estimator) else "continuous")


def _post_padded(X):
    out = np.zeros_like(X)
    for i, row in enumerate(X):
        tokens = row[row != 0]
        out[i, :len(tokens)] = tokens
    return out


def check_predictions_ignore_padding_and_batches(name, estimator):
    """A row gets the same prediction alone as in a batch, and padded after its tokens as before them."""
    X, y = _data(estimator)
    fitted = clone(estimator).fit(X, y)
    together = _outputs(fitted, X)
    alone = np.concatenate([_outputs(fitted, X[i:i + 1]) for i in range(0, len(X), 7)])
    np.testing.assert_allclose(alone, together[::7], atol=1e-5, err_msg=f"{name}: alone vs in a batch")
    np.testing.assert_allclose(_outputs(fitted, _post_padded(X)), together, atol=1e-5,
                               err_msg=f"{name}: padding after the tokens vs before")
    wider = np.hstack([np.zeros((len(X), 5), dtype=X.dtype), X])
    wider_fit = clone(estimator).fit(wider, y)
    assert wider_fit.n_features_in_ == X.shape[1] + 5


def check_random_state_decides_the_fit(name, estimator):
    """Two fits with the same int ``random_state`` predict the same; another seed predicts otherwise."""
    X, y = _data(estimator)
    first = _outputs(clone(estimator).fit(X, y), X)
    np.testing.assert_array_equal(_outputs(clone(estimator).fit(X, y), X), first,
                                  err_msg=f"{name}: the same random_state gave other predictions")
    if "random_state" in estimator.get_params():
        seeds = {key: 12345 for key in estimator.get_params(deep=True) if key.split("__")[-1] == "random_state"}
        other = _outputs(clone(estimator).set_params(**seeds).fit(X, y), X)
        assert not np.allclose(other, first), f"{name}: another random_state gave the same predictions"


def check_clone_keeps_every_parameter(name, estimator):
    """``clone`` copies every parameter; an unfitted clone has no fitted attribute."""
    params = estimator.get_params(deep=False)
    twin = clone(estimator)
    for key, value in twin.get_params(deep=False).items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value, params[key])
        elif hasattr(value, "get_params"):
            assert type(value) is type(params[key]) and value is not params[key], key
        else:
            assert value == params[key], key
    assert not [k for k in vars(twin) if k.endswith("_") and not k.startswith("_")]


def check_unknown_keyword_is_a_type_error(name, estimator):
    """An unknown keyword in the constructor or ``set_params`` is a TypeError that names it."""
    try:
        type(estimator)(no_such_parameter=1)
    except TypeError as exc:
        assert "no_such_parameter" in str(exc), str(exc)
    else:
        raise AssertionError(f"{name} accepted an unknown keyword")
    try:
        clone(estimator).set_params(no_such_parameter=1)
    except (TypeError, ValueError) as exc:
        assert "no_such_parameter" in str(exc), str(exc)
    else:
        raise AssertionError(f"{name}.set_params accepted an unknown keyword")


def check_round_trips(name, estimator):
    """joblib and the safe format keep a fitted estimator: the copy predicts exactly the same."""
    X, y = _data(estimator)
    fitted = clone(estimator).fit(X, y)
    expected = _outputs(fitted, X)
    # joblib is pickle: this loads only the bytes that joblib.dump writes into the in-memory buffer
    # just below, never a file (files from someone else go through ``persistence.load``, checked after).
    buffer = io.BytesIO()
    joblib.dump(fitted, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(_outputs(joblib.load(buffer), X), expected, err_msg=f"{name}: joblib")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.safetensors")
        save(fitted, path)
        loaded = load(path, expected=type(estimator))
        np.testing.assert_array_equal(_outputs(loaded, X), expected, err_msg=f"{name}: safe format")
        assert loaded.get_params(deep=False).keys() == fitted.get_params(deep=False).keys()
        save(clone(estimator), path)  # unfitted too
        assert not hasattr(load(path), "classes_")


def check_labels_are_classes(name, estimator):
    """{-1, 0, 1} are three classes, and string labels come back as they went in."""
    X, y = make_ids(target="multiclass")
    signed = clone(estimator).fit(X, y - 1)
    assert signed.classes_.tolist() == [-1, 0, 1], signed.classes_
    assert set(signed.predict(X).tolist()) <= {-1, 0, 1}
    assert signed.predict_proba(X).shape == (len(X), 3)
    names = np.array(["none", "one", "two"], dtype=object)[y]
    named = clone(estimator).fit(X, names)
    assert named.classes_.tolist() == ["none", "one", "two"]
    assert set(named.predict(X).tolist()) <= {"none", "one", "two"}


def check_global_torch_state_is_restored(name, estimator):
    """``fit`` and ``predict`` restore torch's thread count, random generator and denormal flag."""
    X, y = _data(estimator)
    threads, flush = torch.get_num_threads(), flush_denormal_enabled()
    try:
        torch.manual_seed(123)
        expected_next = torch.rand(1)
        torch.manual_seed(123)
        torch.set_flush_denormal(False)
        fitted = clone(estimator).fit(X, y)
        _outputs(fitted, X)
        assert torch.get_num_threads() == threads
        assert not flush_denormal_enabled()
        assert torch.equal(torch.rand(1), expected_next)
    finally:
        torch.set_flush_denormal(flush)
        torch.set_num_threads(threads)


def yield_checks(estimator):
    """Every check of this module that applies to ``estimator``.

    Examples
    --------
    >>> from sklearn_rnn import NgramLogisticClassifier
    >>> [check.__name__ for check in yield_checks(NgramLogisticClassifier())][:2]
    ['check_clone_keeps_every_parameter', 'check_unknown_keyword_is_a_type_error']
    """
    yield check_clone_keeps_every_parameter
    yield check_unknown_keyword_is_a_type_error
    yield check_predictions_ignore_padding_and_batches
    yield check_random_state_decides_the_fit
    yield check_round_trips
    yield check_global_torch_state_is_restored
    if is_classifier(estimator) and estimator.get_params().get("unlabelled", None) is None:
        yield check_labels_are_classes


def parametrize_with_checks(estimators, *, expected_failed_checks=None):
    """A pytest ``parametrize`` decorator over every (estimator, check) pair, as scikit-learn's.

    Parameters
    ----------
    estimators : list of estimators
        Each with small settings: the checks fit it several times.
    expected_failed_checks : callable, default=None
        ``estimator -> {check name: reason}``; those checks are marked
        ``xfail`` with the reason.

    Returns
    -------
    decorator
        For a test function of ``(estimator, check)``.
    """
    import pytest

    params = []
    for estimator in estimators:
        failing = expected_failed_checks(estimator) if expected_failed_checks else {}
        name = type(estimator).__name__
        for check in yield_checks(estimator):
            marks = [pytest.mark.xfail(reason=failing[check.__name__])] if check.__name__ in failing else []
            params.append(pytest.param(estimator, functools.partial(check, name),
                                       id=f"{estimator!r}-{check.__name__}", marks=marks))
    return pytest.mark.parametrize("estimator, check", params)

"""Checks of what the estimators are given: token ids, their id space, labels and weights.

One place for the rules every estimator on token ids shares (the networks,
the linear n-gram model and the meta-estimators that split rows):

- ids are non-negative whole numbers, not text and not real-valued features;
- ids that come from a :class:`~sklearn_rnn.SequenceVectorizer` carry their
  id space (:class:`~sklearn_rnn.text.IdSpace`), as a
  :class:`~sklearn_rnn.text.TokenIds` array or as the column names of a
  DataFrame (``set_output(transform="pandas")``); an estimator fitted on one
  id space refuses ids of another;
- sample weights are finite, non-negative and not all zero.
"""


import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_non_negative, column_or_1d, validate_data

from ._warnings import warn
from .text import TokenIds, id_space_of
from .training import ID_DTYPES

__all__ = ["IdSpaceMixin", "check_labels", "check_sample_weight", "check_weighted_classes", "n_rows", "take_rows",
           "validation_split"]


def _check_whole_numbers(X):
    """Token ids are whole numbers: reject real-valued features and text before they are cast."""
    try:
        values = X.to_numpy() if hasattr(X, "to_numpy") and hasattr(X, "columns") else np.asarray(X)
    except (TypeError, ValueError):
        return  # ragged or odd input: validate_data explains
    if values.dtype.kind in "USO" and any(isinstance(v, (str, bytes)) for v in values.flat[:1000]):
        raise ValueError("X holds text; the estimators take token ids. Put a SequenceVectorizer in front: "
                         "make_pipeline(SequenceVectorizer(), RecurrentTextClassifier()).")
    if values.dtype.kind == "f" and np.isfinite(values).all():  # NaN and inf: validate_data says so
        bad = np.argwhere(values != np.round(values))
        if len(bad):
            index = tuple(int(i) for i in bad[0])
            where = f"row {index[0]}" + (f", column {index[1]}" if len(index) > 1 else "")
            raise ValueError(
                f"X holds {float(values[index]):g} at {where}, which is not a token id: the estimators take "
                "whole-number ids from SequenceVectorizer, not TF-IDF or other real-valued features."
            )


def check_sample_weight(sample_weight, n_samples):
    """Float64 weights of shape (n_samples,), finite, non-negative and not all zero (None stays None).

    Examples
    --------
    >>> check_sample_weight(2, 3).tolist()
    [2.0, 2.0, 2.0]
    >>> check_sample_weight([1, -1], 2)
    Traceback (most recent call last):
    ...
    ValueError: sample_weight must hold finite, non-negative numbers.
    """
    if sample_weight is None:
        return None
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"sample_weight must be an array of numbers, got {type(sample_weight).__name__}.") from None
    if weights.ndim == 0:
        weights = np.full(n_samples, float(weights))
    if weights.shape != (n_samples,):
        raise ValueError(f"sample_weight must have shape ({n_samples},) like y, got {weights.shape}.")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("sample_weight must hold finite, non-negative numbers.")
    if not weights.any():
        raise ValueError("sample_weight is zero for every sample: there is nothing to learn from.")
    return weights


def _check_label_types(values):
    """Labels of mixed kinds (ints and strings, say) would be compared or silently cast: refuse them."""
    kinds = {"str" if isinstance(v, (str, np.str_)) else "bool" if isinstance(v, (bool, np.bool_))
             else "number" if isinstance(v, (int, float, np.number)) else type(v).__name__ for v in values}
    if len(kinds) > 1:
        raise ValueError(f"y mixes labels of the kinds {sorted(kinds)}; give every label the same type "
                         "(all strings, or all numbers).")


def check_labels(y, n_rows):
    """Class labels as a 1-D array: one per row, none NaN, all of one kind, not continuous values.

    A column vector is accepted with scikit-learn's ``DataConversionWarning``.

    Examples
    --------
    >>> check_labels(["pos", "neg"], 2).tolist()
    ['pos', 'neg']
    >>> check_labels([1, "a"], 2)
    Traceback (most recent call last):
    ...
    ValueError: y mixes labels of the kinds ['number', 'str']; give every label the same type (all strings, or all numbers).
    """
    if y is None:
        raise ValueError("this estimator requires y to be passed, but the target y is None.")
    if isinstance(y, (list, tuple)) and len(y) and isinstance(y[0], (list, tuple, set, frozenset)) \
            or isinstance(y, np.ndarray) and y.dtype == object and len(y) and isinstance(y.flat[0], (list, set)):
        raise ValueError("y holds collections of labels (multi-label); this estimator takes one label per row.")
    if isinstance(y, (list, tuple)):
        _check_label_types(y)
    values = np.asarray(y)
    if values.ndim == 2 and values.shape[1] == 1:
        values = column_or_1d(values, warn=True)
    if values.ndim != 1:
        raise ValueError(f"y must hold one label per row; got shape {values.shape}.")
    if len(values) != n_rows:
        raise ValueError(f"X has {n_rows} rows but y has {len(values)} labels.")
    if values.dtype.kind == "f" and np.isnan(values).any():
        raise ValueError(f"y holds NaN labels (first at row {int(np.flatnonzero(np.isnan(values))[0])}); "
                         "drop those rows or give them a label.")
    if values.dtype == object:
        _check_label_types(values)
    check_classification_targets(values)
    return values


def check_weighted_classes(encoded, sample_weight, classes, owner):
    """A class whose rows all weigh 0 is not learnt: an error when fewer than 2 classes are left, else a warning.

    ``encoded`` holds the rows' class indices into ``classes``; ``owner`` names the estimator.
    """
    if sample_weight is None:
        return
    weight = np.bincount(encoded, weights=sample_weight, minlength=len(classes))
    zero = np.asarray(classes)[weight == 0].tolist()
    if not zero:
        return
    if len(classes) - len(zero) < 2:
        raise ValueError(f"sample_weight is 0 for every row of the classes {zero}: at most 1 class is left to "
                         f"learn, and {owner} needs 2.")
    warn(f"sample_weight is 0 for every row of the classes {zero}: {owner} will hardly ever predict them.")


def n_rows(X):
    """Number of rows of ``X``: an array, a DataFrame, a list of rows or anything with ``__array__``.

    Examples
    --------
    >>> n_rows([[1, 2], [3, 4]]), n_rows(np.zeros((3, 2)))
    (2, 3)
    """
    if hasattr(X, "shape"):
        return X.shape[0]
    if hasattr(X, "__len__"):
        return len(X)
    return np.asarray(X).shape[0]


def take_rows(X, rows):
    """The rows of ``X`` at the integer positions ``rows``: an array, a DataFrame or a list of rows.

    Examples
    --------
    >>> take_rows([[1, 2], [3, 4], [5, 6]], [2, 0])
    [[5, 6], [1, 2]]
    """
    if hasattr(X, "iloc"):
        return X.iloc[rows]
    if hasattr(X, "shape"):
        return X[rows]
    if isinstance(X, (list, tuple)):
        return [X[i] for i in rows]
    return np.asarray(X)[rows]


def validation_split(n_rows, fraction, seed, stratify=None):
    """Row positions ``(fitting, held_out)`` that hold out ``fraction`` of ``n_rows`` rows, or None.

    The split is stratified by ``stratify`` (encoded labels 0 .. n_classes - 1,
    or None) when every class can have a row on both sides; None is returned
    when ``fraction`` is 0 or leaves either side empty.

    Examples
    --------
    >>> y = np.array([0, 1] * 10)
    >>> fitting, held_out = validation_split(len(y), 0.2, seed=0, stratify=y)
    >>> len(fitting), len(held_out), np.bincount(y[held_out]).tolist()
    (16, 4, [2, 2])
    """
    n_valid = int(np.ceil(fraction * n_rows))
    if fraction == 0 or n_valid < 1 or n_rows - n_valid < 1:
        return None
    labels = None
    if stratify is not None:
        counts = np.bincount(stratify)
        n_classes = int((counts > 0).sum())
        if counts[counts > 0].min(initial=n_rows) >= 2 and n_valid >= n_classes and n_rows - n_valid >= n_classes:
            labels = stratify
    fitting, held_out = train_test_split(np.arange(n_rows), test_size=n_valid, random_state=seed, stratify=labels)
    return np.sort(fitting), held_out


class IdSpaceMixin:
    """Validation of token ids and of the id space they come from, for every estimator on ids.

    ``fit`` records the id space (``n_tokens_``, ``vocabulary_fingerprint_``)
    with :meth:`_fit_id_space`; later calls check theirs against it with
    :meth:`_check_id_space`.
    """

    def _validate_ids(self, X, reset=True):
        """Validate token ids as scikit-learn's ``validate_data`` does (``n_features_in_``, feature names).

        Returns ``(ids, space)``: the validated ids and the
        :class:`~sklearn_rnn.text.IdSpace` they declare (None for plain
        arrays). After the first fit (``reset=False``) ids of another
        vocabulary are refused.
        """
        space = id_space_of(X)
        _check_whole_numbers(X)
        if space is not None and space.width is not None and X.shape[1] != space.width:
            raise ValueError(
                f"X has {X.shape[1]} columns but the SequenceVectorizer wrote {space.width} columns of token "
                "ids: the other columns (a numeric column joined by a ColumnTransformer, say) would be read as "
                f"token ids. Give {type(self).__name__} the vectorizer's output alone."
            )
        if space is not None and not reset:
            self._check_fingerprint(space)
        # Signed integer ids keep their dtype (int32 from the vectorizer): no int64 copy of the
        # whole matrix is made; batches are cast when they are taken (training.SequenceDataset).
        ids = validate_data(self, X, dtype=list(ID_DTYPES), reset=reset, ensure_min_features=1)
        check_non_negative(ids, f"{type(self).__name__} (token ids in X)")
        return ids, space

    def _fit_id_space(self, ids, space, n_rows=None, also=None):
        """Record the id space of a first fit: the vectorizer's, else the largest id (of ``ids``, and of
        the validated ids ``also``) plus 1. ``n_rows`` (the rows of ``embedding_weights``, say) can only
        widen it."""
        n_tokens = max(int(ids.max(initial=0)) + 1, 2, 0 if also is None else int(also.max(initial=0)) + 1)
        if space is not None:
            if n_tokens > space.n_tokens:
                raise ValueError(f"X holds the id {n_tokens - 1}, outside the vectorizer's id space of "
                                 f"{space.n_tokens} ids.")
            n_tokens = space.n_tokens
        if n_rows is not None:
            if n_rows < n_tokens:
                raise ValueError(f"embedding_weights has {n_rows} rows but X holds id {n_tokens - 1}.")
            n_tokens = n_rows
        self.n_tokens_ = int(n_tokens)
        self.vocabulary_fingerprint_ = None if space is None else space.fingerprint

    def _check_fingerprint(self, space):
        fitted = getattr(self, "vocabulary_fingerprint_", None)
        if fitted is not None and space.fingerprint is not None and space.fingerprint != fitted:
            raise ValueError(
                f"X holds ids from another vocabulary than the one {type(self).__name__} was fitted on: the "
                "SequenceVectorizer was refitted on other documents, so the ids now name other words. Transform "
                "new documents with the vectorizer of the first fit, or fit both again from scratch."
            )

    def _as_token_ids(self, ids):
        """Validated ``ids`` as :class:`~sklearn_rnn.text.TokenIds` of the fitted id space, for the parts of a
        meta-estimator: each part then learns the whole fit's id space, whatever rows it is given."""
        return TokenIds(ids, self.n_tokens_, self.vocabulary_fingerprint_, ids.shape[1])

    def _check_id_space(self, ids):
        """Validated ``ids`` must lie below the fitted ``n_tokens_``."""
        largest = int(ids.max(initial=0))
        if largest >= self.n_tokens_:
            raise ValueError(
                f"X holds the id {largest}, but {type(self).__name__} was fitted on ids below {self.n_tokens_} "
                "(n_tokens_). Ids come from the SequenceVectorizer of the fit; a larger one is from another "
                "vocabulary, or not a token id at all."
            )

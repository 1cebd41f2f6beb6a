"""A linear n-gram classifier on token ids: TF-IDF unigrams and hashed bigrams, logistic regression.

:class:`NgramLogisticClassifier` reads the same token ids as the networks, so
it goes in the same pipeline after a :class:`~sklearn_rnn.SequenceVectorizer`,
alone or beside a network in :class:`~sklearn_rnn.BlendedTextClassifier`,
scikit-learn's ``VotingClassifier`` or ``StackingClassifier``. Recurrent nets
and n-gram linear models make different mistakes on reviews, so the average
of their probabilities can beat either (Mesnil et al. 2014 ensembled an RNN
language model with NBSVM on IMDB); ``docs/accuracy.md`` has the runs.
"""

from functools import cache
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import check_is_fitted

from ._inputs import n_rows as count_rows
from ._inputs import IdSpaceMixin, check_labels, check_sample_weight, check_weighted_classes
from ._registry import register
from ._validation import Interval, Options, ParameterCheckMixin, check_keywords, validate_parameters
from .modules.ngram import BIGRAM_BUCKETS, HASH_PRIME

__all__ = ["BIGRAM_BUCKETS", "CHUNK_ROWS", "MAX_FEATURES", "NgramLogisticClassifier", "document_frequency",
           "most_frequent_columns", "ngram_counts", "smoothed_idf", "solver_dtype"]

#: Rows whose counts and TF-IDF features are built at a time: the features of every row at once
#: would take about 14 kB per review of 230 tokens beside the counts they are made from. At 2,048
#: rows of IMDB reviews one chunk's temporaries are about 0.1 of the whole corpus's features at
#: 200,000 reviews (docs/performance.md, "Memory of the recommended models").
CHUNK_ROWS = 2048

#: Columns (unigram ids and bigram buckets) that :class:`NgramLogisticClassifier` keeps at most,
#: those in the most training documents. lbfgs holds about 270 bytes per column (its history
#: of 10 pairs and its bounds), so this caps its memory at about 70 MiB whatever the corpus.
MAX_FEATURES = 2 ** 18


def ngram_counts(X, n_tokens, buckets=BIGRAM_BUCKETS, chunk_size=4096):
    """Count each row's unigram ids and hashed bigrams, as a CSR matrix.

    Padding (id 0) is dropped wherever it stands before consecutive ids are
    paired, as the network's bigram branch reads them. Column ``i < n_tokens``
    counts id ``i``; column ``n_tokens + h`` counts the bigrams hashed to
    bucket ``h``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_positions)
        Non-negative token ids below ``n_tokens`` (the estimators check this
        before counting; a larger id is counted as the OOV id 1).
    n_tokens : int
        Size of the id space.
    buckets : int, default=BIGRAM_BUCKETS
        Hash buckets of the bigrams.
    chunk_size : int, default=4096
        Rows converted at a time (bounds the temporary memory).

    Returns
    -------
    counts : scipy.sparse.csr_matrix of shape (n_samples, n_tokens + buckets)

    Examples
    --------
    >>> counts = ngram_counts(np.array([[0, 3, 4, 3]]), n_tokens=5, buckets=7)
    >>> counts[0, :5].toarray().tolist()
    [[0.0, 0.0, 0.0, 2.0, 1.0]]
    >>> int(counts[0, 5:].sum())  # the bigrams (3, 4) and (4, 3)
    2
    """
    blocks = []
    for start in range(0, X.shape[0], chunk_size):
        ids = np.asarray(X[start:start + chunk_size])
        ids = np.where(ids < n_tokens, ids, 1)
        real = ids != 0
        lengths = real.sum(axis=1)
        # Left-align: a stable sort on "is padding" moves the real ids first, in order.
        aligned = np.take_along_axis(ids, np.argsort(~real, axis=1, kind="stable"), axis=1).astype(np.int64)
        positions = np.arange(ids.shape[1])
        uni = positions[None, :] < lengths[:, None]
        pair = positions[None, :-1] + 1 < lengths[:, None]
        bigrams = n_tokens + (aligned[:, :-1] * HASH_PRIME + aligned[:, 1:]) % buckets
        rows = np.concatenate([np.nonzero(uni)[0], np.nonzero(pair)[0]])
        cols = np.concatenate([aligned[uni], bigrams[pair]])
        blocks.append(sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                                    shape=(len(ids), n_tokens + buckets)))
    counts = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, n_tokens + buckets), dtype=np.float32)
    counts.sum_duplicates()
    return counts


def document_frequency(X, n_tokens, buckets=BIGRAM_BUCKETS, sample_weight=None):
    """Documents in which each column of :func:`ngram_counts` occurs, counted ``CHUNK_ROWS`` rows at a time.

    With ``sample_weight`` each document counts its weight (float64), so that a
    row of weight 2 counts as the row twice and a row of weight 0 not at all.

    Examples
    --------
    >>> document_frequency(np.array([[2, 3], [2, 0]]), n_tokens=4, buckets=2)[:4].tolist()
    [0, 0, 2, 1]
    >>> document_frequency(np.array([[2, 3], [2, 0]]), 4, 2, sample_weight=np.array([0.0, 2.0]))[:4].tolist()
    [0.0, 0.0, 2.0, 0.0]
    """
    df = np.zeros(n_tokens + buckets, dtype=np.int64 if sample_weight is None else np.float64)
    for start in range(0, X.shape[0], CHUNK_ROWS):
        counts = ngram_counts(X[start:start + CHUNK_ROWS], n_tokens, buckets)
        weights = None if sample_weight is None else np.repeat(sample_weight[start:start + CHUNK_ROWS],
                                                                np.diff(counts.indptr))
        df += np.bincount(counts.indices, weights=weights, minlength=len(df))
    return df


def most_frequent_columns(df, max_features):
    """The columns of ``df`` seen in some document, at most ``max_features`` of them: those in the
    most documents, ties going to the lower column. Sorted.

    Examples
    --------
    >>> most_frequent_columns(np.array([0, 3, 1, 3, 2]), max_features=3).tolist()
    [1, 3, 4]
    >>> most_frequent_columns(np.array([0, 3, 1, 3, 2]), max_features=None).tolist()
    [1, 2, 3, 4]
    """
    seen = np.flatnonzero(df)
    if max_features is not None and len(seen) > max_features:
        seen = np.sort(seen[np.argsort(-df[seen], kind="stable")[:max_features]])
    return seen.astype(np.int64)


@cache
def solver_dtype():
    """The dtype in which ``LogisticRegression``'s lbfgs solver takes sparse features without copying them.

    float32 where it keeps float32 input (scikit-learn 1.9 and later), float64
    where it converts float32 input to float64 (a copy of the whole matrix beside
    the float32 one). Found once per process by fitting a 2-row float32 problem.

    Returns
    -------
    dtype : type
        ``numpy.float32`` or ``numpy.float64``.

    Examples
    --------
    >>> solver_dtype() in (np.float32, np.float64)
    True
    """
    features = sp.csr_matrix(np.eye(2, dtype=np.float32))
    return np.dtype(LogisticRegression().fit(features, [0, 1]).coef_.dtype).type


def smoothed_idf(df, n_rows):
    """scikit-learn's smoothed inverse document frequency, ``log((1 + n_rows) / (1 + df)) + 1``, in float64.

    Examples
    --------
    >>> smoothed_idf(np.array([0, 2]), n_rows=2).round(3).tolist()
    [2.099, 1.0]
    """
    return np.log((1.0 + n_rows) / (1.0 + np.asarray(df, dtype=np.float64))) + 1.0


@register
class NgramLogisticClassifier(IdSpaceMixin, ClassifierMixin, ParameterCheckMixin, BaseEstimator):
    """Logistic regression on TF-IDF-weighted unigrams and hashed bigrams of token ids.

    The weighting is scikit-learn's ``TfidfTransformer(sublinear_tf=True)``:
    ``1 + log(count)`` times the smoothed inverse document frequency, rows
    scaled to unit L2 norm. The classifier is
    :class:`~sklearn.linear_model.LogisticRegression`. It takes the ids of a
    :class:`~sklearn_rnn.SequenceVectorizer`, so it is the TF-IDF baseline
    inside the same pipeline as the networks; its fitted state is a few
    arrays, which the safe model format keeps without pickle.

    Parameters
    ----------
    C : float, default=30.0
        Inverse regularization strength of the logistic regression.
    class_weight : 'balanced', dict or None, default=None
        Weights of the classes (a dict is keyed by label), as in
        :class:`~sklearn.linear_model.LogisticRegression`.
    buckets : int, default=BIGRAM_BUCKETS
        Hash buckets of the bigrams (2**20).
    max_features : int or None, default=MAX_FEATURES
        The most columns (unigram ids and bigram buckets) the model learns:
        those in the most training documents (2**18 by default, which bounds
        the solver's memory; ``docs/performance.md``). A column left out
        weighs nothing but counts in each row's norm, as a column never seen
        does. None keeps every column seen.
    max_iter : int, default=1000
        Iterations of the solver.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit``.
    n_tokens_ : int
        Size of the id space (the vectorizer's, or the largest id plus 1).
    vocabulary_fingerprint_ : str or None
        Fingerprint of the vocabulary of the ids of the fit (None for ids of
        unknown origin); ids of another vocabulary are refused.
    n_features_in_ : int
        Number of columns of ``X``.
    columns_ : ndarray of shape (n_columns,), int64
        The n-gram columns seen in ``fit`` (the ``max_features`` in the most
        documents), sorted; the model keeps weights for those only (a column
        never seen gets weight 0 under L2 anyway), so that a small corpus
        makes a small problem.
    idf_ : ndarray of shape (n_columns,), float32
        Inverse document frequencies of ``columns_``.
    unseen_idf_ : float
        The inverse document frequency of a column never seen in ``fit``:
        such columns carry no weight but count in a row's norm.
    coef_ : ndarray of shape (1 or n_classes, n_columns), float32
        Weights (one row for two classes).
    intercept_ : ndarray of shape (1 or n_classes,), float32
    n_iter_ : ndarray of shape (1,)
        Iterations the solver ran.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_rnn import NgramLogisticClassifier, SequenceVectorizer
    >>> docs = ["a great movie", "an awful movie", "great acting", "awful plot"] * 5
    >>> model = make_pipeline(SequenceVectorizer(), NgramLogisticClassifier()).fit(docs, [1, 0, 1, 0] * 5)
    >>> model.predict(["great", "awful"]).tolist()
    [1, 0]
    """

    _parameter_constraints = {
        "C": [Interval(Real, 0, None, closed="neither")],
        "class_weight": [Options({"balanced"}), "dict", None],
        "buckets": [Interval(Integral, 1, None, closed="left")],
        "max_features": [Interval(Integral, 1, None, closed="left"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
    }

    @check_keywords
    def __init__(self, *, C=30.0, class_weight=None, buckets=BIGRAM_BUCKETS, max_features=MAX_FEATURES,
                 max_iter=1000):
        self.C = C
        self.class_weight = class_weight
        self.buckets = buckets
        self.max_features = max_features
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit on token ids ``X`` and labels ``y``.

        The counts and features are made ``CHUNK_ROWS`` rows at a time; only
        the weighted features of every row are held at once.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids from :class:`~sklearn_rnn.SequenceVectorizer`.
        y : array-like of shape (n_samples,)
            Labels of any type.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row, in the logistic regression's loss and in the
            document frequencies: a row of weight 2 counts as the row twice,
            a row of weight 0 as no row at all.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        validate_parameters(self)
        n_rows = count_rows(X)
        sample_weight = check_sample_weight(sample_weight, n_rows)
        labels = check_labels(y, n_rows)
        encoder = LabelEncoder().fit(labels)
        classes = encoder.classes_
        if len(classes) < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 classes in y, got 1 class: {classes.tolist()}.")
        encoded = encoder.transform(labels)
        check_weighted_classes(encoded, sample_weight, classes, type(self).__name__)
        ids, space = self._validate_ids(X, reset=True)
        self.classes_ = classes
        self._fit_id_space(ids, space)
        # Weighted documents: a row of weight 2 counts as the row twice, a row of weight 0 not at all.
        df = document_frequency(ids, self.n_tokens_, self.buckets, sample_weight=sample_weight)
        n_documents = n_rows if sample_weight is None else float(sample_weight.sum())
        self.columns_ = most_frequent_columns(df, self.max_features)
        self.idf_ = smoothed_idf(df[self.columns_], n_documents).astype(np.float32)
        self.unseen_idf_ = float(smoothed_idf(0, n_documents))
        model = LogisticRegression(C=self.C, class_weight=self._encoded_class_weight(), max_iter=self.max_iter)
        model.fit(self._features(ids), encoded, sample_weight=sample_weight)
        self.coef_ = model.coef_.astype(np.float32)
        self.intercept_ = model.intercept_.astype(np.float32)
        self.n_iter_ = model.n_iter_
        return self

    def _encoded_class_weight(self):
        """``class_weight`` keyed by encoded class, as the inner LogisticRegression needs."""
        if not isinstance(self.class_weight, dict):
            return self.class_weight
        unknown = set(self.class_weight) - set(self.classes_.tolist())
        if unknown:
            raise ValueError(f"class_weight names labels {sorted(unknown, key=str)} that are not in y; "
                             f"the classes are {self.classes_.tolist()}.")
        return {i: float(self.class_weight.get(c, 1.0)) for i, c in enumerate(self.classes_.tolist())}

    def _feature_blocks(self, ids):
        """The TF-IDF features of ``ids``, ``CHUNK_ROWS`` rows at a time."""
        for start in range(0, ids.shape[0], CHUNK_ROWS):
            yield self._weigh(ngram_counts(ids[start:start + CHUNK_ROWS], self.n_tokens_, self.buckets))

    def _features(self, ids):
        """The TF-IDF features of every row of ``ids``: a CSR matrix of :func:`solver_dtype`, the
        dtype that ``LogisticRegression``'s lbfgs takes without a copy. Two passes over the chunks,
        the first to size the arrays, so that the corpus's features are held once."""
        total = sum(block.nnz for block in self._feature_blocks(ids))
        index = np.int32 if total < np.iinfo(np.int32).max else np.int64
        data, indices = np.empty(total, solver_dtype()), np.empty(total, index)
        indptr = np.zeros(ids.shape[0] + 1, index)
        at = row = 0
        for block in self._feature_blocks(ids):
            data[at:at + block.nnz], indices[at:at + block.nnz] = block.data, block.indices
            indptr[row + 1:row + 1 + block.shape[0]] = block.indptr[1:] + at
            at, row = at + block.nnz, row + block.shape[0]
        return sp.csr_matrix((data, indices, indptr), shape=(ids.shape[0], len(self.columns_)))

    def _weigh(self, counts):
        """TF-IDF weights of the n-gram ``counts`` of some rows, each row scaled to unit L2 norm."""
        counts = counts.tocoo()
        # Keep the entries of the columns seen in fit, renumbered 0 .. n_columns - 1.
        at = np.searchsorted(self.columns_, counts.col)
        seen = at < len(self.columns_)
        seen[seen] = self.columns_[at[seen]] == counts.col[seen]
        rows, cols, data = counts.row[seen], at[seen], counts.data[seen]
        data = (1.0 + np.log(data)) * self.idf_[cols]
        features = sp.csr_matrix((data.astype(np.float32), (rows, cols)), shape=(counts.shape[0], len(self.columns_)))
        # Unseen columns have no weight but, as in TfidfTransformer, count in each row's norm.
        unseen = (1.0 + np.log(counts.data[~seen])) * self.unseen_idf_
        squares = np.asarray(features.multiply(features).sum(axis=1)).ravel()
        squares += np.bincount(counts.row[~seen], weights=unseen ** 2, minlength=counts.shape[0])
        norms = np.sqrt(squares)
        norms[norms == 0] = 1.0
        return sp.diags((1.0 / norms).astype(np.float32)) @ features

    def decision_function(self, X):
        """The logistic regression's scores, ``CHUNK_ROWS`` rows at a time.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, the score of ``classes_[1]``.
        """
        check_is_fitted(self, "coef_")
        ids, _ = self._validate_ids(X, reset=False)
        self._check_id_space(ids)
        scores = np.concatenate([block @ self.coef_.T for block in self._feature_blocks(ids)] or
                                [np.zeros((0, self.coef_.shape[0]), np.float32)]) + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict_proba(self, X):
        """Class probabilities; columns follow ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        scores = self.decision_function(X).astype(np.float64)
        if scores.ndim == 1:
            positive = expit(scores)
            return np.column_stack([1.0 - positive, positive])
        return softmax(scores, axis=1)

    def predict(self, X):
        """Predicted labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids.

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.input_tags.categorical = True  # token ids
        return tags

    # ------------------------------------------------------------ persistence
    def _fitted_state(self, writer, where):
        if not hasattr(self, "coef_"):
            return None
        state = {"classes_": writer.labels(self.classes_, f"{where}.classes_"), "n_tokens_": int(self.n_tokens_),
                 "vocabulary_fingerprint_": self.vocabulary_fingerprint_,
                 "n_features_in_": int(self.n_features_in_), "unseen_idf_": float(self.unseen_idf_),
                 "n_iter_": [int(n) for n in np.ravel(self.n_iter_)]}
        for name in ("columns_", "idf_", "coef_", "intercept_"):
            state[name] = writer.tensor(f"{where}:{name}", getattr(self, name))
        if hasattr(self, "feature_names_in_"):
            state["feature_names_in_"] = [str(name) for name in self.feature_names_in_]
        return state

    def _restore_fitted_state(self, state, reader, where):
        self.classes_ = reader.labels(state["classes_"])
        self.n_tokens_ = int(state["n_tokens_"])
        fingerprint = state.get("vocabulary_fingerprint_")
        self.vocabulary_fingerprint_ = None if fingerprint is None else str(fingerprint)
        self.n_features_in_ = int(state["n_features_in_"])
        self.unseen_idf_ = float(state["unseen_idf_"])
        self.n_iter_ = np.asarray(state.get("n_iter_", [0]), dtype=np.int32)
        self.columns_ = reader.tensor(state["columns_"]).numpy().astype(np.int64)
        self.idf_, self.coef_, self.intercept_ = (reader.tensor(state[name]).numpy().astype(np.float32)
                                                  for name in ("idf_", "coef_", "intercept_"))
        if "feature_names_in_" in state:
            self.feature_names_in_ = np.asarray(state["feature_names_in_"], dtype=object)

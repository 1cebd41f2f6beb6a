"""The linear n-gram model that :class:`~sklearn_rnn.RecurrentTextClassifier` averages with its network.

A logistic regression on TF-IDF-weighted unigrams and hashed bigrams of the
same token ids the network reads. Recurrent nets and n-gram linear models make
different mistakes on reviews, so the average of their probabilities beats
either (Mesnil et al. 2014 ensembled an RNN language model with NBSVM on
IMDB). ``docs/accuracy.md`` has the experiments.
"""

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.linear_model import LogisticRegression

__all__ = ["BIGRAM_BUCKETS", "NgramLogisticModel", "ngram_counts"]

#: Hash buckets of the bigrams (2**20, as scikit-learn's HashingVectorizer).
BIGRAM_BUCKETS = 2 ** 20
_PRIME = 1_000_003


def ngram_counts(X, n_tokens, buckets=BIGRAM_BUCKETS, chunk_size=4096):
    """Count each row's unigram ids and hashed bigrams, as a CSR matrix.

    Padding (id 0) is dropped wherever it stands before consecutive ids are
    paired, as the network's bigram branch reads them. Column ``i < n_tokens``
    counts id ``i``; column ``n_tokens + h`` counts the bigrams hashed to
    bucket ``h``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_positions)
        Non-negative token ids; ids from ``n_tokens`` up count as the OOV id 1.
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
        ids = np.where(ids < n_tokens, ids, 1)  # ids beyond the id space read as OOV, as in the network
        real = ids != 0
        lengths = real.sum(axis=1)
        # Left-align: a stable sort on "is padding" moves the real ids first, in order.
        aligned = np.take_along_axis(ids, np.argsort(~real, axis=1, kind="stable"), axis=1).astype(np.int64)
        positions = np.arange(ids.shape[1])
        uni = positions[None, :] < lengths[:, None]
        pair = positions[None, :-1] + 1 < lengths[:, None]
        bigrams = n_tokens + (aligned[:, :-1] * _PRIME + aligned[:, 1:]) % buckets
        rows = np.concatenate([np.nonzero(uni)[0], np.nonzero(pair)[0]])
        cols = np.concatenate([aligned[uni], bigrams[pair]])
        blocks.append(sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                                    shape=(len(ids), n_tokens + buckets)))
    counts = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, n_tokens + buckets), dtype=np.float32)
    counts.sum_duplicates()
    return counts


class NgramLogisticModel:
    """Logistic regression on TF-IDF-weighted unigrams and hashed bigrams of token ids.

    The weighting is scikit-learn's ``TfidfTransformer(sublinear_tf=True)``:
    ``1 + log(count)`` times the smoothed inverse document frequency, rows
    scaled to unit L2 norm. The classifier is
    :class:`~sklearn.linear_model.LogisticRegression`. The fitted state is
    three arrays, so the safe model format keeps it without pickle.

    Parameters
    ----------
    C : float, default=30.0
        Inverse regularization strength of the logistic regression.
    class_weight : dict, 'balanced' or None, default=None
        As in :class:`~sklearn.linear_model.LogisticRegression`.
    buckets : int, default=BIGRAM_BUCKETS
        Hash buckets of the bigrams.

    Attributes
    ----------
    n_tokens_ : int
        Size of the id space.
    columns_ : ndarray of shape (n_columns,), int64
        The n-gram columns seen in ``fit``, sorted; the model keeps weights
        for those only (a column never seen gets weight 0 under L2 anyway),
        so that a small corpus makes a small problem.
    idf_ : ndarray of shape (n_columns,), float32
        Inverse document frequencies of ``columns_``.
    unseen_idf_ : float
        The inverse document frequency of a column never seen in ``fit``:
        such columns carry no weight but count in a row's norm.
    coef_ : ndarray of shape (1 or n_classes, n_columns), float32
        Weights (one row for two classes).
    intercept_ : ndarray of shape (1 or n_classes,), float32

    Examples
    --------
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randint(2, 30, size=(80, 10))
    >>> y = (X == 5).any(axis=1).astype(int)
    >>> model = NgramLogisticModel().fit(X, y, n_tokens=30)
    >>> model.predict_proba(X).shape
    (80, 2)
    """

    def __init__(self, C=30.0, class_weight=None, buckets=BIGRAM_BUCKETS):
        self.C = C
        self.class_weight = class_weight
        self.buckets = buckets

    def _feature_blocks(self, X, chunk_size=8192):
        """The TF-IDF features of ``X``, ``chunk_size`` rows at a time: those of every row at once
        would take about 14 kB per review of 230 tokens beside the counts they are made from."""
        for start in range(0, X.shape[0], chunk_size):
            yield self._weigh(ngram_counts(X[start:start + chunk_size], self.n_tokens_, self.buckets))

    def _features(self, X, chunk_size=8192):
        """The TF-IDF features of every row of ``X``, a CSR matrix."""
        blocks = list(self._feature_blocks(X, chunk_size))
        return sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, len(self.columns_)), dtype=np.float32)

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

    def fit(self, X, y, n_tokens, sample_weight=None, chunk_size=8192):
        """Fit on ids ``X`` below ``n_tokens`` and encoded labels ``y`` (0 .. n_classes - 1).

        The counts and features are made ``chunk_size`` rows at a time; only
        the weighted features of every row are held at once.
        """
        self.n_tokens_ = int(n_tokens)
        n_rows = X.shape[0]
        df = np.zeros(self.n_tokens_ + self.buckets, dtype=np.int64)  # documents per column
        for start in range(0, n_rows, chunk_size):
            df += np.bincount(ngram_counts(X[start:start + chunk_size], self.n_tokens_, self.buckets).indices,
                              minlength=len(df))
        self.columns_ = np.flatnonzero(df).astype(np.int64)
        self.idf_ = (np.log((1.0 + n_rows) / (1.0 + df[self.columns_])) + 1.0).astype(np.float32)
        self.unseen_idf_ = float(np.log(1.0 + n_rows) + 1.0)
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000)
        model.fit(self._features(X, chunk_size), y, sample_weight=sample_weight)
        self.coef_ = model.coef_.astype(np.float32)
        self.intercept_ = model.intercept_.astype(np.float32)
        return self

    def predict_proba(self, X, chunk_size=8192):
        """Probabilities of the encoded classes, shape (n_samples, n_classes).

        The features of ``chunk_size`` rows are built at a time.
        """
        scores = np.concatenate([block @ self.coef_.T for block in self._feature_blocks(X, chunk_size)] or
                                [np.zeros((0, self.coef_.shape[0]), np.float32)]) + self.intercept_
        if self.coef_.shape[0] == 1:
            positive = expit(scores[:, 0])
            return np.column_stack([1.0 - positive, positive])
        return softmax(scores, axis=1)

    @classmethod
    def from_arrays(cls, n_tokens, unseen_idf, columns, idf, coef, intercept, C, class_weight=None,
                    buckets=BIGRAM_BUCKETS):
        """Rebuild a fitted model from its arrays (the safe model format)."""
        model = cls(C=C, class_weight=class_weight, buckets=buckets)
        model.n_tokens_ = int(n_tokens)
        model.unseen_idf_ = float(unseen_idf)
        model.columns_ = np.asarray(columns, dtype=np.int64)
        model.idf_, model.coef_, model.intercept_ = (np.asarray(a, dtype=np.float32) for a in (idf, coef, intercept))
        return model

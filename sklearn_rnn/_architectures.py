"""The three architectures: which torch module each network estimator builds, and from what.

An architecture mixin declares the parameters of its module and turns them
into the module's arguments; a task (classification, regression) and
:class:`~sklearn_rnn._base.BaseTextNetwork` do the rest. The classifier and the
regressor of one architecture share its mixin.
"""

from numbers import Integral, Real

import numpy as np

from ._validation import Interval, Options, Sizes
from .linear import document_frequency, smoothed_idf
from .modules._sizes import as_sizes
from .modules.conv import ConvNet
from .modules.feedforward import FeedForwardNet, flattens
from .modules.ngram import BIGRAM_BUCKETS
from .modules.pooling import POOLINGS
from .modules.recurrent import CELLS, NGRAM_PARTS, RecurrentNet

__all__ = ["AUTO_NGRAM_BUCKETS", "AUTO_NGRAM_BUCKETS_PER_ROW", "NGRAM_LR", "NGRAM_LR_SCALED_TARGETS",
           "ConvArchitecture", "FeedForwardArchitecture", "RecurrentArchitecture", "tfidf_idf"]

#: ``ngram_buckets='auto'`` with ``ngrams='embedding'`` takes ``AUTO_NGRAM_BUCKETS_PER_ROW`` buckets
#: per training row, at most ``AUTO_NGRAM_BUCKETS``: a small corpus gets a small table it cannot
#: memorise (docs/accuracy.md). With ``ngrams='tfidf'`` it is ``BIGRAM_BUCKETS``, as in
#: :class:`~sklearn_rnn.NgramLogisticClassifier`.
AUTO_NGRAM_BUCKETS = 200_000
AUTO_NGRAM_BUCKETS_PER_ROW = 40
#: The n-gram part's rate for a cross-entropy: the classifiers' ``ngram_lr``, and the regressor's
#: ``ngram_lr='auto'`` with ``loss_='log_loss'``.
NGRAM_LR = 0.03
#: The regressor's ``ngram_lr='auto'`` with a loss on scaled targets: at ``NGRAM_LR`` the part fits
#: the training targets within the first epoch (docs/user_guide.md, "Ratings and tags").
NGRAM_LR_SCALED_TARGETS = 0.003


def tfidf_idf(ids, n_tokens, n_buckets):
    """The smoothed inverse document frequency of each n-gram column of ``ids``, as scikit-learn's
    ``TfidfTransformer`` computes it: ``log((1 + n) / (1 + df)) + 1``.

    Examples
    --------
    >>> [round(float(v), 3) for v in tfidf_idf(np.array([[2, 3], [2, 0]]), n_tokens=4, n_buckets=2)[:4]]
    [2.099, 2.099, 1.0, 1.405]
    """
    return smoothed_idf(document_frequency(ids, n_tokens, n_buckets), len(ids)).astype(np.float32)


class RecurrentArchitecture:
    """Embedding, recurrent layers, pooling over time, a dense head, and an optional n-gram part."""

    _module_class = RecurrentNet
    _architecture_constraints = {
        "cell": [Options(set(CELLS))],
        "bidirectional": ["boolean"],
        "hidden_size": [Sizes()],
        "pooling": [Options(set(POOLINGS))],
        "ngrams": [Options(set(NGRAM_PARTS) - {None}), None],
        "ngram_buckets": [Interval(Integral, 0, None, closed="left"), Options({"auto"})],
        "ngram_lr": [Interval(Real, 0, None, closed="neither"), Options({"auto"})],
    }

    def _fit_architecture(self, n_rows):
        if self.ngram_buckets != "auto":
            self.ngram_buckets_ = int(self.ngram_buckets)
        elif self.ngrams == "tfidf":
            self.ngram_buckets_ = BIGRAM_BUCKETS
        else:
            self.ngram_buckets_ = min(AUTO_NGRAM_BUCKETS, AUTO_NGRAM_BUCKETS_PER_ROW * n_rows)

    def _architecture_start(self, ids):
        if self.ngrams != "tfidf" or not self.ngram_buckets_:
            return {}
        return {"ngram_idf": tfidf_idf(ids, self.n_tokens_, self.ngram_buckets_)}

    def _sparse_lr(self):
        return self._task_ngram_lr() if self.ngram_lr == "auto" else self.ngram_lr

    def _architecture_state(self):
        return {"ngram_buckets_": int(self.ngram_buckets_)}

    def _restore_architecture_state(self, state):
        self.ngram_buckets_ = int(state["ngram_buckets_"])

    def _module_params(self, device, start):
        return {
            **self._shared_module_params(start),
            "hidden_size": as_sizes(self.hidden_size, "hidden_size"),
            "cell": self.cell,
            "bidirectional": self.bidirectional,
            "pooling": self.pooling,
            "packed": device == "cuda",  # packing suits cuDNN; the dense path is faster on CPU
            "ngrams": self.ngrams,
            "ngram_buckets": self.ngram_buckets_,
            "ngram_idf": (start or {}).get("ngram_idf"),
        }


class FeedForwardArchitecture:
    """Embedding (or the raw ids), mean/max pooling or flatten, dense layers."""

    _module_class = FeedForwardNet
    _architecture_constraints = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "pooling": [Options({"mean", "max", "flatten"})],
    }

    def _min_width(self):
        # Flattening needs every row at the fitted width: no trimming.
        return self.n_features_in_ if flattens(self.embedding_dim, self.pooling) else 1

    def _module_params(self, device, start):
        return {**self._shared_module_params(start), "n_positions": self.n_features_in_,
                "pooling": self.pooling}


class ConvArchitecture:
    """Embedding, 1-D convolutions, then global max pooling or a recurrent layer (CNN+LSTM)."""

    _module_class = ConvNet
    _architecture_constraints = {
        "filters": [Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Sizes()],
        "cell": [Options(set(CELLS)), None],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
    }

    def _min_width(self):
        return max(as_sizes(self.kernel_size, "kernel_size"))

    def _module_params(self, device, start):
        return {**self._shared_module_params(start), "filters": self.filters,
                "kernel_size": as_sizes(self.kernel_size, "kernel_size"),
                "cell": self.cell, "hidden_size": self.hidden_size}

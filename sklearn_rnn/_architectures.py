"""The three architectures: which torch module each network estimator builds, and from what.

An architecture mixin declares the parameters of its module and turns them
into the module's arguments; a task (classification, regression) and
:class:`~sklearn_rnn._base.BaseTextNetwork` do the rest. The classifier and the
regressor of one architecture share its mixin.
"""

from numbers import Integral

from ._validation import Interval, Options, Sizes
from .modules._sizes import as_sizes
from .modules.conv import ConvNet
from .modules.feedforward import FeedForwardNet, flattens
from .modules.pooling import POOLINGS
from .modules.recurrent import CELLS, RecurrentNet

__all__ = ["AUTO_NGRAM_BUCKETS", "AUTO_NGRAM_BUCKETS_PER_ROW", "ConvArchitecture", "FeedForwardArchitecture",
           "RecurrentArchitecture"]

#: ``ngram_buckets='auto'`` takes ``AUTO_NGRAM_BUCKETS_PER_ROW`` buckets per training row, at most
#: ``AUTO_NGRAM_BUCKETS``: a small corpus gets a small table it cannot memorise (docs/accuracy.md).
AUTO_NGRAM_BUCKETS = 200_000
AUTO_NGRAM_BUCKETS_PER_ROW = 40


class RecurrentArchitecture:
    """Embedding, recurrent layers, pooling over time, an optional hashed-bigram branch, a dense head."""

    _module_class = RecurrentNet
    _architecture_constraints = {
        "cell": [Options(set(CELLS))],
        "bidirectional": ["boolean"],
        "hidden_size": [Sizes()],
        "pooling": [Options(set(POOLINGS))],
        "ngram_buckets": [Interval(Integral, 0, None, closed="left"), Options({"auto"})],
    }

    def _fit_architecture(self, n_rows):
        self.ngram_buckets_ = (min(AUTO_NGRAM_BUCKETS, AUTO_NGRAM_BUCKETS_PER_ROW * n_rows)
                               if self.ngram_buckets == "auto" else int(self.ngram_buckets))

    def _architecture_state(self):
        return {"ngram_buckets_": int(self.ngram_buckets_)}

    def _restore_architecture_state(self, state):
        self.ngram_buckets_ = int(state["ngram_buckets_"])

    def _module_params(self, device, embedding):
        return {
            **self._shared_module_params(embedding),
            "hidden_size": as_sizes(self.hidden_size, "hidden_size"),
            "cell": self.cell,
            "bidirectional": self.bidirectional,
            "pooling": self.pooling,
            "packed": device == "cuda",  # packing suits cuDNN; the dense path is faster on CPU
            "ngram_buckets": self.ngram_buckets_,
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

    def _module_params(self, device, embedding):
        return {**self._shared_module_params(embedding), "n_positions": self.n_features_in_,
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

    def _module_params(self, device, embedding):
        return {**self._shared_module_params(embedding), "filters": self.filters,
                "kernel_size": as_sizes(self.kernel_size, "kernel_size"),
                "cell": self.cell, "hidden_size": self.hidden_size}

"""Plain ``torch.nn`` modules used by the estimators; no scikit-learn inside."""

from .conv import ConvNet
from .embedding import TokenEmbedding
from .feedforward import FeedForwardNet
from .fused import FusedGRU, FusedRNN, fused_cells_status
from .head import DenseHead
from .ngram import BigramBag, TfidfNgrams
from .pooling import SequencePooling, length_mask
from .recurrent import RecurrentNet, RecurrentEncoder, reverse_index

__all__ = [
    "BigramBag",
    "ConvNet",
    "FeedForwardNet",
    "FusedGRU",
    "FusedRNN",
    "DenseHead",
    "RecurrentNet",
    "RecurrentEncoder",
    "SequencePooling",
    "TfidfNgrams",
    "TokenEmbedding",
    "fused_cells_status",
    "length_mask",
    "reverse_index",
]

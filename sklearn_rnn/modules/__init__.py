"""Plain ``torch.nn`` modules used by the estimators; no scikit-learn inside."""

from .embedding import TokenEmbedding
from .head import DenseHead
from .pooling import SequencePooling, length_mask
from .recurrent import RecurrentClassifierNet, RecurrentEncoder, reverse_index

__all__ = [
    "DenseHead",
    "RecurrentClassifierNet",
    "RecurrentEncoder",
    "SequencePooling",
    "TokenEmbedding",
    "length_mask",
    "reverse_index",
]

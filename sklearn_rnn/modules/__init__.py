"""Plain ``torch.nn`` modules used by the estimators; no scikit-learn inside."""

from .conv import ConvNet
from .embedding import TokenEmbedding
from .feedforward import FeedForwardNet
from .head import DenseHead
from .pooling import SequencePooling, length_mask
from .recurrent import RecurrentClassifierNet, RecurrentEncoder, reverse_index

__all__ = [
    "ConvNet",
    "FeedForwardNet",
    "DenseHead",
    "RecurrentClassifierNet",
    "RecurrentEncoder",
    "SequencePooling",
    "TokenEmbedding",
    "length_mask",
    "reverse_index",
]

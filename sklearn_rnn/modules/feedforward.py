"""Feedforward baseline: embedding (or raw ids), pooling or flatten, dense layers."""

import torch
from torch import nn

from .embedding import TokenEmbedding
from .head import DenseHead
from .pooling import SequencePooling

__all__ = ["FeedForwardNet", "flattens"]


def flattens(embedding_dim, pooling):
    """Whether the net concatenates every position instead of pooling.

    Raw ids (no embedding) and ``pooling='flatten'`` both need every row at
    the fitted width.

    Examples
    --------
    >>> flattens(None, "mean"), flattens(32, "flatten"), flattens(32, "max")
    (True, True, False)
    """
    return embedding_dim is None or pooling == "flatten"


class FeedForwardNet(nn.Module):
    """Embedding, then mean/max pooling or flatten, then a dense head.

    With ``embedding_dim=None`` the raw ids are fed to the dense layers as
    numbers: the naive baseline that shows why embeddings matter.

    Parameters
    ----------
    n_tokens : int
        Size of the id space.
    n_outputs : int
        Number of outputs: one logit per class (or per label), or one value per regression target.
    n_positions : int
        Fixed sequence width (used by ``'flatten'`` and raw ids).
    embedding_dim : int or None, default=32
    pooling : {'flatten', 'mean', 'max'}, default='mean'
    dense_layers, activation, dropout, spatial_dropout, embedding_weights, freeze_embedding
        As in :class:`~sklearn_rnn.modules.RecurrentNet`.
    word_vectors_dim, word_vectors, freeze_word_vectors
        As in :class:`~sklearn_rnn.modules.RecurrentNet` (with an embedding only).

    Examples
    --------
    >>> net = FeedForwardNet(20, 2, n_positions=3, embedding_dim=None, dense_layers=(4,))
    >>> net(torch.tensor([[3, 4, 0]]), torch.tensor([2])).shape
    torch.Size([1, 2])
    """

    def __init__(self, n_tokens, n_outputs, n_positions, embedding_dim=32, pooling="mean", dense_layers=(64,),
                 activation="relu", dropout=0.0, spatial_dropout=0.0, embedding_weights=None,
                 freeze_embedding=False, word_vectors_dim=0, word_vectors=None, freeze_word_vectors=False):
        super().__init__()
        self.n_positions = n_positions
        self.flatten = flattens(embedding_dim, pooling)
        if embedding_dim is None:
            if word_vectors_dim:
                raise ValueError("word vectors need an embedding: set embedding_dim.")
            self.embedding = None
            width = n_positions
        else:
            self.embedding = TokenEmbedding(n_tokens, embedding_dim, spatial_dropout, embedding_weights,
                                            freeze_embedding, word_vectors_dim, word_vectors, freeze_word_vectors)
            size = self.embedding.output_size
            width = n_positions * size if pooling == "flatten" else size
        self.pooling = None if self.flatten else SequencePooling(pooling, width)
        self.head = DenseHead(width, n_outputs, dense_layers, activation, dropout)

    def forward(self, ids, lengths):
        if self.embedding is None:
            return self.head(ids.to(torch.float32))
        x = self.embedding(ids)
        pooled = x.flatten(1) if self.flatten else self.pooling(x, lengths)
        return self.head(pooled)

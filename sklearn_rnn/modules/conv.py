"""1-D convolutional text network, optionally followed by a recurrent layer."""

import torch
from torch import nn

from ._sizes import as_sizes
from .embedding import TokenEmbedding
from .head import ACTIVATIONS, DenseHead
from .pooling import SequencePooling
from .recurrent import RecurrentEncoder

__all__ = ["ConvNet"]


class ConvNet(nn.Module):
    """Embedding, Conv1d (one or several widths), then global max pooling or an RNN.

    Only windows that lie inside a document count: a row of length ``L``
    has ``max(L - k + 1, 1)`` valid outputs for width ``k``, so padding after
    the document never changes its prediction.

    Parameters
    ----------
    n_tokens : int
        Size of the id space.
    n_outputs : int
        Number of outputs: one logit per class (or per label), or one value per regression target.
    embedding_dim : int, default=128
    filters : int, default=128
        Output channels per kernel width.
    kernel_size : tuple of int, default=(3,)
        One convolution per width; their pooled outputs are concatenated.
    cell : {None, 'lstm', 'gru', 'rnn'}, default=None
        Recurrent layer read over the convolution's outputs (CNN+LSTM); it
        needs a single kernel width. None means plain global max pooling.
    hidden_size : int, default=64
        Units of ``cell``.
    activation, dense_layers, dropout, spatial_dropout, embedding_weights, freeze_embedding
        As in :class:`~sklearn_rnn.modules.RecurrentNet`.
    word_vectors_dim, word_vectors, freeze_word_vectors
        As in :class:`~sklearn_rnn.modules.RecurrentNet`.

    Examples
    --------
    >>> net = ConvNet(20, 2, embedding_dim=8, filters=4, kernel_size=(2, 3))
    >>> net(torch.tensor([[3, 4, 5, 0]]), torch.tensor([3])).shape
    torch.Size([1, 2])
    """

    def __init__(self, n_tokens, n_outputs, embedding_dim=128, filters=128, kernel_size=(3,), cell=None,
                 hidden_size=64, activation="relu", dense_layers=(), dropout=0.0, spatial_dropout=0.0,
                 embedding_weights=None, freeze_embedding=False, word_vectors_dim=0, word_vectors=None,
                 freeze_word_vectors=False):
        super().__init__()
        self.kernel_size = as_sizes(kernel_size, "kernel_size")
        if cell is not None and len(self.kernel_size) != 1:
            raise ValueError(f"cell={cell!r} needs a single kernel_size, got {kernel_size!r}.")
        self.embedding = TokenEmbedding(n_tokens, embedding_dim, spatial_dropout, embedding_weights,
                                        freeze_embedding, word_vectors_dim, word_vectors, freeze_word_vectors)
        self.convs = nn.ModuleList(nn.Conv1d(self.embedding.output_size, filters, k) for k in self.kernel_size)
        self.activation = ACTIVATIONS[activation]()
        if cell is None:
            self.encoder = None
            self.pooling = SequencePooling("max", filters)
            width = filters * len(self.kernel_size)
        else:
            self.encoder = RecurrentEncoder(filters, (hidden_size,), cell)
            width = self.encoder.output_size
        self.head = DenseHead(width, n_outputs, dense_layers, activation, dropout)

    def forward(self, ids, lengths):
        x = self.embedding(ids).transpose(1, 2)  # (batch, channels, time)
        features = []
        for k, conv in zip(self.kernel_size, self.convs):
            out = self.activation(conv(x)).transpose(1, 2)  # (batch, time - k + 1, filters)
            valid = torch.clamp(lengths - k + 1, min=1)
            if self.encoder is None:
                features.append(self.pooling(out, valid))
            else:  # one kernel width (checked in __init__): the encoder's final state
                features.append(self.encoder(out, valid)[1])
        return self.head(torch.cat(features, dim=1))

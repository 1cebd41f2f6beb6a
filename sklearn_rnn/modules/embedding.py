"""Token embedding with Keras-style spatial dropout, and a channel of pretrained word vectors beside it."""

import torch
from torch import nn

__all__ = ["TokenEmbedding"]


class TokenEmbedding(nn.Module):
    """Embedding of token ids, id 0 being padding, plus SpatialDropout1D.

    Parameters
    ----------
    n_tokens : int
        Size of the id space (vocabulary + padding + OOV).
    embedding_dim : int
        Width of each token vector.
    spatial_dropout : float, default=0.0
        Probability of zeroing a whole embedding channel for all positions of
        a document, as Keras's ``SpatialDropout1D`` does.
    weights : array-like of shape (n_tokens, embedding_dim), default=None
        Pretrained vectors; row 0 (padding) is set to zero.
    freeze : bool, default=False
        Keep the vectors fixed during training.
    vectors_dim : int, default=0
        Width of a second channel, ``vectors``, whose columns follow the
        embedding's in the output; 0 means none.
    vectors : array-like of shape (n_tokens, vectors_dim), default=None
        The channel's rows (pretrained word vectors, zero for words they
        lack); None leaves zeros, to be loaded from a state dict.
    freeze_vectors : bool, default=False
        Keep the channel fixed during training.

    Attributes
    ----------
    output_size : int
        Width of each output vector, ``embedding_dim + vectors_dim``.

    Examples
    --------
    >>> import torch
    >>> emb = TokenEmbedding(10, 4)
    >>> emb(torch.tensor([[3, 0]])).shape
    torch.Size([1, 2, 4])
    >>> bool((emb(torch.tensor([[0]])) == 0).all())
    True
    >>> TokenEmbedding(10, 4, vectors_dim=3)(torch.tensor([[3, 0]])).shape
    torch.Size([1, 2, 7])
    """

    def __init__(self, n_tokens, embedding_dim, spatial_dropout=0.0, weights=None, freeze=False, vectors_dim=0,
                 vectors=None, freeze_vectors=False):
        super().__init__()
        self.output_size = embedding_dim + vectors_dim
        self.embedding = nn.Embedding(n_tokens, embedding_dim, padding_idx=0)
        with torch.no_grad():
            if weights is None:
                # Keras's default: small uniform vectors, which train well with rmsprop/adam.
                nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
            else:
                self.embedding.weight.copy_(torch.as_tensor(weights, dtype=torch.float32))
            self.embedding.weight[0].zero_()
        self.embedding.weight.requires_grad_(not freeze)
        self.vectors = None
        if vectors_dim:
            self.vectors = nn.Embedding(n_tokens, vectors_dim, padding_idx=0)
            with torch.no_grad():
                if vectors is None:
                    self.vectors.weight.zero_()
                else:
                    self.vectors.weight.copy_(torch.as_tensor(vectors, dtype=torch.float32))
                self.vectors.weight[0].zero_()
            self.vectors.weight.requires_grad_(not freeze_vectors)
        self.spatial_dropout = spatial_dropout

    def forward(self, ids):
        x = self.embedding(ids)
        if self.vectors is not None:
            x = torch.cat([x, self.vectors(ids)], dim=-1)
        if self.training and self.spatial_dropout > 0:
            keep = 1.0 - self.spatial_dropout
            mask = x.new_empty(x.shape[0], 1, x.shape[2]).bernoulli_(keep) / keep
            x = x * mask
        return x

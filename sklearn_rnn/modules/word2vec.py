"""Word vectors from unlabelled text: CBOW with negative sampling (word2vec)."""

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["CBOW"]


class CBOW(nn.Module):
    """Continuous bag of words with negative sampling (Mikolov et al., 2013).

    The mean of a position's context vectors scores its own word against
    ``k`` sampled words: ``-log σ(h·u_w) - Σ log σ(-h·u_n)``. Id 0 is padding
    (its context vector is zero and it never counts in the mean).

    Parameters
    ----------
    n_tokens : int
        Size of the id space.
    dim : int
        Width of the word vectors.

    Examples
    --------
    >>> model = CBOW(10, 4)
    >>> contexts = torch.tensor([[2, 3, 0, 0], [4, 5, 6, 7]])
    >>> loss = model(contexts, torch.tensor([5, 8]), torch.tensor([[1, 9], [2, 3]]))
    >>> loss.shape
    torch.Size([])
    """

    def __init__(self, n_tokens, dim):
        super().__init__()
        self.context = nn.Embedding(n_tokens, dim, padding_idx=0)
        self.output = nn.Embedding(n_tokens, dim)
        with torch.no_grad():
            nn.init.uniform_(self.context.weight, -0.5 / dim, 0.5 / dim)
            self.context.weight[0].zero_()
            self.output.weight.zero_()

    def forward(self, contexts, centers, negatives):
        counts = (contexts != 0).sum(dim=1, keepdim=True).clamp(min=1)
        h = self.context(contexts).sum(dim=1) / counts
        positive = (h * self.output(centers)).sum(dim=1)
        negative = torch.bmm(self.output(negatives), h.unsqueeze(2)).squeeze(2)
        return -(F.logsigmoid(positive) + F.logsigmoid(-negative).sum(dim=1)).mean()

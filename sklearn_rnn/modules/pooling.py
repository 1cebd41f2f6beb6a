"""Pooling over time that never reads padding."""

import torch
from torch import nn

__all__ = ["POOLINGS", "SequencePooling", "length_mask"]

POOLINGS = ("last", "max", "mean", "attention")


def length_mask(lengths, max_len):
    """Boolean (batch, max_len) mask, True at the real (non-padding) positions.

    Examples
    --------
    >>> length_mask(torch.tensor([1, 3]), 3)
    tensor([[ True, False, False],
            [ True,  True,  True]])
    """
    positions = torch.arange(max_len, device=lengths.device)
    return positions.unsqueeze(0) < lengths.unsqueeze(1)


class SequencePooling(nn.Module):
    """Reduce (batch, time, features) to (batch, features) over real positions.

    Parameters
    ----------
    mode : {'last', 'max', 'mean', 'attention'}
        ``'last'`` takes the summary the encoder passes as ``last`` (its final
        state); ``'attention'`` learns a score per position and averages with
        softmax weights, padding getting weight 0.
    input_size : int
        Number of features (needed for ``'attention'``).

    Examples
    --------
    >>> pool = SequencePooling("mean", 2)
    >>> x = torch.tensor([[[1.0, 1.0], [3.0, 3.0], [99.0, 99.0]]])
    >>> pool(x, torch.tensor([2]))
    tensor([[2., 2.]])
    """

    def __init__(self, mode, input_size):
        super().__init__()
        if mode not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {mode!r}.")
        self.mode = mode
        if mode == "attention":
            self.score = nn.Sequential(nn.Linear(input_size, input_size), nn.Tanh(), nn.Linear(input_size, 1, bias=False))

    def forward(self, x, lengths, last=None):
        if self.mode == "last":
            if last is None:
                raise ValueError("pooling='last' needs the encoder's final state.")
            return last
        mask = length_mask(lengths, x.shape[1]).unsqueeze(-1)
        if self.mode == "max":
            return x.masked_fill(~mask, float("-inf")).amax(dim=1)
        if self.mode == "mean":
            return (x * mask).sum(dim=1) / lengths.unsqueeze(1).to(x.dtype)
        return (self.attention_weights(x, lengths).unsqueeze(-1) * x).sum(dim=1)

    def attention_weights(self, x, lengths):
        """Softmax weight of each position, (batch, time); 0 on padding. Only for ``'attention'``."""
        if self.mode != "attention":
            raise ValueError(f"attention weights need pooling='attention', not {self.mode!r}.")
        mask = length_mask(lengths, x.shape[1])
        scores = self.score(x).squeeze(-1).masked_fill(~mask, float("-inf"))
        return torch.softmax(scores, dim=1)

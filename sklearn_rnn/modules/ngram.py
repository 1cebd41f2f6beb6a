"""A fastText-style side branch: the mean of a document's hashed bigram embeddings."""

import torch
from torch import nn

__all__ = ["HASH_PRIME", "BigramBag"]

#: The prime multiplier that spreads (first, second) id pairs over hash buckets; the linear
#: n-gram model (sklearn_rnn.linear) hashes its bigrams with it too.
HASH_PRIME = 1_000_003


class BigramBag(nn.Module):
    """Mean of the embeddings of each document's hashed bigrams.

    Bigram ``(a, b)`` of consecutive ids goes to bucket
    ``(a * HASH_PRIME + b) % n_buckets + 1``; bucket 0 is padding and its
    vector is zero. Only bigrams inside the document count (rows are
    left-aligned with their ``lengths``), so padding never changes the
    result. A one-token document has no bigram and gets the zero vector.

    Parameters
    ----------
    n_buckets : int
        Number of hash buckets.
    dim : int
        Width of each bigram vector and of the output.

    Examples
    --------
    >>> bag = BigramBag(100, 4)
    >>> out = bag(torch.tensor([[5, 6, 7, 0], [5, 0, 0, 0]]), torch.tensor([3, 1]))
    >>> out.shape, bool((out[1] == 0).all())
    (torch.Size([2, 4]), True)
    """

    def __init__(self, n_buckets, dim):
        super().__init__()
        self.n_buckets = n_buckets
        self.embedding = nn.Embedding(n_buckets + 1, dim, padding_idx=0)
        with torch.no_grad():
            nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
            self.embedding.weight[0].zero_()

    def bucket_ids(self, ids, lengths):
        """Bucket of each bigram, 0 past the document's end: (batch, time - 1)."""
        first, second = ids[:, :-1], ids[:, 1:]
        buckets = (first * HASH_PRIME + second) % self.n_buckets + 1
        positions = torch.arange(buckets.shape[1], device=ids.device).unsqueeze(0)
        return buckets.masked_fill(positions >= (lengths - 1).unsqueeze(1), 0)

    def forward(self, ids, lengths):
        total = self.embedding(self.bucket_ids(ids, lengths)).sum(dim=1)
        return total / (lengths - 1).clamp(min=1).unsqueeze(1).to(total.dtype)

"""N-gram parts of a network: a linear model on TF-IDF n-grams, and the mean of hashed-bigram embeddings."""

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["BIGRAM_BUCKETS", "HASH_PRIME", "BigramBag", "TfidfNgrams"]

#: The prime multiplier that spreads (first, second) id pairs over hash buckets; the linear
#: n-gram model (sklearn_rnn.linear) hashes its bigrams with it too.
HASH_PRIME = 1_000_003
#: Hash buckets of the bigrams of a TF-IDF n-gram model (2**20, as scikit-learn's HashingVectorizer).
BIGRAM_BUCKETS = 2 ** 20


class TfidfNgrams(nn.Module):
    """A linear model on a document's TF-IDF-weighted unigrams and hashed bigrams.

    A document's features are scikit-learn's ``TfidfTransformer(sublinear_tf=True)``
    of its n-gram counts: ``(1 + log count) * idf``, scaled to unit L2 norm.
    Column ``i < n_tokens`` is id ``i``; the bigram ``(a, b)`` of consecutive
    ids is column ``n_tokens + (a * HASH_PRIME + b) % n_buckets``, the columns
    of :func:`sklearn_rnn.linear.ngram_counts`. The output is the features
    times a weight per column and output, plus a bias. The weights are an
    ``nn.Embedding`` with sparse gradients: a step touches the rows of the
    batch's n-grams only (``torch.optim.SparseAdam`` updates them).

    Rows must be left-aligned (tokens first, padding after), with their
    ``lengths``: padding never counts.

    Parameters
    ----------
    n_tokens : int
        Size of the id space.
    n_buckets : int
        Hash buckets of the bigrams.
    n_outputs : int
        Number of outputs.
    idf : array-like of shape (n_tokens + n_buckets,), default=None
        Inverse document frequency of each column, a statistic of the training
        documents; None leaves ones (to be loaded from a state dict).

    Examples
    --------
    >>> ngrams = TfidfNgrams(10, 16, 2)
    >>> out = ngrams(torch.tensor([[3, 4, 3, 0], [5, 0, 0, 0]]), torch.tensor([3, 1]))
    >>> out.shape, float(out.detach().abs().sum())  # the weights start at zero
    (torch.Size([2, 2]), 0.0)
    """

    def __init__(self, n_tokens, n_buckets, n_outputs, idf=None):
        super().__init__()
        self.n_tokens, self.n_buckets = n_tokens, n_buckets
        self.weight = nn.Embedding(n_tokens + n_buckets, n_outputs, sparse=True)
        with torch.no_grad():
            self.weight.weight.zero_()
        self.bias = nn.Parameter(torch.zeros(n_outputs))
        idf = torch.ones(n_tokens + n_buckets) if idf is None else torch.as_tensor(idf, dtype=torch.float32)
        self.register_buffer("idf", idf.reshape(n_tokens + n_buckets).clone())

    def columns(self, ids, lengths):
        """The column of each unigram and bigram, 0 past the document's end: (batch, 2 * time - 1)."""
        ids = ids.long()
        first, second = ids[:, :-1], ids[:, 1:]
        bigrams = self.n_tokens + (first * HASH_PRIME + second) % self.n_buckets
        positions = torch.arange(bigrams.shape[1], device=ids.device).unsqueeze(0)
        bigrams = bigrams.masked_fill(positions >= (lengths - 1).unsqueeze(1), 0)
        return torch.cat([ids, bigrams], dim=1)

    def features(self, ids, lengths):
        """Each document's distinct columns (sorted, 0 for none) and their TF-IDF weights."""
        columns, _ = self.columns(ids, lengths).sort(dim=1)
        real = columns != 0
        first = real.clone()  # the first position of each distinct column
        first[:, 1:] &= columns[:, 1:] != columns[:, :-1]
        run = (torch.cumsum(first, dim=1) - 1).clamp(min=0)
        counts = torch.zeros(columns.shape, dtype=torch.float32, device=ids.device)
        counts.scatter_add_(1, run, real.float())
        counts = counts.gather(1, run)
        weights = torch.where(first, (1.0 + torch.log(counts.clamp(min=1.0))) * self.idf[columns],
                              torch.zeros_like(counts))
        weights = weights / weights.norm(dim=1, keepdim=True).clamp(min=1e-12)
        return columns, weights

    def forward(self, ids, lengths):
        columns, weights = self.features(ids, lengths)
        out = F.embedding_bag(columns, self.weight.weight, per_sample_weights=weights, mode="sum",
                              sparse=True, padding_idx=0)
        return out + self.bias


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

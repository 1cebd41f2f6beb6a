"""Stacked, optionally bidirectional recurrent encoders and classifier net.

Padding is handled exactly without packed sequences, which are about ten times
slower on CPU. Rows are left-aligned (tokens first, padding after), so the
forward direction's output at step ``t`` depends only on tokens ``0..t``:
trailing padding never reaches a real position. The backward direction runs a
second forward RNN on each row reversed within its own length, and its outputs
are reversed back. Every real position is therefore exact whatever the padding
after it, which is what lets batches of any length mix freely.
"""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ._sizes import as_sizes
from .embedding import TokenEmbedding
from .fused import FusedGRU, FusedRNN
from .head import DenseHead
from .ngram import BigramBag, TfidfNgrams
from .pooling import SequencePooling

__all__ = ["CELLS", "NGRAM_PARTS", "RecurrentEncoder", "RecurrentNet", "reverse_index"]

# nn.LSTM is one oneDNN kernel on CPU already; GRU and RNN layers run the
# fused kernel of .fused (with torch.nn's code where it does not apply).
CELLS = {"rnn": FusedRNN, "lstm": nn.LSTM, "gru": FusedGRU}
#: The n-gram parts a RecurrentNet can hold beside its recurrent one (None: none).
NGRAM_PARTS = ("tfidf", "embedding", None)


def reverse_index(lengths, max_len):
    """Index that reverses each row's first ``length`` positions in place.

    It is its own inverse: applying it twice restores the original order.

    Examples
    --------
    >>> reverse_index(torch.tensor([2, 3]), 3)
    tensor([[1, 0, 2],
            [2, 1, 0]])
    """
    positions = torch.arange(max_len, device=lengths.device).unsqueeze(0)
    lengths = lengths.unsqueeze(1)
    return torch.where(positions < lengths, lengths - 1 - positions, positions)


class RecurrentEncoder(nn.Module):
    """A stack of RNN/LSTM/GRU layers over left-aligned sequences.

    Parameters
    ----------
    input_size : int
        Width of the input vectors.
    hidden_sizes : tuple of int
        One size per stacked layer.
    cell : {'rnn', 'lstm', 'gru'}, default='lstm'
        Recurrent cell.
    bidirectional : bool, default=False
        Add a backward direction to every layer; outputs are concatenated.
    dropout : float, default=0.0
        Dropout between stacked layers.
    packed : bool, default=False
        Use ``pack_padded_sequence`` instead of the dense path. Both are exact;
        packing suits cuDNN, the dense path is far faster on CPU.

    Examples
    --------
    >>> enc = RecurrentEncoder(4, (3, 2), cell="gru", bidirectional=True)
    >>> out, last = enc(torch.randn(2, 5, 4), torch.tensor([5, 2]))
    >>> out.shape, last.shape
    (torch.Size([2, 5, 4]), torch.Size([2, 4]))
    """

    def __init__(self, input_size, hidden_sizes, cell="lstm", bidirectional=False, dropout=0.0, packed=False):
        super().__init__()
        rnn = CELLS[cell]
        self.bidirectional = bidirectional
        self.packed = packed
        self.forward_layers = nn.ModuleList()
        self.backward_layers = nn.ModuleList()
        for size in as_sizes(hidden_sizes, "hidden_sizes"):
            self.forward_layers.append(rnn(input_size, size, batch_first=True))
            if bidirectional:
                self.backward_layers.append(rnn(input_size, size, batch_first=True))
            input_size = size * (2 if bidirectional else 1)
        self.output_size = input_size
        self.dropout = nn.Dropout(dropout)

    def _run(self, layer, x, lengths):
        if not self.packed:
            return layer(x)[0]
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        return pad_packed_sequence(layer(packed)[0], batch_first=True, total_length=x.shape[1])[0]

    def forward(self, x, lengths):
        """Encode ``x`` (batch, time, features) whose rows have ``lengths`` >= 1.

        Returns the outputs (batch, time, output_size), exact at real positions,
        and the final state (batch, output_size): the forward direction at the
        last real token, concatenated with the backward direction at the first.
        """
        flip = reverse_index(lengths, x.shape[1]).unsqueeze(-1) if self.bidirectional else None
        for depth, forward_rnn in enumerate(self.forward_layers):
            if depth:
                x = self.dropout(x)
            out = self._run(forward_rnn, x, lengths)
            if self.bidirectional:
                backward_rnn = self.backward_layers[depth]
                x_rev = x.gather(1, flip.expand(-1, -1, x.shape[2]))
                out_rev = self._run(backward_rnn, x_rev, lengths)
                out_back = out_rev.gather(1, flip.expand(-1, -1, out_rev.shape[2]))
                out = torch.cat([out, out_back], dim=2)
            x = out
        last_index = (lengths - 1).view(-1, 1, 1).expand(-1, 1, x.shape[2])
        last = x.gather(1, last_index).squeeze(1)
        if self.bidirectional:
            half = x.shape[2] // 2
            last = torch.cat([last[:, :half], x[:, 0, half:]], dim=1)
        return x, last


class RecurrentNet(nn.Module):
    """Embedding, recurrent encoder, pooling over time and a dense head.

    The module takes left-aligned ``ids`` (batch, time) and ``lengths`` and
    returns ``n_outputs`` values per row (logits, or regression outputs).

    Parameters
    ----------
    n_tokens : int
        Size of the id space.
    n_outputs : int
        Number of outputs: one logit per class (or per label), or one value per regression target.
    embedding_dim : int, default=128
    hidden_size : int or tuple of int, default=128
    cell : {'rnn', 'lstm', 'gru'}, default='lstm'
    bidirectional : bool, default=False
    pooling : {'last', 'max', 'mean', 'attention'}, default='last'
    spatial_dropout : float, default=0.0
    dropout : float, default=0.0
    dense_layers : tuple of int, default=()
    activation : str, default='relu'
    embedding_weights : array-like, default=None
    freeze_embedding : bool, default=False
    packed : bool, default=False
        See :class:`RecurrentEncoder`.
    ngrams : {'tfidf', 'embedding'} or None, default=None
        An n-gram part beside the recurrent one. ``'tfidf'``: a
        :class:`~sklearn_rnn.modules.TfidfNgrams` linear model whose outputs
        are added to the head's (a "wide and deep" network); the head's output
        layer then starts at zero, so that training starts from the linear
        model and the recurrent part learns what it misses. ``'embedding'``: a
        :class:`~sklearn_rnn.modules.BigramBag` whose output (``embedding_dim``
        wide) joins the pooled recurrent features before the head.
    ngram_buckets : int, default=0
        Hash buckets of the bigrams of ``ngrams``; 0 means no n-gram part.
    ngram_idf : array-like, default=None
        The ``idf`` of a ``'tfidf'`` part (see :class:`~sklearn_rnn.modules.TfidfNgrams`).
    word_vectors_dim, word_vectors, freeze_word_vectors
        A channel of pretrained vectors beside the embedding: ``vectors_dim``,
        ``vectors`` and ``freeze_vectors`` of
        :class:`~sklearn_rnn.modules.TokenEmbedding`.

    Examples
    --------
    >>> net = RecurrentNet(20, 2, embedding_dim=8, hidden_size=(6, 4))
    >>> net(torch.tensor([[3, 4, 0], [5, 0, 0]]), torch.tensor([2, 1])).shape
    torch.Size([2, 2])
    """

    def __init__(self, n_tokens, n_outputs, embedding_dim=128, hidden_size=128, cell="lstm",
                 bidirectional=False, pooling="last", spatial_dropout=0.0, dropout=0.0,
                 dense_layers=(), activation="relu", embedding_weights=None, freeze_embedding=False,
                 packed=False, ngrams=None, ngram_buckets=0, ngram_idf=None, word_vectors_dim=0, word_vectors=None,
                 freeze_word_vectors=False):
        super().__init__()
        if ngrams not in NGRAM_PARTS:
            raise ValueError(f"ngrams must be one of {sorted(NGRAM_PARTS, key=str)}, got {ngrams!r}.")
        sizes = as_sizes(hidden_size, "hidden_size")
        self.embedding = TokenEmbedding(n_tokens, embedding_dim, spatial_dropout, embedding_weights, freeze_embedding,
                                        word_vectors_dim, word_vectors, freeze_word_vectors)
        self.encoder = RecurrentEncoder(self.embedding.output_size, sizes, cell, bidirectional, dropout, packed)
        self.pooling = SequencePooling(pooling, self.encoder.output_size)
        bag = ngrams == "embedding" and ngram_buckets > 0
        self.bigrams = BigramBag(ngram_buckets, embedding_dim) if bag else None
        self.head = DenseHead(self.encoder.output_size + (embedding_dim if bag else 0), n_outputs, dense_layers,
                              activation, dropout)
        self.ngrams = None
        if ngrams == "tfidf" and ngram_buckets > 0:
            self.ngrams = TfidfNgrams(n_tokens, ngram_buckets, n_outputs, ngram_idf)
            with torch.no_grad():  # the network starts as its linear part
                self.head[-1].weight.zero_()
                self.head[-1].bias.zero_()

    def forward(self, ids, lengths):
        outputs, last = self.encoder(self.embedding(ids), lengths)
        features = self.pooling(outputs, lengths, last)
        if self.bigrams is not None:
            features = torch.cat([features, self.bigrams(ids, lengths)], dim=1)
        out = self.head(features)
        if self.ngrams is not None:
            out = out + self.ngrams(ids, lengths)
        return out

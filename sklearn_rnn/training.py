"""Batching by length: datasets and batch iterators that skip padding.

Rows of similar length go into one batch, trimmed to its longest row, so that
almost no step of a recurrent layer runs on padding (figures in
``docs/performance.md``).
"""

import math

import numpy as np
import torch
from sklearn.utils import check_random_state

__all__ = ["ID_DTYPES", "WIDTH_WASTE", "SequenceDataset", "BucketBatchIterator", "SortedBatchIterator",
           "batch_width", "left_align"]

# Dtypes token ids are kept in from validation to batching; others are cast to
# the first (int64). Unsigned types are cast: torch indexes with signed ones.
ID_DTYPES = (np.int64, np.int32, np.int16, np.int8)
#: A batch's width is rounded up by a step of at most ``1 / WIDTH_WASTE`` of
#: its longest row (:func:`batch_width`): few distinct shapes, little padding.
WIDTH_WASTE = 8


def batch_width(longest, multiple=16, limit=None):
    """The width of a batch whose longest row has ``longest`` ids.

    ``longest`` rounded up to a multiple of a power-of-two step: the largest
    one that is at most ``longest / WIDTH_WASTE`` and
    at most ``multiple``. So a batch of short rows is as wide as its longest
    row (9 ids: 9 columns), one of long rows runs at most one step of padding
    columns, and a fit meets few distinct widths (57 up to 400 at
    ``multiple=16``, against 400 with exact widths).

    Parameters
    ----------
    longest : int
        The longest row of the batch.
    multiple : int, default=16
        The largest step.
    limit : int, default=None
        Never wider than this (the matrix's own width).

    Returns
    -------
    width : int

    Examples
    --------
    >>> [batch_width(n) for n in (1, 9, 15, 17, 33, 130, 385)]
    [1, 9, 15, 18, 36, 144, 400]
    >>> batch_width(385, limit=390)
    390
    """
    step = 1 << max(0, min(int(longest) // WIDTH_WASTE, max(1, int(multiple))).bit_length() - 1)
    width = -(-int(longest) // step) * step
    return width if limit is None else min(width, limit)


def left_align(X):
    """Move every row's non-zero ids to its start, keeping their order.

    Zero is padding wherever it stands: Keras's ``mask_zero`` skips it too.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_positions)
        Token ids, padded with 0 before or after.

    Returns
    -------
    aligned : ndarray, same shape
        Ids first, then padding; of ``X``'s dtype when it is one of
        :data:`ID_DTYPES`, else int64.
    lengths : ndarray of int64 of shape (n_samples,)
        Number of ids per row, at least 1: an empty row reads one padding
        token, whose embedding is zero, so it still gets a prediction.

    Examples
    --------
    >>> aligned, lengths = left_align(np.array([[0, 0, 5, 6], [7, 0, 8, 0], [0, 0, 0, 0]]))
    >>> aligned
    array([[5, 6, 0, 0],
           [7, 8, 0, 0],
           [0, 0, 0, 0]])
    >>> lengths
    array([2, 2, 1])
    """
    X = _id_array(X)
    valid = X != 0
    lengths = valid.sum(axis=1)
    width = X.shape[1]
    aligned = X.copy()
    # Rows padded before their tokens (padding='pre', the default) are rolled
    # by a gather; only rows with zeros inside need the general sort.
    right = (lengths > 0) & (np.argmax(valid, axis=1) == width - lengths)
    rows = np.flatnonzero(right)
    if rows.size:
        shift = (width - lengths[rows])[:, None]
        index = np.arange(width)[None, :] + shift
        index[index >= width] -= width  # cheaper than an int64 modulo
        aligned[rows] = np.take_along_axis(X[rows], index, axis=1)
    # A row is aligned when its first padding position is at its length.
    already = right | (lengths == width) | (np.argmin(valid, axis=1) == lengths)
    todo = np.flatnonzero(~already)
    if todo.size:
        rows = X[todo]
        order = np.argsort(rows == 0, axis=1, kind="stable")
        aligned[todo] = np.take_along_axis(rows, order, axis=1)
    return aligned, np.maximum(lengths, 1)


class SequenceDataset(torch.utils.data.Dataset):
    """Token ids stored ragged (a flat token array plus row offsets), indexed by whole batches.

    Memory follows the tokens, not ``n_samples * n_positions``: a row keeps
    its ids and nothing of its padding, in the ids' own integer dtype.
    ``dataset[indices]`` returns ``({'ids', 'lengths'}, y)`` with the rows
    left-aligned in an int64 matrix as wide as the longest row of the batch,
    rounded up by :func:`batch_width` (a step of at most ``1 / WIDTH_WASTE`` of that row
    and at most ``width_multiple``), so that almost no step runs on columns
    that are padding in every row.

    The rounding bounds the number of distinct batch shapes: oneDNN builds and
    caches LSTM kernels, with scratch memory of their own, for every shape it
    meets, and with exact widths a long fit keeps growing in memory. Padding
    columns never change a result (rows carry their lengths).

    Parameters
    ----------
    ids : ndarray of shape (n_samples, n_positions)
        Left-aligned ids, see :func:`left_align`; row ``i`` is read up to
        ``lengths[i]``. Use :meth:`from_ids` for ids padded anywhere.
    lengths : ndarray of shape (n_samples,)
        Row lengths (>= 1).
    y : ndarray of shape (n_samples,), default=None
        Encoded targets.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weight of each row's loss; batches then carry it as
        ``'sample_weight'``.
    min_width : int, default=1
        Never trim below this many columns (a convolution needs its width).
    width_multiple : int, default=16
        The largest step by which :func:`batch_width` rounds batch widths
        up, never past ``n_positions``; 1 keeps exact widths.

    Attributes
    ----------
    tokens : Tensor of shape (total_length,)
        Every row's ids, one row after another, in the dtype of ``ids``
        when it is one of :data:`ID_DTYPES` (else int64).
    offsets, lengths : Tensor of shape (n_samples,)
        Where each row starts in ``tokens``, and its length.

    Examples
    --------
    >>> data = SequenceDataset(np.array([[5, 6, 7, 0, 0], [8, 0, 0, 0, 0]]), np.array([3, 1]))
    >>> data.tokens
    tensor([5, 6, 7, 8])
    >>> batch, _ = data[[0, 1]]
    >>> batch["ids"]
    tensor([[5, 6, 7],
            [8, 0, 0]])
    >>> data[[1]][0]["ids"]
    tensor([[8]])
    """

    def __init__(self, ids, lengths, y=None, sample_weight=None, min_width=1, width_multiple=16):
        ids = _id_array(ids)
        lengths = np.asarray(lengths)
        mask = np.arange(ids.shape[1])[None, :] < lengths[:, None]
        self._store(ids, mask, y, sample_weight, min_width, width_multiple)

    @classmethod
    def from_ids(cls, ids, y=None, sample_weight=None, min_width=1, width_multiple=16):
        """The dataset of ids padded with 0 anywhere (before, after or inside rows).

        Equivalent to ``SequenceDataset(*left_align(ids), ...)`` without the
        aligned copy of the matrix: the non-zero ids are gathered row by row
        into ``tokens`` in one pass. An empty row reads one padding token.

        Examples
        --------
        >>> data = SequenceDataset.from_ids(np.array([[0, 0, 5, 6], [7, 0, 8, 0], [0, 0, 0, 0]], dtype=np.int32))
        >>> data.tokens, data.lengths
        (tensor([5, 6, 7, 8, 0], dtype=torch.int32), tensor([2, 2, 1]))
        """
        ids = _id_array(ids)
        mask = ids != 0
        mask[~mask.any(axis=1), 0] = True  # an empty row keeps one padding token
        data = cls.__new__(cls)
        data._store(ids, mask, y, sample_weight, min_width, width_multiple)
        return data

    def _store(self, ids, mask, y, sample_weight, min_width, width_multiple):
        lengths = mask.sum(axis=1)
        self.tokens = torch.from_numpy(np.ascontiguousarray(ids[mask]))
        offsets = np.zeros(len(lengths), dtype=np.int64)
        np.cumsum(lengths[:-1], out=offsets[1:])
        self.offsets = torch.from_numpy(offsets)
        self.lengths = torch.as_tensor(lengths, dtype=torch.long)
        self.width = ids.shape[1]
        self.y = None if y is None else torch.as_tensor(y)
        self.sample_weight = None if sample_weight is None else torch.as_tensor(sample_weight, dtype=torch.float32)
        self.min_width = min_width
        self.width_multiple = width_multiple

    def __len__(self):
        return len(self.lengths)

    def __getitem__(self, index):
        index = torch.as_tensor(index, dtype=torch.long)
        lengths = self.lengths[index]
        width = int(lengths.max()) if len(lengths) else 1
        width = max(batch_width(width, self.width_multiple, self.width), self.min_width)
        positions = torch.arange(width)
        inside = positions.unsqueeze(0) < lengths.unsqueeze(1)
        where = (self.offsets[index].unsqueeze(1) + positions.unsqueeze(0)).masked_fill_(~inside, 0)
        ids = self.tokens[where].long().masked_fill_(~inside, 0)  # cast per batch, never the whole matrix
        y = self.y[index] if self.y is not None else torch.zeros(len(index))
        batch = {"ids": ids, "lengths": lengths}
        if self.sample_weight is not None:
            batch["sample_weight"] = self.sample_weight[index]
        return batch, y

    @property
    def ids(self):
        """The rows left-aligned in one int64 matrix (a copy; batches are made without it)."""
        return self[np.arange(len(self))][0]["ids"]

    @classmethod
    def concat(cls, datasets):
        """One dataset of the rows of ``datasets``, in order (their ``tokens`` are copied once).

        Examples
        --------
        >>> a = SequenceDataset.from_ids(np.array([[5, 6], [7, 0]]), np.array([1, 0]))
        >>> b = SequenceDataset.from_ids(np.array([[8, 9]]), np.array([1]))
        >>> both = SequenceDataset.concat([a, b])
        >>> both.ids.tolist(), both.y.tolist()
        ([[5, 6], [7, 0], [8, 9]], [1, 0, 1])
        """
        def join(values):
            return None if any(v is None for v in values) else torch.cat(values)

        data = cls.__new__(cls)
        starts = np.cumsum([0] + [len(d.tokens) for d in datasets[:-1]])
        data.tokens = torch.cat([d.tokens for d in datasets])
        data.offsets = torch.cat([d.offsets + int(start) for d, start in zip(datasets, starts)])
        data.lengths = torch.cat([d.lengths for d in datasets])
        data.width = max(d.width for d in datasets)
        data.y, data.sample_weight = join([d.y for d in datasets]), join([d.sample_weight for d in datasets])
        data.min_width, data.width_multiple = datasets[0].min_width, datasets[0].width_multiple
        return data

    def subset(self, index):
        """A dataset of the rows at ``index``, sharing this one's ``tokens`` (no copy of the ids)."""
        def take(values):
            return None if values is None else values[index]

        index = torch.as_tensor(index, dtype=torch.long)
        data = SequenceDataset.__new__(SequenceDataset)
        data.tokens, data.offsets, data.lengths, data.width = self.tokens, self.offsets[index], self.lengths[index], self.width
        data.y, data.sample_weight = take(self.y), take(self.sample_weight)
        data.min_width, data.width_multiple = self.min_width, self.width_multiple
        return data


def _id_array(ids):
    ids = np.asarray(ids)
    return ids if ids.dtype in ID_DTYPES else ids.astype(np.int64)


class _BatchIterator:
    """Iterate over ``dataset`` in batches of indices chosen by ``_batches``."""

    def __init__(self, dataset, batch_size=64, shuffle=False, random_state=None):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state

    def __len__(self):
        return math.ceil(len(self.dataset) / self.batch_size)

    def __iter__(self):
        for index in self._batches():
            yield self.dataset[index]


class SortedBatchIterator(_BatchIterator):
    """Consecutive batches, in the dataset's order (sort it by length first)."""

    def _batches(self):
        n = len(self.dataset)
        for start in range(0, n, self.batch_size):
            yield np.arange(start, min(start + self.batch_size, n))


class BucketBatchIterator(_BatchIterator):
    """Shuffled batches of rows with similar lengths.

    Rows are shuffled, cut into pools of ``pool_batches`` batches, sorted by
    length plus a random jitter inside each pool, cut into batches, and the
    batches are shuffled. Each batch thus holds rows of nearly equal length
    while the order of batches stays random. All randomness comes from
    ``random_state``.
    """

    pool_batches = 50

    def _batches(self):
        lengths = self.dataset.lengths.numpy()
        n, size = len(lengths), self.batch_size
        if not self.shuffle:
            order = np.argsort(lengths, kind="stable")
            yield from (order[i : i + size] for i in range(0, n, size))
            return
        rng = check_random_state(self.random_state)
        order = rng.permutation(n)
        jitter = rng.uniform(0.0, 1.0, size=n)
        batches = []
        pool = size * self.pool_batches
        for start in range(0, n, pool):
            members = order[start : start + pool]
            members = members[np.argsort(lengths[members] + jitter[members], kind="stable")]
            batches.extend(members[i : i + size] for i in range(0, len(members), size))
        for b in rng.permutation(len(batches)):
            yield batches[b]

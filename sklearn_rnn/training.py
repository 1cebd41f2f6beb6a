"""Batching by length, and the runtime context of fit and predict.

Three speed measures live here, measured on 2-core CPUs
(Embedding 20k x 128 + LSTM 128, batch 64, IMDB at length 400):

* Denormal floats appear in gradients flowing back through hundreds of steps
  and make RNN backward 5-7x slower; flushing them to zero took a plain LSTM
  loop from 49 to 295 samples/s. :func:`runtime` flushes them while the
  estimator works and restores the caller's setting afterwards.
* Batches of rows with similar lengths, each trimmed to its longest row, skip
  most of the padding: 580 samples/s.
* Each step allocates and frees tensors of tens of MiB; glibc unmaps them and
  the next step pays for fresh pages again. :func:`runtime` keeps them in the
  heap: the benchmark's fit went from 627-823 to 1,188-1,294 samples/s
  (see :mod:`sklearn_rnn._heap`).
"""

import contextlib
import math

import numpy as np
import torch
from sklearn.utils import check_random_state

from ._heap import heap_retention_supported, retain_heap as _retain_heap

__all__ = ["SequenceDataset", "BucketBatchIterator", "SortedBatchIterator", "left_align",
           "runtime", "flush_denormal_enabled", "heap_retention_supported"]


def left_align(X):
    """Move every row's non-zero ids to its start, keeping their order.

    Zero is padding wherever it stands: Keras's ``mask_zero`` skips it too.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_positions)
        Token ids, padded with 0 before or after.

    Returns
    -------
    aligned : ndarray of int64, same shape
        Ids first, then padding.
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
    X = np.asarray(X, dtype=np.int64)
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
    """Left-aligned ids, lengths and optional targets, indexed by whole batches.

    ``dataset[indices]`` returns ``({'ids', 'lengths'}, y)`` with ids trimmed
    to the longest row of the batch, rounded up to a multiple of
    ``width_multiple``, so that almost no step runs on columns that are
    padding in every row.

    The rounding bounds the number of distinct batch shapes. oneDNN builds
    and caches LSTM kernels, with scratch memory of their own, for every
    shape it meets: one epoch of the default model on the 25,000 IMDB reviews
    at length 400 kept growing, to 1.65-2.19 GB peak RSS over five runs with
    exact widths; with multiples of 16 it levels off at 1.27-1.40 GB. The epoch
    took 17.6-19.5 s either way. Padding columns never change a result
    (rows carry their lengths).

    Parameters
    ----------
    ids : ndarray of shape (n_samples, n_positions)
        Left-aligned ids, see :func:`left_align`.
    lengths : ndarray of shape (n_samples,)
        Row lengths (>= 1).
    y : ndarray of shape (n_samples,), default=None
        Encoded targets.
    min_width : int, default=1
        Never trim below this many columns (a convolution needs its width).
    width_multiple : int, default=16
        Round batch widths up to a multiple of this, never past the width
        of ``ids``.

    Examples
    --------
    >>> data = SequenceDataset(np.array([[5, 6, 7, 0, 0], [8, 0, 0, 0, 0]]), np.array([3, 1]),
    ...                        width_multiple=2)
    >>> batch, _ = data[[0, 1]]
    >>> batch["ids"]
    tensor([[5, 6, 7, 0],
            [8, 0, 0, 0]])
    >>> data[[1]][0]["ids"]
    tensor([[8, 0]])
    """

    def __init__(self, ids, lengths, y=None, min_width=1, width_multiple=16):
        self.ids = torch.as_tensor(ids, dtype=torch.long)
        self.lengths = torch.as_tensor(lengths, dtype=torch.long)
        self.y = None if y is None else torch.as_tensor(y)
        self.min_width = min_width
        self.width_multiple = width_multiple

    def __len__(self):
        return len(self.lengths)

    def __getitem__(self, index):
        index = torch.as_tensor(index, dtype=torch.long)
        lengths = self.lengths[index]
        width = int(lengths.max()) if len(lengths) else 1
        width = max(min(-(-width // self.width_multiple) * self.width_multiple, self.ids.shape[1]), self.min_width)
        ids = self.ids[index, :width]
        if ids.shape[1] < width:  # shorter than a convolution kernel: pad
            ids = torch.nn.functional.pad(ids, (0, width - ids.shape[1]))
        y = self.y[index] if self.y is not None else torch.zeros(len(index))
        return {"ids": ids, "lengths": lengths}, y

    def subset(self, index):
        """A new dataset with the rows at ``index``."""
        y = None if self.y is None else self.y[index]
        return SequenceDataset(self.ids[index], self.lengths[index], y, self.min_width, self.width_multiple)


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


def flush_denormal_enabled():
    """Whether this thread currently flushes denormal floats to zero.

    Torch has a setter but no getter: a denormal survives ``x * 1`` only
    while flushing is off.
    """
    tiny = torch.tensor([1e-40], dtype=torch.float32)
    return bool((tiny * 1.0).item() == 0.0)


@contextlib.contextmanager
def runtime(n_threads=None, flush_denormal=True, seed=None, retain_heap=True):
    """Set threads, denormal flushing, heap retention and the torch seed;
    restore them all.

    Parameters
    ----------
    n_threads : int, default=None
        Torch intra-op threads inside the block; None leaves them alone.
    flush_denormal : bool, default=True
        Flush denormal floats to zero inside the block (CPU speed).
    seed : int, default=None
        Seed torch's global generator inside the block; the caller's
        generator state is restored afterwards.
    retain_heap : bool, default=True
        Keep freed memory in glibc's heap inside the block instead of
        unmapping it at every step (CPU speed, see
        :func:`sklearn_rnn._heap.retain_heap`); it is given back afterwards.

    Examples
    --------
    >>> before = flush_denormal_enabled()
    >>> with runtime(n_threads=1):
    ...     inside = flush_denormal_enabled()
    >>> inside, flush_denormal_enabled() == before
    (True, True)
    """
    previous_threads = torch.get_num_threads()
    previous_flush = flush_denormal_enabled()
    with contextlib.ExitStack() as stack:
        if retain_heap:
            stack.enter_context(_retain_heap())
        if seed is not None:
            devices = list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []
            stack.enter_context(torch.random.fork_rng(devices=devices))
            torch.manual_seed(seed)
        try:
            if n_threads is not None:
                torch.set_num_threads(n_threads)
            if flush_denormal:
                torch.set_flush_denormal(True)
            yield
        finally:
            torch.set_flush_denormal(previous_flush)
            torch.set_num_threads(previous_threads)

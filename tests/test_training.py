import numpy as np
from sklearn.base import clone
import pytest
import torch

from sklearn_rnn.training import (WIDTH_WASTE, BucketBatchIterator, SequenceDataset, SortedBatchIterator, batch_width,
                                  left_align)


def _dataset(rng, n=500, width=50):
    lengths = rng.randint(1, width + 1, n)
    ids = np.zeros((n, width), dtype=np.int64)
    for i, length in enumerate(lengths):
        ids[i, :length] = rng.randint(2, 100, length)
    return SequenceDataset(ids, lengths, np.arange(n))


def test_bucket_batches_cover_every_row_once_and_group_lengths(rng):
    data = _dataset(rng)
    batches = [b for b in BucketBatchIterator(data, 20, shuffle=True, random_state=0)._batches()]
    seen = np.concatenate(batches)
    assert sorted(seen.tolist()) == list(range(500))
    lengths = data.lengths.numpy()
    spread = np.mean([np.ptp(lengths[b]) for b in batches])
    random_spread = np.mean([np.ptp(lengths[b]) for b in np.array_split(rng.permutation(500), 25)])
    assert spread < random_spread / 3


def test_bucket_order_is_seeded_and_shuffled(rng):
    data = _dataset(rng)
    first = [b.tolist() for b in BucketBatchIterator(data, 20, shuffle=True, random_state=0)._batches()]
    again = [b.tolist() for b in BucketBatchIterator(data, 20, shuffle=True, random_state=0)._batches()]
    other = [b.tolist() for b in BucketBatchIterator(data, 20, shuffle=True, random_state=1)._batches()]
    assert first == again and first != other
    firsts = [data.lengths[b[0]].item() for b in first]
    assert firsts != sorted(firsts)  # batches are not in length order


@pytest.mark.parametrize("multiple", [1, 16])
def test_batches_are_trimmed_to_their_longest_row_rounded_up(rng, multiple):
    data = _dataset(rng)
    data.width_multiple = multiple
    for (x, _), index in zip(SortedBatchIterator(data, 32), SortedBatchIterator(data, 32)._batches()):
        longest = int(data.lengths[index].max())
        assert x["ids"].shape[1] == batch_width(longest, multiple, limit=50)
    wide = SequenceDataset(np.array([[5, 0, 0]]), np.array([1]), min_width=3)
    assert wide[[0]][0]["ids"].shape == (1, 3)


@pytest.mark.parametrize("multiple", [1, 16])
def test_batch_width_wastes_little_and_makes_few_shapes(multiple):
    longest = np.arange(1, 401)
    widths = np.array([batch_width(n, multiple) for n in longest])
    assert np.all(widths >= longest)
    assert np.all(widths - longest <= longest / WIDTH_WASTE)  # at most an eighth of padding columns
    assert np.all(widths[longest <= WIDTH_WASTE] == longest[longest <= WIDTH_WASTE])  # short batches: exact
    if multiple == 1:
        np.testing.assert_array_equal(widths, longest)
    else:
        assert len(set(widths.tolist())) < 60  # few shapes: few cached oneDNN kernels
        assert np.all(widths[longest >= 128] % multiple == 0)


def test_left_align_handles_pre_post_and_interior_padding():
    X = np.array([[0, 0, 4, 5], [4, 5, 0, 0], [4, 0, 5, 0], [0, 0, 0, 0], [1, 2, 3, 4]])
    aligned, lengths = left_align(X)
    np.testing.assert_array_equal(aligned, [[4, 5, 0, 0], [4, 5, 0, 0], [4, 5, 0, 0], [0, 0, 0, 0], [1, 2, 3, 4]])
    np.testing.assert_array_equal(lengths, [2, 2, 2, 1, 4])


def test_sample_weight_travels_with_its_rows(rng):
    data = _dataset(rng)
    weighted = SequenceDataset(data.ids, data.lengths, data.y, sample_weight=np.arange(500) / 10)
    batch, y = weighted[[3, 7]]
    np.testing.assert_allclose(batch["sample_weight"].numpy(), [0.3, 0.7], rtol=1e-6)
    part = weighted.subset(np.array([7, 3]))
    np.testing.assert_allclose(part[[0, 1]][0]["sample_weight"].numpy(), [0.7, 0.3], rtol=1e-6)
    assert part.y.tolist() == [7, 3]
    assert "sample_weight" not in data[[0]][0]


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
def test_ids_keep_their_integer_dtype_until_a_batch_is_taken(dtype):
    X = np.array([[0, 0, 5, 6], [7, 0, 8, 0], [0, 0, 0, 0]], dtype=dtype)
    aligned, lengths = left_align(X)
    assert aligned.dtype == dtype
    data = SequenceDataset(aligned, lengths, width_multiple=1)
    assert data.tokens.dtype == torch.from_numpy(aligned).dtype  # kept, not copied to int64
    batch, _ = data[[0, 1]]
    assert batch["ids"].dtype == torch.int64
    assert batch["ids"].tolist() == [[5, 6], [7, 8]]
    unsigned, _ = left_align(X.astype(np.uint16))
    assert unsigned.dtype == np.int64  # torch does not index with unsigned types: cast once


def test_fit_makes_no_int64_copy_of_int32_ids():
    from helpers import traced_peak

    from sklearn_rnn import RecurrentTextClassifier

    rng = np.random.RandomState(0)
    X = rng.randint(1, 500, size=(4000, 200)).astype(np.int32)
    X[:, 150:] = 0
    y = rng.randint(0, 2, 4000)
    clf = RecurrentTextClassifier(hidden_size=2, embedding_dim=2, bidirectional=False, ngram_buckets=0,
                                  max_epochs=1, batch_size=500, random_state=0)
    clone(clf).fit(X[:50], y[:50])  # the first fit's imports are no part of the measure
    _, peak = traced_peak(lambda: clf.fit(X, y))  # torch's allocations, the batches, are not traced
    # The tokens (3/4 of X here) and a boolean mask; an int64 copy alone would be 2 * X.nbytes.
    assert peak < 1.2 * X.nbytes, peak / X.nbytes
    assert clf.predict_proba(X[:3]).shape == (3, 2)


def test_ragged_batches_equal_the_dense_left_aligned_ones(rng):
    X = rng.randint(0, 40, size=(300, 37)).astype(np.int32)  # zeros anywhere: before, inside, after
    X[::7] = 0  # empty rows
    X[1::5, :20] = 0  # pre-padded rows
    aligned, lengths = left_align(X)
    ragged = SequenceDataset.from_ids(X, y=np.arange(300), width_multiple=4)
    dense = SequenceDataset(aligned, lengths, y=np.arange(300), width_multiple=4)
    assert ragged.tokens.numel() == int(lengths.sum()) < X.size  # memory follows the tokens
    for index in (np.arange(300), rng.permutation(300)[:50], np.array([7]), np.array([3, 0])):
        (got, y_got), (want, y_want) = ragged[index], dense[index]
        assert torch.equal(got["ids"], want["ids"]) and torch.equal(got["lengths"], want["lengths"])
        width = got["ids"].shape[1]
        np.testing.assert_array_equal(got["ids"].numpy(), aligned[index][:, :width])
        assert torch.equal(y_got, y_want)
    part = ragged.subset(np.array([5, 1, 2]))
    assert part.tokens is ragged.tokens  # a subset shares the storage
    assert torch.equal(part[[0, 1, 2]][0]["ids"], ragged[[5, 1, 2]][0]["ids"])


def test_ragged_predictions_equal_the_dense_path(rng):
    from sklearn_rnn import RecurrentTextClassifier

    X = rng.randint(0, 30, size=(120, 25))
    X[:, 15:] = 0
    X[::4, :10] = 0
    y = (X == 5).any(axis=1).astype(int)
    clf = RecurrentTextClassifier(hidden_size=6, embedding_dim=6, max_epochs=2, random_state=0,
                                  ngram_buckets=50, pooling="max").fit(X, y)
    aligned, lengths = left_align(X)
    with torch.no_grad():
        dense = torch.softmax(clf.net_.module_(torch.as_tensor(aligned), torch.as_tensor(lengths)), dim=1)
    np.testing.assert_allclose(clf.predict_proba(X), dense.numpy(), atol=1e-6)

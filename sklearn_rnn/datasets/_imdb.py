"""The Large Movie Review Dataset (IMDB), read straight from its tarball."""

import hashlib
import json
import os
import re
import tarfile
import tempfile

import numpy as np
import pandas as pd
from sklearn.utils import Bunch, check_random_state

from ._base import RemoteFileMetadata, fetch_remote_file, get_cache_home, get_data_home

__all__ = ["fetch_imdb"]

ARCHIVE = RemoteFileMetadata(
    filename="aclImdb_v1.tar.gz",
    url="https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
    checksum="c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
)
_MEMBER = re.compile(r"(?:^|/)aclImdb/(train|test)/(pos|neg|unsup)/(\d+)_(\d+)\.txt$")
_CACHE_VERSION = 3
UNLABELLED = -1  # the target of an unlabelled review, scikit-learn's semi-supervised convention
_FIELDS = ("sentiment", "id", "rating")

DESCR = """\
Large Movie Review Dataset (IMDB)
---------------------------------
50,000 labelled movie reviews from IMDB, split evenly into 25,000 training
and 25,000 test reviews, each half positive and half negative, plus 50,000
unlabelled reviews (``subset='unsup'``, target -1) for unsupervised and
semi-supervised learning. A negative review has a
rating of 4 or less out of 10, a positive review 7 or more; neutral reviews
are not included. No movie has reviews in both the training and test sets.

**Targets**: ``target='sentiment'`` gives 0 (neg) / 1 (pos);
``target='rating'`` gives the 1-10 star rating from the file name
(1-4 and 7-10 occur).

Reference: Andrew L. Maas, Raymond E. Daly, Peter T. Pham, Dan Huang,
Andrew Y. Ng, and Christopher Potts. (2011). Learning Word Vectors for
Sentiment Analysis. ACL 2011. https://ai.stanford.edu/~amaas/data/sentiment/
"""


def _read_archive(path):
    """Return {subset: dict(text, sentiment, rating, id)} from the tarball."""
    rows = {"train": [], "test": [], "unsup": []}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            match = _MEMBER.search(member.name)
            if not member.isfile() or match is None:
                continue
            subset, label, review_id, rating = match.groups()
            text = tar.extractfile(member).read().decode("utf-8", errors="replace")
            if label == "unsup":
                rows["unsup"].append((UNLABELLED, int(review_id), UNLABELLED, text))
            else:
                rows[subset].append((label == "pos", int(review_id), int(rating), text))
    if not rows["train"] and not rows["test"]:
        raise OSError(f"{path} holds no aclImdb/{{train,test}}/{{pos,neg}}/*.txt reviews.")
    out = {}
    for subset, items in rows.items():
        items.sort(key=lambda r: (r[0], r[1]))  # neg before pos, then by review id
        out[subset] = {
            "text": [r[3] for r in items],
            "sentiment": np.fromiter((r[0] for r in items), dtype=np.int64, count=len(items)),
            "id": np.fromiter((r[1] for r in items), dtype=np.int64, count=len(items)),
            "rating": np.fromiter((r[2] for r in items), dtype=np.int64, count=len(items)),
        }
    return out


def _cache_files(key):
    """The JSON header and npz arrays of the cache for ``key``, in the per-user cache home."""
    # One cache per archive, so a test archive never evicts the real one.
    digest = hashlib.sha256(json.dumps(key).encode()).hexdigest()[:16]
    stem = get_cache_home() / f"imdb_v{_CACHE_VERSION}_{digest}"
    return stem.with_suffix(".json"), stem.with_suffix(".npz")


def _to_arrays(parsed):
    """Flatten the parsed subsets to plain numeric arrays (texts as UTF-8 bytes + offsets)."""
    arrays = {}
    for subset, part in parsed.items():
        encoded = [t.encode("utf-8") for t in part["text"]]
        arrays[f"{subset}_text"] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        arrays[f"{subset}_offsets"] = np.cumsum([0] + [len(e) for e in encoded], dtype=np.int64)
        for field in _FIELDS:
            arrays[f"{subset}_{field}"] = part[field]
    return arrays


def _from_arrays(arrays, subsets):
    out = {}
    for subset in subsets:
        blob, offsets = arrays[f"{subset}_text"].tobytes(), arrays[f"{subset}_offsets"]
        out[subset] = {"text": [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1], offsets[1:])]}
        out[subset].update({field: arrays[f"{subset}_{field}"] for field in _FIELDS})
    return out


def _read_cache(key, subsets):
    header, data = _cache_files(key)
    try:
        with open(header, encoding="utf-8") as f:
            if json.load(f) != {"version": _CACHE_VERSION, "key": key}:
                return None
        with np.load(data, allow_pickle=False) as arrays:  # plain arrays only: never unpickles
            return _from_arrays(arrays, subsets)
    except (OSError, ValueError, KeyError, UnicodeDecodeError):
        return None


def _write_cache(key, parsed):
    header, data = _cache_files(key)

    def write(path, suffix, dump):
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=suffix)
        try:
            with os.fdopen(fd, "wb") as f:
                dump(f)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)

    try:  # an unwritable cache folder is not an error: the next call parses again
        header.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write(data, ".npz.part", lambda f: np.savez(f, **_to_arrays(parsed)))
        # The header goes last: a header means complete arrays.
        write(header, ".json.part", lambda f: f.write(json.dumps({"version": _CACHE_VERSION, "key": key}).encode()))
    except OSError:
        pass


def _load_parsed(archive, subsets):
    """Read ``subsets`` of the archive through a cache keyed on its path, size and mtime.

    The cache is a JSON header plus an ``.npz`` of numeric arrays in the
    per-user cache home (:func:`get_cache_home`), read with
    ``allow_pickle=False``: a cache file cannot run code.
    """
    stat = archive.stat()
    key = [str(archive.resolve()), stat.st_size, stat.st_mtime_ns]
    cached = _read_cache(key, subsets)
    if cached is not None:
        return cached
    parsed = _read_archive(archive)
    _write_cache(key, parsed)
    return {subset: parsed[subset] for subset in subsets}


def fetch_imdb(
    *,
    subset="train",
    include_unlabelled=False,
    data_home=None,
    download_if_missing=True,
    target="sentiment",
    shuffle=True,
    random_state=42,
    return_X_y=False,
    as_frame=False,
):
    """Load the IMDB movie review dataset (binary sentiment or 1-10 rating).

    The reviews are read straight from ``aclImdb_v1.tar.gz`` in the data home
    without extracting its files. The first read writes a cache of plain
    arrays (``.npz`` and JSON, never a pickle) in the per-user
    :func:`~sklearn_rnn.datasets.get_cache_home` (never in the data home), so
    later calls skip the parse. The archive is downloaded from the
    Stanford URL only when it is missing; a download shows a progress bar and
    is checked against the original's sha256. An archive placed in the data
    home by hand is read as it is.

    ==================  ===================================
    Classes             2 (sentiment) or 8 (rating)
    Samples total       50,000 labelled + 50,000 unlabelled
    Samples per subset  25,000 (train, test), 50,000 (unsup)
    ==================  ===================================

    Parameters
    ----------
    subset : {'train', 'test', 'all', 'unsup'}, default='train'
        Which part to load; ``'all'`` is train followed by test (labelled
        only). ``'unsup'`` is the 50,000 unlabelled reviews of the training
        folder, with target -1.
    include_unlabelled : bool, default=False
        Add the 50,000 unlabelled reviews (target -1) after the subset's
        labelled ones (before shuffling), the input of a semi-supervised
        ``fit``: scikit-learn marks unlabelled samples with -1, as
        :class:`~sklearn.semi_supervised.SelfTrainingClassifier` does.
    data_home : str or path-like, default=None
        Where the archive lives, see :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download the archive when it is not in the data home; if False, raise
        an ``OSError`` instead.
    target : {'sentiment', 'rating'}, default='sentiment'
        ``'sentiment'``: 0 = negative, 1 = positive. ``'rating'``: the star
        rating (1-4 and 7-10) taken from the file names.
    shuffle : bool, default=True
        Shuffle the reviews, as :func:`sklearn.datasets.fetch_20newsgroups`
        does, so that ``data[:n]`` holds both classes. Unshuffled, negatives
        come before positives.
    random_state : int, RandomState instance or None, default=42
        Seed of the shuffle.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` and ``target`` as pandas Series (named ``text`` and
        after ``target``) and add a ``frame`` DataFrame with both plus the
        review ``id``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        data : list of str or pandas Series
            The reviews.
        target : ndarray of shape (n_samples,) or pandas Series
            Sentiment or rating.
        target_names : list
            ``['neg', 'pos']`` or the ratings present.
        ids : ndarray of shape (n_samples,)
            The review id from the file name.
        frame : pandas DataFrame
            Only with ``as_frame=True``.
        DESCR : str
            Description of the dataset.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from sklearn_rnn.datasets import fetch_imdb
    >>> imdb = fetch_imdb(subset="test")  # doctest: +SKIP
    >>> len(imdb.data), imdb.target_names  # doctest: +SKIP
    (25000, ['neg', 'pos'])
    """
    if subset not in ("train", "test", "all", "unsup"):
        raise ValueError(f"subset must be 'train', 'test', 'all' or 'unsup', got {subset!r}.")
    if target not in ("sentiment", "rating"):
        raise ValueError(f"target must be 'sentiment' or 'rating', got {target!r}.")
    home = get_data_home(data_home)
    archive = home / ARCHIVE.filename
    if not archive.exists():
        if not download_if_missing:
            raise OSError(f"{archive} not found and download_if_missing=False.")
        archive = fetch_remote_file(ARCHIVE, home)

    parts = ["train", "test"] if subset == "all" else [subset]
    if include_unlabelled and "unsup" not in parts:
        parts.append("unsup")
    parsed = _load_parsed(archive, parts)
    text = [t for p in parts for t in parsed[p]["text"]]
    y = np.concatenate([parsed[p][target] for p in parts])
    ids = np.concatenate([parsed[p]["id"] for p in parts])
    if shuffle:
        order = check_random_state(random_state).permutation(len(text))
        text, y, ids = [text[i] for i in order], y[order], ids[order]
    target_names = ["neg", "pos"] if target == "sentiment" else sorted(set(np.unique(y).tolist()) - {UNLABELLED})

    frame = None
    if as_frame:
        frame = pd.DataFrame({"id": ids, "text": text, target: y})
        text, y = frame["text"], frame[target]
    if return_X_y:
        return text, y
    return Bunch(data=text, target=y, target_names=target_names, ids=ids, frame=frame, DESCR=DESCR)

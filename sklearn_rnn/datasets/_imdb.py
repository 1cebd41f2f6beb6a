"""The Large Movie Review Dataset (IMDB), read straight from its tarball."""

import hashlib
import os
import pickle
import re
import tarfile
import tempfile
from pathlib import Path

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
_MEMBER = re.compile(r"(?:^|/)aclImdb/(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")
_CACHE_VERSION = 1

DESCR = """\
Large Movie Review Dataset (IMDB)
---------------------------------
50,000 movie reviews from IMDB, split evenly into 25,000 training and 25,000
test reviews, each half positive and half negative. A negative review has a
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
    rows = {"train": [], "test": []}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            match = _MEMBER.search(member.name)
            if not member.isfile() or match is None:
                continue
            subset, label, review_id, rating = match.groups()
            text = tar.extractfile(member).read().decode("utf-8", errors="replace")
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


def _cache_paths(key):
    # One cache file per archive, so a test archive never evicts the real one.
    digest = hashlib.sha1(repr(key).encode()).hexdigest()[:12]
    name = f"imdb_v{_CACHE_VERSION}_{digest}.pkl"
    yield get_cache_home() / name
    yield Path(tempfile.gettempdir()) / "sklearn_rnn_cache" / name


def _load_parsed(archive):
    """Read the archive through a pickle cache keyed on its size and mtime."""
    stat = archive.stat()
    key = (str(archive.resolve()), stat.st_size, stat.st_mtime_ns)
    for cache in _cache_paths(key):
        try:
            with open(cache, "rb") as f:
                cached_key, data = pickle.load(f)
            if cached_key == key:
                return data
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            continue
    data = _read_archive(archive)
    for cache in _cache_paths(key):
        try:  # an unwritable cache folder is not an error: try the next place
            cache.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache.parent, suffix=".part")
            with os.fdopen(fd, "wb") as f:
                pickle.dump((key, data), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache)
            break
        except OSError:
            continue
    return data


def fetch_imdb(
    *,
    subset="train",
    data_home=None,
    download_if_missing=True,
    target="sentiment",
    shuffle=False,
    random_state=None,
    return_X_y=False,
    as_frame=False,
):
    """Load the IMDB movie review dataset (binary sentiment or 1-10 rating).

    The reviews are read straight from ``aclImdb_v1.tar.gz`` in the data home
    without extracting its files. The first read writes a pickle cache in
    :func:`~sklearn_rnn.datasets.get_cache_home` (never in the data home), so
    later calls skip the 3-second parse. The archive is downloaded from the
    Stanford URL only when it is missing; a download shows a progress bar and
    is checked against the original's sha256. An archive placed in the data
    home by hand is read as it is.

    =================   ============================
    Classes             2 (sentiment) or 8 (rating)
    Samples total       50,000
    Samples per subset  25,000
    =================   ============================

    Parameters
    ----------
    subset : {'train', 'test', 'all'}, default='train'
        Which part to load; ``'all'`` is train followed by test.
    data_home : str or path-like, default=None
        Where the archive lives, see :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download the archive when it is not in the data home; if False, raise
        an ``OSError`` instead.
    target : {'sentiment', 'rating'}, default='sentiment'
        ``'sentiment'``: 0 = negative, 1 = positive. ``'rating'``: the star
        rating (1-4 and 7-10) taken from the file names.
    shuffle : bool, default=False
        Shuffle the reviews. Unshuffled, negatives come before positives.
    random_state : int, RandomState instance or None, default=None
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
    if subset not in ("train", "test", "all"):
        raise ValueError(f"subset must be 'train', 'test' or 'all', got {subset!r}.")
    if target not in ("sentiment", "rating"):
        raise ValueError(f"target must be 'sentiment' or 'rating', got {target!r}.")
    home = get_data_home(data_home)
    archive = home / ARCHIVE.filename
    if not archive.exists():
        if not download_if_missing:
            raise OSError(f"{archive} not found and download_if_missing=False.")
        archive = fetch_remote_file(ARCHIVE, home)

    parsed = _load_parsed(archive)
    parts = ["train", "test"] if subset == "all" else [subset]
    text = [t for p in parts for t in parsed[p]["text"]]
    y = np.concatenate([parsed[p][target] for p in parts])
    ids = np.concatenate([parsed[p]["id"] for p in parts])
    if shuffle:
        order = check_random_state(random_state).permutation(len(text))
        text, y, ids = [text[i] for i in order], y[order], ids[order]
    target_names = ["neg", "pos"] if target == "sentiment" else sorted(np.unique(y).tolist())

    frame = None
    if as_frame:
        frame = pd.DataFrame({"id": ids, "text": text, target: y})
        text, y = frame["text"], frame[target]
    if return_X_y:
        return text, y
    return Bunch(data=text, target=y, target_names=target_names, ids=ids, frame=frame, DESCR=DESCR)

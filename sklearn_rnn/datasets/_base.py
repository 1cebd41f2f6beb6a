"""Data home and the download helper shared by the dataset loaders."""

import bz2
import gzip
import hashlib
import lzma
import os
import shutil
import tempfile
import urllib.request
from collections import namedtuple
from pathlib import Path

__all__ = ["get_data_home", "get_cache_home", "RemoteFileMetadata", "fetch_remote_file", "open_text"]

DATA_HOME_ENV = "SKLEARN_RNN_DATA"
CACHE_HOME_ENV = "SKLEARN_RNN_CACHE"

RemoteFileMetadata = namedtuple("RemoteFileMetadata", ["filename", "url", "checksum", "algorithm"],
                                defaults=["sha256"])
RemoteFileMetadata.__doc__ = """Where a dataset file comes from, its published checksum and the checksum's algorithm
(a :mod:`hashlib` name, ``sha256`` unless the publisher gives another)."""


def get_data_home(data_home=None):
    """Return the folder where sklearn_rnn keeps its datasets.

    The folder is, in order of precedence: the ``data_home`` argument, the
    ``SKLEARN_RNN_DATA`` environment variable, then ``~/sklearn_rnn_data``.
    It is not created here: loaders create it only when they download.

    Parameters
    ----------
    data_home : str or path-like, default=None
        An explicit folder, which wins over the environment variable.

    Returns
    -------
    data_home : pathlib.Path
        The data folder, with ``~`` expanded.

    Examples
    --------
    >>> from sklearn_rnn.datasets import get_data_home
    >>> str(get_data_home("/tmp/my_data"))
    '/tmp/my_data'
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV) or os.path.join("~", "sklearn_rnn_data")
    return Path(data_home).expanduser()


def get_cache_home(cache_home=None):
    """Return the folder for caches derived from datasets (parsed archives).

    Caches are kept apart from the data home, which may be a shared,
    pre-seeded folder that must not be written to. The folder is the
    ``cache_home`` argument, else ``SKLEARN_RNN_CACHE``, else
    ``$XDG_CACHE_HOME/sklearn_rnn``, else ``~/.cache/sklearn_rnn``.

    Parameters
    ----------
    cache_home : str or path-like, default=None
        An explicit folder.

    Returns
    -------
    cache_home : pathlib.Path
        The cache folder (not created here).

    Examples
    --------
    >>> from sklearn_rnn.datasets import get_cache_home
    >>> str(get_cache_home("/tmp/rnn_cache"))
    '/tmp/rnn_cache'
    """
    if cache_home is None:
        cache_home = os.environ.get(CACHE_HOME_ENV)
    if cache_home is None:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
        cache_home = os.path.join(xdg, "sklearn_rnn")
    return Path(cache_home).expanduser()


def _digest(path, algorithm="sha256", chunk_size=1 << 20):
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_remote_file(remote, dirname, *, timeout=60, progress=True):
    """Download ``remote`` into ``dirname`` and verify its checksum.

    The file is written to a temporary name in the same folder and moved into
    place only once complete and verified, so an interrupted or corrupt
    download never leaves a partial file under the final name.

    Parameters
    ----------
    remote : RemoteFileMetadata
        File name, URL, expected checksum and its algorithm.
    dirname : path-like
        Destination folder, created if missing.
    timeout : float, default=60
        Socket timeout in seconds.
    progress : bool, default=True
        Show a tqdm progress bar.

    Returns
    -------
    path : pathlib.Path
        The downloaded file.

    Raises
    ------
    OSError
        If the download is interrupted or the checksum does not match; no
        file is left behind in either case.
    """
    from tqdm.auto import tqdm

    dirname = Path(dirname)
    dirname.mkdir(parents=True, exist_ok=True)
    target = dirname / remote.filename
    fd, tmp_name = tempfile.mkstemp(prefix=remote.filename + ".", suffix=".part", dir=dirname)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(remote.url, timeout=timeout) as response:
            expected = response.headers.get("Content-Length")
            expected = int(expected) if expected is not None else None
            with tqdm(total=expected, unit="B", unit_scale=True, desc=remote.filename, disable=not progress) as bar:
                received = 0
                for chunk in iter(lambda: response.read(1 << 16), b""):
                    out.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
        if expected is not None and received != expected:
            raise OSError(
                f"Download of {remote.url} was interrupted: received {received} of "
                f"{expected} bytes."
            )
        checksum = _digest(tmp_name, remote.algorithm)
        if checksum != remote.checksum:
            raise OSError(
                f"{remote.filename} downloaded from {remote.url} has {remote.algorithm} {checksum}, "
                f"expected {remote.checksum}. The file was deleted; it may be corrupt "
                "or the server may serve another version."
            )
        shutil.move(tmp_name, target)
    except BaseException as exc:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
        if isinstance(exc, (OSError, KeyboardInterrupt)):
            raise
        raise OSError(f"Download of {remote.url} failed: {exc}") from exc
    return target


_OPENERS = {".bz2": bz2.open, ".gz": gzip.open, ".xz": lzma.open}


def open_text(path, encoding="utf-8", errors="replace"):
    """Open a text file for reading, plain or compressed (``.gz``, ``.bz2``, ``.xz``, by suffix).

    Parameters
    ----------
    path : str or path-like
    encoding : str, default="utf-8"
    errors : str, default="replace"
        How to treat bytes that do not decode, as in :func:`open`.

    Returns
    -------
    file : text file object

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "a.txt.gz")
    >>> with gzip.open(path, "wt") as f:
    ...     _ = f.write("hello")
    >>> open_text(path).read()
    'hello'
    """
    opener = _OPENERS.get(Path(path).suffix, open)
    return opener(path, "rt", encoding=encoding, errors=errors)

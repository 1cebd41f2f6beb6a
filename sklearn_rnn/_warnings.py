"""Warnings that point at the user's code: the first frame outside this package.

A fixed ``stacklevel`` points into the package (or into ``contextlib``) as
soon as a warning is raised from a helper, a context manager or a part of a
meta-estimator; :func:`warn` counts the frames instead.
"""

import os
import sys
import warnings

__all__ = ["warn"]

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_SKIPPED = (_PACKAGE, os.path.dirname(os.path.abspath(warnings.__file__)) + os.sep + "contextlib.py")


def warn(message, category=UserWarning):
    """``warnings.warn`` with the stack level of the first caller outside sklearn_rnn and contextlib.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("a message")
    >>> caught[0].filename.endswith("_warnings.py")
    False
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_SKIPPED):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level + 1)

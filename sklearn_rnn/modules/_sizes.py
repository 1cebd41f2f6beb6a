"""The one rule for layer-size arguments, shared by the modules and the estimators."""

from numbers import Integral

__all__ = ["as_sizes"]


def as_sizes(value, name="sizes", allow_empty=False):
    """Normalise an int or a sequence of ints to a tuple of positive ints.

    Parameters
    ----------
    value : int or sequence of int
        One size, or one size per layer.
    name : str, default="sizes"
        The argument's name, for the error message.
    allow_empty : bool, default=False
        Accept an empty sequence (no layer at all).

    Returns
    -------
    sizes : tuple of int

    Raises
    ------
    ValueError
        If a size is not a positive int, or the sequence is empty where that
        is not allowed.

    Examples
    --------
    >>> as_sizes(64), as_sizes([64, 32]), as_sizes((), allow_empty=True)
    ((64,), (64, 32), ())
    """
    if isinstance(value, Integral) and not isinstance(value, bool):
        sizes = (value,)
    elif isinstance(value, (tuple, list)):
        sizes = tuple(value)
    else:
        sizes = None
    valid = sizes is not None and (allow_empty or sizes) and all(
        isinstance(v, Integral) and not isinstance(v, bool) and v >= 1 for v in sizes)
    if not valid:
        what = "a tuple of positive ints (possibly empty)" if allow_empty else \
            "a positive int or a non-empty tuple of them"
        raise ValueError(f"{name} must be {what}, got {value!r}.")
    return tuple(int(v) for v in sizes)

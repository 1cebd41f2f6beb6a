"""The table of classes that the safe model format may rebuild.

Each estimator class of the package registers itself here when its module is
imported (``@register``); :mod:`sklearn_rnn.persistence` looks classes up by
name in this table and nowhere else, so a model file can only ever name a
class of this package, and the format needs no import of the estimators.
"""

__all__ = ["register", "registered"]

_CLASSES = {}


def register(cls):
    """Add ``cls`` to the table under its name; used as a class decorator.

    Examples
    --------
    >>> "SequenceVectorizer" in registered()
    True
    """
    if not isinstance(cls, type) or not callable(getattr(cls, "get_params", None)):
        raise TypeError(f"only estimator classes can be registered for the model format, not {cls!r}")
    known = _CLASSES.get(cls.__name__)
    if known is not None and known is not cls:
        raise RuntimeError(f"two classes are registered as {cls.__name__!r}: {known} and {cls}")
    _CLASSES[cls.__name__] = cls
    return cls


def registered():
    """The registered classes by name (a copy).

    Examples
    --------
    >>> sorted(registered())[:2]
    ['BlendedTextClassifier', 'ConvTextClassifier']
    """
    return dict(_CLASSES)

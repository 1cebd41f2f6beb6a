"""Recurrent neural text classifiers behind scikit-learn's fit/predict API."""

from .text import SequenceVectorizer

__version__ = "0.1.0"

__all__ = ["SequenceVectorizer", "__version__"]

"""Recurrent neural text classifiers behind scikit-learn's fit/predict API."""

from .classifiers import ConvTextClassifier, FeedForwardTextClassifier, RecurrentTextClassifier
from .text import SequenceVectorizer

__version__ = "0.1.0"

__all__ = [
    "ConvTextClassifier",
    "FeedForwardTextClassifier",
    "RecurrentTextClassifier",
    "SequenceVectorizer",
    "__version__",
]

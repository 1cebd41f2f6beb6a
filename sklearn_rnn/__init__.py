"""Recurrent neural text classifiers behind scikit-learn's fit/predict API."""

from ._config import config_context, get_config, set_config
from .classifiers import KERAS_STYLE, ConvTextClassifier, FeedForwardTextClassifier, RecurrentTextClassifier
from .persistence import load, save
from .text import SequenceVectorizer
from .tuning import lr_find, plot_lr_find

__version__ = "0.2.0.dev0"

__all__ = [
    "KERAS_STYLE",
    "ConvTextClassifier",
    "FeedForwardTextClassifier",
    "RecurrentTextClassifier",
    "SequenceVectorizer",
    "config_context",
    "get_config",
    "load",
    "lr_find",
    "plot_lr_find",
    "save",
    "set_config",
    "__version__",
]

"""Recurrent neural text classifiers behind scikit-learn's fit/predict API."""

from ._config import config_context, get_config, set_config
from .blend import BlendedTextClassifier
from .classifiers import KERAS_STYLE, ConvTextClassifier, FeedForwardTextClassifier, RecurrentTextClassifier
from .linear import NgramLogisticClassifier
from .persistence import load, save
from .regressors import ConvTextRegressor, FeedForwardTextRegressor, RecurrentTextRegressor
from .semi_supervised import SemiSupervisedTextClassifier
from .text import SequenceVectorizer
from .tuning import lr_find, plot_lr_find

__version__ = "0.3.0.dev0"

__all__ = [
    "KERAS_STYLE",
    "BlendedTextClassifier",
    "ConvTextClassifier",
    "ConvTextRegressor",
    "FeedForwardTextClassifier",
    "FeedForwardTextRegressor",
    "NgramLogisticClassifier",
    "RecurrentTextClassifier",
    "RecurrentTextRegressor",
    "SemiSupervisedTextClassifier",
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

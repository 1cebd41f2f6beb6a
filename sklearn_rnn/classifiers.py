"""The network classifiers: recurrent, feedforward and convolutional.

Each class is a classification task (:class:`BaseTextClassifier`) on one
architecture of :mod:`sklearn_rnn._architectures`, with its own explicit
parameters. The network is the whole model: what a classifier is configured
with is what predicts. A linear model beside it, their blend and
self-training are estimators of their own (:mod:`sklearn_rnn.linear`,
:mod:`sklearn_rnn.blend`, :mod:`sklearn_rnn.semi_supervised`).
"""

from numbers import Real

import numpy as np
import torch
from scipy.special import expit, softmax
from sklearn.base import ClassifierMixin
from sklearn.preprocessing import LabelEncoder, MultiLabelBinarizer
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import type_of_target

from ._architectures import NGRAM_LR, ConvArchitecture, FeedForwardArchitecture, RecurrentArchitecture
from ._base import BaseTextNetwork
from ._docs import document
from ._inputs import check_labels, check_weighted_classes
from ._registry import register
from ._validation import Interval, Options, check_keywords

__all__ = ["KERAS_STYLE", "BaseTextClassifier", "ConvTextClassifier", "FeedForwardTextClassifier",
           "RecurrentTextClassifier"]

#: The settings that turn :class:`RecurrentTextClassifier`'s defaults into the
#: plain network of a Keras notebook: one direction, the final state, no
#: n-gram part, no dropout, no early stopping.
#: ``RecurrentTextClassifier(**KERAS_STYLE, cell="gru", hidden_size=32)`` is
#: ``Embedding`` + ``GRU(32)`` + ``Dense``. The defaults themselves were
#: chosen for accuracy (``docs/accuracy.md``).
KERAS_STYLE = {
    "bidirectional": False,
    "pooling": "last",
    "ngrams": None,
    "spatial_dropout": 0.0,
    "dropout": 0.0,
    "early_stopping": False,
}

_TASK_PARAMS = """\
    class_weight : 'balanced', dict or None, default=None
        Weights of the classes in the loss (not for multi-label ``y``).
    threshold : float, default={default:threshold}
        Multi-label ``y`` only: ``predict`` sets a label where its
        probability is at least ``threshold``."""

_TASK_ATTRIBUTES = """\
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit`` (for multi-label ``y``: the label names,
        one per column of ``predict_proba``).
    n_classes_ : int
        Number of classes (or labels).
    multilabel_ : bool
        Whether ``y`` was multi-label (a 2-D indicator, or lists of labels)."""


def _classifier_doc(cls):
    cls.__doc__ = cls.__doc__.replace("{task_params}", _TASK_PARAMS).replace("{task_attributes}", _TASK_ATTRIBUTES)
    return document(cls)


def _multilabel_form(y):
    """``'indicator'`` for a 2-D 0/1 matrix of several columns (array, DataFrame, list of rows), ``'lists'`` for
    collections of labels (lists of names, say), None for one label per row."""
    if isinstance(y, str) or not hasattr(y, "__len__") and not hasattr(y, "__array__"):
        return None
    if not isinstance(y, (list, tuple, np.ndarray)) and not hasattr(y, "iloc"):
        y = np.asarray(y)
    if hasattr(y, "columns"):
        return "indicator" if y.shape[1] > 1 else None
    if not (isinstance(y, np.ndarray) and y.dtype != object):
        first = y[0] if len(y) and not hasattr(y, "iloc") else (y.iloc[0] if len(y) else None)
        if not isinstance(first, (list, tuple, set, frozenset, np.ndarray)):
            return None
        try:
            values = np.asarray(y)
        except ValueError:  # ragged: collections of labels
            return "lists"
        if values.ndim != 2 or values.dtype.kind not in "biuf" or not np.isin(values, (0, 1)).all():
            return "lists"
    else:
        values = y
    return "indicator" if values.ndim == 2 and values.shape[1] > 1 else None


class BaseTextClassifier(ClassifierMixin, BaseTextNetwork):
    """The classification task of the network estimators: labels, loss, probabilities.

    ``y`` holds one label per row (binary or multi-class, of any type), or
    several per row: a 2-D indicator matrix (or DataFrame), or a list of
    label collections (:class:`~sklearn.preprocessing.MultiLabelBinarizer`
    turns them into one column per label). Single-label fits train a softmax
    output with cross-entropy; multi-label fits one sigmoid output per label
    with binary cross-entropy.
    """

    _task_constraints = {
        "class_weight": [Options({"balanced"}), "dict", None],
        "threshold": [Interval(Real, 0, 1, closed="neither")],
    }

    # --------------------------------------------------------------- targets
    def _indicator(self, y, n_rows, fit):
        """Multi-label ``y`` as a float32 indicator matrix; with ``fit``, its label names."""
        if _multilabel_form(y) == "lists":
            rows = [list(labels) for labels in (y.tolist() if hasattr(y, "tolist") else y)]
            if fit:
                binarizer = MultiLabelBinarizer().fit(rows)
                names = binarizer.classes_
            else:
                known = set(self.classes_.tolist())
                unseen = {label for labels in rows for label in labels} - known
                if unseen:
                    raise ValueError(f"y holds labels {sorted(unseen, key=str)} that are not among the fitted "
                                     f"labels {self.classes_.tolist()}.")
                binarizer = MultiLabelBinarizer(classes=self.classes_).fit(rows)
                names = self.classes_
            matrix = binarizer.transform(rows)
        else:
            names = np.asarray(y.columns) if hasattr(y, "columns") else None
            matrix = np.asarray(y)
            if type_of_target(matrix) != "multilabel-indicator" or not np.isin(matrix, (0, 1)).all():
                raise ValueError("a 2-D y must be a multi-label indicator matrix of 0s and 1s, one column per "
                                 f"label; got {type_of_target(matrix)!r} values.")
            if names is None:
                names = np.arange(matrix.shape[1])
            if not fit and matrix.shape[1] != self.n_classes_:
                raise ValueError(f"y has {matrix.shape[1]} label columns, but the classifier was fitted on "
                                 f"{self.n_classes_}.")
        if len(matrix) != n_rows:
            raise ValueError(f"X has {n_rows} rows but y has {len(matrix)} rows.")
        return matrix.astype(np.float32), np.asarray(names)

    @staticmethod
    def _is_multilabel(y):
        return _multilabel_form(y) is not None

    def _fit_targets(self, y, n_rows, sample_weight, also=None):
        """Encode the first fit's ``y`` (and learn the classes of ``y`` and ``also``)."""
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        self.multilabel_ = self._is_multilabel(y)
        if self.multilabel_:
            if self.class_weight is not None:
                raise ValueError("class_weight is not supported with multi-label y; weight rows with "
                                 "sample_weight instead.")
            matrix, self.classes_ = self._indicator(y, n_rows, fit=True)
            self.n_classes_ = len(self.classes_)
            if self.n_classes_ < 1:
                raise ValueError("multi-label y names no label.")
            return matrix
        labels = check_labels(y, n_rows)
        every = labels if also is None else np.concatenate([labels, check_labels(also, len(also))])
        encoder = LabelEncoder().fit(every)
        self.classes_ = encoder.classes_
        self.n_classes_ = len(self.classes_)
        if self.n_classes_ < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 classes in y, got 1 class: "
                             f"{self.classes_.tolist()}.")
        encoded = encoder.transform(labels)
        check_weighted_classes(encoded, sample_weight, self.classes_, type(self).__name__)
        return encoded

    def _encode_targets(self, y, n_rows, why):
        """Encode a later call's ``y`` with the fitted classes; unknown labels are an error ending in ``why``."""
        if self.multilabel_:
            if not self._is_multilabel(y):
                raise ValueError(f"y holds single labels, but {type(self).__name__} was fitted on multi-label y.")
            return self._indicator(y, n_rows, fit=False)[0]
        labels = check_labels(y, n_rows)
        unseen = set(np.unique(labels).tolist()) - set(self.classes_.tolist())
        if unseen:
            raise ValueError(f"y holds labels {sorted(unseen, key=str)} {why}.")
        return np.searchsorted(self.classes_, labels)

    def _stream_targets(self, y, n_rows, classes, first):
        """``partial_fit``'s targets: the first call fixes ``classes`` (required), later calls check them."""
        if first:
            if classes is None:
                raise ValueError(f"classes must be passed on the first call to {type(self).__name__}.partial_fit: "
                                 "every label of the stream, since a chunk may not hold them all.")
            if self.class_weight == "balanced":
                raise ValueError("class_weight='balanced' needs every label at once and is not supported by "
                                 "partial_fit; pass a dict, for example from sklearn.utils.class_weight."
                                 "compute_class_weight('balanced', classes=classes, y=y_sample).")
            self.multilabel_ = self._is_multilabel(y)
            self.classes_ = np.unique(np.asarray(classes)) if not self.multilabel_ else np.asarray(classes)
            self.n_classes_ = len(self.classes_)
            if self.n_classes_ < (1 if self.multilabel_ else 2):
                raise ValueError(f"classes must hold at least 2 labels, got {self.classes_.tolist()}.")
        elif classes is not None:
            given = np.asarray(classes) if self.multilabel_ else np.unique(np.asarray(classes))
            if not np.array_equal(given, self.classes_):
                raise ValueError(f"classes={given.tolist()} differs from the classes of the first call, "
                                 f"{self.classes_.tolist()}.")
        return self._encode_targets(y, n_rows, f"that are not in classes {self.classes_.tolist()}")

    def _n_outputs(self):
        return self.n_classes_

    def _criterion(self):
        return (torch.nn.BCEWithLogitsLoss if self.multilabel_ else torch.nn.CrossEntropyLoss), {}

    def _task_ngram_lr(self):
        return NGRAM_LR

    def _metric(self):
        return _SubsetCorrect(self.threshold) if self.multilabel_ else _ArgmaxCorrect()

    def _stratify_by(self, y_enc):
        return None if self.multilabel_ else y_enc

    def _class_weights(self, y_enc):
        if self.class_weight is None:
            return None
        classes = np.arange(self.n_classes_)
        if self.class_weight == "balanced":
            return compute_class_weight("balanced", classes=classes, y=y_enc)
        unknown = set(self.class_weight) - set(self.classes_.tolist())
        if unknown:
            raise ValueError(f"class_weight names labels {sorted(unknown, key=str)} that are not in y; "
                             f"the classes are {self.classes_.tolist()}.")
        return np.array([float(self.class_weight.get(c, 1.0)) for c in self.classes_])

    def _target_state(self, writer, where):
        return {"classes_": writer.labels(self.classes_, f"{where}.classes_"), "multilabel_": bool(self.multilabel_)}

    def _restore_target_state(self, state, reader):
        self.classes_ = reader.labels(state["classes_"])
        self.n_classes_ = len(self.classes_)
        self.multilabel_ = bool(state["multilabel_"])

    # ------------------------------------------------------------- predict
    def predict_proba(self, X):
        """Class probabilities, computed in batches of similar length.

        Rows are sorted by length so that no batch computes on padding, and
        the result is put back in the input order. A document gets the same
        probabilities alone as in any batch.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``. Single-label rows sum to 1; for
            multi-label ``y`` each column is the probability of its label.
        """
        outputs = self._outputs(X)
        if self.multilabel_:
            return expit(outputs).astype(np.float32)
        return softmax(outputs, axis=1).astype(np.float32)

    def predict(self, X):
        """Predicted labels, of the same type as the labels seen in ``fit``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Labels; for multi-label ``y`` an indicator matrix, 1 where a
            label's probability is at least ``threshold``.
        """
        proba = self.predict_proba(X)
        if self.multilabel_:
            return (proba >= self.threshold).astype(np.int64)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class _ArgmaxCorrect:
    """Right predictions of a batch of logits (module-level so that nets pickle)."""

    def __call__(self, logits, y):
        return (logits.argmax(dim=1) == y.to(logits.device)).sum().item()


class _SubsetCorrect:
    """Rows of a multi-label batch whose every label is right at ``threshold``."""

    def __init__(self, threshold):
        self.threshold = threshold

    def __call__(self, logits, y):
        predicted = torch.sigmoid(logits) >= self.threshold
        return (predicted == (y.to(logits.device) > 0.5)).all(dim=1).sum().item()


@register
@_classifier_doc
class RecurrentTextClassifier(RecurrentArchitecture, BaseTextClassifier):
    """Recurrent neural network text classifier (SimpleRNN, LSTM, GRU).

    Embedding, then one or more recurrent layers (optionally bidirectional),
    pooling over time, optional dense layers and the output layer, beside a
    linear part on the document's TF-IDF unigrams and bigrams whose outputs
    are added to the recurrent part's (``ngrams='tfidf'``, a "wide and deep"
    network trained as one). It takes the integer sequences made by
    :class:`~sklearn_rnn.SequenceVectorizer`; the vocabulary size and the
    number of classes come from the data. Padding never influences a
    prediction: a document gets the same probabilities alone as inside any
    batch. The network is the whole model.

    Parameters
    ----------
    cell : {'lstm', 'gru', 'rnn'}, default={default:cell}
        The recurrent cell (``'rnn'`` is Keras's SimpleRNN, with tanh).
    bidirectional : bool, default={default:bidirectional}
        Read each document in both directions and concatenate.
    hidden_size : int or tuple of int, default={default:hidden_size}
        Units of the recurrent layer, or one size per stacked layer.
    pooling : {'last', 'max', 'mean', 'attention'}, default={default:pooling}
        How the outputs over time become one vector: the final state
        (``'last'``, as Keras without ``return_sequences``), max or mean over
        the real tokens, or learned attention weights.
    embedding_dim : int, default={default:embedding_dim}
        Width of the token vectors.
{task_params}
{training_params}

    Attributes
    ----------
{task_attributes}
{fitted_attributes}
    ngram_buckets_ : int
        The bigram buckets in use (``ngram_buckets`` resolved).
    word_vectors_dim_ : int
        Width of the ``word_vectors`` channel (0 without one).
    n_word_vectors_found_ : int
        How many of the vocabulary's words ``word_vectors`` held.

    See Also
    --------
    sklearn_rnn.SequenceVectorizer : makes the input of this classifier.
    sklearn_rnn.BlendedTextClassifier : averages it with a linear n-gram model.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
    >>> docs = ["great movie", "awful movie", "great acting", "awful plot"] * 8
    >>> labels = ["pos", "neg", "pos", "neg"] * 8
    >>> model = make_pipeline(
    ...     SequenceVectorizer(),
    ...     RecurrentTextClassifier(cell="gru", hidden_size=8, embedding_dim=8,
    ...                             lr=0.05, max_epochs=15, random_state=0),
    ... )
    >>> model.fit(docs, labels).predict(["a great movie", "awful"]).tolist()
    ['pos', 'neg']
    """

    _parameter_constraints = {**BaseTextNetwork._parameter_constraints, **BaseTextClassifier._task_constraints,
                              **RecurrentArchitecture._architecture_constraints}

    @check_keywords
    def __init__(self, *, cell="lstm", bidirectional=True, hidden_size=64, pooling="max", embedding_dim=64,
                 class_weight=None, threshold=0.5, ngrams="tfidf", ngram_buckets="auto", ngram_lr=NGRAM_LR,
                 embedding_weights=None, freeze_embedding=False, word_vectors=None, freeze_word_vectors=False,
                 spatial_dropout=0.2, dropout=0.3, dense_layers=(), activation="relu", optimizer="adam",
                 optimizer_params=None, lr=1e-3, lr_schedule="constant", regularizer=None, alpha=1e-3, l1_ratio=0.5,
                 initializer="default", batch_size=64, max_epochs="auto", clip_grad_norm=None, early_stopping=True,
                 validation_fraction=0.1, n_iter_no_change=2, callbacks=None, checkpoint_dir=None, random_state=None,
                 device="cpu", n_threads=None, precision="float32", verbose=0, warm_start=False):
        self.cell = cell
        self.bidirectional = bidirectional
        self.hidden_size = hidden_size
        self.pooling = pooling
        self.embedding_dim = embedding_dim
        self.ngrams = ngrams
        self.ngram_buckets = ngram_buckets
        self.ngram_lr = ngram_lr
        self.class_weight = class_weight
        self.threshold = threshold
        self.embedding_weights = embedding_weights
        self.freeze_embedding = freeze_embedding
        self.word_vectors = word_vectors
        self.freeze_word_vectors = freeze_word_vectors
        self.spatial_dropout = spatial_dropout
        self.dropout = dropout
        self.dense_layers = dense_layers
        self.activation = activation
        self.optimizer = optimizer
        self.optimizer_params = optimizer_params
        self.lr = lr
        self.lr_schedule = lr_schedule
        self.regularizer = regularizer
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.initializer = initializer
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.clip_grad_norm = clip_grad_norm
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.checkpoint_dir = checkpoint_dir
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.precision = precision
        self.verbose = verbose
        self.warm_start = warm_start


@register
@_classifier_doc
class FeedForwardTextClassifier(FeedForwardArchitecture, BaseTextClassifier):
    """Feedforward text classifier: embedding, pooling or flatten, dense layers.

    The baseline users compare recurrent nets with. With
    ``embedding_dim=None`` the token ids are fed to the dense layers as plain
    numbers, the naive model that shows why embeddings matter.

    Parameters
    ----------
    pooling : {'mean', 'max', 'flatten'}, default={default:pooling}
        ``'flatten'`` concatenates the vectors of all ``n_features_in_``
        positions (tokens first, padding after), as Keras's ``Flatten``;
        ``'mean'``/``'max'`` pool over the real tokens only.
    embedding_dim : int or None, default={default:embedding_dim}
        Width of the token vectors; None feeds the raw ids to the dense
        layers as numbers (no embedding).
{task_params}
{training_params}

    Attributes
    ----------
{task_attributes}
{fitted_attributes}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import FeedForwardTextClassifier
    >>> X = np.array([[0, 2, 3], [0, 4, 5]] * 10)
    >>> clf = FeedForwardTextClassifier(embedding_dim=4, dense_layers=(8,), lr=0.05, random_state=0)
    >>> clf.fit(X, [1, 0] * 10).predict([[0, 2, 3]])
    array([1])
    """

    _parameter_constraints = {**BaseTextNetwork._parameter_constraints, **BaseTextClassifier._task_constraints,
                              **FeedForwardArchitecture._architecture_constraints}

    @check_keywords
    def __init__(self, *, pooling="mean", embedding_dim=32, class_weight=None, threshold=0.5, embedding_weights=None,
                 freeze_embedding=False, word_vectors=None, freeze_word_vectors=False, spatial_dropout=0.0, dropout=0.0,
                 dense_layers=(64,), activation="relu", optimizer="adam", optimizer_params=None, lr=1e-3,
                 lr_schedule="constant", regularizer=None, alpha=1e-3, l1_ratio=0.5, initializer="default",
                 batch_size=64, max_epochs=10, clip_grad_norm=None, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=3, callbacks=None, checkpoint_dir=None, random_state=None, device="cpu",
                 n_threads=None, precision="float32", verbose=0, warm_start=False):
        self.pooling = pooling
        self.embedding_dim = embedding_dim
        self.class_weight = class_weight
        self.threshold = threshold
        self.embedding_weights = embedding_weights
        self.freeze_embedding = freeze_embedding
        self.word_vectors = word_vectors
        self.freeze_word_vectors = freeze_word_vectors
        self.spatial_dropout = spatial_dropout
        self.dropout = dropout
        self.dense_layers = dense_layers
        self.activation = activation
        self.optimizer = optimizer
        self.optimizer_params = optimizer_params
        self.lr = lr
        self.lr_schedule = lr_schedule
        self.regularizer = regularizer
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.initializer = initializer
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.clip_grad_norm = clip_grad_norm
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.checkpoint_dir = checkpoint_dir
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.precision = precision
        self.verbose = verbose
        self.warm_start = warm_start


@register
@_classifier_doc
class ConvTextClassifier(ConvArchitecture, BaseTextClassifier):
    """1-D convolutional text classifier, optionally CNN+LSTM/GRU.

    Embedding, ``Conv1d`` with ``filters`` channels per kernel width, then
    global max pooling over the windows inside each document (``cell=None``)
    or a recurrent layer read over the convolution's outputs
    (``cell='lstm'``/``'gru'``/``'rnn'``: the CNN+LSTM of the notebooks).

    Parameters
    ----------
    filters : int, default={default:filters}
        Output channels per kernel width.
    kernel_size : int or tuple of int, default={default:kernel_size}
        Window width, or several widths whose pooled outputs are concatenated.
    cell : {None, 'lstm', 'gru', 'rnn'}, default={default:cell}
        Recurrent layer after the convolution; needs a single kernel width.
    hidden_size : int, default={default:hidden_size}
        Units of ``cell``.
    embedding_dim : int, default={default:embedding_dim}
        Width of the token vectors.
{task_params}
{training_params}

    Attributes
    ----------
{task_attributes}
{fitted_attributes}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import ConvTextClassifier
    >>> X = np.array([[0, 2, 3, 6], [0, 4, 5, 6]] * 10)
    >>> clf = ConvTextClassifier(embedding_dim=4, filters=4, kernel_size=(2, 3), lr=0.05, random_state=0)
    >>> clf.fit(X, [1, 0] * 10).predict([[0, 2, 3, 6]])
    array([1])
    """

    _parameter_constraints = {**BaseTextNetwork._parameter_constraints, **BaseTextClassifier._task_constraints,
                              **ConvArchitecture._architecture_constraints}

    @check_keywords
    def __init__(self, *, filters=128, kernel_size=3, cell=None, hidden_size=64, embedding_dim=128, class_weight=None,
                 threshold=0.5, embedding_weights=None, freeze_embedding=False, word_vectors=None,
                 freeze_word_vectors=False, spatial_dropout=0.0, dropout=0.0, dense_layers=(), activation="relu",
                 optimizer="adam", optimizer_params=None, lr=1e-3, lr_schedule="constant", regularizer=None,
                 alpha=1e-3, l1_ratio=0.5, initializer="default", batch_size=64, max_epochs=10, clip_grad_norm=None,
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=3, callbacks=None,
                 checkpoint_dir=None, random_state=None, device="cpu", n_threads=None, precision="float32", verbose=0,
                 warm_start=False):
        self.filters = filters
        self.kernel_size = kernel_size
        self.cell = cell
        self.hidden_size = hidden_size
        self.embedding_dim = embedding_dim
        self.class_weight = class_weight
        self.threshold = threshold
        self.embedding_weights = embedding_weights
        self.freeze_embedding = freeze_embedding
        self.word_vectors = word_vectors
        self.freeze_word_vectors = freeze_word_vectors
        self.spatial_dropout = spatial_dropout
        self.dropout = dropout
        self.dense_layers = dense_layers
        self.activation = activation
        self.optimizer = optimizer
        self.optimizer_params = optimizer_params
        self.lr = lr
        self.lr_schedule = lr_schedule
        self.regularizer = regularizer
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.initializer = initializer
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.clip_grad_norm = clip_grad_norm
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.checkpoint_dir = checkpoint_dir
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.precision = precision
        self.verbose = verbose
        self.warm_start = warm_start

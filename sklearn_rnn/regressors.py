"""The network regressors: recurrent, feedforward and convolutional, on the classifiers' architectures.

A regressor is the regression task (:class:`BaseTextRegressor`) on an
architecture of :mod:`sklearn_rnn._architectures`: the same network with a
linear output, one value per target. Targets are scaled to zero mean and unit
variance for training and scaled back at ``predict``, so the learning rate and
the loss do not depend on the targets' units. ``predict`` keeps each target within
the range the training targets spanned (``clip_predictions``). With
``loss='log_loss'`` a single target that takes few values (star ratings) is
learnt as a distribution over those values, and ``predict`` gives its mean.
"""

import numpy as np
import torch
from scipy.special import softmax
from sklearn.base import RegressorMixin

from ._architectures import (NGRAM_LR, NGRAM_LR_SCALED_TARGETS, ConvArchitecture, FeedForwardArchitecture,
                             RecurrentArchitecture)
from ._base import BaseTextNetwork
from ._docs import document
from ._registry import register
from ._validation import Options, check_keywords

__all__ = ["LOSSES", "MAX_TARGET_VALUES", "BaseTextRegressor", "ConvTextRegressor", "FeedForwardTextRegressor",
           "RecurrentTextRegressor"]

#: The ``loss`` names and their torch criteria: the first three on the scaled targets, ``'log_loss'``
#: on the index of each row's value among ``target_values_``.
LOSSES = {"squared_error": torch.nn.MSELoss, "absolute_error": torch.nn.L1Loss, "huber": torch.nn.HuberLoss,
          "log_loss": torch.nn.CrossEntropyLoss}
#: ``loss='log_loss'`` takes a target of at most this many distinct values, and ``loss='auto'`` chooses
#: it for a single target within it (``'squared_error'`` otherwise).
MAX_TARGET_VALUES = 20

_TASK_PARAMS = """\
    loss : {'auto', 'squared_error', 'absolute_error', 'huber', 'log_loss'}, default={default:loss}
        The training loss. The first three are on the targets scaled to zero
        mean and unit variance: squared error (as ``Ridge``), absolute error
        (robust to outliers; predicts medians), or Huber's (squared within
        one standard deviation of the target, absolute beyond).
        ``'log_loss'`` takes one target of at most ``MAX_TARGET_VALUES``
        ({const:MAX_TARGET_VALUES}) distinct values (``target_values_``, star
        ratings for example): the network outputs a probability per value,
        trained by cross-entropy as a classifier's, and ``predict`` gives the
        mean of those probabilities' distribution, which is what minimises
        the expected squared error. It predicts only within the values seen
        in the first fit: ``warm_start`` and ``partial_fit`` refuse a new one.
        ``'auto'`` is ``'log_loss'`` for one target within that many values
        and ``'squared_error'`` otherwise, and in ``partial_fit`` always
        ``'squared_error'`` (the values to come are not known);
        ``loss_`` says which was used. On IMDB's 1-10 star ratings
        ``'log_loss'`` gave R² 0.70 against 0.67 for ``'squared_error'``
        (the user guide's "Ratings and tags").
    clip_predictions : bool, default={default:clip_predictions}
        Keep each predicted target within the range of the training targets
        (``target_min_`` to ``target_max_``), as trees' predictions are. For a
        bounded target (stars, scores, shares) this never moves a prediction
        away from a true value inside that range. On IMDB's 1-10 star ratings
        it lowered the mean absolute error by 0.02 (the user guide's "Ratings
        and tags"). False predicts the network's output as it is."""

_TASK_ATTRIBUTES = """\
    loss_ : str
        The loss the fit used (``loss`` with ``'auto'`` resolved).
    target_values_ : ndarray of shape (n_values,) or None
        With ``loss_='log_loss'``: the target's distinct values, sorted, one
        output of the network each; otherwise None.
    n_outputs_ : int
        Number of targets (1 for a 1-D ``y``).
    target_mean_ : ndarray of shape (n_outputs,)
        Mean of each target in the first fit, subtracted before training.
    target_scale_ : ndarray of shape (n_outputs,)
        Standard deviation of each target in the first fit (1 where it is 0),
        by which it is divided before training; ``predict`` undoes both.
    target_min_ : ndarray of shape (n_outputs,)
        Smallest value of each target in the training targets (every
        ``partial_fit`` chunk and ``warm_start`` fit widens the range).
    target_max_ : ndarray of shape (n_outputs,)
        Largest value of each target in the training targets."""


def _regressor_doc(cls):
    cls.__doc__ = cls.__doc__.replace("{task_params}", _TASK_PARAMS).replace("{task_attributes}", _TASK_ATTRIBUTES)
    cls.__doc__ = cls.__doc__.replace("{const:MAX_TARGET_VALUES}", str(MAX_TARGET_VALUES))
    return document(cls)


class BaseTextRegressor(RegressorMixin, BaseTextNetwork):
    """The regression task of the network estimators: scaled targets, a linear output, R² as the score."""

    _task_constraints = {"loss": [Options(set(LOSSES) | {"auto"})], "clip_predictions": ["boolean"]}

    def _targets(self, y, n_rows):
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        try:
            values = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{type(self).__name__} takes numeric targets; y holds "
                             f"{np.asarray(y, dtype=object).ravel()[:3].tolist()}... Use a classifier for "
                             "labels.") from None
        if values.ndim not in (1, 2) or len(values) != n_rows:
            raise ValueError(f"y must have shape ({n_rows},) or ({n_rows}, n_targets); got {values.shape}.")
        if not np.isfinite(values).all():
            row = int(np.flatnonzero(~np.isfinite(values).reshape(len(values), -1).all(axis=1))[0])
            raise ValueError(f"y holds NaN or infinite targets (first at row {row}).")
        return values

    def _fit_targets(self, y, n_rows, sample_weight, also=None, auto=None):
        values = self._targets(y, n_rows)
        self._one_target = values.ndim == 1
        matrix = values.reshape(len(values), -1)
        self.n_outputs_ = matrix.shape[1]
        self.target_mean_ = matrix.mean(axis=0)
        scale = matrix.std(axis=0)
        self.target_scale_ = np.where(scale > 0, scale, 1.0)
        self.target_min_, self.target_max_ = matrix.min(axis=0), matrix.max(axis=0)
        distinct = np.unique(matrix) if matrix.shape[1] == 1 else None
        few = distinct is not None and len(distinct) <= MAX_TARGET_VALUES
        if self.loss == "auto":
            self.loss_ = auto or ("log_loss" if few else "squared_error")
        else:
            self.loss_ = self.loss
        self.target_values_ = None
        if self.loss_ != "log_loss":
            return self._scaled(matrix)
        if not few:
            raise ValueError(
                f"loss='log_loss' takes one target of at most MAX_TARGET_VALUES={MAX_TARGET_VALUES} distinct "
                f"values; y has " + (f"{self.n_outputs_} targets" if distinct is None else
                                     f"{len(distinct)} distinct values") + ". Use loss='squared_error', "
                "'absolute_error' or 'huber'.")
        self.target_values_ = distinct
        return self._value_index(matrix, "the first fit")

    def _value_index(self, matrix, where):
        """Each row's index in ``target_values_`` (``loss_='log_loss'``); a value not there is refused,
        the error naming ``where`` the targets came from."""
        index = np.searchsorted(self.target_values_, matrix[:, 0])
        index = np.minimum(index, len(self.target_values_) - 1)
        unseen = self.target_values_[index] != matrix[:, 0]
        if unseen.any():
            raise ValueError(f"y holds the value {float(matrix[np.flatnonzero(unseen)[0], 0]):g}, which the first "
                             f"fit's targets did not (target_values_={self.target_values_.tolist()}; {where}): "
                             "with loss_='log_loss' the network predicts only those values.")
        return index.astype(np.int64)

    def _widen_range(self, y, n_rows):
        """Widen ``target_min_`` and ``target_max_`` to ``y`` (checked by ``_encode_targets`` first)."""
        matrix = np.asarray(y, dtype=np.float64).reshape(n_rows, -1)
        self.target_min_ = np.minimum(self.target_min_, matrix.min(axis=0))
        self.target_max_ = np.maximum(self.target_max_, matrix.max(axis=0))

    def _scaled(self, matrix):
        return ((matrix - self.target_mean_) / self.target_scale_).astype(np.float32)

    def _encode_targets(self, y, n_rows, why):
        matrix = self._targets(y, n_rows).reshape(n_rows, -1)
        where = why.split("(")[-1].rstrip(")") if "(" in why else why
        if matrix.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {matrix.shape[1]} targets, but {type(self).__name__} was fitted on "
                             f"{self.n_outputs_} ({where}).")
        if self.loss_ == "log_loss":
            return self._value_index(matrix, where)
        return self._scaled(matrix)

    def _stream_targets(self, y, n_rows, classes, first):
        """``partial_fit``'s targets: the first chunk fixes the targets' scaling."""
        if classes is not None:
            raise ValueError(f"{type(self).__name__}.partial_fit takes no classes; it is a regressor.")
        if first:
            return self._fit_targets(y, n_rows, None, auto="squared_error")
        encoded = self._encode_targets(y, n_rows, "in the first call to partial_fit")
        self._widen_range(y, n_rows)
        return encoded

    def _warm_targets(self, y, n_rows):
        encoded = super()._warm_targets(y, n_rows)
        self._widen_range(y, n_rows)
        return encoded

    def _n_outputs(self):
        return self.n_outputs_ if self.target_values_ is None else len(self.target_values_)

    def _criterion(self):
        return LOSSES[self.loss_], {}

    def _task_ngram_lr(self):
        return NGRAM_LR if self.loss_ == "log_loss" else NGRAM_LR_SCALED_TARGETS

    def _metric(self):
        return None

    def _stratify_by(self, y_enc):
        # the held-out rows keep each value's share, as a classifier's keep each class's
        return None if self.target_values_ is None else y_enc

    def _class_weights(self, y_enc):
        return None

    def _target_state(self, writer, where):
        return {"target_mean_": [float(v) for v in self.target_mean_],
                "target_scale_": [float(v) for v in self.target_scale_], "one_target": bool(self._one_target),
                "target_min_": [float(v) for v in self.target_min_],
                "target_max_": [float(v) for v in self.target_max_], "loss_": self.loss_,
                "target_values_": None if self.target_values_ is None else [float(v) for v in self.target_values_]}

    def _restore_target_state(self, state, reader):
        self.target_mean_ = np.asarray(state["target_mean_"], dtype=np.float64)
        self.target_scale_ = np.asarray(state["target_scale_"], dtype=np.float64)
        self.n_outputs_ = len(self.target_mean_)
        self._one_target = bool(state["one_target"])
        # files written before clip_predictions hold no range; they predict as they did
        self.target_min_ = np.asarray(state.get("target_min_", [-np.inf] * self.n_outputs_), dtype=np.float64)
        self.target_max_ = np.asarray(state.get("target_max_", [np.inf] * self.n_outputs_), dtype=np.float64)
        # files written before loss='log_loss' were fitted with the loss they name
        self.loss_ = state.get("loss_", self.loss)
        values = state.get("target_values_")
        self.target_values_ = None if values is None else np.asarray(values, dtype=np.float64)

    def predict(self, X):
        """Predicted targets, in the units of ``y``; computed in batches of similar length.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when ``y`` was; within ``target_min_`` to ``target_max_`` with
            ``clip_predictions=True``.
        """
        outputs = self._outputs(X).astype(np.float64)
        if self.target_values_ is not None:  # the mean of the predicted distribution over the values
            outputs = (softmax(outputs, axis=1) @ self.target_values_)[:, None]
        else:
            outputs = outputs * self.target_scale_ + self.target_mean_
        if self.clip_predictions:
            outputs = np.clip(outputs, self.target_min_, self.target_max_)
        return outputs[:, 0] if self._one_target else outputs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


@register
@_regressor_doc
class RecurrentTextRegressor(RecurrentArchitecture, BaseTextRegressor):
    """Recurrent neural network text regressor (SimpleRNN, LSTM, GRU): ratings, scores, several targets.

    The network of :class:`~sklearn_rnn.RecurrentTextClassifier` with a
    linear output: embedding, recurrent layers (optionally bidirectional),
    pooling over time, optional dense layers, one output per target, beside
    a linear part on TF-IDF unigrams and bigrams whose outputs are added
    (``ngrams='tfidf'``, see :class:`~sklearn_rnn.RecurrentTextClassifier`). ``y`` is a float array of shape
    ``(n_samples,)`` or ``(n_samples, n_targets)``; it is scaled for training
    (``target_mean_``, ``target_scale_``) and ``predict`` answers in its units.
    ``score`` is R², as for every scikit-learn regressor.

    With ``loss='auto'`` (the default) a single target of few values (star
    ratings) is learnt as a distribution over its values, by cross-entropy as
    a classifier learns, and predicted as that distribution's mean
    (``loss_='log_loss'``); any other target by squared error on the scaled
    values. The n-gram part (``ngram_lr='auto'``) then learns at the
    classifier's rate, {const:NGRAM_LR}, or at a tenth of it,
    {const:NGRAM_LR_SCALED_TARGETS}: at {const:NGRAM_LR} a squared error fits
    the training ratings within the first epoch and early stopping keeps that
    epoch (on IMDB's ratings R² 0.617 against 0.668, seed 0), while the
    cross-entropy at {const:NGRAM_LR_SCALED_TARGETS} scored 0.665 against 0.706.
    The runs are in the user guide's "Ratings and tags".

    Parameters
    ----------
    cell : {'lstm', 'gru', 'rnn'}, default={default:cell}
        The recurrent cell (``'rnn'`` is Keras's SimpleRNN, with tanh).
    bidirectional : bool, default={default:bidirectional}
        Read each document in both directions and concatenate.
    hidden_size : int or tuple of int, default={default:hidden_size}
        Units of the recurrent layer, or one size per stacked layer.
    pooling : {'last', 'max', 'mean', 'attention'}, default={default:pooling}
        How the outputs over time become one vector.
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
    sklearn_rnn.RecurrentTextClassifier : the same network for labels.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_rnn import RecurrentTextRegressor, SequenceVectorizer
    >>> docs = ["awful", "poor film", "fine film", "good film", "great great film"] * 8
    >>> stars = [1.0, 2.0, 3.0, 4.0, 5.0] * 8
    >>> model = make_pipeline(SequenceVectorizer(), RecurrentTextRegressor(
    ...     hidden_size=8, embedding_dim=8, lr=0.02, max_epochs=40, random_state=0)).fit(docs, stars)
    >>> model.predict(["great great film", "awful"]).round().tolist()
    [5.0, 1.0]
    """

    _parameter_constraints = {**BaseTextNetwork._parameter_constraints, **BaseTextRegressor._task_constraints,
                              **RecurrentArchitecture._architecture_constraints}

    @check_keywords
    def __init__(self, *, cell="lstm", bidirectional=True, hidden_size=64, pooling="max", embedding_dim=64,
                 loss="auto", clip_predictions=True, ngrams="tfidf", ngram_buckets="auto", ngram_lr="auto",
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
        self.loss = loss
        self.clip_predictions = clip_predictions
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
@_regressor_doc
class FeedForwardTextRegressor(FeedForwardArchitecture, BaseTextRegressor):
    """Feedforward text regressor: embedding, pooling or flatten, dense layers, one output per target.

    The network of :class:`~sklearn_rnn.FeedForwardTextClassifier` with a
    linear output; targets are scaled as in
    :class:`~sklearn_rnn.RecurrentTextRegressor`.

    Parameters
    ----------
    pooling : {'mean', 'max', 'flatten'}, default={default:pooling}
        ``'flatten'`` concatenates the vectors of all positions, as Keras's
        ``Flatten``; ``'mean'``/``'max'`` pool over the real tokens only.
    embedding_dim : int or None, default={default:embedding_dim}
        Width of the token vectors; None feeds the raw ids to the dense
        layers as numbers.
{task_params}
{training_params}

    Attributes
    ----------
{task_attributes}
{fitted_attributes}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import FeedForwardTextRegressor
    >>> X = np.array([[0, 2, 3], [0, 4, 5]] * 10)
    >>> reg = FeedForwardTextRegressor(embedding_dim=4, dense_layers=(8,), lr=0.05, max_epochs=30, random_state=0)
    >>> reg.fit(X, [1.0, 5.0] * 10).predict([[0, 2, 3]]).round().tolist()
    [1.0]
    """

    _parameter_constraints = {**BaseTextNetwork._parameter_constraints, **BaseTextRegressor._task_constraints,
                              **FeedForwardArchitecture._architecture_constraints}

    @check_keywords
    def __init__(self, *, pooling="mean", embedding_dim=32, loss="squared_error", clip_predictions=True,
                 embedding_weights=None, freeze_embedding=False, word_vectors=None, freeze_word_vectors=False,
                 spatial_dropout=0.0, dropout=0.0, dense_layers=(64,), activation="relu", optimizer="adam",
                 optimizer_params=None, lr=1e-3, lr_schedule="constant", regularizer=None, alpha=1e-3, l1_ratio=0.5,
                 initializer="default", batch_size=64, max_epochs=10, clip_grad_norm=None, early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=3, callbacks=None, checkpoint_dir=None, random_state=None,
                 device="cpu", n_threads=None, precision="float32", verbose=0, warm_start=False):
        self.pooling = pooling
        self.embedding_dim = embedding_dim
        self.loss = loss
        self.clip_predictions = clip_predictions
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
@_regressor_doc
class ConvTextRegressor(ConvArchitecture, BaseTextRegressor):
    """1-D convolutional text regressor, optionally CNN+LSTM/GRU, one output per target.

    The network of :class:`~sklearn_rnn.ConvTextClassifier` with a linear
    output; targets are scaled as in :class:`~sklearn_rnn.RecurrentTextRegressor`.

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
    >>> from sklearn_rnn import ConvTextRegressor
    >>> X = np.array([[0, 2, 3, 6], [0, 4, 5, 6]] * 10)
    >>> reg = ConvTextRegressor(embedding_dim=4, filters=4, kernel_size=2, lr=0.05, max_epochs=30, random_state=0)
    >>> reg.fit(X, [1.0, 5.0] * 10).predict([[0, 4, 5, 6]]).round().tolist()
    [5.0]
    """

    _parameter_constraints = {**BaseTextNetwork._parameter_constraints, **BaseTextRegressor._task_constraints,
                              **ConvArchitecture._architecture_constraints}

    @check_keywords
    def __init__(self, *, filters=128, kernel_size=3, cell=None, hidden_size=64, embedding_dim=128,
                 loss="squared_error", clip_predictions=True, embedding_weights=None, freeze_embedding=False,
                 word_vectors=None, freeze_word_vectors=False, spatial_dropout=0.0, dropout=0.0, dense_layers=(),
                 activation="relu", optimizer="adam", optimizer_params=None, lr=1e-3, lr_schedule="constant",
                 regularizer=None, alpha=1e-3, l1_ratio=0.5, initializer="default", batch_size=64, max_epochs=10,
                 clip_grad_norm=None, early_stopping=False, validation_fraction=0.1, n_iter_no_change=3, callbacks=None,
                 checkpoint_dir=None, random_state=None, device="cpu", n_threads=None, precision="float32", verbose=0,
                 warm_start=False):
        self.filters = filters
        self.kernel_size = kernel_size
        self.cell = cell
        self.hidden_size = hidden_size
        self.embedding_dim = embedding_dim
        self.loss = loss
        self.clip_predictions = clip_predictions
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

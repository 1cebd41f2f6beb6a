"""The estimator base shared by every text classifier of the package.

A subclass declares its own architecture parameters and builds its torch
module in ``_module_params``; everything else lives here: validation, label
encoding, the train/validation split, building and fitting the skorch net,
and length-sorted inference.
"""

import inspect
import os
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, check_non_negative, validate_data
from skorch import NeuralNetClassifier
from skorch.callbacks import Callback, EarlyStopping, EpochScoring, GradientNormClipping, PassthroughScoring
from skorch.callbacks import PrintLog, ProgressBar
from skorch.dataset import unpack_data
from skorch.helper import predefined_split

from ._config import runtime
from ._hardware import resolve_precision
from ._validation import (
    InvalidParameterError,
    Interval,
    Options,
    ParameterCheckMixin,
    Sizes,
    Subclass,
    validate_parameters,
)
from .modules.head import ACTIVATIONS
from .regularization import INITIALIZERS, REGULARIZERS, initialize_weights, penalized_weights, weight_penalty
from .text import TokenIds
from .training import ID_DTYPES, BucketBatchIterator, SequenceDataset, SortedBatchIterator

__all__ = ["BaseTextClassifier"]

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
    "sgd": torch.optim.SGD,
    "adagrad": torch.optim.Adagrad,
}
# Defaults for the named optimizers; ``optimizer_params`` wins.
# - rmsprop: Keras's rho=0.9, epsilon=1e-7 (torch's are 0.99, 1e-8), which the
#   notebooks rely on.
# - fused/foreach: one kernel for all parameters instead of a Python loop
#   (figures in docs/performance.md); the update is the same up to rounding.
_OPTIMIZER_DEFAULTS = {
    "adam": {"fused": True},
    "adamw": {"fused": True},
    "sgd": {"fused": True},
    "adagrad": {"fused": True},
    "rmsprop": {"alpha": 0.9, "eps": 1e-7, "foreach": True},
}


class _TextNet(NeuralNetClassifier):
    """skorch net that weights the loss per sample, adds the weight penalty to
    the training loss (recording it apart), and can run the module under
    bfloat16 autocast.

    Private: estimators hold one as ``net_``; users never build it. The
    criterion returns one loss per row (``reduction='none'``); the batch loss
    is ``sum(sample_weight * class_weight * loss) / sum(class_weight)``, which
    is the plain (class-weighted) mean when every sample weight is 1.
    """

    def __init__(self, *args, penalty=None, autocast_bf16=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.penalty = penalty
        self.autocast_bf16 = autocast_bf16

    def infer(self, x, **fit_params):
        x = {k: v for k, v in x.items() if k != "sample_weight"}
        if not self.autocast_bf16:
            return super().infer(x, **fit_params)
        device_type = "cuda" if str(self.device).startswith("cuda") else "cpu"
        with torch.autocast(device_type, dtype=torch.bfloat16):
            logits = super().infer(x, **fit_params)
        return logits.float()  # the loss and probabilities are computed in float32

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = y_true.to(y_pred.device)
        losses = self.criterion_(y_pred, y_true)
        class_weight = self.criterion_.weight
        total = class_weight[y_true].sum() if class_weight is not None else losses.new_tensor(len(y_true))
        if isinstance(X, dict) and "sample_weight" in X:
            losses = losses * X["sample_weight"].to(losses.device)
        return losses.sum() / total

    def train_step_single(self, batch, **fit_params):
        # As skorch's, but the penalty joins the loss only for the gradient:
        # ``train_loss`` stays the data loss, comparable with ``valid_loss``.
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        y_pred = self.infer(Xi, **fit_params)
        loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        objective = loss
        if self.penalty is not None:
            penalty = self.penalty(self.module_)
            objective = loss + penalty
            self.history.record_batch("train_penalty", float(penalty.detach()))
        if not torch.isfinite(objective.detach()):
            # Before backward and the optimizer step: the weights stay those of the last good step.
            epoch, batches = len(self.history), len(self.history[-1, "batches"])
            raise FloatingPointError(
                f"The training loss became {float(objective.detach())} at epoch {epoch}, batch {batches}; "
                "training stopped and the weights are those before that step. Lower lr, set "
                "clip_grad_norm, or look for extreme values in the inputs."
            )
        objective.backward()
        return {"loss": loss, "y_pred": y_pred}

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        # skorch's partial_fit swallows a KeyboardInterrupt; note it, so that
        # the estimator can say so and restore the best weights.
        self.interrupted_ = False
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        except KeyboardInterrupt:
            self.interrupted_ = True
            raise


class _BestWeights(Callback):
    """Keeps a copy of the weights of the best epoch so far (lowest valid or train loss),
    and saves the estimator to ``checkpoint`` (safe format) whenever that improves."""

    def __init__(self, monitor, estimator=None, checkpoint=None):
        self.monitor, self.estimator, self.checkpoint = monitor, estimator, checkpoint

    def initialize(self):
        self.best_score_, self.best_epoch_, self.best_state_ = np.inf, None, None
        return self

    def on_epoch_end(self, net, **kwargs):
        score = net.history[-1].get(self.monitor)
        if score is None or not score < self.best_score_:  # partial_fit after a fit has no valid_loss
            return
        self.best_score_, self.best_epoch_ = score, net.history[-1, "epoch"]
        self.best_state_ = {k: v.detach().clone() for k, v in net.module_.state_dict().items()}
        if self.checkpoint is not None:
            from .persistence import save

            self.estimator.history_ = self.estimator._history_frame()
            save(self.estimator, self.checkpoint)

    def __getstate__(self):  # a pickled net keeps no copy of old weights nor the estimator
        return {**self.__dict__, "best_state_": None, "estimator": None}


class _OneCycle(Callback):
    """One-cycle learning rate over the fit's epochs, set before every training batch.

    The rate rises from ``lr / 25`` to ``lr`` along a half cosine over the
    first 30% of the steps, then falls along a half cosine to ``lr / 1e4``
    (the shape of :class:`torch.optim.lr_scheduler.OneCycleLR`). The count of
    steps is the training call's epochs (``epochs``, set by the estimator for
    each call; the net's ``max_epochs`` when None) times its training
    batches; each ``fit`` or ``warm_start`` call runs a whole cycle.
    """

    def __init__(self, pct_start=0.3, div_factor=25.0, final_div_factor=1e4, epochs=None):
        self.pct_start, self.div_factor, self.final_div_factor = pct_start, div_factor, final_div_factor
        self.epochs = epochs

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        batches = -(-len(X) // net.batch_size)
        self.total_ = max(1, batches * (self.epochs or net.max_epochs))
        self.step_, self.lr_ = 0, net.lr

    def rate(self, step):
        """The rate at ``step`` (0-based) of the cycle."""
        peak = self.lr_
        start, end = peak / self.div_factor, peak / self.div_factor / self.final_div_factor
        progress = min(step / max(1, self.total_ - 1), 1.0)
        if progress < self.pct_start:
            return start + (peak - start) * (1 - np.cos(np.pi * progress / self.pct_start)) / 2
        down = (progress - self.pct_start) / (1 - self.pct_start)
        return end + (peak - end) * (1 + np.cos(np.pi * down)) / 2

    def on_batch_begin(self, net, training=False, **kwargs):
        if not training:
            return
        rate = self.rate(self.step_)
        for group in net.optimizer_.param_groups:
            group["lr"] = rate
        self.step_ += 1


def _discard(*args, **kwargs):
    """A sink for skorch messages; module-level so that fitted nets pickle."""


class _Penalty:
    """Picklable penalty callable: regularizer applied to the covered weights."""

    def __init__(self, regularizer, alpha, l1_ratio):
        self.regularizer, self.alpha, self.l1_ratio = regularizer, alpha, l1_ratio

    def __call__(self, module):
        return weight_penalty(penalized_weights(module), self.regularizer, self.alpha, self.l1_ratio)


def _check_whole_numbers(X):
    """Token ids are whole numbers: reject real-valued features and text before they are cast."""
    try:
        values = X if isinstance(X, np.ndarray) else np.asarray(X)
    except (TypeError, ValueError):
        return  # ragged or odd input: validate_data explains
    if values.dtype.kind in "USO" and any(isinstance(v, (str, bytes)) for v in values.flat[:1000]):
        raise ValueError("X holds text; the classifiers take token ids. Put a SequenceVectorizer in front: "
                         "make_pipeline(SequenceVectorizer(), RecurrentTextClassifier()).")
    if values.dtype.kind == "f" and np.isfinite(values).all():  # NaN and inf: validate_data says so
        bad = np.argwhere(values != np.round(values))
        if len(bad):
            index = tuple(int(i) for i in bad[0])
            where = f"row {index[0]}" + (f", column {index[1]}" if len(index) > 1 else "")
            raise ValueError(
                f"X holds {float(values[index]):g} at {where}, which is not a token id: the classifiers take "
                "whole-number ids from SequenceVectorizer, not TF-IDF or other real-valued features."
            )


def _check_labels(y):
    values = np.asarray(y)
    if values.dtype.kind == "f" and np.isnan(values).any():
        raise ValueError(f"y holds NaN labels (first at row {int(np.flatnonzero(np.isnan(values))[0])}); "
                         "drop those rows or give them a label.")


def _check_sample_weight(sample_weight, n_samples):
    """Float64 weights of shape (n_samples,), finite, non-negative, not all zero."""
    if sample_weight is None:
        return None
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"sample_weight must be an array of numbers, got {type(sample_weight).__name__}.") from None
    if weights.ndim == 0:
        weights = np.full(n_samples, float(weights))
    if weights.shape != (n_samples,):
        raise ValueError(f"sample_weight must have shape ({n_samples},) like y, got {weights.shape}.")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("sample_weight must hold finite, non-negative numbers.")
    if not weights.any():
        raise ValueError("sample_weight is zero for every sample: there is nothing to learn from.")
    return weights


class BaseTextClassifier(ClassifierMixin, ParameterCheckMixin, BaseEstimator):
    """Shared training machinery; see the public classifiers for the docs.

    Subclasses set ``_module_class``, declare their ``__init__`` with
    :func:`~sklearn_rnn._validation.check_keywords`, and implement
    ``_module_params``.
    """

    _module_class = None

    _parameter_constraints: dict = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "embedding_weights": ["array-like", None],
        "freeze_embedding": ["boolean"],
        "spatial_dropout": [Interval(Real, 0, 1, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dense_layers": [Sizes(allow_empty=True)],
        "activation": [Options(ACTIVATIONS)],
        "optimizer": [Options(OPTIMIZERS), Subclass(torch.optim.Optimizer, "a torch.optim.Optimizer subclass")],
        "optimizer_params": ["dict", None],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "lr_schedule": [Options({"constant", "onecycle"})],
        "regularizer": [Options(REGULARIZERS), "callable", None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "initializer": [Options({"default", *INITIALIZERS}), "callable"],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "class_weight": [Options({"balanced"}), "dict", None],
        "callbacks": ["list", None],
        "checkpoint_dir": ["str", "path", None],
        "random_state": ["random_state"],
        "device": [Options({"cpu", "cuda", "auto"})],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "precision": [Options({"float32", "bfloat16"})],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    # ------------------------------------------------------------------ data
    def _validate_ids(self, X, y="no_validation", reset=True):
        """Validate token ids (and ``y`` when given), as ``fit`` and ``predict`` need.

        Returns the validated ids (and ``y``) and, when ``X`` came from a
        :class:`~sklearn_rnn.SequenceVectorizer`, the :class:`TokenIds` that
        describes its id space (else None).
        """
        source = X if isinstance(X, TokenIds) and X.n_tokens is not None else None
        _check_whole_numbers(X)
        if not isinstance(y, str):
            _check_labels(y)
        # Signed integer ids keep their dtype (int32 from the vectorizer): no int64 copy of the
        # whole matrix is made; batches are cast when they are taken (SequenceDataset).
        out = validate_data(self, X, y, dtype=list(ID_DTYPES), reset=reset, ensure_min_features=1)
        X = out[0] if isinstance(out, tuple) else out
        check_non_negative(X, f"{type(self).__name__} (token ids in X)")
        if source is not None and X.shape[1] != source.width:
            raise ValueError(
                f"X has {X.shape[1]} columns but the SequenceVectorizer wrote {source.width} columns of token "
                "ids: the other columns (a numeric column joined by a ColumnTransformer, say) would be read as "
                f"token ids. Give {type(self).__name__} the vectorizer's output alone."
            )
        return out, source

    def _check_id_space(self, X, source):
        """Ids must lie in the id space of the fit, and come from the same vocabulary."""
        fitted = getattr(self, "vocabulary_fingerprint_", None)
        if source is not None and fitted is not None and source.fingerprint != fitted:
            raise ValueError(
                f"X holds ids from another vocabulary than the one {type(self).__name__} was fitted on: the "
                "SequenceVectorizer was refitted on other documents, so the ids now name other words. Transform "
                "new documents with the vectorizer of the first fit, or fit both again from scratch."
            )
        largest = int(X.max(initial=0))
        if largest >= self.n_tokens_:
            raise ValueError(
                f"X holds the id {largest}, but {type(self).__name__} was fitted on ids below {self.n_tokens_} "
                "(n_tokens_). Ids come from the SequenceVectorizer of the fit; a larger one is from another "
                "vocabulary, or not a token id at all."
            )

    def _dataset(self, X, y=None, sample_weight=None):
        return SequenceDataset.from_ids(X, y, sample_weight=sample_weight, min_width=self._min_width())

    def _split(self, dataset, y, seed):
        # The validation rows of the last split (None without one), for steps after the net's training.
        self._valid_rows = None
        if self.validation_fraction == 0:
            return dataset, None
        n_valid = int(np.ceil(self.validation_fraction * len(y)))
        if n_valid < 1 or len(y) - n_valid < 1:
            return dataset, None
        # Stratify when each class can have a row on both sides.
        can_stratify = (np.bincount(y).min(initial=len(y)) >= 2 and n_valid >= self.n_classes_
                        and len(y) - n_valid >= self.n_classes_)
        stratify = y if can_stratify else None
        train_idx, valid_idx = train_test_split(
            np.arange(len(y)), test_size=n_valid, random_state=seed, stratify=stratify
        )
        self._valid_rows = valid_idx
        return dataset.subset(np.sort(train_idx)), self._valid_set(dataset, valid_idx)

    @staticmethod
    def _valid_set(dataset, rows):
        """The ``rows`` of ``dataset`` sorted by length, so that the validation pass wastes no work on padding."""
        valid = dataset.subset(rows)
        return valid.subset(np.argsort(valid.lengths.numpy(), kind="stable"))

    # --------------------------------------------------------------- building
    def _module_params(self, device):  # pragma: no cover - abstract
        """Keyword arguments of ``_module_class`` for the resolved ``device``."""
        raise NotImplementedError

    def _shared_module_params(self):
        """Module arguments every classifier shares; sizes come from the data."""
        return {
            "n_tokens": self.n_tokens_,
            "n_classes": self.n_classes_,
            "embedding_dim": self.embedding_dim,
            "spatial_dropout": self.spatial_dropout,
            "dropout": self.dropout,
            "dense_layers": tuple(self.dense_layers),
            "activation": self.activation,
            "embedding_weights": self._starting_embedding(),
            "freeze_embedding": self.freeze_embedding,
        }

    def _starting_embedding(self):
        """``embedding_weights``, or the vectors a semi-supervised fit pretrained."""
        pretrained = getattr(self, "_pretrained_weights", None)
        return pretrained if pretrained is not None else self.embedding_weights

    def _min_width(self):
        """Fewest columns a batch is trimmed to (a convolution needs its width)."""
        return 1

    def _resolve_device(self):
        if self.device == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        if self.device == "cuda" and not torch.cuda.is_available():
            raise ValueError("device='cuda' but torch finds no CUDA device; use 'cpu' or 'auto'.")
        return self.device

    def _optimizer(self):
        """The optimizer class and its keyword arguments, checked against its signature."""
        optimizer = OPTIMIZERS.get(self.optimizer, self.optimizer)
        defaults = _OPTIMIZER_DEFAULTS.get(self.optimizer, {}) if isinstance(self.optimizer, str) else {}
        params = {**defaults, **(self.optimizer_params or {})}
        accepted = set(inspect.signature(optimizer).parameters) - {"self", "params", "lr"}
        unknown = sorted(set(params) - accepted, key=str)
        if unknown:
            hint = " (use the lr parameter)" if "lr" in unknown else ""
            raise InvalidParameterError(
                f"optimizer_params names {unknown}, which {optimizer.__name__} does not take{hint}; "
                f"it takes {sorted(accepted)}."
            )
        return optimizer, params

    def _callbacks(self, has_valid, stopping=True):
        callbacks = [("train_acc", EpochScoring("accuracy", on_train=True, name="train_acc", lower_is_better=False))]
        if self.regularizer is not None:
            callbacks.append(("train_penalty", PassthroughScoring("train_penalty", on_train=True)))
        checkpoint = None
        if self.checkpoint_dir is not None:
            from .persistence import check_savable

            check_savable(self)  # before any training: checkpoints use the safe format
            os.makedirs(self.checkpoint_dir, exist_ok=True)
            checkpoint = os.path.join(self.checkpoint_dir, "checkpoint.safetensors")
        callbacks.append(("best_weights", _BestWeights("valid_loss" if has_valid else "train_loss", self,
                                                       checkpoint)))
        if self.early_stopping and stopping:
            monitor = "valid_loss" if has_valid else "train_loss"
            callbacks.append(("early_stopping", EarlyStopping(monitor=monitor, patience=self.n_iter_no_change,
                                                              load_best=True, sink=_discard)))
        if self.lr_schedule == "onecycle":
            callbacks.append(("lr_schedule", _OneCycle()))
        if self.clip_grad_norm is not None:
            callbacks.append(("clip_grad_norm", GradientNormClipping(self.clip_grad_norm)))
        if self.verbose:
            callbacks.append(("progress_bar", ProgressBar()))
        return callbacks + list(self.callbacks or [])

    def _build_net(self, valid, seed, device, precision, class_weight, stopping=True):
        """The skorch net, not yet initialized; ``class_weight`` is a weight per encoded class or None."""
        optimizer, optimizer_params = self._optimizer()
        penalty = None if self.regularizer is None else _Penalty(self.regularizer, self.alpha, self.l1_ratio)
        net_params = {f"module__{k}": v for k, v in self._module_params(device).items()}
        net_params.update({f"optimizer__{k}": v for k, v in optimizer_params.items()})
        if class_weight is not None:
            net_params["criterion__weight"] = torch.as_tensor(class_weight, dtype=torch.float32)
        return _TextNet(
            module=self._module_class,
            criterion=torch.nn.CrossEntropyLoss,
            criterion__reduction="none",
            optimizer=optimizer,
            lr=self.lr,
            max_epochs=self._max_epochs(),
            batch_size=self.batch_size,
            iterator_train=BucketBatchIterator,
            iterator_train__shuffle=True,
            iterator_train__random_state=np.random.RandomState(seed),
            iterator_valid=SortedBatchIterator,
            train_split=None if valid is None else predefined_split(valid),
            callbacks=self._callbacks(valid is not None, stopping),
            callbacks__print_log=PrintLog if self.verbose else None,
            classes=np.arange(self.n_classes_),
            device=device,
            penalty=penalty,
            autocast_bf16=precision == "bfloat16",
            verbose=int(self.verbose),
            **net_params,
        )

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

    # -------------------------------------------------------------------- fit
    def fit(self, X, y, sample_weight=None):
        """Fit the network on token-id sequences.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Non-negative integer token ids as produced by
            :class:`~sklearn_rnn.SequenceVectorizer`; 0 is padding wherever it
            stands and ids not seen during the first fit are treated as OOV (1).
        y : array-like of shape (n_samples,)
            Labels of any type (strings too).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample's loss, training and validation alike; None
            weighs every sample 1. Inside a ``Pipeline`` pass it as
            ``clf__sample_weight``; inside ``GridSearchCV`` enable metadata
            routing and call ``set_fit_request(sample_weight=True)``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        warm, train, valid, seed, class_weight = self._setup(X, y, sample_weight)
        return self._train_net(train, valid, seed, class_weight, warm)

    def _train_net(self, train, valid, seed, class_weight, warm=False, epochs=None, patience=None):
        """Train ``net_`` on the datasets ``train`` and ``valid`` (or None): a new net, or the fitted one
        for ``warm``, for ``epochs`` (``max_epochs`` if None) with early stopping's ``patience``
        (``n_iter_no_change`` if None); then keep the best weights after an interrupt and record
        ``history_``."""
        # torch's generator is seeded only for a given random_state; otherwise
        # the fit draws from it as any torch code would.
        torch_seed = None if self.random_state is None else seed
        epochs = epochs or self._max_epochs()
        with runtime(self.n_threads, seed=torch_seed, training=True):
            if warm:
                self.net_.set_params(train_split=None if valid is None else predefined_split(valid))
            else:
                self._new_net(valid, seed, class_weight)
                stopping = dict(self.net_.callbacks_).get("early_stopping")
                if patience is not None and stopping is not None:
                    stopping.patience = patience
            schedule = dict(self.net_.callbacks_).get("lr_schedule")
            if schedule is not None:  # the one-cycle spans this call's epochs, not the net's max_epochs
                schedule.epochs = epochs
            # partial_fit, not fit: fit would initialize the module again.
            self.net_.partial_fit(train, None, epochs=epochs)
        if self._user_interrupted():
            self._keep_best_after_interrupt()
        self.history_ = self._history_frame()
        return self

    def _max_epochs(self):
        """``max_epochs`` as a number of epochs (a subclass may resolve an ``'auto'``)."""
        return self.max_epochs

    def _user_interrupted(self):
        """Whether the last training of ``net_`` ended at a KeyboardInterrupt of the user's (skorch's
        EarlyStopping ends training by raising KeyboardInterrupt too: that one does not count)."""
        early_stop = dict(self.net_.callbacks_).get("early_stopping")
        stopped_early = early_stop is not None and early_stop.misses_ >= early_stop.patience
        return getattr(self.net_, "interrupted_", False) and not stopped_early

    def _setup(self, X, y, sample_weight=None):
        """Validate parameters and data, encode labels, split off the validation set.

        Returns ``(warm, train, valid, seed, class_weight)``: whether the fit
        continues the current net, the two datasets (``valid`` may be None),
        the seed of this fit, and the weight per encoded class (or None).
        """
        validate_parameters(self)
        warm = self.warm_start and hasattr(self, "net_")
        (X, y), source = self._validate_ids(X, y, reset=not warm)
        sample_weight = _check_sample_weight(sample_weight, len(y))
        check_classification_targets(y)
        if warm:
            self._check_known_labels(y, "not seen in the first fit (warm_start)")
            self._check_id_space(X, source)
        else:
            self._start(y, X, source)
        y_enc = self._encoder.transform(y)
        if self.n_classes_ < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 classes in y, got 1 class: "
                             f"{self.classes_.tolist()}.")
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        dataset = self._dataset(X, y_enc, sample_weight)
        train, valid = self._split(dataset, y_enc, seed)
        return warm, train, valid, seed, self._class_weights(y_enc)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One pass over a chunk of data, in scikit-learn's out-of-core convention.

        Each call trains one epoch on ``(X, y)`` alone, so a corpus larger than
        memory is learnt chunk by chunk (see
        :func:`~sklearn_rnn.datasets.load_fasttext` with ``chunksize``). As
        with :class:`~sklearn.linear_model.SGDClassifier`, ``classes`` is
        required on the first call. The id space is fixed by the first call:
        give every chunk the output of one fitted
        :class:`~sklearn_rnn.SequenceVectorizer` (fit it on a sample, or pass
        it a ``vocabulary``). ``partial_fit`` never holds out a validation
        set and never stops early; ``max_epochs``, ``early_stopping`` and
        ``validation_fraction`` apply to :meth:`fit` only. A call after
        :meth:`fit` goes on training the fitted net; :meth:`fit` after
        ``partial_fit`` starts again (unless ``warm_start``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids of the chunk.
        y : array-like of shape (n_samples,)
            Labels of the chunk; each must be one of ``classes``.
        classes : array-like of shape (n_classes,), default=None
            Every label the stream holds. Required on the first call; on
            later calls it may be given again and must be the same.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample's loss.

        Returns
        -------
        self : object
            The estimator, trained one more epoch.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_rnn import RecurrentTextClassifier
        >>> rng = np.random.RandomState(0)
        >>> clf = RecurrentTextClassifier(hidden_size=8, embedding_dim=8, random_state=0)
        >>> for _ in range(3):
        ...     X = rng.randint(1, 20, size=(32, 6))
        ...     clf = clf.partial_fit(X, (X == 5).any(axis=1), classes=[False, True])
        >>> len(clf.history_), clf.classes_.tolist()
        (3, [False, True])
        """
        validate_parameters(self)
        first = not hasattr(self, "net_")
        if first and classes is None:
            raise ValueError(f"classes must be passed on the first call to {type(self).__name__}.partial_fit: "
                             "every label of the stream, since a chunk may not hold them all.")
        if self.class_weight == "balanced":
            raise ValueError("class_weight='balanced' needs every label at once and is not supported by "
                             "partial_fit; pass a dict, for example from sklearn.utils.class_weight."
                             "compute_class_weight('balanced', classes=classes, y=y_sample).")
        (X, y), source = self._validate_ids(X, y, reset=first)
        sample_weight = _check_sample_weight(sample_weight, len(y))
        check_classification_targets(y)
        if classes is not None:
            classes = np.unique(np.asarray(classes))
            if not first and not np.array_equal(classes, self.classes_):
                raise ValueError(f"classes={classes.tolist()} differs from the classes of the first call, "
                                 f"{self.classes_.tolist()}.")
        if first:
            self._start(classes, X, source)
            if self.n_classes_ < 2:
                raise ValueError(f"classes must hold at least 2 labels, got {self.classes_.tolist()}.")
            self._partial_calls = 0
        else:
            self._check_id_space(X, source)
        self._check_known_labels(y, f"that are not in classes {self.classes_.tolist()}")
        y_enc = self._encoder.transform(y)
        # Each call draws its own batch order and dropout masks, reproducibly from random_state.
        self._partial_calls = getattr(self, "_partial_calls", 0) + 1
        seed = (check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
                + self._partial_calls) % np.iinfo(np.int32).max
        torch_seed = None if self.random_state is None else seed
        dataset = self._dataset(X, y_enc, sample_weight)
        with runtime(self.n_threads, seed=torch_seed, training=True):
            if first:
                self._new_net(None, seed, self._class_weights(y_enc), stopping=False)
                self.net_.partial_fit(dataset, None, epochs=1)
            else:
                # After fit: no validation set, and fit's early stopping is off for this pass only.
                self.net_.set_params(train_split=None)
                kept = self.net_.callbacks_
                self.net_.callbacks_ = [(name, cb) for name, cb in kept if name != "early_stopping"]
                try:
                    self.net_.partial_fit(dataset, None, epochs=1)
                finally:
                    self.net_.callbacks_ = kept
        if getattr(self.net_, "interrupted_", False):
            self._keep_best_after_interrupt()
        self.history_ = self._history_frame()
        return self

    def _start(self, labels, X, source):
        """Fix what a first fit (or first ``partial_fit``) decides: the classes and the id space."""
        self._encoder = LabelEncoder().fit(labels)
        self.classes_ = self._encoder.classes_
        self.n_classes_ = len(self.classes_)
        self.n_tokens_ = self._n_tokens(X, source)
        self.vocabulary_fingerprint_ = None if source is None else source.fingerprint

    def _check_known_labels(self, y, why):
        """Labels of a later fit must be classes of the first; ``why`` ends the message."""
        unseen = set(np.unique(y).tolist()) - set(self.classes_.tolist())
        if unseen:
            raise ValueError(f"y holds labels {sorted(unseen, key=str)} {why}.")

    def _new_net(self, valid, seed, class_weight, stopping=True):
        """Build and initialize ``net_`` (inside the fit's runtime block: initialization draws from torch's RNG)."""
        device = self._resolve_device()
        self.precision_ = resolve_precision(self.precision, device, type(self).__name__)
        self.net_ = self._build_net(valid, seed, device, self.precision_, class_weight, stopping)
        self.net_.initialize()
        if self.initializer != "default":
            initialize_weights(self.net_.module_, self.initializer)

    def _keep_best_after_interrupt(self):
        best = dict(self.net_.callbacks_)["best_weights"]
        done = [row["epoch"] for row in self.net_.history if "train_loss" in row]
        if best.best_state_ is not None:
            self.net_.module_.load_state_dict(best.best_state_)
            kept = f"the weights of epoch {best.best_epoch_}, the best {best.monitor} so far,"
        else:
            kept = "the weights of the unfinished first epoch"
        warnings.warn(f"fit was interrupted (KeyboardInterrupt) after {len(done)} complete epoch(s); "
                      f"{type(self).__name__} keeps {kept} and can predict.", UserWarning, stacklevel=3)

    def _n_tokens(self, X, source):
        # A semi-supervised fit's unlabelled rows (self-training) share the id space of the labelled ones.
        n_tokens = max(int(X.max(initial=0)) + 1, getattr(self, "_largest_unlabelled_id", 0) + 1, 2)
        if source is not None:
            if n_tokens > source.n_tokens:
                raise ValueError(f"X holds the id {n_tokens - 1}, outside the vectorizer's id space of "
                                 f"{source.n_tokens} ids.")
            n_tokens = source.n_tokens
        weights = self._starting_embedding()
        if weights is not None:
            if self.embedding_dim is None:
                raise ValueError("embedding_weights needs an embedding: set embedding_dim.")
            weights = np.asarray(weights)
            if weights.ndim != 2 or weights.shape[1] != self.embedding_dim:
                raise ValueError(f"embedding_weights must have shape (n_tokens, embedding_dim={self.embedding_dim}), "
                                 f"got {weights.shape}.")
            if weights.shape[0] < n_tokens:
                raise ValueError(f"embedding_weights has {weights.shape[0]} rows but X holds id {n_tokens - 1}.")
            n_tokens = weights.shape[0]
        return n_tokens

    def _history_frame(self):
        keys = ["epoch", "train_loss", "train_penalty", "train_acc", "valid_loss", "valid_acc", "dur"]
        # An epoch cut short (by an interrupt) has no train_loss: it is left out.
        rows = [{k: row[k] for k in keys if k in row} for row in self.net_.history if "train_loss" in row]
        frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["epoch", "train_loss"])
        return frame.set_index("epoch")

    # --------------------------------------------------------------- predict
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
            Rows sum to 1; columns follow ``classes_``.
        """
        check_is_fitted(self, "net_")
        X, source = self._validate_ids(X, reset=False)
        self._check_id_space(X, source)
        return self._combine_proba(X, self._network_proba(X))

    def _network_proba(self, X):
        """The network's class probabilities for validated ids ``X`` (or their dataset), in the order of ``X``."""
        dataset = X if isinstance(X, SequenceDataset) else self._dataset(X)
        order = np.argsort(dataset.lengths.numpy(), kind="stable")
        with runtime(self.n_threads):
            logits = self.net_.forward(dataset.subset(order), training=False, device="cpu")
        proba = np.empty((len(order), self.n_classes_), dtype=np.float32)
        proba[order] = torch.softmax(logits.float(), dim=1).numpy()
        return proba

    def _combine_proba(self, X, proba):
        """The final probabilities from the network's ``proba`` for the validated ids ``X``: a hook
        for a subclass that averages the network with another model; the network's own here."""
        return proba

    def predict(self, X):
        """Predicted labels, of the same type as the labels seen in ``fit``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids.

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)  # checks fitting before classes_ is read
        return self.classes_[np.argmax(proba, axis=1)]

    # ---------------------------------------------------------------- summary
    @property
    def layer_parameters_(self):
        """Parameters per layer, like Keras's ``model.summary()``.

        Returns
        -------
        pandas.DataFrame
            One row per leaf layer: ``layer``, ``type``, ``parameters`` and
            ``trainable``.
        """
        check_is_fitted(self, "net_")
        rows = []
        for name, layer in self.net_.module_.named_modules():
            own = list(layer.parameters(recurse=False))
            if not own:
                continue
            rows.append({
                "layer": name,
                "type": type(layer).__name__,
                "parameters": sum(p.numel() for p in own),
                "trainable": sum(p.numel() for p in own if p.requires_grad),
            })
        return pd.DataFrame(rows)

    @property
    def n_parameters_(self):
        """Total number of parameters of the fitted network (int)."""
        return int(self.layer_parameters_["parameters"].sum())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.input_tags.categorical = True  # token ids
        tags.non_deterministic = self.random_state is None
        return tags

"""The base of every network estimator: parameters, fit, partial_fit and batched inference.

A network estimator is a task (classification in :mod:`sklearn_rnn.classifiers`,
regression in :mod:`sklearn_rnn.regressors`) on an architecture
(:mod:`sklearn_rnn._architectures`). The task encodes ``y`` and turns the
network's outputs into predictions; the architecture names the torch module
and its arguments. This base validates, splits the validation rows, and trains
through one method, :meth:`BaseTextNetwork._fit_network`, whose inputs are its
arguments and whose result is its return value.

The hooks a task implements: ``_fit_targets``, ``_encode_targets``,
``_warm_targets`` (by default ``_encode_targets``), ``_n_outputs``,
``_criterion``, ``_metric``, ``_stratify_by`` and ``_class_weights``. The
hooks an architecture implements: ``_module_class``, ``_module_params`` and,
where it needs them, ``_min_width`` and ``_fit_architecture``.
"""

import copy
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import EarlyStopping, PassthroughScoring, PrintLog, ProgressBar
from skorch.helper import predefined_split
from skorch.history import History

from . import persistence
from ._config import runtime
from ._hardware import resolve_precision
from ._inputs import IdSpaceMixin, check_sample_weight, n_rows, validation_split
from ._net import (OPTIMIZERS, BestWeights, DenseGradientClipping, EpochMetric, OneCycle, Penalty, TextNet, discard,
                   optimizer_and_params)
from ._warnings import warn
from ._validation import Interval, Options, ParameterCheckMixin, Sizes, Subclass, validate_parameters
from .datasets._vectors import get_word_vectors, vectors_constraint
from .text import vocabulary_of
from .modules.head import ACTIVATIONS
from .regularization import INITIALIZERS, REGULARIZERS, initialize_weights
from .training import BucketBatchIterator, SequenceDataset, SortedBatchIterator

__all__ = ["AUTO_MAX_EPOCHS", "AUTO_MAX_EPOCHS_CAP", "AUTO_MIN_STEPS", "BaseTextNetwork", "NetworkFit",
           "WORD_VECTORS_STD"]

#: ``word_vectors`` rows are scaled to this standard deviation (over the found words' entries)
#: before training: GloVe 6B 50d's own is 0.64, a random embedding's 0.03; on AG News 1.0 and
#: 2.0 gave the same, 0.3 and 0.1 less (docs/word_vectors.md).
WORD_VECTORS_STD = 1.0


#: ``max_epochs='auto'`` trains ``AUTO_MAX_EPOCHS`` epochs, or as many as make ``AUTO_MIN_STEPS``
#: optimizer steps when that is more (few rows make few steps per epoch), at most
#: ``AUTO_MAX_EPOCHS_CAP``; early stopping's patience grows by the same factor. The runs behind the
#: figures are in docs/accuracy.md and docs/semi_supervised.md.
AUTO_MAX_EPOCHS = 5
AUTO_MIN_STEPS = 600
AUTO_MAX_EPOCHS_CAP = 40


class NetworkFit(NamedTuple):
    """What :meth:`BaseTextNetwork._fit_network` returns."""

    net: TextNet
    history: pd.DataFrame
    interrupted: bool


def history_frame(history):
    """A skorch history as one row per complete epoch (an epoch cut short by an interrupt is left out)."""
    keys = ["epoch", "train_loss", "train_penalty", "train_acc", "valid_loss", "valid_acc", "dur"]
    rows = [{k: row[k] for k in keys if k in row} for row in history if "train_loss" in row]
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["epoch", "train_loss"])
    return frame.set_index("epoch")


def _check_validation_data(validation_data):
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        raise ValueError("validation_data must be (X_val, y_val) or (X_val, y_val, sample_weight_val), as in "
                         f"Keras's fit; got {type(validation_data).__name__}.")
    X_val, y_val, *rest = validation_data
    return X_val, y_val, (rest[0] if rest else None)


class BaseTextNetwork(IdSpaceMixin, ParameterCheckMixin, BaseEstimator):
    """Shared training machinery of the network estimators; see the public estimators for the docs."""

    _module_class = None

    _parameter_constraints: dict = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "embedding_weights": ["array-like", None],
        "freeze_embedding": ["boolean"],
        "word_vectors": vectors_constraint(),
        "freeze_word_vectors": ["boolean"],
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
        "max_epochs": [Interval(Integral, 1, None, closed="left"), Options({"auto"})],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "callbacks": ["list", None],
        "checkpoint_dir": ["str", "path", None],
        "random_state": ["random_state"],
        "device": [Options({"cpu", "cuda", "auto"})],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "precision": [Options({"float32", "bfloat16"})],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    # ------------------------------------------------------------------- fit
    def fit(self, X, y, sample_weight=None, validation_data=None):
        """Fit the network on token-id sequences.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Non-negative integer token ids as produced by
            :class:`~sklearn_rnn.SequenceVectorizer`; 0 is padding wherever it
            stands. Ids must lie in the id space of the first fit.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets: see the estimator's description.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample's loss, training and validation alike; None
            weighs every sample 1. Inside a ``Pipeline`` pass it as
            ``clf__sample_weight``; inside ``GridSearchCV`` enable metadata
            routing and call ``set_fit_request(sample_weight=True)`` (and
            ``set_score_request(sample_weight=True)`` to weight the scores too).
        validation_data : tuple, default=None
            ``(X_val, y_val)`` or ``(X_val, y_val, sample_weight_val)``, token
            ids and targets the network validates on (for ``valid_loss``, early
            stopping and the best weights) instead of holding out
            ``validation_fraction`` of ``X``, as Keras's ``validation_data``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        validate_parameters(self)
        warm = self.warm_start and hasattr(self, "net_")
        sample_weight = check_sample_weight(sample_weight, n_rows(X))
        if validation_data is not None:
            X_val, y_val, w_val = _check_validation_data(validation_data)
        # The targets are checked before the ids: they are cheaper, and a weighting that leaves too
        # few classes is told as such.
        if warm:
            y_enc = self._warm_targets(y, n_rows(X))
        else:
            y_enc = self._fit_targets(y, n_rows(X), sample_weight, also=None if validation_data is None else y_val)
        X, space = self._validate_ids(X, reset=not warm)
        start = None
        if warm:
            self._check_id_space(X)
        else:
            start = self._fit_start(X, space)
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        train = self._dataset(X, y_enc, sample_weight)
        if validation_data is not None:
            y_val_enc = self._encode_targets(y_val, n_rows(X_val), "that y does not hold (validation_data)")
            X_val, _ = self._validate_ids(X_val, reset=False)
            self._check_id_space(X_val)
            held_out = self._dataset(X_val, y_val_enc, check_sample_weight(w_val, len(X_val)))
        else:
            rows = validation_split(len(y_enc), self.validation_fraction, seed, stratify=self._stratify_by(y_enc))
            held_out = None if rows is None else train.subset(rows[1])
            train = train if rows is None else train.subset(rows[0])
        epochs, patience = self._schedule(len(train))
        fitted = self._fit_network(train, None if held_out is None else self._sorted(held_out),
                                   net=self.net_ if warm else None, epochs=epochs, patience=patience, seed=seed,
                                   class_weight=self._class_weights(y_enc), start=start)
        self.net_, self.history_, self.interrupted_ = fitted
        return self

    def _warm_targets(self, y, n_rows):
        """The targets of a ``warm_start`` fit, encoded as the first fit's."""
        return self._encode_targets(y, n_rows, "not seen in the first fit (warm_start)")

    def _schedule(self, n_train):
        """Epochs and early-stopping patience of a fit on ``n_train`` rows (``max_epochs`` resolved)."""
        if self.max_epochs != "auto":
            return self.max_epochs, self.n_iter_no_change
        batches = -(-n_train // self.batch_size)
        wanted = -(-AUTO_MIN_STEPS // batches)
        epochs = int(min(max(wanted, AUTO_MAX_EPOCHS), AUTO_MAX_EPOCHS_CAP))
        return epochs, self.n_iter_no_change * epochs // AUTO_MAX_EPOCHS

    def _fit_network(self, train, valid, *, net, epochs, patience, seed, class_weight, stopping=True, start=None):
        """Train ``net`` (a new net when None) on the datasets ``train`` and ``valid`` (or None).

        ``epochs`` passes at most, early stopping's ``patience`` (none when
        ``stopping`` is False), ``seed`` for the weights, dropout and batch
        order, ``class_weight`` a weight per encoded class (or None) and
        ``start`` the module arguments :meth:`_fit_start` drew from the data
        (or None), both for a new net. After an interrupt (KeyboardInterrupt)
        the net keeps the weights of its best epoch so far, with a warning.
        Returns a :class:`NetworkFit`.
        """
        # torch's generator is seeded only for a given random_state; otherwise
        # the fit draws from it as any torch code would.
        torch_seed = None if self.random_state is None else seed
        with runtime(self.n_threads, seed=torch_seed, training=True):
            if net is None:
                net = self._new_net(valid, seed, class_weight, start)
                if patience is not None and "early_stopping" in dict(net.callbacks_):
                    dict(net.callbacks_)["early_stopping"].patience = patience
            else:
                net.set_params(train_split=None if valid is None else predefined_split(valid))
            schedule = dict(net.callbacks_).get("lr_schedule")
            if schedule is not None:  # the one-cycle spans this call's epochs, not the net's max_epochs
                schedule.epochs = epochs
            kept = net.callbacks_
            if not stopping:
                net.callbacks_ = [(name, cb) for name, cb in kept if name != "early_stopping"]
            try:
                # partial_fit, not fit: fit would initialize the module again.
                net.partial_fit(train, None, epochs=epochs)
            finally:
                net.callbacks_ = kept
        interrupted = self._user_interrupted(net)
        if interrupted:
            self._keep_best_after_interrupt(net)
        return NetworkFit(net, history_frame(net.history), interrupted)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One pass over a chunk of data, in scikit-learn's out-of-core convention.

        Each call trains one epoch on ``(X, y)`` alone, so a corpus larger than
        memory is learnt chunk by chunk (see
        :func:`~sklearn_rnn.datasets.load_fasttext` with ``chunksize``). For a
        classifier, as with :class:`~sklearn.linear_model.SGDClassifier`,
        ``classes`` is required on the first call. The id space is fixed by
        the first call: give every chunk the output of one fitted
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
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets of the chunk.
        classes : array-like of shape (n_classes,), default=None
            Classifiers: every label the stream holds, required on the first
            call; on later calls it may be given again and must be the same.
            Regressors take None.
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
        sample_weight = check_sample_weight(sample_weight, n_rows(X))
        y_enc = self._stream_targets(y, n_rows(X), classes, first)
        X, space = self._validate_ids(X, reset=first)
        start = None
        if first:
            start = self._fit_start(X, space)
        else:
            self._check_id_space(X)
        # Each call draws its own batch order and dropout masks, reproducibly from random_state.
        self.partial_fit_calls_ = (0 if first else getattr(self, "partial_fit_calls_", 0)) + 1
        seed = (check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
                + self.partial_fit_calls_) % np.iinfo(np.int32).max
        # After fit: no validation set, and fit's early stopping is off for this pass.
        fitted = self._fit_network(self._dataset(X, y_enc, sample_weight), None, net=None if first else self.net_,
                                   epochs=1, patience=None, seed=seed, class_weight=self._class_weights(y_enc),
                                   stopping=False, start=start)
        self.net_, self.history_, self.interrupted_ = fitted
        return self

    def _user_interrupted(self, net):
        """Whether the last training of ``net`` ended at a KeyboardInterrupt of the user's (skorch's
        EarlyStopping ends training by raising KeyboardInterrupt too: that one does not count)."""
        early_stop = dict(net.callbacks_).get("early_stopping")
        stopped_early = early_stop is not None and early_stop.misses_ >= early_stop.patience
        return getattr(net, "interrupted_", False) and not stopped_early

    def _keep_best_after_interrupt(self, net):
        best = dict(net.callbacks_)["best_weights"]
        done = [row["epoch"] for row in net.history if "train_loss" in row]
        if best.best_state_ is not None:
            net.module_.load_state_dict(best.best_state_)
            kept = f"the weights of epoch {best.best_epoch_}, the best {best.monitor} so far,"
        else:
            kept = "the weights of the unfinished first epoch"
        warn(f"fit was interrupted (KeyboardInterrupt) after {len(done)} complete epoch(s); "
             f"{type(self).__name__} keeps {kept} and can predict.")

    # ------------------------------------------------------------------ data
    def _dataset(self, X, y=None, sample_weight=None):
        return SequenceDataset.from_ids(X, y, sample_weight=sample_weight, min_width=self._min_width())

    @staticmethod
    def _sorted(dataset):
        """``dataset`` sorted by length, so that a validation pass wastes no work on padding."""
        return dataset.subset(np.argsort(dataset.lengths.numpy(), kind="stable"))

    def _min_width(self):
        """Fewest columns a batch is trimmed to (a convolution needs its width)."""
        return 1

    def _fit_architecture(self, n_rows):
        """Fix what the architecture resolves from the first fit's ``n_rows`` rows (nothing here)."""

    def _architecture_start(self, ids):
        """Module arguments the architecture draws from the first fit's validated ``ids`` (none here)."""
        return {}

    def _fit_start(self, ids, space):
        """Fix the id space and what the architecture resolves at a first fit on the validated ``ids``
        (whose :class:`~sklearn_rnn.text.IdSpace` is ``space``), and return the module arguments drawn
        from the data: the starting embedding, the aligned word vectors, the architecture's own."""
        embedding = self._starting_embedding()
        self._fit_id_space(ids, space, n_rows=None if embedding is None else embedding.shape[0])
        self._fit_architecture(len(ids))
        return {"embedding_weights": embedding, **self._aligned_word_vectors(space), **self._architecture_start(ids)}

    def _aligned_word_vectors(self, space):
        """``word_vectors`` aligned to the vocabulary of the ids: their rows scaled to
        ``WORD_VECTORS_STD``, zero for words they lack (sets ``word_vectors_dim_`` and
        ``n_word_vectors_found_``)."""
        if self.word_vectors is None:
            self.word_vectors_dim_, self.n_word_vectors_found_ = 0, 0
            return {}
        if self.embedding_dim is None:
            raise ValueError("word_vectors need an embedding: set embedding_dim.")
        tokens = None if space is None else vocabulary_of(space)
        if tokens is None:
            raise ValueError(
                "word_vectors needs the word behind each id: fit on the output of a SequenceVectorizer fitted in "
                "this process (its TokenIds, or its pandas output), not on plain arrays of ids."
            )
        vectors = get_word_vectors(self.word_vectors, words=[t for t in tokens if t is not None])
        rows = np.zeros((self.n_tokens_, vectors.dim), dtype=np.float32)
        aligned, found = vectors.align(tokens)
        found[:2] = False  # padding and OOV
        if found.any():
            rows[: len(tokens)][found] = aligned[found] * (WORD_VECTORS_STD / max(float(aligned[found].std()), 1e-12))
        self.word_vectors_dim_, self.n_word_vectors_found_ = vectors.dim, int(found.sum())
        if not found.any():
            warn(f"word_vectors ({vectors!r}) hold none of the vocabulary's {len(tokens) - 2} words: the channel "
                 "is all zeros.")
        return {"word_vectors": rows}

    def _starting_embedding(self):
        """The embedding's starting rows (``embedding_weights``), checked against ``embedding_dim``."""
        weights = self.embedding_weights
        if weights is None:
            return None
        if self.embedding_dim is None:
            raise ValueError("embedding_weights needs an embedding: set embedding_dim.")
        weights = np.asarray(weights)
        if weights.ndim != 2 or weights.shape[1] != self.embedding_dim:
            raise ValueError(f"embedding_weights must have shape (n_tokens, embedding_dim={self.embedding_dim}), "
                             f"got {weights.shape}.")
        return weights

    # -------------------------------------------------------------- building
    def _shared_module_params(self, start):
        """Module arguments every architecture shares; sizes come from the data, ``start`` (None when the
        weights are loaded from a file) holds what :meth:`_fit_start` drew from it."""
        start = start or {}
        return {
            "n_tokens": self.n_tokens_,
            "n_outputs": self._n_outputs(),
            "embedding_dim": self.embedding_dim,
            "spatial_dropout": self.spatial_dropout,
            "dropout": self.dropout,
            "dense_layers": tuple(self.dense_layers),
            "activation": self.activation,
            "embedding_weights": start.get("embedding_weights"),
            "freeze_embedding": self.freeze_embedding,
            "word_vectors_dim": self.word_vectors_dim_,
            "word_vectors": start.get("word_vectors"),
            "freeze_word_vectors": self.freeze_word_vectors,
        }

    def _resolve_device(self):
        if self.device == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        if self.device == "cuda" and not torch.cuda.is_available():
            raise ValueError("device='cuda' but torch finds no CUDA device; use 'cpu' or 'auto'.")
        return self.device

    def _new_net(self, valid, seed, class_weight, start, stopping=True):
        """Build and initialize a net (inside the fit's runtime block: initialization draws from torch's RNG)."""
        device = self._resolve_device()
        self.precision_ = resolve_precision(self.precision, device, type(self).__name__)
        net = self._build_net(valid, seed, device, self.precision_, class_weight, stopping, start=start)
        net.initialize()
        if self.initializer != "default":
            initialize_weights(net.module_, self.initializer)
        return net

    def _callbacks(self, has_valid, stopping=True):
        callbacks = [("metric", EpochMetric())]
        if self.regularizer is not None:
            callbacks.append(("train_penalty", PassthroughScoring("train_penalty", on_train=True)))
        on_improve = None
        if self.checkpoint_dir is not None:
            on_improve = persistence.checkpoint_writer(self, "checkpoint.safetensors")
        callbacks.append(("best_weights", BestWeights("valid_loss" if has_valid else "train_loss", on_improve)))
        if self.early_stopping and stopping:
            monitor = "valid_loss" if has_valid else "train_loss"
            callbacks.append(("early_stopping", EarlyStopping(monitor=monitor, patience=self.n_iter_no_change,
                                                              load_best=True, sink=discard)))
        if self.lr_schedule == "onecycle":
            callbacks.append(("lr_schedule", OneCycle()))
        if self.clip_grad_norm is not None:
            callbacks.append(("clip_grad_norm", DenseGradientClipping(self.clip_grad_norm)))
        if self.verbose:
            callbacks.append(("progress_bar", ProgressBar()))
        return callbacks + list(self.callbacks or [])

    def _build_net(self, valid, seed, device, precision, class_weight, stopping=True, start=None):
        """The skorch net, not yet initialized; ``class_weight`` is a weight per encoded class or None,
        ``start`` the module arguments drawn from the data (see :meth:`_fit_start`)."""
        optimizer, optimizer_params = optimizer_and_params(self.optimizer, self.optimizer_params)
        penalty = None if self.regularizer is None else Penalty(self.regularizer, self.alpha, self.l1_ratio)
        criterion, criterion_params = self._criterion()
        net_params = {f"module__{k}": v for k, v in self._module_params(device, start).items()}
        net_params.update({f"optimizer__{k}": v for k, v in optimizer_params.items()})
        net_params.update({f"criterion__{k}": v for k, v in criterion_params.items()})
        if class_weight is not None:
            net_params["criterion__weight"] = torch.as_tensor(class_weight, dtype=torch.float32)
        return TextNet(
            module=self._module_class,
            criterion=criterion,
            criterion__reduction="none",
            optimizer=optimizer,
            lr=self.lr,
            max_epochs=AUTO_MAX_EPOCHS if self.max_epochs == "auto" else self.max_epochs,
            batch_size=self.batch_size,
            iterator_train=BucketBatchIterator,
            iterator_train__shuffle=True,
            iterator_train__random_state=np.random.RandomState(seed),
            iterator_valid=SortedBatchIterator,
            train_split=None if valid is None else predefined_split(valid),
            callbacks=self._callbacks(valid is not None, stopping),
            callbacks__print_log=PrintLog if self.verbose else None,
            device=device,
            penalty=penalty,
            autocast_bf16=precision == "bfloat16",
            sparse_lr=self._sparse_lr(),
            metric=self._metric(),
            verbose=int(self.verbose),
            **net_params,
        )

    # ------------------------------------------------------------- inference
    def _outputs(self, X):
        """The network's outputs (logits, or scaled regression outputs) for token ids ``X``, in input order."""
        check_is_fitted(self, "net_")
        X, _ = self._validate_ids(X, reset=False)
        self._check_id_space(X)
        dataset = self._dataset(X)
        order = np.argsort(dataset.lengths.numpy(), kind="stable")
        with runtime(self.n_threads):
            outputs = self.net_.forward(dataset.subset(order), training=False, device="cpu")
        result = np.empty((len(order), outputs.shape[1]), dtype=np.float32)
        result[order] = outputs.float().numpy()
        return result

    # --------------------------------------------------------------- summary
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

    # ------------------------------------------------------------ persistence
    def _snapshot(self, net):
        """A shallow copy of this estimator that holds ``net`` as its fitted net (for checkpoints)."""
        snapshot = copy.copy(self)
        snapshot.net_, snapshot.history_, snapshot.interrupted_ = net, history_frame(net.history), False
        return snapshot

    def _fitted_state(self, writer, where):
        """The fitted state for the safe format (see :mod:`sklearn_rnn.persistence`), None when unfitted."""
        if not hasattr(self, "net_"):
            return None
        weight = getattr(self.net_.criterion_, "weight", None)
        history = self.history_.reset_index()
        state = {
            "n_tokens_": int(self.n_tokens_),
            "n_features_in_": int(self.n_features_in_),
            "precision_": self.precision_,
            "vocabulary_fingerprint_": self.vocabulary_fingerprint_,
            "interrupted_": bool(self.interrupted_),
            "history_": {column: history[column].tolist() for column in history.columns},
            "module": {key: writer.tensor(f"{where}:module.{key}", value)
                       for key, value in self.net_.module_.state_dict().items()},
            "class_weight": None if weight is None else writer.tensor(f"{where}:criterion.weight", weight),
            "targets": self._target_state(writer, where),
        }
        if hasattr(self, "feature_names_in_"):
            state["feature_names_in_"] = [str(name) for name in self.feature_names_in_]
        if hasattr(self, "partial_fit_calls_"):
            state["partial_fit_calls_"] = int(self.partial_fit_calls_)
        state["word_vectors_dim_"] = int(self.word_vectors_dim_)
        state["n_word_vectors_found_"] = int(self.n_word_vectors_found_)
        state.update(self._architecture_state())
        return state

    def _restore_fitted_state(self, state, reader, where):
        """Rebuild the fitted estimator from what :meth:`_fitted_state` wrote."""
        self.n_tokens_ = int(state["n_tokens_"])
        self.n_features_in_ = int(state["n_features_in_"])
        fingerprint = state.get("vocabulary_fingerprint_")
        self.vocabulary_fingerprint_ = None if fingerprint is None else str(fingerprint)
        if "feature_names_in_" in state:
            self.feature_names_in_ = np.asarray(state["feature_names_in_"], dtype=object)
        if "partial_fit_calls_" in state:
            self.partial_fit_calls_ = int(state["partial_fit_calls_"])
        self.word_vectors_dim_ = int(state.get("word_vectors_dim_", 0))
        self.n_word_vectors_found_ = int(state.get("n_word_vectors_found_", 0))
        self._restore_target_state(state["targets"], reader)
        self._restore_architecture_state(state)
        self.precision_ = state["precision_"] if state["precision_"] in ("float32", "bfloat16") else "float32"
        self.interrupted_ = bool(state.get("interrupted_", False))
        history = pd.DataFrame(state["history_"])
        self.history_ = history.set_index("epoch") if "epoch" in history else history
        weight = None if state["class_weight"] is None else reader.tensor(state["class_weight"])
        self.net_ = self._build_net(None, 0, "cpu", self.precision_, weight)
        self.net_.initialize()
        self.net_.history = History([{**row, "batches": []} for row in self.history_.reset_index().to_dict("records")])
        module = {key: reader.tensor(ref) for key, ref in state["module"].items()}
        try:
            self.net_.module_.load_state_dict(module, strict=True)
        except RuntimeError as exc:
            first = str(exc).strip().splitlines()[0]
            raise persistence.ModelFormatError(f"{where}: the weights do not fit the network its parameters "
                                               f"describe ({first}).") from None

    def _sparse_lr(self):
        """Learning rate of the parameters with sparse gradients (an architecture's linear part)."""
        return self.lr

    def _architecture_state(self):
        """What the architecture resolved at fit (``_fit_architecture``), for the safe format."""
        return {}

    def _restore_architecture_state(self, state):
        """Restore what :meth:`_architecture_state` wrote."""

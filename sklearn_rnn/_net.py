"""The skorch side of the network estimators: the net, its callbacks, the penalty and the optimizers.

Nothing here knows scikit-learn's estimator API: an estimator of
:mod:`sklearn_rnn._base` builds a :class:`TextNet` with the callbacks below,
trains it on :class:`~sklearn_rnn.training.SequenceDataset` batches and reads
its history.
"""

import inspect

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, GradientNormClipping
from skorch.dataset import unpack_data
from skorch.utils import TeeGenerator

from ._validation import InvalidParameterError
from .regularization import penalized_weights, weight_penalty

__all__ = ["OPTIMIZERS", "BestWeights", "DenseGradientClipping", "EpochMetric", "OneCycle", "Penalty", "TextNet",
           "optimizer_and_params", "sparse_parameters"]

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
OPTIMIZER_DEFAULTS = {
    "adam": {"fused": True},
    "adamw": {"fused": True},
    "sgd": {"fused": True},
    "adagrad": {"fused": True},
    "rmsprop": {"alpha": 0.9, "eps": 1e-7, "foreach": True},
}


def optimizer_and_params(optimizer, optimizer_params):
    """The optimizer class and its keyword arguments, checked against its signature.

    Examples
    --------
    >>> cls, params = optimizer_and_params("rmsprop", {"momentum": 0.9})
    >>> cls.__name__, params["alpha"], params["momentum"]
    ('RMSprop', 0.9, 0.9)
    """
    cls = OPTIMIZERS.get(optimizer, optimizer)
    defaults = OPTIMIZER_DEFAULTS.get(optimizer, {}) if isinstance(optimizer, str) else {}
    params = {**defaults, **(optimizer_params or {})}
    accepted = set(inspect.signature(cls).parameters) - {"self", "params", "lr"}
    unknown = sorted(set(params) - accepted, key=str)
    if unknown:
        hint = " (use the lr parameter)" if "lr" in unknown else ""
        raise InvalidParameterError(
            f"optimizer_params names {unknown}, which {cls.__name__} does not take{hint}; "
            f"it takes {sorted(accepted)}."
        )
    return cls, params


def sparse_parameters(module):
    """The parameters of ``module`` whose gradients are sparse: those of each ``nn.Embedding(sparse=True)``."""
    return [layer.weight for layer in module.modules() if isinstance(layer, torch.nn.Embedding) and layer.sparse]


class DenseGradientClipping(GradientNormClipping):
    """skorch's gradient norm clipping, over the parameters with dense gradients (torch cannot take the
    norm of a sparse one; the sparse ones are a linear part's, updated apart)."""

    def on_grad_computed(self, net, named_parameters, **kwargs):
        named = [(name, p) for name, p in named_parameters if p.grad is None or not p.grad.is_sparse]
        super().on_grad_computed(net, named, **kwargs)


class TextNet(NeuralNet):
    """skorch net that weights the loss per sample, adds the weight penalty to the training loss
    (recording it apart), counts right predictions per batch, and can run the module under
    bfloat16 autocast.

    The criterion returns one loss per row, or per row and output (``reduction='none'``; a
    row's loss is then the mean over its outputs). The batch loss is
    ``sum(sample_weight * class_weight * loss) / sum(class_weight)``, which is the plain
    (class-weighted) mean when every sample weight is 1. ``metric(y_pred, y_true)``, when
    given, returns the number of right predictions of a batch; it is recorded per batch as
    ``{train,valid}_correct``.

    Parameters with sparse gradients (:func:`sparse_parameters`) are left out of ``optimizer``
    and updated by a ``torch.optim.SparseAdam`` of learning rate ``sparse_lr`` (the
    ``optimizer_sparse_`` attribute), which touches the rows a batch used only.
    """

    def __init__(self, *args, penalty=None, autocast_bf16=False, metric=None, sparse_lr=1e-3, **kwargs):
        super().__init__(*args, **kwargs)
        self.penalty = penalty
        self.autocast_bf16 = autocast_bf16
        self.metric = metric
        self.sparse_lr = sparse_lr

    def initialize_optimizer(self, triggered_directly=None):
        sparse = {id(p) for p in sparse_parameters(self.module_) if p.requires_grad}
        if not sparse:
            if hasattr(self, "optimizer_sparse_"):  # a module that lost its sparse tables
                del self.optimizer_sparse_
            return super().initialize_optimizer(triggered_directly)
        named = list(self.get_all_learnable_params())
        args, kwargs = self.get_params_for_optimizer("optimizer", [(n, p) for n, p in named if id(p) not in sparse])
        self.optimizer_ = self.optimizer(*args, **kwargs)
        self.optimizer_sparse_ = torch.optim.SparseAdam([p for _, p in named if id(p) in sparse], lr=self.sparse_lr)
        return self

    def infer(self, x, **fit_params):
        x = {k: v for k, v in x.items() if k != "sample_weight"}
        if not self.autocast_bf16:
            return super().infer(x, **fit_params)
        device_type = "cuda" if str(self.device).startswith("cuda") else "cpu"
        with torch.autocast(device_type, dtype=torch.bfloat16):
            outputs = super().infer(x, **fit_params)
        return outputs.float()  # the loss and the predictions are computed in float32

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if isinstance(y_pred, tuple):  # a module's auxiliary outputs while training: each adds its loss
            return sum(self.get_loss(part, y_true, X=X, training=training) for part in y_pred)
        y_true = y_true.to(y_pred.device)
        losses = self.criterion_(y_pred, y_true)
        if losses.ndim == 2:  # one loss per output (labels of a multi-label task, regression targets)
            losses = losses.mean(dim=1)
        class_weight = getattr(self.criterion_, "weight", None)
        total = class_weight[y_true].sum() if class_weight is not None else losses.new_tensor(len(y_true))
        if isinstance(X, dict) and "sample_weight" in X:
            losses = losses * X["sample_weight"].to(losses.device)
        return losses.sum() / total

    def _record_metric(self, prefix, y_pred, y_true):
        if isinstance(y_pred, tuple):  # the prediction comes first, auxiliary outputs after
            y_pred = y_pred[0]
        if self.metric is not None:
            self.history.record_batch(f"{prefix}_correct", float(self.metric(y_pred.detach(), y_true)))

    def train_step(self, batch, **fit_params):
        # skorch hands its closure to every optimizer's ``step``, so with the sparse optimizer
        # beside the dense one each batch would run forward and backward twice (and the sparse
        # rows would get the gradient of weights the dense step had already moved). With two
        # optimizers: one pass, then each optimizer steps on the gradients it holds. The
        # optimizers of OPTIMIZERS need no closure; another class (LBFGS needs one) keeps
        # skorch's way.
        sparse = getattr(self, "optimizer_sparse_", None)
        if sparse is None or type(self.optimizer_) not in OPTIMIZERS.values():
            return super().train_step(batch, **fit_params)
        self.optimizer_.zero_grad()
        sparse.zero_grad()
        step = self.train_step_single(batch, **fit_params)
        self.notify("on_grad_computed", named_parameters=TeeGenerator(self.get_all_learnable_params()),
                    batch=batch, training=True)
        self.optimizer_.step()
        sparse.step()
        return step

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
        self._record_metric("train", y_pred, yi)
        return {"loss": loss, "y_pred": y_pred}

    def validation_step(self, batch, **fit_params):
        step = super().validation_step(batch, **fit_params)
        self._record_metric("valid", step["y_pred"], unpack_data(batch)[1])
        return step

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        # skorch's partial_fit swallows a KeyboardInterrupt; note it, so that
        # the estimator can say so and restore the best weights.
        self.interrupted_ = False
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        except KeyboardInterrupt:
            self.interrupted_ = True
            raise


class EpochMetric(Callback):
    """Turns the per-batch counts of right predictions into ``train_acc`` and ``valid_acc``."""

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        for prefix in ("train", "valid"):
            batches = [b for b in row["batches"] if f"{prefix}_correct" in b]
            if batches:
                seen = sum(b[f"{prefix}_batch_size"] for b in batches)
                net.history.record(f"{prefix}_acc", sum(b[f"{prefix}_correct"] for b in batches) / max(seen, 1))


class BestWeights(Callback):
    """Keeps a copy of the weights of the best epoch so far (lowest ``monitor``), and calls
    ``on_improve(net)`` whenever that improves (the estimator saves a checkpoint there)."""

    def __init__(self, monitor, on_improve=None):
        self.monitor, self.on_improve = monitor, on_improve

    def initialize(self):
        self.best_score_, self.best_epoch_, self.best_state_ = np.inf, None, None
        return self

    def on_epoch_end(self, net, **kwargs):
        score = net.history[-1].get(self.monitor)
        if score is None or not score < self.best_score_:  # partial_fit after a fit has no valid_loss
            return
        self.best_score_, self.best_epoch_ = score, net.history[-1, "epoch"]
        self.best_state_ = {k: v.detach().clone() for k, v in net.module_.state_dict().items()}
        if self.on_improve is not None:
            self.on_improve(net)

    def __getstate__(self):  # a pickled net keeps no copy of old weights nor the checkpoint writer
        return {**self.__dict__, "best_state_": None, "on_improve": None}


class OneCycle(Callback):
    """One-cycle learning rate over the training call's epochs, set before every training batch.

    The rate rises from ``lr / div_factor`` to ``lr`` along a half cosine over
    the first ``pct_start`` of the steps, then falls along a half cosine to
    ``lr / div_factor / final_div_factor`` (the shape of
    :class:`torch.optim.lr_scheduler.OneCycleLR`). The count of steps is the
    call's epochs (``epochs``, set by the estimator for each call; the net's
    ``max_epochs`` when None) times its training batches; each ``fit`` or
    ``warm_start`` call runs a whole cycle.
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


def discard(*args, **kwargs):
    """A sink for skorch messages; module-level so that fitted nets pickle."""


class Penalty:
    """Picklable penalty callable: ``regularizer`` applied to the covered weights of a module."""

    def __init__(self, regularizer, alpha, l1_ratio):
        self.regularizer, self.alpha, self.l1_ratio = regularizer, alpha, l1_ratio

    def __call__(self, module):
        return weight_penalty(penalized_weights(module), self.regularizer, self.alpha, self.l1_ratio)

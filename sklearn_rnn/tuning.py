"""The learning-rate range test (``lr_find``), as fastai and ktrain users know it."""

import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from skorch.callbacks import Callback

from ._base import BaseTextNetwork

__all__ = ["lr_find", "plot_lr_find"]


class _RangeDone(Exception):
    """Raised by :class:`_RateRange` to end the range test's fit."""


class _RateRange(Callback):
    """Sets a growing learning rate before every training batch and records the loss after it."""

    def __init__(self, rates, stop_factor, smoothing):
        self.rates, self.stop_factor, self.smoothing = rates, stop_factor, smoothing
        self.rows, self.average, self.best = [], 0.0, np.inf

    def on_batch_begin(self, net, training=False, **kwargs):
        if training:
            for group in net.optimizer_.param_groups:
                group["lr"] = self.rates[len(self.rows)]

    def record(self, loss):
        """Record one batch's loss; True when the test is over."""
        self.average = self.smoothing * self.average + (1 - self.smoothing) * loss
        smoothed = self.average / (1 - self.smoothing ** (len(self.rows) + 1))
        self.rows.append({"lr": self.rates[len(self.rows)], "loss": loss, "smoothed_loss": smoothed})
        self.best = min(self.best, smoothed)
        return not np.isfinite(loss) or smoothed > self.stop_factor * self.best or len(self.rows) == len(self.rates)

    def on_batch_end(self, net, training=False, loss=None, **kwargs):
        if training and self.record(float(loss.detach())):
            raise _RangeDone


def lr_find(estimator, X, y, *, start_lr=1e-6, end_lr=1.0, num_steps=100, stop_factor=4.0, smoothing=0.98):
    """Train with a learning rate that grows geometrically, batch by batch, and record the loss.

    The loss first falls slowly, then steeply, then blows up. A good
    learning rate sits in the steep part, about a tenth of the rate at the
    lowest loss. The test fits a clone, through the public API (a callback
    sets the rate before each batch): ``estimator`` is left as it was.

    Parameters
    ----------
    estimator : network estimator of this package, or a Pipeline ending in one
        Its parameters (architecture, optimizer, ``batch_size``,
        ``random_state``...) are used; ``lr``, ``lr_schedule`` and
        ``max_epochs`` are not. In a Pipeline the steps before the network
        are fitted on ``X`` first.
    X : array-like
        Documents (Pipeline) or token ids.
    y : array-like of shape (n_samples,)
        Targets.
    start_lr, end_lr : float, default=1e-6, 1.0
        The first and last learning rates.
    num_steps : int, default=100
        Batches to train, cycling over the data as often as needed.
    stop_factor : float, default=4.0
        Stop once the smoothed loss exceeds this multiple of its minimum, or
        the loss is no longer finite.
    smoothing : float, default=0.98
        Weight of the past in the loss's exponential moving average.

    Returns
    -------
    result : pandas.DataFrame
        One row per batch: ``lr``, ``loss`` and ``smoothed_loss``.
        ``result.attrs["suggested_lr"]`` is the rate where the smoothed
        loss falls fastest (per unit of log learning rate) before its
        minimum. When the loss still falls at the last rate, the
        suggestion may be the range's end: a warning says so.

    See Also
    --------
    plot_lr_find : Plot the result.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RecurrentTextClassifier, lr_find
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randint(0, 30, (200, 10)); y = (X == 5).any(axis=1).astype(int)
    >>> result = lr_find(RecurrentTextClassifier(hidden_size=8, embedding_dim=8, batch_size=16, random_state=0),
    ...                  X, y, num_steps=40)
    >>> list(result.columns), 1e-6 <= result.attrs["suggested_lr"] <= 1.0
    (['lr', 'loss', 'smoothed_loss'], True)
    """
    if isinstance(estimator, Pipeline):
        X = clone(estimator[:-1]).fit_transform(X, y)
        estimator = estimator[-1]
    if not isinstance(estimator, BaseTextNetwork):
        raise TypeError(f"lr_find needs a network estimator of sklearn_rnn or a Pipeline ending in one, "
                        f"got {type(estimator).__name__}.")
    if not 0 < start_lr < end_lr:
        raise ValueError(f"lr_find needs 0 < start_lr < end_lr, got start_lr={start_lr}, end_lr={end_lr}.")
    if num_steps < 2:
        raise ValueError(f"num_steps must be at least 2, got {num_steps}.")
    rates = np.geomspace(start_lr, end_lr, num_steps)
    recorder = _RateRange(rates, stop_factor, smoothing)
    model = clone(estimator).set_params(
        warm_start=False, validation_fraction=0.0, early_stopping=False, checkpoint_dir=None, lr=start_lr,
        lr_schedule="constant", max_epochs=num_steps,  # an epoch has at least one batch
        callbacks=list(estimator.callbacks or []) + [("lr_range", recorder)])
    try:
        model.fit(X, y)
    except _RangeDone:
        pass
    except FloatingPointError:  # the net refuses the step whose loss is not finite
        recorder.record(np.inf)
    result = pd.DataFrame(recorder.rows)
    result.attrs["suggested_lr"] = _steepest(result)
    finite = result[np.isfinite(result["smoothed_loss"])]
    if len(finite) and int(np.argmin(finite["smoothed_loss"].to_numpy())) == len(finite) - 1:
        warnings.warn(f"lr_find: the loss was still falling at the last rate tried ({finite['lr'].iloc[-1]:.3g}), "
                      f"so the suggestion {result.attrs['suggested_lr']:.3g} may be too low; try a larger end_lr "
                      "or more num_steps.", UserWarning, stacklevel=2)
    return result


def _steepest(result):
    finite = result[np.isfinite(result["smoothed_loss"])]
    if len(finite) < 3:
        return float(finite["lr"].iloc[0]) if len(finite) else float(result["lr"].iloc[0])
    lowest = int(np.argmin(finite["smoothed_loss"].to_numpy()))
    part = finite.iloc[: max(lowest, 2) + 1]
    slope = np.gradient(part["smoothed_loss"].to_numpy(), np.log10(part["lr"].to_numpy()))
    return float(part["lr"].iloc[int(np.argmin(slope))])


def plot_lr_find(result, ax=None):
    """Plot a :func:`lr_find` result: smoothed loss against learning rate, log scale.

    Parameters
    ----------
    result : pandas.DataFrame
        What :func:`lr_find` returned.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure's axes when None. Needs matplotlib (the
        ``plot`` extra).

    Returns
    -------
    ax : matplotlib Axes
        With the loss curve and a dashed vertical line at the suggested rate.

    Examples
    --------
    >>> import pandas as pd, matplotlib
    >>> matplotlib.use("Agg")
    >>> result = pd.DataFrame({"lr": [1e-4, 1e-3, 1e-2], "loss": [0.7, 0.5, 2.0], "smoothed_loss": [0.7, 0.6, 1.0]})
    >>> result.attrs["suggested_lr"] = 1e-3
    >>> ax = plot_lr_find(result)
    >>> ax.get_xscale(), len(ax.get_lines())
    ('log', 2)
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    ax.plot(result["lr"], result["smoothed_loss"], label="smoothed loss")
    suggested = result.attrs.get("suggested_lr")
    if suggested is not None:
        ax.axvline(suggested, linestyle="--", color="gray", label=f"suggested lr {suggested:.2g}")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("training loss")
    ax.legend()
    return ax

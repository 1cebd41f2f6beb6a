"""The learning-rate range test (``lr_find``), as fastai and ktrain users know it."""

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from ._base import BaseTextClassifier
from ._config import runtime
from .training import BucketBatchIterator

__all__ = ["lr_find", "plot_lr_find"]


def lr_find(estimator, X, y, *, start_lr=1e-6, end_lr=1.0, num_steps=100, stop_factor=4.0, smoothing=0.98):
    """Train with a learning rate that grows geometrically, batch by batch, and record the loss.

    The loss first falls slowly, then steeply, then blows up. A good
    learning rate sits in the steep part, about a tenth of the rate at the
    lowest loss. The test runs on a clone: ``estimator`` is left as it was.

    Parameters
    ----------
    estimator : classifier of this package, or a Pipeline ending in one
        Its parameters (architecture, optimizer, ``batch_size``,
        ``random_state``...) are used; ``lr`` and ``max_epochs`` are not. In a
        Pipeline the steps before the classifier are fitted on ``X`` first.
    X : array-like
        Documents (Pipeline) or token ids.
    y : array-like of shape (n_samples,)
        Labels.
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
        minimum.

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
    if not isinstance(estimator, BaseTextClassifier):
        raise TypeError(f"lr_find needs a classifier of sklearn_rnn or a Pipeline ending in one, "
                        f"got {type(estimator).__name__}.")
    if not 0 < start_lr < end_lr:
        raise ValueError(f"lr_find needs 0 < start_lr < end_lr, got start_lr={start_lr}, end_lr={end_lr}.")
    if num_steps < 2:
        raise ValueError(f"num_steps must be at least 2, got {num_steps}.")
    model = clone(estimator).set_params(warm_start=False, validation_fraction=0.0, early_stopping=False,
                                        checkpoint_dir=None)
    _, train, _, seed, class_weight = model._setup(X, y)
    rates = np.geomspace(start_lr, end_lr, num_steps)
    rows, average, best = [], 0.0, np.inf
    torch_seed = None if model.random_state is None else seed
    with runtime(model.n_threads, seed=torch_seed, training=True):
        model._new_net(None, seed, class_weight)
        net = model.net_
        net.history.new_epoch()
        batches = BucketBatchIterator(train, batch_size=model.batch_size, shuffle=True, random_state=seed)
        for batch in _cycle(batches):
            rate = rates[len(rows)]
            for group in net.optimizer_.param_groups:
                group["lr"] = rate
            net.history.new_batch()
            try:
                loss = float(net.train_step(batch)["loss"].detach())
            except FloatingPointError:
                loss = np.inf
            average = smoothing * average + (1 - smoothing) * loss
            smoothed = average / (1 - smoothing ** (len(rows) + 1))
            rows.append({"lr": rate, "loss": loss, "smoothed_loss": smoothed})
            best = min(best, smoothed)
            if not np.isfinite(loss) or smoothed > stop_factor * best or len(rows) == num_steps:
                break
    result = pd.DataFrame(rows)
    result.attrs["suggested_lr"] = _steepest(result)
    return result


def _cycle(batches):
    """The batches over and over, reshuffled each pass, for as long as the caller takes them."""
    while True:
        yield from batches


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

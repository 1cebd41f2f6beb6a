"""Display objects in scikit-learn's style (matplotlib is imported only when drawing)."""

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

__all__ = ["TrainingHistoryDisplay"]


def _classifier(estimator):
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


class TrainingHistoryDisplay:
    """Loss and accuracy per epoch, training and validation, of one or several fits.

    Build it with :meth:`from_estimator`; :meth:`plot` draws two panels, loss
    and accuracy, with a solid line for training and a dashed one for
    validation. Where early stopping restored the weights of an earlier
    epoch, a dotted vertical line marks that epoch.

    Parameters
    ----------
    histories : list of pandas.DataFrame
        The ``history_`` of each fit.
    names : list of str
        One legend name per history.
    best_epochs : list of int or None
        The epoch whose weights each fit kept, or None where it kept the last.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes
        The loss and the accuracy panels.
    figure_ : matplotlib Figure
        The figure holding them.
    lines_ : dict
        ``(name, column)`` to the line drawn for that history column.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn_rnn import RecurrentTextClassifier
    >>> from sklearn_rnn.plotting import TrainingHistoryDisplay
    >>> X = np.random.RandomState(0).randint(0, 20, (60, 8)); y = X[:, -1] % 2
    >>> clf = RecurrentTextClassifier(hidden_size=4, embedding_dim=4, max_epochs=3, random_state=0).fit(X, y)
    >>> display = TrainingHistoryDisplay.from_estimator(clf)
    >>> [ax.get_ylabel() for ax in display.axes_]
    ['loss', 'accuracy']
    """

    def __init__(self, *, histories, names, best_epochs):
        self.histories = histories
        self.names = names
        self.best_epochs = best_epochs

    @classmethod
    def from_estimator(cls, estimator, *, names=None, ax=None):
        """Plot the history of a fitted classifier, a Pipeline ending in one, or a list of them.

        Parameters
        ----------
        estimator : estimator, Pipeline, or list of them
            Fitted; a list overlays the fits (RNN, LSTM and GRU curves, say).
        names : list of str, default=None
            Legend names; by default the classifier's class and cell.
        ax : array-like of two matplotlib Axes, default=None
            Where to draw loss and accuracy; a new figure when None.

        Returns
        -------
        display : TrainingHistoryDisplay
        """
        estimators = list(estimator) if isinstance(estimator, (list, tuple)) else [estimator]
        classifiers = [_classifier(est) for est in estimators]
        for clf in classifiers:
            check_is_fitted(clf, "history_")
        if names is None:
            names = [type(clf).__name__ + (f" ({clf.cell})" if getattr(clf, "cell", None) else "")
                     for clf in classifiers]
        if len(names) != len(classifiers):
            raise ValueError(f"names has {len(names)} entries for {len(classifiers)} estimators.")
        best = []
        for clf in classifiers:
            history = clf.history_
            epoch = None
            if getattr(clf, "early_stopping", False) and "valid_loss" in history and len(history):
                epoch = int(history["valid_loss"].idxmin())
            # Marked only where early stopping went back to an earlier epoch's weights.
            best.append(epoch if epoch is not None and epoch < history.index[-1] else None)
        return cls(histories=[clf.history_ for clf in classifiers], names=list(names), best_epochs=best).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the panels.

        Parameters
        ----------
        ax : array-like of two matplotlib Axes, default=None
            Loss and accuracy panels; a new figure with both when None.

        Returns
        -------
        display : TrainingHistoryDisplay
            ``self``, with ``axes_``, ``figure_`` and ``lines_`` set.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            figure, axes = plt.subplots(1, 2, figsize=(10, 4))
        else:
            axes = np.asarray(ax).ravel()
            if axes.size != 2:
                raise ValueError(f"ax must hold two Axes (loss, accuracy), got {axes.size}.")
            figure = axes[0].figure
        self.lines_ = {}
        colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        for i, (history, name, best) in enumerate(zip(self.histories, self.names, self.best_epochs)):
            color = colors[i % len(colors)]
            for panel, metric in zip(axes, ("loss", "acc")):
                for split, style in (("train", "-"), ("valid", "--")):
                    column = f"{split}_{metric}"
                    if column in history:
                        label = f"{name}, {'training' if split == 'train' else 'validation'}"
                        (line,) = panel.plot(history.index, history[column], style, color=color, label=label)
                        self.lines_[(name, column)] = line
                if best is not None:
                    panel.axvline(best, linestyle=":", color=color, label=f"{name}, best epoch {best}")
        for panel, label in zip(axes, ("loss", "accuracy")):
            panel.set_xlabel("epoch")
            panel.set_ylabel(label)
            panel.legend()
        self.axes_, self.figure_ = np.asarray(axes), figure
        return self

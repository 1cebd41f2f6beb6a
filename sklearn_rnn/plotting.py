"""Display objects in scikit-learn's style (matplotlib is imported only when drawing)."""

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

__all__ = ["ModelComparisonDisplay", "TrainingHistoryDisplay"]


def _classifier(estimator):
    """The network whose epochs an estimator trained: a Pipeline's last step, a blend's ``network_``, a
    semi-supervised fit's ``estimator_`` (and so on down)."""
    model = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    while not hasattr(model, "history_"):
        inner = getattr(model, "estimator_", None) or getattr(model, "network_", None)
        if inner is None:
            break
        model = inner
    return model


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
    legend_ : matplotlib Legend
        One entry per fit (its colour) and one per line style. Below the two
        panels when the display draws its own figure, so that it covers no
        curve however many fits are drawn; on the accuracy panel in given
        ``ax``.

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
        from matplotlib.lines import Line2D

        own_figure = ax is None
        if own_figure:
            figure, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
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
                        (line,) = panel.plot(history.index, history[column], style, color=color,
                                             label=f"{name}, {'training' if split == 'train' else 'validation'}")
                        self.lines_[(name, column)] = line
                if best is not None:
                    panel.axvline(best, linestyle=":", color=color, label=f"{name}, best epoch {best}")
        for panel, label in zip(axes, ("loss", "accuracy")):
            panel.set_xlabel("epoch")
            panel.set_ylabel(label)
        # One legend for both panels, one entry per fit (its colour) and one per line style, below the
        # panels when the display drew the figure: however many fits, it covers no curve.
        handles = [Line2D([], [], color=colors[i % len(colors)], label=name) for i, name in enumerate(self.names)]
        handles += [Line2D([], [], color="gray", linestyle="-", label="training")]
        if any("valid_loss" in h for h in self.histories):
            handles.append(Line2D([], [], color="gray", linestyle="--", label="validation"))
        if any(b is not None for b in self.best_epochs):
            handles.append(Line2D([], [], color="gray", linestyle=":", label="best epoch (weights kept)"))
        if own_figure:
            self.legend_ = figure.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 6),
                                         frameon=False)
        else:
            self.legend_ = axes[-1].legend(handles=handles, fontsize="small")
        self.axes_, self.figure_ = np.asarray(axes), figure
        return self


class ModelComparisonDisplay:
    """Score and fit time per model, side by side as horizontal bars.

    Build it from a search's ``cv_results_`` (:meth:`from_cv_results`), from
    fitted models (:meth:`from_estimators`), or from the figures themselves.

    Parameters
    ----------
    names : list of str
        One name per model.
    scores : array-like of float
        The score of each model (accuracy, say).
    fit_times : array-like of float
        Fit seconds of each model.
    score_name : str, default="accuracy"
        The x label of the score panel.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes
        The score and the fit-time panels.
    figure_ : matplotlib Figure
        The figure holding them.
    bars_ : dict
        ``'score'`` and ``'fit_time'`` to the bar containers.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> display = ModelComparisonDisplay(names=["LSTM", "GRU"], scores=[0.86, 0.87], fit_times=[15, 51]).plot()
    >>> [float(bar.get_width()) for bar in display.bars_["fit_time"]]
    [15.0, 51.0]
    """

    def __init__(self, *, names, scores, fit_times, score_name="accuracy"):
        self.names = list(names)
        self.scores = np.asarray(scores, dtype=float)
        self.fit_times = np.asarray(fit_times, dtype=float)
        self.score_name = score_name
        if not len(self.names) == len(self.scores) == len(self.fit_times):
            raise ValueError(f"names, scores and fit_times differ in length: {len(self.names)}, "
                             f"{len(self.scores)}, {len(self.fit_times)}.")

    @classmethod
    def from_cv_results(cls, cv_results, *, score="mean_test_score", score_name=None, ax=None):
        """One bar per candidate of a search: its mean test score and mean fit time.

        Parameters
        ----------
        cv_results : dict or pandas.DataFrame
            A search's ``cv_results_``.
        score : str, default="mean_test_score"
            The column to show (``mean_test_<name>`` for multi-metric searches).
        score_name : str, default=None
            The x label; by default ``score``.
        ax : array-like of two Axes, default=None

        Returns
        -------
        display : ModelComparisonDisplay
        """
        results = cv_results if isinstance(cv_results, dict) else cv_results.to_dict("list")
        if score not in results:
            raise ValueError(f"cv_results has no {score!r} column; it has "
                             f"{sorted(k for k in results if k.startswith('mean_'))}.")
        names = [", ".join(f"{k.split('__')[-1]}={v!r}" if not hasattr(v, "get_params") else type(v).__name__
                           for k, v in params.items()) for params in results["params"]]
        return cls(names=names, scores=results[score], fit_times=results["mean_fit_time"],
                   score_name=score_name or score).plot(ax=ax)

    @classmethod
    def from_estimators(cls, estimators, X, y, *, names=None, ax=None):
        """One bar per fitted model: its ``score(X, y)`` and its training time.

        The fit time is the sum of the classifier's ``history_['dur']``, the
        seconds its epochs took.

        Parameters
        ----------
        estimators : list of fitted classifiers or Pipelines ending in one
        X, y : the data to score on
        names : list of str, default=None
            Bar labels; by default the classifiers' class and cell.
        ax : array-like of two Axes, default=None

        Returns
        -------
        display : ModelComparisonDisplay
        """
        classifiers = [_classifier(est) for est in estimators]
        for clf in classifiers:
            check_is_fitted(clf, "history_")
        if names is None:
            names = [type(c).__name__ + (f" ({c.cell})" if getattr(c, "cell", None) else "") for c in classifiers]
        return cls(names=names, scores=[est.score(X, y) for est in estimators],
                   fit_times=[float(c.history_["dur"].sum()) for c in classifiers]).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the two panels.

        Parameters
        ----------
        ax : array-like of two matplotlib Axes, default=None
            Score and fit-time panels; a new figure when None.

        Returns
        -------
        display : ModelComparisonDisplay
            ``self``, with ``axes_``, ``figure_`` and ``bars_`` set.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            figure, axes = plt.subplots(1, 2, figsize=(12, 0.5 * len(self.names) + 1.5), sharey=True)
        else:
            axes = np.asarray(ax).ravel()
            if axes.size != 2:
                raise ValueError(f"ax must hold two Axes (score, fit time), got {axes.size}.")
            figure = axes[0].figure
        self.bars_ = {"score": axes[0].barh(self.names, self.scores, color="tab:blue"),
                      "fit_time": axes[1].barh(self.names, self.fit_times, color="tab:orange")}
        axes[0].set_xlabel(self.score_name)
        axes[1].set_xlabel("fit seconds")
        axes[0].invert_yaxis()
        self.axes_, self.figure_ = np.asarray(axes), figure
        return self

"""Semi-supervised learning on token ids: rows marked unlabelled pretrain the embedding and are self-trained on.

The convention is opt-in: only :class:`SemiSupervisedTextClassifier` reads a
label as "unlabelled"; every other estimator of the package takes every
label as a class ({-1, 0, 1} is three classes).
"""

import time
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._inputs import n_rows as count_rows
from ._inputs import IdSpaceMixin, check_labels, check_sample_weight, check_weighted_classes, take_rows, validation_split
from ._registry import register
from ._validation import HasMethods, Interval, Options, ParameterCheckMixin, check_keywords, validate_parameters
from .classifiers import RecurrentTextClassifier
from .pretraining import learn_word_vectors

__all__ = ["AUTO_FEW_LABELS_SHARE", "AUTO_PRETRAINING_EPOCHS", "AUTO_PRETRAINING_EPOCHS_FEW_LABELS",
           "AUTO_SELF_TRAINING_ROUNDS", "SemiSupervisedTextClassifier"]

#: A fit has few labels when its labelled rows are at most ``AUTO_FEW_LABELS_SHARE`` of its rows.
#: Then ``self_training_rounds='auto'`` runs ``AUTO_SELF_TRAINING_ROUNDS`` rounds (none otherwise),
#: and ``pretraining_epochs='auto'`` makes ``AUTO_PRETRAINING_EPOCHS_FEW_LABELS`` passes
#: (``AUTO_PRETRAINING_EPOCHS`` otherwise); the runs behind them are in docs/semi_supervised.md.
AUTO_FEW_LABELS_SHARE = 0.1
AUTO_SELF_TRAINING_ROUNDS = 2
AUTO_PRETRAINING_EPOCHS = 8
AUTO_PRETRAINING_EPOCHS_FEW_LABELS = 5


def _param_key(estimator, name):
    """The key of ``estimator.get_params(deep=True)`` that sets its network's ``name`` (``name`` itself, or
    ``network__name`` in a blend), or None."""
    keys = estimator.get_params(deep=True)
    if name in keys:
        return name
    nested = sorted((k for k in keys if k.endswith("__" + name)), key=lambda k: k.count("__"))
    return nested[0] if nested else None


def _unlabelled_rows(y, marker):
    """Boolean mask of the rows whose label is ``marker`` (of the same kind: -1 never matches '-1')."""
    if marker is None:
        return np.zeros(len(y), dtype=bool)
    if y.dtype.kind in "iu" and not isinstance(marker, str):
        return y == marker
    if y.dtype.kind in "OUS":
        return np.array([isinstance(v, type(marker)) and v == marker for v in y], dtype=bool)
    if y.dtype.kind == "f" and not isinstance(marker, str):
        return y == marker
    return np.zeros(len(y), dtype=bool)


@register
class SemiSupervisedTextClassifier(IdSpaceMixin, MetaEstimatorMixin, ClassifierMixin, ParameterCheckMixin,
                                   BaseEstimator):
    """Learn from labelled and unlabelled documents: word-vector pretraining, then self-training.

    Rows whose label is ``unlabelled`` (-1 by default, as scikit-learn's
    ``SelfTrainingClassifier``) have no label. ``fit`` then:

    1. **pretrains** word vectors on every row, labelled or not
       (``pretraining``, :func:`~sklearn_rnn.pretraining.learn_word_vectors`),
       and starts the estimator's embedding from them
       (``embedding_weights``, or ``network__embedding_weights`` in a blend);
    2. holds out ``validation_fraction`` of the labelled rows, and fits a
       clone of ``estimator`` on the other labelled rows, validating on them;
    3. in each of ``self_training_rounds`` rounds, labels every unlabelled
       row with the current model's prediction and fits a new clone, from the
       same vectors, for ``self_training_epochs`` epochs on the labelled
       rows plus those pseudo-labelled ones, each weighted by the
       prediction's confidence (``(k p - 1) / (k - 1)`` for the top
       probability ``p`` of ``k`` classes), validating on the same held-out
       labelled rows.

    ``docs/semi_supervised.md`` has the runs, and the recipe that reaches
    87% with 1,000 IMDB labels: ``estimator=BlendedTextClassifier(
    network=RecurrentTextClassifier(), network_share=0.3)``.

    Parameters
    ----------
    estimator : classifier, default=None
        What learns the labels: a network classifier of this package, or a
        :class:`~sklearn_rnn.BlendedTextClassifier` of one (pretraining and
        the rounds' epochs set its network's parameters). None means
        ``RecurrentTextClassifier()``.
    unlabelled : int, float, str or None, default=-1
        The label that marks an unlabelled row; a label of another type never
        matches it (-1 is not '-1'). None marks no row: every label is a class.
    pretraining : {'auto', 'embeddings'} or None, default='auto'
        ``'embeddings'`` learns word vectors (CBOW) on every row and starts
        the embedding from them, scaled to unit standard deviation.
        ``'auto'`` does so when ``y`` holds unlabelled rows and the
        estimator's ``embedding_weights`` is not set. None never pretrains.
    pretraining_epochs : int or 'auto', default='auto'
        Passes of the pretraining. ``'auto'`` is 8, or 5 when the labelled
        rows are at most 10% of the rows.
    self_training_rounds : int or 'auto', default='auto'
        Rounds of self-training. ``'auto'`` runs 2 when the labelled rows are
        at most 10% of the rows, and none otherwise: with few labels
        self-training paid, with many it did not (``docs/semi_supervised.md``).
    self_training_epochs : int, default=2
        Epochs of each round's network (its ``max_epochs``); the weights of its
        epoch of least validation loss are kept.
    validation_fraction : float in [0, 1), default=0.1
        Share of the labelled rows held out, stratified, as every fit's
        validation data.
    random_state : int, RandomState instance or None, default=None
        Seeds the pretraining and the held-out split.
    verbose : int, default=0
        Print a line per round (and show the pretraining's progress).

    Attributes
    ----------
    estimator_ : classifier
        The model of the last round: it makes every prediction.
    classes_ : ndarray of shape (n_classes,)
        The labels of the labelled rows.
    n_unlabelled_ : int
        Rows of the last ``fit`` that were unlabelled.
    n_tokens_ : int
        Size of the id space of every row (labelled or not).
    pretraining_history_ : pandas.DataFrame
        Only after pretraining: per pass ``epoch``, ``pretrain_loss``,
        ``examples`` and ``dur``.
    self_training_history_ : pandas.DataFrame
        Only after self-training: per ``round`` (0 is the fit on the labels
        alone) its ``valid_acc`` on the held-out labelled rows, the
        ``mean_confidence`` of the pseudo-labels it learnt and ``dur``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RecurrentTextClassifier, SemiSupervisedTextClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randint(2, 40, size=(200, 12))
    >>> y = np.where((X == 5).any(axis=1), 1, 0)
    >>> y[20:] = -1  # 20 labels, 180 unlabelled rows
    >>> clf = SemiSupervisedTextClassifier(
    ...     estimator=RecurrentTextClassifier(hidden_size=8, embedding_dim=8, max_epochs=2, random_state=0),
    ...     random_state=0).fit(X, y)
    >>> clf.classes_.tolist(), clf.n_unlabelled_, len(clf.pretraining_history_)
    ([0, 1], 180, 5)
    >>> clf.self_training_history_.index.tolist()  # the labels alone, then 2 rounds of self-training
    [0, 1, 2]
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "unlabelled": [Interval(Integral, None, None, closed="neither"), Interval(Real, None, None, closed="neither"),
                       "str", None],
        "pretraining": [Options({"auto", "embeddings"}), None],
        "pretraining_epochs": [Interval(Integral, 1, None, closed="left"), Options({"auto"})],
        "self_training_rounds": [Interval(Integral, 0, None, closed="left"), Options({"auto"})],
        "self_training_epochs": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    @check_keywords
    def __init__(self, *, estimator=None, unlabelled=-1, pretraining="auto", pretraining_epochs="auto",
                 self_training_rounds="auto", self_training_epochs=2, validation_fraction=0.1, random_state=None,
                 verbose=0):
        self.estimator = estimator
        self.unlabelled = unlabelled
        self.pretraining = pretraining
        self.pretraining_epochs = pretraining_epochs
        self.self_training_rounds = self_training_rounds
        self.self_training_epochs = self_training_epochs
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.verbose = verbose

    def _default_parts(self):
        return {"estimator": "RecurrentTextClassifier()"}

    def _base(self):
        return RecurrentTextClassifier() if self.estimator is None else self.estimator

    def _few_labels(self, n_rows, n_unlabelled):
        """Whether the labelled rows are at most ``AUTO_FEW_LABELS_SHARE`` of ``n_rows``: the one rule of
        the ``'auto'`` settings that depend on the share of labels."""
        return n_rows - n_unlabelled <= AUTO_FEW_LABELS_SHARE * n_rows

    def _ids(self, X):
        """Every row's ids as TokenIds of the whole fit's id space, so that every part shares it."""
        ids, space = self._validate_ids(X, reset=True)
        self._fit_id_space(ids, space)
        return self._as_token_ids(ids)

    def _vectors(self, estimator, ids, n_rows, n_unlabelled, seed):
        """Word vectors of every row for ``estimator``'s embedding, and their history."""
        dim_key = _param_key(estimator, "embedding_dim")
        if dim_key is None or estimator.get_params(deep=True)[dim_key] is None:
            raise ValueError(f"pretraining learns an embedding's starting vectors, but {type(estimator).__name__} "
                             "has no embedding_dim; set pretraining=None.")
        epochs = self.pretraining_epochs
        if epochs == "auto":
            few = self._few_labels(n_rows, n_unlabelled)
            epochs = AUTO_PRETRAINING_EPOCHS_FEW_LABELS if few else AUTO_PRETRAINING_EPOCHS
        return learn_word_vectors(ids, self.n_tokens_, estimator.get_params(deep=True)[dim_key], epochs=epochs,
                                  random_state=seed, verbose=self.verbose)

    def fit(self, X, y, sample_weight=None):
        """Pretrain on every row, fit on the labelled rows, then self-train on the unlabelled ones.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids from :class:`~sklearn_rnn.SequenceVectorizer`, fitted on
            every document, labelled or not.
        y : array-like of shape (n_samples,)
            Labels; ``unlabelled`` on the rows that have none.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the labelled rows (those of unlabelled rows are unused).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        validate_parameters(self)
        base = self._base()
        n_rows = count_rows(X)
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        y = np.asarray(y) if not isinstance(y, np.ndarray) else y
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.ndim != 1 or len(y) != n_rows:
            raise ValueError(f"y must hold one label per row of X ({n_rows} rows); got shape {y.shape}.")
        unlabelled = _unlabelled_rows(y, self.unlabelled)
        labels = check_labels(y[~unlabelled], int((~unlabelled).sum()))
        if len(np.unique(labels)) < 2:
            raise ValueError(f"the labelled rows of y (those not marked unlabelled={self.unlabelled!r}) hold "
                             f"{len(np.unique(labels))} class; {type(self).__name__} needs 2. If "
                             f"{self.unlabelled!r} is a class, set unlabelled=None.")
        weights = check_sample_weight(sample_weight, n_rows)
        classes, encoded = np.unique(labels, return_inverse=True)
        check_weighted_classes(encoded, None if weights is None else weights[~unlabelled], classes,
                               type(self).__name__)
        self.n_unlabelled_ = int(unlabelled.sum())
        ids = self._ids(X)
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        for name in ("pretraining_history_", "self_training_history_"):
            self.__dict__.pop(name, None)
        weights_key = _param_key(base, "embedding_weights")
        if weights_key is None and (self.pretraining == "embeddings"
                                    or (self.pretraining == "auto" and self.n_unlabelled_)):
            raise ValueError(f"pretraining={self.pretraining!r} learns the starting vectors of an embedding, but "
                             f"{type(base).__name__} shows no embedding_weights (give a blend its network "
                             "explicitly: network=RecurrentTextClassifier()); or set pretraining=None.")
        pretrain = self.pretraining == "embeddings" or (
            self.pretraining == "auto" and self.n_unlabelled_ > 0 and base.get_params(deep=True)[weights_key] is None)
        if pretrain:
            if base.get_params(deep=True)[weights_key] is not None:
                raise ValueError("pretraining='embeddings' learns the embedding's starting weights; the estimator "
                                 "has embedding_weights already. Set pretraining=None to keep them.")
            vectors, history = self._vectors(base, ids, n_rows, self.n_unlabelled_, seed)
            self.pretraining_history_ = pd.DataFrame(history)
            base = clone(base).set_params(**{weights_key: vectors})

        labelled = np.flatnonzero(~unlabelled)
        label_weights = None if weights is None else weights[labelled]
        rows = validation_split(len(labels), self.validation_fraction, seed,
                                stratify=np.unique(labels, return_inverse=True)[1])
        fitting, held = (np.arange(len(labelled)), None) if rows is None else rows
        validation = None if held is None else (ids[labelled[held]], labels[held]) + (
            () if label_weights is None else (label_weights[held],))
        fit_ids, fit_labels = ids[labelled[fitting]], labels[fitting]
        fit_weights = None if label_weights is None else label_weights[fitting]

        start = time.perf_counter()
        model = self._fit_clone(base, fit_ids, fit_labels, fit_weights, validation)
        n_rounds = self.self_training_rounds
        if n_rounds == "auto":
            few = self._few_labels(n_rows, self.n_unlabelled_)
            n_rounds = AUTO_SELF_TRAINING_ROUNDS if few and self.n_unlabelled_ else 0
        n_rounds = n_rounds if self.n_unlabelled_ else 0
        rounds = [self._round(0, model, validation, None, time.perf_counter() - start)]
        epochs_key = _param_key(base, "max_epochs")
        pool = ids[unlabelled]
        for r in range(1, n_rounds + 1):
            if getattr(model, "interrupted_", False):
                break  # interrupted: the fit stops with the model it has
            start = time.perf_counter()
            proba = model.predict_proba(pool)
            k = proba.shape[1]
            confidence = (k * proba.max(axis=1) - 1) / (k - 1)
            pseudo = model.classes_[proba.argmax(axis=1)]
            if self.verbose:
                print(f"self-training round {r}: {len(pool)} pseudo-labelled rows, "
                      f"mean confidence {confidence.mean():.3f}")
            round_base = base if epochs_key is None else clone(base).set_params(
                **{epochs_key: self.self_training_epochs})
            del model  # its weights need not stay in memory while the next model trains
            model = self._fit_clone(
                round_base, np.concatenate([fit_ids, pool]), np.concatenate([fit_labels, pseudo]),
                np.concatenate([np.ones(len(fit_ids)) if fit_weights is None else fit_weights, confidence]),
                validation)
            rounds.append(self._round(r, model, validation, confidence, time.perf_counter() - start))
        if len(rounds) > 1:
            self.self_training_history_ = pd.DataFrame(rounds).set_index("round")
        self.estimator_ = model
        self.classes_ = model.classes_
        return self

    @staticmethod
    def _fit_clone(estimator, X, y, weights, validation):
        params = {} if weights is None else {"sample_weight": weights}
        if validation is not None:
            params["validation_data"] = validation
        return clone(estimator).fit(X, y, **params)

    @staticmethod
    def _round(r, model, validation, confidence, seconds):
        accuracy = np.nan if validation is None else float(model.score(*validation[:2]))
        return {"round": r, "valid_acc": accuracy,
                "mean_confidence": np.nan if confidence is None else float(confidence.mean()), "dur": seconds}

    def pretrain(self, X, y=None):
        """Learn the embedding's starting vectors from the documents alone, once, into ``estimator``.

        Runs the pretraining ``fit`` runs on every row of ``X`` and sets the
        result as the ``embedding_weights`` of a copy of ``estimator``, which
        replaces the parameter. Being a parameter, it survives
        :func:`~sklearn.base.clone`: every candidate of a ``GridSearchCV``
        over this estimator starts from the same vectors without pretraining
        again, and ``fit`` with ``pretraining='auto'`` does not pretrain on
        top of them.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids of every document, labelled or not; fit the vectorizer on
            the same documents first, so that the ids cover every document the
            classifier will see.
        y : array-like of shape (n_samples,), default=None
            Labels with the ``unlabelled`` marker; only counted, for
            ``pretraining_epochs='auto'``. None counts every row as unlabelled.

        Returns
        -------
        self : object
            This estimator, with ``estimator`` holding the vectors and
            ``pretraining_history_`` recorded.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.base import clone
        >>> X = np.random.RandomState(0).randint(2, 40, size=(100, 12))
        >>> clf = SemiSupervisedTextClassifier(estimator=RecurrentTextClassifier(embedding_dim=8),
        ...                                    random_state=0).pretrain(X)
        >>> clone(clf).estimator.embedding_weights.shape
        (40, 8)
        """
        validate_parameters(self)
        base = self._base()
        key = _param_key(base, "embedding_weights")
        if key is None:
            raise ValueError(f"{type(base).__name__} has no embedding_weights to pretrain.")
        if base.get_params(deep=True)[key] is not None:
            raise ValueError("the estimator's embedding_weights is already set; pretrain() would replace it. "
                             "Set it to None first to learn new vectors.")
        n_rows = count_rows(X)
        n_unlabelled = n_rows if y is None else int(_unlabelled_rows(np.asarray(y), self.unlabelled).sum())
        ids = self._ids(X)
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        vectors, history = self._vectors(base, ids, n_rows, n_unlabelled, seed)
        self.pretraining_history_ = pd.DataFrame(history)
        return self.set_params(estimator=clone(base).set_params(**{key: vectors}))

    def predict_proba(self, X):
        """Class probabilities of ``estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "estimator_")
        ids, _ = self._validate_ids(X, reset=False)
        self._check_id_space(ids)
        return self.estimator_.predict_proba(self._as_token_ids(ids))

    def predict(self, X):
        """Labels predicted by ``estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids.

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def score(self, X, y, sample_weight=None):
        """Mean accuracy on the labelled rows of ``X``; rows marked ``unlabelled`` never count.

        This is the score that ``GridSearchCV`` and ``cross_val_score`` use
        when given no ``scoring``: a test fold holding unlabelled rows is
        scored on its labelled rows only.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids.
        y : array-like of shape (n_samples,)
            True labels, with the ``unlabelled`` marker on rows that have none.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Accuracy over the labelled rows; NaN when there are none.
        """
        y = np.asarray(y)
        keep = ~_unlabelled_rows(y, self.unlabelled)
        if not keep.any():
            return float("nan")
        rows = np.flatnonzero(keep)
        X = take_rows(X, rows)
        weights = None if sample_weight is None else np.asarray(sample_weight)[rows]
        return super().score(X, y[rows], sample_weight=weights)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.input_tags.categorical = True
        return tags

    # ------------------------------------------------------------ persistence
    def _fitted_state(self, writer, where):
        if not hasattr(self, "estimator_"):
            return None
        state = {"classes_": writer.labels(self.classes_, f"{where}.classes_"), "n_unlabelled_": self.n_unlabelled_,
                 "n_tokens_": int(self.n_tokens_), "vocabulary_fingerprint_": self.vocabulary_fingerprint_,
                 "n_features_in_": int(self.n_features_in_),
                 "estimator_": writer.describe(self.estimator_, f"{where}.estimator_")}
        for name in ("pretraining_history_", "self_training_history_"):
            if hasattr(self, name):
                frame = getattr(self, name)
                frame = frame.reset_index() if name == "self_training_history_" else frame
                state[name] = {column: frame[column].tolist() for column in frame.columns}
        if hasattr(self, "feature_names_in_"):
            state["feature_names_in_"] = [str(name) for name in self.feature_names_in_]
        return state

    def _restore_fitted_state(self, state, reader, where):
        self.classes_ = reader.labels(state["classes_"])
        self.n_unlabelled_ = int(state["n_unlabelled_"])
        self.n_tokens_ = int(state["n_tokens_"])
        fingerprint = state.get("vocabulary_fingerprint_")
        self.vocabulary_fingerprint_ = None if fingerprint is None else str(fingerprint)
        self.n_features_in_ = int(state["n_features_in_"])
        self.estimator_ = reader.build(state["estimator_"], f"{where}.estimator_")
        if "pretraining_history_" in state:
            self.pretraining_history_ = pd.DataFrame(state["pretraining_history_"])
        if "self_training_history_" in state:
            self.self_training_history_ = pd.DataFrame(state["self_training_history_"]).set_index("round")
        if "feature_names_in_" in state:
            self.feature_names_in_ = np.asarray(state["feature_names_in_"], dtype=object)

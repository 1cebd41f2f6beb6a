"""Word vectors learned from the task's own text, to start a network's embedding.

:func:`pretrain_embeddings` learns CBOW word vectors with negative sampling
(:class:`~sklearn_rnn.modules.word2vec.CBOW`) over token ids stored ragged in
a :class:`~sklearn_rnn.training.SequenceDataset`; :func:`learn_word_vectors`
runs it on a matrix of ids and scales the result for an embedding.
:class:`~sklearn_rnn.SemiSupervisedTextClassifier` calls it on every row,
labelled or not, and starts its networks' embedding from the result.
"""

import time

import numpy as np
import torch
from sklearn.utils import check_random_state

from ._config import runtime
from .modules.word2vec import CBOW
from .training import SequenceDataset

__all__ = ["learn_word_vectors", "pretrain_embeddings"]

_TABLE_SIZE = 1_000_000  # word2vec's unigram table, for drawing negatives in O(1)


def _positions(dataset):
    """Start and end (in ``dataset.tokens``) of the document of every token position."""
    lengths = dataset.lengths.numpy()
    starts = np.repeat(dataset.offsets.numpy(), lengths)
    return starts, starts + np.repeat(lengths, lengths)


def pretrain_embeddings(dataset, n_tokens, dim, *, epochs=5, window=5, negatives=5, batch_size=4096, lr=3e-3,
                        sample=1e-4, random_state=0, verbose=0):
    """Learn word vectors from the documents of ``dataset`` (CBOW, negative sampling).

    Every position whose id is a known word (>= 2) is a training example:
    the mean of up to ``window`` ids on either side inside the same
    document predicts it. Frequent words are kept with Mikolov's
    probability ``sqrt(sample / f) + sample / f`` per epoch, and negatives
    are drawn from the unigram distribution raised to 3/4.

    Parameters
    ----------
    dataset : SequenceDataset
        The documents, labelled or not (only their ids are read).
    n_tokens : int
        Size of the id space; ids are below it.
    dim : int
        Width of the vectors (the classifier's ``embedding_dim``).
    epochs : int, default=5
        Passes over the positions.
    window : int, default=5
        Context ids on each side.
    negatives : int, default=5
        Sampled words per example.
    batch_size : int, default=4096
        Examples per step (Adam).
    lr : float, default=3e-3
        Adam's learning rate.
    sample : float, default=1e-4
        Subsampling threshold of frequent words; 0 keeps every position.
    random_state : int, RandomState instance or None, default=0
        Seeds subsampling, shuffling, negatives and the initial vectors.
    verbose : int, default=0
        Show a progress bar per epoch.

    Returns
    -------
    weights : ndarray of shape (n_tokens, dim), float32
        The context vectors; row 0 (padding) is zero.
    history : list of dict
        Per epoch: ``epoch``, ``pretrain_loss`` (mean loss), ``examples``
        and ``dur`` (seconds).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.training import SequenceDataset
    >>> rng = np.random.RandomState(0)
    >>> data = SequenceDataset.from_ids(rng.randint(2, 30, size=(50, 20)))
    >>> weights, history = pretrain_embeddings(data, 30, 8, epochs=2, batch_size=256, sample=0)
    >>> weights.shape, len(history), bool((weights[0] == 0).all())
    ((30, 8), 2, True)
    """
    rng = check_random_state(random_state)
    torch_gen = torch.Generator().manual_seed(int(rng.randint(np.iinfo(np.int32).max)))
    tokens = dataset.tokens.numpy()
    starts, ends = _positions(dataset)
    counts = np.bincount(tokens, minlength=n_tokens).astype(np.float64)
    counts[:2] = 0  # padding and out-of-vocabulary ids are never predicted nor drawn
    if counts.sum() == 0:
        raise ValueError("pretraining found no known words: every id is padding (0) or out-of-vocabulary (1).")
    frequency = counts / counts.sum()
    keep = np.ones(n_tokens) if sample <= 0 else np.minimum(
        1.0, np.sqrt(sample / np.maximum(frequency, 1e-12)) + sample / np.maximum(frequency, 1e-12))
    unigram = counts ** 0.75
    table = torch.from_numpy(rng.choice(n_tokens, size=_TABLE_SIZE, p=unigram / unigram.sum()))
    offsets = torch.from_numpy(np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)]))
    tokens_t = torch.from_numpy(tokens).long()
    starts_t, ends_t = torch.from_numpy(starts), torch.from_numpy(ends)

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(rng.randint(np.iinfo(np.int32).max)))
        model = CBOW(n_tokens, dim)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    known = np.flatnonzero(tokens >= 2)
    history = []
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        chosen = known[rng.uniform(size=len(known)) < keep[tokens[known]]]
        chosen = torch.from_numpy(chosen[rng.permutation(len(chosen))])
        steps = range(0, len(chosen), batch_size)
        if verbose:
            from tqdm.auto import tqdm

            steps = tqdm(steps, desc=f"pretraining epoch {epoch}/{epochs}", leave=False)
        total, n = 0.0, 0
        for first in steps:
            centers_pos = chosen[first:first + batch_size]
            where = centers_pos.unsqueeze(1) + offsets.unsqueeze(0)
            inside = (where >= starts_t[centers_pos].unsqueeze(1)) & (where < ends_t[centers_pos].unsqueeze(1))
            contexts = tokens_t[where.clamp(0, len(tokens_t) - 1)].masked_fill_(~inside, 0)
            contexts = contexts.masked_fill_(contexts == 1, 0)  # out-of-vocabulary ids carry no context
            centers = tokens_t[centers_pos]
            drawn = table[torch.randint(len(table), (len(centers), negatives), generator=torch_gen)]
            loss = model(contexts, centers, drawn)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(centers)
            n += len(centers)
        history.append({"epoch": epoch, "pretrain_loss": total / max(n, 1), "examples": n,
                        "dur": time.perf_counter() - start})
    weights = model.context.weight.detach().numpy().astype(np.float32, copy=True)
    weights[0] = 0.0
    return weights, history


def learn_word_vectors(X, n_tokens, dim, *, epochs=5, random_state=0, n_threads=None, verbose=0):
    """Word vectors of the ids ``X``, scaled to unit standard deviation, ready for ``embedding_weights``.

    Word2vec vectors are about 16 times wider spread than a fresh embedding;
    scaled to unit standard deviation they start a classifier best
    (``docs/semi_supervised.md``).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_positions)
        Token ids below ``n_tokens``, padded with 0 anywhere.
    n_tokens : int
        Size of the id space (the rows of the result).
    dim : int
        Width of the vectors (the network's ``embedding_dim``).
    epochs : int, default=5
        Passes of :func:`pretrain_embeddings`.
    random_state : int, default=0
        Seeds the pretraining.
    n_threads : int, default=None
        Torch threads while it runs, as the estimators' ``n_threads``.
    verbose : int, default=0
        Show a progress bar per pass.

    Returns
    -------
    weights : ndarray of shape (n_tokens, dim), float32
    history : list of dict
        See :func:`pretrain_embeddings`.

    Examples
    --------
    >>> X = np.random.RandomState(0).randint(2, 30, size=(60, 12))
    >>> weights, history = learn_word_vectors(X, 30, 8, epochs=1)
    >>> weights.shape, round(float(weights[2:].std()), 3)
    ((30, 8), 1.0)
    """
    seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    with runtime(n_threads, seed=seed, training=True):
        weights, history = pretrain_embeddings(SequenceDataset.from_ids(X), n_tokens, dim, epochs=epochs,
                                               random_state=seed, verbose=verbose)
    spread = float(weights[2:].std()) if len(weights) > 2 else 0.0
    return (weights / spread if spread > 0 else weights), history

"""Explanations: a weight per token, from attention or from occlusion."""

import html

import numpy as np
import pandas as pd
import torch
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._config import runtime
from .classifiers import BaseTextClassifier
from .modules.recurrent import RecurrentNet
from .text import OOV_ID, PAD_ID, SequenceVectorizer
from .training import left_align

__all__ = ["Explanation", "explain"]


class Explanation(pd.DataFrame):
    """The result of :func:`explain`: a DataFrame that colours its words in a notebook.

    One row per token of each document: ``document`` (its index in the
    input), ``position``, ``token``, ``weight`` and the ``label`` predicted for
    the document. In Jupyter it renders each document as its words on a
    background whose strength follows the weight (green for weights that
    support the prediction, red for weights against it).
    """

    _metadata = ["method"]

    @property
    def _constructor(self):
        return Explanation

    def plot(self, document=0, ax=None):
        """Draw one document's token weights as horizontal bars, tokens in reading order.

        Parameters
        ----------
        document : int, default=0
            Which document (its index in the texts given to :func:`explain`).
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes when None.

        Returns
        -------
        ax : matplotlib Axes
            Green bars support the prediction, red bars go against it.
        """
        import matplotlib.pyplot as plt

        rows = self[self["document"] == document]
        if rows.empty:
            raise ValueError(f"the explanation has no document {document}; it has {sorted(set(self['document']))}.")
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.3 * len(rows) + 1))
        labels = [f"{position}: {token}" for position, token in zip(rows["position"], rows["token"])]
        colors = ["tab:green" if w >= 0 else "tab:red" for w in rows["weight"]]
        ax.barh(labels, rows["weight"], color=colors)
        ax.invert_yaxis()
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel(f"weight ({getattr(self, 'method', 'explain')})")
        ax.set_title(f"document {document}, predicted {rows['label'].iloc[0]!r}")
        return ax

    def _repr_html_(self):
        parts = []
        scale = float(self["weight"].abs().max()) if len(self) else 1.0
        for document, rows in self.groupby("document", sort=True):
            label = html.escape(str(rows["label"].iloc[0]))
            words = []
            for token, weight in zip(rows["token"], rows["weight"]):
                alpha = min(abs(weight) / scale, 1.0) if scale else 0.0
                rgb = "0,160,0" if weight >= 0 else "200,0,0"
                words.append(f'<span style="background: rgba({rgb},{alpha:.2f}); padding: 1px" '
                             f'title="{weight:.4f}">{html.escape(str(token))}</span>')
            parts.append(f"<p><b>{document}</b> ({label}): {' '.join(words)}</p>")
        return f"<div>{''.join(parts)}</div>"


def explain(pipeline, texts, *, method="auto", batch_size=256):
    """A weight per token of each document, telling what drove its prediction.

    Parameters
    ----------
    pipeline : Pipeline
        A fitted Pipeline of a :class:`~sklearn_rnn.SequenceVectorizer` and a
        classifier with ``predict_proba`` (a network, a blend, the linear
        n-gram model...).
    texts : list of str
        The documents to explain.
    method : {'auto', 'attention', 'occlusion'}, default='auto'
        ``'attention'`` reads the attention weights of a
        ``RecurrentTextClassifier(pooling='attention', ngrams=None)`` (they
        sum to 1 over a document); only a recurrent part that makes the
        predictions alone has them, so a network with an n-gram part, or a
        blend, is explained by occlusion. Over a unidirectional LSTM they often point at the
        tokens after a deciding word, where its evidence has accumulated;
        bidirectional models put them on the word itself. ``'occlusion'`` drops each token in turn and records
        how much the log-probability of the predicted class falls (positive:
        the token supports the prediction; the log keeps the differences
        visible where the probability is close to 1); all variants of a document are
        predicted in batches, so a 300-token review takes a fraction of a
        second. ``'auto'`` takes attention where the model has it.
    batch_size : int, default=256
        Rows per batch of occlusion variants.

    Returns
    -------
    explanation : Explanation
        A DataFrame with ``document``, ``position``, ``token``, ``weight``
        and ``label`` columns, tokens in document order (after truncation
        to ``max_len``), and ``explanation.method`` telling which method ran.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
    >>> from sklearn_rnn.inspection import explain
    >>> docs = ["the great film", "the awful film", "great acting", "awful plot"] * 10
    >>> model = make_pipeline(SequenceVectorizer(), RecurrentTextClassifier(
    ...     hidden_size=8, embedding_dim=8, lr=0.05, max_epochs=10, random_state=0)).fit(docs, [1, 0, 1, 0] * 10)
    >>> explanation = explain(model, ["the great film"])
    >>> explanation.sort_values("weight").iloc[-1]["token"]
    'great'
    """
    if not (isinstance(pipeline, Pipeline) and len(pipeline) >= 2 and hasattr(pipeline[-1], "predict_proba")
            and isinstance(pipeline[-2], SequenceVectorizer)):
        raise TypeError("explain needs a fitted Pipeline whose last two steps are a SequenceVectorizer and a "
                        "classifier with predict_proba.")
    if isinstance(texts, str):
        raise ValueError("texts must be a list of documents, got a single str. Wrap it in a list: [text].")
    if method not in ("auto", "attention", "occlusion"):
        raise ValueError(f"method must be 'auto', 'attention' or 'occlusion', got {method!r}.")
    clf = pipeline[-1]
    check_is_fitted(clf)
    module = clf.net_.module_ if isinstance(clf, BaseTextClassifier) and not clf.multilabel_ else None
    has_attention = isinstance(module, RecurrentNet) and module.pooling.mode == "attention"
    if method == "attention" and not has_attention:
        raise ValueError("method='attention' needs RecurrentTextClassifier(pooling='attention').")
    # Attention weighs what the recurrent part reads; beside an n-gram part it tells only half the story.
    alone = has_attention and module.ngrams is None and module.bigrams is None
    if method == "attention" and not alone:
        raise ValueError("method='attention' explains a network whose recurrent part makes the predictions "
                         "alone: set ngrams=None, or use method='occlusion'.")
    has_attention = alone
    method = "attention" if method == "auto" and has_attention else "occlusion" if method == "auto" else method
    vocabulary = np.asarray(pipeline[-2].get_vocabulary(), dtype=object)
    ids = pipeline[:-1].transform(texts)
    aligned, lengths = left_align(np.asarray(ids))
    proba = clf.predict_proba(ids)
    predicted = proba.argmax(axis=1)
    classes = clf.classes_.tolist()  # plain Python labels, as users gave them
    rows = []
    for doc, (row, length) in enumerate(zip(aligned, lengths)):
        tokens = row[:length]
        if not (tokens != PAD_ID).any():
            continue  # an empty document has no token to weigh
        if method == "attention":
            weights = _attention(module, tokens)
        else:
            weights = _occlusion(clf, tokens, predicted[doc], ids.shape[1], batch_size)
        rows.extend({"document": doc, "position": i, "token": vocabulary[t] if t != OOV_ID else "[UNK]",
                     "weight": float(w), "label": classes[predicted[doc]]}
                    for i, (t, w) in enumerate(zip(tokens, weights)))
    result = Explanation(rows, columns=["document", "position", "token", "weight", "label"])
    result.method = method
    return result


def _attention(module, tokens):
    ids = torch.as_tensor(tokens, dtype=torch.long).unsqueeze(0)
    lengths = torch.tensor([len(tokens)])
    with torch.no_grad(), runtime():
        module.eval()
        outputs, _ = module.encoder(module.embedding(ids), lengths)
        return module.pooling.attention_weights(outputs, lengths)[0].numpy()


def _occlusion(clf, tokens, label, width, batch_size):
    """Fall of the predicted class's log-probability when each token is dropped in turn."""
    n = len(tokens)
    variants = np.zeros((n + 1, width), dtype=np.int64)
    variants[0, :n] = tokens  # the document itself, predicted in the same batches
    for i in range(n):
        variants[i + 1, : n - 1] = np.delete(tokens, i)
    proba = np.concatenate([clf.predict_proba(variants[s : s + batch_size])[:, label]
                            for s in range(0, n + 1, batch_size)])
    logp = np.log(np.maximum(proba, np.finfo(np.float32).tiny))
    return logp[0] - logp[1:]

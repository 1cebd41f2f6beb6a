"""Small data and callbacks the tests share."""

import tracemalloc

import numpy as np
import scipy.sparse as sp
from skorch.callbacks import Callback

#: The network alone, small: the estimators' own tests fit it many times.
SMALL = dict(embedding_dim=8, hidden_size=8, max_epochs=3, batch_size=16, lr=0.01, random_state=0)


def make_reviews(rng, n=120):
    """Short documents whose label is the sentiment word each holds."""
    good, bad = ["great", "excellent", "superb"], ["poor", "awful", "boring"]
    filler = ["the", "movie", "plot", "acting", "was", "and", "a", "script"]
    docs, labels = [], []
    for _ in range(n):
        label = rng.randint(2)
        words = list(rng.choice(filler, rng.randint(2, 8)))
        words.insert(rng.randint(len(words) + 1), rng.choice(good if label else bad))
        docs.append(" ".join(words))
        labels.append("pos" if label else "neg")
    return docs, np.array(labels)


def semi_supervised_data(n=240, n_labelled=60, seed=0):
    """Ids below 40; the label says whether id 5 occurs; all but ``n_labelled`` rows unlabelled (-1)."""
    rng = np.random.RandomState(seed)
    X = rng.randint(2, 40, size=(n, 12))
    y = (X == 5).any(axis=1).astype(int)
    y_semi = y.copy()
    y_semi[n_labelled:] = -1
    return X, y, y_semi


def epoch_rows(clf, epoch=0, prefix="train"):
    """Rows a network trained (or validated) on in one epoch, from skorch's batch history."""
    return sum(b[f"{prefix}_batch_size"] for b in clf.net_.history[epoch]["batches"] if f"{prefix}_batch_size" in b)


class InterruptAt(Callback):
    """Raises KeyboardInterrupt in the given epoch, as Ctrl+C would."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


class RecordRate(Callback):
    """Records the learning rate of every training batch."""

    def on_batch_end(self, net, training=False, **kwargs):
        if training:
            net.history.record_batch("rate", net.optimizer_.param_groups[0]["lr"])


class RecordValidation(Callback):
    """Collects the targets of every validation batch of the last epoch."""

    def on_epoch_begin(self, net, **kwargs):
        self.targets = []

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        if not training:
            self.targets.append(batch[1].numpy())


def traced_peak(fit):
    """``fit()``'s result and the peak of numpy's and scipy's allocations during it (torch's are not traced)."""
    tracemalloc.start()
    try:
        result = fit()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def lbfgs_feature_bytes():
    """Bytes of one non-zero TF-IDF entry held once for scikit-learn's lbfgs: its value, in the dtype
    the solver keeps sparse float32 input in (float32 from scikit-learn 1.9 on, float64 before), and an
    int32 column index. Found from scikit-learn itself, apart from the package's own detection."""
    from sklearn.linear_model import LogisticRegression

    kept = LogisticRegression().fit(sp.csr_matrix(np.eye(2, dtype=np.float32)), [0, 1]).coef_.dtype
    return kept.itemsize + 4


def many_short_rows(n=40000, length=30, n_tokens=60, seed=0):
    """Random ids below ``n_tokens`` and binary labels: enough rows that the TF-IDF features dominate."""
    rng = np.random.RandomState(seed)
    return rng.randint(2, n_tokens, size=(n, length)).astype(np.int32), rng.randint(0, 2, n)

"""
Training curves and explanations
================================

Fits a SimpleRNN, an LSTM and a GRU on a small corpus made here, where one word
decides the label, overlays their training curves with
:class:`~sklearn_rnn.plotting.TrainingHistoryDisplay`, and shows which words drove
a prediction with :func:`~sklearn_rnn.inspection.explain`.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.inspection import explain
from sklearn_rnn.plotting import TrainingHistoryDisplay

rng = np.random.RandomState(0)
filler = ["the", "movie", "plot", "was", "a", "and", "actors", "scene", "story", "it"]
docs, labels = [], []
for _ in range(600):
    label = ["neutral", "pos", "neg"][rng.randint(3)]
    words = list(rng.choice(filler, rng.randint(4, 12)))
    if label != "neutral":
        words.insert(rng.randint(len(words) + 1), "superb" if label == "pos" else "dreadful")
    docs.append(" ".join(words))
    labels.append(label)

# %%
# Three cells, the same settings; early stopping keeps each one's best epoch. ``ngrams=None``
# leaves the TF-IDF part out, so that the recurrent network alone predicts and its attention
# weights explain the predictions.
models = {
    cell: make_pipeline(
        SequenceVectorizer(max_len=50),
        RecurrentTextClassifier(cell=cell, bidirectional=True, pooling="attention", embedding_dim=16,
                                hidden_size=16, ngrams=None, lr=0.01, max_epochs=15, early_stopping=True,
                                n_iter_no_change=3, validation_fraction=0.25, random_state=0),
    ).fit(docs, labels)
    for cell in ("rnn", "lstm", "gru")
}
display = TrainingHistoryDisplay.from_estimator(list(models.values()), names=["SimpleRNN", "LSTM", "GRU"])
display.figure_.suptitle("Loss and accuracy per epoch")
plt.show()

# %%
# The words behind two predictions: attention weights of the bidirectional GRU,
# and occlusion (the fall in log-probability when a word is dropped).
texts = ["the plot was superb and the actors", "it was a dreadful story"]
for method in ("attention", "occlusion"):
    explanation = explain(models["gru"], texts, method=method)
    print(method)
    print(explanation.pivot_table(index="document", columns="position", values="weight").round(2))

explanation.plot(document=0)
plt.tight_layout()
plt.show()

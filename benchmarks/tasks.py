"""The text tasks the accuracy benchmarks choose defaults on: several kinds of text, not one corpus.

Each loader returns ``(X_train, y_train, X_test, y_test, metric)``. The data
comes from ``$SKLEARN_RNN_DATA`` (IMDB's archive, AG News's CSV) or is made here:

- ``imdb``, ``imdb-5k``, ``imdb-1k``: long reviews, 2 classes (25,000, 5,000
  or 1,000 training reviews; the 25,000 test reviews);
- ``imdb-first``: the first sentence of each review (median 20 tokens), a
  short-text sentiment task like the held-out snippets (10,000 / 10,000);
- ``agnews``: short news, 4 topics: the 7,600 AG News test articles split
  5,600 / 2,000 by ``np.random.default_rng(0).permutation``, the split on
  which ``../shared/data/README.md`` measured TF-IDF + LR at 88.60%;
- ``agnews-titles``: the first 12 tokens of the same articles (a headline);
- ``sms``: 5,000 / 2,000 made-up SMS-like messages, 13% spam, macro-F1.
"""

import csv
import os
import re
from pathlib import Path

import numpy as np

__all__ = ["TASKS", "load_task"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _data_home():
    return Path(os.environ.get("SKLEARN_RNN_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def make_sms(n, seed):
    """Short messages, 13% spam: spam uses offer words, ham everyday words; both share fillers."""
    rng = np.random.RandomState(seed)
    spam_words = ["free", "win", "prize", "claim", "cash", "urgent", "call", "txt", "offer", "now", "reply",
                  "guaranteed", "winner", "award", "mobile"]
    ham_words = ["home", "later", "dinner", "ok", "love", "tomorrow", "meeting", "sorry", "lunch", "work", "see",
                 "tonight", "thanks", "bus", "class"]
    fillers = ["you", "the", "to", "a", "i", "is", "and", "for", "your", "me", "my", "it", "on", "at", "be"]
    docs, labels = [], []
    for _ in range(n):
        spam = rng.uniform() < 0.13
        own, other = (spam_words, ham_words) if spam else (ham_words, spam_words)
        words = list(rng.choice(fillers, rng.randint(3, 12)))
        words += list(rng.choice(own, rng.randint(1, 4)))
        if rng.uniform() < 0.3:  # messages borrow from the other kind now and then
            words.append(rng.choice(other))
        rng.shuffle(words)
        docs.append(" ".join(words))
        labels.append("spam" if spam else "ham")
    return docs, np.array(labels)


def _imdb(n_train, n_test):
    from sklearn_rnn.datasets import fetch_imdb

    train, test = fetch_imdb(subset="train"), fetch_imdb(subset="test")
    return train.data[:n_train], train.target[:n_train], test.data[:n_test], test.target[:n_test]


def _first_sentence(doc):
    text = doc.replace("<br />", " ")
    return _SENTENCE.split(text.strip(), maxsplit=1)[0]


def _agnews():
    with open(_data_home() / "ag_news_test.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    order = np.random.default_rng(0).permutation(len(rows))  # the split of ../shared/data/README.md (TF-IDF 88.60%)
    texts = [rows[i]["text"] for i in order]
    labels = np.array([int(rows[i]["label"]) for i in order])
    return texts[:5600], labels[:5600], texts[5600:7600], labels[5600:7600]


def load_task(task):
    """The split and metric of ``task`` (one of :data:`TASKS`)."""
    if task == "sms":
        X_train, y_train = make_sms(5000, seed=0)
        X_test, y_test = make_sms(2000, seed=1)
        return X_train, y_train, X_test, y_test, "macro-F1"
    if task in ("imdb", "imdb-5k", "imdb-1k"):
        n = {"imdb": 25000, "imdb-5k": 5000, "imdb-1k": 1000}[task]
        return (*_imdb(n, 25000), "accuracy")
    if task == "imdb-first":
        X_train, y_train, X_test, y_test = _imdb(10000, 10000)
        return ([_first_sentence(d) for d in X_train], y_train, [_first_sentence(d) for d in X_test], y_test,
                "accuracy")
    if task == "agnews":
        return (*_agnews(), "accuracy")
    if task == "agnews-titles":
        X_train, y_train, X_test, y_test = _agnews()
        return ([" ".join(d.split()[:12]) for d in X_train], y_train, [" ".join(d.split()[:12]) for d in X_test],
                y_test, "accuracy")
    raise ValueError(f"unknown task {task!r}; the tasks are {TASKS}")


TASKS = ("imdb", "imdb-5k", "imdb-1k", "imdb-first", "agnews", "agnews-titles", "sms")

"""The run of issue 26, as a user would do it: the defaults on 2,000 IMDB reviews, sizes and epochs shrunk.

Each candidate of a grid over what the network is made of gets a score of its own, and the labels
{-1, 0, 1} are three classes."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import fetch_imdb

SHRUNK = dict(hidden_size=8, embedding_dim=8, max_epochs=2, random_state=0, n_threads=1)


@pytest.fixture(scope="module")
def reviews(tmp_path_factory):
    from conftest import find_imdb_home

    home = find_imdb_home()
    with pytest.MonkeyPatch.context() as patch:  # the parse's cache stays out of the user's home
        patch.setenv("SKLEARN_RNN_CACHE", str(tmp_path_factory.mktemp("imdb_cache")))
        data = fetch_imdb(subset="train", data_home=home)
    return data.data[:2000], data.target[:2000]


def _search(reviews, grid):
    docs, y = reviews
    pipe = Pipeline([("vec", SequenceVectorizer(max_len=200)), ("clf", RecurrentTextClassifier(**SHRUNK))])
    search = GridSearchCV(pipe, grid, cv=StratifiedKFold(2), scoring="neg_log_loss", error_score="raise")
    return search.fit(docs, y).cv_results_


def test_a_grid_over_cell_scores_every_cell_apart(reviews):
    scores = _search(reviews, {"clf__cell": ["rnn", "lstm", "gru"]})["mean_test_score"]
    assert len(set(np.round(scores, 6))) == 3, scores


def test_a_grid_over_regularizer_initializer_and_optimizer_scores_every_candidate_apart(reviews):
    results = _search(reviews, {"clf__regularizer": ["l1", "l2"], "clf__initializer": ["glorot_uniform", "orthogonal"],
                                "clf__optimizer": ["adam", "rmsprop"]})
    scores = results["mean_test_score"]
    assert len(set(np.round(scores, 6))) == 8, scores


def test_labels_minus_one_zero_one_are_three_classes(reviews):
    docs, y = reviews
    labels = np.where(np.arange(len(y)) % 5 == 0, -1, y)  # a third label, -1, beside 0 and 1
    model = Pipeline([("vec", SequenceVectorizer(max_len=200)), ("clf", RecurrentTextClassifier(**SHRUNK))])
    model.fit(docs, labels)
    assert model[-1].classes_.tolist() == [-1, 0, 1]
    assert model.predict_proba(docs[:5]).shape == (5, 3)

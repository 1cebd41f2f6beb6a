"""explain(): the deciding word gets the top weight, by attention and by occlusion."""

import time

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.inspection import Explanation, explain


def toy_corpus(rng, n=300):
    """Filler words everywhere; 'superb' makes a review pos, 'dreadful' neg, neither neutral."""
    filler = ["the", "movie", "plot", "was", "a", "and", "actors", "scene", "story", "it"]
    docs, labels = [], []
    for _ in range(n):
        label = ["neutral", "pos", "neg"][rng.randint(3)]
        words = list(rng.choice(filler, rng.randint(4, 10)))
        if label != "neutral":
            words.insert(rng.randint(len(words) + 1), "superb" if label == "pos" else "dreadful")
        docs.append(" ".join(words))
        labels.append(label)
    return docs, np.array(labels)


@pytest.fixture(scope="module")
def models():
    rng = np.random.RandomState(0)
    docs, labels = toy_corpus(rng)
    common = dict(embedding_dim=16, hidden_size=16, lr=0.03, max_epochs=12, batch_size=16, random_state=0,
                  validation_fraction=0.0)
    attention = make_pipeline(SequenceVectorizer(max_len=400), RecurrentTextClassifier(pooling="attention",
                                                                                    bidirectional=True, ngrams=None,
                                                                                    **common))
    last = make_pipeline(SequenceVectorizer(max_len=400), RecurrentTextClassifier(cell="gru", **common))
    return attention.fit(docs, labels), last.fit(docs, labels)


@pytest.mark.parametrize("which, method", [(0, "attention"), (0, "occlusion"), (1, "occlusion")])
def test_the_deciding_word_gets_the_top_weight(models, which, method):
    texts = ["the plot was superb and the actors", "it was a dreadful story", "superb"]
    result = explain(models[which], texts, method=method)
    assert isinstance(result, Explanation) and result.method == method
    assert list(result.columns) == ["document", "position", "token", "weight", "label"]
    top = result.loc[result.groupby("document")["weight"].idxmax(), "token"].tolist()
    assert top == ["superb", "dreadful", "superb"]
    first = result[result["document"] == 0]
    assert first["token"].tolist() == texts[0].split()
    assert result.groupby("document")["label"].first().tolist() == ["pos", "neg", "pos"]
    if method == "attention":
        np.testing.assert_allclose(first["weight"].sum(), 1.0, rtol=1e-5)


def test_auto_picks_attention_where_the_model_has_it(models):
    assert explain(models[0], ["superb"]).method == "attention"
    assert explain(models[1], ["superb"]).method == "occlusion"


def test_attention_beside_an_ngram_part_is_not_the_whole_story(models):
    wide = clone(models[0]).set_params(recurrenttextclassifier__ngrams="tfidf",
                                       recurrenttextclassifier__max_epochs=1).fit(["superb film", "dull film"], [1, 0])
    assert explain(wide, ["superb"]).method == "occlusion"
    with pytest.raises(ValueError, match="set ngrams=None, or use method='occlusion'"):
        explain(wide, ["superb"], method="attention")


def test_occlusion_of_a_300_token_review_takes_well_under_a_second(models):
    review = " ".join(["the movie was a story and it"] * 43)[:2000] + " superb"
    explain(models[1], [review])  # warm up
    start = time.perf_counter()
    result = explain(models[1], [review])
    assert time.perf_counter() - start < 1.0
    assert len(result) >= 290


def test_html_colours_each_word(models):
    result = explain(models[1], ["a superb <film> & plot", ""])
    page = result._repr_html_()
    assert page.count("<span") == len(result) and "&lt;film&gt;" not in page  # tags stripped by the vectorizer
    assert "rgba(0,160,0" in page  # the supporting word in green


def test_bad_arguments(models):
    with pytest.raises(TypeError, match="explain needs a fitted Pipeline"):
        explain(models[0][-1], ["superb"])
    with pytest.raises(ValueError, match="single str"):
        explain(models[0], "superb")
    with pytest.raises(ValueError, match="needs RecurrentTextClassifier\\(pooling='attention'\\)"):
        explain(models[1], ["superb"], method="attention")
    with pytest.raises(ValueError, match="method must be"):
        explain(models[0], ["superb"], method="gradients")


def test_plot_draws_a_bar_per_token_coloured_by_sign(models):
    import matplotlib

    matplotlib.use("Agg")
    result = explain(models[1], ["the plot was superb", "dreadful"])
    ax = result.plot(document=0)
    bars = ax.patches
    first = result[result["document"] == 0]
    assert [b.get_width() for b in bars] == pytest.approx(first["weight"].tolist())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0: the", "1: plot", "2: was", "3: superb"]
    superb = bars[3]
    assert superb.get_facecolor()[:3] == matplotlib.colors.to_rgb("tab:green")
    assert "predicted 'pos'" in ax.get_title()
    with pytest.raises(ValueError, match="no document 5"):
        result.plot(document=5)

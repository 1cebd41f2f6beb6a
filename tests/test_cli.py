"""The sklearn-rnn command line on small data made here.

Most commands run through :func:`sklearn_rnn.cli.main` in this interpreter, with its standard streams
captured; the installed entry point (``python -m sklearn_rnn`` in a fresh interpreter) trains the shared
model, predicts once, reports one error and runs the search on a Dask scheduler.
"""

import bz2
import contextlib
import csv
import io
import json
import os
import subprocess
import sys
import tarfile
import types
from unittest import mock

import numpy as np
import pandas as pd
import pytest

from sklearn_rnn import RecurrentTextClassifier, SequenceVectorizer
from sklearn_rnn.cli import build_pipeline, main, parse_params, parse_value
from sklearn_rnn._validation import InvalidParameterError

# The tests train a dozen small models and start fresh interpreters (torch imported anew): a minute in all.
pytestmark = pytest.mark.slow

POSITIVE = ["great", "loved", "wonderful", "superb", "moving"]
NEGATIVE = ["awful", "boring", "dull", "terrible", "waste"]
FILLER = ["the", "film", "plot", "actor", "scene", "story", "music", "and", "was", "it"]
SMALL = ["--param", "hidden_size=8", "--param", "embedding_dim=8", "--param", "max_epochs=8", "--param", "pooling=max",
         "--param", "random_state=0", "--param", "lr=0.03"]


def make_corpus(n, seed):
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for i in range(n):
        label = i % 2
        words = list(rng.choice(FILLER, 8)) + list(rng.choice(POSITIVE if label else NEGATIVE, 2))
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
    return texts, labels


def run_fresh(*args, env=None, stdin=None):
    """Run the CLI in a fresh interpreter; returns the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "sklearn_rnn", *args], capture_output=True, text=True,
                          input=stdin, env={**os.environ, **(env or {})}, timeout=300)


def run(*args, env=None, stdin=None):
    """Run the CLI's ``main`` here, as the console script would; returns what ``run_fresh`` returns.

    An exception that ``main`` does not turn into an exit status propagates and fails the test, as its
    traceback would in a fresh interpreter.
    """
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, env or {}), mock.patch.object(sys, "stdin", io.StringIO(stdin or "")), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            returncode = main(list(args))
        except SystemExit as exit_info:  # argparse's usage errors
            returncode = exit_info.code
    return types.SimpleNamespace(returncode=returncode, stdout=out.getvalue(), stderr=err.getvalue())


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The same small corpus as a fastText .bz2 file, a CSV file and a class folder."""
    root = tmp_path_factory.mktemp("cli_data")
    texts, labels = make_corpus(120, 0)
    with bz2.open(root / "train.ft.txt.bz2", "wt") as f:
        f.writelines(f"__label__{y + 1} {t}\n" for t, y in zip(texts, labels))
    with open(root / "reviews.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["review", "sentiment"])
        writer.writerows(zip(texts, ["pos" if y else "neg" for y in labels]))
    for name in ("neg", "pos"):
        (root / "folder" / name).mkdir(parents=True)
    for i, (t, y) in enumerate(zip(texts, labels)):
        (root / "folder" / ("pos" if y else "neg") / f"{i}.txt").write_text(t)
    return root


@pytest.fixture(scope="module")
def trained(data, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli_model") / "model"
    done = run_fresh("train", "--data", str(data / "reviews.csv"), "--text-column", "review",
                     "--label-column", "sentiment", "--out", str(out), *SMALL)
    assert done.returncode == 0, done.stderr
    return out


def test_parse_value():
    assert parse_value("64,32") == (64, 32)
    assert parse_value("[64, 32]") == (64, 32)
    assert parse_value("0.5") == 0.5 and parse_value("3") == 3
    assert parse_value("gru") == "gru"
    assert parse_value("None") is None and parse_value("true") is True and parse_value("False") is False
    assert parse_value('{"momentum": 0.9}') == {"momentum": 0.9}
    assert parse_params(["cell=gru", "hidden_size=64,32"]) == {"cell": "gru", "hidden_size": (64, 32)}


def test_build_pipeline_routes_each_parameter_to_its_step():
    model = build_pipeline("recurrent", {"cell": "gru", "max_len": 50, "hidden_size": (16, 8)})
    assert isinstance(model[0], SequenceVectorizer) and model[0].max_len == 50
    assert isinstance(model[-1], RecurrentTextClassifier)
    assert model[-1].cell == "gru" and model[-1].hidden_size == (16, 8)
    with pytest.raises(InvalidParameterError, match="use max_epochs"):
        build_pipeline("recurrent", {"epochs": 3})


def test_train_predict_evaluate_on_csv(trained, data):
    assert (trained / "model.safetensors").is_file()
    summary = json.loads((trained / "training.json").read_text())
    assert summary["n_samples"] == 120 and summary["classes"] == ["neg", "pos"]

    done = run_fresh("predict", str(trained), "a great and wonderful film", "boring awful dull waste",
                     "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["label"] for r in rows] == ["pos", "neg"]
    assert all(abs(sum(r["probabilities"].values()) - 1) < 1e-5 for r in rows)

    done = run("evaluate", str(trained), "--data", str(data / "reviews.csv"), "--text-column", "review",
               "--label-column", "sentiment")
    assert done.returncode == 0, done.stderr
    accuracy = float(next(line for line in done.stdout.splitlines() if line.startswith("accuracy")).split()[1])
    assert accuracy > 0.9
    assert "macro-F1" in done.stdout and "precision" in done.stdout and "confusion matrix" in done.stdout


def test_predict_reads_stdin_in_each_format(trained):
    stdin = "superb moving story\n\nterrible boring plot\n"
    table = run("predict", str(trained), stdin=stdin)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].startswith("label") and "p(pos)" in lines[0]
    assert [line.split()[0] for line in lines[1:]] == ["pos", "neg"]  # the blank line is no document
    as_csv = run("predict", str(trained), "--format", "csv", stdin=stdin)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["label"] for r in rows] == ["pos", "neg"]
    assert [r["text"] for r in rows] == ["superb moving story", "terrible boring plot"]


def test_train_on_fasttext_and_folder(data, tmp_path):
    for spec in (data / "train.ft.txt.bz2", data / "folder"):
        out = tmp_path / spec.name
        done = run("train", "--data", str(spec), "--out", str(out), *SMALL, "--param", "cell=gru")
        assert done.returncode == 0, done.stderr
        assert "Fitted on 120 documents" in done.stdout
        done = run("predict", str(out), "great loved superb", "--format", "json")
        label = json.loads(done.stdout)["label"]
        assert label == (2 if spec.name.endswith("bz2") else "pos")  # __label__2, or the folder's name


def test_a_folder_models_class_names_reach_every_output(data, tmp_path):
    out = tmp_path / "folder_model"
    assert run("train", "--data", str(data / "folder"), "--out", str(out), *SMALL).returncode == 0
    assert json.loads((out / "training.json").read_text())["classes"] == ["neg", "pos"]
    # Options stand anywhere: before, between and after the documents.
    as_json = run("predict", str(out), "--format", "json", "a great and wonderful film", "boring awful dull waste")
    assert as_json.returncode == 0, as_json.stderr
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [r["label"] for r in rows] == ["pos", "neg"] and set(rows[0]["probabilities"]) == {"neg", "pos"}
    table = run("predict", "--format", "table", str(out), "superb moving story")
    header = table.stdout.splitlines()[0]
    assert "p(neg)" in header and "p(pos)" in header and table.stdout.splitlines()[1].split()[0] == "pos"
    as_csv = run("predict", str(out), "superb moving story", "--format", "csv")
    assert list(csv.DictReader(io.StringIO(as_csv.stdout)))[0].keys() >= {"label", "p_neg", "p_pos"}
    report = run("evaluate", str(out), "--data", str(data / "folder"))
    assert report.returncode == 0, report.stderr
    lines = report.stdout.splitlines()
    assert any(line.split()[:1] == ["neg"] for line in lines) and any(line.split()[:1] == ["pos"] for line in lines)
    assert not any(line.split()[:1] in (["0"], ["1"]) for line in lines)


@pytest.mark.parametrize("args, message", [
    (["predict", "{tmp}/missing", "text"], "no model at"),
    (["train", "--data", "{tmp}/missing.csv", "--out", "{tmp}/m"], "no such file or folder"),
    (["train", "--data", "{data}/reviews.csv", "--out", "{tmp}/m"], "needs --text-column and --label-column"),
    (["train", "--data", "{data}/reviews.csv", "--text-column", "text", "--label-column", "sentiment",
      "--out", "{tmp}/m"], "'text' is not a column"),
    (["train", "--data", "{data}/folder", "--out", "{tmp}/m", "--param", "epochs=2"], "use max_epochs"),
    (["train", "--data", "{data}/folder", "--out", "{tmp}/m", "--param", "cell=lstmm"], "cell"),
    (["train", "--data", "{data}/folder", "--out", "{tmp}/m", "--param", "cell"], "name=value"),
    (["predict", "{tmp}/bad"], "not a readable safetensors file"),
])
def test_errors_are_one_line_without_traceback(data, tmp_path, args, message):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "model.safetensors").write_bytes(b"not a model")
    done = run(*[a.format(tmp=tmp_path, data=data) for a in args], stdin="")
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_predict_with_empty_stdin_is_an_error(trained):
    done = run("predict", str(trained), stdin="\n\n")
    assert done.returncode == 1 and "standard input was empty" in done.stderr


def test_model_from_another_format_version(trained, tmp_path):
    from safetensors import safe_open
    from safetensors.torch import save_file

    with safe_open(str(trained / "model.safetensors"), framework="pt") as handle:
        tensors = {k: handle.get_tensor(k) for k in handle.keys()}
        metadata = handle.metadata()
    header = json.loads(metadata["sklearn_rnn"])
    header["format_version"] = 99
    (tmp_path / "old").mkdir()
    save_file(tensors, str(tmp_path / "old" / "model.safetensors"), metadata={"sklearn_rnn": json.dumps(header)})
    done = run_fresh("predict", str(tmp_path / "old"), "text")
    assert done.returncode == 1 and "format version 99" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("command", ["demo", "train", "predict", "evaluate", "search"])
def test_every_command_help_has_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out and f"sklearn-rnn {command}" in out


def test_bad_option_value_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--n-train", "0"])
    assert exit_info.value.code == 2
    assert "expected a positive integer" in capsys.readouterr().err


def test_search_writes_cv_results_and_best_model(data, tmp_path):
    grid = tmp_path / "grid.json"
    grid.write_text(json.dumps({"hidden_size": [4, 8], "max_len": [6, 12]}))
    done = run("search", "--data", str(data / "folder"), "--grid", str(grid), "--out", str(tmp_path / "s"),
               "--cv", "2", *SMALL)
    assert done.returncode == 0, done.stderr
    results = pd.read_csv(tmp_path / "s" / "cv_results.csv")
    assert len(results) == 4
    assert set(results["param_recurrenttextclassifier__hidden_size"]) == {4, 8}
    assert set(results["param_sequencevectorizer__max_len"]) == {6, 12}
    assert (tmp_path / "s" / "best_model" / "model.safetensors").is_file()
    summary = json.loads((tmp_path / "s" / "best_model" / "training.json").read_text())
    assert summary["best_score"] == pytest.approx(results["mean_test_score"].max())


def test_search_grid_errors(data, tmp_path):
    grid = tmp_path / "grid.json"
    grid.write_text(json.dumps({"hiden_size": [4, 8]}))
    done = run("search", "--data", str(data / "folder"), "--grid", str(grid), "--out", str(tmp_path / "s"))
    assert done.returncode == 1 and "did you mean hidden_size" in done.stderr
    grid.write_text("{not json")
    done = run("search", "--data", str(data / "folder"), "--grid", str(grid), "--out", str(tmp_path / "s"))
    assert done.returncode == 1 and "not valid JSON" in done.stderr


def make_imdb_archive(path, n_train, n_test):
    """A small aclImdb_v1.tar.gz: the layout of the real one, made-up reviews."""
    with tarfile.open(path, "w:gz") as tar:
        for subset, n in (("train", n_train), ("test", n_test)):
            texts, labels = make_corpus(n, {"train": 1, "test": 2}[subset])
            for i, (text, label) in enumerate(zip(texts, labels)):
                name = f"aclImdb/{subset}/{'pos' if label else 'neg'}/{i}_{8 if label else 2}.txt"
                payload = text.encode()
                info = tarfile.TarInfo(name)
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))


def test_demo_fits_scores_saves_and_classifies(tmp_path):
    make_imdb_archive(tmp_path / "aclImdb_v1.tar.gz", 200, 100)
    out = tmp_path / "demo"
    done = run("demo", "--n-train", "160", "--epochs", "1", "--out", str(out),
               env={"SKLEARN_RNN_DATA": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "Fitting the default pipeline on 160 IMDB reviews" in done.stdout
    assert "Test accuracy on 100 reviews" in done.stdout
    assert (out / "model.safetensors").is_file()
    summary = json.loads((out / "training.json").read_text())
    assert summary["n_samples"] == 160 and summary["classes"] == ["neg", "pos"]  # IMDB's class names
    last = done.stdout.strip().splitlines()[-2:]
    assert all(line.split()[0] in {"neg", "pos"} for line in last)


def test_search_on_a_dask_scheduler(data, tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed (the 'dask' extra)")
    import logging

    grid = tmp_path / "grid.json"
    grid.write_text(json.dumps({"cell": ["lstm", "gru"]}))
    environ = dict(os.environ)  # Dask's nanny writes OMP_NUM_THREADS=1 and malloc settings into it
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as cluster:
        done = run_fresh("search", "--data", str(data / "folder"), "--grid", str(grid), "--out",
                         str(tmp_path / "s"), "--cv", "2", "--scheduler", cluster.scheduler_address, *SMALL)
        assert done.returncode == 0, done.stderr
        assert "(2 workers)" in done.stdout
        workers_ran = cluster.scheduler.task_prefixes  # the fits went through the cluster's scheduler
    os.environ.clear()
    os.environ.update(environ)
    assert any("fit_and_score" in name for name in workers_ran)
    assert len(pd.read_csv(tmp_path / "s" / "cv_results.csv")) == 2


def test_regression_from_a_csv_of_scores(tmp_path):
    texts, labels = make_corpus(160, 3)
    scores = [round(4.0 + 3.0 * y + 0.5 * (i % 3), 1) + 0.05 for i, y in enumerate(labels)]  # non-integer: auto
    with open(tmp_path / "scores.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["review", "score"])
        writer.writerows(zip(texts, scores))
    out = tmp_path / "reg"
    data = ["--data", str(tmp_path / "scores.csv"), "--text-column", "review", "--label-column", "score"]
    done = run("train", *data, "--out", str(out), *SMALL[:-2], "--param", "lr=0.02", "--param", "max_epochs=30")
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "training.json").read_text())
    assert summary["task"] == "regression" and "classes" not in summary
    assert "RecurrentTextRegressor" in (out / "model.safetensors").read_bytes()[:20000].decode("latin-1")
    rows = [json.loads(line) for line in run("predict", str(out), "--format", "json", "great loved superb",
                                             "awful boring dull").stdout.splitlines()]
    assert rows[0]["prediction"] > rows[1]["prediction"] + 1.5  # about 7 stars against about 4
    report = run("evaluate", str(out), *data)
    assert report.returncode == 0, report.stderr
    assert float(next(line for line in report.stdout.splitlines() if line.startswith("R2")).split()[1]) > 0.5
    done = run("train", *data, "--out", str(tmp_path / "no"), "--model", "blend", "--task", "regression")
    assert done.returncode == 1 and "has no regressor" in done.stderr

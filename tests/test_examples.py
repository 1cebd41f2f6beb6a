"""The example scripts run end to end on small subsets of the real IMDB archive."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(script, *args, home, cwd):
    env = {**os.environ, "SKLEARN_RNN_DATA": str(home)}
    done = subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_quickstart(imdb_home, tmp_path):
    out = run("plot_imdb_quickstart.py", "--n-train", "300", "--n-test", "200", "--epochs", "1",
              home=imdb_home, cwd=tmp_path)
    assert "test accuracy on 200 reviews" in out
    assert "An excellent movie!" in out and "poor acting" in out


def test_ratings_example(imdb_home, tmp_path):
    out = run("plot_imdb_ratings.py", "--n-train", "300", "--n-test", "200", "--epochs", "1",
              "--out", str(tmp_path / "ratings.png"), home=imdb_home, cwd=tmp_path)
    assert "RecurrentTextRegressor" in out and "TF-IDF + Ridge" in out and " R2 " in out
    assert (tmp_path / "ratings.png").stat().st_size > 10_000


def test_compare_models_quick(imdb_home, tmp_path):
    run("compare_models.py", "--quick", "--epochs", "1", "--out", str(tmp_path / "cmp"), home=imdb_home, cwd=tmp_path)
    table = pd.read_csv(tmp_path / "cmp.csv")
    assert len(table) == 9
    assert set(table.columns) == {"model", "parameters", "recurrent layer parameters", "fit seconds", "test accuracy"}
    assert (tmp_path / "cmp.png").stat().st_size > 10_000
    lstm = table.set_index("model").loc["LSTM"]
    assert lstm["recurrent layer parameters"] == 8448


def test_grid_search_example(imdb_home, tmp_path):
    out_csv = tmp_path / "grid.csv"
    run("grid_search_regularizer_initializer_optimizer.py", "--n-samples", "90", "--out", str(out_csv),
        home=imdb_home, cwd=tmp_path)
    results = pd.read_csv(out_csv)
    assert len(results) == 30
    assert set(results["param_clf__regularizer"]) == {"l1", "l2", "l1_l2"}


def test_distributed_grid_search_example(imdb_home, tmp_path):
    pytest.importorskip("distributed", reason="dask[distributed] is not installed (the 'dask' extra)")
    out = run("distributed_grid_search.py", "--n-samples", "60", "--quick", "--compare", "--out",
              str(tmp_path / "dask.csv"), home=imdb_home, cwd=tmp_path)
    assert "Dask, 2 workers: 36 fits" in out and "1 process: 36 fits" in out
    difference = float(out.split("largest score difference ")[1].split()[0])
    assert difference < 1e-6  # the same scores as the in-process search
    assert len(pd.read_csv(tmp_path / "dask.csv")) == 12


def test_out_of_core_example_streams_a_synthetic_file(tmp_path):
    out = run("out_of_core_amazon.py", "--synthetic-docs", "6000", "--chunksize", "1000", home=tmp_path,
              cwd=tmp_path)
    assert out.count("chunk ") == 6 and "6,000 reviews seen" in out
    accuracy = float(out.split("test accuracy on 5,000 reviews: ")[1].split()[0])
    assert accuracy > 0.9


def test_semi_supervised_example(imdb_home, tmp_path):
    out = run("semi_supervised_imdb.py", "--labels", "40", "80", "--n-unlabelled", "300", "--n-test", "200",
              "--epochs", "1", "--out", str(tmp_path / "semi.png"), home=imdb_home, cwd=tmp_path)
    assert out.count("'model': 'blend + unlabelled'") == 2 and "'unlabelled rows': 300" in out
    assert any(line.startswith("model") and "TF-IDF + LR" in line for line in out.splitlines())  # the table
    assert (tmp_path / "semi.png").stat().st_size > 10_000

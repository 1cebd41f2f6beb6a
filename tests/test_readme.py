"""Every Python block of the README runs as written, on a small corpus.

``fetch_imdb`` is replaced by a loader of 150 short made-up reviews, shuffled
as the real one is, so the blocks run in seconds and without the archive.
"""

import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.utils import Bunch

import sklearn_rnn.datasets

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def small_imdb(*, subset="train", shuffle=True, random_state=42, **kwargs):
    rng = np.random.RandomState(0 if subset == "train" else 1)
    good, bad = ["great", "excellent", "moving"], ["awful", "boring", "poor"]
    filler = ["the", "movie", "plot", "acting", "was", "and", "a", "script", "film"]
    docs, target = [], []
    for label in (0, 1) * 75:  # ordered by class, as the archive is
        words = list(rng.choice(filler, rng.randint(3, 12)))
        words.insert(rng.randint(len(words) + 1), rng.choice(good if label else bad))
        docs.append(" ".join(words))
        target.append(label)
    target = np.array(target)
    if shuffle:
        order = np.random.RandomState(random_state).permutation(len(docs))
        docs, target = [docs[i] for i in order], target[order]
    return Bunch(data=docs, target=target, target_names=["neg", "pos"])


def test_the_readme_has_python_blocks():
    assert len(BLOCKS) >= 3


@pytest.mark.slow  # the Quick start's grid search: over a minute
@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index, monkeypatch, capsys):
    monkeypatch.setattr(sklearn_rnn.datasets, "fetch_imdb", small_imdb)
    exec(compile(BLOCKS[index], f"README.md block {index}", "exec"), {"__name__": "__readme__"})
    printed = capsys.readouterr().out
    # A comment that shows output must match what the block printed.
    for shown in re.findall(r"print\(.*\)\s+# (.+)", BLOCKS[index]):
        assert shown.strip() in printed

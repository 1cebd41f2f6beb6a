"""Parallel grid searches on 2 cores: thread caps, OMP_WAIT_POLICY, and Dask against one process.

Three measurements, each printed with the CPU kind:

1. ``GridSearchCV(n_jobs=2)`` (loky) over a small pipeline with ``n_threads=2``
   against ``n_threads=None``: with the worker thread budget both run at
   one thread per worker (the explicit 2 is capped, with a warning).
2. Plain torch, no sklearn_rnn: two processes that each train a small LSTM
   with 2 threads, with ``OMP_WAIT_POLICY`` unset and set to ``PASSIVE``.
   This is the oversubscription the budget avoids.
3. The notebook-style grid (``examples/distributed_grid_search.py --quick``)
   on a 2-worker ``LocalCluster`` against one process.

Run::

    SKLEARN_RNN_DATA=../shared/data python benchmarks/bench_parallel.py
"""

import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

from _cpu import cpu_kind, cpu_tag  # benchmarks/_cpu.py: the script's folder is on sys.path

ROOT = Path(__file__).resolve().parents[1]

TORCH_CHILD = """
import time, torch

torch.set_num_threads(2)
torch.manual_seed(0)
lstm, head = torch.nn.LSTM(32, 32, batch_first=True), torch.nn.Linear(32, 2)
opt = torch.optim.Adam([*lstm.parameters(), *head.parameters()])
x, y = torch.randn(64, 100, 32), torch.randint(0, 2, (64,))
start = time.perf_counter()
for _ in range(20):
    opt.zero_grad()
    out, _ = lstm(x)
    torch.nn.functional.cross_entropy(head(out[:, -1]), y).backward()
    opt.step()
print(time.perf_counter() - start)
"""


def loky_search(n_threads):
    import numpy as np
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    from sklearn_rnn import KERAS_STYLE, RecurrentTextClassifier, SequenceVectorizer

    rng = np.random.RandomState(0)
    words = np.array(["good", "bad", "film", "plot", "the", "was", "great", "awful"])
    X = [" ".join(rng.choice(words, 40)) for _ in range(400)]
    y = np.array([("good" in d) + ("great" in d) > ("bad" in d) + ("awful" in d) for d in X], dtype=int)
    pipe = make_pipeline(SequenceVectorizer(max_len=40),
                         RecurrentTextClassifier(**KERAS_STYLE, hidden_size=32, embedding_dim=32, max_epochs=2,
                                                 n_threads=n_threads, random_state=0))
    search = GridSearchCV(pipe, {"recurrenttextclassifier__lr": [1e-3, 3e-3]}, cv=2, n_jobs=2)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    return time.perf_counter() - start


def two_torch_processes(wait_policy):
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if wait_policy:
        env["OMP_WAIT_POLICY"] = wait_policy
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", TORCH_CHILD], env=env, stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    each = [float(p.communicate()[0]) for p in procs]
    return time.perf_counter() - start, each


def main():
    results = {"cpu": cpu_kind(), "cores": len(os.sched_getaffinity(0))}
    print(f"CPU: {results['cpu']}, {results['cores']} cores")
    for n_threads in (None, 2):
        seconds = min(loky_search(n_threads) for _ in range(2))
        results[f"loky_search_n_threads_{n_threads}"] = round(seconds, 2)
        print(f"GridSearchCV(n_jobs=2), loky, n_threads={n_threads}: {seconds:.2f} s (best of 2)")
    one = subprocess.run([sys.executable, "-c", TORCH_CHILD], capture_output=True, text=True)
    results["torch_one_process_2_threads"] = round(float(one.stdout), 2)
    print(f"plain torch, one process x 2 threads: {float(one.stdout):.2f} s")
    for policy in (None, "PASSIVE"):
        wall, each = two_torch_processes(policy)
        results[f"torch_two_processes_{policy or 'default'}"] = [round(s, 2) for s in each]
        print(f"plain torch, two processes x 2 threads, OMP_WAIT_POLICY={policy or 'unset'}: "
              f"{', '.join(f'{s:.2f}' for s in each)} s per process ({wall:.1f} s wall)")
    example = subprocess.run([sys.executable, str(ROOT / "examples" / "distributed_grid_search.py"), "--quick",
                              "--compare", "--out", os.devnull], capture_output=True, text=True)
    print(example.stdout.strip() or example.stderr[-2000:])
    results["dask_example"] = example.stdout.strip().splitlines()
    out = ROOT / "benchmarks" / "results" / f"parallel_{cpu_tag(results['cpu'])}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()

import http.server
import os
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_homes(tmp_path_factory, monkeypatch):
    """Keep every test's caches out of the user's home."""
    monkeypatch.setenv("SKLEARN_RNN_CACHE", str(tmp_path_factory.mktemp("cache")))


def find_imdb_home():
    """The data home holding the real IMDB archive, or a skip with the reason."""
    for candidate in (os.environ.get("SKLEARN_RNN_DATA"), SHARED_DATA):
        if candidate and (Path(candidate) / "aclImdb_v1.tar.gz").exists():
            return Path(candidate)
    pytest.skip("aclImdb_v1.tar.gz not found in $SKLEARN_RNN_DATA or ../shared/data")


@pytest.fixture
def imdb_home():
    """The data home holding the real IMDB archive, or a skip with the reason."""
    return find_imdb_home()


@pytest.fixture
def rng():
    return np.random.RandomState(0)


@pytest.fixture
def ids_data(rng):
    """80 pre-padded rows of 0-12 ids below 30; the label says whether id 5 occurs."""
    n, width = 80, 12
    X = np.zeros((n, width), dtype=np.int64)
    for i, length in enumerate(rng.randint(0, width + 1, n)):
        X[i, width - length:] = rng.randint(2, 30, length)
    return X, (X == 5).any(axis=1).astype(int)


@pytest.fixture(autouse=True)
def _few_threads():
    # Tests use tiny models: more threads only add overhead on 2 cores.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


class _Handler(http.server.BaseHTTPRequestHandler):
    payload = b""
    truncate_to = None  # send only this many bytes but announce the full size

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        body = self.payload if self.truncate_to is None else self.payload[: self.truncate_to]
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A local HTTP server on 127.0.0.1 that serves _Handler.payload."""
    handler = type("Handler", (_Handler,), {})
    httpd = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{httpd.server_address[1]}/aclImdb_v1.tar.gz"
    httpd.shutdown()
    httpd.server_close()

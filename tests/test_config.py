"""The runtime configuration and the context that applies it around fit and predict."""

import threading

import pytest
import torch
from skorch.callbacks import Callback

import sklearn_rnn
from sklearn_rnn import RecurrentTextClassifier, config_context, get_config, set_config
from sklearn_rnn._config import flush_denormal_enabled, runtime

SMALL = dict(embedding_dim=8, hidden_size=8, max_epochs=2, batch_size=16, lr=0.01, random_state=0)


@pytest.fixture(autouse=True)
def _clean_flags():
    torch.set_flush_denormal(False)
    yield
    torch.set_flush_denormal(False)


def test_defaults_and_set_config_round_trip():
    assert get_config() == {"flush_denormal": True, "retain_heap": True}
    set_config(flush_denormal=False)
    try:
        assert get_config()["flush_denormal"] is False
        assert get_config()["retain_heap"] is True  # None leaves a key alone
    finally:
        set_config(flush_denormal=True)
    with pytest.raises(TypeError, match="flush_denormal must be True or False"):
        set_config(flush_denormal="yes")


def test_config_context_restores_after_an_error():
    with pytest.raises(RuntimeError, match="boom"):
        with config_context(retain_heap=False):
            assert get_config()["retain_heap"] is False
            raise RuntimeError("boom")
    assert get_config()["retain_heap"] is True


def test_config_is_thread_local_and_new_threads_take_the_main_threads_values():
    seen = {}

    def worker():
        seen["start"] = get_config()["flush_denormal"]
        set_config(flush_denormal=True)

    with config_context(flush_denormal=False):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert get_config()["flush_denormal"] is False  # the worker's set_config stayed in its thread
    assert seen["start"] is False


def test_runtime_restores_threads_flag_and_rng():
    torch.set_num_threads(1)
    torch.manual_seed(5)
    expected = torch.rand(1)
    torch.manual_seed(5)
    with runtime(n_threads=2, seed=0):
        assert torch.get_num_threads() == 2
        assert flush_denormal_enabled()
        torch.rand(10)
    assert torch.get_num_threads() == 1
    assert not flush_denormal_enabled()
    assert torch.equal(torch.rand(1), expected)


def test_runtime_restores_state_after_an_error():
    with pytest.raises(RuntimeError, match="boom"):
        with runtime(n_threads=2, seed=3):
            raise RuntimeError("boom")
    assert not flush_denormal_enabled() and torch.get_num_threads() == 1


def test_flush_denormal_can_be_turned_off():
    with config_context(flush_denormal=False), runtime():
        assert not flush_denormal_enabled()
    with runtime():
        assert flush_denormal_enabled()


def test_an_unseeded_runtime_leaves_torchs_generator_alone():
    torch.manual_seed(7)
    expected = torch.rand(2)
    torch.manual_seed(7)
    with runtime():
        first = torch.rand(1)
    assert torch.equal(torch.cat([first, torch.rand(1)]), expected)


class RecordThreads(Callback):
    """Reads the torch thread count and the denormal flag inside each epoch."""

    def __init__(self, log):
        self.log = log

    def on_epoch_begin(self, net, **kwargs):
        self.log.append((torch.get_num_threads(), flush_denormal_enabled()))


def test_two_fits_in_two_threads_keep_their_own_threads_and_restore_everything(ids_data):
    X, y = ids_data
    torch.set_num_threads(1)
    torch.manual_seed(11)
    expected_draw = torch.rand(1)
    torch.manual_seed(11)
    logs, errors, after = {1: [], 2: []}, [], {}
    start = threading.Barrier(2)

    def fit(n_threads):
        try:
            torch.set_num_threads(1)
            # torch sets a thread's count lazily, at its first parallel call, to the process-wide value
            # last set by any thread; that call happens here, before the other thread can set 2.
            torch.get_num_threads()
            start.wait()
            RecurrentTextClassifier(**{**SMALL, "max_epochs": 6}, n_threads=n_threads,
                                    callbacks=[RecordThreads(logs[n_threads])]).fit(X, y)
            after[n_threads] = (torch.get_num_threads(), flush_denormal_enabled())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fit, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    # Each fit ran every epoch with its own thread count, whatever the other did.
    assert logs[1] == [(1, True)] * 6
    assert logs[2] == [(2, True)] * 6
    assert after == {1: (1, False), 2: (1, False)}
    # The main thread and torch's shared generator are as they were.
    assert torch.get_num_threads() == 1 and not flush_denormal_enabled()
    assert torch.equal(torch.rand(1), expected_draw)


def test_seeded_blocks_that_overlap_restore_the_generator_once_the_last_closes():
    torch.manual_seed(1)
    expected = torch.rand(1)
    torch.manual_seed(1)
    outer = runtime(seed=5)
    inner = runtime(seed=6)
    outer.__enter__()
    inner.__enter__()
    outer.__exit__(None, None, None)  # closes first, as a shorter fit in another thread would
    inner.__exit__(None, None, None)
    assert torch.equal(torch.rand(1), expected)


def test_public_api_exports_the_config():
    assert {"set_config", "get_config", "config_context"} <= set(sklearn_rnn.__all__)
    assert sklearn_rnn.set_config is set_config and sklearn_rnn.config_context is config_context

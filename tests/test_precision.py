"""Devices and precisions: CUDA where present, bfloat16 where the CPU has its instructions."""

import numpy as np
import pytest
import torch
from helpers import SMALL

from sklearn_rnn import RecurrentTextClassifier, _hardware


def test_cuda_unavailable_is_a_clear_error(ids_data):
    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    X, y = ids_data
    with pytest.raises(ValueError, match="no CUDA device"):
        RecurrentTextClassifier(**SMALL, device="cuda").fit(X, y)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_path_matches_cpu(ids_data):
    X, y = ids_data
    cpu = RecurrentTextClassifier(**SMALL, bidirectional=True).fit(X, y)
    gpu = RecurrentTextClassifier(**SMALL, bidirectional=True, device="cuda").fit(X, y)
    assert gpu.net_.module_.encoder.packed
    np.testing.assert_allclose(gpu.predict_proba(X), cpu.predict_proba(X), atol=1e-3)


def _check_bfloat16_fit(clf, X):
    assert clf.precision_ == "bfloat16" and clf.net_.autocast_bf16
    assert clf.net_.module_.embedding.embedding.weight.dtype == torch.float32  # master weights
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    alone = np.vstack([clf.predict_proba(X[i:i + 1]) for i in range(0, len(X), 11)])
    np.testing.assert_allclose(alone, proba[::11], atol=1e-2)
    clf.net_.autocast_bf16 = False  # the same weights, float32 compute
    float32 = clf.predict_proba(X)
    np.testing.assert_allclose(float32, proba, atol=2e-2)
    assert not np.array_equal(float32, proba)  # bfloat16 really ran


@pytest.mark.skipif(not _hardware.bfloat16_supported("cpu"), reason="this CPU has no bfloat16 LSTM kernels "
                    "(needs AVX-512 BF16 or AMX); the fallback is tested with the detection mocked")
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_bfloat16_precision_on_a_cpu_that_supports_it(ids_data, cell):
    X, y = ids_data
    _check_bfloat16_fit(RecurrentTextClassifier(**SMALL, cell=cell, bidirectional=True,
                                                precision="bfloat16").fit(X, y), X)


def test_bfloat16_runs_where_detection_says_so(ids_data, monkeypatch):
    X, y = ids_data
    monkeypatch.setattr(_hardware, "bfloat16_supported", lambda device_type: True)
    # A GRU under autocast runs on every CPU (an AVX2 one emulates bfloat16).
    _check_bfloat16_fit(RecurrentTextClassifier(**SMALL, cell="gru", bidirectional=True,
                                                precision="bfloat16").fit(X, y), X)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_bfloat16_falls_back_to_float32_with_one_warning_where_unsupported(ids_data, monkeypatch, cell):
    X, y = ids_data
    monkeypatch.setattr(_hardware, "bfloat16_supported", lambda device_type: False)
    with pytest.warns(UserWarning, match="AVX-512 BF16 or AMX") as record:
        clf = RecurrentTextClassifier(**SMALL, cell=cell, precision="bfloat16").fit(X, y)
    assert len(record) == 1
    assert clf.precision_ == "float32" and not clf.net_.autocast_bf16
    reference = RecurrentTextClassifier(**SMALL, cell=cell).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), reference.predict_proba(X))
    with pytest.raises(ValueError, match="'precision' parameter"):
        RecurrentTextClassifier(**SMALL, precision="float16").fit(X, y)


def test_the_bfloat16_probe_matches_what_the_lstm_kernel_does():
    lstm = torch.nn.LSTM(8, 8, batch_first=True)
    try:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            lstm(torch.zeros(4, 5, 8))[0].float().sum().backward()
        works = True
    except RuntimeError:
        works = False
    assert _hardware.bfloat16_supported("cpu") is works

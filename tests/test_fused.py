"""The fused GRU/RNN kernel (sklearn_rnn/modules/fused.py and _cells.c) against torch.nn."""

import ctypes
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from sklearn_rnn.modules import RecurrentNet, fused
from sklearn_rnn.modules.fused import FusedGRU, FusedRNN, fused_cells_status

AVAILABLE, REASON = fused_cells_status()
needs_kernel = pytest.mark.skipif(not AVAILABLE, reason=f"fused kernel unavailable: {REASON}")
PAIRS = [(FusedGRU, nn.GRU), (FusedRNN, nn.RNN)]


@pytest.fixture
def calls(monkeypatch):
    """Counts the calls into the C library's forward functions."""
    counts = {"forward": 0}
    for cls in (fused._GRUFunction, fused._RNNFunction):
        original = cls.forward

        def counted(ctx, *args, _original=original):
            counts["forward"] += 1
            return _original(ctx, *args)

        monkeypatch.setattr(cls, "forward", staticmethod(counted))
    return counts


def _grads(output, h_n, inputs):
    weights = torch.linspace(-1, 1, output.shape[-1])
    return torch.autograd.grad((output * weights).pow(2).sum() + h_n.sum(), inputs)


@needs_kernel
@pytest.mark.parametrize("layer, reference", PAIRS)
@pytest.mark.parametrize("hidden, steps, batch_first, with_hx", [
    (1, 1, True, False), (5, 7, True, True), (33, 12, False, False), (64, 3, False, True)])
def test_outputs_and_gradients_match_torch_nn(calls, layer, reference, hidden, steps, batch_first, with_hx):
    torch.manual_seed(0)
    module = layer(6, hidden, batch_first=batch_first)
    x = torch.randn(*((4, steps) if batch_first else (steps, 4)), 6, requires_grad=True)
    hx = torch.randn(1, 4, hidden, requires_grad=True) if with_hx else None
    out, h_n = module(x, hx)
    assert calls["forward"] == 1
    out_ref, h_ref = reference.forward(module, x, hx)
    torch.testing.assert_close(out, out_ref, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(h_n, h_ref, atol=1e-5, rtol=1e-5)
    inputs = [x, *module.parameters()] + ([hx] if with_hx else [])
    for got, expected in zip(_grads(out, h_n, inputs), _grads(out_ref, h_ref, inputs)):
        torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-4)


@needs_kernel
@pytest.mark.parametrize("layer, reference", PAIRS)
def test_the_final_state_carries_its_own_gradient(layer, reference):
    torch.manual_seed(1)
    module = layer(3, 4, batch_first=True)
    x = torch.randn(2, 5, 3, requires_grad=True)
    got = torch.autograd.grad(module(x)[1].pow(2).sum(), [x, module.weight_hh_l0])
    expected = torch.autograd.grad(reference.forward(module, x)[1].pow(2).sum(), [x, module.weight_hh_l0])
    for a, b in zip(got, expected):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)


@needs_kernel
@pytest.mark.parametrize("layer, reference", PAIRS)
def test_inference_without_gradients_matches(calls, layer, reference):
    torch.manual_seed(2)
    module = layer(3, 8, batch_first=True)
    x = torch.randn(5, 9, 3)
    with torch.inference_mode():
        got = module(x)[0]
        expected = reference.forward(module, x)[0]
    assert calls["forward"] == 1
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)


@needs_kernel
def test_large_inputs_saturate_like_torch():
    torch.manual_seed(3)
    for module, reference in ((FusedGRU(2, 3, batch_first=True), nn.GRU), (FusedRNN(2, 3, batch_first=True), nn.RNN)):
        x = torch.tensor([[[1e4, -1e4], [-200.0, 90.0], [0.0, 1e-30]]])
        torch.testing.assert_close(module(x)[0], reference.forward(module, x)[0], atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("make, case", [
    (lambda: FusedGRU(3, 4, num_layers=2, batch_first=True), "two layers"),
    (lambda: FusedGRU(3, 4, bidirectional=True, batch_first=True), "bidirectional"),
    (lambda: FusedRNN(3, 4, nonlinearity="relu", batch_first=True), "relu"),
    (lambda: FusedGRU(3, 4, batch_first=True).double(), "float64"),
])
def test_other_configurations_run_torch_nn_code(calls, make, case):
    module = make()
    x = torch.randn(2, 5, 3, dtype=module.weight_hh_l0.dtype)
    reference = nn.GRU if isinstance(module, nn.GRU) else nn.RNN
    torch.testing.assert_close(module(x)[0], reference.forward(module, x)[0])
    assert calls["forward"] == 0, case


def test_packed_sequences_and_float16_autocast_run_torch_nn_code(calls):
    module = FusedGRU(3, 4, batch_first=True)
    x = torch.randn(2, 5, 3)
    packed = pack_padded_sequence(x, torch.tensor([5, 2]), batch_first=True)
    module(packed)
    with torch.autocast("cpu", dtype=torch.float16):
        torch.testing.assert_close(module(x)[0], nn.GRU.forward(module, x)[0])
    assert calls["forward"] == 0
    module.fused = False
    module(x)
    assert calls["forward"] == 0
    module.fused = True
    module(x)
    assert calls["forward"] == (1 if AVAILABLE else 0)


BF16 = AVAILABLE and bool(fused._library().skrnn_has_bf16())


@pytest.mark.skipif(not BF16, reason="torch's BLAS has no bfloat16 product (MKL's cblas_gemm_bf16bf16f32)")
@pytest.mark.parametrize("layer, reference", PAIRS)
def test_bfloat16_autocast_runs_the_kernel_with_bfloat16_products(calls, layer, reference):
    torch.manual_seed(4)
    module = layer(6, 16, batch_first=True)
    x = torch.randn(3, 9, 6, requires_grad=True)
    exact, exact_h = reference.forward(module, x)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out, h_n = module(x)
    assert calls["forward"] == 1 and out.dtype == torch.float32
    torch.testing.assert_close(out, exact, atol=3e-2, rtol=3e-2)  # bfloat16 has 8 bits of mantissa
    assert not torch.allclose(out, exact, atol=1e-5)  # the products really ran in bfloat16
    inputs = [x, *module.parameters()]
    for got, expected in zip(_grads(out, h_n, inputs), _grads(exact, exact_h, inputs)):
        torch.testing.assert_close(got, expected, atol=5e-2, rtol=5e-2)


@needs_kernel
@pytest.mark.parametrize("layer, reference", PAIRS)
def test_the_plain_sgemm_path_matches_too(layer, reference):
    # Without MKL's packed products (a BLAS that lacks them), every step calls sgemm.
    lib = fused._library()
    lib.skrnn_set_mkl(None, None, None, None, None)
    try:
        torch.manual_seed(5)
        module = layer(6, 12, batch_first=True)
        x = torch.randn(4, 7, 6, requires_grad=True)
        out, h_n = module(x)
        expected, expected_h = reference.forward(module, x)
        torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-5)
        inputs = [x, *module.parameters()]
        for got, want in zip(_grads(out, h_n, inputs), _grads(expected, expected_h, inputs)):
            torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-4)
    finally:
        fused.give_mkl(lib)


def test_same_parameters_and_state_dict_as_torch_nn():
    torch.manual_seed(4)
    plain = nn.GRU(3, 4, batch_first=True)
    ours = FusedGRU(3, 4, batch_first=True)
    assert list(ours.state_dict()) == list(plain.state_dict())
    ours.load_state_dict(plain.state_dict())
    x = torch.randn(2, 5, 3)
    torch.testing.assert_close(ours(x)[0], plain(x)[0], atol=1e-5, rtol=1e-5)


@pytest.fixture
def unavailable(monkeypatch):
    monkeypatch.setattr(fused, "_state", {"lib": None, "reason": "no C compiler (test)", "loaded": True,
                                          "warned": False})


def test_without_the_library_one_warning_and_torch_nn_results(unavailable, calls):
    torch.manual_seed(5)
    with pytest.warns(RuntimeWarning, match="fused GRU kernel is unavailable: no C compiler") as record:
        gru = FusedGRU(3, 4, batch_first=True)
        FusedRNN(3, 4, batch_first=True)
        FusedGRU(3, 4, batch_first=True)
    assert len([w for w in record if issubclass(w.category, RuntimeWarning)]) == 1
    x = torch.randn(2, 5, 3, requires_grad=True)
    out = gru(x)[0]
    torch.testing.assert_close(out, nn.GRU.forward(gru, x)[0])
    out.sum().backward()
    assert x.grad is not None and calls["forward"] == 0
    assert fused_cells_status() == (False, "no C compiler (test)")


def test_no_warning_when_the_library_is_there():
    if not AVAILABLE:
        pytest.skip(f"fused kernel unavailable: {REASON}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FusedGRU(3, 4)


@needs_kernel
@pytest.mark.parametrize("cell", ["gru", "rnn"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("hidden_size", [6, (5, 3)])
@pytest.mark.parametrize("pooling", ["last", "max", "mean", "attention"])
def test_classifier_net_matches_torch_nn_cells(cell, bidirectional, hidden_size, pooling):
    """Every cell x direction x stack x pooling, outputs and gradients, fused against torch.nn."""
    torch.manual_seed(6)
    net = RecurrentNet(30, 3, embedding_dim=5, hidden_size=hidden_size, cell=cell,
                                 bidirectional=bidirectional, pooling=pooling)
    ids = torch.tensor([[3, 4, 5, 6, 7, 8], [9, 10, 0, 0, 0, 0], [11, 0, 0, 0, 0, 0]])
    lengths = torch.tensor([6, 2, 1])
    layers = [m for m in net.modules() if isinstance(m, (FusedGRU, FusedRNN))]
    assert len(layers) == (2 if bidirectional else 1) * (2 if isinstance(hidden_size, tuple) else 1)
    results = []
    for on in (True, False):
        for layer in layers:
            layer.fused = on
        net.zero_grad()
        logits = net(ids, lengths)
        logits.pow(2).sum().backward()
        results.append((logits.detach(), [p.grad.clone() for p in net.parameters()]))
    (fused_logits, fused_grads), (plain_logits, plain_grads) = results
    torch.testing.assert_close(fused_logits, plain_logits, atol=1e-5, rtol=1e-5)
    for got, expected in zip(fused_grads, plain_grads):
        torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-4)
    # Batch invariance: each row alone gives the logits it gets in the batch.
    for layer in layers:
        layer.fused = True
    for i, length in enumerate(lengths.tolist()):
        alone = net(ids[i:i + 1, :length], lengths[i:i + 1])
        torch.testing.assert_close(alone[0], fused_logits[i], atol=1e-5, rtol=1e-5)


def test_install_without_a_c_compiler_still_builds(tmp_path):
    """The extension is optional: a failing compiler leaves a package without it, not a failed install.
    With the machine's compiler the same build gives the library."""
    root = Path(__file__).resolve().parents[1]
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(root / name, tmp_path / name)
    shutil.copytree(root / "sklearn_rnn", tmp_path / "sklearn_rnn",
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    env = {**os.environ, "CC": str(tmp_path / "no-such-compiler")}
    result = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'extension "sklearn_rnn.modules._cells" failed' in result.stderr
    built = tmp_path / "sklearn_rnn" / "modules"
    assert [p.name for p in built.glob("_cells*")] == ["_cells.c"]
    if shutil.which(os.environ.get("CC", "cc")) is None:
        return
    result = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    (library,) = [p for p in built.glob("_cells*") if p.suffix != ".c"]
    assert ctypes.CDLL(str(library)).skrnn_abi_version() == fused._ABI_VERSION


@needs_kernel
@pytest.mark.parametrize("layer, reference", PAIRS)
def test_a_batch_split_over_threads_matches_one_thread(layer, reference):
    torch.manual_seed(6)
    module = layer(6, 16, batch_first=True)
    x = torch.randn(37, 8, 6, requires_grad=True)  # 37 rows: slices of 18 and 19 on two threads

    def run(threads):
        previous = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            out, h_n = module(x)
            return out, h_n, _grads(out, h_n, [x, *module.parameters()])
        finally:
            torch.set_num_threads(previous)

    one, two, again = run(1), run(2), run(2)
    torch.testing.assert_close(two[0], one[0], atol=1e-6, rtol=1e-6)
    for got, want in zip(two[2], one[2]):
        torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
    assert torch.equal(two[0], again[0]) and all(torch.equal(a, b) for a, b in zip(two[2], again[2]))
    torch.testing.assert_close(two[0], reference.forward(module, x)[0], atol=1e-5, rtol=1e-5)

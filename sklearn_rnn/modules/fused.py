"""GRU and tanh-RNN layers that run the whole sequence in one fused CPU kernel.

``torch.nn.LSTM`` runs as one oneDNN kernel on CPU, but ``torch.nn.GRU`` and
``torch.nn.RNN`` run step by step, several operators per step forward and
backward, so at the sizes used for text classification they train slower than
the LSTM although they do less arithmetic. :class:`FusedGRU` and
:class:`FusedRNN` are drop-in subclasses (same parameters, same
``state_dict``) whose forward and backward passes each make one call into a
small C library, ``_cells.c``, compiled when the package is installed. Per
step that library makes one matrix product with torch's own BLAS and one
vectorized pass over the gate arithmetic.

The fused path serves float32 CPU tensors through a single-layer,
unidirectional layer (the stacking and the backward direction are built from
such layers by :class:`~sklearn_rnn.modules.RecurrentEncoder`). Anything else
(CUDA, bfloat16 autocast, packed sequences, several layers) runs the
``torch.nn`` code. Where the library could not be built or loaded (no C
compiler at install time, or a torch whose BLAS is not reachable), the layers
run ``torch.nn`` code with one ``RuntimeWarning`` per process.
"""

import ctypes
import glob
import importlib.machinery
import os
import threading
import warnings

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence

__all__ = ["FusedGRU", "FusedRNN", "fused_cells_status"]

_ABI_VERSION = 3
_lock = threading.Lock()
_state = {"lib": None, "reason": None, "loaded": False, "warned": False}


def _find_library():
    here = os.path.dirname(os.path.abspath(__file__))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = os.path.join(here, "_cells" + suffix)
        if os.path.exists(path):
            return path
    return None


def _torch_blas():
    """The libraries of torch that may hold its BLAS (MKL is linked into libtorch_cpu on x86 wheels)."""
    lib_dir = os.path.join(os.path.dirname(torch.__file__), "lib")
    for pattern in ("libtorch_cpu.*", "torch_cpu.dll", "libtorch.*"):
        for path in sorted(glob.glob(os.path.join(lib_dir, pattern))):
            try:
                yield ctypes.CDLL(path)
            except OSError:
                continue


def _find_symbol(*names):
    """The address of the first of ``names`` that torch's libraries export, or None."""
    for lib in _torch_blas():
        for name in names:
            try:
                return ctypes.cast(getattr(lib, name), ctypes.c_void_p).value
            except AttributeError:
                continue
    return None


def _find_sgemm():
    """The Fortran ``sgemm`` of the BLAS linked into torch, or None."""
    return _find_symbol("sgemm_", "sgemm", "SGEMM")


def _declare(lib):
    i, p = ctypes.c_int, ctypes.c_void_p
    lib.skrnn_abi_version.restype = i
    lib.skrnn_has_bf16.restype = i
    lib.skrnn_set_sgemm.argtypes = [p]
    lib.skrnn_set_mkl.argtypes = [p] * 5
    lib.skrnn_gru_forward.argtypes = [i, i, i, i, i] + [p] * 8
    lib.skrnn_gru_backward.argtypes = [i, i, i, i] + [p] * 9
    lib.skrnn_rnn_forward.argtypes = [i, i, i, i] + [p] * 6
    lib.skrnn_rnn_backward.argtypes = [i, i, i, i] + [p] * 5
    for name in ("skrnn_set_sgemm", "skrnn_set_mkl"):
        getattr(lib, name).restype = None
    for name in ("skrnn_gru_forward", "skrnn_gru_backward", "skrnn_rnn_forward", "skrnn_rnn_backward"):
        getattr(lib, name).restype = i


def _load():
    path = _find_library()
    if path is None:
        return None, "the C library was not built when the package was installed (no C compiler?)"
    try:
        lib = ctypes.CDLL(path)
        _declare(lib)
    except (OSError, AttributeError) as exc:
        return None, f"the C library {path} could not be loaded ({exc})"
    if lib.skrnn_abi_version() != _ABI_VERSION:
        return None, f"the C library {path} is from another version of sklearn_rnn; reinstall the package"
    sgemm = _find_sgemm()
    if sgemm is None:
        return None, f"torch {torch.__version__} exposes no BLAS sgemm to call"
    lib.skrnn_set_sgemm(sgemm)
    give_mkl(lib)
    if not _self_check(lib):
        return None, f"the fused kernel disagrees with torch.nn.GRU under torch {torch.__version__}"
    return lib, None


def give_mkl(lib):
    """Hand the library MKL's packed products and its bfloat16 product, where torch's BLAS has them
    (x86 wheels); without them every step calls sgemm, and bfloat16 autocast runs torch.nn's code."""
    packed = [_find_symbol(name) for name in ("cblas_sgemm_pack_get_size", "cblas_sgemm_pack", "cblas_sgemm_compute")]
    lib.skrnn_set_mkl(*(packed if all(packed) else [None] * 3), _find_symbol("cblas_gemm_bf16bf16f32"),
                      _find_symbol("mkl_set_num_threads_local_"))


def _self_check(lib):
    """One tiny forward pass against ``torch.nn.GRU``: catches a BLAS with another calling convention.

    It runs the first time a fused layer is built, inside whatever seeded fit builds it, so it must
    not draw from torch's global generator (the GRU's own initialization would): the first fit of a
    process would then start from other weights than the next fit with the same seed.
    """
    generator = torch.Generator().manual_seed(0)
    with torch.random.fork_rng(devices=[]):
        gru = nn.GRU(3, 5, batch_first=True)
    with torch.no_grad():
        for param in gru.parameters():
            param.copy_(torch.randn(param.shape, generator=generator))
        x = torch.randn(2, 4, 3, generator=generator)
        expected = gru(x)[0]
        gi = nn.functional.linear(x, gru.weight_ih_l0, gru.bias_ih_l0).contiguous()
        h0, out, gates, ghn, scratch = (x.new_zeros(2, 5), x.new_empty(2, 4, 5), x.new_empty(2, 15),
                                        x.new_empty(2, 5), x.new_empty(2, 15))
        _call(lib.skrnn_gru_forward, 2, 4, 5, 0, 0, gi.data_ptr(), gru.weight_hh_l0.data_ptr(),
              gru.bias_hh_l0.data_ptr(), h0.data_ptr(), out.data_ptr(), gates.data_ptr(), ghn.data_ptr(),
              scratch.data_ptr())
    return bool(torch.allclose(expected, out, atol=1e-5))


def _call(function, *args):
    if not function(*args):
        raise MemoryError("the fused recurrent kernel could not allocate its packed weights")


def _library():
    if not _state["loaded"]:
        with _lock:
            if not _state["loaded"]:
                _state["lib"], _state["reason"] = _load()
                _state["loaded"] = True
    return _state["lib"]


def fused_cells_status():
    """Whether the fused GRU/RNN kernel is in use, and why not if it is not.

    Returns
    -------
    available : bool
    reason : str or None
        Why the kernel is unavailable; None when it is available.

    Examples
    --------
    >>> available, reason = fused_cells_status()
    >>> isinstance(available, bool)
    True
    """
    return _library() is not None, _state["reason"]


def _warn_fallback(cell):
    if _library() is None and not _state["warned"]:
        _state["warned"] = True
        warnings.warn(
            f"sklearn_rnn's fused {cell} kernel is unavailable: {_state['reason']}. Falling back to "
            f"torch.nn.{cell}, which gives the same results but trains up to 2x slower on CPU.",
            RuntimeWarning, stacklevel=3)


#: Rows each thread takes at least: below that a batch runs in one call (a thread costs ~20 us).
MIN_ROWS_PER_THREAD = 8
_pool = {"executor": None, "size": 0}


def _split_rows(function, B, scalars, args):
    """Run ``function`` over the batch's rows, split into contiguous slices, one per torch thread.

    Each row of a batch runs its own recurrence, so slices of rows are independent: ctypes releases
    the GIL, and the C library runs its products on the calling thread. ``args`` are ``(tensor,
    batched)`` pairs in the call's order: a batched tensor's first dimension is the batch and each
    call gets its slice; the others (the weights) are shared. ``scalars`` follow the row count.
    """
    threads = max(1, min(torch.get_num_threads(), B // MIN_ROWS_PER_THREAD))
    bounds = [B * j // threads for j in range(threads + 1)]
    calls = [(bounds[j + 1] - bounds[j],
              [(a[bounds[j]:bounds[j + 1]] if batched else a).data_ptr() for a, batched in args])
             for j in range(threads)]
    if threads == 1:
        _call(function, calls[0][0], *scalars, *calls[0][1])
        return
    with _lock:
        if _pool["size"] < threads:
            from concurrent.futures import ThreadPoolExecutor

            _pool["executor"], _pool["size"] = ThreadPoolExecutor(threads, thread_name_prefix="skrnn"), threads
    for future in [_pool["executor"].submit(_call, function, rows, *scalars, *pointers) for rows, pointers in calls]:
        future.result()


class _GRUFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, gi, h0, w_hh, b_hh, bf16):
        lib = _state["lib"]
        B, T, G = gi.shape
        H = G // 3
        out = gi.new_empty(B, T, H)
        keep = any(ctx.needs_input_grad)
        steps = T if keep else 1
        gates, ghn, scratch = gi.new_empty(B, steps, G), gi.new_empty(B, steps, H), gi.new_empty(B, G)
        _split_rows(lib.skrnn_gru_forward, B, (T, H, int(keep), int(bf16)),
                    [(gi, True), (w_hh, False), (b_hh, False), (h0, True), (out, True), (gates, True), (ghn, True),
                     (scratch, True)])
        ctx.bf16 = bf16
        if keep:
            ctx.save_for_backward(w_hh, h0, out, gates, ghn)
        return out

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dout):
        lib = _state["lib"]
        w_hh, h0, out, gates, ghn = ctx.saved_tensors
        B, T, H = out.shape
        dout = dout.contiguous()
        dh = out.new_zeros(B, H)
        dgi = out.new_empty(B, T, 3 * H)
        dgh = out.new_empty(B, T, 3 * H)
        _split_rows(lib.skrnn_gru_backward, B, (T, H, int(ctx.bf16)),
                    [(w_hh, False), (h0, True), (out, True), (gates, True), (ghn, True), (dout, True), (dh, True),
                     (dgi, True), (dgh, True)])
        return dgi, dh, _weight_grad(dgh, h0, out), dgh.sum((0, 1)), None


class _RNNFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, gi, h0, w_hh, b_hh, bf16):
        lib = _state["lib"]
        B, T, H = gi.shape
        out = gi.new_empty(B, T, H)
        scratch = gi.new_empty(B, H)
        _split_rows(lib.skrnn_rnn_forward, B, (T, H, int(bf16)),
                    [(gi, True), (w_hh, False), (b_hh, False), (h0, True), (out, True), (scratch, True)])
        ctx.bf16 = bf16
        ctx.save_for_backward(w_hh, h0, out)
        return out

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dout):
        lib = _state["lib"]
        w_hh, h0, out = ctx.saved_tensors
        B, T, H = out.shape
        dout = dout.contiguous()
        dh = out.new_zeros(B, H)
        dpre = out.new_empty(B, T, H)
        _split_rows(lib.skrnn_rnn_backward, B, (T, H, int(ctx.bf16)),
                    [(w_hh, False), (out, True), (dout, True), (dh, True), (dpre, True)])
        return dpre, dh, _weight_grad(dpre, h0, out), dpre.sum((0, 1)), None


def _weight_grad(dgh, h0, out):
    """Sum over steps of ``dgh_t^T @ h_{t-1}``, as one matrix product."""
    B, T, H = out.shape
    previous = torch.cat([h0.unsqueeze(1), out[:, :-1]], dim=1)
    return dgh.reshape(B * T, -1).t() @ previous.reshape(B * T, H)


class _FusedMixin:
    """What both layers share: the fallback warning, the test of whether an input can take the
    fused path, and the forward pass around their autograd function (``_function``)."""

    _cell = None
    _function = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fused = True
        _warn_fallback(self._cell)

    def forward(self, input, hx=None):
        fused = self._fused_input(input, hx)
        if fused is None:
            return super().forward(input, hx)
        x, h0, bf16 = fused
        # Under bfloat16 autocast the input projection runs in bfloat16 (as every torch linear layer);
        # the recurrence gets its sums in float32 and takes bfloat16 inputs in its own products.
        gi = nn.functional.linear(x, self.weight_ih_l0, self.bias_ih_l0).float().contiguous()
        with torch.autocast("cpu", enabled=False):
            out = self._function.apply(gi, h0.float(), self.weight_hh_l0.float().contiguous(),
                                       self.bias_hh_l0.float(), bf16)
        return self._fused_output(out)

    def _fused_input(self, input, hx):
        """``(x, h0, bf16)`` when the fused kernel can run this input, else None (torch.nn's code runs).

        Under bfloat16 autocast it runs with bfloat16 products where torch's BLAS has them (MKL's
        ``cblas_gemm_bf16bf16f32``); under another autocast dtype, torch.nn's code runs.
        """
        if isinstance(input, PackedSequence) or _library() is None or not self.fused:
            return None
        autocast = torch.is_autocast_enabled("cpu")
        bf16 = autocast and torch.get_autocast_dtype("cpu") == torch.bfloat16
        if autocast and not (bf16 and _library().skrnn_has_bf16()):
            return None
        if (self.num_layers != 1 or self.bidirectional or not self.bias or input.dim() != 3
                or input.device.type != "cpu" or input.dtype not in (torch.float32, torch.bfloat16)
                or self.weight_hh_l0.dtype != torch.float32 or (hx is not None and hx.dim() != 3)):
            return None
        x = input if self.batch_first else input.transpose(0, 1)
        h0 = hx[0] if hx is not None else x.new_zeros(x.shape[0], self.hidden_size, dtype=torch.float32)
        return x, h0.contiguous(), bf16

    def _fused_output(self, out):
        h_n = out[:, -1].unsqueeze(0)
        return (out if self.batch_first else out.transpose(0, 1)), h_n


class FusedGRU(_FusedMixin, nn.GRU):
    """:class:`torch.nn.GRU` with a fused CPU kernel for one unidirectional layer.

    Takes the arguments of :class:`torch.nn.GRU` and has the same parameters
    and ``state_dict``. Results agree with :class:`torch.nn.GRU` to float32
    rounding, gradients included. Set the attribute ``fused = False`` to run
    the ``torch.nn`` code.

    Examples
    --------
    >>> gru = FusedGRU(4, 3, batch_first=True)
    >>> x = torch.randn(2, 5, 4)
    >>> out, h_n = gru(x)
    >>> out.shape, h_n.shape
    (torch.Size([2, 5, 3]), torch.Size([1, 2, 3]))
    >>> bool(torch.allclose(out, torch.nn.GRU.forward(gru, x)[0], atol=1e-5))
    True
    """

    _cell = "GRU"
    _function = _GRUFunction


class FusedRNN(_FusedMixin, nn.RNN):
    """:class:`torch.nn.RNN` with a fused CPU kernel for one unidirectional tanh layer.

    Takes the arguments of :class:`torch.nn.RNN` and has the same parameters
    and ``state_dict``; ``nonlinearity='relu'`` runs the ``torch.nn`` code.
    Set the attribute ``fused = False`` to run the ``torch.nn`` code always.

    Examples
    --------
    >>> rnn = FusedRNN(4, 3, batch_first=True)
    >>> x = torch.randn(2, 5, 4)
    >>> bool(torch.allclose(rnn(x)[0], torch.nn.RNN.forward(rnn, x)[0], atol=1e-5))
    True
    """

    _cell = "RNN"
    _function = _RNNFunction

    def _fused_input(self, input, hx):
        return super()._fused_input(input, hx) if self.nonlinearity == "tanh" else None

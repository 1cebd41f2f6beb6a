"""What the machine can compute: probes run once per process, mocked in tests."""

import functools

import torch

from ._warnings import warn

__all__ = ["bfloat16_supported", "resolve_precision"]


@functools.cache
def bfloat16_supported(device_type="cpu"):
    """Whether recurrent layers can run under bfloat16 autocast on ``device_type``.

    On CPU, oneDNN builds bfloat16 LSTM kernels only where the processor has
    bfloat16 instructions (AVX-512 BF16 or AMX); elsewhere, on AVX2-only
    CPUs for one, it raises "could not create a primitive descriptor". The
    probe trains a tiny LSTM for one step and reports whether that worked.

    Parameters
    ----------
    device_type : {'cpu', 'cuda'}, default='cpu'

    Returns
    -------
    supported : bool

    Examples
    --------
    >>> isinstance(bfloat16_supported("cpu"), bool)
    True
    """
    if device_type == "cuda":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    lstm = torch.nn.LSTM(4, 4, batch_first=True)
    x = torch.zeros(2, 3, 4, requires_grad=True)
    try:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out = lstm(x)[0]
        out.float().sum().backward()
    except RuntimeError:
        return False
    return True


def resolve_precision(precision, device, owner):
    """The precision a fit really uses: bfloat16 falls back to float32, with a
    warning, where the device cannot train recurrent layers in bfloat16.

    Parameters
    ----------
    precision : {'float32', 'bfloat16'}
    device : {'cpu', 'cuda'}
    owner : str
        The estimator's name, for the warning.

    Returns
    -------
    precision : {'float32', 'bfloat16'}

    Examples
    --------
    >>> resolve_precision("float32", "cpu", "RecurrentTextClassifier")
    'float32'
    """
    if precision == "bfloat16" and not bfloat16_supported(device):
        warn(f"precision='bfloat16' needs bfloat16 kernels, which this {device.upper()} lacks (on CPU: "
             f"AVX-512 BF16 or AMX instructions); {owner} trains in float32 instead.")
        return "float32"
    return precision

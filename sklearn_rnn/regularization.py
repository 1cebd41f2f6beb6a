"""Weight penalties added to the loss, and named weight initializers.

Penalties cover the weight matrices of the recurrent, convolutional,
attention and dense layers: every parameter with two or more dimensions
outside the embedding. Biases and the embedding are not penalized (Keras
calls these ``kernel_regularizer``/``recurrent_regularizer``; its
``embeddings_regularizer`` is separate).
"""

import math

import torch
from torch import nn

__all__ = ["INITIALIZERS", "REGULARIZERS", "penalized_weights", "weight_penalty", "initialize_weights"]

REGULARIZERS = ("l1", "l2", "l1_l2")


def _random_normal(w):
    nn.init.normal_(w, 0.0, 0.05)  # Keras's RandomNormal default


def _random_uniform(w):
    nn.init.uniform_(w, -0.05, 0.05)  # Keras's RandomUniform default


def _lecun_normal(w):
    fan_in = w.shape[1] * (math.prod(w.shape[2:]) if w.dim() > 2 else 1)
    nn.init.trunc_normal_(w, 0.0, 1.0 / math.sqrt(fan_in), a=-2 / math.sqrt(fan_in), b=2 / math.sqrt(fan_in))


INITIALIZERS = {
    "glorot_uniform": nn.init.xavier_uniform_,
    "glorot_normal": nn.init.xavier_normal_,
    "he_normal": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "he_uniform": lambda w: nn.init.kaiming_uniform_(w, nonlinearity="relu"),
    "lecun_normal": _lecun_normal,
    "orthogonal": nn.init.orthogonal_,
    "random_normal": _random_normal,
    "random_uniform": _random_uniform,
}


def _weight_layers(module):
    """Every layer whose weights penalties and initializers cover: all but embeddings."""
    return [layer for layer in module.modules() if not isinstance(layer, nn.Embedding)]


def penalized_weights(module):
    """The parameters a penalty covers: trainable weights of two or more
    dimensions, outside any ``nn.Embedding``."""
    return [
        p for layer in _weight_layers(module) for p in layer.parameters(recurse=False)
        if p.requires_grad and p.dim() >= 2
    ]


def weight_penalty(weights, regularizer, alpha=1e-3, l1_ratio=0.5):
    """The penalty term, Keras-style (no 1/2 in front of L2).

    ``'l1'``: alpha * sum|w|; ``'l2'``: alpha * sum w**2; ``'l1_l2'``:
    alpha * (l1_ratio * sum|w| + (1 - l1_ratio) * sum w**2). A callable is
    applied to each weight tensor and the results summed (alpha unused).

    Examples
    --------
    >>> w = [torch.tensor([[1.0, -2.0]])]
    >>> float(weight_penalty(w, "l1", alpha=0.1)), float(weight_penalty(w, "l2", alpha=0.1))
    (0.30000001192092896, 0.5)
    """
    if callable(regularizer):
        return sum(regularizer(w) for w in weights)
    l1 = sum(w.abs().sum() for w in weights) if regularizer in ("l1", "l1_l2") else 0.0
    l2 = sum(w.pow(2).sum() for w in weights) if regularizer in ("l2", "l1_l2") else 0.0
    if regularizer == "l1":
        return alpha * l1
    if regularizer == "l2":
        return alpha * l2
    return alpha * (l1_ratio * l1 + (1 - l1_ratio) * l2)


def initialize_weights(module, initializer):
    """Re-initialize ``module``'s weights in place; biases are set to zero.

    Recurrent matrices stack one block per gate (4 for LSTM, 3 for GRU); each
    block is initialized on its own, so with ``'orthogonal'`` every gate's
    recurrent matrix is orthogonal. The embedding is left alone.

    Parameters
    ----------
    module : torch.nn.Module
    initializer : str or callable
        A key of ``INITIALIZERS``, or a function initializing a tensor in place
        (such as ``torch.nn.init.kaiming_uniform_``).
    """
    init = INITIALIZERS[initializer] if isinstance(initializer, str) else initializer
    with torch.no_grad():
        for layer in _weight_layers(module):
            gates = 4 if isinstance(layer, nn.LSTM) else 3 if isinstance(layer, nn.GRU) else 1
            for name, p in layer.named_parameters(recurse=False):
                if name.startswith("bias"):
                    p.zero_()
                elif p.dim() >= 2:
                    for block in p.chunk(gates, dim=0):
                        init(block)

"""Feedforward classification head."""

from torch import nn

from ._sizes import as_sizes

__all__ = ["ACTIVATIONS", "DenseHead"]

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU, "elu": nn.ELU}


class DenseHead(nn.Sequential):
    """Dropout, optional hidden dense layers, then the output layer (logits).

    Parameters
    ----------
    input_size : int
        Width of the pooled features.
    n_outputs : int
        Number of logits (classes).
    dense_layers : tuple of int, default=()
        Hidden layer sizes.
    activation : {'relu', 'tanh', 'sigmoid', 'gelu', 'elu'}, default='relu'
        Activation of the hidden layers.
    dropout : float, default=0.0
        Dropout before each dense layer.

    Examples
    --------
    >>> import torch
    >>> DenseHead(8, 3, dense_layers=(4,))(torch.zeros(2, 8)).shape
    torch.Size([2, 3])
    """

    def __init__(self, input_size, n_outputs, dense_layers=(), activation="relu", dropout=0.0):
        layers = []
        for size in as_sizes(dense_layers, "dense_layers", allow_empty=True):
            layers += [nn.Dropout(dropout), nn.Linear(input_size, size), ACTIVATIONS[activation]()]
            input_size = size
        layers += [nn.Dropout(dropout), nn.Linear(input_size, n_outputs)]
        super().__init__(*layers)

import numpy as np
import pytest
import torch
from torch import nn

from sklearn_rnn.modules import RecurrentClassifierNet
from sklearn_rnn.regularization import INITIALIZERS, initialize_weights, penalized_weights, weight_penalty


def test_penalty_formulas():
    w = [torch.tensor([[1.0, -2.0]]), torch.tensor([[3.0]])]
    assert float(weight_penalty(w, "l1", alpha=0.1)) == pytest.approx(0.6)
    assert float(weight_penalty(w, "l2", alpha=0.1)) == pytest.approx(1.4)
    # alpha * (l1_ratio * 6 + (1 - l1_ratio) * 14)
    assert float(weight_penalty(w, "l1_l2", alpha=0.1, l1_ratio=0.25)) == pytest.approx(0.1 * (1.5 + 10.5))
    assert float(weight_penalty(w, lambda t: t.sum())) == pytest.approx(2.0)


def test_penalized_weights_skip_embedding_and_biases():
    net = RecurrentClassifierNet(20, 2, embedding_dim=4, hidden_size=3, dense_layers=(5,))
    covered = {id(p) for p in penalized_weights(net)}
    names = {name for name, p in net.named_parameters() if id(p) in covered}
    assert names == {"encoder.forward_layers.0.weight_ih_l0", "encoder.forward_layers.0.weight_hh_l0",
                     "head.1.weight", "head.4.weight"}


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_every_named_initializer_runs_and_zeroes_biases(name):
    torch.manual_seed(0)
    net = RecurrentClassifierNet(20, 2, embedding_dim=4, hidden_size=3, cell="gru")
    embedding = net.embedding.embedding.weight.detach().clone()
    initialize_weights(net, name)
    assert torch.equal(net.embedding.embedding.weight, embedding)
    for pname, p in net.named_parameters():
        if "bias" in pname:
            assert not p.detach().any()
        else:
            assert torch.isfinite(p).all() and p.detach().abs().sum() > 0


def test_callable_initializer():
    net = RecurrentClassifierNet(20, 2, embedding_dim=4, hidden_size=3)
    initialize_weights(net, nn.init.ones_)
    assert (net.encoder.forward_layers[0].weight_hh_l0.detach() == 1).all()
    assert (net.head[-1].weight.detach() == 1).all()

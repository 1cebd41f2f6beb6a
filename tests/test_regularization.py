import numpy as np
import pytest
import torch
from torch import nn

from sklearn_rnn.modules import RecurrentNet
from sklearn_rnn.modules.fused import FusedGRU, FusedRNN
from sklearn_rnn.regularization import INITIALIZERS, initialize_weights, penalized_weights, weight_penalty


def test_penalty_formulas():
    w = [torch.tensor([[1.0, -2.0]]), torch.tensor([[3.0]])]
    assert float(weight_penalty(w, "l1", alpha=0.1)) == pytest.approx(0.6)
    assert float(weight_penalty(w, "l2", alpha=0.1)) == pytest.approx(1.4)
    # alpha * (l1_ratio * 6 + (1 - l1_ratio) * 14)
    assert float(weight_penalty(w, "l1_l2", alpha=0.1, l1_ratio=0.25)) == pytest.approx(0.1 * (1.5 + 10.5))
    assert float(weight_penalty(w, lambda t: t.sum())) == pytest.approx(2.0)


def test_penalized_weights_skip_embedding_and_biases():
    net = RecurrentNet(20, 2, embedding_dim=4, hidden_size=3, dense_layers=(5,))
    covered = {id(p) for p in penalized_weights(net)}
    names = {name for name, p in net.named_parameters() if id(p) in covered}
    assert names == {"encoder.forward_layers.0.weight_ih_l0", "encoder.forward_layers.0.weight_hh_l0",
                     "head.1.weight", "head.4.weight"}


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_every_named_initializer_runs_and_zeroes_biases(name):
    torch.manual_seed(0)
    net = RecurrentNet(20, 2, embedding_dim=4, hidden_size=3, cell="gru")
    embedding = net.embedding.embedding.weight.detach().clone()
    initialize_weights(net, name)
    assert torch.equal(net.embedding.embedding.weight, embedding)
    for pname, p in net.named_parameters():
        if "bias" in pname:
            assert not p.detach().any()
        else:
            assert torch.isfinite(p).all() and p.detach().abs().sum() > 0


def test_callable_initializer():
    net = RecurrentNet(20, 2, embedding_dim=4, hidden_size=3)
    initialize_weights(net, nn.init.ones_)
    assert (net.encoder.forward_layers[0].weight_hh_l0.detach() == 1).all()
    assert (net.head[-1].weight.detach() == 1).all()


class TwoTables(nn.Module):
    """An embedding under a name that is not ``embedding``, beside a dense layer."""

    def __init__(self):
        super().__init__()
        self.words = nn.Embedding(10, 4)
        self.dense = nn.Linear(4, 3)


def test_embeddings_are_excluded_by_type_not_by_name():
    net = TwoTables()
    assert [p.shape for p in penalized_weights(net)] == [torch.Size([3, 4])]
    words = net.words.weight.detach().clone()
    initialize_weights(net, "orthogonal")
    assert torch.equal(net.words.weight, words)


@pytest.mark.parametrize("name, std", [
    ("he_normal", lambda fan_in, fan_out: np.sqrt(2 / fan_in)),
    ("glorot_normal", lambda fan_in, fan_out: np.sqrt(2 / (fan_in + fan_out))),
    ("lecun_normal", lambda fan_in, fan_out: np.sqrt(1 / fan_in) * 0.8796),  # truncated at 2 std
    ("glorot_uniform", lambda fan_in, fan_out: np.sqrt(6 / (fan_in + fan_out)) / np.sqrt(3)),
    ("he_uniform", lambda fan_in, fan_out: np.sqrt(6 / fan_in) / np.sqrt(3)),
    ("random_normal", lambda fan_in, fan_out: 0.05),
    ("random_uniform", lambda fan_in, fan_out: 0.05 / np.sqrt(3)),
])
def test_initializers_follow_their_formula(name, std):
    torch.manual_seed(0)
    layer = nn.Linear(300, 200)
    initialize_weights(layer, name)
    w = layer.weight.detach().numpy()
    assert w.std() == pytest.approx(std(300, 200), rel=0.03)
    assert abs(w.mean()) < 0.05 * w.std()
    assert not layer.bias.detach().any()


@pytest.mark.parametrize("layer, gates", [(nn.LSTM, 4), (FusedGRU, 3), (nn.GRU, 3), (FusedRNN, 1)])
def test_orthogonal_is_orthogonal_per_gate(layer, gates):
    module = layer(6, 5)
    initialize_weights(module, "orthogonal")
    for block in module.weight_hh_l0.detach().chunk(gates):
        np.testing.assert_allclose((block @ block.T).numpy(), np.eye(5), atol=1e-5)

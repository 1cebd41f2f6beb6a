import pytest
import torch

from sklearn_rnn.modules import RecurrentNet, RecurrentEncoder, SequencePooling, TokenEmbedding, reverse_index


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_bidirectional_encoder_matches_packed_and_ignores_trailing_padding(cell):
    torch.manual_seed(0)
    enc = RecurrentEncoder(4, (5, 3), cell=cell, bidirectional=True).eval()
    x = torch.randn(3, 7, 4)
    lengths = torch.tensor([7, 4, 1])
    out, last = enc(x, lengths)
    enc.packed = True
    out_packed, last_packed = enc(x, lengths)
    torch.testing.assert_close(last, last_packed, atol=1e-5, rtol=1e-5)
    enc.packed = False
    for i, length in enumerate(lengths.tolist()):
        alone, alone_last = enc(x[i:i + 1, :length], lengths[i:i + 1])
        torch.testing.assert_close(out[i, :length], alone[0], atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(last[i], alone_last[0], atol=1e-5, rtol=1e-5)


def test_reverse_index_is_its_own_inverse():
    idx = reverse_index(torch.tensor([3, 1, 5]), 5)
    x = torch.arange(15).view(3, 5)
    assert torch.equal(x.gather(1, idx).gather(1, idx), x)


@pytest.mark.parametrize("mode", ["max", "mean", "attention"])
def test_pooling_ignores_padding(mode):
    torch.manual_seed(0)
    pool = SequencePooling(mode, 3)
    x = torch.randn(1, 4, 3)
    noisy = x.clone()
    noisy[0, 2:] = 1e6
    torch.testing.assert_close(pool(x, torch.tensor([2])), pool(noisy, torch.tensor([2])))


def test_spatial_dropout_drops_whole_channels():
    torch.manual_seed(0)
    emb = TokenEmbedding(10, 64, spatial_dropout=0.5).train()
    out = emb(torch.randint(1, 10, (2, 6)))
    zero_channels = (out == 0).all(dim=1)
    assert zero_channels.any()
    assert ((out == 0).any(dim=1) == zero_channels).all()
    emb.eval()
    assert (emb(torch.randint(1, 10, (2, 6))) != 0).all()


def test_bigram_bag_hashes_consecutive_ids_inside_the_document_only():
    from sklearn_rnn.modules import BigramBag

    bag = BigramBag(10, 3)
    ids, lengths = torch.tensor([[4, 5, 6, 0, 0], [7, 0, 0, 0, 0]]), torch.tensor([3, 1])
    buckets = bag.bucket_ids(ids, lengths)
    assert buckets.tolist() == [[(4 * 1_000_003 + 5) % 10 + 1, (5 * 1_000_003 + 6) % 10 + 1, 0, 0], [0, 0, 0, 0]]
    out = bag(ids, lengths)
    expected = bag.embedding.weight[buckets[0, :2]].mean(dim=0)
    torch.testing.assert_close(out[0], expected)
    assert not out[1].any()  # one token: no bigram
    # Padding after the document, however long, changes nothing.
    wide = torch.nn.functional.pad(ids, (0, 7))
    torch.testing.assert_close(bag(wide, lengths), out)


def test_recurrent_net_joins_the_bigram_branch_to_the_pooled_features():
    net = RecurrentNet(20, 2, embedding_dim=4, hidden_size=3, pooling="max", ngrams="embedding", ngram_buckets=50)
    assert net.head[-1].in_features == 3 + 4 and net.ngrams is None
    assert RecurrentNet(20, 2, embedding_dim=4, hidden_size=3, ngram_buckets=50).bigrams is None  # ngrams=None


def test_recurrent_net_adds_the_tfidf_part_to_a_head_that_starts_at_zero():
    torch.manual_seed(0)
    net = RecurrentNet(20, 3, embedding_dim=4, hidden_size=3, pooling="max", ngrams="tfidf", ngram_buckets=50)
    assert net.head[-1].in_features == 3 and net.bigrams is None
    ids, lengths = torch.tensor([[3, 4, 5, 0], [6, 0, 0, 0]]), torch.tensor([3, 1])
    assert not net(ids, lengths).detach().any()  # both parts start at zero
    with torch.no_grad():
        net.ngrams.weight.weight.normal_()
        net.head[-1].weight.normal_()
    net.eval()
    outputs, last = net.encoder(net.embedding(ids), lengths)
    recurrent = net.head(net.pooling(outputs, lengths, last))
    torch.testing.assert_close(net(ids, lengths), recurrent + net.ngrams(ids, lengths))
    with pytest.raises(ValueError, match="ngrams must be one of"):
        RecurrentNet(20, 2, ngrams="bag")

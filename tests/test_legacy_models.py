"""Nothing saved before is lost: the format-version-1 files of round 2 load and predict the same.

``tests/fixtures/v1`` holds small fitted pipelines of every estimator saved by commit 59ac8c9
(``make_fixtures.py`` wrote them), with the probabilities that commit predicted.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from sklearn_rnn import (BlendedTextClassifier, ConvTextClassifier, FeedForwardTextClassifier, RecurrentTextClassifier,
                         SemiSupervisedTextClassifier, load)

FIXTURES = Path(__file__).parent / "fixtures" / "v1"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
KINDS = {
    "recurrent_blend": BlendedTextClassifier,
    "recurrent_keras_gru_3class": RecurrentTextClassifier,
    "recurrent_attention_rnn": RecurrentTextClassifier,
    "recurrent_semi_supervised": SemiSupervisedTextClassifier,
    "feedforward": FeedForwardTextClassifier,
    "conv_gru": ConvTextClassifier,
}


def test_every_fixture_is_tested():
    assert set(EXPECTED["models"]) == set(KINDS) == {p.stem for p in FIXTURES.glob("*.safetensors")}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_version_1_model_loads_as_the_composition_that_predicts_the_same(name):
    with pytest.warns(UserWarning, match="format version 1, whose checksum covers the weights only"):
        model = load(FIXTURES / f"{name}.safetensors")
    expected = EXPECTED["models"][name]
    assert type(model[-1]) is KINDS[name]
    docs = EXPECTED["documents"]
    np.testing.assert_allclose(model.predict_proba(docs), np.array(expected["proba"]), atol=1e-5)
    assert model.predict(docs).tolist() == expected["predict"]
    assert model.classes_.tolist() == expected["classes"]


def test_a_version_1_blend_keeps_its_parts_and_share():
    with pytest.warns(UserWarning):
        blend = load(FIXTURES / "recurrent_blend.safetensors")[-1]
    assert blend.network_share_ == 0.4 and blend.network_share == "auto"
    assert type(blend.network_).__name__ == "RecurrentTextClassifier" and blend.linear_.C == 30.0
    docs = EXPECTED["documents"]
    ids = load(FIXTURES / "recurrent_blend.safetensors")[0].transform(docs)
    both = 0.4 * blend.network_.predict_proba(ids) + 0.6 * blend.linear_.predict_proba(ids)
    np.testing.assert_allclose(blend.predict_proba(ids), both, atol=1e-6)
    assert not np.allclose(blend.network_.predict_proba(ids), blend.linear_.predict_proba(ids), atol=0.05)


def test_a_version_1_semi_supervised_fit_keeps_its_histories_and_can_be_saved_again(tmp_path):
    from sklearn_rnn import save

    with pytest.warns(UserWarning):
        model = load(FIXTURES / "recurrent_semi_supervised.safetensors")
    semi = model[-1]
    assert semi.n_unlabelled_ == 80 and semi.unlabelled == -1 and semi.self_training_rounds == 1
    assert semi.estimator_.network_share_ == 0.3 and len(semi.pretraining_history_) == 1
    save(model, tmp_path / "again.safetensors")
    again = load(tmp_path / "again.safetensors")  # version 2: no warning, the same predictions
    docs = EXPECTED["documents"]
    np.testing.assert_array_equal(again.predict_proba(docs), model.predict_proba(docs))


def test_a_regressor_saved_before_clip_predictions_predicts_as_it_did():
    # tests/fixtures/regressor_ba9f19d: saved by ba9f19d, whose files hold no training range
    folder = Path(__file__).parent / "fixtures" / "regressor_ba9f19d"
    expected = json.loads((folder / "expected.json").read_text())
    model = load(folder / "regressor.safetensors")
    reg = model[-1]
    assert reg.clip_predictions  # the default now, but the file holds no range to clip to
    assert reg.target_min_.tolist() == [-np.inf] and reg.target_max_.tolist() == [np.inf]
    pred = model.predict(expected["documents"])
    np.testing.assert_allclose(pred, expected["predict"], atol=1e-5)
    low, high = expected["training_range"]
    assert ((pred < low) | (pred > high)).sum() == 3  # as saved: outside the training range

"""Reading format version 1: the model files of round 2, upgraded to the estimators of today.

In version 1 one ``RecurrentTextClassifier`` held a linear n-gram model and
its share (``linear_ngrams``), and the semi-supervised convention and
self-training (``unlabelled``, ``pretraining``, ``self_training_rounds``).
Those are estimators of their own now, so :func:`upgrade_v1` rewrites such a
description as the composition that predicts the same:

- a network without a linear model stays the network classifier;
- a network with one becomes a :class:`~sklearn_rnn.BlendedTextClassifier`
  of the network and an :class:`~sklearn_rnn.NgramLogisticClassifier`, with
  the share it had;
- a fit that found unlabelled rows becomes a
  :class:`~sklearn_rnn.SemiSupervisedTextClassifier` around that.

Tensors keep the names version 1 gave them; the description points to them.
"""

__all__ = ["upgrade_v1"]

# Parameters of version 1's RecurrentTextClassifier that moved to other estimators.
_MOVED = ("linear_ngrams", "linear_C", "pretraining", "pretraining_epochs", "self_training_rounds",
          "self_training_epochs", "unlabelled")
_NETWORKS = ("RecurrentTextClassifier", "FeedForwardTextClassifier", "ConvTextClassifier")


def upgrade_v1(description, where=None):
    """The version-2 description of a version-1 object description (``where`` is its tensor prefix).

    Examples
    --------
    >>> upgrade_v1({"class": "SequenceVectorizer", "params": {"max_len": 3}})
    {'class': 'SequenceVectorizer', 'params': {'max_len': 3}}
    """
    if not isinstance(description, dict):
        return description
    name = description.get("class")
    where = name if where is None else where
    if name == "Pipeline":
        return {**description, "steps": [[step, upgrade_v1(part, f"{where}[{step!r}]")]
                                         for step, part in description.get("steps", [])]}
    if name not in _NETWORKS:
        return description  # the vectorizer's description did not change
    params = dict(description.get("params", {}))
    moved = {key: params.pop(key) for key in _MOVED if key in params}
    if name == "RecurrentTextClassifier":
        params["ngrams"] = "embedding"  # version 1's n-gram branch: hashed-bigram embeddings
    fitted = description.get("fitted")
    network = {"class": name, "params": params}
    if fitted is None:
        return network
    network["fitted"] = _network_state(fitted, where, name == "RecurrentTextClassifier", params)
    model = network
    linear = fitted.get("linear_model_")
    if linear is not None:
        semi = fitted.get("n_unlabelled_", 0) > 0
        model = {"class": "BlendedTextClassifier",
                 "params": {"network": {"estimator": {"class": name, "params": params}},
                            "linear": {"estimator": _linear_params(linear)},
                            "network_share": 0.3 if semi else "auto",
                            "validation_fraction": params.get("validation_fraction", 0.1),
                            "random_state": params.get("random_state")},
                 "fitted": {"classes_": fitted["classes_"], "n_tokens_": int(fitted["n_tokens_"]),
                            "vocabulary_fingerprint_": fitted.get("vocabulary_fingerprint_"),
                            "n_features_in_": int(fitted["n_features_in_"]),
                            "network_share_": float(linear["weight"]),
                            "network_": network,
                            "linear_": {**_linear_params(linear), "fitted": _linear_state(linear, fitted)}}}
    if fitted.get("n_unlabelled_", 0) > 0:
        semi_params = {"estimator": {"estimator": _unfitted(model)}, "random_state": params.get("random_state")}
        semi_params.update({key: moved[key] for key in ("unlabelled", "pretraining", "pretraining_epochs",
                                                        "self_training_rounds", "self_training_epochs")
                            if key in moved})
        state = {"classes_": fitted["classes_"], "n_unlabelled_": int(fitted["n_unlabelled_"]),
                 "n_tokens_": int(fitted["n_tokens_"]), "vocabulary_fingerprint_": fitted.get("vocabulary_fingerprint_"),
                 "n_features_in_": int(fitted["n_features_in_"]), "estimator_": model}
        for key in ("pretraining_history_", "self_training_history_"):
            if key in fitted:
                state[key] = fitted[key]
        model = {"class": "SemiSupervisedTextClassifier", "params": semi_params, "fitted": state}
    return model


def _unfitted(description):
    return {key: value for key, value in description.items() if key != "fitted"}


def _network_state(fitted, where, recurrent, params):
    state = {
        "n_tokens_": fitted["n_tokens_"], "n_features_in_": fitted["n_features_in_"],
        "precision_": fitted["precision_"], "vocabulary_fingerprint_": fitted.get("vocabulary_fingerprint_"),
        "interrupted_": False, "history_": fitted["history_"],
        "module": {key: {"tensor": f"{where}:module.{key}"} for key in fitted["module_keys"]},
        "class_weight": fitted.get("class_weight"),
        "targets": {"classes_": fitted["classes_"], "multilabel_": False},
    }
    if "feature_names_in_" in fitted:
        state["feature_names_in_"] = fitted["feature_names_in_"]
    if recurrent:
        state["ngram_buckets_"] = int(fitted.get("ngram_buckets_", params.get("ngram_buckets", 0)))
    return state


def _linear_params(linear):
    return {"class": "NgramLogisticClassifier", "params": {"C": float(linear["C"]), "buckets": int(linear["buckets"])}}


def _linear_state(linear, fitted):
    return {"classes_": fitted["classes_"], "n_tokens_": int(linear["n_tokens"]),
            "vocabulary_fingerprint_": fitted.get("vocabulary_fingerprint_"),
            "n_features_in_": int(fitted["n_features_in_"]), "unseen_idf_": float(linear["unseen_idf"]),
            "columns_": linear["columns"], "idf_": linear["idf"], "coef_": linear["coef"],
            "intercept_": linear["intercept"]}

"""scikit-learn's estimator checks on every classifier, with small settings.

The checks feed float data; the classifiers cast it to non-negative integer
token ids (tag ``positive_only``), as ``CategoricalNB`` does.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_rnn import ConvTextClassifier, FeedForwardTextClassifier, RecurrentTextClassifier

SMALL = dict(embedding_dim=8, max_epochs=30, lr=0.05, batch_size=32, validation_fraction=0.0, random_state=0)

ESTIMATORS = [
    RecurrentTextClassifier(cell="gru", hidden_size=8, pooling="mean", **SMALL),
    RecurrentTextClassifier(cell="lstm", bidirectional=True, hidden_size=(8, 4), pooling="attention", **SMALL),
    FeedForwardTextClassifier(pooling="flatten", dense_layers=(16,), **SMALL),
    FeedForwardTextClassifier(dense_layers=(16,), **{**SMALL, "embedding_dim": None}),
    ConvTextClassifier(filters=8, kernel_size=(1, 2), **SMALL),
    ConvTextClassifier(filters=8, kernel_size=2, cell="gru", hidden_size=8, **SMALL),
]

_SHARED_FAILURES = {
    "check_class_weight_classifiers": (
        "feeds negative make_blobs features although the estimator declares the "
        "positive_only tag; negative token ids are rejected with a ValueError. With "
        "abs() applied, class_weight gives 100% class-0 predictions (tested in "
        "test_classifiers.py)."
    ),
    "check_do_not_raise_errors_in_init_or_set_params": (
        "passes the name of the **routed_params catch-all (skorch-style "
        "optimizer__momentum, module__... settings) to set_params as if it were a "
        "parameter; routed keys themselves are accepted by set_params."
    ),
}
EXPECTED_FAILURES = {type(est).__name__: _SHARED_FAILURES for est in ESTIMATORS}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)

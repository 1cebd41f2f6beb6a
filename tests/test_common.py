"""Every estimator, from one table of small settings: scikit-learn's checks and the package's contracts.

scikit-learn's checks feed float data; the estimators cast it to non-negative
integer token ids (tag ``positive_only``, ``categorical``), as ``CategoricalNB``
does. The vectorizer declares string input (tag ``string``, no
``two_d_array``), so the checks that need numeric matrices skip it; the data
checks have text counterparts below. The package's own contracts are in
:mod:`sklearn_rnn.utils.estimator_checks`.
"""

import inspect
import pickle
import re

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

import sklearn_rnn
from sklearn_rnn import (BlendedTextClassifier, ConvTextClassifier, ConvTextRegressor, FeedForwardTextClassifier,
                         FeedForwardTextRegressor, NgramLogisticClassifier, RecurrentTextClassifier,
                         RecurrentTextRegressor, SemiSupervisedTextClassifier, SequenceVectorizer)
from sklearn_rnn.utils import estimator_checks as package_checks

# The one table of small settings: every estimator of the package, in the settings its tests use.
SMALL = dict(embedding_dim=8, max_epochs=30, lr=0.05, batch_size=32, validation_fraction=0.0, random_state=0)
NETWORK = RecurrentTextClassifier(cell="gru", hidden_size=8, pooling="mean", **SMALL)
ESTIMATORS = [
    NETWORK,
    RecurrentTextClassifier(cell="lstm", bidirectional=True, hidden_size=(8, 4), pooling="attention", **SMALL),
    RecurrentTextClassifier(cell="rnn", hidden_size=8, pooling="max", ngram_buckets=64, **SMALL),
    FeedForwardTextClassifier(pooling="flatten", dense_layers=(16,), **SMALL),
    FeedForwardTextClassifier(dense_layers=(16,), **{**SMALL, "embedding_dim": None}),
    ConvTextClassifier(filters=8, kernel_size=(1, 2), **SMALL),
    ConvTextClassifier(filters=8, kernel_size=2, cell="gru", hidden_size=8, **SMALL),
    NgramLogisticClassifier(C=10.0),
    BlendedTextClassifier(network=NETWORK, network_share="auto", validation_fraction=0.2, random_state=0),
    SemiSupervisedTextClassifier(estimator=NETWORK, pretraining_epochs=1, self_training_epochs=2, random_state=0),
    RecurrentTextRegressor(cell="gru", hidden_size=8, pooling="mean", **SMALL),
    RecurrentTextRegressor(cell="lstm", hidden_size=8, loss="huber", ngram_buckets=64, **SMALL),
    FeedForwardTextRegressor(pooling="flatten", dense_layers=(16,), **SMALL),
    ConvTextRegressor(filters=8, kernel_size=(1, 2), loss="absolute_error", **SMALL),
]

_NETWORK_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "training is mini-batch gradient descent: a row repeated twice lands in other "
        "batches than a row of weight 2, and the epoch has more steps, so the two fits "
        "differ beyond the check's tolerance. The weighting itself (sum(w * loss) / n per "
        "batch, equal to the unweighted fit for w = 1) is tested in test_sample_weight.py."
    ),
    "check_class_weight_classifiers": (
        "feeds negative make_blobs features although the estimator declares the "
        "positive_only tag; negative token ids are rejected with a ValueError. With "
        "abs() applied, class_weight gives 100% class-0 predictions (tested in "
        "test_sample_weight.py)."
    ),
}
_OLD_SKLEARN = {}
if tuple(int(part) for part in sklearn.__version__.split(".")[:2]) < (1, 7):
    _OLD_SKLEARN["check_positive_only_tag_during_fit"] = (
        "scikit-learn 1.6's check subtracts a float mean in place from the int32 data it "
        "makes for categorical estimators, and numpy refuses the cast inside the check, "
        "before the estimator runs (seen with 1.6.1; the check passes with 1.9.1)."
    )
_POOLED_REGRESSION = {
    f"check_regressors_train{variant}": (
        "fits a linear function of 10 continuous columns, rounded to token ids: 8 distinct ids over 10 "
        "positions. A network that pools over positions (max, mean, a final state) reads a document as "
        "tokens in an order, not as columns, and scores R2 0.08-0.29 where the check wants 0.5; the "
        "feedforward regressor with pooling='flatten' keeps the columns and scores 0.93 (it passes). "
        "The regressors' own learning is tested on text in test_regressors.py."
    ) for variant in ("", "(readonly_memmap=True)", "(readonly_memmap=True,X_dtype=float32)")
}
EXPECTED_FAILURES = {
    "RecurrentTextClassifier": {**_NETWORK_FAILURES, **_OLD_SKLEARN},
    "FeedForwardTextClassifier": {**_NETWORK_FAILURES, **_OLD_SKLEARN},
    "ConvTextClassifier": {**_NETWORK_FAILURES, **_OLD_SKLEARN},
    "NgramLogisticClassifier": {
        **_OLD_SKLEARN,
        "check_sample_weight_equivalence_on_dense_data": (
            "feeds real-valued features (such as 0.3745) that are not token ids, refused with a "
            "ValueError that names the value. The equivalence on ids (a row of weight 0 is no row, "
            "a row of weight 2 the row twice, document frequencies included) is tested in test_linear.py."
        ),
        "check_class_weight_classifiers": _NETWORK_FAILURES["check_class_weight_classifiers"].replace(
            "test_sample_weight.py", "test_linear.py"),
        "check_decision_proba_consistency": (
            "feeds make_blobs features (such as 0.3745) without the rounding the categorical tag "
            "gets in the other checks; non-integer X is not token ids and is refused with a "
            "ValueError that names the value. The two outputs' ranks agree on ids (test_linear.py)."
        ),
    },
    "BlendedTextClassifier": {**_NETWORK_FAILURES, **_OLD_SKLEARN},
    "RecurrentTextRegressor": {**_NETWORK_FAILURES, **_OLD_SKLEARN, **_POOLED_REGRESSION},
    "FeedForwardTextRegressor": {
        **_NETWORK_FAILURES, **_OLD_SKLEARN,
        "check_methods_subset_invariance": (
            "wants the prediction of each of 20 rows predicted alone equal to that of the 20 rows "
            "together within atol=1e-7. The network computes in float32 and BLAS picks its kernel by "
            "the number of rows, so a row's output depends on its batch's size by float32 rounding: on "
            "an Intel Xeon with AMX BF16 (fourth session of round 3, main at 8658bb8 and after) 2 of the "
            "20 outputs differed by up to 1.8e-7 (1.6e-6 relative), where the previous session's "
            "machine passed. The package's own contract, a row alone as in a batch to 1e-5, is "
            "check_predictions_ignore_padding_and_batches (sklearn_rnn.utils.estimator_checks)."
        ),
    },
    "ConvTextRegressor": {**_NETWORK_FAILURES, **_OLD_SKLEARN, **_POOLED_REGRESSION},
    "SemiSupervisedTextClassifier": {
        **_NETWORK_FAILURES, **_OLD_SKLEARN,
        "check_classifiers_classes": (
            "fits binary labels -1 and 1: -1 marks unlabelled rows in this estimator (its purpose, "
            "as in scikit-learn's SelfTrainingClassifier), which leaves one class, a ValueError that "
            "says to set unlabelled=None. With unlabelled=None the check's labels are classes "
            "(test_semi_supervised.py)."
        ),
    },
}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@package_checks.parametrize_with_checks(ESTIMATORS)
def test_package_contracts(estimator, check):
    check(estimator)


def test_the_table_holds_every_public_estimator():
    public = {name for name in sklearn_rnn.__all__ if isinstance(getattr(sklearn_rnn, name), type)}
    assert public - {"SequenceVectorizer"} == {type(est).__name__ for est in ESTIMATORS}


def _documented_parameters(cls):
    doc = inspect.getdoc(cls)
    block = doc.split("Parameters\n----------\n", 1)[1].split("\n\n    Attributes", 1)[0]
    block = re.split(r"\n(?:Attributes|Examples|See Also|Returns)\n-+\n", block)[0]
    return re.findall(r"^(\w+) : ", block, flags=re.M)


@pytest.mark.parametrize("cls", sorted({type(est) for est in ESTIMATORS} | {SequenceVectorizer},
                                       key=lambda c: c.__name__))
def test_docstrings_name_every_parameter_in_the_order_of_the_signature(cls):
    signature = [name for name in inspect.signature(cls.__init__).parameters if name != "self"]
    assert _documented_parameters(cls) == signature
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for name, p in inspect.signature(cls.__init__).parameters.items()
               if name != "self"), "parameters are keyword-only"


# scikit-learn skips every check for an estimator whose input is strings (it
# cannot make such data). The checks that need no data run on the vectorizer
# directly; the data checks have text counterparts below.
API_CHECKS = [
    "check_do_not_raise_errors_in_init_or_set_params", "check_estimator_cloneable", "check_estimator_repr",
    "check_estimator_tags_renamed", "check_get_params_invariance", "check_mixin_order",
    "check_no_attributes_set_in_init", "check_parameters_default_constructible", "check_set_params",
    "check_get_feature_names_out_error", "check_valid_tag_types",
]


@pytest.mark.parametrize("check", API_CHECKS)
def test_vectorizer_api_checks(check):
    getattr(estimator_checks, check)("SequenceVectorizer", SequenceVectorizer(max_len=4))


DOCS = ["a good film", "a bad film and a bad plot", "good", "", "plot plot plot plot plot"]


def test_vectorizer_data_checks_on_text():
    vec = SequenceVectorizer(max_features=3)
    params = vec.get_params()
    docs = list(DOCS)
    assert vec.fit(docs) is vec  # check_estimators_fit_returns_self
    assert docs == DOCS  # the input is not modified
    assert vec.get_params() == params  # check_dont_overwrite_parameters
    first = vec.transform(DOCS)
    np.testing.assert_array_equal(vec.fit(DOCS).transform(DOCS), first)  # check_fit_idempotent
    np.testing.assert_array_equal(clone(vec).fit_transform(DOCS), first)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(vec)).transform(DOCS), first)
    order = [4, 2, 0, 3, 1]  # check_methods_sample_order_invariance / subset invariance
    np.testing.assert_array_equal(vec.transform([DOCS[i] for i in order]), first[order])
    np.testing.assert_array_equal(vec.transform(DOCS[1:3]), first[1:3])
    with pytest.raises(NotFittedError):  # check_estimators_unfitted
        SequenceVectorizer().transform(DOCS)
    with pytest.raises(ValueError, match="no documents"):  # check_estimators_empty_data_messages
        SequenceVectorizer().fit([])


def test_vectorizer_more_data_checks_on_text():
    import pandas as pd
    from sklearn.utils.validation import check_is_fitted

    fresh = SequenceVectorizer(max_len=6)
    with pytest.raises(NotFittedError):  # check_fit_check_is_fitted
        check_is_fitted(fresh)
    vec = clone(fresh).fit(DOCS)
    check_is_fitted(vec)
    state = dict(vars(vec))
    out = vec.transform(DOCS)
    assert vars(vec).keys() == state.keys()  # check_dict_unchanged
    assert all(np.array_equal(vars(vec)[k], v) if isinstance(v, np.ndarray) else vars(vec)[k] == v
               for k, v in state.items())
    np.testing.assert_array_equal(clone(fresh).fit_transform(DOCS), out)  # fit_transform == fit().transform
    for container in (pd.Series(DOCS), np.array(DOCS, dtype=object), tuple(DOCS)):  # data not a list
        np.testing.assert_array_equal(vec.transform(container), out)
    assert len(vec.get_feature_names_out()) == out.shape[1] == 6  # check_transformer_get_feature_names_out
    assert out.dtype == np.int32 and clone(fresh).set_params(dtype=np.int16).fit_transform(DOCS).dtype == np.int16


def test_feedforward_mean_pooling_cannot_tell_positions_apart():
    """``check_classifiers_train`` with FeedForwardTextClassifier's defaults: the right behaviour fails it.

    The check fits 300 rows of two numeric columns, rounded to token ids. Mean pooling (the default)
    averages the two tokens' vectors, so rows (2, 3) and (3, 2) are one document to it, and the blobs
    the check draws are not separable by the pair of values alone: 65% right, where the check wants
    83%, however long it trains. Flattening keeps each position's vector apart and passes once it
    trains enough steps: the default 10 epochs of 5 batches are 50 steps; ``max_epochs='auto'``
    gives 40 epochs. Documents are bags of tokens to any text model that pools; the table above fits
    FeedForwardTextClassifier with 'flatten'.
    """
    check = estimator_checks.check_classifiers_train
    check("FeedForwardTextClassifier", FeedForwardTextClassifier(pooling="flatten", max_epochs="auto", random_state=0))
    for mean_pooled in (FeedForwardTextClassifier(random_state=0),
                        FeedForwardTextClassifier(max_epochs="auto", lr=0.01, random_state=0)):
        with pytest.raises(AssertionError):
            check("FeedForwardTextClassifier", mean_pooled)

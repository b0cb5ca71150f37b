"""Losses against Keras 3 (fixtures/loss_metric.*, from make_loss_metric_fixtures.py): per-sample values and their
gradients, Loss objects under every reduction with sample weights and masks, names, aliases and configs."""
import json
import os

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from minikeras import losses, metrics

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
with open(os.path.join(FIXTURES, "loss_metric.json")) as f:
    FACTS = json.load(f)
ARRAYS = dict(np.load(os.path.join(FIXTURES, "loss_metric.npz")))
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def function_named(name):
    return getattr(losses, name, None) or getattr(metrics, name)


@pytest.mark.parametrize("case", sorted(FACTS["functions"]))
def test_function_values_match_keras(case):
    spec = FACTS["functions"][case]
    fn = function_named(spec["fn"])
    y_true, y_pred = ARRAYS[f"fn/{case}/y_true"], ARRAYS[f"fn/{case}/y_pred"]
    np.testing.assert_allclose(np.asarray(fn(y_true, y_pred, **spec["kwargs"])), ARRAYS[f"fn/{case}/out"],
                               **TOLERANCE)


LOSS_CASES = sorted(c for c, s in FACTS["functions"].items() if s["is_loss"])


@pytest.mark.parametrize("case", LOSS_CASES)
def test_function_gradients_match_jax(case):
    spec = FACTS["functions"][case]
    fn = getattr(losses, spec["fn"])
    y_true = ARRAYS[f"fn/{case}/y_true"]
    gradient = grad(lambda p: anp.sum(fn(y_true, p, **spec["kwargs"])))(ARRAYS[f"fn/{case}/y_pred"])
    np.testing.assert_allclose(gradient, ARRAYS[f"fn/{case}/grad"], rtol=1e-4, atol=1e-5)


OBJECT_CASES = sorted(c for c, s in FACTS["objects"].items() if "error" not in s)


@pytest.mark.parametrize("case", OBJECT_CASES)
def test_loss_objects_weight_mask_and_reduce_like_keras(case):
    spec = FACTS["objects"][case]
    loss = getattr(losses, spec["class"])(reduction=spec["reduction"], **spec["kwargs"])
    get = lambda key: ARRAYS.get(f"obj/{case}/{key}")  # noqa: E731
    out = loss(get("y_true"), get("y_pred"), sample_weight=get("sw"), mask=get("mask"))
    np.testing.assert_allclose(np.asarray(out), get("out"), **TOLERANCE)


def test_per_sample_weight_on_per_step_values_weights_each_step():
    # Keras 3 refuses a (batch,) weight against (batch, steps) values; minikeras weights every step of the sample
    case = next(c for c, s in FACTS["objects"].items() if "error" in s)
    y_true, y_pred = np.random.default_rng(0).normal(size=(2, 4, 5, 3)).astype("float32")
    weights = np.array([0.5, 1.0, 2.0, 0.0], dtype="float32")
    per_step = losses.mean_squared_error(y_true, y_pred)
    got = losses.MeanSquaredError()(y_true, y_pred, sample_weight=weights)
    assert FACTS["objects"][case]["class"] == "MeanSquaredError"
    np.testing.assert_allclose(got, np.mean(per_step * weights[:, None]), rtol=1e-6)


def test_masked_mean_divides_by_kept_entries():
    y_true = np.zeros((2, 3, 1), dtype="float32")
    y_pred = np.array([[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]]], dtype="float32")
    mask = np.array([[True, True, False], [True, False, False]])
    got = losses.MeanSquaredError()(y_true, y_pred, mask=mask)
    assert float(got) == pytest.approx((1 + 4 + 16) / 3)
    assert float(losses.MeanSquaredError(reduction="sum")(y_true, y_pred, mask=mask)) == pytest.approx(21.0)


@pytest.mark.parametrize("name", sorted(FACTS["loss_get"]))
def test_names_and_aliases_resolve_like_keras(name):
    keras_found = FACTS["loss_get"][name]
    found = losses.deserialize(name)
    if isinstance(keras_found, str):
        assert found.__name__ == keras_found
    else:
        assert type(found).__name__ == keras_found["class_name"]
        config = found.get_config()
        assert {k: config[k] for k in keras_found["config"]} == keras_found["config"]
    assert isinstance(losses.get(name), losses.Loss)


@pytest.mark.parametrize("class_name", sorted(FACTS["loss_configs"]))
def test_loss_class_configs_match_keras(class_name):
    # Keras leaves some arguments out of its configs (Huber's delta, the axis); minikeras keeps them, so a
    # reloaded loss is the same loss, and Keras still loads the dict (its constructors take those arguments)
    ours, keras_dict = losses.serialize(getattr(losses, class_name)()), FACTS["loss_configs"][class_name]
    assert {k: v for k, v in ours.items() if k != "config"} == {k: v for k, v in keras_dict.items() if k != "config"}
    assert {k: ours["config"][k] for k in keras_dict["config"]} == keras_dict["config"]
    assert set(ours["config"]) - set(keras_dict["config"]) <= {"axis", "delta"}


@pytest.mark.parametrize("class_name", sorted(FACTS["loss_configs"]))
def test_loss_config_round_trip(class_name):
    loss = getattr(losses, class_name)(reduction="sum")
    again = losses.deserialize(losses.serialize(loss))
    assert again.get_config() == loss.get_config()


@pytest.mark.parametrize("entry", FACTS["get_loss_crossentropy"], ids=lambda e: f"{e['y_true_shape']}-{e['y_pred_shape']}")
def test_crossentropy_by_shape_picks_keras_kind(entry):
    kind = losses.crossentropy_kind(tuple(entry["y_true_shape"]), tuple(entry["y_pred_shape"]))
    assert {"sparse": "sparse_categorical", "binary": "binary", "categorical": "categorical"}[kind] + \
        "_crossentropy" == entry["fn"]
    assert losses.get(entry["identifier"]).name == entry["name"]


def test_crossentropy_by_shape_gives_the_chosen_loss_numbers():
    y_true, y_pred = ARRAYS["fn/sparse_categorical_crossentropy/y_true"], \
        ARRAYS["fn/sparse_categorical_crossentropy/y_pred"]
    expected = np.mean(ARRAYS["fn/sparse_categorical_crossentropy/out"])
    assert float(losses.get("ce")(y_true, y_pred)) == pytest.approx(expected, rel=1e-5)


def test_unknown_loss_lists_close_matches():
    with pytest.raises(ValueError, match="'mean_squared_eror'.*mean_squared_error"):
        losses.get("mean_squared_eror")


def test_unknown_reduction_is_refused():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


def test_user_function_becomes_a_loss_named_after_it():
    def my_loss(y_true, y_pred):
        return anp.mean(anp.abs(y_true - y_pred), axis=-1)
    loss = losses.get(my_loss)
    assert loss.name == "my_loss"
    assert float(loss(np.zeros((2, 2)), np.ones((2, 2)))) == pytest.approx(1.0)


def test_categorical_crossentropy_refuses_integer_labels_with_a_hint():
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.categorical_crossentropy(np.array([0, 2]), np.full((2, 3), 1 / 3))


def test_sparse_crossentropy_given_one_hot_targets_says_the_shapes_in_plain_numbers():
    import minikeras
    with pytest.raises(ValueError, match=r"needs integer labels of shape \(8,\) for y_pred of shape \(8, 3\).*"
                                         r"got y_true of shape \(8, 3\); for one-hot targets use 'categorical_crossentropy'"):
        minikeras.losses.sparse_categorical_crossentropy(np.eye(3)[[0, 1, 2, 0, 1, 2, 0, 1]], np.full((8, 3), 1 / 3))

"""Input(optional=True): a model may be fed None for it (call, apply, predict, fit, evaluate, generators), and
gives Keras 3's numbers either way; None for a required input is a ValueError saying it is not optional
(fixtures: make_multi_input_fixtures.py)."""
import os
import sys

import autograd.numpy as anp
import numpy as np
import pytest
from autograd.test_util import check_grads

import minikeras
from minikeras import Input, Model, layers

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
sys.path.insert(0, FIXTURES)
from multi_input_layers import data, recorded, registered_layers, optional_model, seeded_weights  # noqa: E402

EXPECTED, FACTS = recorded()
CLASSES = registered_layers(minikeras)
D = data()


def seeded_model():
    model = optional_model(minikeras, CLASSES)
    model.set_weights(seeded_weights([w.shape for w in model.get_weights()]))
    return model


@pytest.mark.parametrize("given", [False, True])
def test_predict_with_the_optional_input_left_out_or_given_matches_keras(given):
    model = seeded_model()
    o, key = (D["o2"], "optional/predict_given") if given else (None, "optional/predict_none")
    np.testing.assert_allclose(model.predict({"x": D["x2"], "o": o}, verbose=0), EXPECTED[key], rtol=1e-5, atol=1e-6)


def test_a_direct_call_and_apply_take_none_as_a_list_or_a_dict():
    model = seeded_model()
    expected = EXPECTED["optional/predict_none"]
    np.testing.assert_allclose(model({"x": D["x2"], "o": None}), expected, rtol=1e-5, atol=1e-6)
    # a list is read in the order of the dict's sorted keys, ['o', 'x'], as Keras 3 reads it
    np.testing.assert_allclose(model([None, D["x2"]]), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.apply(model.params, [None, D["x2"]]), expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="the input 'x' is not optional"):    # Keras 3 raises alike
        model([D["x2"], None])


def test_one_training_step_without_the_optional_input_matches_keras():
    model = seeded_model()
    model.compile(optimizer=minikeras.optimizers.SGD(0.1), loss="mse")
    loss = model.train_on_batch({"x": D["x2"], "o": None}, D["target2"])
    np.testing.assert_allclose(loss, EXPECTED["optional/loss"], rtol=1e-5)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, EXPECTED[f"optional/w_step{i}"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("given", [False, True])
def test_fit_evaluate_and_predict_take_none_from_arrays_and_generators(given):
    model = seeded_model()
    model.compile(optimizer="sgd", loss="mse")
    o = D["o2"] if given else None
    history = model.fit({"x": D["x2"], "o": o}, D["target2"], epochs=2, batch_size=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
    assert np.isfinite(model.evaluate({"x": D["x2"], "o": o}, D["target2"], verbose=0))

    def batches(with_y=True):
        for _ in range(3):
            yield ({"x": D["x2"], "o": o},) + ((D["target2"],) if with_y else ())

    model.fit(batches(), verbose=0)
    assert np.isfinite(model.evaluate(batches(), verbose=0))
    predicted = model.predict(batches(with_y=False), verbose=0)
    assert predicted.shape == (12, 2)
    np.testing.assert_allclose(predicted[:4], model({"x": D["x2"], "o": o}), rtol=1e-5, atol=1e-6)


def test_none_for_a_required_input_is_a_value_error_in_call_and_fit_and_changes_nothing():
    x, o = Input((2,), name="x"), Input((2,), name="o")
    model = Model({"x": x, "o": o}, CLASSES["DenseOfSum"](2)(x, o))
    with pytest.raises(ValueError, match="the input 'o' is not optional, but None was passed"):
        model({"x": D["x2"], "o": None})
    single = Model(x, layers.Dense(1)(x))
    single.compile(optimizer="sgd", loss="mse")
    before = single.get_weights()
    with pytest.raises(ValueError, match="the input 'x' is not optional"):
        single.fit([None], np.ones((4, 1)), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="not optional"):
        single.predict([None], verbose=0)
    for w, b in zip(single.get_weights(), before):
        np.testing.assert_array_equal(w, b)


def test_optional_must_be_a_bool_and_is_in_the_config_as_keras_writes_it():
    with pytest.raises(TypeError, match="optional must be True or False"):
        Input((2,), optional="yes")
    model = seeded_model()
    config = next(e for e in model.get_config()["layers"] if e["name"] == "o")["config"]
    assert config["optional"] is True
    entry = next(e for e in minikeras.saving.serialize_keras_object(model)["config"]["layers"] if e["name"] == "o")
    assert entry["config"] == FACTS["optional_input_config"]


def test_a_keras_file_with_an_optional_input_loads_and_takes_none():
    model = minikeras.saving.load_model(os.path.join(FIXTURES, "multi_input", "optional.keras"))
    np.testing.assert_allclose(model.predict({"x": D["x2"], "o": None}, verbose=0), EXPECTED["optional/predict_none"],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict({"x": D["x2"], "o": D["o2"]}, verbose=0),
                               EXPECTED["optional/predict_given"], rtol=1e-5, atol=1e-6)


def test_a_saved_and_loaded_model_keeps_its_optional_input(tmp_path):
    model = seeded_model()
    model.save(tmp_path / "optional.keras")
    loaded = minikeras.saving.load_model(tmp_path / "optional.keras")
    np.testing.assert_allclose(loaded({"x": D["x2"], "o": None}), model({"x": D["x2"], "o": None}), rtol=1e-6)


@pytest.mark.usefixtures("float64")    # tests/conftest.py
@pytest.mark.parametrize("given", [False, True])
def test_gradients_with_the_optional_input_left_out_or_given_match_finite_differences(given):
    model = optional_model(minikeras, CLASSES)
    rng = np.random.default_rng(2)
    inputs = {"x": rng.normal(size=(3, 2)), "o": rng.normal(size=(3, 2)) if given else None}
    probe = rng.normal(size=(3, 2))

    def objective(params):
        return anp.sum(anp.sin(model.apply(params, inputs)) * probe)

    np.random.seed(0)
    check_grads(objective, modes=["rev"], order=1)(model.params)

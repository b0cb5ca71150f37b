"""The compiled state travels: loss, metrics, optimizer slots and step count, so training resumes exactly."""
import numpy as np
import pytest

import minikeras as mk
from minikeras import layers as L, saving, optimizers
from saving_helpers import fixture_path

KERAS_RUNS = ["compiled_adam", "compiled_sgd", "compiled_rm_sprop", "compiled_adagrad"]


@pytest.mark.parametrize("case", KERAS_RUNS)
def test_training_resumes_like_keras_after_loading_a_keras_file(case):
    data = np.load(fixture_path(case + ".npz"))
    model = saving.load_model(fixture_path(case + ".keras"))
    assert model.compiled and model._optimizer_state["iterations"] == 2
    model.fit(data["x"], data["y"], batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert model._optimizer_state["iterations"] == int(data["iterations"])
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, data[f"w{i}"], rtol=1e-5, atol=1e-6)


def test_keras_compile_config_comes_back():
    model = saving.load_model(fixture_path("compiled_adam.keras"))
    assert isinstance(model.optimizer, optimizers.Adam)
    assert model.optimizer.learning_rate == pytest.approx(0.01)
    assert model.loss == "mse"


def test_compile_false_leaves_the_model_uncompiled():
    model = saving.load_model(fixture_path("compiled_adam.keras"), compile=False)
    assert not model.compiled


def _trained(optimizer):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 4)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")
    model = mk.Sequential([L.Dense(3, activation="relu", input_shape=(4,)), L.Dense(2)])
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    return model, x, y


@pytest.mark.parametrize("optimizer", [optimizers.Adam(0.01, amsgrad=True), optimizers.SGD(0.05, momentum=0.9),
                                       optimizers.RMSprop(0.01, momentum=0.5, centered=True), optimizers.Nadam(0.01),
                                       optimizers.Adamax(0.01), optimizers.Adadelta(1.0), optimizers.Adagrad(0.05)],
                         ids=lambda o: type(o).__name__)
def test_minikeras_training_resumes_exactly(optimizer, tmp_file):
    model, x, y = _trained(optimizer)
    saving.save_model(model, tmp_file("m.keras"))
    loaded = saving.load_model(tmp_file("m.keras"))
    assert type(loaded.optimizer) is type(model.optimizer)
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    loaded.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert loaded._optimizer_state["iterations"] == model._optimizer_state["iterations"] == 4


def test_metrics_travel(tmp_file):
    model, x, y = _trained("adam")
    saving.save_model(model, tmp_file("m.keras"))
    loaded = saving.load_model(tmp_file("m.keras"))
    assert set(loaded.evaluate(x, y, verbose=0, return_dict=True)) == {"loss", "mae"}


def test_include_optimizer_false_drops_the_slots(tmp_file):
    model, _, _ = _trained("adam")
    saving.save_model(model, tmp_file("m.keras"), include_optimizer=False)
    loaded = saving.load_model(tmp_file("m.keras"))
    assert loaded.compiled and loaded._optimizer_state is None


def test_a_compile_config_minikeras_cannot_follow_warns_and_loads_uncompiled(tmp_file):
    import json
    import zipfile
    with zipfile.ZipFile(fixture_path("compiled_adam.keras")) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["compile_config"]["optimizer"]["class_name"] = "Lion"
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_file("m.keras"), "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.warns(UserWarning, match="could not be compiled.*Lion"):
        model = saving.load_model(tmp_file("m.keras"))
    assert not model.compiled
    data = np.load(fixture_path("compiled_adam.npz"))
    assert model.predict(data["x"], verbose=0).shape == (8, 2)

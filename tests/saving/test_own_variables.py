"""A layer's own state in a .keras file (Keras 3's save_own_variables / save_assets hooks), .keras files in file
objects, and load_weights(skip_mismatch=True) of a .keras file: checked against files real Keras 3 wrote."""
import io
import os
import sys
import zipfile

import numpy as np
import pytest

import minikeras as mk
from minikeras import layers as L, saving

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "own_state")
sys.path.insert(0, os.path.dirname(FIXTURES))
from own_state_layers import counted_scale_for  # noqa: E402


CountedScale = counted_scale_for(mk)


@mk.saving.register_keras_serializable(package="own_state")
class OnlyItsOwnState(L.Layer):
    """Keeps a vector in place of its weight in the file, as a Keras layer overriding the hook without super()."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
        self.memory = np.zeros(2)

    def call(self, inputs):
        return inputs * self.w

    def save_own_variables(self, store):
        store["memory"] = self.memory

    def load_own_variables(self, store):
        self.memory = np.array(store["memory"])


def _counted_model():
    model = mk.Sequential([mk.Input((3,)), CountedScale(), L.Dense(2)])
    model.layers[0].counts = np.array([7.0, 8.0])
    model.layers[0].notes = "from minikeras"
    return model


def test_a_keras_file_gives_the_layer_its_own_variables_and_assets():
    expected = np.load(os.path.join(FIXTURES, "counted.npz"))
    model = saving.load_model(os.path.join(FIXTURES, "counted.keras"))
    layer = model.layers[0]
    np.testing.assert_array_equal(layer.counts, expected["counts"])
    assert layer.notes == "seen 4 batches"
    np.testing.assert_allclose(model.predict(expected["x"], verbose=0), expected["y"], rtol=1e-6, atol=1e-6)


def test_own_state_is_written_where_keras_writes_it_and_comes_back(tmp_file):
    path = tmp_file("counted.keras")
    model = _counted_model()
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        keras_members = set(np.load(os.path.join(FIXTURES, "counted.npz"))["members"].tolist())
        assert keras_members <= set(archive.namelist())
    loaded = saving.load_model(path)
    np.testing.assert_array_equal(loaded.layers[0].counts, [7.0, 8.0])
    assert loaded.layers[0].notes == "from minikeras"
    np.testing.assert_array_equal(loaded.get_weights()[0], model.get_weights()[0])


def test_a_layer_that_stores_only_its_own_state_keeps_its_built_weights(tmp_file):
    path = tmp_file("memory.keras")
    model = mk.Sequential([mk.Input((2,)), OnlyItsOwnState()])
    model.layers[0].memory = np.array([3.0, 4.0])
    model.save(path)
    loaded = saving.load_model(path)
    np.testing.assert_array_equal(loaded.layers[0].memory, [3.0, 4.0])
    np.testing.assert_array_equal(loaded.layers[0].get_weights()[0], [1.0, 1.0])


def test_a_hook_that_raises_stops_the_save_and_leaves_no_file(tmp_file):
    class Broken(CountedScale):
        def save_own_variables(self, store):
            raise ValueError("cannot save")

    path = tmp_file("broken.keras")
    with pytest.raises(ValueError, match="cannot save"):
        mk.Sequential([mk.Input((3,)), Broken()]).save(path)
    assert not os.path.exists(path)


def test_an_asset_path_leading_out_of_its_folder_is_refused(tmp_file):
    path = tmp_file("counted.keras")
    _counted_model().save(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("assets/layers/counted_scale/../../../escape.txt", "x")
    with pytest.raises(ValueError, match="outside its layer's asset folder"):
        saving.load_model(path)


def test_a_model_goes_to_a_file_object_and_back():
    model = mk.Sequential([L.Dense(2, input_shape=(3,)), L.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    buffer = io.BytesIO()
    saving.save_model(model, buffer)
    buffer.seek(0)
    loaded = saving.load_model(buffer)
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.optimizer is not None


def test_a_file_object_that_is_not_a_keras_zip_is_named_in_the_error():
    buffer = io.BytesIO(b"not a zip")
    buffer.name = "upload.keras"
    with pytest.raises(ValueError, match="'upload.keras' is not a Keras model file"):
        saving.load_model(buffer)


def test_something_neither_path_nor_file_is_a_type_error():
    with pytest.raises(TypeError, match="save_model: expected a file path .* got int"):
        saving.save_model(mk.Sequential([L.Dense(1, input_shape=(2,))]), 3)


def _weights(npz, prefix):
    return [npz[f"{prefix}_{i}"] for i in range(len([k for k in npz.files if k.startswith(prefix + "_")]))]


@pytest.mark.parametrize("case, units", [("wider", (4, 6)), ("longer", (4, 5, 5))])
def test_skip_mismatch_keeps_the_layers_the_file_does_not_fit_as_keras_does(case, units):
    path = os.path.join(FIXTURES, "two_dense.keras")
    expected = np.load(os.path.join(FIXTURES, "partial.npz"))
    model = mk.Sequential([mk.Input((3,))] + [L.Dense(n) for n in units])
    model.set_weights(_weights(expected, f"{case}_before"))
    with pytest.raises(ValueError, match="must match|received 0 variables"):
        model.load_weights(path)
    np.testing.assert_array_equal(model.get_weights()[0], expected[f"{case}_before_0"])   # a refusal changes nothing
    with pytest.warns(UserWarning, match="skip_mismatch=True.* kept the current weights of 1 layer"):
        model.load_weights(path, skip_mismatch=True)
    for got, want in zip(model.get_weights(), _weights(expected, f"{case}_after")):
        np.testing.assert_array_equal(got, want)

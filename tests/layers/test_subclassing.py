"""Keras-style subclassed layers and models (Keras 3's subclassing guide, the RNN guide's MinimalRNNCell)
give Keras 3's numbers: forward, loss, and weights after one SGD step (fixtures: make_subclassing_fixtures.py)."""
import os
import sys

import numpy as np
import pytest

import minikeras
from minikeras import layers, ops

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
sys.path.insert(0, FIXTURES)
from subclassing_examples import examples, models  # noqa: E402

EXPECTED = np.load(os.path.join(FIXTURES, "subclassing", "examples.npz"))


@pytest.mark.parametrize("case", sorted(models(minikeras)))
def test_guide_examples_match_keras(case):
    build, x, y = models(minikeras)[case]
    model = build()
    count = len([k for k in EXPECTED.files if k.startswith(f"{case}/w_init")])
    assert len(model.get_weights()) == count
    model.set_weights([EXPECTED[f"{case}/w_init{i}"] for i in range(count)])
    model.compile(optimizer=minikeras.optimizers.SGD(0.1), loss="mse")
    np.testing.assert_allclose(model.predict(x, verbose=0), EXPECTED[f"{case}/forward"], rtol=1e-5, atol=1e-6)
    loss = model.train_on_batch(x, y)
    np.testing.assert_allclose(loss, EXPECTED[f"{case}/loss"], rtol=1e-5, atol=1e-6)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, EXPECTED[f"{case}/w_step{i}"], rtol=1e-5, atol=1e-6)


def test_compute_sum_updates_its_non_trainable_weight_at_each_call():
    compute_sum = examples(minikeras)["ComputeSum"](2)
    np.testing.assert_allclose(compute_sum(np.ones((2, 2), "float32")), EXPECTED["compute_sum/first"])
    np.testing.assert_allclose(compute_sum(np.ones((2, 2), "float32")), EXPECTED["compute_sum/second"])
    assert len(compute_sum.weights) == 1 and len(compute_sum.non_trainable_weights) == 1
    assert compute_sum.trainable_weights == []


def test_compute_sum_in_a_model_returns_the_update_from_the_pure_call():
    compute_sum = examples(minikeras)["ComputeSum"](2)
    inputs = minikeras.Input((2,))
    model = minikeras.Model(inputs, compute_sum(inputs))
    params = model.params
    out, updates = model.apply(params, np.ones((3, 2), "float32"), return_updates=True)
    np.testing.assert_allclose(out, [3.0, 3.0])
    np.testing.assert_allclose(updates[compute_sum.name]["variable"], [3.0, 3.0])
    np.testing.assert_allclose(model.params[compute_sum.name]["variable"], [0.0, 0.0])   # apply stays pure


def test_weights_are_handles_that_read_and_assign():
    linear = examples(minikeras)["Linear"](2)
    linear(np.ones((1, 3), "float32"))
    assert [tuple(w.shape) for w in linear.weights] == [(3, 2), (2,)]
    linear.b.assign(np.array([1.0, 2.0]))
    np.testing.assert_allclose(linear(np.zeros((1, 3), "float32")), [[1.0, 2.0]])
    np.testing.assert_allclose(linear.get_weights()[1], [1.0, 2.0])


def test_add_loss_shows_in_losses_after_an_eager_call():
    layer = examples(minikeras)["ActivityRegularizationLayer"](0.5)
    layer(np.full((2, 2), 2.0, "float32"))
    np.testing.assert_allclose(layer.losses, [1.0])


def test_custom_dropout_is_active_only_in_training():
    dropout = examples(minikeras)["CustomDropout"](0.5)
    x = np.ones((200, 50), "float32")
    np.testing.assert_array_equal(dropout(x), x)
    dropped = np.asarray(dropout(x, training=True))
    assert set(np.unique(dropped)) <= {0.0, 2.0}
    assert 0.4 < (dropped == 0).mean() < 0.6


def test_subclassed_model_tracks_its_layers_and_saves_weights(tmp_path):
    model = examples(minikeras)["MLP"]()
    x = np.ones((2, 3), "float32")
    before = model(x)
    assert [type(l).__name__ for l in model.layers] == ["MLPBlock", "ActivityRegularizationLayer", "Dense"]
    path = str(tmp_path / "mlp.weights.h5")
    model.save_weights(path)
    other = examples(minikeras)["MLP"]()
    other(x)
    other.load_weights(path)
    np.testing.assert_allclose(other(x), before, rtol=1e-6)


def test_subclassed_model_compiles_before_it_is_built_and_fits():
    model = examples(minikeras)["MLP"]()
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(np.ones((8, 3), "float32"), np.zeros((8, 2), "float32"), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and model.built


def test_sequential_without_an_input_shape_compiles_and_builds_at_fit():
    model = minikeras.Sequential()
    model.add(layers.Embedding(20, 4))
    model.add(layers.LSTM(3))
    model.add(layers.Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    x = np.random.default_rng(0).integers(1, 20, size=(6, 5))
    model.fit(x, np.ones((6, 1)), epochs=1, verbose=0)
    assert model.predict(x, verbose=0).shape == (6, 1)


def test_minimal_rnn_cell_runs_backwards_masked_and_stateful():
    cell_class = examples(minikeras)["MinimalRNNCell"]
    x = np.random.default_rng(0).uniform(size=(2, 4, 3)).astype("float32")
    forward = layers.RNN(cell_class(2), return_sequences=True)
    backward = layers.RNN(cell_class(2), return_sequences=True, go_backwards=True)
    forward(x)
    backward(x)
    backward.set_weights(forward.get_weights())
    np.testing.assert_allclose(backward(x[:, ::-1]), forward(x), rtol=1e-6)
    out, state = layers.RNN(cell_class(2), return_state=True)(x)
    np.testing.assert_allclose(out, state)


def test_bad_add_weight_and_call_are_clear_errors():
    class BadShape(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], "x"))

        def call(self, inputs):
            return inputs

    class BadInitializer(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(2,), initializer="no_such_init")

        def call(self, inputs):
            return inputs

    class ReturnsText(layers.Layer):
        def call(self, inputs):
            return "not an array"

    class LateWeight(layers.Layer):
        def call(self, inputs):
            self.add_weight(shape=(1,))
            return inputs

    x = np.ones((1, 2), "float32")
    with pytest.raises(ValueError, match="bad_shape.*shape of whole numbers"):
        BadShape(name="bad_shape")(x)
    with pytest.raises(ValueError, match="bad_initializer.*initializer"):
        BadInitializer(name="bad_initializer")(x)
    with pytest.raises(TypeError, match="returns_text.*must return an array"):
        ReturnsText(name="returns_text")(x)
    with pytest.raises(ValueError, match="late_weight.*after the layer was built"):
        LateWeight(name="late_weight")(x)


def test_gradients_through_a_subclassed_layer_equal_finite_differences():
    from autograd.test_util import check_grads
    linear = examples(minikeras)["MLPBlock"]()
    inputs = minikeras.Input((3,))
    model = minikeras.Model(inputs, linear(inputs))
    params = {k: v for k, v in model.params.items()}
    from minikeras.params import flatten_params, unflatten_like
    leaves = [np.asarray(w, dtype=np.float64) for w in flatten_params(params)]
    x = np.random.default_rng(0).uniform(size=(2, 3))

    def f(*leaves):
        return ops.sum(model.apply(unflatten_like(params, leaves), x) ** 2)

    check_grads(f, modes=["rev"], order=1)(*leaves)


@pytest.mark.parametrize("case", ["linear_file", "mlp_file"])
def test_keras_files_of_custom_layers_and_subclassed_models_open(case):
    classes = examples(minikeras)
    custom = {f"demo>{name}": classes[name] for name in ("Linear", "MLPBlock", "ActivityRegularizationLayer", "MLP")}
    model = minikeras.models.load_model(os.path.join(FIXTURES, "subclassing", case + ".keras"), custom_objects=custom)
    np.testing.assert_allclose(model.predict(np.ones((2, 3), "float32"), verbose=0), EXPECTED[f"{case}/forward"],
                               rtol=1e-5, atol=1e-6)


def test_registered_custom_layer_saves_and_loads_without_custom_objects(tmp_path):
    linear_class = minikeras.saving.register_keras_serializable(package="test_pkg")(examples(minikeras)["Linear"])
    inputs = minikeras.Input((3,))
    model = minikeras.Model(inputs, linear_class(4)(inputs))
    path = str(tmp_path / "linear.keras")
    model.save(path)
    loaded = minikeras.models.load_model(path)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert minikeras.saving.get_registered_name(linear_class) == "test_pkg>Linear"
    assert loaded.layers[1].get_config()["units"] == 4


def test_unregistered_custom_layer_names_itself_when_loading(tmp_path):
    class Unknown(layers.Layer):
        def call(self, inputs):
            return inputs * 2.0

    inputs = minikeras.Input((3,))
    path = str(tmp_path / "unknown.keras")
    minikeras.Model(inputs, Unknown()(inputs)).save(path)
    with pytest.raises(ValueError, match="Unknown.*custom_objects"):
        minikeras.models.load_model(path)


def test_keras2_add_weight_with_the_name_first():
    class Keras2Style(layers.Layer):
        def build(self, input_shape):
            self.kernel = self.add_weight("kernel", (input_shape[-1], 2), None, "ones")
            super().build(input_shape)

        def call(self, inputs):
            return ops.matmul(inputs, self.kernel)

    layer = Keras2Style()
    np.testing.assert_allclose(layer(np.ones((1, 3), "float32")), [[3.0, 3.0]])
    assert layer.weights[0].name == "kernel"


def test_custom_layers_and_cells_inside_the_wrappers():
    classes = examples(minikeras)
    x = minikeras.Input((4, 3))
    td = minikeras.Model(x, layers.TimeDistributed(classes["Linear"](2))(x))
    frames = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    linear = td.layers[1].layer
    np.testing.assert_allclose(td.predict(frames, verbose=0), frames @ linear.w.numpy() + linear.b.numpy(),
                               rtol=1e-5)
    bi = minikeras.Model(x, layers.Bidirectional(layers.RNN(classes["MinimalRNNCell"](2), return_sequences=True))(x))
    assert bi.predict(frames, verbose=0).shape == (2, 4, 4)


def test_a_stateful_custom_cell_carries_its_state_between_batches():
    cell = examples(minikeras)["MinimalRNNCell"](2)
    model = minikeras.Sequential([minikeras.Input(batch_shape=(1, 3, 1)), layers.RNN(cell, stateful=True)])
    model.set_weights([np.ones((1, 2), "float32"), np.eye(2, dtype="float32")])
    x = np.ones((1, 3, 1), "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), [[3.0, 3.0]])
    np.testing.assert_allclose(model.predict(x, verbose=0), [[6.0, 6.0]])     # went on from 3
    model.reset_states()
    np.testing.assert_allclose(model.predict(x, verbose=0), [[3.0, 3.0]])

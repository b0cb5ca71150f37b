"""Keras-style layers whose call takes several tensors: `layer(x, y)` on symbolic tensors records one node that
replays them positionally, `build(x_shape, y_shape)` gets each argument's shape by name (Keras's signature errors
otherwise), and the numbers, weights and saved files match Keras 3's (fixtures: make_multi_input_fixtures.py)."""
import json
import os
import sys
import zipfile

import autograd.numpy as anp
import numpy as np
import pytest
from autograd.test_util import check_grads

import minikeras
from minikeras import Input, Model, layers, ops

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
sys.path.insert(0, FIXTURES)
from multi_input_layers import data, recorded, registered_layers, seeded_weights, two_kernels_model  # noqa: E402

EXPECTED, FACTS = recorded()
CLASSES = registered_layers(minikeras)


class TwoDense(layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.first, self.second = layers.Dense(units), layers.Dense(units)

    def call(self, x1, x2):
        return self.first(x1) + self.second(x2)


class Shapes(layers.Layer):
    """Remembers what its build was given."""

    def build(self, bar_shape, foo_shape):
        self.seen = {"foo": foo_shape, "bar": bar_shape}

    def call(self, foo, bar=None, baz=None):
        return foo[:, :1] + bar[:, :1]


def test_two_positional_tensors_build_both_sublayers_and_replay_in_order():
    a, b = Input((4,)), Input((5,))
    layer = TwoDense(2)
    y = layer(a, b)
    assert y.shape == (None, 2)
    assert [tuple(w.shape) for w in layer.weights] == [(4, 2), (2,), (5, 2), (2,)]
    model = Model([a, b], y)
    xa, xb = np.ones((3, 4), "float32"), np.full((3, 5), 2.0, "float32")
    expected = layer.first(xa) + layer.second(xb)
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0), expected, rtol=1e-6)


def test_tensors_given_by_name_record_the_same_node():
    a, b = Input((4,)), Input((5,))
    layer = TwoDense(2)
    model = Model([a, b], layer(x1=a, x2=b))
    xa, xb = np.ones((1, 4), "float32"), np.ones((1, 5), "float32")
    np.testing.assert_allclose(model([xa, xb]), layer.first(xa) + layer.second(xb), rtol=1e-6)


class SumOfDict(layers.Layer):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, xs):
        total = self.dense(xs["x1"])
        return total if xs.get("x2") is None else total + self.dense(xs["x2"])


class SumOfList(SumOfDict):
    def call(self, xs):
        total = self.dense(xs[0])
        return total if xs[1] is None else total + self.dense(xs[1])


@pytest.mark.parametrize("with_second", [True, False])
def test_a_dict_or_a_list_holding_none_reaches_the_call_as_it_is(with_second):
    a, b = Input((3,)), Input((3,))
    for layer, inputs in ((SumOfDict(), {"x1": a, "x2": b if with_second else None}),
                          (SumOfList(), [a, b if with_second else None])):
        model = Model([a, b], layer(inputs))
        assert len(layer.weights) == 2
        x1, x2 = np.ones((2, 3), "float32"), np.full((2, 3), 3.0, "float32")
        expected = layer.dense(x1) + (layer.dense(x2) if with_second else 0)
        np.testing.assert_allclose(model.predict([x1, x2], verbose=0), expected, rtol=1e-6)


def test_build_gets_each_call_arguments_shape_by_name_symbolically_and_eagerly():
    symbolic = Shapes()
    assert symbolic(Input((1,)), Input((2,))).shape == (None, 1)
    assert symbolic.seen == {"foo": (None, 1), "bar": (None, 2)}
    eager = Shapes()
    eager(np.ones((4, 1)), np.ones((4, 2)))
    assert eager.seen == {"foo": (None, 1), "bar": (None, 2)}   # built for any batch size (docs/differences.md)


def test_a_build_with_one_argument_gets_the_first_inputs_shape_whatever_its_name():
    class Single(layers.Layer):
        def build(self, anything):
            self.seen = anything

        def call(self, foo, bar):
            return foo + bar[:, :1]

    layer = Single()
    layer(Input((1,)), Input((2,)))
    assert layer.seen == (None, 1)


def test_a_build_may_name_a_subset_of_the_call_arguments():
    class Subset(layers.Layer):
        def build(self, baz_shape, foo_shape):
            self.seen = (foo_shape, baz_shape)

        def call(self, foo, bar=None, baz=None):
            return foo[:, :1] + bar[:, :1] + baz[:, :1]

    layer = Subset()
    layer(np.ones((4, 1)), np.ones((4, 2)), np.ones((4, 3)))
    assert layer.seen == ((None, 1), (None, 3))


def test_build_arguments_without_shape_suffix_or_call_argument_are_value_errors_naming_them():
    class NoSuffix(layers.Layer):
        def build(self, foo_shape, bar):
            pass

        def call(self, foo, bar):
            return foo + bar

    class Unmatched(layers.Layer):
        def build(self, foo_shape, baz_shape):
            pass

        def call(self, foo, bar):
            return foo + bar

    with pytest.raises(ValueError, match=r"no_suffix.*argument `bar`, which does not end in `_shape`"):
        NoSuffix()(np.ones((2, 1)), np.ones((2, 1)))
    with pytest.raises(ValueError, match=r"`baz_shape`, but `call\(\)` does not have argument `baz`"):
        Unmatched()(Input((1,)), Input((1,)))


def test_a_keyword_tensor_gets_its_shape_in_build_too():
    class Masked(layers.Layer):
        def build(self, inputs_shape, attention_mask_shape=None):
            self.seen = attention_mask_shape

        def call(self, inputs, attention_mask=None):
            return inputs if attention_mask is None else inputs * attention_mask

    layer = Masked()
    np.testing.assert_allclose(layer(np.ones((2, 3)), attention_mask=np.zeros((2, 1))), np.zeros((2, 3)))
    assert layer.seen == (None, 1)


def test_compute_output_shape_with_several_arguments_gets_them_by_name():
    class Concat(layers.Layer):
        def call(self, x, y):
            return ops.concatenate([x, y], axis=-1)

        def compute_output_shape(self, x_shape, y_shape):
            return x_shape[:-1] + (x_shape[-1] + y_shape[-1],)

    assert Concat()(Input((2,)), Input((5,))).shape == (None, 7)


def test_without_compute_output_shape_the_shape_is_found_with_every_argument():
    class Outer(layers.Layer):
        def call(self, x, y):
            return x[:, :, None] * y[:, None, :]

    assert Outer()(Input((2,)), Input((5,))).shape == (None, 2, 5)


def test_two_kernels_weights_and_numbers_match_keras():
    model = two_kernels_model(minikeras, CLASSES)
    shapes = [list(w.shape) for w in model.get_weights()]
    assert shapes == FACTS["two_kernels_weight_shapes"]
    model.set_weights(seeded_weights([tuple(s) for s in shapes], seed=1))
    d = data()
    np.testing.assert_allclose(model.predict([d["x4"], d["y5"]], verbose=0), EXPECTED["two_kernels/predict"],
                               rtol=1e-5, atol=1e-6)


def test_a_keras_file_with_a_multi_argument_layer_loads_and_gives_kerass_numbers():
    model = minikeras.saving.load_model(os.path.join(FIXTURES, "multi_input", "two_kernels.keras"))
    d = data()
    np.testing.assert_allclose(model.predict([d["x4"], d["y5"]], verbose=0), EXPECTED["two_kernels/predict"],
                               rtol=1e-5, atol=1e-6)


def test_a_saved_multi_argument_node_and_build_config_are_written_as_keras_writes_them(tmp_path):
    model = two_kernels_model(minikeras, CLASSES)
    model.save(tmp_path / "pair.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "pair.keras").read("config.json"))
    entry = next(e for e in config["config"]["layers"] if e["name"] == "two_kernels")
    assert entry["inbound_nodes"] == FACTS["two_kernels_inbound_nodes"]
    assert entry["build_config"] == FACTS["two_kernels_build_config"]
    loaded = minikeras.saving.load_model(tmp_path / "pair.keras")
    d = data()
    np.testing.assert_allclose(loaded.predict([d["x4"], d["y5"]], verbose=0),
                               model.predict([d["x4"], d["y5"]], verbose=0), rtol=1e-6)


@pytest.mark.usefixtures("float64")    # tests/conftest.py
def test_gradients_through_a_multi_argument_node_match_finite_differences():
    model = two_kernels_model(minikeras, CLASSES)
    rng = np.random.default_rng(3)
    xs = [rng.normal(size=(3, 4)), rng.normal(size=(3, 5))]
    probe = rng.normal(size=(3, 3))

    def objective(params):
        return anp.sum(anp.sin(model.apply(params, xs)) * probe)

    np.random.seed(0)
    check_grads(objective, modes=["rev"], order=1)(model.params)


def test_a_subclassed_model_called_eagerly_on_two_arrays_gets_both():
    class SumModel(Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2, use_bias=False)

        def call(self, x, o=None):
            return self.dense(x if o is None else x + o)

    model = SumModel()
    x = np.ones((1, 3), "float32")
    model(x)
    # weights that float32 holds exactly, so x + o = 3x gives exactly three times the output (a random kernel's
    # rounding made this flaky)
    model.set_weights([np.array([[0.5, -1.0], [0.25, 2.0], [1.0, 0.125]], "float32")])
    alone = model(x)
    np.testing.assert_array_equal(model(x, np.full((1, 3), 2.0, "float32")), 3 * alone)


def test_a_model_sliced_from_an_intermediate_tensor_keeps_the_later_positional_argument():
    a, b = Input((3,)), Input((3,))
    middle = layers.Dense(3, name="middle")(a)
    y = CLASSES["DenseOfSum"](2)(middle, b)
    whole = Model([a, b], y)
    tail = Model([middle, b], y)
    xa, xb = np.ones((2, 3), "float32"), np.full((2, 3), 2.0, "float32")
    hidden = whole.get_layer("middle")(xa)
    np.testing.assert_allclose(tail.predict([hidden, xb], verbose=0), whole.predict([xa, xb], verbose=0), rtol=1e-5)


def test_none_given_positionally_in_a_graph_reaches_the_call_as_none():
    a = Input((2,))
    layer = CLASSES["DenseOfSum"](2)
    model = Model(a, layer(a, None))
    x = np.ones((2, 2), "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), layer.dense(x), rtol=1e-6)


def test_a_built_in_layer_refuses_a_list_holding_none_naming_the_layer():
    with pytest.raises(TypeError, match="Layer 'plus'.*NoneType"):
        layers.Add(name="plus")([Input((2,)), None])

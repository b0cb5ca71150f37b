"""Keras 3 files whose graphs hold op nodes open here and predict Keras's numbers (make_ops_graph_fixtures.py,
which also checks that Keras 3 opens minikeras's files of the same models); op graphs round-trip."""
import os

import numpy as np
import pytest

import minikeras
from minikeras import ops

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "ops_graph")


@pytest.mark.parametrize("case", ["masked_tagger", "ops_graph"])
def test_keras_files_with_op_nodes_open_and_predict_keras_numbers(case):
    model = minikeras.models.load_model(os.path.join(FIXTURES, case + ".keras"))
    data = np.load(os.path.join(FIXTURES, case + ".npz"))
    xs = [data[k] for k in sorted(data.files) if k.startswith("x")]
    ys = [data[k] for k in sorted(data.files) if k.startswith("y")]
    got = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    got = got if isinstance(got, list) else [got]
    for g, y in zip(got, ys):
        np.testing.assert_allclose(g, y, rtol=1e-5, atol=1e-6)


def test_the_mask_node_keras_writes_reads_as_the_not_equal_op():
    import json
    import zipfile
    with zipfile.ZipFile(os.path.join(FIXTURES, "masked_tagger.keras")) as archive:
        config = json.loads(archive.read("config.json"))
    entry = next(l for l in config["config"]["layers"] if l["class_name"] == "NotEqual")
    layer = minikeras.layers.serialization.deserialize_layer(entry)
    np.testing.assert_array_equal(layer.record_call([minikeras.Input((3,)), 0], {}).dtype, "bool")


def test_symbolic_arithmetic_records_ops_that_compute_and_round_trip(tmp_path):
    a, b = minikeras.Input((5, 3)), minikeras.Input((5, 3))
    y = ops.concatenate([a + b * 2.0, ops.tanh(a)], axis=-1)[:, 0]
    model = minikeras.Model([a, b], [1.0 - y, -y])
    assert model.output_shape == [(None, 6), (None, 6)]
    x1 = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    x2 = x1 * 0.5
    expected = 1.0 - np.concatenate([x1 + x2 * 2.0, np.tanh(x1)], axis=-1)[:, 0]
    np.testing.assert_allclose(model.predict([x1, x2], verbose=0)[0], expected, rtol=1e-6)
    path = str(tmp_path / "ops.keras")
    model.save(path)
    loaded = minikeras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict([x1, x2], verbose=0)[1], expected - 1.0, rtol=1e-5, atol=1e-6)


def test_ops_on_symbolic_tensors_train_with_gradients_through_them():
    inputs = minikeras.Input((4,))
    h = minikeras.layers.Dense(3)(inputs)
    outputs = ops.sum(ops.square(h) * 0.5, axis=-1, keepdims=True)
    model = minikeras.Model(inputs, outputs)
    model.compile("sgd", "mse")
    before = model.get_weights()[0].copy()
    model.fit(np.ones((4, 4), "float32"), np.zeros((4, 1), "float32"), epochs=1, verbose=0)
    assert not np.allclose(before, model.get_weights()[0])

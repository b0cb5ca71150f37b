"""Ops called on symbolic tensors are graph steps but not layers, as in Keras 3: `model.layers` and
`get_layer(index=...)` skip them, `model.operations` and the summary (Keras's table, names and types) show them,
and saving keeps them."""
import numpy as np

import minikeras
from minikeras import layers


def _model():
    minikeras.backend.clear_session()      # automatic names (add, tanh) start anew
    a = minikeras.Input((3,), name="a")
    b = minikeras.Input((3,), name="b")
    d = layers.Dense(2, name="d")(a + b)
    return minikeras.Model([a, b], minikeras.ops.tanh(d))


def test_layers_leave_out_the_ops_and_operations_keep_them():
    model = _model()
    assert [layer.name for layer in model.layers] == ["a", "b", "d"]
    assert [op.name for op in model.operations] == ["a", "b", "add", "d", "tanh"]
    assert model.get_layer(index=2).name == "d"


def test_the_summary_lists_the_ops_by_their_keras_class():
    lines = []
    _model().summary(print_fn=lines.append)
    table = "\n".join(lines)
    assert "add (Add)" in table and "tanh (Tanh)" in table and "OpLayer" not in table


def test_a_saved_model_with_ops_predicts_the_same(tmp_path):
    model = _model()
    x = [np.ones((2, 3), "float32"), np.arange(6, dtype="float32").reshape(2, 3)]
    path = str(tmp_path / "ops.keras")
    model.save(path)
    loaded = minikeras.saving.load_model(path)
    assert [op.name for op in loaded.operations] == ["a", "b", "add", "d", "tanh"]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)

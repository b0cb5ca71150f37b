"""A model called on a dict (or nested structure) of symbolic tensors answers in its own output structure, and
such a call, inside another model, computes what the model computes on its own."""
import numpy as np
import pytest

from minikeras import Input, Model, layers
from minikeras.layers import InputSpec


def _nested_model():
    i1, i2, i3 = Input((1,), name="one"), Input((2,), name="two"), Input((3,), name="three")
    outputs = {"1": layers.Dense(1)(i1), "others": {"2": layers.Dense(2)(i2), "3": layers.Dense(3)(i3)}}
    return Model({"1": i1, "others": {"2": i2, "3": i3}}, outputs)


def test_a_dict_of_symbolic_tensors_gives_the_dict_of_outputs():
    i1, i2 = Input((2,), name="input1"), Input((2,), name="input2")
    model = Model({"input1": i1, "input2": i2}, {"output1": i1 * 2, "output2": i2})
    out = model({"input1": Input((2,)), "input2": Input((2,))})
    assert set(out) == {"output1", "output2"}
    assert out["output1"].shape == (None, 2) and out["output2"].shape == (None, 2)


def test_nested_structures_of_symbolic_tensors_keep_their_nesting_and_batch():
    model = _nested_model()
    out = model({"1": Input((1,), batch_size=2),
                 "others": {"2": Input((2,), batch_size=2), "3": Input((3,), batch_size=2)}})
    assert out["1"].shape == (2, 1)
    assert out["others"]["2"].shape == (2, 2) and out["others"]["3"].shape == (2, 3)


def test_the_nested_model_inside_another_graph_computes_the_same_numbers():
    model = _nested_model()
    a, b, c = Input((1,)), Input((2,)), Input((3,))
    outer = Model([a, b, c], model({"1": a, "others": {"2": b, "3": c}}))
    rng = np.random.default_rng(0)
    x = [rng.normal(size=(4, n)).astype("float32") for n in (1, 2, 3)]
    direct = model({"1": x[0], "others": {"2": x[1], "3": x[2]}})
    through = outer.predict(x, verbose=0)
    np.testing.assert_allclose(through["1"], direct["1"], rtol=1e-6)
    np.testing.assert_allclose(through["others"]["3"], direct["others"]["3"], rtol=1e-6)


def test_a_symbolic_call_answers_in_a_dict_or_tuple_like_the_models_outputs():
    inputs = Input((3,))
    hidden = layers.Dense(5)(inputs)
    as_dict = Model(inputs, {"a": layers.Dense(4)(hidden), "b": layers.Dense(5)(hidden)})
    out = as_dict(Input((3,), batch_size=2))
    assert isinstance(out, dict) and out["a"].shape == (2, 4) and out["b"].shape == (2, 5)
    as_tuple = Model(inputs, (layers.Dense(4)(hidden), layers.Dense(5)(hidden)))
    out = as_tuple(Input((3,)))
    assert isinstance(out, tuple) and [t.shape for t in out] == [(None, 4), (None, 5)]


def test_an_input_spec_set_on_a_model_by_hand_is_checked_at_its_call():
    inputs = Input((None, 3))
    model = Model(inputs, layers.Dense(2)(inputs), name="spec")
    model.input_spec = InputSpec(shape=(None, 4, 3))
    with pytest.raises(ValueError, match=r"'spec' \(Model\) is incompatible with its input: expected shape"):
        model(np.zeros((2, 3, 3), "float32"))
    assert model(np.zeros((2, 4, 3), "float32")).shape == (2, 4, 2)

"""A Functional model's outputs keep the container they were given in (list, tuple, dict) through get_config /
from_config, as in Keras 3; JSON, and so a file, has no tuples, and Keras's model comes back with a list there too."""
import json

import numpy as np
import pytest

import minikeras as mk
from minikeras import layers as L


def _two_outputs(container):
    inputs = mk.Input((3,), batch_size=2)
    hidden = L.Dense(5)(inputs)
    a, b = L.Dense(4)(hidden), L.Dense(5)(hidden)
    outputs = {"a": a, "b": b} if container is dict else container([a, b])
    return mk.Model(inputs, outputs)


@pytest.mark.parametrize("container", [list, tuple, dict])
def test_from_config_keeps_the_outputs_container(container):
    restored = mk.Model.from_config(_two_outputs(container).get_config())
    assert isinstance(restored(np.ones((2, 3))), container)
    assert isinstance(restored(mk.Input((3,), batch_size=2)), container)


def test_a_tuple_becomes_a_list_through_json_as_in_keras(tmp_path):
    model = _two_outputs(tuple)
    from_json = mk.Model.from_config(json.loads(json.dumps(model.get_config())))
    assert type(from_json(np.ones((2, 3)))) is list
    path = str(tmp_path / "tuple.keras")
    model.save(path)
    assert type(mk.saving.load_model(path)(np.ones((2, 3)))) is list

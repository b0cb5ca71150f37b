"""Ops on symbolic tensors with unknown axes give Keras 3's output shapes (tests/fixtures/symbolic_shapes.json,
made by make_symbolic_shape_fixtures.py from the cases in symbolic_shape_cases.py), and refuse what Keras refuses."""
import json
import os
import sys

import numpy as np
import pytest

import minikeras

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
sys.path.insert(0, FIXTURES)
import symbolic_shape_cases  # noqa: E402

with open(os.path.join(FIXTURES, "symbolic_shapes.json")) as f:
    FACTS = json.load(f)
CASES = symbolic_shape_cases.cases(minikeras)
REFUSED = symbolic_shape_cases.refused(minikeras)


def test_the_fixtures_cover_the_case_table():
    assert set(FACTS["shapes"]) == set(CASES) and set(FACTS["refused"]) == set(REFUSED)


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_shape_equals_keras(name):
    assert tuple(CASES[name]().shape) == tuple(FACTS["shapes"][name])


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_shapes_that_cannot_go_together_are_refused(name):
    assert FACTS["refused"][name] == "ValueError"
    with pytest.raises(ValueError):
        REFUSED[name]()


def test_a_model_of_broadcast_inputs_predicts_the_shape_it_declared():
    a = minikeras.Input(batch_shape=(None, 3))
    b = minikeras.Input(batch_shape=(2, None))
    out = minikeras.ops.add(a, b)
    model = minikeras.Model([a, b], out)
    assert model.outputs[0].shape == (2, 3)
    result = model.predict([np.ones((2, 3), "float32"), np.ones((2, 3), "float32")], verbose=0)
    assert result.shape == (2, 3) and np.all(result == 2.0)

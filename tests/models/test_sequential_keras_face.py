"""Sequential as Keras 3's own tests use it: output shapes before a build, what add() refuses."""
import pytest

from minikeras import Input, Sequential, layers


def test_compute_output_shape_before_the_model_is_built():
    model = Sequential([layers.Dense(4), layers.Dense(8)])
    assert model.compute_output_shape((1, 2)) == (1, 8)
    assert model.compute_output_shape((None, 5)) == (None, 8)
    assert not model.built


def test_compute_output_shape_of_a_built_model_keeps_a_known_batch():
    model = Sequential([Input((2,)), layers.Dense(3)])
    assert model.compute_output_shape((None, 2)) == (None, 3)
    assert model.compute_output_shape((7, 2)) == (7, 3)


@pytest.mark.parametrize("thing", [{}, "dense", 3])
def test_add_refuses_what_is_not_a_layer_with_a_value_error(thing):
    with pytest.raises(ValueError, match=r"Sequential 'seq'.add\(\) takes a layer, got"):
        Sequential(name="seq").add(thing)

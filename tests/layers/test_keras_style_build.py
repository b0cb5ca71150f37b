"""Keras-style layers built by hand: `layer.build(shape)` builds for good, a layer without call holds weights."""
import numpy as np
import pytest

from minikeras import layers


class Scale(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * self.w


class Holder(layers.Layer):
    """Keras's container layers: weights made in __init__, no call of their own."""

    def __init__(self):
        super().__init__()
        self.var = self.add_weight(shape=(1,), name="inner")


class Parent(layers.Layer):
    def __init__(self):
        super().__init__()
        self.inner = Holder()


class Outer(layers.Layer):
    def __init__(self):
        super().__init__()
        self.scale = Scale()

    def build(self, input_shape):
        self.scale.build(input_shape)         # as Keras users build their sublayers

    def call(self, x):
        return self.scale(x)


def test_build_called_by_hand_builds_the_layer_once():
    layer = Scale()
    layer.build((None, 3))
    assert layer.built and len(layer.weights) == 1
    np.testing.assert_allclose(layer(np.full((2, 3), 2.0, "float32")), np.full((2, 3), 2.0))
    assert len(layer.weights) == 1


def test_a_parent_that_builds_its_sublayer_does_not_duplicate_its_weights():
    layer = Outer()
    layer(np.ones((2, 3), "float32"))
    assert [w.path for w in layer.weights] == [f"{layer.scale.name}/w"]


def test_a_layer_without_call_holds_the_weights_made_in_init():
    holder = Holder()
    assert len(holder.weights) == 1 and holder.trainable_weights == [holder.var]
    parent = Parent()
    parent.build(None)
    assert parent.built and len(parent.weights) == 1


def test_weights_after_building_by_hand_are_still_refused():
    layer = Scale()
    layer.build((None, 3))
    with pytest.raises(ValueError, match="add_weight\\(\\) was called after the layer was built"):
        layer.add_weight(shape=(1,))

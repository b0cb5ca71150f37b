"""Sequential: a Model whose graph is a chain of layers, built as soon as the input shape is known."""
import numpy as np

from ..layers.base import Layer, unique_name
from .graph import InputLayer, Input, KerasTensor
from .model import Model, _refuse_duplicate_names
from .training import Trainer


class Sequential(Model):
    """A Model whose graph is a chain. It builds as soon as the input shape is known."""

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        Layer.__init__(self, name=name or unique_name("sequential"), trainable=trainable, **kwargs)
        Trainer.__init__(self)
        self._chain = []
        self._input_tensor = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        """Append a layer to the chain (an Input only first); the model builds once the input shape is known."""
        if isinstance(layer, KerasTensor) and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer
        if isinstance(layer, InputLayer):
            if self._input_tensor is not None or self._chain:
                raise ValueError(f"Sequential '{self.name}': an Input can only be the first layer.")
            self._input_tensor = layer.output_tensor
            return
        if not isinstance(layer, Layer):     # a ValueError, as Keras raises
            raise ValueError(f"Sequential '{self.name}'.add() takes a layer, got {type(layer).__name__}: {layer!r}.")
        if self._input_tensor is None and not self._chain and layer._batch_input_shape is not None:
            self._input_tensor = Input(batch_shape=layer._batch_input_shape, dtype=_input_dtype_for(layer))
        elif self._input_tensor is None and not self._chain and isinstance(layer, Model) and layer.built \
                and len(getattr(layer, "inputs", [])) == 1:
            # a built model first: the Sequential takes its input, as Keras does
            self._input_tensor = Input(batch_shape=layer.inputs[0].shape, dtype=layer.inputs[0].dtype)
        self._chain.append(layer)
        if self._input_tensor is not None:
            if self.built:
                self._extend_graph(layer)
            else:
                self._connect()
        _refuse_duplicate_names(self._chain, self.name)

    def _extend_graph(self, layer):
        self._set_graph(self._input_tensor, layer(self.outputs[0]))

    def pop(self):
        """Remove the last layer and return it."""
        if not self._chain:
            raise ValueError(f"Sequential '{self.name}' has no layers to pop.")
        layer = self._chain.pop()
        for each in self._chain:
            each._inbound_nodes.clear()
        self.built = False
        if self._input_tensor is not None and self._chain:
            self._connect()
        return layer

    def _connect(self):
        x = self._input_tensor
        for layer in self._chain:
            x = layer(x)
        self._set_graph(self._input_tensor, x)

    def __call__(self, inputs, *args, **kwargs):
        if not self.built and self._chain and isinstance(inputs, (dict, list, tuple)) and _all_arrays(inputs):
            self._build_for_structure(inputs)
        return super().__call__(inputs, *args, **kwargs)

    def _build_for_structure(self, inputs):
        """A first call on a list or dict of arrays: one Input each, in the same structure, given to the first layer
        as it is (Keras's Sequential passes the structure on too)."""
        def input_for(value, name=None):
            return Input(batch_shape=(None,) + tuple(np.shape(value)[1:]), dtype=_array_dtype(value), name=name)
        if isinstance(inputs, dict):
            self._input_tensor = {key: input_for(value, key) for key, value in inputs.items()}
        else:
            self._input_tensor = [input_for(value) for value in inputs]
        self._connect()
        self._built_from_data = True

    def ensure_built(self, input_shape):
        """Build from the first input seen; a Sequential built that way (no Input, no input_shape) that later meets
        inputs whose sizes differ rebuilds its graph with those axes unknown, keeping its weights, as Keras's
        Sequential is built from the shapes its data has in common."""
        if not self.built:
            super().ensure_built(input_shape)
            self._built_from_data = True
            return
        if getattr(self, "_built_from_data", False) and not isinstance(input_shape, list):
            self._widen_input(tuple(input_shape))
        super().ensure_built(input_shape)

    def _prepare_inputs(self, x, what):
        # fit/evaluate/predict check each batch against the graph: widen it first, as a call does
        if self.built and getattr(self, "_built_from_data", False) and np.ndim(x) > 0 and not isinstance(x, dict):
            sample = x[0] if isinstance(x, (list, tuple)) and len(x) == 1 else x
            if not isinstance(sample, (list, tuple)):
                self._widen_input((None,) + np.shape(sample)[1:])
        return super()._prepare_inputs(x, what)

    def _widen_input(self, input_shape):
        if not isinstance(self._input_tensor, KerasTensor):
            return                      # a list or dict of inputs keeps its shapes
        built = tuple(self._input_tensor.shape)
        if len(input_shape) != len(built):
            return                      # another rank is refused by check_input_shape, naming both
        widened = tuple(None if None in (got, was) or got != was else was for got, was in zip(input_shape, built))
        if widened == built:
            return
        before = (self._input_tensor, self._output_structure, [list(layer._inbound_nodes) for layer in self._chain])
        try:
            # the new sizes first, so a layer that cannot take them (Dense's last axis) refuses them by name
            for batch_shape in ((None,) + tuple(input_shape[1:]), widened):
                for layer in self._chain:
                    layer._inbound_nodes.clear()
                self._input_tensor = Input(batch_shape=batch_shape, dtype=before[0].dtype)
                self._connect()
        except (ValueError, TypeError):
            self._input_tensor = before[0]
            for layer, nodes in zip(self._chain, before[2]):
                layer._inbound_nodes[:] = nodes
            self._set_graph(before[0], before[1])
            raise

    def _build_from_shape(self, input_shape):
        if not self._chain:
            raise ValueError(f"Sequential '{self.name}' has no layers yet: add layers before using it.")
        # a first layer that reads text (TextVectorization) gets a string input, as Keras infers from the data
        text = getattr(self._chain[0], "input_dtype", None) == "string"
        self._input_tensor = Input(batch_shape=input_shape, dtype="string" if text else None)
        self._connect()

    def build(self, input_shape=None, rng=None):
        """Build the model for `input_shape` (batch axis included, e.g. (None, 10)) if it is not built yet."""
        if not self.built:
            if input_shape is None:
                raise ValueError(f"Sequential '{self.name}'.build() needs an input shape.")
            self._build_from_shape(tuple(input_shape))
        return self.params

    def compute_output_shape(self, input_shape):
        """The output shape for `input_shape`; before the model is built, each layer's answer in turn."""
        if self.built:
            return super().compute_output_shape(input_shape)
        shape = tuple(input_shape)
        for layer in self._chain:
            shape = layer.compute_output_shape(shape)
        return shape

    @property
    def layers(self):
        return list(self._chain)

    @property
    def weighted_layers(self):
        return list(self._chain)

    def get_config(self):
        """The list of layer configs, as Keras 3's Sequential config dict (no weights)."""
        from ..saving.serialization import sequential_config
        return sequential_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving.serialization import sequential_from_config
        return sequential_from_config(config, custom_objects)


def _all_arrays(structure):
    values = structure.values() if isinstance(structure, dict) else structure
    return len(values) > 0 and all(isinstance(v, np.ndarray) or np.isscalar(v) for v in values)


def _array_dtype(value):
    dtype = np.asarray(value).dtype
    return "string" if dtype.kind in "USO" else ("float32" if dtype.kind == "f" else str(dtype))


def _input_dtype_for(layer):
    return getattr(layer, "input_dtype", None)

"""Sequential: a Model whose graph is a chain of layers, built as soon as the input shape is known."""
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


def _input_dtype_for(layer):
    return getattr(layer, "input_dtype", None)

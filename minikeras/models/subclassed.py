"""Models written Keras-style: layers made in `__init__`, the forward pass in `call(inputs)`.

Such a model is built by its first call (or `build(input_shape)`, or the first fit/predict): the user's `build`
runs, then a call on zeros builds the sublayers and shows the output shapes. From then on it has `inputs` and
`outputs` like a Functional model, so compile, fit and the rest need nothing special; only its forward pass
differs, which binds the params being traced to its weights and runs `call` (keras_style.call_pure).
"""
from ..layers import keras_style
from .graph import Input, Node


class SubclassedModel:
    """Mixed into Model: what a Keras-style subclass of Model does differently."""

    def _build_subclassed(self, input_shape):
        if self.built or getattr(self, "_building", False):
            return
        keras_style.build_for(self, input_shape)
        self.built = True
        several = isinstance(input_shape, list)
        shapes = input_shape if several else [input_shape]
        self.inputs = [Input(batch_shape=tuple(shape)) for shape in shapes]
        self._input_structure = self.inputs if several else self.inputs[0]
        try:
            output_shape = keras_style.probe_output_shape(self, input_shape)
        except Exception:
            self.built = False
            raise
        output_shapes = output_shape if isinstance(output_shape, list) else [output_shape]
        if any(isinstance(s, list) for s in output_shapes):
            raise ValueError(f"Model '{self.name}': call() returned nested lists; return an array or a flat "
                             f"list/tuple of arrays.")
        node = Node(self, self.inputs, several, {}, output_shapes, [None] * len(output_shapes))
        self.outputs = node.output_tensors
        self._output_structure = self.outputs if isinstance(output_shape, list) else self.outputs[0]
        self._steps = []
        self._build_input_shape = input_shape
        self._finish_pending_compile()

    def _forward_subclassed(self, params, inputs, training, rng, updates, losses):
        flat = self._flatten_inputs(inputs)
        x = flat if isinstance(self._input_structure, list) else flat[0]
        outputs, call_updates, added = keras_style.call_pure(self, params, x, training=training, rng=rng)
        if updates is not None:
            updates.update(call_updates)
        if losses is not None:
            losses.extend(added)
        outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        return outputs, [None] * len(outputs), {}

    def _check_subclassed_params(self, params, what):
        from ..layers.base import weight_paths
        from ..params import flatten_params
        import numpy as np
        expected = self.params or {}
        want = dict(zip(weight_paths(expected), (np.shape(w) for w in flatten_params(expected))))
        got = dict(zip(weight_paths(params), (np.shape(w) for w in flatten_params(params))))
        if want != got:
            raise ValueError(f"Model '{self.name}': {what} has weights {got}; the model has {want}.")

"""Model: the graph engine behind both front doors (Functional and Sequential). `apply` is the pure function; the rest is the Keras face."""
import numpy as np
from autograd.tracer import getval

from .. import backend, legacy
from ..layers.base import Layer, unique_name, snake_case, _as_arrays, weight_paths
from ..layers import keras_style
from ..layers.keras_style import call_nested, tracked_sublayers, assembled_params, distribute_params
from ..layers.variable import current_call
from ..params import flatten_params, merge_like
from .subclassed import SubclassedModel
from .model_face import ModelFace
from .model_states import LayerStates
from .structure import (flatten, inputs_in_order, is_nested, keys_sorted, outputs_in_structure, pack_like,
                        warn_if_structure_differs)
from .graph import InputLayer, KerasTensor, Step, keras_layer_order, resolve, topological_nodes
from ..layers.node import flat_call_outputs
from ..layers.input_layer import check_fed
from .slicing import from_input_layers
from .model_inputs import call_with_positional_arrays, shapes_of_inputs, standardized_ranks
from .training import Trainer


class Model(SubclassedModel, ModelFace, Trainer, LayerStates, Layer):
    """A graph of layers from `inputs` to `outputs`; itself a layer, so models nest."""

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True, **kwargs):
        for old, new in (("input", "inputs"), ("output", "outputs")):    # Keras 1 spellings
            if old in kwargs:
                legacy.warn_once(f"Model({old}=...)", f"Model({new}=...)")
        inputs = kwargs.pop("input", inputs)
        outputs = kwargs.pop("output", outputs)
        default_name = snake_case(type(self).__name__) if self._keras_style else self._default_name()
        Layer.__init__(self, name=name or unique_name(default_name), trainable=trainable, **kwargs)
        Trainer.__init__(self)
        if inputs is not None and outputs is not None:
            self._set_graph(inputs, outputs)
        elif inputs is not None or outputs is not None:
            raise ValueError(f"Model '{self.name}': give both inputs and outputs, e.g. Model(inputs=x_in, outputs=y).")

    def _default_name(self):
        return "functional"

    # ---- the graph -------------------------------------------------------------------------
    def _set_graph(self, inputs, outputs):
        inputs, outputs = from_input_layers(keys_sorted(inputs), keys_sorted(outputs))
        self._input_structure = inputs
        self._output_structure = outputs
        self.inputs = _flat_tensors(inputs, "inputs", self.name)
        self.outputs = _flat_tensors(outputs, "outputs", self.name)
        nodes = topological_nodes(self.inputs, self.outputs)
        self._steps = [Step(node) for node in nodes]
        self._layers = keras_layer_order(self.inputs, self.outputs)
        _refuse_duplicate_names(self._layers, self.name)
        self.built = True
        self._build_input_shape = self._shape_of(self.inputs)
        self._finish_pending_compile()

    def _shape_of(self, tensors):
        shapes = [t.shape for t in tensors]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def layers(self):
        """The model's layers in graph order, its InputLayers first (a new list each time); for a subclassed model,
        the layers held in its attributes. Ops called on symbolic tensors (`a + b`) are not layers, as in Keras 3:
        they are in `operations`."""
        return [layer for layer in self.operations if not getattr(layer, "is_op_layer", False)]

    @property
    def operations(self):
        """Every step of the model's graph in order, its layers and the ops called on symbolic tensors."""
        if self._keras_style:
            return tracked_sublayers(self)
        return list(getattr(self, "_layers", []))

    @property
    def weighted_layers(self):
        return [layer for layer in self.layers if not isinstance(layer, InputLayer)]

    def get_layer(self, name=None, index=None):
        """The layer called `name`, or the one at position `index` in `model.layers`; ValueError if there is none."""
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"Model '{self.name}' has {len(self.layers)} layers; index {index} is out of range.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No layer named '{name}' in model '{self.name}'. Layers: {[l.name for l in self.layers]}.")

    # ---- params and state: assembled from the layers, which hold the current values --------------
    @property
    def params(self):
        """The weights as a dict {layer name: {weight name: array}}: what `apply` takes; None before the model is built.

        Assigning a dict replaces the weights of the layers it names and leaves the others as they are.
        """
        if not self.built:
            return None
        if self._keras_style:
            return assembled_params(self)
        return {layer.name: layer.params for layer in self.weighted_layers if layer.params}

    @params.setter
    def params(self, value):
        if value is None:
            return
        self._check_params(value, "params", require_every_layer=False)
        self._assign_params(value)

    def _assign_params(self, value):
        """Hand each layer its part of `value`, unchecked: for params this model made itself (a training step)."""
        if self._keras_style:
            distribute_params(self, value)
            return
        for layer in self.weighted_layers:
            if layer.name in value:
                layer.params = value[layer.name]

    def _check_params(self, params, what, require_every_layer=True):
        """A clear error when `params` does not have this model's layout: a dict {layer: {weight: array}} whose
        weights have the shapes the layers were built with."""
        params = getval(params)          # under autograd.grad the dict itself is traced
        if not isinstance(params, dict):
            raise TypeError(f"Model '{self.name}': {what} must be a dict {{layer name: {{weight name: array}}}} "
                            f"like model.params, got {type(params).__name__}.")
        if self._keras_style:
            return self._check_subclassed_params(params, what)
        expected = self.params or {}
        unknown = [name for name in params if name not in expected]
        if unknown:
            raise ValueError(f"Model '{self.name}': {what} names {unknown}, which are not layers with weights here "
                             f"({sorted(expected)}).")
        for name, layer_params in expected.items():
            if name not in params:
                if require_every_layer:
                    raise ValueError(f"Model '{self.name}': {what} has no weights for layer '{name}'.")
                continue
            given = params[name]
            if not isinstance(given, dict):
                raise TypeError(f"Model '{self.name}': {what}['{name}'] must be a dict of weights, got "
                                f"{type(given).__name__}.")
            want = dict(zip(weight_paths(layer_params), (np.shape(w) for w in flatten_params(layer_params))))
            got = dict(zip(weight_paths(given), (np.shape(w) for w in flatten_params(given))))
            if want != got:
                raise ValueError(f"Model '{self.name}': {what}['{name}'] has weights {got}; layer '{name}' has "
                                 f"{want}.")

    def build(self, input_shape=None, rng=None):
        """Build a subclassed model for `input_shape` (batch axis included); a Functional model is built already."""
        if self._keras_style and not self.built and input_shape is not None:
            self._build_subclassed(_as_shape(input_shape))
        return self.params

    def check_input_shape(self, input_shape):
        expected = self._build_input_shape
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        wanted = expected if isinstance(expected, list) else [expected]
        if len(shapes) != len(wanted):
            raise ValueError(f"Model '{self.name}' expects {len(wanted)} input(s), got {len(shapes)}.")
        for got, want in zip(shapes, wanted):
            if got is None:         # None fed for an input (optional ones take it; forward says which may not)
                continue
            if len(got) != len(want) or any(None not in (g, w) and g != w for g, w in zip(got[1:], want[1:])):
                raise ValueError(f"Model '{self.name}' expects input shape {want}, got {got}.")

    def ensure_built(self, input_shape):
        from ..layers.input_spec import check_input_spec
        check_input_spec(self, input_shape)          # an input_spec set on the model by hand, as on any layer
        if not self.built:
            self._build_from_shape(input_shape)
        self.check_input_shape(input_shape)

    def _build_from_shape(self, input_shape):
        if self._keras_style:
            return self._build_subclassed(input_shape)
        raise ValueError(f"Model '{self.name}' has no inputs yet.")

    # ---- the pure function -------------------------------------------------------------------
    def apply(self, params, inputs, training=False, rng=None, state=None, return_state=False, masks=None,
              return_updates=False):
        """Outputs of the model for `inputs`, computed from `params` alone; the model is not changed.

        With `return_state=True` also returns the new state of the stateful layers ({} if none);
        `state=None` starts every stateful layer from zeros. `masks` (a dict) collects, when given,
        the mask arriving at and leaving each layer. With `return_updates=True` also returns the new values
        of the weights the call changed (moving statistics, `assign` in a custom layer) as a nested dict
        shaped like part of `params`: `merge_like(params, updates)` gives the params after the call.
        """
        self._check_params(params, "apply(params=...)")
        updates = {} if return_updates else None
        outputs, _, new_state = self.forward(params, inputs, training, rng, state, masks, updates=updates)
        result = self._structure_outputs(outputs)
        extras = ([new_state] if return_state else []) + ([updates] if return_updates else [])
        return (result, *extras) if extras else result

    def forward(self, params, inputs, training=False, rng=None, state=None, masks=None, activity=None, updates=None,
                losses=None):
        """The engine under `apply`: (list of outputs, list of their masks, new state of stateful layers).

        `activity`, a list when given, collects the activity-regularization penalties of the layers; `losses` the
        values layers added with add_loss; `updates`, a dict, the new values of non-trainable weights
        ({layer name: {weight name: value}}, as the layers' call_with_updates gave them).
        """
        if rng is None and training:
            rng = backend.LazyRng()
        if self._keras_style:
            return self._forward_subclassed(params, inputs, training, rng, updates, losses)
        values, value_masks = {}, {}
        flat_inputs = self._flatten_inputs(inputs)
        if any(x is None for x in flat_inputs):
            check_fed(self.inputs, flat_inputs, f"Model '{self.name}'")
        for tensor, x in zip(self.inputs, flat_inputs):
            values[tensor.id] = x
            value_masks[tensor.id] = None
        new_state = {}
        for step in self._steps:
            self._run_step(step, params, values, value_masks, training, rng, state, new_state, masks, activity,
                           updates, losses)
        outputs = [values[t.id] for t in self.outputs]
        return outputs, [value_masks[t.id] for t in self.outputs], new_state

    def _run_step(self, step, params, values, value_masks, training, rng, state, new_state, masks, activity,
                  updates=None, losses=None):
        layer = step.layer
        xs = [values[i] for i in step.input_ids]
        ms = [value_masks[i] for i in step.input_ids]
        x = resolve(step.input_structure, values) if step.input_structure is not None else \
            xs if step.input_is_list else xs[0]
        mask = (ms if any(m is not None for m in ms) else None) if step.input_is_list else ms[0]
        if step.mask is not None:
            mask = resolve(step.mask, values)
        kwargs = {k: resolve(v, values) for k, v in step.kwargs.items()} if step.kwargs else {}
        train = training if step.training is None else bool(step.training)
        layer_params = params.get(layer.name, {}) if params else {}
        if getattr(layer, "stateful", False):
            layer_state = None if state is None else state.get(layer.name)
            out, new_state[layer.name] = layer.call_with_state(layer_params, x, layer_state, mask=mask,
                                                               training=train, rng=rng, **kwargs)
        elif layer.has_weight_updates:
            if step.args:       # a Keras-style call(self, x, o=None) recorded as layer(x, o)
                kwargs["args"] = resolve(step.args, values)
            out, layer_updates, added = layer.call_recording(layer_params, x, mask=mask, training=train, rng=rng,
                                                             **kwargs)
            if updates is not None and layer_updates:
                updates[layer.name] = layer_updates
            if losses is not None:
                losses.extend(added)
        else:
            out = layer.call(layer_params, x, mask=mask, training=train, rng=rng, **kwargs)
        out_mask = layer.compute_mask(x, mask)
        if isinstance(out, dict) and not hasattr(layer, "_output_structure"):
            outs = flat_call_outputs(out)      # a Keras-style layer's dict, by sorted key as its node numbers them
        else:     # a nested model's dict or nested outputs feed the graph in its flat output order
            outs = flatten(out) if isinstance(out, dict) or (len(step.output_ids) > 1 and is_nested(out)) else \
                out if len(step.output_ids) > 1 else [out]
        if activity is not None and layer.activity_regularizer is not None:
            # Keras 3 divides the penalty by the batch size, so its strength does not depend on batch size
            activity.extend(layer.activity_regularizer(o) / o.shape[0] for o in outs)
        out_masks = out_mask if isinstance(out_mask, list) else [out_mask] + [None] * (len(outs) - 1)
        for tensor_id, value, m in zip(step.output_ids, outs, out_masks):
            values[tensor_id] = value
            value_masks[tensor_id] = m
        if masks is not None:
            masks[layer.name] = {"input_mask": mask, "output_mask": out_mask}

    def _record_call(self, inputs, args, kwargs):
        """A call on symbolic tensors: one node whose inputs are the tensors in the model's input order, and
        outputs in the model's output structure (a dict stays a dict), as Keras does."""
        from .graph import record_node
        warn_if_structure_differs(self, inputs)
        if isinstance(inputs, dict) or is_nested(inputs):
            flat = self._flatten_inputs(inputs)
            inputs = flat if len(flat) > 1 else flat[0]
        outputs = record_node(self, inputs, args, kwargs)
        structure = self._output_structure
        if not (isinstance(structure, (dict, tuple)) or is_nested(structure)):
            return outputs
        return pack_like(structure, outputs if isinstance(outputs, list) else [outputs])

    def _flatten_inputs(self, inputs):
        return inputs_in_order(self, inputs)

    def _structure_outputs(self, outputs):
        return outputs_in_structure(self._output_structure, outputs)

    # ---- the model used as a layer --------------------------------------------------------------
    has_weight_updates = True       # the layers inside may have some (moving statistics, assign)

    def call_recording(self, params, x, mask=None, training=False, rng=None, **kwargs):
        if self._keras_style:
            return Layer.call_recording(self, params, x, mask=mask, training=training, rng=rng, **kwargs)
        updates, losses = {}, []
        outputs, _, _ = self.forward(params, x, training, rng, None, updates=updates, losses=losses)
        return self._structure_outputs(outputs), updates, losses

    def _inner_layers(self):
        return self.weighted_layers

    def call(self, params, x, mask=None, training=False, rng=None):
        return self.apply(params, x, training=training, rng=rng)

    def call_with_state(self, params, x, state, mask=None, training=False, rng=None):
        return self.apply(params, x, training=training, rng=rng, state=state, return_state=True)

    def compute_output_shape(self, input_shape):
        shapes = [t.shape for t in self.outputs]
        batch = _batch_size_of(input_shape)
        if batch is not None:   # called on a batch of known size: outputs of an unknown batch take it, as Keras
            shapes = [(batch,) + tuple(s[1:]) if s and s[0] is None else s for s in shapes]
        return shapes[0] if not isinstance(self._output_structure, (list, tuple, dict)) else shapes

    def compute_mask(self, x, mask=None):
        return None

    def regularization_loss(self, params):
        if self._keras_style:
            return keras_style.regularization_loss(self, params)
        total = 0.0
        for layer in self.weighted_layers:
            if layer.name in params:
                total = total + layer.regularization_loss(params[layer.name])
        return total

    def apply_constraints(self, params):
        if self._keras_style:
            return keras_style.apply_constraints(self, params)
        return {name: self._layer_by_name(name).apply_constraints(p) for name, p in params.items()}

    # ---- the Keras face ---------------------------------------------------------------------
    def __call__(self, inputs, *args, **kwargs):
        from ..layers.base import is_symbolic
        if is_symbolic(inputs):
            return self._record_call(inputs, args, kwargs)
        context = current_call()
        if context is not None and id(self) in context.layer_params:
            return call_nested(self, context, inputs, args, kwargs)
        if args and self._keras_style:      # a subclassed call(self, x, o=None) called as model(x, o)
            return call_with_positional_arrays(self, inputs, args, kwargs)
        training = bool(kwargs.pop("training", False))
        kwargs.pop("mask", None)
        warn_if_structure_differs(self, inputs)
        inputs = _as_arrays(inputs) if not isinstance(inputs, dict) else inputs
        if self.built and not self._keras_style:
            inputs = standardized_ranks(self, inputs)
        self.ensure_built(shapes_of_inputs(inputs))
        result, new_state, updates = self.apply(self.params, inputs, training=training, state=self.get_states(),
                                                return_state=True, return_updates=True)
        self.set_states(new_state)
        if updates:
            self._assign_params(merge_like(self.params, updates))
        return result

def _as_shape(shape):
    if isinstance(shape, list) and shape and isinstance(shape[0], (list, tuple)):
        return [tuple(s) for s in shape]
    return tuple(shape)


def _flat_tensors(structure, what, model_name):
    # nested structures (as RNN([cell1, cell2], return_state=True) returns) flatten as in Keras's model.outputs
    tensors = flatten(structure)
    for t in tensors:
        if not isinstance(t, KerasTensor):
            raise ValueError(f"Model '{model_name}': {what} must be symbolic tensors from Input(...) or layer calls, "
                            f"got {type(t).__name__}.")
    return tensors


def _refuse_duplicate_names(layers, model_name):
    seen = set()
    for layer in layers:
        if layer.name in seen:
            raise ValueError(f"Model '{model_name}': the layer name '{layer.name}' is used more than once. "
                             f"All layer names in a model must be unique; pass name=... to tell them apart.")
        seen.add(layer.name)


def _batch_size_of(input_shape):
    """The batch size an input shape (or the first of a list or dict of them) gives, or None."""
    first = input_shape
    while isinstance(first, (list, tuple, dict)) and first:
        first = list(first.values()) if isinstance(first, dict) else first
        if first[0] is None or isinstance(first[0], (int, np.integer)):
            return None if first[0] is None else int(first[0])
        first = first[0]
    return None

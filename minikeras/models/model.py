"""Model and Sequential: one graph engine, two front doors. `apply` is the pure function; the rest is the Keras face."""
import numpy as np
from autograd.tracer import getval

from .. import backend, legacy
from ..layers.base import Layer, unique_name, snake_case, _as_arrays, weight_paths
from ..layers import keras_style
from ..layers.keras_style import call_nested, tracked_sublayers, assembled_params, distribute_params
from ..layers.variable import current_call
from ..params import flatten_params, unflatten_like, merge_like
from .subclassed import SubclassedModel
from .structure import flatten, flatten_like, is_nested, pack_like
from .graph import InputLayer, Input, KerasTensor, topological_nodes, shape_chain
from .training import Trainer


class _Step:
    """One node of the graph, prepared once so `apply` only looks up values by integer ids."""

    __slots__ = ("layer", "input_ids", "input_is_list", "kwargs", "output_ids", "training")

    def __init__(self, node):
        self.layer = node.layer
        self.input_ids = [t.id for t in node.input_tensors]
        self.input_is_list = node.input_is_list
        self.kwargs = {k: v for k, v in node.call_kwargs.items() if k not in ("training", "mask")}
        self.training = node.call_kwargs.get("training")
        self.output_ids = [t.id for t in node.output_tensors]


def _resolve(value, values):
    if isinstance(value, KerasTensor):
        return values[value.id]
    if isinstance(value, (list, tuple)):
        return [_resolve(v, values) for v in value]
    return value


class Model(SubclassedModel, Trainer, Layer):
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
        self._input_structure = inputs
        self._output_structure = outputs
        self.inputs = _flat_tensors(inputs, "inputs", self.name)
        self.outputs = _flat_tensors(outputs, "outputs", self.name)
        nodes = topological_nodes(self.inputs, self.outputs)
        self._steps = [_Step(node) for node in nodes]
        self._layers = [t.node.layer for t in self.inputs]
        for node in nodes:
            if node.layer not in self._layers:
                self._layers.append(node.layer)
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
        the layers held in its attributes."""
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
            if len(got) != len(want) or any(None not in (g, w) and g != w for g, w in zip(got[1:], want[1:])):
                raise ValueError(f"Model '{self.name}' expects input shape {want}, got {got}.")

    def ensure_built(self, input_shape):
        if not self.built:
            self._build_from_shape(input_shape)
        self.check_input_shape(input_shape)

    def _build_from_shape(self, input_shape):
        if self._keras_style:
            return self._build_subclassed(input_shape)
        raise ValueError(f"Model '{self.name}' has no inputs yet.")

    @property
    def stateful(self):
        return any(getattr(layer, "stateful", False) for layer in self.weighted_layers)

    def _stateful_layers(self):
        return [layer for layer in self.weighted_layers if getattr(layer, "stateful", False)]

    def get_states(self):
        """The current state of every stateful layer, as {layer name: state}; {} when none is stateful."""
        return {layer.name: layer.get_state() for layer in self._stateful_layers()}

    def set_states(self, states):
        """Give each stateful layer its entry of `states` (as get_states returns it); a missing entry means zeros."""
        for layer in self._stateful_layers():
            layer.set_state(states.get(layer.name))

    def get_state(self):
        return self.get_states()

    def set_state(self, state):
        self.set_states(state or {})

    def reset_states(self):
        """Zero the state of every stateful layer (Keras 1/2 spelling)."""
        for layer in self._stateful_layers():
            layer.reset_states()

    reset_state = reset_states

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
        for tensor, x in zip(self.inputs, self._flatten_inputs(inputs)):
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
        x = xs if step.input_is_list else xs[0]
        mask = (ms if any(m is not None for m in ms) else None) if step.input_is_list else ms[0]
        kwargs = {k: _resolve(v, values) for k, v in step.kwargs.items()} if step.kwargs else {}
        train = training if step.training is None else bool(step.training)
        layer_params = params.get(layer.name, {}) if params else {}
        if getattr(layer, "stateful", False):
            layer_state = None if state is None else state.get(layer.name)
            out, new_state[layer.name] = layer.call_with_state(layer_params, x, layer_state, mask=mask,
                                                               training=train, rng=rng, **kwargs)
        elif layer.has_weight_updates:
            out, layer_updates, added = layer.call_recording(layer_params, x, mask=mask, training=train, rng=rng,
                                                             **kwargs)
            if updates is not None and layer_updates:
                updates[layer.name] = layer_updates
            if losses is not None:
                losses.extend(added)
        else:
            out = layer.call(layer_params, x, mask=mask, training=train, rng=rng, **kwargs)
        out_mask = layer.compute_mask(x, mask)
        outs = out if len(step.output_ids) > 1 else [out]
        if activity is not None and layer.activity_regularizer is not None:
            # Keras 3 divides the penalty by the batch size, so its strength does not depend on batch size
            activity.extend(layer.activity_regularizer(o) / o.shape[0] for o in outs)
        out_masks = out_mask if isinstance(out_mask, list) else [out_mask] + [None] * (len(outs) - 1)
        for tensor_id, value, m in zip(step.output_ids, outs, out_masks):
            values[tensor_id] = value
            value_masks[tensor_id] = m
        if masks is not None:
            masks[layer.name] = {"input_mask": mask, "output_mask": out_mask}

    def _flatten_inputs(self, inputs):
        structure = self._input_structure
        if is_nested(structure):
            return flatten_like(structure, inputs, f"Model '{self.name}' inputs")
        if isinstance(structure, dict):
            if not isinstance(inputs, dict):
                if isinstance(inputs, (list, tuple)) and len(inputs) == len(structure):
                    return list(inputs)
                raise ValueError(f"Model '{self.name}' takes a dict of inputs with keys {list(structure)}.")
            missing = [k for k in structure if k not in inputs]
            if missing:
                raise ValueError(f"Model '{self.name}': inputs dict is missing {missing}; expected keys {list(structure)}.")
            return [inputs[k] for k in structure]
        if isinstance(inputs, dict):
            names = [t.name for t in self.inputs]
            if all(n in inputs for n in names):
                return [inputs[n] for n in names]
            raise ValueError(f"Model '{self.name}': inputs dict has keys {list(inputs)}; the inputs are named {names}.")
        if len(self.inputs) == 1:
            if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
                return [inputs[0]]
            return [inputs]
        if not isinstance(inputs, (list, tuple)) or len(inputs) != len(self.inputs):
            got = len(inputs) if isinstance(inputs, (list, tuple)) else "a single array"
            raise ValueError(f"Model '{self.name}' expects {len(self.inputs)} inputs "
                             f"{[t.name for t in self.inputs]}, got {got}.")
        return list(inputs)

    def _structure_outputs(self, outputs):
        structure = self._output_structure
        if is_nested(structure):
            return pack_like(structure, outputs)
        if isinstance(structure, dict):
            return dict(zip(structure, outputs))
        if isinstance(structure, tuple):
            return tuple(outputs)            # Keras 3 gives outputs back in the structure the model was made with
        if isinstance(structure, list):
            return list(outputs)
        return outputs[0]

    # ---- the model used as a layer --------------------------------------------------------------
    def call(self, params, x, mask=None, training=False, rng=None):
        return self.apply(params, x, training=training, rng=rng)

    def call_with_state(self, params, x, state, mask=None, training=False, rng=None):
        return self.apply(params, x, training=training, rng=rng, state=state, return_state=True)

    def compute_output_shape(self, input_shape):
        shapes = [t.shape for t in self.outputs]
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
            from .graph import record_node
            return record_node(self, inputs, args, kwargs)
        context = current_call()
        if context is not None and id(self) in context.layer_params:
            return call_nested(self, context, inputs, args, kwargs)
        training = bool(kwargs.pop("training", False))
        kwargs.pop("mask", None)
        inputs = _as_arrays(inputs) if not isinstance(inputs, dict) else inputs
        self.ensure_built(_shapes_of_inputs(inputs))
        result, new_state, updates = self.apply(self.params, inputs, training=training, state=self.get_states(),
                                                return_state=True, return_updates=True)
        self.set_states(new_state)
        if updates:
            self._assign_params(merge_like(self.params, updates))
        return result

    def get_weights(self):
        """Every weight as a list of numpy arrays (copies), layer by layer, in the order set_weights takes them."""
        return [np.array(w) for w in flatten_params(self.params or {})]

    def set_weights(self, weights):
        """Replace every weight from a list like get_weights() returns; all shapes are checked first, so an error
        changes nothing.
        """
        if not isinstance(weights, (list, tuple)):
            raise TypeError(f"Model '{self.name}'.set_weights expects a list of arrays like get_weights() returns, "
                            f"got {type(weights).__name__}.")
        weights = list(weights)
        current = flatten_params(self.params or {})
        if len(weights) != len(current):
            raise ValueError(f"Model '{self.name}' expects a list of {len(current)} weight arrays "
                             f"(shapes {[w.shape for w in current]}), got {len(weights)}.")
        # check every layer's share first, so a wrong shape anywhere changes nothing
        position, checked = 0, []
        for layer in self.weighted_layers:
            count = len(flatten_params(layer.params or {}))
            if count:
                checked.append((layer, layer.checked_weights(weights[position:position + count])))
            position += count
        for layer, layer_weights in checked:
            layer.set_weights(layer_weights)

    @property
    def weights(self):
        """Every weight as a handle (Keras's variables), layer by layer; the same objects as the layers' own."""
        if self._keras_style:
            return keras_style.weight_handles(self, "all")
        return [w for layer in self.weighted_layers for w in layer.weights]

    @property
    def trainable_weights(self):
        """The handles of the weights training updates, layer by layer; none when the model is not trainable."""
        if self._keras_style:
            return keras_style.weight_handles(self, "trainable")
        return [w for layer in self.weighted_layers if self.trainable for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        """The handles of frozen weights (moving statistics, frozen layers), or all when the model is frozen."""
        if self._keras_style:
            return keras_style.weight_handles(self, "non_trainable")
        if not self.trainable:
            return self.weights
        return [w for layer in self.weighted_layers for w in layer.non_trainable_weights]

    @property
    def losses(self):
        """The layers' losses: one per regularized weight, then what layers added with add_loss in their last call."""
        if self._keras_style:
            return Layer.losses.fget(self)
        return [loss for layer in self.weighted_layers for loss in layer.losses]

    def count_params(self):
        """The number of weight values in the model (trainable or not)."""
        return int(sum(np.size(w) for w in flatten_params(self.params or {})))

    @property
    def input_shape(self):
        """The shape of the model's input (batch axis included); a list for several inputs."""
        return self._shape_of(self.inputs)

    @property
    def output_shape(self):
        """The shape of the model's output (batch axis included); a list for several outputs."""
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input(self):
        """The model's symbolic input tensor (a list if several)."""
        return self.inputs[0] if len(self.inputs) == 1 else list(self.inputs)

    @property
    def output(self):
        """The model's symbolic output tensor (a list if several)."""
        return self.outputs[0] if len(self.outputs) == 1 else list(self.outputs)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                show_masks=False, **kwargs):
        """Print the layers, their output shapes and parameter counts as Keras 3 does (and, for Functional models,
        what each layer is connected to).

        `line_length` is the table's width (88, or 108 with "Connected to"); `positions` the right end of each
        column as fractions of it; `expand_nested=True` lists the layers inside nested models, indented;
        `show_trainable=True` adds a Trainable column (Y, N, or - for a layer without weights). `print_fn`
        receives each line instead of print. minikeras extra: show_masks=True marks the layers that receive a mask.
        Unlike Keras, the table does not narrow itself to the terminal.
        """
        from .summary import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn, show_masks=show_masks,
                      expand_nested=expand_nested, show_trainable=show_trainable)

    def get_config(self):
        """The architecture (layers and connections, no weights) as Keras 3's config dict."""
        if self._keras_style:
            return Layer.get_config(self)
        from ..saving.serialization import functional_config
        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new model, with fresh weights, from the dict get_config() returned.

        `custom_objects` maps the names of your own layer classes or functions in the config to them.
        """
        if cls._keras_style:
            return Layer.from_config.__func__(cls, config)
        from ..saving.serialization import functional_from_config
        return functional_from_config(config, custom_objects)

    def to_json(self, **kwargs):
        """The architecture as a JSON string (Keras 3's format), for model_from_json; kwargs go to json.dumps."""
        from ..saving.serialization import model_to_json
        return model_to_json(self, **kwargs)

    def shape_chain(self):
        return shape_chain(self.outputs)

    # ---- files (minikeras.saving does the work) -------------------------------------------------
    def save(self, filepath, overwrite=True, include_optimizer=True, **kwargs):
        """Keras 3's `.keras` file: architecture, weights and compiled state; Keras 3 opens it too."""
        from ..saving import save_model
        save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer, **kwargs)

    def save_weights(self, filepath, overwrite=True):
        """Write the weights to `filepath`: a `.weights.h5` name gives Keras 3's file (optimizer state included), a
        plain `.h5` name Keras 2's layout. The write is atomic.
        """
        from ..saving import save_weights
        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, by_name=False):
        """Read weights from a `.weights.h5`, `.keras` or Keras 2 `.h5` file; every shape is checked before any is set.

        `by_name` and `skip_mismatch` (match layers by name, skip the ones that do not fit) apply to Keras 2 `.h5`
        files only.
        """
        from ..saving import load_weights
        load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name)

    # ---- another fixed batch size ----------------------------------------------------------------
    def with_batch_size(self, batch_size):
        """The same model rebuilt for batches of `batch_size`, with a copy of the trained weights.

        A stateful model is built for one batch size; to predict step by step (batch 1) after training
        with batches of 32, take `model.with_batch_size(1)`. The copy starts from zero states and, if
        this model is compiled, is compiled the same way (with a fresh optimizer).
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"Model '{self.name}'.with_batch_size: expected a positive integer, got {batch_size!r}.")
        self._require_built("change its batch size")
        config = _with_batch_dimension(self.get_config(), int(batch_size))
        copy = type(self).from_config(config)
        copy.set_weights(self.get_weights())
        if self.compiled:
            from .. import optimizers
            optimizer = optimizers.deserialize(optimizers.serialize(self.optimizer))
            copy.compile(optimizer=optimizer, **{k: v for k, v in self._compile_config.items() if k != "optimizer"})
        return copy


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
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential '{self.name}'.add() takes a layer, got {type(layer).__name__}: {layer!r}.")
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


_BATCH_SHAPE_KEYS = ("batch_shape", "batch_input_shape", "input_shape", "build_input_shape")


def _with_batch_dimension(config, batch_size):
    """A copy of a model config whose every recorded batch shape has `batch_size` as its first entry."""
    if isinstance(config, dict):
        result = {}
        for key, value in config.items():
            if key in _BATCH_SHAPE_KEYS and isinstance(value, (list, tuple)) and value and \
                    not isinstance(value[0], (list, tuple)):
                result[key] = [batch_size] + list(value[1:])
            else:
                result[key] = _with_batch_dimension(value, batch_size)
        return result
    if isinstance(config, list):
        return [_with_batch_dimension(v, batch_size) for v in config]
    return config


def _as_shape(shape):
    if isinstance(shape, list) and shape and isinstance(shape[0], (list, tuple)):
        return [tuple(s) for s in shape]
    return tuple(shape)


def _input_dtype_for(layer):
    return getattr(layer, "input_dtype", None)


def _shapes_of_inputs(inputs):
    if isinstance(inputs, (dict, list, tuple)):
        return [(None,) + tuple(np.shape(v)[1:]) for v in flatten(inputs)]
    return (None,) + tuple(np.shape(inputs)[1:])


def _flat_tensors(structure, what, model_name):
    # nested structures (as RNN([cell1, cell2], return_state=True) returns) flatten as in Keras's model.outputs
    tensors = flatten(structure)
    for t in tensors:
        if not isinstance(t, KerasTensor):
            raise TypeError(f"Model '{model_name}': {what} must be symbolic tensors from Input(...) or layer calls, "
                            f"got {type(t).__name__}.")
    return tensors


def _refuse_duplicate_names(layers, model_name):
    seen = set()
    for layer in layers:
        if layer.name in seen:
            raise ValueError(f"Model '{model_name}': the layer name '{layer.name}' is used more than once. "
                             f"All layer names in a model must be unique; pass name=... to tell them apart.")
        seen.add(layer.name)

"""Layers written Keras-style (`build(input_shape)` + `add_weight`, `call(inputs)`) joined to the pure core.

Such a layer keeps its own weights in `layer._own_weights` (by key) and its sublayers as attributes. Its params
are assembled from both: `{own weight key: array, ..., sublayer name: sublayer params, ...}`, own trainable weights
first, then own non-trainable ones, then the sublayers, which is Keras's weight order. A pure call binds every
handle in that tree to the params being traced (see variable.py), runs the user's `call`, and hands back what the
call recorded: weight updates (`assign`) and added losses (`add_loss`).
"""
import functools
import inspect

import numpy as np
from autograd.tracer import getval

from .. import backend
from .keras_build import build_arguments, shapes_dict_build_config
from .shape_probe import probe_output_shape, _merge_shapes  # noqa: F401  (importable from here, as before)
from .variable import CallContext, Variable, current_call, entered

# attributes of the framework itself that never hold a user's sublayers
_FRAMEWORK_ATTRIBUTES = {"_inbound_nodes", "_layers", "_chain", "_steps", "_layers_by_name", "_input_tensor",
                         "inputs", "outputs", "_input_structure", "_output_structure", "optimizer", "history",
                         "_variables", "_own_weights", "_eager_losses", "_parent_layer", "_weights_owner"}


# ---- weights -----------------------------------------------------------------------------------------
def add_weight(layer, shape=None, initializer=None, dtype=None, trainable=True, regularizer=None, constraint=None,
               name=None, **ignored):
    """Create a weight of `layer` (see Layer.add_weight) and return its handle."""
    from .. import initializers, regularizers, constraints
    if layer.built and not getattr(layer, "_building", False):
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): add_weight() was called after the layer "
                         f"was built. Create weights in __init__ or build(input_shape).")
    shape = _checked_shape(layer, shape, name)
    dtype = np.dtype(dtype or layer.dtype or backend.floatx())
    if initializer is None:
        initializer = "glorot_uniform" if dtype.kind == "f" else "zeros"
    try:
        init = initializers.get(initializer)
    except (ValueError, TypeError) as error:
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): add_weight(initializer=...) - {error}") \
            from None
    key = _unique_key(layer, name or "variable")
    value = np.asarray(init(shape, dtype=dtype, rng=backend.new_rng()), dtype=dtype)
    handle = Variable(layer, key, shape, dtype, trainable=trainable, regularizer=regularizers.get(regularizer),
                      constraint=constraints.get(constraint), name=name or key)
    layer.__dict__.setdefault("_own_weights", {})[key] = value
    layer.__dict__.setdefault("_variables", []).append(handle)
    return handle


def _checked_shape(layer, shape, name):
    if shape is None:
        shape = ()
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    ok = isinstance(shape, (tuple, list)) and all(
        isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in shape)
    if not ok:
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): add_weight(name={name!r}) needs a shape of "
                         f"whole numbers >= 0 (e.g. (input_shape[-1], units)), got {shape!r}.")
    return tuple(int(d) for d in shape)


def _unique_key(layer, base):
    taken = layer.__dict__.get("_own_weights", {})
    key, count = base, 0
    while key in taken:
        count += 1
        key = f"{base}_{count}"
    return key


def variables_in_order(layer):
    """The layer's own handles: trainable first, then non-trainable (Keras's order)."""
    handles = layer.__dict__.get("_variables", [])
    return [v for v in handles if v.trainable] + [v for v in handles if not v.trainable]


# ---- sublayers ---------------------------------------------------------------------------------------
def tracked_sublayers(layer):
    """The layers held in `layer`'s attributes (also inside lists, tuples and dicts), in assignment order."""
    from .base import Layer
    found, seen = [], {id(layer)}

    def visit(value):
        if isinstance(value, Layer):
            if id(value) not in seen:
                seen.add(id(value))
                found.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)

    for attribute, value in vars(layer).items():
        if attribute not in _FRAMEWORK_ATTRIBUTES:
            visit(value)
    return found


# ---- params: assembled from the tree, and handed back to it --------------------------------------------
def assembled_params(layer):
    own = layer.__dict__.get("_own_weights", {})
    params = {v.key: own[v.key] for v in variables_in_order(layer)}
    for sub in tracked_sublayers(layer):
        sub_params = sub.params
        if sub_params:
            params[sub.name] = sub_params
    return params


def distribute_params(layer, params):
    own = layer.__dict__.setdefault("_own_weights", {})
    for handle in layer.__dict__.get("_variables", []):
        if handle.key in params:
            own[handle.key] = params[handle.key]
    for sub in tracked_sublayers(layer):
        if sub.name in params:
            sub.params = params[sub.name]


def split_trainable(layer, params, trainable):
    """(the part of `params` training updates, the part it leaves alone), both shaped like `params`."""
    handles = {v.key: v for v in layer.__dict__.get("_variables", [])}
    subs = {sub.name: sub for sub in tracked_sublayers(layer)}
    train, frozen = {}, {}
    for key, value in params.items():
        if key in handles:
            (train if trainable and handles[key].trainable else frozen)[key] = value
        elif key in subs:
            sub_train, sub_frozen = subs[key].split_trainable(value, trainable)
            if sub_train:
                train[key] = sub_train
            if sub_frozen:
                frozen[key] = sub_frozen
        else:
            frozen[key] = value
    return train, frozen


def weight_handles(layer, which):
    """Handles for `weights` ("all"), `trainable_weights` or `non_trainable_weights`, sublayers included."""
    own = variables_in_order(layer)
    if which == "trainable":
        own = [v for v in own if v.trainable] if layer.trainable else []
    elif which == "non_trainable":
        own = own if not layer.trainable else [v for v in own if not v.trainable]
    attribute = {"all": "weights", "trainable": "trainable_weights", "non_trainable": "non_trainable_weights"}[which]
    result = list(own)
    for sub in tracked_sublayers(layer):
        if which == "trainable" and not layer.trainable:
            continue
        if which == "non_trainable" and not layer.trainable:
            result.extend(sub.weights)
        else:
            result.extend(getattr(sub, attribute))
    return result


def regularization_loss(layer, params):
    total = 0.0
    for handle in layer.__dict__.get("_variables", []):
        if handle.regularizer is not None and handle.key in params:
            total = total + handle.regularizer(params[handle.key])
    for sub in tracked_sublayers(layer):
        if sub.name in params:
            total = total + sub.regularization_loss(params[sub.name])
    return total


def apply_constraints(layer, params):
    handles = {v.key: v for v in layer.__dict__.get("_variables", [])}
    subs = {sub.name: sub for sub in tracked_sublayers(layer)}
    result = {}
    for key, value in params.items():
        if key in handles and handles[key].constraint is not None:
            value = handles[key].constraint(value)
        elif key in subs:
            value = subs[key].apply_constraints(value)
        result[key] = value
    return result


# ---- the pure call ---------------------------------------------------------------------------------------
def _bind_tree(context, layer, params, path, bound):
    context.layer_params[id(layer)] = params
    context.layer_paths[id(layer)] = path
    if not getattr(type(layer), "_keras_style", False):
        return
    for handle in layer.__dict__.get("_variables", []):
        if handle.key in params:
            handle._bound.append(params[handle.key])
            bound.append(handle)
            context.variable_paths[id(handle)] = path + (handle.key,)
    for sub in tracked_sublayers(layer):
        if sub.name in params or not sub.params:     # weightless sublayers run in the pure call too
            _bind_tree(context, sub, params.get(sub.name, {}), path + (sub.name,), bound)


def call_pure(layer, params, inputs, mask=None, training=False, rng=None, args=(), **kwargs):
    """Run the user's `call` with every weight of the tree reading `params`.

    Returns (outputs, weight updates as a nested dict, added losses).
    """
    context = CallContext(training, rng)
    try:
        _bind_tree(context, layer, params, (), context.bound_handles)
        with entered(context):
            outputs = _read_handles(run_user_call(layer, inputs, mask, training, kwargs, args))
    finally:
        for handle in context.bound_handles:
            handle._bound.pop()
    _check_outputs(layer, outputs)
    return outputs, context.nested_updates(), context.added_losses


def call_nested(layer, context, inputs, args, kwargs):
    """A (sub)layer called from inside a pure call that has bound it: read its params from that call."""
    if not layer.built:        # first called here (a shape probe): build it, and read its new weights
        from .base import _shape_of
        layer.ensure_built(_shape_of(inputs))
        path = context.layer_paths[id(layer)]
        _bind_tree(context, layer, layer.params or {}, path, context.bound_handles)
    params = context.layer_params[id(layer)]
    training = kwargs.pop("training", None)
    training = context.training if training is None else bool(training)
    mask = kwargs.pop("mask", None)
    if getattr(type(layer), "_keras_style", False):
        return run_user_call(layer, inputs, mask, training, kwargs, args)
    if getattr(layer, "has_weight_updates", False):
        outputs, updates = layer.call_with_updates(params, inputs, mask=mask, training=training, rng=context.rng,
                                                   **kwargs)
        path = context.layer_paths[id(layer)]
        for key, value in updates.items():
            context.record_update(path + (key,), value)
        return outputs
    return layer.call(params, inputs, mask=mask, training=training, rng=context.rng, **kwargs)


@functools.lru_cache(maxsize=None)
def _call_arguments(cls):
    parameters = inspect.signature(cls.call).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    return "training" in parameters or takes_any, "mask" in parameters or takes_any


def run_user_call(layer, inputs, mask, training, kwargs, args=()):
    takes_training, takes_mask = _call_arguments(type(layer))
    kwargs = dict(kwargs)
    if takes_training and training is not None:
        kwargs.setdefault("training", training)
    if takes_mask and mask is not None:
        kwargs.setdefault("mask", mask)
    return type(layer).call(layer, inputs, *args, **kwargs)


def _read_handles(outputs):
    """A call may return a weight handle (ComputeSum returns its total): return the value it reads now."""
    if isinstance(outputs, Variable):
        return outputs.value
    if isinstance(outputs, (list, tuple)):
        return type(outputs)(_read_handles(o) for o in outputs)
    return outputs


def _check_outputs(layer, outputs):
    from .base import is_symbolic
    leaves = list(outputs.values()) if isinstance(outputs, dict) else \
        outputs if isinstance(outputs, (list, tuple)) else [outputs]
    for leaf in leaves:
        if isinstance(leaf, (list, tuple, dict)):
            _check_outputs(layer, leaf)
        elif leaf is None or isinstance(leaf, (str, bytes)) or is_symbolic(leaf):
            raise TypeError(f"Layer '{layer.name}' ({type(layer).__name__}): call() must return an array (or a "
                            f"list, tuple or dict of arrays), got {type(leaf).__name__}.")


def merged_updates(params, updates):
    """`params` with the values in `updates` (a nested dict of some of its leaves) put in."""
    if not updates:
        return params
    result = dict(params)
    for key, value in updates.items():
        result[key] = merged_updates(params[key], value) if isinstance(value, dict) else getval(value)
    return result


# ---- build and shapes ---------------------------------------------------------------------------------
def build_for(layer, input_shape):
    """Run the user's `build(input_shape)` (creating weights), once."""
    user_build = type(layer).build
    layer._building = True
    try:
        if not user_build.__module__.startswith("minikeras."):
            args, kwargs = build_arguments(layer, user_build, _as_user_shape(input_shape))
            kwargs = {k: _as_user_shape(v) for k, v in kwargs.items()}
            user_build(layer, *args, **kwargs)
            if len(kwargs) > 1:       # saved as Keras saves a build() that took several shapes
                layer.keras_build_config = functools.partial(shapes_dict_build_config, kwargs)
    finally:
        layer._building = False


def _as_user_shape(shape):
    if shape is None:
        return None
    if isinstance(shape, list) and any(isinstance(s, (list, tuple)) for s in shape):
        return [_as_user_shape(s) for s in shape]        # one shape per input (None for an absent one)
    return tuple(shape)


def eager_call(layer, inputs, *args, mask=None, training=None, kwargs=None):
    """`layer(x)` on arrays: build on first use, run the pure call on the current weights, keep its updates."""
    outputs, updates, losses = call_pure(layer, layer.params or {}, inputs, mask=mask, training=training,
                                         rng=backend.new_rng() if training else None, args=args, **(kwargs or {}))
    if updates:
        layer.params = merged_updates(layer.params, updates)
    layer._eager_losses = [getval(loss) for loss in losses] + _activity_penalties(layer, outputs)
    return outputs


def _activity_penalties(layer, outputs):
    """The activity regularizer's penalty on each output, divided by the batch size (0 for an empty batch),
    as Keras 3 adds it to an eagerly called layer's losses."""
    if layer.activity_regularizer is None:
        return []
    leaves = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [float(layer.activity_regularizer(np.asarray(o)) / np.shape(o)[0]) if np.shape(o)[0] else 0.0
            for o in leaves]


def add_loss(layer, value):
    context = current_call()
    if context is not None:
        context.added_losses.append(value)
    else:
        layer.__dict__.setdefault("_eager_losses", []).append(getval(value))


# ---- config ----------------------------------------------------------------------------------------------
def constructor_arguments(cls, args, kwargs):
    """The arguments a Keras-style layer was made with, by name, when they can be written as JSON; else None."""
    import json
    try:
        bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
    except TypeError:
        return None
    arguments = {}
    for name, value in list(bound.arguments.items())[1:]:
        kind = inspect.signature(cls.__init__).parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            arguments.update(value)
        elif kind is not inspect.Parameter.VAR_POSITIONAL:
            arguments[name] = value
    try:
        json.dumps(arguments)
    except (TypeError, ValueError):
        return None
    return arguments


def auto_config(layer):
    """What get_config adds for a Keras-style layer that does not write its own: its constructor arguments."""
    arguments = getattr(layer, "_auto_config", None)
    if arguments is None:
        raise NotImplementedError(
            f"Layer '{layer.name}' ({type(layer).__name__}) was made with arguments that cannot be written as JSON, "
            f"so it needs its own get_config() (and from_config) to be saved.")
    return {k: v for k, v in arguments.items() if k not in ("name", "trainable", "dtype", "activity_regularizer")}

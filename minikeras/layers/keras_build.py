"""The `build` of a Keras-style layer: as its user calls it, and as a first call runs it, with one shape per call
argument when build asks for them by name (`build(self, foo_shape, bar_shape)` for `call(self, foo, bar)`)."""
import contextlib
import functools
import inspect

import numpy as np

_NOT_SHAPES = ("mask", "training")     # call options, never given to build as shapes (as in Keras)
_NAMED = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def keras_style_build(user_build):
    """Wrap a Keras-style layer's own `build(input_shape)`: called by the user (a parent's build often does), it
    builds the layer for good, as Keras does, so the first call does not create the weights a second time."""
    @functools.wraps(user_build)           # keeps the user's module: keras_style.build_for tells them apart by it
    def build(self, *args, **kwargs):
        if getattr(self, "_building", False):        # ensure_built, or a subclass's build calling super().build
            return user_build(self, *args, **kwargs)
        self._building = True
        try:
            result = user_build(self, *args, **kwargs)
        finally:
            self._building = False
        shape = args[0] if args else next(iter(kwargs.values()), None)
        self._build_input_shape = _as_shape(shape)
        self.built = True
        return result

    return build


def _as_shape(shape):
    if isinstance(shape, list) and shape and isinstance(shape[0], (list, tuple)):
        return [tuple(s) for s in shape]
    return tuple(shape) if isinstance(shape, (list, tuple)) else shape


# ---- one shape per call argument ---------------------------------------------------------------------------
def call_argument_shapes(layer, first_shape, args, kwargs):
    """{'<call argument>_shape': shape} for the arguments of the layer's call that hold tensors, in call order;
    the first argument's shape is `first_shape` (as the caller found it), None arguments are left out."""
    parameters = list(inspect.signature(type(layer).call).parameters.values())[1:]
    named = [p.name for p in parameters if p.kind in _NAMED]
    if not named:
        return {"inputs_shape": first_shape}
    shapes = {f"{named[0]}_shape": first_shape}
    for name, value in zip(named[1:], args):
        _add_shape(shapes, name, value)
    for name, value in kwargs.items():
        if name in named[1:] and name not in _NOT_SHAPES:
            _add_shape(shapes, name, value)
    return shapes


def _add_shape(shapes, name, value):
    shape = _shape_of_argument(value)
    if shape is not None:
        shapes[f"{name}_shape"] = shape


def _shape_of_argument(value):
    """The shape of a tensor argument (symbolic: as recorded; an array: its batch axis unknown, as minikeras builds
    for any batch size), a list of them for a list; None for anything that is not a tensor."""
    if isinstance(value, (list, tuple)):
        shapes = [_shape_of_argument(v) for v in value]
        return shapes if any(s is not None for s in shapes) else None
    shape = getattr(value, "shape", None)
    if shape is None or isinstance(value, (str, bytes)):
        return None
    if type(value).__name__ == "KerasTensor":
        return tuple(shape)
    return (None,) + tuple(np.shape(value)[1:]) if np.ndim(value) else None


@contextlib.contextmanager
def call_shapes_recorded(layer, first_shape, args, kwargs):
    """While a call builds `layer`, its build can ask for the shape of each call argument by name."""
    if layer.built or not getattr(type(layer), "_keras_style", False):
        yield
        return
    layer._call_shapes = call_argument_shapes(layer, first_shape, args, kwargs)
    try:
        yield
    finally:
        layer.__dict__.pop("_call_shapes", None)


def shape_arguments(layer, method, first_shape, shapes):
    """(args, kwargs) to call `method` (a build or compute_output_shape) with, as Keras does: one parameter gets
    the first argument's shape whatever its name; several must each be `<call argument>_shape`, and get those."""
    parameters = list(inspect.signature(method).parameters.values())[1:]
    names = [p.name for p in parameters if p.kind in _NAMED]
    if len(names) == 1 or (not names and parameters):
        return (first_shape,), {}
    call_names = list(inspect.signature(type(layer).call).parameters)[1:]
    what = f"{method.__name__}()"
    for name in names:
        if not name.endswith("_shape"):
            raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): a {what} with more than one argument "
                             f"takes one `<call argument>_shape` per argument of call() (e.g. "
                             f"{method.__name__}(self, foo_shape, bar_shape)); got argument `{name}`, which does not "
                             f"end in `_shape`.")
        if name[:-len("_shape")] not in call_names:
            raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): {what} takes argument `{name}`, but "
                             f"`call()` does not have argument `{name[:-len('_shape')]}` (its arguments are "
                             f"{call_names}).")
    return (), {name: shapes[name] for name in names if name in shapes}


def build_arguments(layer, user_build, input_shape):
    """(args, kwargs) for the user's build on the first call: the shapes that call recorded, or, built without a
    call (a parent's build, a saved build_config), the one shape given."""
    shapes = layer.__dict__.get("_call_shapes")
    if shapes is None:
        call_names = list(inspect.signature(type(layer).call).parameters)[1:]
        shapes = {f"{call_names[0] if call_names else 'inputs'}_shape": input_shape}
    return shape_arguments(layer, user_build, input_shape, shapes)


def first_argument_by_name(layer, kwargs):
    """The first argument of `layer`'s call, taken out of `kwargs` when the call gave it by name
    (`layer(x1=a, x2=b)` for `call(self, x1, x2)`); a TypeError when it is not there."""
    parameters = list(inspect.signature(type(layer).call).parameters)
    first = parameters[1] if len(parameters) > 1 and getattr(type(layer), "_keras_style", False) else "inputs"
    if first not in kwargs:
        raise TypeError(f"Layer '{layer.name}' ({type(layer).__name__}) was called without its inputs: pass them "
                        f"first, as layer(x), or by name as layer({first}=x).")
    return kwargs.pop(first)


def shapes_dict_build_config(shapes):
    """The build_config Keras 3 writes for a build() that took several shapes: {"shapes_dict": {name: shape}}."""
    return {"shapes_dict": {name: list(shape) if isinstance(shape, tuple) else shape
                            for name, shape in shapes.items()}}

"""Merge layers: combine a list of tensors (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot)."""
import functools
import string
import sys
import types

import autograd.numpy as anp
import numpy as np

from .. import legacy
from .base import Layer
from .core import Lambda


class _Merge(Layer):
    """Element-wise merges: every input has the same shape (size-1 and unknown axes broadcast)."""

    call_arguments = ("mask",)

    supports_masking = True
    min_inputs = 2

    def build(self, input_shape, rng):
        self._check_inputs(input_shape)
        return {}

    def check_input_shape(self, input_shape):
        self._check_inputs(input_shape)

    def _check_inputs(self, shapes):
        if not isinstance(shapes, list) or len(shapes) < self.min_inputs:
            count = len(shapes) if isinstance(shapes, list) else "a single tensor"
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) merges a list of at least "
                             f"{self.min_inputs} tensors, got {count}.")
        self.compute_output_shape(shapes)

    def compute_output_shape(self, shapes):
        result = list(shapes[0])
        for shape in shapes[1:]:
            if len(shape) != len(result):
                raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) needs inputs of the same rank; "
                                 f"got shapes {shapes}.")
            for axis, (a, b) in enumerate(zip(result, shape)):
                if a is not None and b is not None and a != b and 1 not in (a, b):
                    raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) needs inputs of compatible "
                                     f"shapes; got shapes {shapes} (they differ on axis {axis}: {a} vs {b}).")
                result[axis] = b if a in (None, 1) else a
        return tuple(result)

    def _call_eagerly(self, inputs, *args, **kwargs):
        sizes = [len(x) for x in inputs if np.ndim(x)] if isinstance(inputs, (list, tuple)) else []
        if len(set(sizes)) > 1:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) needs the same number of samples in every "
                             f"input, got {sizes}.")
        return super()._call_eagerly(inputs, *args, **kwargs)

    def compute_mask(self, x, mask=None):
        # Keras 3: a step is kept when any input keeps it, and only when every input carries a mask
        if mask is None:
            return None
        _check_masks(self, x, mask)
        if any(m is None for m in mask):
            return None
        return functools.reduce(np.logical_or, [np.asarray(m, dtype=bool) for m in mask])

    def call(self, params, x, mask=None, training=False, rng=None):
        return functools.reduce(self.combine, x)


class Add(_Merge):
    """Sums a list of tensors of the same shape, element by element (size-1 axes broadcast): Add()([a, b])."""

    combine = staticmethod(lambda a, b: a + b)


class Subtract(_Merge):
    """First tensor minus second, element by element; takes exactly two inputs."""

    combine = staticmethod(lambda a, b: a - b)

    def _check_inputs(self, shapes):
        super()._check_inputs(shapes)
        if len(shapes) != 2:
            raise ValueError(f"Layer '{self.name}' (Subtract) takes exactly 2 inputs, got {len(shapes)}.")


class Multiply(_Merge):
    """Multiplies a list of tensors of the same shape, element by element.

    A masked step of one input counts as 1 (it leaves the product to the others), as in Keras 3; when every input
    is masked, the steps no input keeps come out as 0.
    """

    combine = staticmethod(lambda a, b: a * b)

    def call(self, params, x, mask=None, training=False, rng=None):
        masks = _feature_masks(x, mask)
        factors = [v if m is None else anp.where(m, v, 1.0) for v, m in zip(x, masks)]
        product = functools.reduce(self.combine, factors)
        if all(m is not None for m in masks):
            product = anp.where(functools.reduce(np.logical_or, masks), product, 0.0)
        return product


class _ExtremumMerge(_Merge):
    """Maximum and Minimum: a masked step of one input takes the other inputs' values there (Keras 3)."""

    def call(self, params, x, mask=None, training=False, rng=None):
        masks = _feature_masks(x, mask)
        result, result_mask = x[0], masks[0]
        for value, value_mask in zip(x[1:], masks[1:]):
            if value_mask is not None:
                value = anp.where(value_mask, value, result)
            if result_mask is not None:
                result = anp.where(result_mask, result, value)
            both = value_mask is not None and result_mask is not None
            result_mask = np.logical_or(result_mask, value_mask) if both else None
            result = self.combine(result, value)
        return result


class Maximum(_ExtremumMerge):
    """The element-wise maximum of a list of tensors of the same shape (masked steps do not take part)."""

    combine = staticmethod(anp.maximum)


class Minimum(_ExtremumMerge):
    """The element-wise minimum of a list of tensors of the same shape (masked steps do not take part)."""

    combine = staticmethod(anp.minimum)


class Average(_Merge):
    """The element-wise mean of a list of tensors of the same shape."""

    def call(self, params, x, mask=None, training=False, rng=None):
        return functools.reduce(lambda a, b: a + b, x) / len(x)


class Concatenate(_Merge):
    """Joins a list of tensors along `axis` (default -1, the features); all their other axes must match."""

    min_inputs = 1

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = _whole_number(axis, "Concatenate", "axis")

    def compute_output_shape(self, shapes):
        rank = len(shapes[0])
        _check_axis(self, self.axis, shapes[0])
        axis = self.axis % rank
        for shape in shapes:
            others = [(d, e) for i, (d, e) in enumerate(zip(shape, shapes[0])) if i != axis]
            if len(shape) != rank or any(d is not None and e is not None and d != e for d, e in others):
                raise ValueError(f"Layer '{self.name}' (Concatenate) along axis {self.axis} needs inputs whose "
                                 f"other axes match; got shapes {shapes}.")
        sizes = [s[axis] for s in shapes]
        joined = None if None in sizes else sum(sizes)
        return tuple(joined if i == axis else shapes[0][i] for i in range(rank))

    def call(self, params, x, mask=None, training=False, rng=None):
        return anp.concatenate(x, axis=self.axis)

    def compute_mask(self, x, mask=None):
        # Keras 3: the masks joined like the inputs (an unmasked input keeps everything), then any over features
        if mask is None:
            return None
        _check_masks(self, x, mask)
        if all(m is None for m in mask):
            return None
        batch = next(np.shape(m)[0] for m in mask if m is not None and np.ndim(m))
        full = [np.ones(_concrete_shape(v, None, batch), dtype=bool) if m is None else _spread_mask(m, v, batch)
                for v, m in zip(x, mask)]
        return np.any(np.concatenate(full, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(_Merge):
    """Dot product of two tensors along `axes` (one per input, or one for both), per sample."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        axes = tuple(axes) if isinstance(axes, (list, tuple)) else (axes, axes)
        if len(axes) != 2:
            raise ValueError(f"Dot: axes must be one axis or a pair (one per input), got {axes!r}.")
        self.axes = tuple(_whole_number(a, "Dot", "axes") for a in axes)
        self.normalize = bool(normalize)

    def _axes_for(self, shapes):
        for axis, shape in zip(self.axes, shapes):
            _check_axis(self, axis, shape)
        return [axis % len(shape) for axis, shape in zip(self.axes, shapes)]

    def compute_output_shape(self, shapes):
        if len(shapes) != 2:
            raise ValueError(f"Layer '{self.name}' (Dot) takes exactly 2 inputs, got {len(shapes)}.")
        a, b = self._axes_for(shapes)
        if None not in (shapes[0][a], shapes[1][b]) and shapes[0][a] != shapes[1][b]:
            raise ValueError(f"Layer '{self.name}' (Dot) contracts axis {a} of {shapes[0]} with axis {b} of "
                             f"{shapes[1]}; their sizes differ.")
        rest = [d for i, d in enumerate(shapes[0]) if i != a] + [d for i, d in enumerate(shapes[1]) if i not in (0, b)]
        return tuple(rest) if len(rest) > 1 else (rest[0], 1)

    def call(self, params, x, mask=None, training=False, rng=None):
        first, second = x
        a, b = self._axes_for([first.shape, second.shape])
        if self.normalize:
            first = first / anp.sqrt(anp.maximum(anp.sum(first ** 2, axis=a, keepdims=True), 1e-12))
            second = second / anp.sqrt(anp.maximum(anp.sum(second ** 2, axis=b, keepdims=True), 1e-12))
        letters = iter(string.ascii_lowercase[2:])
        sub_first = ["b"] + [next(letters) for _ in range(first.ndim - 1)]
        sub_second = ["b"] + [next(letters) for _ in range(second.ndim - 1)]
        sub_second[b] = sub_first[a] = "a"
        out = [s for s in sub_first if s != "a"] + [s for s in sub_second[1:] if s != "a"]
        result = anp.einsum(f"{''.join(sub_first)},{''.join(sub_second)}->{''.join(out)}", first, second)
        return result[:, None] if result.ndim == 1 else result

    def compute_mask(self, x, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _check_masks(layer, inputs, masks):
    """compute_mask's arguments: a list of inputs and a list of as many masks (None for an unmasked input)."""
    kind = f"Layer '{layer.name}' ({type(layer).__name__}).compute_mask"
    if not isinstance(masks, (list, tuple)):
        raise ValueError(f"{kind} takes a list of masks, one per input (None for an unmasked one), "
                         f"got {type(masks).__name__}.")
    if not isinstance(inputs, (list, tuple)):
        raise ValueError(f"{kind} takes the list of inputs, got {type(inputs).__name__}.")
    if len(masks) != len(inputs):
        raise ValueError(f"{kind} got {len(inputs)} inputs but {len(masks)} masks; give one mask per input.")


def _feature_masks(inputs, masks):
    """Each input's (batch, steps) mask spread over its feature axis, or None for an unmasked input."""
    masks = masks if masks is not None else [None] * len(inputs)
    return [None if m is None else _spread_mask(m, v) for v, m in zip(inputs, masks)]


def _spread_mask(mask, value, batch=None):
    mask = np.asarray(mask, dtype=bool)
    shape = _concrete_shape(value, mask, batch)
    return np.broadcast_to(mask[..., None] if mask.ndim < len(shape) else mask, shape)


def _concrete_shape(value, mask, batch):
    """The shape of `value` (an array, or a symbolic tensor whose unknown axes the mask or the batch size fill)."""
    shape = tuple(getattr(value, "shape", np.shape(value)))
    known = np.shape(mask) if mask is not None else ()
    return tuple(d if d is not None else known[i] if i < len(known) else batch if i == 0 else 1
                 for i, d in enumerate(shape))


def _whole_number(value, layer_type, what):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{layer_type}: {what} must be an integer axis, got {value!r}.")
    return int(value)


def _check_axis(layer, axis, shape):
    if not -len(shape) <= axis < len(shape):
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): axis {axis} is out of range for inputs of "
                         f"shape {shape} (rank {len(shape)}).")


def _functional(layer_class):
    def merge(inputs, **kwargs):
        return layer_class(**kwargs)(inputs)
    merge.__name__ = layer_class.__name__.lower()
    merge.__qualname__ = merge.__name__   # where it is found in this module (the API reference looks it up)
    merge.__doc__ = f"Functional form of {layer_class.__name__}: {merge.__name__}([a, b, ...], **options)."
    return merge


add, subtract, multiply = _functional(Add), _functional(Subtract), _functional(Multiply)
average, maximum, minimum = _functional(Average), _functional(Maximum), _functional(Minimum)
concatenate, dot = _functional(Concatenate), _functional(Dot)


# ---- Keras 1's merge([a, b], mode=...) ------------------------------------------------------------------------------
_KERAS1_MODES = {"sum": Add, "mul": Multiply, "ave": Average, "max": Maximum, "concat": Concatenate, "dot": Dot,
                 "cos": Dot}


def keras1_merge(inputs, mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None, output_mask=None,
                 arguments=None, node_indices=None, tensor_indices=None, name=None):
    """Keras 1's functional `merge([a, b], mode='concat', concat_axis=-1)`: the Keras 2/3 merge layer of that mode
    ('sum', 'mul', 'ave', 'max', 'concat', 'dot', 'cos': a normalized dot), or a Lambda for a function; warns once.
    Keras 1's output_mask, node_indices and tensor_indices are accepted and not used (masks follow the layers here)."""
    legacy.warn_once("merge([...], mode=...)", "add, multiply, average, maximum, concatenate(axis=...) or "
                                               "dot(axes=..., normalize=...)")
    if callable(mode):
        return Lambda(mode, output_shape=output_shape, arguments=arguments, name=name)(inputs)
    if mode not in _KERAS1_MODES:
        raise ValueError(f"merge: mode must be one of {list(_KERAS1_MODES)} or a function, got {mode!r}.")
    options = {"axis": concat_axis} if mode == "concat" else \
        {"axes": dot_axes, "normalize": mode == "cos"} if mode in ("dot", "cos") else {}
    return _KERAS1_MODES[mode](name=name, **options)(inputs)


class _MergeModule(types.ModuleType):
    """This module, also callable as Keras 1's `merge` function: `from keras.layers import merge` then
    `merge([a, b], mode='concat')`, while Keras 2's `from keras.layers.merge import concatenate` still works."""

    def __call__(self, inputs, mode="sum", **kwargs):
        return keras1_merge(inputs, mode, **kwargs)


sys.modules[__name__].__class__ = _MergeModule

"""BatchNormalization and LayerNormalization (also Keras 1/2's import path `keras.layers.normalization`).

Both compute y = gamma * (x - mean) / sqrt(variance + epsilon) + beta. BatchNormalization takes the mean and
(biased) variance of each feature over the batch while training and keeps moving averages of them, which it uses
at inference; LayerNormalization takes them over the features of each sample, the same way always.
"""
import math

import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval

from .. import backend, constraints, initializers, legacy, regularizers
from .base import Layer, _as_arrays, _batchless_shape, _check_numeric
from .fused_batch_norm import batch_norm_training, batch_statistics

KERAS1_BATCHNORM_ARGS = {"beta_init": "beta_initializer", "gamma_init": "gamma_initializer"}


def _epsilon(owner, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not (math.isfinite(value) and value > 0):
        raise ValueError(f"{owner}: epsilon must be a finite number > 0, got {value!r}.")
    return float(value)


def _axis_in_range(layer, axis, input_shape):
    rank = len(input_shape)
    if not -rank <= axis < rank or axis in (0, -rank):
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): axis {axis} is out of range for inputs of "
                         f"shape {input_shape} (the batch axis 0 cannot be normalized over features).")
    return axis % rank


def _broadcastable(vector, axes, rank):
    """A weight of shape (input sizes on `axes`) reshaped to broadcast against an input of rank `rank`."""
    shape = [1] * rank
    for axis, size in zip(axes, np.shape(vector)):
        shape[axis] = size
    return anp.reshape(vector, shape)


def _normalize(x, mean, variance, epsilon, gamma, beta):
    inverse_std = 1.0 / anp.sqrt(variance + epsilon)
    if gamma is not None:
        inverse_std = inverse_std * gamma
    y = (x - mean) * inverse_std
    return y if beta is None else y + beta


class _GammaBeta(Layer):
    """What both normalizations share: the optional gamma (scale) and beta (offset) weights and their options."""

    supports_masking = True

    def _set_gamma_beta_options(self, center, scale, beta_initializer, gamma_initializer, beta_regularizer,
                                gamma_regularizer, beta_constraint, gamma_constraint):
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def _gamma_beta(self, shape, rng, with_gamma, with_beta):
        params = {}
        if with_gamma:
            params["gamma"] = self.gamma_initializer(shape, rng=rng)
        if with_beta:
            params["beta"] = self.beta_initializer(shape, rng=rng)
        return params

    def weight_regularizers(self):
        return {"gamma": self.gamma_regularizer, "beta": self.beta_regularizer}

    def weight_constraints(self):
        return {"gamma": self.gamma_constraint, "beta": self.beta_constraint}

    def _gamma_beta_config(self):
        return {"center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer)}

    def _gamma_beta_penalties_config(self):
        return {"beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}


class BatchNormalization(_GammaBeta):
    """Normalizes each feature (the input's `axis`) by the batch's mean and variance while training, and by
    their moving averages at inference.

    Weights, in Keras's order: gamma and beta (trained; left out with scale=False / center=False), then
    moving_mean and moving_variance (not trained: after each training step they move towards the batch's
    statistics, `moving = moving * momentum + batch * (1 - momentum)`). The batch variance is the biased one, and
    with a mask (one axis shorter than the input) only the unmasked positions count, as in Keras 3.
    A layer with trainable=False runs in inference mode even while training, as in Keras 3.
    Keras 1's `mode=0`, `beta_init` and `gamma_init` are accepted; batch renormalization (renorm=True) is not
    supported. For speed, an unmasked training pass runs as one primitive with a hand-derived gradient
    (fused_batch_norm.py), tested equal to the readable path.
    """

    has_weight_updates = True
    # the unmasked training pass runs as one primitive; False (on an instance) runs the readable path instead
    use_fused_kernel = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 synchronized=False, renorm=False, renorm_clipping=None, renorm_momentum=0.99, **kwargs):
        given = legacy.rename(_keras1_mode(dict(kwargs)), KERAS1_BATCHNORM_ARGS, "BatchNormalization")
        beta_initializer = given.pop("beta_initializer", beta_initializer)
        gamma_initializer = given.pop("gamma_initializer", gamma_initializer)
        super().__init__(**given)
        self.axis = _single_axis(axis)
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.integer, np.floating)) \
                or not 0 <= momentum <= 1:
            raise ValueError(f"BatchNormalization: momentum must be a number in [0, 1], got {momentum!r}.")
        self.momentum = float(momentum)
        self.epsilon = _epsilon("BatchNormalization", epsilon)
        self._set_gamma_beta_options(center, scale, beta_initializer, gamma_initializer, beta_regularizer,
                                     gamma_regularizer, beta_constraint, gamma_constraint)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        if renorm:
            raise ValueError("BatchNormalization: renorm=True (batch renormalization) is not supported by minikeras.")
        # one process, one device: synchronizing the statistics across replicas changes nothing
        self.synchronized = bool(synchronized)
        self.renorm, self.renorm_clipping, self.renorm_momentum = False, renorm_clipping, renorm_momentum

    # ---- pure math ---------------------------------------------------------------------------------------------
    def build(self, input_shape, rng):
        axis = _axis_in_range(self, self.axis, input_shape)
        if input_shape[axis] is None:
            raise ValueError(f"Layer '{self.name}' (BatchNormalization) needs the size of axis {self.axis} known, "
                             f"got input shape {input_shape}.")
        shape = (input_shape[axis],)
        params = self._gamma_beta(shape, rng, self.scale, self.center)
        params["moving_mean"] = self.moving_mean_initializer(shape, rng=rng)
        params["moving_variance"] = self.moving_variance_initializer(shape, rng=rng)
        return params

    def call(self, params, x, mask=None, training=False, rng=None):
        return self._normalized(params, x, mask, training)[0]

    def _call_eagerly(self, inputs, training=False, mask=None):
        # the stateful Keras face: called on arrays in training, the layer's own moving statistics move, as in Keras
        if not training:
            return super()._call_eagerly(inputs, training=False, mask=mask)
        inputs = _as_arrays(inputs)
        _check_numeric(self, inputs)
        self.ensure_built(_batchless_shape(inputs))
        outputs, updates = self.call_with_updates(self.params, inputs, mask=mask, training=True)
        if updates:
            self.params = {**self.params, **updates}
        return outputs

    def call_with_updates(self, params, x, mask=None, training=False, rng=None):
        """(outputs, {weight name: new value}): in training, the moving statistics after this batch (plain arrays,
        outside the gradient); at inference, or when the layer is frozen, no updates ({})."""
        outputs, batch_stats = self._normalized(params, x, mask, training)
        if batch_stats is None:
            return outputs, {}
        return outputs, self.moving_updates(params, *batch_stats)

    def moving_updates(self, params, batch_mean, batch_variance):
        """{weight name: new value} of the moving statistics after a training batch with these statistics."""
        updates = {}
        for name, batch_value in (("moving_mean", batch_mean), ("moving_variance", batch_variance)):
            moving = getval(params[name])
            updates[name] = (moving * self.momentum + getval(batch_value) * (1.0 - self.momentum)).astype(
                np.asarray(moving).dtype)
        return updates

    def _normalized(self, params, x, mask, training):
        """(outputs, (batch mean, batch variance) or None when the moving statistics were used)."""
        axis = _axis_in_range(self, self.axis, np.shape(x))
        if training and self.trainable and mask is None and self.use_fused_kernel:
            return self._fused(params, x, axis)
        if training and self.trainable:
            mean, variance = self._moments(x, mask, axis)
            stats = (mean, variance)
        else:
            mean, variance, stats = params["moving_mean"], params["moving_variance"], None
        rank = np.ndim(x)

        def along_axis(vector):
            return None if vector is None else _broadcastable(vector, (axis,), rank)

        y = _normalize(x, along_axis(mean), along_axis(variance), self.epsilon, along_axis(params.get("gamma")),
                       along_axis(params.get("beta")))
        return y, stats

    def _fused(self, params, x, axis):
        """The same training-mode normalization as one primitive (fused_batch_norm.py): fewer passes over x."""
        y = batch_norm_training(x, params.get("gamma"), params.get("beta"), axis, self.epsilon)
        return y, batch_statistics(getval(x), axis)

    def _moments(self, x, mask, axis):
        reduce_axes = tuple(a for a in range(np.ndim(x)) if a != axis)
        if mask is None:
            mean = anp.mean(x, axis=reduce_axes)
            return mean, anp.mean(anp.square(x - _broadcastable(mean, (axis,), np.ndim(x))), axis=reduce_axes)
        keep = self._checked_mask(x, mask)
        # Keras 3 adds its fuzz factor to the count, so a batch with every position masked gives 0, not nan
        count = np.sum(keep, axis=reduce_axes).astype(getval(x).dtype) + backend.epsilon()
        mean = anp.sum(anp.where(keep, x, 0.0), axis=reduce_axes) / count
        centred = anp.where(keep, x - _broadcastable(mean, (axis,), np.ndim(x)), 0.0)
        return mean, anp.sum(anp.square(centred), axis=reduce_axes) / count

    def _checked_mask(self, x, mask):
        """The mask as booleans with the input's rank (Keras gives it a last axis of 1), broadcast to the input."""
        mask = np.asarray(getval(mask))
        shape = np.shape(x)
        if mask.ndim != len(shape) - 1 or any(m not in (1, d) for m, d in zip(mask.shape, shape)):
            raise ValueError(f"Layer '{self.name}' (BatchNormalization): the mask must have the input's shape "
                             f"without its last axis (or axes of size 1 that broadcast to it); got mask shape "
                             f"{mask.shape} for inputs of shape {shape}.")
        return np.broadcast_to(np.expand_dims(mask.astype(bool), -1), shape)

    def non_trainable_weight_names(self):
        """The moving statistics: saved and restored like the other weights, never changed by the optimizer."""
        return {"moving_mean", "moving_variance"}

    def check_input_shape(self, input_shape):
        built = getattr(self, "_build_input_shape", None)
        if not self.built or not isinstance(input_shape, tuple) or built is None:
            return
        axis = _axis_in_range(self, self.axis, input_shape)
        size = built[_axis_in_range(self, self.axis, built)]
        if len(input_shape) != len(built) or input_shape[axis] not in (None, size):
            raise ValueError(f"Layer '{self.name}' (BatchNormalization) was built for inputs of shape {built} "
                             f"(axis {self.axis} of size {size}), got shape {input_shape}.")

    def compute_output_shape(self, input_shape):
        _axis_in_range(self, self.axis, input_shape)
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                **self._gamma_beta_config(),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
                **self._gamma_beta_penalties_config(), "synchronized": self.synchronized, "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping, "renorm_momentum": self.renorm_momentum}


def _keras1_mode(kwargs):
    """Keras 1's `mode`: 0 is today's BatchNormalization; 1 and 2 normalized differently and are gone."""
    if "mode" in kwargs:
        mode = kwargs.pop("mode")
        if mode != 0:
            raise ValueError(f"BatchNormalization: Keras 1's mode={mode!r} is not supported (only mode=0, the "
                             f"feature-wise normalization every later Keras does); for per-sample normalization "
                             f"use LayerNormalization.")
        legacy.warn_once("BatchNormalization(mode=0)", "BatchNormalization() (mode is gone)")
    return kwargs


def _single_axis(axis):
    """An int; Keras 2 configs may store it as a one-element list."""
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"BatchNormalization: axis must be an integer, got {axis!r}.")
    return int(axis)


def _axis_list(owner, axis):
    """An axis argument: an int, or a non-empty list of ints (a tuple becomes a list, as Keras keeps it)."""
    if isinstance(axis, (list, tuple)) and axis and all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axis):
        return [int(a) for a in axis]
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return int(axis)
    raise TypeError(f"{owner}: axis must be an integer or a list of integers, got {axis!r}.")

class LayerNormalization(_GammaBeta):
    """Normalizes each sample over `axis` (an int or a list of ints; default the last axis) by its own mean and
    variance, in training and inference alike; then scales by gamma and offsets by beta, which have the sizes of
    those axes.

    `rms_scaling=True` (deprecated in Keras 3, kept for its files) divides by sqrt(variance + epsilon) without
    centring and uses gamma only.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, rms_scaling=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _axis_list("LayerNormalization", axis)
        self.epsilon = _epsilon("LayerNormalization", epsilon)
        self.rms_scaling = bool(rms_scaling)
        self._set_gamma_beta_options(center, scale, beta_initializer, gamma_initializer, beta_regularizer,
                                     gamma_regularizer, beta_constraint, gamma_constraint)

    def _axes(self, input_shape):
        given = self.axis if isinstance(self.axis, list) else [self.axis]
        axes = sorted({_axis_in_range(self, a, input_shape) for a in given})
        if len(axes) != len(given):
            raise ValueError(f"Layer '{self.name}' (LayerNormalization): axis {self.axis} names an axis twice.")
        return axes

    def build(self, input_shape, rng):
        axes = self._axes(input_shape)
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ValueError(f"Layer '{self.name}' (LayerNormalization) needs the sizes of axis {self.axis} known, "
                             f"got input shape {input_shape}.")
        return self._gamma_beta(shape, rng, self.scale or self.rms_scaling, self.center and not self.rms_scaling)

    def call(self, params, x, mask=None, training=False, rng=None):
        axes, rank = self._axes(np.shape(x)), np.ndim(x)
        gamma = params.get("gamma")
        beta = params.get("beta")
        gamma = None if gamma is None else _broadcastable(gamma, axes, rank)
        beta = None if beta is None else _broadcastable(beta, axes, rank)
        mean = anp.mean(x, axis=tuple(axes), keepdims=True)
        variance = anp.mean(anp.square(x - mean), axis=tuple(axes), keepdims=True)
        if self.rms_scaling:
            return _normalize(x, 0.0, variance, self.epsilon, gamma, None)
        return _normalize(x, mean, variance, self.epsilon, gamma, beta)

    def check_input_shape(self, input_shape):
        # as in Keras, only the normalized axes must keep their sizes (gamma's and beta's); the rank may change
        if not self.built or not isinstance(input_shape, tuple) or not self.params:
            return
        sizes = tuple(input_shape[a] for a in self._axes(input_shape))
        weight_shape = next(iter(self.params.values())).shape
        if any(s not in (None, w) for s, w in zip(sizes, weight_shape)) or len(sizes) != len(weight_shape):
            raise ValueError(f"Layer '{self.name}' (LayerNormalization) was built for axis {self.axis} of sizes "
                             f"{weight_shape}, got inputs of shape {input_shape}.")

    def compute_output_shape(self, input_shape):
        self._axes(input_shape)
        return input_shape

    def get_config(self):
        # Keras 3 writes the axis as a sorted list once the layer is built
        axis = self.axis
        if self.built and getattr(self, "_build_input_shape", None) is not None:
            axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        return {**super().get_config(), "axis": axis, "epsilon": self.epsilon, **self._gamma_beta_config(),
                "rms_scaling": self.rms_scaling, **self._gamma_beta_penalties_config()}



class RMSNormalization(Layer):
    """Scales each sample by the root of its mean square over `axis` (default the last), then by a learned `scale`
    of those axes' sizes: x / sqrt(mean(x ** 2) + epsilon) * scale, the RMSNorm of transformer models (Keras 3.9+)."""

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = _axis_list("RMSNormalization", axis)
        self.epsilon = _epsilon("RMSNormalization", epsilon)

    def _axes(self, input_shape):
        given = self.axis if isinstance(self.axis, list) else [self.axis]
        return sorted(_axis_in_range(self, a, input_shape) for a in given)

    def build(self, input_shape, rng):
        shape = tuple(input_shape[a] for a in self._axes(input_shape))
        if None in shape:
            raise ValueError(f"Layer '{self.name}' (RMSNormalization) needs the sizes of axis {self.axis} known, got "
                             f"input shape {input_shape}.")
        return {"scale": np.ones(shape, dtype=backend.floatx())}

    def call(self, params, x, mask=None, training=False, rng=None):
        from ..ops.nn.functions import rms_normalization       # ops builds on the layers: imported when used
        # the scale multiplies as it is (broadcast from the last axes), as Keras's does
        return rms_normalization(x, scale=params["scale"], axis=self._axes(np.shape(x)), epsilon=self.epsilon)

    def compute_output_shape(self, input_shape):
        self._axes(input_shape)
        return input_shape

    def get_config(self):
        # Keras keeps the axis as a list once built, and writes it so
        axis = self.axis
        if self.built and not isinstance(axis, list):
            axis = [axis]
        return {**super().get_config(), "axis": axis, "epsilon": self.epsilon}


class UnitNormalization(Layer):
    """Divides each sample by its L2 norm over `axis` (default the last): every sample gets length 1."""

    supports_masking = True
    keras_built_at_init = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = _axis_list("UnitNormalization", axis)

    def call(self, params, x, mask=None, training=False, rng=None):
        from ..ops.nn.functions import normalize
        return normalize(x, axis=self.axis, order=2, epsilon=1e-12)

    def compute_output_shape(self, input_shape):
        for a in self.axis if isinstance(self.axis, list) else [self.axis]:
            _axis_in_range(self, a, input_shape)
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}

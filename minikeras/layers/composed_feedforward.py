"""Composed forms (forward on plain arrays + own backward) of the feed-forward layers of small convolutional and
batch-normalized models: BatchNormalization, Conv1D/2D/3D, GlobalAveragePooling1D, ReLU, Activation, Identity.

Each form is `form(layer, params, x, mask, need_dx, updates) -> (y, output mask, backward)` with
`backward(dy) -> (gradients of the trained weights, dx or None)`; BatchNormalization writes its moving statistics
into `updates[layer.name]`, as its `call_with_updates` would. composed.py registers them beside Dense and the
recurrent layers. tests/layers/test_composed_feedforward.py proves values, updates and gradients equal autograd's
through the layers' own `call`.
"""
import numpy as np
from autograd import make_vjp

from .. import activations
from .activation_layers import Identity, ReLU
from .composed_activations import activation_forward, has_composed_form
from .conv import Conv1D, Conv2D, Conv3D, Convolution1D, Convolution2D, Convolution3D
from .core import Activation
from .feature_rows import FeatureRows, feature_sums
from .fused_batch_norm import normalize_training, normalize_training_backward
from .normalization import BatchNormalization, _axis_in_range
from .pooling import GlobalAveragePooling1D
from .windows import extract_windows, fold_taps


def add_bias(z, bias):
    """z + bias, into z (a temporary of the caller's) when that keeps the dtype the sum would have."""
    if np.result_type(z, bias) != z.dtype:
        return z + bias
    rows = FeatureRows(z.shape, z.ndim - 1)
    wide = rows.view(z)
    return rows.restore(np.add(wide, rows.spread(bias), out=wide))


# ---- BatchNormalization (training mode: the batch's statistics) --------------------------------------------
def _batch_norm_ok(layer, training):
    return layer.trainable and layer.use_fused_kernel and layer.gamma_regularizer is None and \
        layer.beta_regularizer is None


def _batch_norm(layer, params, x, mask, need_dx, updates):
    if mask is not None:
        return _traced(layer, params, x, mask, updates)
    axis = _axis_in_range(layer, layer.axis, x.shape)
    y, saved, mean, variance = normalize_training(x, params.get("gamma"), params.get("beta"), axis, layer.epsilon)
    updates[layer.name] = layer.moving_updates(params, mean, variance)

    def backward(dy):
        dx, d_gamma, d_beta = normalize_training_backward(dy, saved)
        grads = {name: value for name, value in (("gamma", d_gamma), ("beta", d_beta)) if name in params}
        return grads, dx if need_dx else None
    return y.astype(x.dtype, copy=False), layer.compute_mask(x, mask), backward


def _traced(layer, params, x, mask, updates):
    """A layer's own call differentiated by autograd alone: for the cases a hand-written backward leaves out
    (a masked BatchNormalization)."""
    names = [name for name in params if name not in layer.non_trainable_weight_names()]
    layer_updates = {}

    def run(x, values):
        y, new = layer.call_with_updates({**params, **dict(zip(names, values))}, x, mask=mask, training=True)
        layer_updates.update(new)
        return y
    vjp, y = make_vjp(run, argnum=(0, 1))(x, [params[name] for name in names])
    updates[layer.name] = layer_updates

    def backward(dy):
        dx, d_values = vjp(dy)
        return dict(zip(names, d_values)), dx
    return y, layer.compute_mask(x, mask), backward


# ---- Conv1D / Conv2D / Conv3D: the windows times the kernel, as one matmul each way ---------------------------------
def _conv_ok(layer, training):
    return layer.data_format == "channels_last" and layer.groups == 1 and has_composed_form(layer.activation) and \
        layer.kernel_regularizer is None and layer.bias_regularizer is None


def _conv(layer, params, x, mask, need_dx, updates):
    geometry = layer._geometry(x.shape, x.shape[1:-1])
    windows = extract_windows.fun(x, geometry, 0.0)
    kernel = params["kernel"]
    rows = windows.reshape(-1, windows.shape[-2] * windows.shape[-1])
    flat_kernel = kernel.reshape(rows.shape[1], -1)
    z = rows @ flat_kernel
    if layer.use_bias:
        z = add_bias(z, params["bias"])
    z, activation_backward = activation_forward(layer.activation, z, overwrite=True)
    y = z.reshape(windows.shape[:-2] + (kernel.shape[-1],))

    def backward(dy):
        dz = activation_backward(dy.reshape(z.shape))
        grads = {"kernel": (rows.T @ dz).reshape(kernel.shape)}
        if layer.use_bias:
            grads["bias"] = feature_sums(dz, 1)
        if not need_dx:
            return grads, None
        # one matmul per window position, each landing contiguous: adding them onto the input is then cheaper
        # than one matmul for all positions whose result is read back strided (fold_windows)
        taps = kernel.reshape(-1, kernel.shape[-2], kernel.shape[-1])
        at_tap = (x.shape[0], *geometry.out_sizes, x.shape[-1])
        return grads, fold_taps(lambda tap: (dz @ taps[tap].T).reshape(at_tap), x.shape, geometry, dz.dtype)
    return y, layer.compute_mask(x, mask), backward


# ---- GlobalAveragePooling1D: a weighted sum over the steps --------------------------------------------------
def _global_average_ok(layer, training):
    return layer.data_format == "channels_last"


def _global_average(layer, params, x, mask, need_dx, updates):
    if mask is None:
        step_weights = np.full(x.shape[:2], 1.0 / x.shape[1], dtype=x.dtype)
    else:
        keep = np.asarray(mask).astype(x.dtype)
        step_weights = keep / np.sum(keep, axis=1, keepdims=True)
        # where, not multiply: a masked step holding inf or nan must not leak into the sum
        x = np.where(keep[..., None] > 0, x, 0.0).astype(x.dtype, copy=False)
    y = np.matmul(step_weights[:, None, :], x)
    y = y if layer.keepdims else y[:, 0]

    def backward(dy):
        if not need_dx:
            return {}, None
        dy = dy.reshape(dy.shape[0], 1, dy.shape[-1])
        if mask is None:        # every step gets the same share: a broadcast view, nothing written
            return {}, np.broadcast_to(dy * step_weights[0, 0], x.shape)
        return {}, step_weights[..., None] * dy
    return y, layer.compute_mask(x, mask), backward


# ---- ReLU, Activation, Identity: elementwise ---------------------------------------------------------------
def _relu_ok(layer, training):
    return layer.max_value is None and layer.negative_slope == 0.0 and layer.threshold == 0.0


def _activation_ok(layer, training):
    return has_composed_form(layer.activation)


def _elementwise(activation):
    def form(layer, params, x, mask, need_dx, updates):
        y, backward = activation_forward(activation(layer), x, overwrite=False)
        return y, layer.compute_mask(x, mask), lambda dy: ({}, backward(dy) if need_dx else None)
    return form


_RELU = _elementwise(lambda layer, relu=activations.get("relu"): relu)
_ACTIVATION = _elementwise(lambda layer: layer.activation)
_IDENTITY = _elementwise(lambda layer: None)

# layer class -> (whether this configuration has a composed form, the form)
FEEDFORWARD_FORMS = {
    BatchNormalization: (_batch_norm_ok, _batch_norm),
    **{conv: (_conv_ok, _conv) for conv in (Conv1D, Conv2D, Conv3D, Convolution1D, Convolution2D, Convolution3D)},
    GlobalAveragePooling1D: (_global_average_ok, _global_average),
    ReLU: (_relu_ok, _RELU),
    Activation: (_activation_ok, _ACTIVATION),
    Identity: (lambda layer, training: True, _IDENTITY),
}

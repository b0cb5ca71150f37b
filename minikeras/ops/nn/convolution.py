"""keras.ops.nn's convolution and pooling: conv, depthwise_conv, separable_conv, conv_transpose, max_pool,
average_pool, depth_to_space, space_to_depth.

Every one is built from one idea: gather the windows of the (padded) input by indexing, then reduce each window
(a tensordot with the kernel, a max, a mean). Indexing is what autograd differentiates, so all are differentiable.
"""
import autograd.numpy as anp
import numpy as np
from autograd import make_vjp

from ... import backend
from .._tensor import to_float, names_errors
from ..symbolic import keras_op

__all__ = ["conv", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool", "average_pool",
           "adaptive_average_pool", "adaptive_max_pool", "depth_to_space", "space_to_depth", "unfold", "fold"]


# ---- shared geometry -------------------------------------------------------------------------------------------
def _tuple(op, what, value, rank):
    values = (value,) * rank if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != rank or any(int(v) < 1 for v in values):
        raise ValueError(f"ops.{op}: {what} must be a positive int or {rank} of them, got {value!r}.")
    return tuple(int(v) for v in values)


def _channels_last(op, inputs, data_format):
    data_format = backend.image_data_format() if data_format is None else data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"ops.{op}: data_format must be 'channels_last' or 'channels_first', got {data_format!r}.")
    inputs = to_float(inputs, op)
    if inputs.ndim < 3:
        raise ValueError(f"ops.{op}: expected inputs of rank >= 3 (batch, spatial..., channels), got shape "
                         f"{inputs.shape}.")
    first = data_format == "channels_first"
    return (anp.moveaxis(inputs, 1, -1) if first else inputs), first


def _restore(outputs, channels_first):
    return anp.moveaxis(outputs, -1, 1) if channels_first else outputs


def _padding(op, padding, sizes, window, strides, dilation):
    """(before, after) per spatial axis: 'valid' pads nothing, 'same' pads so out = ceil(in / stride), the extra
    one going after (TensorFlow's and Keras's rule)."""
    padding = str(padding).lower()
    if padding == "valid":
        return [(0, 0)] * len(sizes)
    if padding != "same":
        raise ValueError(f"ops.{op}: padding must be 'valid' or 'same', got {padding!r}.")
    pads = []
    for size, k, s, d in zip(sizes, window, strides, dilation):
        total = max((-(-size // s) - 1) * s + (k - 1) * d + 1 - size, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _windows(x, window, strides, dilation, pads, fill=0.0):
    """x (batch, spatial..., channels) -> (batch, out..., window..., channels): every window, by indexing."""
    rank = len(window)
    padded = anp.pad(x, [(0, 0)] + list(pads) + [(0, 0)], "constant")
    if fill != 0.0 and any(p != (0, 0) for p in pads):
        border = ~np.pad(np.ones(x.shape, bool), [(0, 0)] + list(pads) + [(0, 0)])
        padded = anp.where(border, fill, padded)
    for axis in range(rank):
        size = padded.shape[1 + 2 * axis]
        count = (size - (window[axis] - 1) * dilation[axis] - 1) // strides[axis] + 1
        picks = (np.arange(count)[:, None] * strides[axis] + np.arange(window[axis])[None, :] * dilation[axis])
        padded = padded[(slice(None),) * (1 + 2 * axis) + (picks,)]
    order = [0] + [1 + 2 * a for a in range(rank)] + [2 + 2 * a for a in range(rank)] + [1 + 2 * rank]
    return anp.transpose(padded, order)


def _geometry(op, x, window, strides, padding, dilation_rate):
    rank = x.ndim - 2
    window = _tuple(op, "the window", window, rank)
    strides = _tuple(op, "strides", strides, rank)
    dilation = _tuple(op, "dilation_rate", dilation_rate, rank)
    return window, strides, dilation, _padding(op, padding, x.shape[1:-1], window, strides, dilation)


# ---- convolutions -------------------------------------------------------------------------------------------------
@keras_op
@names_errors
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution: kernel (window..., in_channels / groups, out_channels); groups when the kernel has fewer
    input channels than the inputs."""
    x, first = _channels_last("conv", inputs, data_format)
    kernel = to_float(kernel, "conv")
    if kernel.ndim != x.ndim:
        raise ValueError(f"ops.conv: kernel of rank {x.ndim} expected for inputs of shape {x.shape}, got "
                         f"{kernel.shape}.")
    channels, group_channels = x.shape[-1], kernel.shape[-2]
    if channels % group_channels or kernel.shape[-1] % (channels // group_channels):
        raise ValueError(f"ops.conv: the inputs' {channels} channels do not split into groups of the kernel's "
                         f"{group_channels} input channels (kernel shape {kernel.shape}).")
    window, strides, dilation, pads = _geometry("conv", x, kernel.shape[:-2], strides, padding, dilation_rate)
    patches = _windows(x, window, strides, dilation, pads)
    groups = channels // group_channels
    rank = len(window)
    if groups == 1:
        return _restore(anp.tensordot(patches, kernel, axes=rank + 1), first)
    per_group = kernel.shape[-1] // groups
    outputs = [anp.tensordot(patches[..., g * group_channels:(g + 1) * group_channels],
                             kernel[..., g * per_group:(g + 1) * per_group], axes=rank + 1) for g in range(groups)]
    return _restore(anp.concatenate(outputs, axis=-1), first)


@keras_op
@names_errors
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Each input channel convolved on its own: kernel (window..., in_channels, multiplier) gives
    in_channels * multiplier outputs (channel c's outputs side by side)."""
    x, first = _channels_last("depthwise_conv", inputs, data_format)
    kernel = to_float(kernel, "depthwise_conv")
    if kernel.ndim != x.ndim or kernel.shape[-2] != x.shape[-1]:
        raise ValueError(f"ops.depthwise_conv: kernel (window..., {x.shape[-1]}, multiplier) expected for inputs "
                         f"of shape {x.shape}, got {kernel.shape}.")
    window, strides, dilation, pads = _geometry("depthwise_conv", x, kernel.shape[:-2], strides, padding,
                                                dilation_rate)
    patches = _windows(x, window, strides, dilation, pads)          # (batch, out..., window..., channels)
    rank = len(window)
    outputs = anp.sum(patches[..., None] * kernel, axis=tuple(range(1 + rank, 1 + 2 * rank)))
    return _restore(anp.reshape(outputs, outputs.shape[:-2] + (-1,)), first)


@keras_op
@names_errors
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """depthwise_conv, then a 1x1 conv with pointwise_kernel (1..., in_channels * multiplier, out_channels)."""
    x, first = _channels_last("separable_conv", inputs, data_format)
    depthwise = depthwise_conv(x, depthwise_kernel, strides, padding, "channels_last", dilation_rate)
    return _restore(conv(depthwise, pointwise_kernel, 1, "valid", "channels_last"), first)


@keras_op
@names_errors
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """The transpose (gradient) of conv: kernel (window..., out_channels, in_channels); each spatial size grows to
    (in - 1) * stride + max(window, stride) ('valid') or in * stride ('same'), output_padding changing that."""
    x, first = _channels_last("conv_transpose", inputs, data_format)
    kernel = to_float(kernel, "conv_transpose")
    rank = x.ndim - 2
    strides = _tuple("conv_transpose", "strides", strides, rank)
    dilation = _tuple("conv_transpose", "dilation_rate", dilation_rate, rank)
    extra = (None,) * rank if output_padding is None else tuple(int(p) for p in np.broadcast_to(output_padding,
                                                                                                  (rank,)))
    effective = [(k - 1) * d + 1 for k, d in zip(kernel.shape[:-2], dilation)]
    spread = x
    for axis, s in enumerate(strides):  # put stride - 1 zeros between the inputs
        if s > 1:
            positions = np.arange(x.shape[1 + axis]) * s
            size = (x.shape[1 + axis] - 1) * s + 1
            scatter = (np.arange(size)[:, None] == positions[None, :]).astype(x.dtype)
            spread = anp.moveaxis(anp.tensordot(scatter, anp.moveaxis(spread, 1 + axis, 0), axes=1), 0, 1 + axis)
    pads = [_transpose_padding(k, s, padding, e) for k, s, e in zip(effective, strides, extra)]
    flipped = anp.swapaxes(kernel[tuple(slice(None, None, -1) for _ in range(rank))], -1, -2)
    patches = _windows(spread, tuple(kernel.shape[:-2]), (1,) * rank, dilation, pads)
    return _restore(anp.tensordot(patches, flipped, axes=rank + 1), first)


def _transpose_padding(window, stride, padding, output_padding):
    """(before, after) zeros around the spread-out input, so a stride-1 conv with the flipped kernel gives
    (in - 1) * stride + max(window, stride) outputs for 'valid' and in * stride for 'same' (plus output_padding
    when given), the rule Keras follows."""
    padding = str(padding).lower()
    if padding == "valid":
        extra = max(window, stride) - window if output_padding is None else output_padding
        return window - 1, window - 1 + extra
    if padding != "same":
        raise ValueError(f"ops.conv_transpose: padding must be 'valid' or 'same', got {padding!r}.")
    total = stride + window - 2 if output_padding is None else window + window % 2 - 2 + output_padding
    before = min(total // 2 + total % 2, window - 1)
    return before, total - before


# ---- pooling -------------------------------------------------------------------------------------------------------
def _pool(op, inputs, pool_size, strides, padding, data_format, reduce_windows, fill):
    x, first = _channels_last(op, inputs, data_format)
    strides = pool_size if strides is None else strides
    window, strides, dilation, pads = _geometry(op, x, pool_size, strides, padding, 1)
    patches = _windows(x, window, strides, dilation, pads, fill)
    axes = tuple(range(1 + len(window), 1 + 2 * len(window)))
    return _restore(reduce_windows(patches, axes, x, window, strides, pads), first)


@keras_op
@names_errors
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The largest value of each pool_size window, every `strides` (pool_size when None) steps."""
    return _pool("max_pool", inputs, pool_size, strides, padding, data_format,
                 lambda patches, axes, *_: anp.max(patches, axis=axes), -np.inf)


@keras_op
@names_errors
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The mean of each window; with 'same' padding only the real (unpadded) elements count."""
    def mean_of_real_elements(patches, axes, x, window, strides, pads):
        total = anp.sum(patches, axis=axes)
        if all(p == (0, 0) for p in pads):
            return total / float(np.prod(window))
        ones = np.ones((1,) + x.shape[1:-1] + (1,), x.dtype)
        counts = np.sum(_windows(ones, window, strides, (1,) * len(window), pads), axis=axes)
        return total / counts
    return _pool("average_pool", inputs, pool_size, strides, padding, data_format, mean_of_real_elements, 0.0)


# ---- adaptive pooling: windows chosen so the output has a given size ------------------------------------------------
def _adaptive_bounds(size, out):
    """Output i covers inputs floor(i * size / out) to ceil((i + 1) * size / out): windows that tile the axis."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def _adaptive_pool(op, inputs, output_size, data_format, reduce_window):
    x, first = _channels_last(op, inputs, data_format)
    rank = x.ndim - 2
    output_size = _tuple(op, "output_size", output_size, rank)
    for axis, out in enumerate(output_size):
        position = 1 + axis
        pieces = [reduce_window(x[(slice(None),) * position + (slice(start, end),)], position)
                  for start, end in _adaptive_bounds(x.shape[position], out)]
        x = anp.stack(pieces, axis=position)
    return _restore(x, first)


@keras_op
@names_errors
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed output size: output i of an axis averages inputs floor(i * n / out) to
    ceil((i + 1) * n / out)."""
    return _adaptive_pool("adaptive_average_pool", inputs, output_size, data_format,
                          lambda window, axis: anp.mean(window, axis=axis))


@keras_op
@names_errors
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed output size, with adaptive_average_pool's windows."""
    return _adaptive_pool("adaptive_max_pool", inputs, output_size, data_format,
                          lambda window, axis: anp.max(window, axis=axis))


# ---- rearranging blocks ------------------------------------------------------------------------------------------
@keras_op
@names_errors
def depth_to_space(x, block_size, data_format="channels_last"):
    """(batch, h, w, c * block_size**2) -> (batch, h * block_size, w * block_size, c)."""
    x, first = _channels_last("depth_to_space", x, data_format)
    batch, height, width, depth = x.shape
    b = int(block_size)
    if x.ndim != 4 or depth % (b * b):
        raise ValueError(f"ops.depth_to_space: expected a 4-D input whose channels divide by block_size**2 "
                         f"({b * b}), got shape {x.shape}.")
    blocks = anp.reshape(x, (batch, height, width, b, b, depth // (b * b)))
    blocks = anp.transpose(blocks, (0, 1, 3, 2, 4, 5))
    return _restore(anp.reshape(blocks, (batch, height * b, width * b, depth // (b * b))), first)


@keras_op
@names_errors
def space_to_depth(x, block_size, data_format="channels_last"):
    """(batch, h * block_size, w * block_size, c) -> (batch, h, w, c * block_size**2)."""
    x, first = _channels_last("space_to_depth", x, data_format)
    batch, height, width, depth = x.shape
    b = int(block_size)
    if x.ndim != 4 or height % b or width % b:
        raise ValueError(f"ops.space_to_depth: expected a 4-D input whose height and width divide by block_size "
                         f"({b}), got shape {x.shape}.")
    blocks = anp.reshape(x, (batch, height // b, b, width // b, b, depth))
    blocks = anp.transpose(blocks, (0, 1, 3, 2, 4, 5))
    return _restore(anp.reshape(blocks, (batch, height // b, width // b, b * b * depth)), first)


# ---- patches as columns (PyTorch's unfold and fold, on channels-first images) ------------------------------------
@keras_op
@names_errors
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """(N, C, H, W) -> (N, C * kH * kW, L): every kernel_size patch as a column, L patches in row-major order."""
    x = to_float(x, "unfold")
    if x.ndim != 4:
        raise ValueError(f"ops.unfold: expected a 4-D input (N, C, H, W), got shape {x.shape}.")
    window = _tuple("unfold", "kernel_size", kernel_size, 2)
    dilation = _tuple("unfold", "dilation", dilation, 2)
    strides = _tuple("unfold", "stride", stride, 2)
    pads = [(p, p) for p in (np.broadcast_to(padding, (2,)).tolist())]
    patches = _windows(anp.moveaxis(x, 1, -1), window, strides, dilation, pads)  # (N, oH, oW, kH, kW, C)
    batch, rows, columns = patches.shape[:3]
    patches = anp.transpose(patches, (0, 5, 3, 4, 1, 2))
    return anp.reshape(patches, (batch, -1, rows * columns))


@keras_op
@names_errors
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of unfold: (N, C * kH * kW, L) columns summed back into an (N, C, oH, oW) image (overlaps add)."""
    x = to_float(x, "fold")
    height, width = _tuple("fold", "output_size", output_size, 2)
    window = _tuple("fold", "kernel_size", kernel_size, 2)
    channels = x.shape[1] // (window[0] * window[1])
    image = np.zeros((x.shape[0], channels, height, width), x.dtype)
    to_image, _ = make_vjp(lambda z: unfold(z, kernel_size, dilation, padding, stride))(image)
    return to_image(x)  # unfold is linear, so its vector-Jacobian product is exactly fold

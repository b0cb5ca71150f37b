"""ops.image's resampling: resize and scale_and_translate, every output sample a kernel-weighted sum of
inputs."""
import autograd.numpy as anp
import numpy as np

from .._tensor import to_float, names_errors
from ..nn.convolution import _tuple
from ..symbolic import keras_op
from .layout import as_batched_channels_last

__all__ = ["resize", "scale_and_translate"]


# ---- resampling: every output sample a weighted sum of inputs, the weights from a kernel ----------------------------
def _triangle(x):
    return np.maximum(0.0, 1.0 - x)


def _keys_cubic(x):   # Keys' cubic convolution with a = -0.5
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, far, near))


def _lanczos(radius):
    def kernel(x):
        safe = np.where(x > 1e-3, x, 1.0)
        value = radius * np.sin(np.pi * safe) * np.sin(np.pi * safe / radius) / (np.pi ** 2 * safe ** 2)
        return np.where(x > radius, 0.0, np.where(x > 1e-3, value, 1.0))
    return kernel


_KERNELS = {"linear": _triangle, "bilinear": _triangle, "trilinear": _triangle, "cubic": _keys_cubic,
            "bicubic": _keys_cubic, "tricubic": _keys_cubic, "lanczos3": _lanczos(3), "lanczos5": _lanczos(5)}


def _resampling_weights(length, size, scale, translation, kernel, antialias):
    """(length, size) weights: output j samples input position (j + 0.5 - translation) / scale - 0.5; when
    shrinking with antialias the kernel widens by 1 / scale, so it averages instead of skipping inputs."""
    position = (np.arange(size) + 0.5 - translation) / scale - 0.5
    width = max(1.0 / scale, 1.0) if antialias else 1.0
    weights = kernel(np.abs(position[None, :] - np.arange(length)[:, None]) / width)
    totals = weights.sum(axis=0, keepdims=True)
    weights = np.where(np.abs(totals) > 1000 * np.finfo(np.float32).eps, weights / np.where(totals, totals, 1), 0)
    return np.where((position >= -0.5) & (position <= length - 0.5), weights, 0.0)


def _resample_axis(images, axis, size, scale, translation, kernel, antialias):
    weights = _resampling_weights(images.shape[axis], size, scale, translation, kernel, antialias)
    return anp.moveaxis(anp.tensordot(images, weights.astype(images.dtype), axes=([axis], [0])), -1, axis)


def _cropped_to_aspect(images, target_height, target_width):
    height, width = images.shape[1:3]
    crop_height = max(min(height, int(width * target_height / target_width)), 1)
    crop_width = max(min(width, int(height * target_width / target_height)), 1)
    top, left = int((height - crop_height) / 2), int((width - crop_width) / 2)
    return images[:, top:top + crop_height, left:left + crop_width]


def _padded_to_aspect(images, target_height, target_width, fill_value):
    height, width = images.shape[1:3]
    rows = int((max(height, int(width * target_height / target_width)) - height) / 2)
    columns = int((max(width, int(height * target_width / target_height)) - width) / 2)
    if rows > 0:
        border = [(0, 0), (rows, rows), (0, 0), (0, 0)]
    elif columns > 0:
        border = [(0, 0), (0, 0), (columns, columns), (0, 0)]
    else:
        return images
    inside = np.pad(np.ones(images.shape, bool), border)
    return anp.where(inside, anp.pad(images, border, "constant"), fill_value)


def _nearest_axis(images, axis, size):
    length = images.shape[axis]
    picks = np.minimum(np.floor((np.arange(size) + 0.5) * length / size).astype(int), length - 1)
    return images[(slice(None),) * axis + (picks,)]


@keras_op
@names_errors
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """images resized to size = (height, width) by 'bilinear', 'bicubic', 'lanczos3', 'lanczos5' or 'nearest'
    interpolation (pixel centers aligned, as Keras on JAX); antialias widens the kernel when shrinking.
    crop_to_aspect_ratio first cuts the centered largest box of the target's aspect ratio; pad_to_aspect_ratio first
    adds fill_value borders (top and bottom, or left and right) to reach it."""
    if interpolation not in ("bilinear", "bicubic", "lanczos3", "lanczos5", "nearest"):
        raise ValueError(f"ops.image.resize: interpolation must be 'bilinear', 'bicubic', 'lanczos3', 'lanczos5' or "
                         f"'nearest', got {interpolation!r}.")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("ops.image.resize: give crop_to_aspect_ratio or pad_to_aspect_ratio, not both.")
    height, width = _tuple("resize", "size", size, 2)
    batched, restore = as_batched_channels_last("resize", images, data_format)
    if crop_to_aspect_ratio:
        batched = _cropped_to_aspect(batched, height, width)
    elif pad_to_aspect_ratio:
        batched = _padded_to_aspect(batched, height, width, fill_value)
    if interpolation == "nearest":
        return restore(_nearest_axis(_nearest_axis(batched, 1, height), 2, width))
    batched = to_float(batched, "resize")
    for axis, size in ((1, height), (2, width)):
        batched = _resample_axis(batched, axis, size, size / batched.shape[axis], 0.0, _KERNELS[interpolation],
                                 antialias)
    return restore(batched)


@keras_op
@names_errors
def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    """images resampled on each of spatial_dims to output_shape: output sample j reads input position
    (j + 0.5 - translation) / scale - 0.5 through the method's kernel ('linear', 'cubic', 'lanczos3', 'lanczos5',
    also spelled 'bilinear', 'bicubic', ...); positions outside the input give 0."""
    if method not in _KERNELS:
        raise ValueError(f"ops.image.scale_and_translate: method must be one of {sorted(_KERNELS)}, got {method!r}.")
    images = to_float(images, "scale_and_translate")
    scale = np.broadcast_to(np.asarray(getattr(scale, "_value", scale), float), (len(spatial_dims),))
    translation = np.broadcast_to(np.asarray(getattr(translation, "_value", translation), float),
                                  (len(spatial_dims),))
    for axis, step, shift in zip(spatial_dims, scale, translation):
        images = _resample_axis(images, axis, output_shape[axis], step, shift, _KERNELS[method], antialias)
    return images

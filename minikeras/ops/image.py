"""keras.ops.image (Keras's keras.src.ops.image): resizing and resampling, cropping and padding, colour
conversions, patches, filters, similarity, and sampling at arbitrary coordinates. Images are
(batch, height, width, channels), or unbatched, and channels-first with data_format='channels_first'."""
import autograd.numpy as anp
import numpy as np

from .. import backend
from ._tensor import as_array, to_float, names_errors
from .nn.convolution import depthwise_conv, _windows, _padding, _tuple
from .symbolic import keras_op

__all__ = ["resize", "crop_images", "pad_images", "rgb_to_grayscale", "rgb_to_hsv", "hsv_to_rgb", "extract_patches",
           "extract_patches_3d", "gaussian_blur", "sobel_edges", "ssim", "map_coordinates",
           "affine_transform", "perspective_transform", "scale_and_translate"]


def _as_batched_channels_last(op, images, data_format, ranks=(3, 4)):
    """(images as (batch, height, width, channels), a function that restores the caller's layout)."""
    data_format = backend.image_data_format() if data_format is None else data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"ops.image.{op}: data_format must be 'channels_last' or 'channels_first', got "
                         f"{data_format!r}.")
    images = as_array(images, op)
    if images.ndim not in ranks:
        raise ValueError(f"ops.image.{op}: expected images of rank {' or '.join(map(str, ranks))} ((batch,) "
                         f"height, width, channels), got shape {images.shape}.")
    unbatched = len(ranks) > 1 and images.ndim == ranks[0]
    batched = images[None] if unbatched else images
    first = data_format == "channels_first"
    batched = anp.moveaxis(batched, 1, -1) if first else batched

    def restore(result):
        result = anp.moveaxis(result, -1, 1) if first else result
        return result[0] if unbatched else result
    return batched, restore


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
    minikeras does not support crop_to_aspect_ratio and pad_to_aspect_ratio."""
    if interpolation not in ("bilinear", "bicubic", "lanczos3", "lanczos5", "nearest"):
        raise ValueError(f"ops.image.resize: interpolation must be 'bilinear', 'bicubic', 'lanczos3', 'lanczos5' or "
                         f"'nearest', got {interpolation!r}.")
    if crop_to_aspect_ratio or pad_to_aspect_ratio:
        raise ValueError("ops.image.resize: crop_to_aspect_ratio and pad_to_aspect_ratio are not supported by "
                         "minikeras; leave them False.")
    height, width = _tuple("resize", "size", size, 2)
    batched, restore = _as_batched_channels_last("resize", images, data_format)
    if interpolation == "nearest":
        return restore(_nearest_axis(_nearest_axis(batched, 1, height), 2, width))
    batched = to_float(batched, "resize")
    for axis, size in ((1, height), (2, width)):
        batched = _resample_axis(batched, axis, size, size / batched.shape[axis], 0.0, _KERNELS[interpolation],
                                 antialias)
    return restore(batched)


def _two_of_three(op, before, after, total, what):
    """Keras's rule: give two of (before, after, target); the third follows from the image's size."""
    if sum(v is not None for v in (before, after, total)) != 2:
        raise ValueError(f"ops.image.{op}: give exactly two of the {what} arguments, got "
                         f"{dict(zip(('before', 'after', 'target'), (before, after, total)))}.")


@keras_op
@names_errors
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
                target_height=None, target_width=None, data_format=None):
    """images cropped: for each axis give two of (top/left cropping, bottom/right cropping, target size)."""
    batched, restore = _as_batched_channels_last("crop_images", images, data_format)
    height, width = batched.shape[1:3]
    _two_of_three("crop_images", top_cropping, bottom_cropping, target_height, "vertical")
    _two_of_three("crop_images", left_cropping, right_cropping, target_width, "horizontal")
    top = height - target_height - bottom_cropping if top_cropping is None else top_cropping
    target_height = height - bottom_cropping - top if target_height is None else target_height
    left = width - target_width - right_cropping if left_cropping is None else left_cropping
    target_width = width - right_cropping - left if target_width is None else target_width
    if min(top, left, target_height, target_width) < 0:
        raise ValueError(f"ops.image.crop_images: the cropping does not fit images of height {height} and width "
                         f"{width}.")
    return restore(batched[:, top:top + target_height, left:left + target_width])


@keras_op
@names_errors
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    """images padded with zeros: for each axis give two of (top/left padding, bottom/right padding, target)."""
    batched, restore = _as_batched_channels_last("pad_images", images, data_format)
    height, width = batched.shape[1:3]
    _two_of_three("pad_images", top_padding, bottom_padding, target_height, "vertical")
    _two_of_three("pad_images", left_padding, right_padding, target_width, "horizontal")
    top = target_height - bottom_padding - height if top_padding is None else top_padding
    bottom = target_height - top - height if bottom_padding is None else bottom_padding
    left = target_width - right_padding - width if left_padding is None else left_padding
    right = target_width - left - width if right_padding is None else right_padding
    if min(top, bottom, left, right) < 0:
        raise ValueError(f"ops.image.pad_images: the padding does not fit images of height {height} and width "
                         f"{width}.")
    return restore(anp.pad(batched, [(0, 0), (top, bottom), (left, right), (0, 0)], "constant"))


# ---- colour and filters --------------------------------------------------------------------------------------------
@keras_op
@names_errors
def rgb_to_grayscale(images, data_format=None):
    """One channel: 0.2989 R + 0.5870 G + 0.1140 B (images with one channel come back unchanged)."""
    batched, restore = _as_batched_channels_last("rgb_to_grayscale", images, data_format)
    if batched.shape[-1] == 1:
        return restore(batched)
    if batched.shape[-1] != 3:
        raise ValueError(f"ops.image.rgb_to_grayscale: expected 1 or 3 channels, got {batched.shape[-1]}.")
    floats = to_float(batched, "rgb_to_grayscale")
    gray = anp.sum(floats * np.array([0.2989, 0.5870, 0.1140], floats.dtype), axis=-1, keepdims=True)
    return restore(gray.astype(batched.dtype) if batched.dtype.kind != "f" else gray)


def _rgb_planes(op, images, data_format):
    batched, restore = _as_batched_channels_last(op, images, data_format)
    if batched.shape[-1] != 3 or batched.dtype.kind != "f":
        raise ValueError(f"ops.image.{op}: expected float images with 3 channels, got {batched.shape[-1]} "
                         f"channel(s) of dtype {batched.dtype}.")
    return batched[..., 0], batched[..., 1], batched[..., 2], restore


@keras_op
@names_errors
def rgb_to_hsv(images, data_format=None):
    """RGB in [0, 1] to hue, saturation, value, each in [0, 1] (hue 0 for greys)."""
    red, green, blue, restore = _rgb_planes("rgb_to_hsv", images, data_format)
    tiny = np.finfo(red.dtype).eps
    red, green, blue = (anp.where(anp.abs(c) < tiny, 0.0, c) for c in (red, green, blue))
    value = anp.maximum(anp.maximum(red, green), blue)
    spread = value - anp.minimum(anp.minimum(red, green), blue)
    saturation = anp.where(value > 0, spread / anp.where(value > 0, value, 1.0), 0.0)
    sixth = 1.0 / (6.0 * anp.where(spread > 0, spread, 1.0))
    hue = anp.where(value == green, sixth * (blue - red) + 2.0 / 6.0, sixth * (red - green) + 4.0 / 6.0)
    hue = anp.where(value == red, sixth * (green - blue), hue)   # red wins ties, then green, as Keras does
    hue = anp.where(spread > 0, hue, 0.0) + (hue < 0.0)
    return restore(anp.stack([hue, saturation, value], axis=-1).astype(red.dtype))


@keras_op
@names_errors
def hsv_to_rgb(images, data_format=None):
    """Hue, saturation, value (each in [0, 1]) back to RGB."""
    hue, saturation, value, restore = _rgb_planes("hsv_to_rgb", images, data_format)
    sector = anp.mod(hue, 1.0) * 6.0
    weights = [anp.clip(anp.abs(sector - 3.0) - 1.0, 0.0, 1.0), anp.clip(2.0 - anp.abs(sector - 2.0), 0.0, 1.0),
               anp.clip(2.0 - anp.abs(sector - 4.0), 0.0, 1.0)]
    return restore(anp.stack([value * (1.0 - saturation + saturation * w) for w in weights], axis=-1))


def _patches(op, images, size, strides, dilation_rate, padding, data_format, rank):
    batched, restore = _as_batched_channels_last(op, images, data_format, ranks=(rank + 1, rank + 2))
    window = _tuple(op, "size", size, rank)
    strides = window if strides is None else _tuple(op, "strides", strides, rank)
    dilation = _tuple(op, "dilation_rate", dilation_rate, rank)
    pads = _padding(op, padding, batched.shape[1:1 + rank], window, strides, dilation)
    patches = _windows(batched, window, strides, dilation, pads)    # (batch, positions..., window..., channels)
    return restore(anp.reshape(patches, patches.shape[:1 + rank] + (-1,)))


@keras_op
@names_errors
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Every size = (height, width) patch, flattened on the channels axis: (batch, rows, columns,
    height * width * channels), patches every `strides` (size when None) pixels."""
    return _patches("extract_patches", images, size, strides, dilation_rate, padding, data_format, 2)


@keras_op
@names_errors
def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """extract_patches for volumes (batch, depth, height, width, channels) and size = (depth, height, width)."""
    return _patches("extract_patches_3d", volumes, size, strides, dilation_rate, padding, data_format, 3)


def _gaussian(length, sigma):
    offsets = np.arange(length) - (length - 1) / 2
    weights = np.exp(-0.5 * (offsets / sigma) ** 2)
    return weights / weights.sum()


@keras_op
@names_errors
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Each channel convolved with a normalized Gaussian, zero padding keeping the size. As Keras does, the
    window's height is kernel_size[1] with sigma[1] and its width kernel_size[0] with sigma[0]."""
    batched, restore = _as_batched_channels_last("gaussian_blur", images, data_format)
    batched = to_float(batched, "gaussian_blur")
    sizes, sigmas = _tuple("gaussian_blur", "kernel_size", kernel_size, 2), np.broadcast_to(sigma, (2,))
    kernel = np.outer(_gaussian(sizes[1], sigmas[1]), _gaussian(sizes[0], sigmas[0]))
    channels = batched.shape[-1]
    kernel = np.broadcast_to(kernel[:, :, None, None], kernel.shape + (channels, 1)).astype(batched.dtype)
    return restore(depthwise_conv(batched, kernel, 1, "same", "channels_last"))


@keras_op
@names_errors
def sobel_edges(images, data_format=None):
    """The Sobel derivatives of each channel, stacked on a new last axis as (vertical, horizontal)."""
    batched, restore = _as_batched_channels_last("sobel_edges", images, data_format, ranks=(4,))
    batched = to_float(batched, "sobel_edges")
    horizontal = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], batched.dtype)
    channels = batched.shape[-1]
    edges = [depthwise_conv(batched, np.broadcast_to(k[:, :, None, None], (3, 3, channels, 1)), 1, "same",
                            "channels_last") for k in (horizontal.T, horizontal)]
    stacked = anp.stack(edges, axis=-1)
    return anp.moveaxis(stacked, 3, 1) if data_format == "channels_first" else stacked


@keras_op
@names_errors
def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, data_format=None):
    """The structural similarity of two images (1 when identical): local means, variances and covariance under a
    filter_size Gaussian window ('valid' positions only), averaged over positions and channels, one per image."""
    first, _ = _as_batched_channels_last("ssim", image1, data_format)
    second, _ = _as_batched_channels_last("ssim", image2, data_format)
    if first.shape != second.shape:
        raise ValueError(f"ops.image.ssim: the two images must have one shape, got {first.shape} and "
                         f"{second.shape}.")
    first, second = to_float(first, "ssim"), to_float(second, "ssim")
    window = np.outer(_gaussian(filter_size, filter_sigma), _gaussian(filter_size, filter_sigma))
    kernel = np.broadcast_to(window[:, :, None, None], window.shape + (first.shape[-1], 1)).astype(first.dtype)

    def local_mean(values):
        return depthwise_conv(values, kernel, 1, "valid", "channels_last")
    mean1, mean2 = local_mean(first), local_mean(second)
    variance1 = local_mean(first * first) - mean1 * mean1
    variance2 = local_mean(second * second) - mean2 * mean2
    covariance = local_mean(first * second) - mean1 * mean2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    similarity = ((2 * mean1 * mean2 + c1) * (2 * covariance + c2) /
                  ((mean1 * mean1 + mean2 * mean2 + c1) * (variance1 + variance2 + c2)))
    per_image = anp.mean(similarity, axis=(1, 2, 3))
    return per_image[0] if as_array(image1).ndim == 3 else per_image


# ---- sampling at arbitrary coordinates ----------------------------------------------------------------------------
def _fixed_index(index, size, fill_mode):
    """Where an index outside [0, size) reads from, by fill_mode (scipy.ndimage's modes)."""
    if fill_mode == "nearest":
        return np.clip(index, 0, size - 1)
    if fill_mode == "wrap":
        return np.mod(index, size)
    if fill_mode == "mirror":      # ... 2 1 | 0 1 2 | 1 0 ...: the edge is not repeated
        if size == 1:
            return np.zeros_like(index)
        folded = np.mod(index, 2 * (size - 1))
        return np.where(folded < size, folded, 2 * (size - 1) - folded)
    if fill_mode == "reflect":     # ... 1 0 | 0 1 2 | 2 1 ...: the edge is repeated
        folded = np.mod(index, 2 * size)
        return np.where(folded < size, folded, 2 * size - 1 - folded)
    return index                   # 'constant': read anywhere valid, fill_value elsewhere


@keras_op
@names_errors
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """inputs sampled at coordinates (one row of positions per input axis) by nearest (order 0) or linear
    (order 1) interpolation; outside the input, fill_mode 'constant' (fill_value), 'nearest', 'wrap', 'mirror'
    or 'reflect' decides what is read."""
    inputs = as_array(inputs, "map_coordinates")
    coordinates = to_float(coordinates, "map_coordinates")       # may be traced: linear weights differentiate
    positions = np.asarray(getattr(coordinates, "_value", coordinates))
    if coordinates.shape[0] != inputs.ndim:
        raise ValueError(f"ops.image.map_coordinates: coordinates need one row per input axis ({inputs.ndim}), "
                         f"got {coordinates.shape[0]}.")
    if order not in (0, 1):
        raise ValueError(f"ops.image.map_coordinates: order must be 0 or 1, got {order!r}.")
    if fill_mode not in ("constant", "nearest", "wrap", "mirror", "reflect"):
        raise ValueError(f"ops.image.map_coordinates: fill_mode must be 'constant', 'nearest', 'wrap', 'mirror' or "
                         f"'reflect', got {fill_mode!r}.")
    corners = _corners(coordinates, positions, order)
    result = 0.0
    for choice in np.ndindex(*[len(options) for options in corners]):  # every corner of the interpolation cell
        picked = [corners[axis][k] for axis, k in enumerate(choice)]
        indices = [_fixed_index(index, size, fill_mode) for (index, _), size in zip(picked, inputs.shape)]
        valid = np.logical_and.reduce([(i >= 0) & (i < size) for i, size in zip(indices, inputs.shape)])
        values = inputs[tuple(np.clip(i, 0, size - 1) for i, size in zip(indices, inputs.shape))]
        weight = 1.0
        for _, axis_weight in picked:
            weight = weight * axis_weight
        result = result + weight * anp.where(valid, values, fill_value)
    if inputs.dtype.kind != "f":
        return _round_half_away(np.asarray(getattr(result, "_value", result))).astype(inputs.dtype)
    return result.astype(inputs.dtype)


def _corners(coordinates, positions, order):
    """Per axis, the (index, weight) pairs a sample mixes: the nearest index (order 0), or the two neighbours
    weighted by distance (order 1; the weights stay functions of the coordinates, so they differentiate)."""
    if order == 0:
        return [[(_round_half_away(p).astype(int), 1.0)] for p in positions]
    corners = []
    for axis, position in enumerate(positions):
        low = np.floor(position)
        above = coordinates[axis] - low
        corners.append([(low.astype(int), 1.0 - above), (low.astype(int) + 1, above)])
    return corners


def _round_half_away(values):
    """Round to the nearest integer, halves away from zero (JAX's rule for map_coordinates)."""
    return np.where(values < 0, np.ceil(values - 0.5), np.floor(values + 0.5))


@keras_op
@names_errors
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format=None):
    """Each image resampled so output pixel (x, y) reads input point ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)
    with k = c0 x + c1 y + 1, for transform = [a0, a1, a2, b0, b1, b2, c0, c1] (one row per image, or one for all);
    interpolation 'nearest' or 'bilinear', fill_mode as in map_coordinates."""
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"ops.image.affine_transform: interpolation must be 'nearest' or 'bilinear', got "
                         f"{interpolation!r}.")
    batched, restore = _as_batched_channels_last("affine_transform", images, data_format)
    transform = to_float(transform, "affine_transform")
    transform = anp.stack([transform] * batched.shape[0]) if transform.ndim == 1 else transform
    if transform.shape != (batched.shape[0], 8):
        raise ValueError(f"ops.image.affine_transform: expected 8 transform values per image, got shape "
                         f"{transform.shape} for {batched.shape[0]} image(s).")
    height, width, channels = batched.shape[1:]
    y, x, channel = np.meshgrid(np.arange(height), np.arange(width), np.arange(channels), indexing="ij")
    outputs = []
    for image, (a0, a1, a2, b0, b1, b2, c0, c1) in zip(batched, transform):
        k = c0 * x + c1 * y + 1.0
        coordinates = [(b0 * x + b1 * y + b2) / k, (a0 * x + a1 * y + a2) / k, channel.astype(batched.dtype)]
        outputs.append(map_coordinates(image, anp.stack(coordinates), 0 if interpolation == "nearest" else 1,
                                       fill_mode, fill_value))
    return restore(anp.stack(outputs))


@keras_op
@names_errors
def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format=None):
    """Each image warped so that its four start_points (x, y) land on the four end_points: the homography taking
    end to start is solved for, then applied as affine_transform's eight values (zeros fill the outside)."""
    start, end = to_float(start_points, "perspective_transform"), to_float(end_points, "perspective_transform")
    if start.shape != end.shape or start.shape[-2:] != (4, 2) or start.ndim not in (2, 3):
        raise ValueError(f"ops.image.perspective_transform: expected start_points and end_points of one shape, "
                         f"(4, 2) or (batch, 4, 2), got {start.shape} and {end.shape}.")
    start, end = (start[None], end[None]) if start.ndim == 2 else (start, end)
    end_x, end_y, start_x, start_y = end[..., 0], end[..., 1], start[..., 0], start[..., 1]
    zeros, ones = np.zeros(end_x.shape, end_x.dtype), np.ones(end_x.shape, end_x.dtype)
    # x_start * (c0 x + c1 y + 1) = a0 x + a1 y + a2 (and the same for y), for x, y each end point
    rows_x = anp.stack([end_x, end_y, ones, zeros, zeros, zeros, -start_x * end_x, -start_x * end_y], axis=-1)
    rows_y = anp.stack([zeros, zeros, zeros, end_x, end_y, ones, -start_y * end_x, -start_y * end_y], axis=-1)
    system = anp.concatenate([rows_x, rows_y], axis=1)
    transforms = anp.stack([anp.linalg.solve(m, t) for m, t in
                            zip(system, anp.concatenate([start_x, start_y], axis=1))])
    batch = as_array(images).shape[0] if as_array(images).ndim == 4 else 1
    if transforms.shape[0] == 1 and batch > 1:
        transforms = anp.concatenate([transforms] * batch)
    if as_array(images).ndim == 3:
        transforms = transforms[0]
    return affine_transform(images, transforms, interpolation, "constant", fill_value, data_format)


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

"""ops.image's colour conversions, patches, Gaussian blur, Sobel edges and structural similarity."""
import autograd.numpy as anp
import numpy as np

from .._tensor import as_array, to_float, names_errors
from ..nn.convolution import depthwise_conv, _windows, _padding, _tuple
from ..symbolic import keras_op
from .layout import as_batched_channels_last

__all__ = ["rgb_to_grayscale", "rgb_to_hsv", "hsv_to_rgb", "extract_patches", "extract_patches_3d", "gaussian_blur",
           "sobel_edges", "ssim"]


# ---- colour and filters --------------------------------------------------------------------------------------------
@keras_op
@names_errors
def rgb_to_grayscale(images, data_format=None):
    """One channel: 0.2989 R + 0.5870 G + 0.1140 B (images with one channel come back unchanged)."""
    batched, restore = as_batched_channels_last("rgb_to_grayscale", images, data_format)
    if batched.shape[-1] == 1:
        return restore(batched)
    if batched.shape[-1] != 3:
        raise ValueError(f"ops.image.rgb_to_grayscale: expected 1 or 3 channels, got {batched.shape[-1]}.")
    floats = to_float(batched, "rgb_to_grayscale")
    gray = anp.sum(floats * np.array([0.2989, 0.5870, 0.1140], floats.dtype), axis=-1, keepdims=True)
    return restore(gray.astype(batched.dtype) if batched.dtype.kind != "f" else gray)


def _rgb_planes(op, images, data_format):
    batched, restore = as_batched_channels_last(op, images, data_format)
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
    batched, restore = as_batched_channels_last(op, images, data_format, ranks=(rank + 1, rank + 2))
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
    batched, restore = as_batched_channels_last("gaussian_blur", images, data_format)
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
    batched, restore = as_batched_channels_last("sobel_edges", images, data_format, ranks=(4,))
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
    first, _ = as_batched_channels_last("ssim", image1, data_format)
    second, _ = as_batched_channels_last("ssim", image2, data_format)
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

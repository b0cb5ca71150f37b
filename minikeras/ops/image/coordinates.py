"""ops.image's sampling at arbitrary coordinates: map_coordinates, affine_transform and
perspective_transform."""
import autograd.numpy as anp
import numpy as np

from ... import backend
from .._tensor import as_array, to_float, names_errors
from ..symbolic import keras_op
from .filters import gaussian_blur
from .layout import as_batched_channels_last

__all__ = ["map_coordinates", "affine_transform", "perspective_transform", "elastic_transform"]


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
    batched, restore = as_batched_channels_last("affine_transform", images, data_format)
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
def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                      seed=None, data_format=None):
    """Each image warped by a smooth random displacement field: normal noise (scaled by sigma) blurred by a
    Gaussian of width sigma, times alpha pixels. seed (an int) repeats a warp; minikeras's seeded source is used
    otherwise. Keras draws one field for both directions; minikeras draws one per direction, so the numbers differ."""
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"ops.image.elastic_transform: interpolation must be 'nearest' or 'bilinear', got "
                         f"{interpolation!r}.")
    batched, restore = as_batched_channels_last("elastic_transform", images, data_format)
    batched = to_float(batched, "elastic_transform")
    rng = backend.new_rng() if seed is None else np.random.default_rng(int(seed))
    batch, height, width, channels = batched.shape
    size = int(6 * sigma) | 1
    noise = (rng.normal(size=(2, batch, height, width, 1)) * sigma).astype(batched.dtype)
    shift_y, shift_x = (gaussian_blur(field, (size, size), (sigma, sigma), "channels_last")[..., 0] * alpha
                        for field in noise)
    y, x, channel = np.meshgrid(np.arange(height), np.arange(width), np.arange(channels), indexing="ij")
    outputs = [map_coordinates(image, anp.stack([y + dy[..., None], x + dx[..., None],
                                                 channel.astype(batched.dtype)]),
                               0 if interpolation == "nearest" else 1, fill_mode, fill_value)
               for image, dy, dx in zip(batched, shift_y, shift_x)]
    return restore(anp.stack(outputs))

"""keras.ops' math functions (Keras's keras.src.ops.math): logsumexp, top_k, segment reductions, erf, ..."""
import math

import autograd.numpy as anp
import numpy as np

from .. import activations
from ._tensor import as_array, to_float, int_result, names_errors
from .numpy.shapes import diagonal
from .symbolic import keras_op

__all__ = ["stft", "istft", "fft", "fft2", "ifft2", "rfft", "irfft", "view_as_complex", "view_as_real", "logsumexp", "top_k",
           "in_top_k", "segment_sum", "segment_max", "segment_min", "segment_prod", "erf", "erfc", "erfinv", "rsqrt",
           "logdet", "cdist", "extract_sequences"]

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


@keras_op
@names_errors
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis` (every axis when None), computed without overflow."""
    x = to_float(x, "logsumexp")
    peak = anp.max(x, axis=axis, keepdims=True)
    peak = anp.where(np.isfinite(getattr(peak, "_value", peak)), peak, 0.0)
    total = anp.log(anp.sum(anp.exp(x - peak), axis=axis, keepdims=True)) + peak
    return total if keepdims else anp.squeeze(total, axis=axis)


@keras_op
@names_errors
def top_k(x, k, sorted=True):
    """[values, indices]: the k largest values along the last axis and their int32 indices (largest first;
    ties keep their order)."""
    x = as_array(x, "top_k")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 < k <= x.shape[-1]:
        raise ValueError(f"ops.top_k: k must be an integer in [1, {x.shape[-1]}] (the last axis), got {k!r}.")
    order = np.argsort(-np.asarray(getattr(x, "_value", x)), axis=-1, kind="stable")[..., :k]
    return [_take_last_axis(x, order), int_result(order)]  # a list, as Keras returns


def _take_last_axis(x, indices):
    grid = list(np.ix_(*[np.arange(n) for n in indices.shape]))
    grid[-1] = indices
    return x[tuple(grid)]


@keras_op
@names_errors
def in_top_k(targets, predictions, k):
    """True where the target class is among the k highest predictions of its row."""
    predictions = np.asarray(getattr(predictions, "_value", predictions))
    targets = np.asarray(getattr(targets, "_value", targets)).astype(int)
    target_scores = predictions[np.arange(len(targets)), targets]
    return np.sum(predictions > target_scores[:, None], axis=-1) < k


def _segments(op, data, segment_ids, num_segments):
    data = as_array(data, op)
    ids = np.asarray(getattr(segment_ids, "_value", segment_ids))
    if ids.ndim != 1 or ids.shape[0] != data.shape[0]:
        raise ValueError(f"ops.{op}: segment_ids must be 1-D with one id per row of data ({data.shape[0]}), "
                         f"got shape {ids.shape}.")
    count = int(ids.max()) + 1 if num_segments is None and ids.size else (num_segments or 0)
    return data, ids, count


def _segment_reduce(op, reduce, empty, data, segment_ids, num_segments):
    data, ids, count = _segments(op, data, segment_ids, num_segments)
    rows = []
    for segment in range(count):
        members = data[np.flatnonzero(ids == segment)]
        rows.append(reduce(members, axis=0) if len(members) else np.full(data.shape[1:], empty, data.dtype))
    return anp.stack(rows) if rows else np.zeros((0,) + data.shape[1:], data.dtype)


@keras_op
@names_errors
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """The sum of the rows of data that share a segment id, one row per id (0 for empty segments)."""
    data, ids, count = _segments("segment_sum", data, segment_ids, num_segments)
    membership = (np.arange(count)[:, None] == ids[None, :]).astype(data.dtype)
    return anp.tensordot(membership, data, axes=1)


@keras_op
@names_errors
def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """The largest row of data per segment id (the dtype's lowest value for empty segments)."""
    lowest = np.finfo(as_array(data).dtype).min if as_array(data).dtype.kind == "f" else np.iinfo(
        as_array(data).dtype).min
    return _segment_reduce("segment_max", anp.max, lowest, data, segment_ids, num_segments)


@keras_op
@names_errors
def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """The smallest row of data per segment id (the dtype's highest value for empty segments)."""
    highest = np.finfo(as_array(data).dtype).max if as_array(data).dtype.kind == "f" else np.iinfo(
        as_array(data).dtype).max
    return _segment_reduce("segment_min", anp.min, highest, data, segment_ids, num_segments)


@keras_op
@names_errors
def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """The product of the rows of data per segment id (1 for empty segments)."""
    return _segment_reduce("segment_prod", anp.prod, 1, data, segment_ids, num_segments)


@keras_op
@names_errors
def erf(x):
    """The error function, element-wise."""
    return activations.erf(to_float(x, "erf"))


@keras_op
@names_errors
def erfc(x):
    """1 - erf(x), element-wise."""
    return 1.0 - activations.erf(to_float(x, "erfc"))


@keras_op
@names_errors
def erfinv(x):
    """The inverse of erf on (-1, 1), by Newton steps from a closed-form first guess."""
    x = to_float(x, "erfinv")
    log_term = anp.log((1.0 - x) * (1.0 + x))
    a = 0.147  # Winitzki's approximation: within 2e-3 everywhere, so four Newton steps reach float64 rounding
    first = 2.0 / (math.pi * a) + log_term / 2.0
    guess = anp.sign(x) * anp.sqrt(anp.sqrt(first ** 2 - log_term / a) - first)
    for _ in range(4):
        guess = guess - (activations.erf(guess) - x) / (_TWO_OVER_SQRT_PI * anp.exp(-guess * guess))
    return guess


@keras_op
@names_errors
def rsqrt(x):
    """1 / sqrt(x), element-wise."""
    return 1.0 / anp.sqrt(to_float(x, "rsqrt"))


@keras_op
@names_errors
def logdet(x):
    """log(det(x)) of symmetric positive-definite matrices (the last two axes), via Cholesky."""
    lower = anp.linalg.cholesky(to_float(x, "logdet"))
    return 2.0 * anp.sum(anp.log(diagonal(lower, axis1=-2, axis2=-1)), axis=-1)


@keras_op
@names_errors
def cdist(x, y):
    """The Euclidean distances between every row of x and every row of y (batched over leading axes)."""
    x, y = to_float(x, "cdist"), to_float(y, "cdist")
    difference = x[..., :, None, :] - y[..., None, :, :]
    return anp.sqrt(anp.sum(difference * difference, axis=-1))


@keras_op
@names_errors
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of `sequence_length` along the last axis, every `sequence_stride` steps, on a new
    second-to-last axis."""
    x = as_array(x, "extract_sequences")
    frames = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    starts = np.arange(frames)[:, None] * sequence_stride + np.arange(sequence_length)[None, :]
    return x[..., starts]



# ---- Fourier transforms: complex values travel as (real, imaginary) pairs, as in Keras ------------------------------
def _complex_from_pair(op, x):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"ops.{op}: expected a (real, imaginary) pair of arrays, got {type(x).__name__}.")
    real, imaginary = to_float(x[0], op), to_float(x[1], op)
    if real.shape != imaginary.shape:
        raise ValueError(f"ops.{op}: the real and imaginary parts must have one shape, got {real.shape} and "
                         f"{imaginary.shape}.")
    return real + 1j * imaginary, real.dtype


def _pair(values, dtype):
    return anp.real(values).astype(dtype), anp.imag(values).astype(dtype)


@keras_op
@names_errors
def fft(x):
    """The discrete Fourier transform along the last axis of x = (real, imaginary); returns the same kind of pair."""
    values, dtype = _complex_from_pair("fft", x)
    return _pair(anp.fft.fft(values), dtype)


@keras_op
@names_errors
def fft2(x):
    """The 2-D discrete Fourier transform over the last two axes of x = (real, imaginary)."""
    values, dtype = _complex_from_pair("fft2", x)
    return _pair(anp.fft.fft2(values), dtype)


@keras_op
@names_errors
def ifft2(x):
    """The inverse of fft2, on x = (real, imaginary)."""
    values, dtype = _complex_from_pair("ifft2", x)
    return _pair(anp.fft.ifft2(values), dtype)


@keras_op
@names_errors
def rfft(x, fft_length=None):
    """The Fourier transform of real x along its last axis: the (real, imaginary) pair of its
    fft_length // 2 + 1 non-negative frequencies (fft_length defaults to the axis's length)."""
    x = to_float(x, "rfft")
    if fft_length is not None and fft_length != x.shape[-1]:  # crop or zero-pad here: autograd's rfft(n=...)
        extra = fft_length - x.shape[-1]                      # gradient assumes the input already has length n
        x = x[..., :fft_length] if extra < 0 else anp.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, extra)], "constant")
    return _pair(anp.fft.rfft(x, axis=-1), x.dtype)


@keras_op
@names_errors
def irfft(x, fft_length=None):
    """The inverse of rfft: real values from the (real, imaginary) pair of non-negative frequencies."""
    values, dtype = _complex_from_pair("irfft", x)
    return anp.fft.irfft(values, n=fft_length, axis=-1).astype(dtype)


@keras_op
@names_errors
def view_as_complex(x):
    """A complex array from x whose last axis (of length 2) holds the real and imaginary parts."""
    x = as_array(x, "view_as_complex")
    if x.ndim == 0 or x.shape[-1] != 2:
        raise ValueError(f"ops.view_as_complex: expected a last axis of length 2, got shape {x.shape}.")
    return x[..., 0] + 1j * x[..., 1]


@keras_op
@names_errors
def view_as_real(x):
    """The real and imaginary parts of complex x, stacked on a new last axis."""
    x = as_array(x, "view_as_real")
    return anp.stack([anp.real(x), anp.imag(x)], axis=-1)


# ---- short-time Fourier transforms ----------------------------------------------------------------------------------
def _stft_window(op, window, sequence_length, fft_length, dtype):
    """The analysis window, zero-padded at both ends to fft_length ('hann' and 'hamming' are periodic windows)."""
    if window is None:
        values = np.ones(sequence_length)
    elif isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(f"ops.{op}: window must be 'hann', 'hamming', an array or None, got {window!r}.")
        phase = 2 * np.pi * np.arange(sequence_length) / sequence_length
        values = 0.5 - 0.5 * np.cos(phase) if window == "hann" else 0.54 - 0.46 * np.cos(phase)
    else:
        values = np.asarray(getattr(window, "_value", window), dtype=float)
        if values.shape != (sequence_length,):
            raise ValueError(f"ops.{op}: window must have shape ({sequence_length},), got {values.shape}.")
    before = (fft_length - sequence_length) // 2
    return np.pad(values, (before, fft_length - sequence_length - before)).astype(dtype)


@keras_op
@names_errors
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """The short-time Fourier transform along the last axis: (real, imaginary), each (..., frames, bins)."""
    x = to_float(x, "stft")
    if fft_length < sequence_length:
        raise ValueError(f"ops.stft: fft_length ({fft_length}) must be >= sequence_length ({sequence_length}).")
    if center:
        x = _reflect_pad_last(x, fft_length // 2)
    frames = extract_sequences(x, fft_length, sequence_stride)
    window = _stft_window("stft", window, sequence_length, fft_length, x.dtype)
    return _pair(anp.fft.rfft(frames * window, axis=-1), x.dtype)


def _reflect_pad_last(x, width):
    """x extended by `width` mirrored samples at both ends of its last axis (by indexing, so it differentiates)."""
    picks = np.pad(np.arange(x.shape[-1]), (width, width), mode="reflect")
    return x[..., picks]


@keras_op
@names_errors
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """The inverse of stft: overlap-add of the windowed frames, divided by the overlapping squared windows."""
    values, dtype = _complex_from_pair("istft", x)
    if values.ndim < 2:
        raise ValueError(f"ops.istft: expected (..., frames, bins) arrays, got shape {values.shape}.")
    window = _stft_window("istft", window, sequence_length, fft_length, dtype)
    frames = anp.fft.irfft(values, n=fft_length, axis=-1).astype(dtype) * window
    count = frames.shape[-2]
    total = fft_length + sequence_stride * (count - 1)
    placement = np.zeros((count, fft_length, total), dtype)   # frame i, sample j -> output i * stride + j
    for i in range(count):
        placement[i, np.arange(fft_length), i * sequence_stride + np.arange(fft_length)] = 1
    signal = anp.tensordot(frames, placement, axes=([-2, -1], [0, 1]))
    overlap = np.tensordot(np.tile(window * window, (count, 1)), placement, axes=([0, 1], [0, 1]))
    signal = signal / np.where(overlap > 1e-10, overlap, 1.0).astype(dtype)
    start = fft_length // 2 if center else 0
    end = start + length if length is not None else (total - fft_length // 2 if center else total)
    return signal[..., start:end]

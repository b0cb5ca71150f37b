"""Data helpers users bring from Keras tutorials: to_categorical, pad_sequences, normalize."""
import numpy as np

from .. import backend


def _whole_number(value, what, owner, minimum=0, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{owner}: {what} must be a whole number >= {minimum}, got {value!r}.")
    return int(value)


def _numeric_array(values, owner, what):
    try:
        array = np.asarray(values)
    except ValueError:
        raise ValueError(f"{owner}: {what} must be a rectangular array of numbers; these have rows of different "
                         f"lengths.") from None
    if array.dtype == object or array.dtype.kind not in "biuf":
        raise TypeError(f"{owner}: {what} must be numbers, got values of type {array.dtype}.")
    return array


def to_categorical(x, num_classes=None):
    """Integer class labels -> one-hot rows, a new last axis of size num_classes (default max label + 1)."""
    labels = _numeric_array(x, "to_categorical", "labels")
    num_classes = _whole_number(num_classes, "num_classes", "to_categorical", minimum=1, allow_none=True)
    if labels.size and not np.all(np.isfinite(labels)):
        raise ValueError("to_categorical: labels must be finite whole numbers, got NaN or inf.")
    if labels.size and not np.all(np.equal(np.mod(labels, 1), 0)):
        raise ValueError(f"to_categorical: labels must be whole numbers, got {labels.ravel()[:5]}...")
    labels = labels.astype("int64")
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"to_categorical: labels must be in [0, {num_classes}), got values from "
                         f"{labels.min()} to {labels.max()}.")
    if labels.size * num_classes > 2 ** 31:
        raise ValueError(f"to_categorical: {labels.size} labels x {num_classes} classes is too large a one-hot "
                         f"array; use sparse labels (sparse_categorical_crossentropy) instead.")
    return np.eye(num_classes, dtype=backend.floatx())[labels]


def _sequence_rows(sequences):
    if isinstance(sequences, (str, bytes, dict)) or not hasattr(sequences, "__len__"):
        raise TypeError(f"pad_sequences: expected a list of sequences (lists of numbers), got "
                        f"{type(sequences).__name__}.")
    rows = []
    for i, sequence in enumerate(sequences):
        if isinstance(sequence, (str, bytes, dict)) or not hasattr(sequence, "__len__"):
            raise TypeError(f"pad_sequences: sequence {i} must be a list of numbers, got "
                            f"{type(sequence).__name__} {sequence!r}; pass a list of sequences, e.g. [[1, 2], [3]].")
        rows.append(_numeric_array(sequence, "pad_sequences", f"sequence {i}"))
    shapes = {row.shape[1:] for row in rows if len(row)}
    if len(shapes) > 1:
        raise ValueError(f"pad_sequences: the steps of every sequence must have one shape, got {sorted(shapes)}.")
    return rows, (shapes.pop() if shapes else ())


def _padding_value(value, dtype):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"pad_sequences: value must be a number, got {value!r}.")
    if np.issubdtype(dtype, np.integer) and not (np.isfinite(value) and value == int(value)):
        raise ValueError(f"pad_sequences: value {value!r} cannot be stored in dtype {dtype}.")
    return value


def _checked_dtype(dtype):
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"pad_sequences: dtype must be a numpy dtype such as 'int32' or 'float32', got {dtype!r}."
                        ) from None
    if dtype.kind not in "biuf":
        raise TypeError(f"pad_sequences: dtype must be a numeric dtype, got {dtype}.")
    return dtype


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Lists of varying length -> one (n, maxlen) array, padded/truncated at the start ('pre') or end ('post')."""
    for name, option in (("padding", padding), ("truncating", truncating)):
        if option not in ("pre", "post"):
            raise ValueError(f"pad_sequences: {name} must be 'pre' or 'post', got {option!r}.")
    maxlen = _whole_number(maxlen, "maxlen", "pad_sequences", minimum=0, allow_none=True)
    dtype = _checked_dtype(dtype)
    value = _padding_value(value, dtype)
    rows, feature_shape = _sequence_rows(sequences)
    if np.issubdtype(dtype, np.integer):
        limits = np.iinfo(dtype)
        for i, row in enumerate(rows):
            if row.size and (not np.all(np.isfinite(row)) or row.min() < limits.min or row.max() > limits.max):
                raise ValueError(f"pad_sequences: sequence {i} holds values that do not fit dtype {dtype} "
                                 f"({limits.min}..{limits.max}); pass dtype='int64' or 'float32'.")
    maxlen = max((len(row) for row in rows), default=0) if maxlen is None else maxlen
    result = np.full((len(rows), maxlen) + feature_shape, value, dtype=dtype)
    for i, row in enumerate(rows):
        if not len(row) or not maxlen:
            continue
        kept = row[-maxlen:] if truncating == "pre" else row[:maxlen]
        if padding == "post":
            result[i, :len(kept)] = kept
        else:
            result[i, maxlen - len(kept):] = kept
    return result


def normalize(x, axis=-1, order=2):
    """Scale along `axis` to unit `order`-norm (zero vectors stay zero)."""
    x = np.asarray(x, dtype=backend.floatx())
    norms = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norms == 0, 1, norms)

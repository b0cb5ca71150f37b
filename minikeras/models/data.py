"""Turning what users pass to fit/evaluate/predict into checked lists of arrays, and slicing them into batches."""
import numpy as np

from .. import backend


def to_array_list(data, tensors, what, model_name):
    """`data` (array, list or dict) as one array per symbolic tensor, dtypes matched to the tensors."""
    names = [t.name for t in tensors]
    if data is None:
        raise TypeError(f"Model '{model_name}' needs {what} for {names}, got None: pass a numpy array "
                        f"(one per {what[:-1]}: {[t.shape for t in tensors]}).")
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(f"Model '{model_name}': the {what} dict has keys {list(data)}, "
                             f"but the model's {what} are named {names} (missing {missing}).")
        arrays = [data[n] for n in names]
    elif isinstance(data, (list, tuple)) and len(tensors) > 1:
        arrays = list(data)
    elif isinstance(data, (list, tuple)) and len(data) == 1 and np.ndim(data[0]) >= 1 and _looks_like_batch(data[0]):
        arrays = [data[0]]
    elif isinstance(data, (list, tuple)) and _is_list_of_batches(data, tensors[0]):
        arrays = list(data)  # one array per input was meant: refused below, naming the counts
    else:
        arrays = [data]
    if len(arrays) != len(tensors):
        raise ValueError(f"Model '{model_name}' has {len(tensors)} {what} {names}, but {len(arrays)} arrays were given.")
    return [_as_typed_array(a, t, what, model_name) for a, t in zip(arrays, tensors)]


def _is_list_of_batches(data, tensor):
    """A list of whole batches (each of the input's rank) given to a one-input model, not a batch as a list."""
    return len(data) > 1 and all(isinstance(a, np.ndarray) and a.ndim == len(tensor.shape) for a in data)


def _looks_like_batch(value):
    return isinstance(value, np.ndarray) or (isinstance(value, (list, tuple)) and len(value) > 0)


def _as_typed_array(value, tensor, what, model_name):
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists and other non-rectangular data
        raise ValueError(f"Model '{model_name}': could not turn the {what} for '{tensor.name}' into an array "
                         f"({error}). Pad sequences to one length first (minikeras.utils.pad_sequences).") from None
    if array.dtype == object or array.dtype.kind not in "biuf":
        raise TypeError(f"Model '{model_name}': the {what} for '{tensor.name}' must be numbers, "
                        f"got an array of dtype {array.dtype}.")
    if array.ndim == 0:
        raise ValueError(f"Model '{model_name}': the {what} for '{tensor.name}' is a single number; "
                         f"expected a batch of shape {tensor.shape}.")
    wants_int = np.dtype(tensor.dtype).kind in "iu"
    if wants_int and array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            raise TypeError(f"Model '{model_name}': the {what} for '{tensor.name}' hold integer indices "
                            f"(dtype {tensor.dtype}) but got non-integer floats.")
        return array.astype(tensor.dtype)
    if not wants_int and array.dtype != np.dtype(backend.floatx()) and array.dtype.kind in "biuf":
        return _cast_without_overflow(array, what, tensor, model_name)
    return array


def _cast_without_overflow(array, what, tensor, model_name):
    """A cast to floatx that refuses values too large for it, instead of silently turning them into inf."""
    with np.errstate(over="ignore"):
        cast = array.astype(backend.floatx())
    if array.dtype.kind == "f" and array.size and not np.all(np.isfinite(cast)):
        became_inf = np.isfinite(array) & ~np.isfinite(cast)
        if np.any(became_inf):
            where = tuple(int(i) for i in np.argwhere(became_inf)[0])
            raise ValueError(f"Model '{model_name}': the {what} for '{tensor.name}' holds {array[where].item()!r} at index "
                             f"{where}, too large for {backend.floatx()} (the model's float type); scale the data "
                             f"down, or use minikeras.backend.set_floatx('float64').")
    return cast


def check_input_shapes(arrays, tensors, model_name, chain=None):
    for array, tensor in zip(arrays, tensors):
        expected = tensor.shape
        if array.ndim != len(expected) or any(e is not None and e != g for e, g in zip(expected[1:], array.shape[1:])):
            hint = f"\nShapes in the model:\n{chain}" if chain else ""
            raise ValueError(f"Model '{model_name}': input '{tensor.name}' expects shape {expected}, "
                             f"got an array of shape {array.shape}.{hint}")


def check_same_length(groups, model_name):
    """All arrays in all groups (x, y, sample weights) must have the same number of samples."""
    lengths = {}
    for label, arrays in groups.items():
        for i, array in enumerate(arrays or []):
            lengths[f"{label}[{i}]" if len(arrays) > 1 else label] = len(array)
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{k}: {v}" for k, v in lengths.items())
        raise ValueError(f"Model '{model_name}': x and y must have the same number of samples; got {described}.")
    return next(iter(lengths.values())) if lengths else 0


def check_finite(groups, model_name):
    for label, arrays in groups.items():
        for i, array in enumerate(arrays or []):
            if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
                bad = np.argwhere(~np.isfinite(array))[0]
                raise ValueError(f"Model '{model_name}': {label} contains NaN or inf (first at index "
                                 f"{tuple(int(b) for b in bad)}). Clean the data before training; "
                                 f"no weights were changed.")


def check_targets(y_arrays, outputs, losses, model_name):
    for array, tensor, loss in zip(y_arrays, outputs, losses):
        out = tensor.shape
        if _target_fits(array.shape, out, loss):
            continue
        raise ValueError(f"Model '{model_name}': the target for output '{tensor.name}' has shape {array.shape}, "
                         f"but the output has shape {out}. They must match (except the batch axis)"
                         f"{_sparse_hint(array.shape, out, loss)}.")


def _target_fits(shape, out, loss):
    def same(a, b):
        return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))
    if same(shape[1:], out[1:]):
        return True
    sparse = "sparse" in getattr(loss, "name", "") or "sparse" in type(loss).__name__.lower()
    if sparse and (same(shape[1:], out[1:-1]) or same(shape[1:], out[1:-1] + (1,))):
        return True
    return len(out) == 2 and out[-1] == 1 and len(shape) == 1


def _sparse_hint(shape, out, loss):
    if len(shape) == len(out) - 1 or (shape and shape[-1] == 1 and out[-1] not in (1, None)):
        return "; integer class labels need loss='sparse_categorical_crossentropy', or one-hot them with " \
               "minikeras.utils.to_categorical"
    return ""


def batch_slices(num_samples, batch_size, shuffle, rng):
    """Index arrays (or slices) of each batch of one epoch."""
    if shuffle:
        order = rng.permutation(num_samples)
        return [order[i:i + batch_size] for i in range(0, num_samples, batch_size)]
    return [slice(i, min(i + batch_size, num_samples)) for i in range(0, num_samples, batch_size)]


def take(arrays, index):
    return None if arrays is None else [a[index] for a in arrays]


def split_validation(arrays_by_group, fraction, num_samples):
    """Keras takes the last `fraction` of the samples, before any shuffling, as validation data."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation_split must be in (0, 1), got {fraction}.")
    split_at = int(num_samples * (1.0 - fraction))
    if split_at == 0 or split_at == num_samples:
        raise ValueError(f"validation_split={fraction} leaves no samples for training or validation "
                         f"out of {num_samples}.")
    train = {k: take(v, slice(0, split_at)) for k, v in arrays_by_group.items()}
    valid = {k: take(v, slice(split_at, None)) for k, v in arrays_by_group.items()}
    return train, valid

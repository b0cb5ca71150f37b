"""Turning what users pass to fit/evaluate/predict into checked lists of arrays, and slicing them into batches."""
import numpy as np

from .. import backend


def to_array_list(data, tensors, what, model_name):
    """`data` (array, list or dict) as one array per symbolic tensor, dtypes matched to the tensors."""
    if isinstance(data, np.ndarray) and len(tensors) == 1:     # the common case, taken first: streams come here often
        return [_as_typed_array(data, tensors[0], what, model_name)]
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
    elif isinstance(data, (list, tuple)) and len(data) == 1 and (data[0] is None or np.ndim(data[0]) >= 1
                                                                 and _looks_like_batch(data[0])):
        arrays = [data[0]]
    elif isinstance(data, (list, tuple)) and _is_list_of_batches(data, tensors[0]):
        arrays = list(data)  # one array per input was meant: refused below, naming the counts
    else:
        arrays = [data]
    if len(arrays) != len(tensors):
        raise ValueError(f"Model '{model_name}' has {len(tensors)} {what} {names}, but {len(arrays)} arrays were given.")
    return [_as_typed_array(a, t, what, model_name) for a, t in zip(arrays, tensors)]


def standardized_rank(array, tensor):
    """Keras 3's Functional models take inputs one rank off their Input's on the last axis: (n,) for an Input of
    shape (1,) gets the axis added, (n, 3, 1) for an Input of shape (3,) has it dropped."""
    want = len(tensor.shape)
    if array is None:           # an optional input left out
        return None
    if array.ndim == want - 1 and tensor.shape[-1] == 1:
        return array[..., None]
    if array.ndim == want + 1 and array.shape[-1] == 1:
        return array[..., 0]
    return array


def _is_list_of_batches(data, tensor):
    """A list of whole batches (each of the input's rank) given to a one-input model, not a batch as a list."""
    return len(data) > 1 and all(isinstance(a, np.ndarray) and a.ndim == len(tensor.shape) for a in data)


def _looks_like_batch(value):
    return isinstance(value, np.ndarray) or (isinstance(value, (list, tuple)) and len(value) > 0)


def _as_typed_array(value, tensor, what, model_name):
    if value is None and what == "inputs":   # an optional input left out stays None; a required one is an error
        from .graph import check_fed
        check_fed([tensor], [None], f"Model '{model_name}'")
        return None
    if value is None and what == "targets":  # an output without a loss (training._target_per_output)
        return None
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists and other non-rectangular data
        raise ValueError(f"Model '{model_name}': could not turn the {what} for '{tensor.name}' into an array "
                         f"({error}). Pad sequences to one length first (minikeras.utils.pad_sequences).") from None
    if tensor.dtype == "string":   # raw text for a layer that takes strings (TextVectorization, StringLookup)
        return _string_array(array, tensor, what, model_name)
    if array.dtype == object or array.dtype.kind not in "biuf":
        raise TypeError(f"Model '{model_name}': the {what} for '{tensor.name}' must be numbers, "
                        f"got an array of dtype {array.dtype}.")
    if array.ndim == 0:
        raise ValueError(f"Model '{model_name}': the {what} for '{tensor.name}' is a single number; "
                         f"expected a batch of shape {tensor.shape}.")
    wants_int = np.dtype(tensor.dtype).kind in "iu"
    if wants_int and array.dtype.kind in "fiu" and array.size:
        if array.dtype.kind == "f" and (not np.all(np.isfinite(array)) or np.any(array != np.round(array))):
            raise TypeError(f"Model '{model_name}': the {what} for '{tensor.name}' hold integer indices "
                            f"(dtype {tensor.dtype}) but got non-integer floats.")
        limits = np.iinfo(np.dtype(tensor.dtype))
        if array.min() < limits.min or array.max() > limits.max:
            raise ValueError(f"Model '{model_name}': the {what} for '{tensor.name}' hold values from {array.min()} "
                             f"to {array.max()}, outside the range of {tensor.dtype} (the input's dtype).")
        return array.astype(tensor.dtype)
    if not wants_int and array.dtype != np.dtype(backend.floatx()) and array.dtype.kind in "biuf":
        return _cast_without_overflow(array, what, tensor, model_name)
    return array


def _string_array(array, tensor, what, model_name):
    """Text for an Input(dtype="string"): an object array of str, every element checked."""
    if array.dtype.kind in "US" or (array.dtype == object and all(isinstance(v, (str, bytes)) for v in array.flat)):
        return array.astype(object) if array.ndim else array
    raise TypeError(f"Model '{model_name}': the {what} for '{tensor.name}' must be strings (the input's dtype is "
                    f"'string'), got an array of dtype {array.dtype}.")


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
    """Each array has its input's rank and known sizes; `chain` (text, or a function making it: only called for
    the error, as streamed batches are checked one by one) shows the model's shapes in the message."""
    for array, tensor in zip(arrays, tensors):
        expected = tensor.shape
        if array is None:
            continue
        if array.ndim != len(expected) or any(e is not None and e != g for e, g in zip(expected[1:], array.shape[1:])):
            chain = chain() if callable(chain) else chain
            hint = f"\nShapes in the model:\n{chain}" if chain else ""
            raise ValueError(f"Model '{model_name}': input '{tensor.name}' expects shape {expected}, "
                             f"got an array of shape {array.shape}.{hint}")


def row_count(groups):
    """The number of samples in prepared arrays ({"x": [...], "y": [...], ...}), from the first one given: an optional
    input fed None has none."""
    return next((len(array) for arrays in groups.values() for array in arrays or [] if array is not None), 0)


def check_same_length(groups, model_name):
    """All arrays in all groups (x, y, sample weights) must have the same number of samples."""
    counts = {len(array) for arrays in groups.values() for array in arrays or [] if array is not None}
    if len(counts) > 1:     # the labelled description is made only for the error: streamed batches pass here often
        described = ", ".join(f"{f'{label}[{i}]' if len(arrays) > 1 else label}: {len(array)}"
                              for label, arrays in groups.items() for i, array in enumerate(arrays or []))
        raise ValueError(f"Model '{model_name}': x and y must have the same number of samples; got {described}.")
    return counts.pop() if counts else 0


def check_finite(groups, model_name):
    for label, arrays in groups.items():
        for i, array in enumerate(arrays or []):
            if array is not None and array.dtype.kind == "f" and not _all_finite(array):
                bad = np.argwhere(~np.isfinite(array))[0]
                raise ValueError(f"Model '{model_name}': {label} contains NaN or inf (first at index "
                                 f"{tuple(int(b) for b in bad)}). Clean the data before training; "
                                 f"no weights were changed.")


def _all_finite(array):
    # count_nonzero skips the Python-level reduction machinery behind .all(): 3-4x faster on a batch-sized array,
    # which a streamed fit checks every step; .all() stays faster on whole datasets
    finite = np.isfinite(array)
    return bool(finite.all()) if array.size > 4096 else np.count_nonzero(finite) == array.size


def check_targets(y_arrays, outputs, losses, model_name):
    for array, tensor, loss in zip(y_arrays, outputs, losses):
        if array is None:
            continue
        out = tensor.shape
        if _target_fits(array.shape, out, loss):
            _check_class_labels(array, tensor, loss, model_name)
            continue
        from .graph import shape_chain
        raise ValueError(f"Model '{model_name}': the target for output '{tensor.name}' has shape {array.shape}, "
                         f"but the output has shape {out}. They must match (except the batch axis)"
                         f"{_sparse_hint(array.shape, out, loss)}.\nThe shapes from the input to that output:\n"
                         f"{shape_chain([tensor])}")


def _check_class_labels(labels, tensor, loss, model_name):
    """Integer labels for a sparse crossentropy must name a class: an out-of-range label would silently add 0 to
    the loss (Keras's rule inside the loss), so training would quietly ignore those samples."""
    from ..losses import crossentropy_kind
    classes = tensor.shape[-1]
    name = getattr(loss, "name", "") or type(loss).__name__
    sparse = "sparse" in name.lower() or (name == "crossentropy" and classes is not None
                                          and crossentropy_kind(labels.shape, tensor.shape) == "sparse")
    if not sparse or classes is None or labels.size == 0:
        return
    ignored = getattr(loss, "fn_kwargs", {}).get("ignore_class")
    checked = labels if ignored is None else labels[labels != ignored]
    bad = ~np.isin(checked, np.arange(classes))
    if np.any(bad):
        raise ValueError(f"Model '{model_name}': the target for output '{tensor.name}' holds the label "
                         f"{checked[bad].ravel()[0].item()!r}, but a sparse crossentropy over {classes} classes "
                         f"needs whole numbers 0..{classes - 1}.")


def _target_fits(shape, out, loss):
    def same(a, b):
        return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))
    if same(shape[1:], out[1:]):
        return True
    if getattr(loss, "target_fits", None) and loss.target_fits(tuple(shape), tuple(out)):
        return True   # a loss whose targets are shaped otherwise (CTC's labels, Circle's, ...) says so itself
    sparse = "sparse" in getattr(loss, "name", "") or "sparse" in type(loss).__name__.lower()
    if sparse and (same(shape[1:], out[1:-1]) or same(shape[1:], out[1:-1] + (1,))):
        return True
    if _broadcasts(shape, out) and not _is_crossentropy(loss):
        return True     # Keras 3's elementwise losses broadcast such a target (e.g. one value for every unit)
    return len(out) == 2 and out[-1] == 1 and len(shape) == 1


def _broadcasts(shape, out):
    return len(shape) == len(out) and all(t == 1 or o is None or t == o for t, o in zip(shape[1:], out[1:]))


def _is_crossentropy(loss):
    name = str(getattr(loss, "name", "") or "") + type(loss).__name__
    fn = getattr(loss, "fn", None)
    return "crossentropy" in name.lower() or "crossentropy" in str(getattr(fn, "__name__", "")).lower()


def _sparse_hint(shape, out, loss):
    name = str(getattr(loss, "name", "") or getattr(loss, "__name__", "") or loss).lower()
    if "crossentropy" not in name:
        return ""
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
    return None if arrays is None else [None if a is None else a[index] for a in arrays]


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


# ---- the options and side data of fit/evaluate, checked before any weight changes -------------------------------
def is_whole_number(value):
    """An int (numpy ints too) that is not a bool: True as a batch size or epoch count is a mistake, not 1."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_real_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def check_fit_options(model_name, epochs, initial_epoch, validation_split, validation_freq, validation_batch_size,
                      callbacks=None):
    counts = {"epochs": (epochs, 0), "initial_epoch": (initial_epoch, 0), "validation_freq": (validation_freq, 1),
              "validation_batch_size": (validation_batch_size, 1)}
    for what, (value, least) in counts.items():
        if value is None and what == "validation_batch_size":
            continue
        if not is_whole_number(value) or value < least:
            kind = "a positive integer" if least else "a whole number >= 0"
            raise ValueError(f"Model '{model_name}'.fit(): {what} must be {kind}, got {value!r}.")
    if validation_split is not None and (not is_real_number(validation_split) or not 0.0 <= validation_split < 1.0):
        raise ValueError(f"Model '{model_name}'.fit(): validation_split must be a number in [0, 1) (the fraction of "
                         f"the samples held out), got {validation_split!r}.")
    if callbacks is not None and not isinstance(callbacks, (list, tuple)):
        raise TypeError(f"Model '{model_name}'.fit(): callbacks must be a list of Callback objects, "
                        f"got {callbacks!r}.")


def sample_weight_arrays(sample_weight, num_outputs, model_name):
    """`sample_weight` as given, except that a plain list of numbers for a one-output model becomes one array (not
    one weight per output); every weight must hold real numbers."""
    if sample_weight is None:
        return None
    several = isinstance(sample_weight, (list, tuple))
    if several and num_outputs == 1 and not (len(sample_weight) == 1 and np.ndim(sample_weight[0]) >= 1):
        sample_weight, several = _numeric_array(sample_weight, "sample_weight", model_name), False
    if several and len(sample_weight) != num_outputs:
        raise ValueError(f"Model '{model_name}' has {num_outputs} outputs, but sample_weight is a list of "
                         f"{len(sample_weight)} entries (give one array per output, or one array for all).")
    if several:
        return [None if w is None else _numeric_array(w, "sample_weight", model_name) for w in sample_weight]
    return _numeric_array(sample_weight, "sample_weight", model_name)


def _numeric_array(value, what, model_name):
    try:
        array = np.asarray(value)
    except ValueError:
        raise ValueError(f"Model '{model_name}': {what} is not rectangular (lists of different lengths).") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Model '{model_name}': {what} must hold real numbers, got dtype {array.dtype}.")
    if array.ndim == 0:
        raise ValueError(f"Model '{model_name}': {what} must have one value per sample, got the single number "
                         f"{array.item()!r}.")
    return array


def check_class_weight(class_weight, model_name):
    """class_weight is {class index: weight}, as in Keras; anything else would be silently ignored or crash later."""
    if class_weight is None:
        return
    if not isinstance(class_weight, dict):
        raise TypeError(f"Model '{model_name}': class_weight must be a dict {{class index: weight}}, "
                        f"got {type(class_weight).__name__}.")
    for label, weight in class_weight.items():
        if not is_whole_number(label):
            raise TypeError(f"Model '{model_name}': class_weight keys must be integer class indices, got {label!r}.")
        if not is_real_number(weight) or not np.isfinite(weight):
            raise ValueError(f"Model '{model_name}': class_weight[{label}] must be a finite number, got {weight!r}.")


def check_embedding_indices(arrays, tensors, layers, checks=None):
    """Indices out of range for an Embedding fed straight from an input are refused before training starts:
    found mid-epoch, the batches before would already have changed the weights. `checks` (from
    embedding_index_checks) saves finding the Embeddings again for each streamed batch."""
    for position, check in embedding_index_checks(tensors, layers) if checks is None else checks:
        if arrays[position] is not None:
            check(arrays[position])


def embedding_index_checks(tensors, layers):
    """[(input position, the layer's index check)] for each Embedding fed straight from one of `tensors`."""
    positions = {t.id: i for i, t in enumerate(tensors)}
    checks = []
    for layer in layers:
        check = getattr(layer, "_checked_indices", None)
        for node in getattr(layer, "_inbound_nodes", []) if check else []:
            if node.input_tensors and node.input_tensors[0].id in positions:
                checks.append((positions[node.input_tensors[0].id], check))
    return checks


# ---- compile() arguments ------------------------------------------------------------------------------------------
def checked_loss_weight(weight, model_name):
    if weight is None:
        return 1.0
    if not is_real_number(weight) or not np.isfinite(weight):
        raise ValueError(f"Model '{model_name}'.compile(): loss_weights must be finite numbers, got {weight!r}.")
    return float(weight)


def checked_metric_specs(specs_per_output, model_name):
    """Each metric is a name, a function or a Metric object; None or a number would only fail at the first fit."""
    for specs in specs_per_output:
        for spec in specs:
            if not (isinstance(spec, str) or callable(spec) or hasattr(spec, "update_state")):
                raise TypeError(f"Model '{model_name}'.compile(): each metric must be a name (e.g. 'accuracy'), a "
                                f"function or a Metric object, got {spec!r}.")
    return specs_per_output

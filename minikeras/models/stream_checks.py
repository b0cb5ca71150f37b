"""Checking the batches of a stream: in full when a batch is laid out anew, by its values alone when it repeats the
layout of the batch checked in full before it."""
import math

import numpy as np

from . import data as D

_vdot = np.vdot     # flattens its arguments: one call for an array of any shape


class StreamBatchChecks:
    """Called with one batch as a stream yielded it: the checked (xs, ys, sample_weights) of fit and evaluate, or
    the checked xs of predict (`with_targets=False`); a ValueError or TypeError says what is wrong with it.

    The first batch, and any batch whose arrays differ from the last batch checked in full in nesting, shape or
    dtype, goes through the model's full checks, the ones arrays get. A batch laid out exactly as that one passes
    every check of structure as it did, so when the full checks handed its arrays on unchanged (or only cast them
    to the model's float type), a repeat is checked by its values alone: NaN or inf, the class labels of a sparse
    crossentropy, an Embedding's indices. Any doubt sends the batch through the full checks, which raise their
    usual error.
    """

    def __init__(self, model, what, class_weight=None, with_targets=True):
        self.model, self.what, self.class_weight, self.with_targets = model, what, class_weight, with_targets
        self._fixed = self._index_checks = None     # found after the first batch, which may build the model
        self._layout = None                         # the layout a repeat must have (None: no repeats)
        self._slots, self._casts, self._screened, self._labelled, self._plain = None, {}, (), (), False
        self._pair = None                           # the layout of an (x, y) repeat read the short way

    def __call__(self, raw):
        if self._pair is not None and type(raw) is tuple and len(raw) == 2:
            checked = self._repeat_pair(raw)
            if checked is not None:
                return checked
        arrays, layout = flat_arrays(raw)
        if layout is not None and layout == self._layout:
            checked = self._repeat(arrays)
            if checked is not None:
                return checked
        checked = self._full(raw)
        self._remember(arrays, layout, checked)
        return checked

    def _full(self, raw):
        x, y, sample_weight = unpack_batch(raw)
        model = self.model
        if self.with_targets:
            if y is None:
                raise ValueError(f"it holds no targets: yield (x, y) or (x, y, sample_weight), got {_kind(raw)}")
            prepared = model._prepare(x, y, sample_weight, self.class_weight, self.what, self._index_checks)
            xs, ys = prepared["x"], prepared["y"]
            sample_weights = prepared["sample_weight"] or [None] * len(ys)
        else:
            xs = model._prepare_inputs(x, self.what)
        if self._index_checks is None:
            self._fixed = model._fixed_batch_size()
            self._index_checks = D.embedding_index_checks(model.inputs, model.layers)
        if self._fixed is not None and len(xs[0]) != self._fixed:
            raise ValueError(f"the model is built for a fixed batch size of {self._fixed} (it is stateful), but "
                             f"this batch has {len(xs[0])} samples.")
        return (xs, ys, sample_weights) if self.with_targets else xs

    def _remember(self, arrays, layout, checked):
        """Keeps the layout of a batch that passed the full checks, if a repeat of it can skip them."""
        groups = checked if self.with_targets else (checked,)
        slots = None if layout is None or self.class_weight is not None else _slots(arrays, layout, groups)
        self._layout = None if slots is None else layout
        if slots is None:
            self._pair = None
            return
        self._slots, self._casts = slots
        used = sorted({i for group in self._slots for i in group if i is not None})
        # fit and evaluate refuse NaN and inf anywhere; predict only a value its cast turns into inf
        self._screened = [i for i in used if i in self._casts
                          or (self.with_targets and arrays[i].dtype.kind == "f")]
        self._labelled = _label_checked_outputs(groups[1], self.model) if self.with_targets else ()
        self._plain = (self.with_targets and len(self._slots[0]) == len(self._slots[1]) == 1
                       and self._slots[0][0] is not None and not self._labelled and not self._index_checks)
        pair = type(arrays) is tuple and len(arrays) == 2 and self._plain and not self._casts
        self._pair = layout if pair else None

    def _repeat_pair(self, raw):
        """The checked batch for an (x, y) of float arrays repeating the remembered layout, the usual batch of a
        one-input, one-output model, read without the general layout; None if it is not one, or not finite."""
        x, y = raw
        (x_shape, x_dtype), (y_shape, y_dtype) = self._pair
        if (type(x) is np.ndarray and type(y) is np.ndarray and x.shape == x_shape and y.shape == y_shape
                and x.dtype == x_dtype and y.dtype == y_dtype and math.isfinite(_vdot(x, x) + _vdot(y, y))):
            return [x], [y], [None]
        return None

    def _repeat(self, arrays):
        """The checked batch for a repeat of the remembered layout, or None if its values need the full checks."""
        if self._casts:
            with np.errstate(over="ignore"):     # a value too large for the float type is found below, and named
                arrays = [a.astype(self._casts[i]) if i in self._casts else a for i, a in enumerate(arrays)]
        squares = 0.0
        for i in self._screened:
            squares += _vdot(arrays[i], arrays[i])
        if not math.isfinite(squares):    # a NaN or inf anywhere makes the sum of squares NaN or inf
            return None
        if not self.with_targets:
            return [None if i is None else arrays[i] for i in self._slots[0]]
        x_slots, y_slots, weight_slots = self._slots
        if self._plain:     # one input, one output, nothing more to check: the common case, built directly
            weights = weight_slots[0]
            return [arrays[x_slots[0]]], [arrays[y_slots[0]]], [None if weights is None else arrays[weights]]
        xs = [None if i is None else arrays[i] for i in x_slots]
        ys = [arrays[i] for i in y_slots]
        if self._labelled or self._index_checks:
            try:
                for output in self._labelled:
                    D.check_targets([ys[output]], [self.model.outputs[output]], [self.model._losses[output]],
                                    self.model.name)
                for position, check in self._index_checks:
                    check(xs[position])
            except (ValueError, TypeError):
                return None
        return xs, ys, [None if i is None else arrays[i] for i in weight_slots]


def unpack_batch(batch):
    """(x, y, sample_weight) from a yielded batch: `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`; a list is
    read as a tuple (Keras's rule), a dict or an array is `x` alone."""
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        return batch, None, None
    if len(batch) not in (1, 2, 3):
        raise ValueError(f"a batch must be x, (x,), (x, y) or (x, y, sample_weight), got a tuple of {len(batch)} "
                         f"items")
    return tuple(batch) + (None,) * (3 - len(batch))


def _kind(raw):
    if isinstance(raw, np.ndarray):
        return f"an array of shape {raw.shape}"
    return type(raw).__name__


def flat_arrays(raw):
    """The numpy arrays of a yielded batch in order, and its layout: for each part (x, y, sample_weight) None, an
    array's (shape, dtype), or ("nested", the list's type and length or the dict's keys, each array's (shape,
    dtype)). The layout is None when a part is something else (a list of numbers, a tensor of another library)."""
    if type(raw) is tuple:      # the usual (x, y) or (x, y, sample_weight) of arrays is its own list of arrays
        layout = []
        for part in raw:
            if type(part) is not np.ndarray:
                break
            layout.append((part.shape, part.dtype))
        else:
            return raw, layout
    try:
        parts = unpack_batch(raw)
    except ValueError:
        return (), None
    arrays, layout = [], []
    for part in parts:
        if type(part) is np.ndarray:
            arrays.append(part)
            layout.append((part.shape, part.dtype))
        elif part is None:
            layout.append(None)
        else:
            nested = _nested_layout(part, arrays)
            if nested is None:
                return arrays, None
            layout.append(nested)
    return arrays, layout


def _nested_layout(part, arrays):
    if type(part) in (list, tuple):
        items, head = part, (type(part), len(part))
    elif type(part) is dict:
        items, head = tuple(part.values()), tuple(part)
    else:
        return None
    if not all(type(item) is np.ndarray for item in items):
        return None
    arrays.extend(items)
    return "nested", head, tuple((a.shape, a.dtype) for a in items)


def _slots(arrays, layout, groups):
    """Where each checked array of each group (xs, ys, sample weights) comes from, as an index into `arrays` (None:
    no array), and {index: float dtype} for the arrays the checks cast. None when a checked array comes from
    elsewhere, or could come from either of two arrays of its part (a batch that repeats one array may not repeat
    it again)."""
    slots, casts, first = [], {}, 0
    for k, group in enumerate(groups):
        part = layout[k] if k < len(layout) else None
        count = 0 if part is None else 1 if len(part) == 2 else len(part[2])
        candidates, first = range(first, first + count), first + count
        slots.append([])
        for checked in group:
            source = None if checked is None else _source(arrays, candidates, checked)
            if checked is not None and source is None:
                return None
            if type(source) is tuple:
                if casts.setdefault(source[0], source[1]) != source[1]:
                    return None
                source = source[0]
            slots[-1].append(source)
    return [tuple(group) for group in slots], casts


def _source(arrays, candidates, checked):
    """The index of the one array among `candidates` that `checked` is, or (index, dtype) of the one that cast to
    a float dtype gives it; None if there is no such array or more than one."""
    same = [i for i in candidates if arrays[i] is checked]
    cast = [i for i in candidates if checked.dtype.kind == "f" and arrays[i].dtype != checked.dtype
            and arrays[i].shape == checked.shape and arrays[i].dtype.kind in "biuf"
            and np.array_equal(arrays[i].astype(checked.dtype), checked, equal_nan=True)]
    if len(same) == 1 and not cast:
        return same[0]
    if len(cast) == 1 and not same:
        return cast[0], checked.dtype
    return None


def _label_checked_outputs(ys, model):
    """The outputs whose targets' values the full checks read (the class labels of a sparse crossentropy). That
    depends on the loss and the shapes alone, so it is asked once per layout, with a target shaped like the batch's
    that holds NaN: no check of values accepts it."""
    labelled = []
    for i, (y, output, loss) in enumerate(zip(ys, model.outputs, model._losses)):
        try:
            D.check_targets([np.full((1,) + y.shape[1:], np.nan)], [output], [loss], model.name)
        except ValueError:
            labelled.append(i)
    return tuple(labelled)

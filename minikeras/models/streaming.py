"""Batch sources for fit/evaluate/predict: numpy arrays cut into batches, or batches streamed one at a time from a
Python generator, an iterator or a PyDataset, each checked as it arrives."""
import itertools
import types
import warnings

import numpy as np

from .. import backend
from ..utils.py_dataset import PyDataset
from . import data as D

RAN_OUT_MESSAGE = ("Your input ran out of data; interrupting training. Make sure that your dataset or generator can "
                   "generate at least `steps_per_epoch * epochs` batches. You may need to use the `.repeat()` "
                   "function when building your dataset.")


def is_stream(data):
    """Whether `data` yields batches (a generator, an iterator or a PyDataset) rather than holding the samples."""
    return isinstance(data, (PyDataset, types.GeneratorType)) or (
        hasattr(data, "__next__") and hasattr(data, "__iter__") and not isinstance(data, np.ndarray))


def describe(data):
    return "PyDataset" if isinstance(data, PyDataset) else "generator"


def check_stream_arguments(data, model_name, what, y=None, sample_weight=None, class_weight=None,
                           validation_split=None):
    """Keras 3's rules for a stream: targets and weights come inside the batches, not as arguments."""
    kind = describe(data)
    for name, value, inside in (("y", y, "the targets"), ("sample_weight", sample_weight, "the sample weights")):
        if value is not None:
            raise ValueError(f"Model '{model_name}'.{what}(): when x is a {kind}, `{name}` should not be passed; "
                             f"{inside} should be included in the batches the {kind} yields.")
    if class_weight is not None and kind == "generator":
        raise ValueError(f"Model '{model_name}'.{what}(): class_weight is not supported for Python generator "
                         f"inputs (it is for a PyDataset); got class_weight={class_weight!r}.")
    if validation_split:
        raise ValueError(f"Model '{model_name}'.{what}(): validation_split works with arrays only, not with a "
                         f"{kind}; pass validation_data instead.")


def check_steps(steps, name, model_name, what):
    if steps is not None and (not D.is_whole_number(steps) or steps < 1):
        raise ValueError(f"Model '{model_name}'.{what}(): {name} must be a positive integer or None, got {steps!r}.")


class ArrayBatches:
    """Checked arrays cut into batches of `batch_size`, reshuffled each epoch when `shuffle`."""

    ran_out = exhausted = False

    def __init__(self, arrays, batch_size, shuffle=False):
        self.arrays, self.batch_size, self.shuffle = arrays, batch_size, shuffle
        self.steps = -(-D.row_count(arrays) // batch_size)

    def begin(self):
        pass

    def epoch(self):
        arrays = self.arrays
        rng = backend.global_rng() if self.shuffle else None
        for index in D.batch_slices(D.row_count(arrays), self.batch_size, self.shuffle, rng):
            yield D.take(arrays["x"], index), D.take(arrays["y"], index), take_weights(arrays, index)


class StreamBatches:
    """Batches read one at a time from a generator, iterator or PyDataset; nothing is read ahead or kept.

    `check(raw)` checks and converts one batch as the stream yielded it (stream_checks.StreamBatchChecks: the
    model's own checks for arrays); an error names the batch. `steps` is how many batches an epoch takes (None:
    until the data runs out). As in Keras, a stream with `steps` given continues across epochs where the last one
    stopped.
    """

    def __init__(self, data, steps, check, model_name, what, shuffle=False):
        self.data, self.check, self.model_name, self.what = data, check, model_name, what
        self.fixed_steps = steps
        self.is_dataset = isinstance(data, PyDataset)
        self.shuffle = shuffle and self.is_dataset
        self.steps = steps if steps is not None or not self.is_dataset else data.num_batches
        self.ran_out = self.exhausted = False
        self._stream, self._epoch, self._left = (None if self.is_dataset else iter(data)), 0, None

    def begin(self):
        """Keras 3 calls a PyDataset's on_epoch_end once before the first pass too (when its iterator resets):
        matched, so a dataset that reshuffles there sees the same calls, and the same order, as in Keras."""
        if self.is_dataset:
            self.data.on_epoch_end()

    def epoch(self):
        """The next epoch's batches, each as checked (x, ys, sample_weights) (or xs alone without targets).

        Afterwards `ran_out` says whether the data ended before the epoch's `steps` (Keras warns), and
        `exhausted` whether no more data will come (a spent generator, or an empty pass: training stops)."""
        self.ran_out = self.exhausted = False
        raw_batches = self._dataset_batches() if self.is_dataset else self._stream_batches()
        for count, raw in enumerate(raw_batches):
            yield self._checked(raw, count)
        self._epoch += 1
        if self.is_dataset:
            self.data.on_epoch_end()

    def _stream_batches(self):
        count = 0
        while self.steps is None or count < self.steps:
            try:
                raw = next(self._stream)
            except StopIteration:
                self.exhausted = True
                self.ran_out = self.fixed_steps is not None or count == 0
                return
            yield raw
            count += 1

    def _dataset_batches(self):
        """One pass over the indices per epoch; with steps_per_epoch, Keras's stream over passes: an epoch goes on
        where the last one stopped, and a pass that ends inside an epoch ends that epoch early."""
        self.data.on_epoch_begin()
        if self.fixed_steps is None and self.steps == self.data.num_batches:
            yield from self._dataset_pass()       # the usual epoch, one whole pass: nothing to count
            return
        if self._stream is None or self.fixed_steps is None or self._left == 0:
            self._stream, self._left = self._dataset_pass(), self.data.num_batches
        count = 0
        while self.steps is None or count < self.steps:
            if self._left == 0:
                self.ran_out = True
                self.exhausted = count == 0
                return
            if self._left is not None:
                self._left -= 1
            yield next(self._stream)
            count += 1

    def _dataset_pass(self):
        """The batches of one pass, each read when asked for (an endless dataset's pass never ends)."""
        count = self.data.num_batches
        if count is None:
            return map(self.data.__getitem__, itertools.count())
        order = backend.global_rng().permutation(count).tolist() if self.shuffle else range(count)
        return map(self.data.__getitem__, order)

    def _checked(self, raw, index):
        try:
            return self.check(raw)
        except (ValueError, TypeError) as error:
            source = "PyDataset" if self.is_dataset else "generator"
            detail = str(error).replace(f"Model '{self.model_name}': ", "")
            kept = " the weights are as they were after the batch before." if self.what == "fit" else ""
            kind = TypeError if isinstance(error, TypeError) else ValueError
            raise kind(f"Model '{self.model_name}'.{self.what}(): batch {index} (counting from 0) of epoch "
                       f"{self._epoch + 1} from the {source} is not valid;{kept} {detail}") from None


def warn_ran_out(stacklevel=4):
    """Keras 3's warning when a stream ends before the steps asked of it (pointing at the user's call)."""
    warnings.warn(RAN_OUT_MESSAGE, UserWarning, stacklevel=stacklevel)


def take_weights(arrays, index):
    sws = arrays.get("sample_weight")
    if sws is None:
        return [None] * len(arrays["y"])
    return [None if w is None else w[index] for w in sws]

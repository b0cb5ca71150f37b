"""keras.utils.timeseries_dataset_from_array: sliding windows over a series as batches of numpy arrays."""
import numpy as np

from .py_dataset import PyDataset

OWNER = "timeseries_dataset_from_array"


class TimeseriesDataset(PyDataset):
    """The batches timeseries_dataset_from_array returns: `len(ds)` batches, `ds[k]`, and iteration, each batch
    `windows` or `(windows, targets)` as numpy arrays (Keras 3 returns a tf.data.Dataset of the same batches)."""

    def __init__(self, data, targets, starts, window_offsets, batch_size):
        self.data, self.targets = data, targets
        self.starts, self.window_offsets = starts, window_offsets
        self.batch_size = batch_size

    def __len__(self):
        if self.batch_size is None:
            return len(self.starts)
        return -(-len(self.starts) // self.batch_size)

    def __getitem__(self, index):
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not -len(self) <= index < len(self):
            raise IndexError(f"{OWNER}: batch index {index!r} out of range for {len(self)} batches.")
        index %= len(self)
        if self.batch_size is None:
            starts = self.starts[index:index + 1]
        else:
            starts = self.starts[index * self.batch_size:(index + 1) * self.batch_size]
        windows = self.data[starts[:, None] + self.window_offsets[None, :]]
        if self.batch_size is None:
            windows = windows[0]
        if self.targets is None:
            return windows
        targets = self.targets[starts] if self.batch_size is not None else self.targets[starts[0]]
        return windows, targets

    def __iter__(self):
        return (self[k] for k in range(len(self)))

    def take(self, count):
        """The first `count` batches (all of them for -1), as a dataset of the same kind: tf.data's
        `dataset.take(1)`, which Keras's timeseries examples use to look at a batch."""
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < -1:
            raise ValueError(f"{OWNER}: take() expects a number of batches >= 0 (or -1 for all), got {count!r}.")
        if count == -1:
            return self
        rows = count if self.batch_size is None else count * self.batch_size
        return TimeseriesDataset(self.data, self.targets, self.starts[:rows], self.window_offsets, self.batch_size)

    def on_epoch_end(self):
        """Nothing to do: the order is drawn once, as Keras's dataset does with a fixed seed."""


def _integer(value, what, minimum=None, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or (minimum is not None
                                                                             and value < minimum):
        bound = "" if minimum is None else f" >= {minimum}"
        raise ValueError(f"{OWNER}: {what} must be an integer{bound}, got {value!r}.")
    return int(value)


def _checked_bounds(length, start_index, end_index, sampling_rate, sequence_stride):
    if start_index and start_index >= length:
        raise ValueError(f"{OWNER}: start_index must be lower than the length of the data ({length}), "
                         f"got {start_index}.")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(f"{OWNER}: end_index must be higher than start_index, got start_index={start_index} "
                             f"and end_index={end_index}.")
        if end_index >= length:
            raise ValueError(f"{OWNER}: end_index must be lower than the length of the data ({length}), "
                             f"got {end_index}.")
    if sampling_rate >= length:
        raise ValueError(f"{OWNER}: sampling_rate must be lower than the length of the data ({length}), "
                         f"got {sampling_rate}.")
    if sequence_stride >= length:
        raise ValueError(f"{OWNER}: sequence_stride must be lower than the length of the data ({length}), "
                         f"got {sequence_stride}.")


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None):
    """Windows of `sequence_length` steps (every `sampling_rate`-th step), one starting every `sequence_stride`
    steps, from `data[start_index:end_index]`; the target of the window starting at step i is `targets[i]`.

    Keras 3's semantics and batches, as numpy arrays: the result is indexable and iterable (`fit` takes it like a
    PyDataset). `batch_size=None` gives single windows. With `shuffle=True` the windows' order comes from
    `np.random.RandomState(seed)` as in Keras's first shuffle; Keras's tf.data buffer shuffle on top of it is
    not reproduced, so the order (not the set of windows) differs from Keras.
    """
    data = np.asarray(data)
    if data.ndim == 0:
        raise ValueError(f"{OWNER}: data must be an array with a time axis first, got a scalar.")
    sequence_length = _integer(sequence_length, "sequence_length", minimum=1)
    sequence_stride = _integer(sequence_stride, "sequence_stride", minimum=1)
    sampling_rate = _integer(sampling_rate, "sampling_rate", minimum=1)
    batch_size = _integer(batch_size, "batch_size", minimum=1, allow_none=True)
    start_index = _integer(start_index, "start_index", minimum=0, allow_none=True)
    end_index = _integer(end_index, "end_index", minimum=1, allow_none=True)
    _checked_bounds(len(data), start_index, end_index, sampling_rate, sequence_stride)
    start_index = start_index or 0
    end_index = len(data) if end_index is None else end_index
    data = data[start_index:end_index]
    if targets is not None:
        targets = np.asarray(targets)[start_index:]
    count = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets))
    starts = np.arange(0, max(count, 0), sequence_stride)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)
    offsets = np.arange(0, sequence_length * sampling_rate, sampling_rate)
    return TimeseriesDataset(data, targets, starts, offsets, batch_size)

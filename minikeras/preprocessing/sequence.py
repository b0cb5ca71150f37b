"""Keras 2's sequence preprocessing (keras.preprocessing.sequence): pad_sequences, TimeseriesGenerator, skipgrams,
make_sampling_table."""
import json
import random

import numpy as np

from ..utils.data import pad_sequences
from ..utils.py_dataset import Sequence

__all__ = ["pad_sequences", "TimeseriesGenerator", "skipgrams", "make_sampling_table"]


def _positive_int(value, what, owner, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{owner}: {what} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


class TimeseriesGenerator(Sequence):
    """Batches of (window, target) pairs from a series, Keras 2's way: sample `i` of batch `k` is
    `data[row - length:row:sampling_rate]` with target `targets[row]`, rows from `start_index + length` to
    `end_index` (inclusive) every `stride` steps.

    A Keras `Sequence` (`len(gen)` batches, `gen[k]`), so fit/evaluate/predict take it.
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0, end_index=None,
                 shuffle=False, reverse=False, batch_size=128):
        owner = "TimeseriesGenerator"
        if len(data) != len(targets):
            raise ValueError(f"{owner}: data and targets must have the same length, got {len(data)} and "
                             f"{len(targets)}.")
        self.data, self.targets = data, targets
        self.length = _positive_int(length, "length", owner)
        self.sampling_rate = _positive_int(sampling_rate, "sampling_rate", owner)
        self.stride = _positive_int(stride, "stride", owner)
        self.start_index = _positive_int(start_index, "start_index", owner, minimum=0) + self.length
        self.end_index = len(data) - 1 if end_index is None else _positive_int(end_index, "end_index", owner, 0)
        self.shuffle, self.reverse = bool(shuffle), bool(reverse)
        self.batch_size = _positive_int(batch_size, "batch_size", owner)
        if self.start_index > self.end_index:
            raise ValueError(f"{owner}: start_index + length = {self.start_index} > end_index = {self.end_index}: "
                             f"no step would be left to predict. Use a shorter length or more data.")

    def __len__(self):
        per_batch = self.batch_size * self.stride
        return (self.end_index - self.start_index + per_batch) // per_batch

    def _rows(self, index):
        if self.shuffle:
            return np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        first = self.start_index + self.batch_size * self.stride * index
        return np.arange(first, min(first + self.batch_size * self.stride, self.end_index + 1), self.stride)

    def __getitem__(self, index):
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not -len(self) <= index < len(self):
            raise IndexError(f"TimeseriesGenerator: batch index {index!r} out of range for {len(self)} batches.")
        rows = self._rows(index % len(self))
        samples = np.array([self.data[row - self.length:row:self.sampling_rate] for row in rows])
        targets = np.array([self.targets[row] for row in rows])
        return (samples[:, ::-1, ...], targets) if self.reverse else (samples, targets)

    def __iter__(self):
        return (self[k] for k in range(len(self)))

    def on_epoch_end(self):
        """Nothing to do (shuffle draws new rows on every call); here so it works as a Sequence."""

    def get_config(self):
        """The generator's settings, data and targets as JSON-able lists (Keras 2's layout)."""
        def as_json(value):
            return json.dumps(np.asarray(value).tolist())
        return {"data": as_json(self.data), "targets": as_json(self.targets), "length": self.length,
                "sampling_rate": self.sampling_rate, "stride": self.stride,
                "start_index": self.start_index - self.length, "end_index": self.end_index,
                "shuffle": self.shuffle, "reverse": self.reverse, "batch_size": self.batch_size}

    def to_json(self, **kwargs):
        """The generator as a JSON string; kwargs go to json.dumps."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)


def make_sampling_table(size, sampling_factor=1e-5):
    """For each frequency rank i < size, the probability of keeping that word when sampling skipgrams
    (word2vec's subsampling with Zipf's law for the frequencies), computed as Keras 2 does."""
    size = _positive_int(size, "size", "make_sampling_table")
    gamma = 0.577
    rank = np.arange(size)
    rank[0] = 1
    inverse_frequency = rank * (np.log(rank) + gamma) + 0.5 - 1.0 / (12.0 * rank)
    scaled = sampling_factor * inverse_frequency
    return np.minimum(1.0, scaled / np.sqrt(scaled))


def _positive_pairs(sequence, window_size, sampling_table, categorical):
    couples, labels = [], []
    for i, word in enumerate(sequence):
        if not word:
            continue
        # the random draw only happens with a table, so a seeded run matches Keras 2 draw for draw
        if sampling_table is not None and sampling_table[word] < random.random():
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j != i and sequence[j]:
                couples.append([word, sequence[j]])
                labels.append([0, 1] if categorical else 1)
    return couples, labels


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1.0, shuffle=True, categorical=False,
              sampling_table=None, seed=None):
    """word2vec training pairs from a sequence of word indices (0 is skipped): ([word, context], 1) for each
    neighbour within `window_size`, plus `negative_samples` times as many ([word, random word], 0) pairs.

    Draws from Python's `random` module, as Keras 2 does: `random.seed(s)` before the call repeats Keras 2's
    pairs exactly.
    """
    owner = "skipgrams"
    if isinstance(sequence, (str, bytes)) or not hasattr(sequence, "__len__"):
        raise TypeError(f"{owner}: sequence must be a list of word indices, got {type(sequence).__name__}.")
    vocabulary_size = _positive_int(vocabulary_size, "vocabulary_size", owner, minimum=2)
    window_size = _positive_int(window_size, "window_size", owner, minimum=0)
    couples, labels = _positive_pairs(sequence, window_size, sampling_table, categorical)
    if negative_samples > 0:
        count = int(len(labels) * negative_samples)
        words = [couple[0] for couple in couples]
        random.shuffle(words)
        couples += [[words[i % len(words)], random.randint(1, vocabulary_size - 1)] for i in range(count)]
        labels += [[1, 0] if categorical else 0 for _ in range(count)]
    if shuffle:
        if seed is None:
            seed = random.randint(0, 10 ** 7)
        # one seed for both shuffles keeps each couple beside its label
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels

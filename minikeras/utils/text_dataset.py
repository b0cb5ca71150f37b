"""text_dataset_from_directory: a folder of .txt files, one subfolder a class, as batches of (texts, labels).

Files are indexed as Keras indexes them (classes are the sorted subfolder names, files sorted within each; with
`shuffle`, all are shuffled once by a RandomState seeded with `seed` before `validation_split` takes its last part),
so the training and validation subsets hold the same files as Keras's. Batches are numpy arrays of str (Keras
gives tf.string tensors), and the order is drawn again each epoch when shuffling.
"""
import os

import numpy as np

from .py_dataset import PyDataset

OWNER = "text_dataset_from_directory"
_LABEL_MODES = ("int", "categorical", "binary", None)


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                max_length=None, shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True):
    """Batches of (texts, labels) from `directory/<class>/*.txt` (Keras's arguments and defaults; `labels` may also
    be a list of integer labels, one per file in sorted order, or None for texts alone). With `subset="both"`, the
    (training, validation) pair."""
    _check_arguments(labels, label_mode, validation_split, subset)
    paths, indices, names = _index(directory, labels, class_names, follow_links)
    if shuffle:
        seed = np.random.randint(1_000_000) if seed is None else seed
        np.random.RandomState(seed).shuffle(paths)
        np.random.RandomState(seed).shuffle(indices)
    if verbose:
        print(f"Found {len(paths)} files belonging to {len(names)} classes.")
    kinds = ["training", "validation"] if subset == "both" else [subset]
    made = []
    for kind in kinds:
        part_paths, part_indices = _split(paths, indices, validation_split, kind)
        if verbose and kind is not None:
            print(f"Using {len(part_paths)} files for {kind}.")
        made.append(TextDataset(part_paths, part_indices, names, label_mode if labels is not None else None,
                                batch_size, max_length, shuffle, seed))
    return tuple(made) if subset == "both" else made[0]


class TextDataset(PyDataset):
    """The batches text_dataset_from_directory returns: `len(ds)`, `ds[k]`, iteration, `take(n)`, `class_names`."""

    def __init__(self, paths, indices, class_names, label_mode, batch_size, max_length, shuffle, seed):
        self.paths, self.indices, self.class_names = list(paths), np.asarray(indices, dtype="int32"), class_names
        self.label_mode, self.batch_size, self.max_length = label_mode, batch_size, max_length
        self._order = np.arange(len(self.paths))
        self._rng = np.random.RandomState(seed) if shuffle else None

    def __len__(self):
        return len(self.paths) if self.batch_size is None else -(-len(self.paths) // self.batch_size)

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"{OWNER}: batch index {index} out of range for {len(self)} batches.")
        index %= len(self)
        size = self.batch_size or 1
        rows = self._order[index * size:(index + 1) * size]
        texts = np.array([self._read(self.paths[r]) for r in rows], dtype=object)
        labels = self._labels(self.indices[rows])
        if self.batch_size is None:
            texts, labels = texts[0], None if labels is None else labels[0]
        return texts if labels is None else (texts, labels)

    def __iter__(self):
        return (self[k] for k in range(len(self)))

    def take(self, count):
        """The first `count` batches as a list (tf.data's `dataset.take(1)`, used to look at a batch)."""
        return [self[k] for k in range(min(count, len(self)) if count >= 0 else len(self))]

    def on_epoch_end(self):
        if self._rng is not None:
            self._rng.shuffle(self._order)

    def _read(self, path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return text if self.max_length is None else text[:self.max_length]

    def _labels(self, indices):
        if self.label_mode is None:
            return None
        if self.label_mode == "int":
            return indices
        if self.label_mode == "binary":
            return indices.astype("float32")[:, None]
        return np.eye(len(self.class_names), dtype="float32")[indices]


def _check_arguments(labels, label_mode, validation_split, subset):
    if label_mode not in _LABEL_MODES:
        raise ValueError(f"{OWNER}: label_mode must be one of {list(_LABEL_MODES)}, got {label_mode!r}.")
    if not (labels in ("inferred", None) or isinstance(labels, (list, tuple, np.ndarray))):
        raise ValueError(f"{OWNER}: labels must be 'inferred', None or a list of integer labels, got {labels!r}.")
    if subset not in (None, "training", "validation", "both"):
        raise ValueError(f"{OWNER}: subset must be 'training', 'validation', 'both' or None, got {subset!r}.")
    if (subset is None) != (validation_split is None):
        raise ValueError(f"{OWNER}: validation_split and subset go together (got validation_split="
                         f"{validation_split!r}, subset={subset!r}).")
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(f"{OWNER}: validation_split must be between 0 and 1, got {validation_split!r}.")


def _index(directory, labels, class_names, follow_links):
    """(file paths, class index of each, class names) in Keras's order: classes sorted, files sorted in each."""
    if not os.path.isdir(directory):
        raise ValueError(f"{OWNER}: no folder at '{directory}'.")
    found = sorted(d for d in os.listdir(directory) if os.path.isdir(os.path.join(directory, d)))
    if labels == "inferred" and class_names is not None and sorted(class_names) != sorted(found):
        raise ValueError(f"{OWNER}: class_names {list(class_names)} do not match the subfolders {found}.")
    names = list(class_names) if class_names is not None else found if labels == "inferred" else []
    folders = [os.path.join(directory, n) for n in names] if labels == "inferred" else [directory]
    paths, indices = [], []
    for index, folder in enumerate(folders):
        for root, _, files in sorted(os.walk(folder, followlinks=follow_links)):
            for name in sorted(files):
                if name.lower().endswith(".txt"):
                    paths.append(os.path.join(root, name))
                    indices.append(index)
    if labels not in ("inferred", None):
        if len(labels) != len(paths):
            raise ValueError(f"{OWNER}: {len(labels)} labels were given for {len(paths)} .txt files.")
        indices = [int(v) for v in labels]
        names = [str(i) for i in range(max(indices) + 1)] if indices else []
    if not paths:
        raise ValueError(f"{OWNER}: no .txt files under '{directory}'" +
                         (f" in the class folders {names}." if labels == "inferred" else "."))
    return paths, indices, names


def _split(paths, indices, validation_split, subset):
    if subset is None:
        return paths, indices
    held_out = int(validation_split * len(paths))
    if subset == "training":
        return paths[:len(paths) - held_out], indices[:len(indices) - held_out]
    return paths[len(paths) - held_out:], indices[len(indices) - held_out:]

"""keras.datasets.cifar10: 50,000 training and 10,000 test colour images, 32x32x3 uint8, 10 classes."""
import os

import numpy as np

from . import _files

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
# Keras 3 unpacks into datasets/cifar-10-batches-py-target/; Keras 2 unpacked beside the archive
KERAS3_FOLDER, KERAS3_ARCHIVE = "cifar-10-batches-py-target", "cifar-10-batches-py-target_archive"
KERAS2_ARCHIVE = "cifar-10-batches-py.tar.gz"
BATCHES = "cifar-10-batches-py"


def _batches_folder(owner):
    """The folder holding data_batch_1..5 and test_batch: found in Keras 3's or Keras 2's cache, or fetched."""
    cache = _files.cache_folder()
    for folder in (os.path.join(cache, KERAS3_FOLDER, BATCHES), os.path.join(cache, BATCHES)):
        if os.path.isfile(os.path.join(folder, "test_batch")):
            return folder
    keras2_archive = os.path.join(cache, KERAS2_ARCHIVE)
    if os.path.isfile(keras2_archive) and _files.hash_matches(keras2_archive, SHA256):
        archive = keras2_archive
    else:
        archive = _files.fetch(owner, KERAS3_ARCHIVE, ORIGIN, SHA256)
    _files.extract_tar(owner, archive, os.path.join(cache, KERAS3_FOLDER))
    return os.path.join(cache, KERAS3_FOLDER, BATCHES)


def load_batch(owner, path):
    """(images (n, 3, 32, 32) uint8, labels) from one pickled CIFAR batch file."""
    try:
        with open(path, "rb") as f:
            batch = _files.unpickle(owner, f, path, encoding="bytes")
    except FileNotFoundError:
        raise FileNotFoundError(f"{owner}: the CIFAR batch file '{path}' is missing.") from None
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise ValueError(f"{owner}: '{path}' is not a CIFAR batch (a dict with 'data' and 'labels').")
    data = np.asarray(batch[b"data"], dtype="uint8")
    return data.reshape(data.shape[0], 3, 32, 32), np.asarray(batch[b"labels"], dtype="uint8")


def load_data():
    """`(x_train, y_train), (x_test, y_test)`: uint8 images (n, 32, 32, 3) (channels last) and labels (n, 1),
    as Keras returns them."""
    owner = "cifar10.load_data"
    folder = _batches_folder(owner)
    parts = [load_batch(owner, os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([images for images, _ in parts])
    y_train = np.concatenate([labels for _, labels in parts])
    x_test, y_test = load_batch(owner, os.path.join(folder, "test_batch"))
    return ((x_train.transpose(0, 2, 3, 1), y_train.reshape(-1, 1)),
            (x_test.transpose(0, 2, 3, 1), y_test.reshape(-1, 1)))

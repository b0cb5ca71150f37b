"""keras.datasets.fashion_mnist: 60,000 training and 10,000 test images of clothing, 28x28 uint8, 10 classes."""
import gzip
import os
import zlib

import numpy as np

from . import _files

CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")
FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


def _read_idx(owner, path, header_bytes):
    try:
        with gzip.open(path, "rb") as f:
            content = f.read()
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"{owner}: '{path}' is not a gzipped IDX file ({error}).") from None
    if len(content) < header_bytes:
        raise ValueError(f"{owner}: '{path}' is too short for an IDX file ({len(content)} bytes).")
    return np.frombuffer(content, np.uint8, offset=header_bytes)


def load_data():
    """`(x_train, y_train), (x_test, y_test)`: uint8 images (n, 28, 28) and labels 0..9, read from the four IDX
    files in Keras's cache folder (`datasets/fashion-mnist`), downloaded when missing."""
    owner = "fashion_mnist.load_data"
    paths = [_files.fetch(owner, name, _files.KERAS_FOLDER + name, cache_subdir=CACHE_SUBDIR) for name in FILES]
    y_train, y_test = _read_idx(owner, paths[0], 8), _read_idx(owner, paths[2], 8)
    x_train, x_test = _read_idx(owner, paths[1], 16), _read_idx(owner, paths[3], 16)
    for images, labels, path in ((x_train, y_train, paths[1]), (x_test, y_test, paths[3])):
        if images.size != len(labels) * 28 * 28:
            raise ValueError(f"{owner}: '{path}' holds {images.size} pixels, not 28x28 for each of the "
                             f"{len(labels)} labels.")
    return (x_train.reshape(len(y_train), 28, 28), y_train), (x_test.reshape(len(y_test), 28, 28), y_test)

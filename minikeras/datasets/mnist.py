"""keras.datasets.mnist: 60,000 training and 10,000 test images of handwritten digits, 28x28 uint8."""
from . import _files

ORIGIN = _files.KERAS_FOLDER + "mnist.npz"
SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """`(x_train, y_train), (x_test, y_test)`: uint8 images (n, 28, 28) and digit labels 0..9, as Keras returns
    them. The file comes from Keras's cache (downloaded when missing); a `path` with a folder is read as it is."""
    owner = "mnist.load_data"
    arrays = _files.load_npz(owner, _files.fetch(owner, path, ORIGIN, SHA256),
                             ["x_train", "y_train", "x_test", "y_test"])
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])

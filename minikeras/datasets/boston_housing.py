"""keras.datasets.boston_housing: 506 Boston suburbs of the 1970s, 13 attributes each, and their median house
price (k$). Keras's warning stands: one attribute encodes a racist assumption; use it to discuss that."""
import numpy as np

from . import _files

ORIGIN = _files.KERAS_FOLDER + "boston_housing.npz"
SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """`(x_train, y_train), (x_test, y_test)`: shuffled with `seed`, the last `test_split` for testing."""
    owner = "boston_housing.load_data"
    if not isinstance(test_split, (int, float)) or not 0 <= test_split < 1:
        raise ValueError(f"{owner}: test_split must be a fraction in [0, 1), got {test_split!r}.")
    arrays = _files.load_npz(owner, _files.fetch(owner, path, ORIGIN, SHA256), ["x", "y"])
    order = np.arange(len(arrays["x"]))
    np.random.RandomState(seed).shuffle(order)
    x, y = arrays["x"][order], arrays["y"][order]
    split = int(len(x) * (1 - test_split))
    return (x[:split], y[:split]), (x[split:], y[split:])

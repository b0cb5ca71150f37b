"""Keras 2's module path keras.utils.data_utils: its Sequence is Keras 3's keras.utils.PyDataset (warns once)."""
from .. import legacy
from .py_dataset import PyDataset


def __getattr__(name):
    if name == "Sequence":
        legacy.warn_once("keras.utils.data_utils.Sequence", "keras.utils.PyDataset")
        return PyDataset
    raise AttributeError(f"module 'minikeras.utils.data_utils' has no attribute '{name}' (Keras 2's data_utils "
                         f"lives on as keras.utils.PyDataset; file downloads as keras.utils.get_file).")

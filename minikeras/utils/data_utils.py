"""Keras 2's module path keras.utils.data_utils: its Sequence is Keras 3's keras.utils.PyDataset (warns once), its
get_file keras.utils.get_file."""
from .. import legacy
from .file_download import get_file  # noqa: F401  (keras.utils.data_utils.get_file in Keras 2)
from .py_dataset import PyDataset


def __getattr__(name):
    if name == "Sequence":
        legacy.warn_once("keras.utils.data_utils.Sequence", "keras.utils.PyDataset")
        return PyDataset
    raise AttributeError(f"module 'minikeras.utils.data_utils' has no attribute '{name}' (Keras 2's data_utils "
                         f"lives on as keras.utils.PyDataset and keras.utils.get_file).")

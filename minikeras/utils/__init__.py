"""Helpers users import from keras.utils (to_categorical, pad_sequences, set_random_seed, Progbar), plus
plot_history and the mask viewers layer_masks / show_masks."""
from ..backend import set_seed as _set_seed
from .data import to_categorical, pad_sequences, normalize
from .progbar import Progbar
from .py_dataset import PyDataset, Sequence
from .plotting import plot_history
from .masks import layer_masks, show_masks
from .model_drawing import plot_model, model_to_dot
from .timeseries import timeseries_dataset_from_array
from .file_download import get_file
from .text_dataset import text_dataset_from_directory
from . import np_utils, vis_utils, data_utils  # Keras 2 module paths


def set_random_seed(seed):
    """Make initialisation, dropout and shuffling repeat bit for bit (minikeras has one random source)."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"set_random_seed: seed must be an integer, got {seed!r}.")
    import random
    import numpy as np
    random.seed(seed)
    np.random.seed(seed)  # as Keras does: tutorials draw their toy data from numpy's global generator
    _set_seed(seed)

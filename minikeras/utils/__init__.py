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
from ..custom_objects import CustomObjectScope, custom_object_scope, get_custom_objects, register_keras_serializable
from .source_inputs import get_source_inputs
from .data_tuples import is_keras_tensor, pack_x_y_sample_weight, unpack_x_y_sample_weight
from . import np_utils, vis_utils, data_utils  # Keras 2 module paths


def serialize_keras_object(obj):
    """The config dict Keras files hold for `obj` (a layer, loss, optimizer, registered object, ...)."""
    from ..saving import serialize_keras_object as serialize     # saving needs h5py: loaded on first use
    return serialize(obj)


def deserialize_keras_object(config, custom_objects=None, safe_mode=True):
    """The object a config from serialize_keras_object describes."""
    from ..saving import deserialize_keras_object as deserialize
    return deserialize(config, custom_objects=custom_objects, safe_mode=safe_mode)


from . import generic_utils  # noqa: E402  (Keras 2's path; it hands out the two functions above)


def set_random_seed(seed):
    """Make initialisation, dropout and shuffling repeat bit for bit (minikeras has one random source)."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"set_random_seed: seed must be an integer, got {seed!r}.")
    import random
    import numpy as np
    random.seed(seed)
    np.random.seed(seed)  # as Keras does: tutorials draw their toy data from numpy's global generator
    _set_seed(seed)

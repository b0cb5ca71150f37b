"""One layer's config, both ways, for the saving package: minikeras's get_config() <-> the `config` Keras 3 writes.

The work is done in minikeras/layers/serialization.py (so that wrappers can use it without the saving package);
this module adds the InputLayer, which lives with the models, and keeps the names the saving modules import.
Keras 3 adds keys minikeras has no use for (a DTypePolicy dict, quantization_config, ...). Loading drops those
when they hold Keras's default, and refuses, naming the key, when they ask for something minikeras does not do.
A Lambda's function stored as bytecode only loads with safe_mode=False.
"""
from ..layers import serialization as _layers
from ..layers.lambda_functions import UnsafeLoadError  # noqa: F401  (re-exported by minikeras.saving)
from ..layers.serialization import layer_class_for, dtype_policy, jsonable  # noqa: F401


def keras_layer_config(layer):
    """The `config` Keras 3 writes for `layer` (the layer's own get_config, in Keras 3's spelling)."""
    from ..models.graph import InputLayer
    if isinstance(layer, InputLayer):
        return {"batch_shape": list(layer.batch_shape), "dtype": layer.input_dtype, "sparse": False,
                "ragged": False, "name": layer.name, "optional": layer.optional}
    return _layers.keras_layer_config(layer)

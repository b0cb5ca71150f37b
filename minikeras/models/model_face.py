"""The Keras face of a Model: its weights as lists and handles, shapes, summary, config, files, batch size.

Mixed into Model; everything here reads or replaces what the layers hold and calls the pure engine or the saving
package, which does the file work.
"""
import numpy as np

from ..layers import keras_style
from ..layers.base import Layer
from ..params import flatten_params
from .graph import shape_chain


# Keras 3's other model.save() options, passed on to saving.save_model
_SAVE_OPTIONS = {"zipped", "objects_to_skip"}

# what a Functional model's config holds for the graph itself (Keras 3's keys, and Keras 2's)
_FUNCTIONAL_CONFIG_KEYS = {"name", "trainable", "layers", "input_layers", "output_layers", "build_input_shape"}


class ModelFace:
    """Mixed into Model: get_weights/set_weights, weights as handles, losses, shapes, summary, config and files."""

    def get_weights(self):
        """Every weight as a list of numpy arrays (copies), layer by layer, in the order set_weights takes them."""
        return [np.array(w) for w in flatten_params(self.params or {})]

    def set_weights(self, weights):
        """Replace every weight from a list like get_weights() returns; all shapes are checked first, so an error
        changes nothing.
        """
        if not isinstance(weights, (list, tuple)):
            raise TypeError(f"Model '{self.name}'.set_weights expects a list of arrays like get_weights() returns, "
                            f"got {type(weights).__name__}.")
        weights = list(weights)
        current = flatten_params(self.params or {})
        if len(weights) != len(current):
            raise ValueError(f"Model '{self.name}' expects a list of {len(current)} weight arrays "
                             f"(shapes {[w.shape for w in current]}), got {len(weights)}.")
        # check every layer's share first, so a wrong shape anywhere changes nothing
        position, checked = 0, []
        for layer in self.weighted_layers:
            count = len(flatten_params(layer.params or {}))
            if count:
                checked.append((layer, layer.checked_weights(weights[position:position + count])))
            position += count
        for layer, layer_weights in checked:
            layer.set_weights(layer_weights)

    @property
    def weights(self):
        """Every weight as a handle (Keras's variables), layer by layer; the same objects as the layers' own."""
        if self._keras_style:
            return keras_style.weight_handles(self, "all")
        return [w for layer in self.weighted_layers for w in layer.weights]

    @property
    def trainable_weights(self):
        """The handles of the weights training updates, layer by layer; none when the model is not trainable."""
        if self._keras_style:
            return keras_style.weight_handles(self, "trainable")
        return [w for layer in self.weighted_layers if self.trainable for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        """The handles of frozen weights (moving statistics, frozen layers), or all when the model is frozen."""
        if self._keras_style:
            return keras_style.weight_handles(self, "non_trainable")
        if not self.trainable:
            return self.weights
        return [w for layer in self.weighted_layers for w in layer.non_trainable_weights]

    @property
    def losses(self):
        """The layers' losses: one per regularized weight, then what layers added with add_loss in their last call."""
        if self._keras_style:
            return Layer.losses.fget(self)
        return [loss for layer in self.weighted_layers for loss in layer.losses]

    def count_params(self):
        """The number of weight values in the model (trainable or not)."""
        return int(sum(np.size(w) for w in flatten_params(self.params or {})))

    @property
    def input_shape(self):
        """The shape of the model's input (batch axis included); a list for several inputs."""
        return self._shape_of(self.inputs)

    @property
    def output_shape(self):
        """The shape of the model's output (batch axis included); a list for several outputs."""
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_names(self):
        """The names of the layers making the outputs, in the order of `model.outputs` (Keras 2's and 3's)."""
        return self._output_layer_names()

    @property
    def input_names(self):
        """The names of the model's inputs, in the order of `model.inputs` (Keras 2's)."""
        return [t.name for t in self.inputs]

    @property
    def input(self):
        """The model's symbolic input tensor (a list if several)."""
        return self.inputs[0] if len(self.inputs) == 1 else list(self.inputs)

    @property
    def output(self):
        """The model's symbolic output tensor (a list if several; a dict, tuple or nested structure of them when the
        model was made with one)."""
        structure = getattr(self, "_output_structure", None)
        if isinstance(structure, (tuple, dict)) or (isinstance(structure, list) and
                                                    any(isinstance(s, (list, tuple, dict)) for s in structure)):
            return structure
        return self.outputs[0] if len(self.outputs) == 1 else list(self.outputs)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None, show_masks=False, **kwargs):
        """Print the layers, their output shapes and parameter counts as Keras 3 does (and, for Functional models,
        what each layer is connected to).

        `line_length` is the table's width (88, or 108 with "Connected to"); `positions` the right end of each
        column as fractions of it; `expand_nested=True` lists the layers inside nested models, indented;
        `show_trainable=True` adds a Trainable column (Y, N, or - for a layer without weights);
        `layer_range=("first", "last")` lists only the layers from the first whose name matches the first pattern
        (a regular expression) to the last whose name matches the second. `print_fn` receives each line instead of
        print. minikeras extra: show_masks=True marks the layers that receive a mask. Unlike Keras, the table does
        not narrow itself to the terminal.
        """
        from .summary import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn, show_masks=show_masks,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)

    def get_config(self):
        """The architecture (layers and connections, no weights) as Keras 3's config dict."""
        if self._keras_style:
            return Layer.get_config(self)
        from ..saving.serialization import functional_config
        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new model, with fresh weights, from the dict get_config() returned.

        `custom_objects` maps the names of your own layer classes or functions in the config to them.
        """
        if cls._keras_style:
            return Layer.from_config.__func__(cls, config)
        from ..saving.serialization import functional_from_config
        user_class = cls.__module__.split(".")[0] != "minikeras"
        if user_class and not {"layers", "input_layers", "output_layers"} <= set(config):
            return cls(**config)      # a subclass whose __init__ makes its own graph from what get_config wrote
        model = functional_from_config(config, custom_objects)
        if not user_class:
            return model
        # a user's subclass of a Functional model: its own constructor gets the graph and the config's other
        # entries (what its get_config added), as Keras does
        extra = {k: v for k, v in config.items() if k not in _FUNCTIONAL_CONFIG_KEYS}
        return cls(inputs=model._input_structure, outputs=model._output_structure, name=model.name,
                   trainable=model.trainable, **extra)

    # ---- Keras 3's state tree (models/state_tree.py) ----------------------------------------------
    def get_state_tree(self, value_format="backend_tensor"):
        """The model's variables as nested dicts by path: {"trainable_variables": {"dense": {"kernel": ...}},
        "non_trainable_variables", "optimizer_variables" (Keras 3's names), "metrics_variables"}. `value_format` is
        "backend_tensor" or "numpy_array" (both numpy arrays here)."""
        from .state_tree import get_state_tree
        return get_state_tree(self, value_format)

    def set_state_tree(self, state_tree):
        """Assign the values of a tree like get_state_tree() returns (any of its parts); all are checked first."""
        from .state_tree import set_state_tree
        set_state_tree(self, state_tree)

    def to_json(self, **kwargs):
        """The architecture as a JSON string (Keras 3's format), for model_from_json; kwargs go to json.dumps."""
        from ..saving.serialization import model_to_json
        return model_to_json(self, **kwargs)

    def shape_chain(self):
        return shape_chain(self.outputs)

    # ---- files (minikeras.saving does the work) -------------------------------------------------
    def get_compile_config(self):
        """What compile() was given, serialized as Keras 3 writes it in a `.keras` file ({} when not compiled)."""
        from ..saving.compile_state import compile_config
        return compile_config(self)

    def compile_from_config(self, config):
        """compile() as a get_compile_config() dict (Keras 3's, from a file or another model) says."""
        from ..saving.compile_state import restore_compile
        restore_compile(self, config)

    def save(self, filepath, overwrite=True, include_optimizer=True, **kwargs):
        """Keras 3's `.keras` file: architecture, weights and compiled state; Keras 3 opens it too.
        (A name ending in .h5 writes Keras 2's whole-model HDF5 file.)"""
        from ..saving import save_model
        if "save_format" in kwargs:
            raise ValueError(f"Model '{self.name}'.save(): the save_format argument is gone in Keras 3; the file "
                             f"name's extension picks the format (.keras, or .h5 for Keras 2's), got "
                             f"save_format={kwargs['save_format']!r}.")
        unknown = sorted(set(kwargs) - _SAVE_OPTIONS)
        if unknown:
            raise ValueError(f"Model '{self.name}'.save(): the argument(s) {unknown} are not supported; it takes "
                             f"filepath, overwrite, include_optimizer and {sorted(_SAVE_OPTIONS)}.")
        save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer, **kwargs)

    def save_weights(self, filepath, overwrite=True):
        """Write the weights to `filepath`: a `.weights.h5` name gives Keras 3's file (optimizer state included), a
        plain `.h5` name Keras 2's layout. The write is atomic.
        """
        from ..saving import save_weights
        self._refuse_unbuilt("save_weights", "saving")
        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, by_name=False):
        """Read weights from a `.weights.h5`, `.keras` or Keras 2 `.h5` file; every shape is checked before any is set.

        `by_name` and `skip_mismatch` (match layers by name, skip the ones that do not fit) apply to Keras 2 `.h5`
        files only.
        """
        from ..saving import load_weights
        self._refuse_unbuilt("load_weights", "loading")
        load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name)

    def _refuse_unbuilt(self, method, doing):
        # an unbuilt model has no weights yet: writing or reading none would silently lose them, so refuse
        if not self.built:
            raise ValueError(f"Model '{self.name}'.{method}(): you are {doing} weights of a model that is not built "
                             f"yet, so it has none: call it on a batch of data (or model.build(input_shape)) first.")

    # ---- another fixed batch size ----------------------------------------------------------------
    def with_batch_size(self, batch_size):
        """The same model rebuilt for batches of `batch_size`, with a copy of the trained weights.

        A stateful model is built for one batch size; to predict step by step (batch 1) after training
        with batches of 32, take `model.with_batch_size(1)`. The copy starts from zero states and, if
        this model is compiled, is compiled the same way (with a fresh optimizer).
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"Model '{self.name}'.with_batch_size: expected a positive integer, got {batch_size!r}.")
        self._require_built("change its batch size")
        config = _with_batch_dimension(self.get_config(), int(batch_size))
        copy = type(self).from_config(config)
        copy.set_weights(self.get_weights())
        if self.compiled:
            from .. import optimizers
            optimizer = optimizers.deserialize(optimizers.serialize(self.optimizer))
            copy.compile(optimizer=optimizer, **{k: v for k, v in self._compile_config.items() if k != "optimizer"})
        return copy


_BATCH_SHAPE_KEYS = ("batch_shape", "batch_input_shape", "input_shape", "build_input_shape")


def _with_batch_dimension(config, batch_size):
    """A copy of a model config whose every recorded batch shape has `batch_size` as its first entry."""
    if isinstance(config, dict):
        result = {}
        for key, value in config.items():
            if key in _BATCH_SHAPE_KEYS and isinstance(value, (list, tuple)) and value and \
                    not isinstance(value[0], (list, tuple)):
                result[key] = [batch_size] + list(value[1:])
            else:
                result[key] = _with_batch_dimension(value, batch_size)
        return result
    if isinstance(config, list):
        return [_with_batch_dimension(v, batch_size) for v in config]
    return config

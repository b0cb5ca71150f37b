"""Keras 3's `.keras` file: a zip of metadata.json, config.json and model.weights.h5, stored uncompressed.

Loading never runs code from the file: config.json only names classes, which are looked up in
minikeras.layers and `custom_objects`. A model is built complete in memory before it is returned. Its layers
are built with placeholders instead of drawn initial values, and may not ask for more weight bytes than the
file holds, so a hostile config (`Dense(units=10**12)`) is a ValueError, not a huge allocation.
"""
import datetime
import io
import json
import warnings
import zipfile

import h5py

from .. import __version__
from ..weight_placeholders import placeholders_within
from .atomic import write_atomically
from .serialization import serialize_model, deserialize_model, _json_default
from .weights_h5 import write_model_weights, read_model_weights
from .compile_state import write_optimizer, read_optimizer, restore_compile, assign_optimizer_state
from .layer_assets import write_assets, write_own_variables, read_saved_state

KERAS_VERSION = "3.15.1"  # the Keras 3 whose layout the files follow (tests/fixtures/saving/facts.json)
_MEMBERS = ("metadata.json", "config.json", "model.weights.h5")


def save_keras(model, filepath, overwrite=True, include_optimizer=True):
    """Write `model` to `filepath` as a Keras 3 `.keras` zip, atomically; `filepath` may also be an open binary
    file object (io.BytesIO, a file opened "wb"), written from its current position."""
    config = json.dumps(serialize_model(model), default=_json_default)
    metadata = json.dumps({"keras_version": KERAS_VERSION, "date_saved": _now(), "saved_by": f"minikeras {__version__}"})
    weights = _weights_bytes(model, include_optimizer)

    def write(path):
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr("metadata.json", metadata)
            archive.writestr("config.json", config)
            archive.writestr("model.weights.h5", weights)
            write_assets(archive, model)

    if is_file_object(filepath):
        write(filepath)
    else:
        write_atomically(filepath, write, overwrite)


def is_file_object(target):
    """True for an open file-like object (it reads or writes bytes), as opposed to a path."""
    return hasattr(target, "write") or hasattr(target, "read")


class FileObjectContents(io.BytesIO):
    """The bytes read from a user's file object, named in messages by the object's `name` if it has one."""

    def __init__(self, file_object):
        super().__init__(file_object.read())
        self.label = str(getattr(file_object, "name", "the file object"))

    def __str__(self):
        return self.label


def _now():
    return datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")


def _weights_bytes(model, include_optimizer):
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        write_model_weights(f, model)
        write_own_variables(f, model)
        if include_optimizer:
            write_optimizer(f, model)
    return buffer.getvalue()


def read_archive(filepath):
    """(config dict, weights bytes) of a `.keras` file, with a ValueError naming what is missing or broken."""
    try:
        archive = zipfile.ZipFile(filepath)
    except zipfile.BadZipFile:
        raise ValueError(f"'{filepath}' is not a Keras model file: it is not a .keras zip archive.") from None
    with archive:
        names = set(archive.namelist())
        for member in ("config.json", "model.weights.h5"):
            if member not in names:
                raise ValueError(f"'{filepath}' is a zip file but not a Keras model: it has no {member} "
                                 f"(members: {sorted(names)}).")
            refuse_a_zip_bomb(archive.getinfo(member), filepath)
        try:
            config = json.loads(archive.read("config.json"))
        except (ValueError, UnicodeDecodeError) as error:
            raise ValueError(f"'{filepath}': config.json is not valid JSON ({error}).") from None
        except RecursionError:
            raise ValueError(f"'{filepath}': config.json is malformed: it is nested too deeply to be a model "
                             f"config.") from None
        return config, archive.read("model.weights.h5")


# deflate's ceiling is ~1030:1, reached only by data made to expand; JSON and float weights compress ~10:1 or less
_MOST_COMPRESSION = 200


def refuse_a_zip_bomb(info, filepath):
    """Keras stores members uncompressed; one that would expand past 200 times its stored size is made to
    exhaust memory, not a model."""
    if info.compress_type != zipfile.ZIP_STORED and info.file_size > _MOST_COMPRESSION * max(info.compress_size, 1):
        raise ValueError(f"'{filepath}' is malformed: its {info.filename} would expand from {info.compress_size} "
                         f"to {info.file_size} bytes, more than a model's file ever does (a zip bomb?).")


def load_keras(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model stored in a `.keras` file, with its weights and (if `compile`) its compiled state."""
    config, weights = read_archive(filepath)
    try:
        # the file's weights replace every initial value: build with placeholders, never more than the file holds
        with placeholders_within(len(weights), "its model.weights.h5"):
            model = deserialize_model(config, custom_objects, safe_mode)
    except ValueError as error:
        raise type(error)(f"Cannot load '{filepath}': {error}") from None
    except (TypeError, KeyError, AttributeError) as error:
        raise ValueError(f"Cannot load '{filepath}': the model config is malformed "
                         f"({type(error).__name__}: {error}).") from None
    except RecursionError:
        raise ValueError(f"Cannot load '{filepath}': the model config is malformed: it is nested too deeply.") from None
    with _open_h5(weights, filepath) as h5file:
        model.params = read_model_weights(h5file, model, filepath)
        with zipfile.ZipFile(filepath) as archive:
            read_saved_state(archive, h5file, model, filepath)
        compile_config = config.get("compile_config") or {}
        if compile and compile_config:
            _compile_like_the_file(model, compile_config, h5file, filepath, custom_objects)
    return model


def _compile_like_the_file(model, compile_config, h5file, filepath, custom_objects):
    """Compile as the file says; like Keras 3, a compile or optimizer state that cannot be restored is a warning,
    since the weights themselves loaded fine."""
    try:
        restore_compile(model, compile_config, custom_objects)
    except (ValueError, TypeError) as error:
        warnings.warn(f"'{filepath}': the model loaded but could not be compiled as saved ({error}). It is returned "
                      f"uncompiled; call compile() yourself.", stacklevel=3)
        return
    try:
        assign_optimizer_state(model, read_optimizer(h5file, model, filepath))
    except ValueError as error:
        warnings.warn(f"{error} The optimizer starts afresh.", stacklevel=3)


def load_weights_from_keras(model, filepath, skip_mismatch=False):
    """Only the weights of a `.keras` file, into `model` (all checked before any is assigned); with
    `skip_mismatch`, layers the file does not fit keep theirs (a warning names them)."""
    _, weights = read_archive(filepath)
    with _open_h5(weights, filepath) as h5file:
        model.params = read_model_weights(h5file, model, filepath, skip_mismatch=skip_mismatch)


def _open_h5(data, filepath):
    try:
        return h5py.File(io.BytesIO(data), "r")
    except OSError as error:
        raise ValueError(f"'{filepath}': model.weights.h5 is not a readable HDF5 file ({error}).") from None

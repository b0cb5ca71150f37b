"""Copies Keras 3's own layer test files into tests/keras_conformance/, their imports pointed at minikeras.

usage (from the project root; the copies are regenerated every time and not committed, their marks come
from marks/<name>.py, see porting.py):
    python tests/keras_conformance/port_keras_layer_tests.py [/tmp/kvenv/lib/python3.11/site-packages/keras]

Each copy starts with a docstring naming its origin and keeps Keras's code (Apache 2.0) unchanged apart from the
import lines: keras.src.testing and absl's parameterized become layer_testing's stand-ins, keras.src.ops/models/...
become minikeras's (layers through a namespace where a layer minikeras lacks is a placeholder), and a Keras-internal module becomes a `Missing` placeholder.
"""
import os
import re
import sys

from porting import write_ported

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_KERAS = "/tmp/kvenv/lib/python3.11/site-packages/keras"
KERAS_VERSION = "3.15.1"

FILES = ["core/dense_test.py", "activations/activation_test.py", "regularization/dropout_test.py",
         "reshaping/flatten_test.py", "reshaping/reshape_test.py", "reshaping/repeat_vector_test.py",
         "reshaping/permute_test.py", "core/lambda_layer_test.py", "core/embedding_test.py", "core/masking_test.py",
         "merging/merging_test.py", "convolutional/conv_test.py", "pooling/average_pooling_test.py",
         "pooling/max_pooling_test.py", "pooling/global_average_pooling_test.py",
         "pooling/global_max_pooling_test.py", "rnn/lstm_test.py", "rnn/gru_test.py", "rnn/simple_rnn_test.py",
         "rnn/rnn_test.py", "rnn/bidirectional_test.py", "rnn/time_distributed_test.py",
         "rnn/stacked_rnn_cells_test.py", "core/wrapper_test.py", "normalization/rms_normalization_test.py",
         "normalization/unit_normalization_test.py", "normalization/layer_normalization_test.py",
         "normalization/batch_normalization_test.py", "activations/elu_test.py", "activations/leaky_relu_test.py",
         "activations/prelu_test.py", "activations/relu_test.py", "activations/softmax_test.py",
         "regularization/activity_regularization_test.py", "regularization/alpha_dropout_test.py",
         "regularization/gaussian_dropout_test.py", "regularization/gaussian_noise_test.py",
         "regularization/spatial_dropout_test.py", "reshaping/cropping1d_test.py", "reshaping/cropping2d_test.py",
         "reshaping/up_sampling1d_test.py", "reshaping/up_sampling2d_test.py", "reshaping/zero_padding1d_test.py",
         "reshaping/zero_padding2d_test.py", "attention/attention_test.py", "attention/additive_attention_test.py",
         "attention/multi_head_attention_test.py", "rnn/conv_lstm1d_test.py", "rnn/conv_lstm2d_test.py"]
# not ported: rnn/dropout_rnn_cell_test.py tests Keras's DropoutRNNCell mixin for custom cells, which minikeras
# does not have (its built-in cells take dropout/recurrent_dropout themselves); convolutional/conv_transpose_test.py
# computes its expected values with Keras's own backend helpers (keras.src.backend.common.backend_utils), which are
# not here: the transposed convolutions are checked against Keras by tests/fixtures/conv's cases instead

MINIKERAS_MODULES = {"ops", "models", "initializers", "constraints", "regularizers", "saving",
                     "optimizers", "activations", "losses", "metrics", "callbacks"}
STAND_INS = {"testing", "backend", "random", "layers"}
EXACT = {
    "from absl.testing import parameterized": "from .layer_testing import parameterized",
    "from keras.src.backend.common.keras_tensor import KerasTensor": "from .layer_testing import KerasTensor",
    "from keras.src.backend.common import keras_tensor": "from . import layer_testing as keras_tensor",
    "from keras.src.models import Sequential": "from minikeras.models import Sequential",
    "from keras.src import Sequential": "from minikeras.models import Sequential",
    "from keras.src.models import Functional": "from minikeras.models import Model as Functional",
    "from keras.src.saving import load_model": "from minikeras.saving import load_model",
    "from keras.src.testing.test_utils import named_product": "from .layer_testing import named_product",
    "from keras.src.testing import test_case": "from . import layer_testing as test_case",
    "from conftest import skip_if_backend": "from .layer_testing import skip_if_backend",
}

# lines translated differently in one file only
FILE_EXACT = {"rnn/rnn_test.py": {"from keras.src import ops":
                                  "from .model_testing import ops  # keras.src.ops, which also holds random"}}


def port_line(line):
    indent = line[:len(line) - len(line.lstrip())]
    stripped = line.strip()
    if stripped in EXACT:
        return indent + EXACT[stripped]
    match = re.fullmatch(r"from keras\.src import (\w+)", stripped)
    if match and match.group(1) in MINIKERAS_MODULES:
        return f"{indent}from minikeras import {match.group(1)}"
    if match and match.group(1) in STAND_INS:
        return f"{indent}from .layer_testing import {match.group(1)}"
    match = re.fullmatch(r"from keras\.src\.(\w+) import (\w+)", stripped)
    if match and match.group(1) in MINIKERAS_MODULES:      # from keras.src.losses import MeanSquaredError
        return f"{indent}from minikeras.{match.group(1)} import {match.group(2)}"
    match = re.fullmatch(r"from keras\.src\.layers\.[\w.]*\.(\w+)_test import (\w+)", stripped)
    if match:  # a helper another ported test file defines
        return f"{indent}from .test_keras_{match.group(1)} import {match.group(2)}"
    match = re.fullmatch(r"from keras\.src\.layers\.[\w.]+ import ([a-z_0-9]+)", stripped)
    if match:   # a module of Keras's layers (`from keras.src.layers.activations import relu`, then relu.ReLU)
        return f"{indent}from .layer_testing import layers as {match.group(1)}"
    match = re.fullmatch(r"from keras\.backend import (\w+)", stripped)
    if match:   # keras.backend's public functions (set_image_data_format, ...)
        return f"{indent}from minikeras.backend import {match.group(1)}"
    match = re.fullmatch(r"from (keras[\w.]*) import (\w+)", stripped)
    if match:
        return f'{indent}{match.group(2)} = Missing("{match.group(1)}.{match.group(2)}")  # Keras internal'
    return line


def port(keras_root, relative):
    source = os.path.join(keras_root, "src", "layers", relative)
    target = os.path.join(HERE, "test_keras_" + os.path.basename(relative).replace("_test.py", ".py"))
    overrides = FILE_EXACT.get(relative, {})
    with open(source) as f:
        lines = [overrides.get(line.strip()) or port_line(line.rstrip("\n")) for line in f]
    header = [f'"""Ported from Keras {KERAS_VERSION}: keras/src/layers/{relative} (Apache 2.0), run on minikeras.',
              "",
              "Keras's code is unchanged apart from its imports (see port_keras_layer_tests.py); the cases marked at",
              "the end are skipped (Keras internals, deliberate differences) or expected to fail until another",
              'issue lands (xfail, not strict)."""',
              "from .layer_testing import Missing, mark_cases, NEEDS_ISSUE_12  # noqa: F401"]
    write_ported(target, header + lines)


if __name__ == "__main__":
    root = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_KERAS
    for relative in FILES:
        port(root, relative)

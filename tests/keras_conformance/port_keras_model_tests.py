"""Copies Keras 3's own tests of its extension points (Layer, Model, Functional, Sequential, custom objects and
serialization) into tests/keras_conformance/, their imports pointed at minikeras (reusing the layer tests' line rules).

usage (from the project root; the copies are regenerated every time and not committed, their marks come
from marks/<name>.py, see porting.py):
    python tests/keras_conformance/port_keras_model_tests.py [/tmp/kvenv/lib/python3.11/site-packages/keras]
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from port_keras_layer_tests import DEFAULT_KERAS, KERAS_VERSION, port_line  # noqa: E402
from porting import write_ported  # noqa: E402

FILES = {"layers/layer_test.py": "test_keras_layer.py", "models/model_test.py": "test_keras_model.py",
         "models/functional_test.py": "test_keras_functional.py",
         "models/sequential_test.py": "test_keras_sequential.py",
         "saving/serialization_lib_test.py": "test_keras_serialization_lib.py",
         "saving/object_registration_test.py": "test_keras_object_registration.py",
         "ops/numpy_test.py": "test_keras_numpy_ops_symbolic.py",
         "saving/saving_lib_test.py": "test_keras_saving_lib.py"}
STAND_INS = {"backend", "tree", "testing", "layers", "ops"}
EXACT = {
    "import keras": "import minikeras as keras",
    "from keras.src import Input": "from minikeras import Input",
    "from keras.src.layers.core.input_layer import Input": "from minikeras.layers import Input",
    "from keras.src.layers.input_spec import InputSpec": "from minikeras.layers import InputSpec",
    "from keras.src.models import Model": "from minikeras.models import Model",
    "from keras.src.models.model import Model": "from minikeras.models import Model",
    "from keras.src.models.model import model_from_json": "from minikeras.models import model_from_json",
    "from keras.src.models.functional import Functional": "from minikeras.models import Model as Functional",
    "from keras.src.models.sequential import Sequential": "from minikeras.models import Sequential",
    "from keras.src.saving import deserialize_keras_object": "from minikeras.saving import deserialize_keras_object",
    "from keras.src.saving import object_registration": "from .model_testing import object_registration",
    "from keras.src.saving import serialization_lib": "from .model_testing import serialization_lib",
    "from keras.src.ops import numpy as knp": "from .model_testing import knp",
    "from keras.src.backend.common import dtypes": "from .model_testing import dtypes",
    "from keras.src.saving import saving_lib": "from .model_testing import saving_lib",
    "from keras.src.backend.common.keras_tensor import KerasTensor": "from .model_testing import KerasTensor",
}


def port_model_line(line):
    indent = line[:len(line) - len(line.lstrip())]
    stripped = line.strip()
    if stripped in EXACT:
        return indent + EXACT[stripped]
    match = re.fullmatch(r"from keras\.src import (\w+)", stripped)
    if match and match.group(1) in STAND_INS:
        return f"{indent}from .model_testing import {match.group(1)}"
    return port_line(line).replace("from .layer_testing import", "from .model_testing import")


# the ops tests ask keras.config.backend(): a stand-in answers it
KERAS_MODULE_STAND_IN = {"ops/numpy_test.py", "saving/saving_lib_test.py"}


def port(keras_root, relative, target_name):
    target = os.path.join(HERE, target_name)
    with open(os.path.join(keras_root, "src", relative)) as f:
        lines = [port_model_line(line.rstrip("\n")) for line in f]
    if relative in KERAS_MODULE_STAND_IN:
        lines = ["from .model_testing import keras" if line == "import minikeras as keras" else line for line in lines]
    header = [f'"""Ported from Keras {KERAS_VERSION}: keras/src/{relative} (Apache 2.0), run on minikeras.',
              "",
              "Keras's code is unchanged apart from its imports (see port_keras_model_tests.py); the cases marked at",
              "the end are skipped (Keras internals, deliberate differences, written in docs/differences.md) or",
              'expected to fail (xfail, not strict) with the reason."""',
              "from .model_testing import Missing, mark_cases  # noqa: F401"]
    write_ported(target, header + lines)


if __name__ == "__main__":
    root = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_KERAS
    for relative, target_name in FILES.items():
        port(root, relative, target_name)

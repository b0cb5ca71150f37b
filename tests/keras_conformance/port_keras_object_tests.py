"""Copies Keras 3's own tests of optimizers, schedules, losses, metrics, initializers, regularizers, constraints and
callbacks into tests/keras_conformance/, their imports pointed at minikeras (the layer tests have
port_keras_layer_tests.py; this reuses its line rules).

usage (from the project root; the copies are regenerated every time and not committed, their marks come
from marks/<name>.py, see porting.py):
    python tests/keras_conformance/port_keras_object_tests.py [/tmp/kvenv/lib/python3.11/site-packages/keras]
"""
import os
import re
import sys

from port_keras_layer_tests import DEFAULT_KERAS, KERAS_VERSION, port_line  # noqa: E402
from porting import write_ported  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["optimizers/optimizer_test.py", "optimizers/sgd_test.py", "optimizers/adam_test.py",
         "optimizers/adamw_test.py", "optimizers/rmsprop_test.py", "optimizers/adagrad_test.py",
         "optimizers/adadelta_test.py", "optimizers/adamax_test.py", "optimizers/nadam_test.py",
         "optimizers/schedules/learning_rate_schedule_test.py", "losses/losses_test.py",
         "metrics/regression_metrics_test.py", "metrics/accuracy_metrics_test.py",
         "initializers/constant_initializers_test.py", "initializers/random_initializers_test.py",
         "regularizers/regularizers_test.py", "constraints/constraints_test.py",
         "callbacks/csv_logger_test.py", "callbacks/terminate_on_nan_test.py", "callbacks/lambda_callback_test.py",
         "callbacks/learning_rate_scheduler_test.py", "callbacks/reduce_lr_on_plateau_test.py",
         "metrics/reduction_metrics_test.py", "metrics/probabilistic_metrics_test.py",
         "metrics/hinge_metrics_test.py", "metrics/metric_test.py", "losses/loss_test.py",
         "callbacks/early_stopping_test.py", "callbacks/model_checkpoint_test.py",
         "metrics/confusion_metrics_test.py", "callbacks/callback_test.py", "metrics/f_score_metrics_test.py",
         "optimizers/lion_test.py"]
OBJECT_STAND_INS = ("backend", "testing", "parameterized", "test_utils", "numerical_utils", "skip_if_backend",
                    "KerasTensor")
EXACT = {
    "from keras.src.losses import losses": "from minikeras import losses",
    "from keras.src.metrics import regression_metrics as metrics": "from minikeras import metrics",
    "from keras.src.metrics import accuracy_metrics": "from minikeras import metrics as accuracy_metrics",
    "from keras.src.metrics import reduction_metrics": "from minikeras import metrics as reduction_metrics",
    "from keras.src.metrics import probabilistic_metrics": "from minikeras import metrics as probabilistic_metrics",
    "from keras.src.metrics import hinge_metrics": "from minikeras import metrics as hinge_metrics",
    "from keras.src.metrics import f_score_metrics": "from minikeras import metrics as f_score_metrics",
    "from keras.src.metrics.metric import Metric": "from minikeras.metrics import Metric",
    "from keras.src.losses.loss import Loss": "from minikeras.losses import Loss",
    "from keras.src.losses.loss import squeeze_or_expand_to_same_rank":
        "from minikeras.losses import squeeze_or_expand_to_same_rank",
    "from keras.src import losses as losses_module": "from minikeras import losses as losses_module",
    "from keras.src import metrics as metrics_module": "from minikeras import metrics as metrics_module",
    "from keras.src.optimizers import schedules": "from minikeras.optimizers import schedules",
    "from keras.src.initializers.random_initializers import compute_fans":
        "from minikeras.initializers import compute_fans",
    "from keras.src.models import Sequential": "from minikeras.models import Sequential",
    "from keras.src.models.sequential import Sequential": "from minikeras.models import Sequential",
    "from keras.src.callbacks import TerminateOnNaN": "from minikeras.callbacks import TerminateOnNaN",
    "from keras.src.callbacks.callback import Callback": "from minikeras.callbacks import Callback",
    "from absl import logging": "import logging",
    "import keras": "import minikeras as keras",
    "from keras.src import utils": "from minikeras import utils",
    "from keras.src.saving import register_keras_serializable": "from minikeras.saving import register_keras_serializable",
    "from keras.src.layers.attention.multi_head_attention import MultiHeadAttention":
        "from minikeras.layers import MultiHeadAttention",
    "import scipy.signal": "try:\n    import scipy.signal  # noqa: F401  (only Keras's STFT cases use it; scipy is not a "
                           "test dependency)\nexcept ImportError:\n    scipy = None",
}


def port_object_line(line):
    indent = line[:len(line) - len(line.lstrip())]
    stripped = line.strip()
    if stripped in EXACT:
        return indent + EXACT[stripped]
    match = re.fullmatch(r"from keras\.src\.optimizers\.\w+ import (\w+)", stripped)
    if match:
        return f"{indent}from minikeras.optimizers import {match.group(1)}"
    match = re.fullmatch(r"from (?:keras\.src(?:\.testing|\.utils)?|absl\.testing|conftest) import (\w+)", stripped)
    if match and match.group(1) in OBJECT_STAND_INS:
        return f"{indent}from .object_testing import {match.group(1)}"
    return port_line(line).replace("from .layer_testing import", "from .object_testing import")


def port(keras_root, relative):
    source = os.path.join(keras_root, "src", relative)
    target = os.path.join(HERE, "test_keras_" + os.path.basename(relative).replace("_test.py", ".py"))
    with open(source) as f:
        lines = [port_object_line(line.rstrip("\n")) for line in f]
    header = [f'"""Ported from Keras {KERAS_VERSION}: keras/src/{relative} (Apache 2.0), run on minikeras.',
              "",
              "Keras's code is unchanged apart from its imports (see port_keras_object_tests.py); the cases marked at",
              "the end are skipped (Keras internals, deliberate differences, written in docs/differences.md) or",
              'expected to fail (xfail, not strict) with the reason."""',
              "from .object_testing import Missing, mark_cases  # noqa: F401"]
    write_ported(target, header + lines)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    root = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_KERAS
    for relative in FILES:
        port(root, relative)

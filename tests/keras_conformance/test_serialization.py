"""saving.serialize_keras_object / deserialize_keras_object for every object kind that is not a layer: the dicts
must be exactly the ones Keras 3 writes (fixtures from tests/fixtures/make_conformance_objects_fixtures.py),
and reading them back must give an object that writes the same dict. Follows the idea of Keras 3.15's
keras/src/saving/serialization_lib_test.py (Apache 2.0).
"""
import json

import pytest

from minikeras import constraints, initializers, layers, losses, metrics, optimizers, regularizers, saving
from minikeras.optimizers import schedules

from .testing import load_fixtures

FACTS, _ = load_fixtures("conformance_objects")
SERIALIZED = FACTS["serialized"]
KINDS = {"keras.optimizers": optimizers.Optimizer, "keras.optimizers.schedules": schedules.LearningRateSchedule,
         "keras.losses": losses.Loss, "keras.metrics": metrics.Metric, "keras.initializers": initializers.Initializer,
         "keras.regularizers": regularizers.Regularizer, "keras.constraints": constraints.Constraint}


@pytest.mark.parametrize("key", sorted(SERIALIZED))
def test_keras_dicts_read_back_and_write_the_same(key):
    entry = SERIALIZED[key]
    found = saving.deserialize_keras_object(json.loads(json.dumps(entry)))
    if entry["module"] in KINDS:
        assert isinstance(found, KINDS[entry["module"]])
    else:
        assert callable(found)
    assert saving.serialize_keras_object(found) == entry


def test_objects_built_here_write_keras_dicts():
    made = {
        "adam": optimizers.Adam(learning_rate=0.01, clipnorm=1.0, name="adam"),
        "huber": losses.Huber(delta=2.0),
        "cosine_similarity_loss": losses.CosineSimilarity(axis=1),
        "mse_function": losses.mean_squared_error,
        "tversky_loss": losses.Tversky(alpha=0.2),
        "precision_metric": metrics.Precision(thresholds=0.3),
        "glorot_uniform": initializers.GlorotUniform(seed=3),
        "l1l2": regularizers.L1L2(l1=0.1, l2=0.2),
        "max_norm": constraints.MaxNorm(2.0, axis=1),
        "piecewise": schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001]),
    }
    for key, obj in made.items():
        ours = saving.serialize_keras_object(obj)
        if key == "adam":   # Keras stores the learning rate as float32
            assert ours["config"].pop("learning_rate") == pytest.approx(
                SERIALIZED[key]["config"]["learning_rate"], rel=1e-6)
            expected = {**SERIALIZED[key], "config": {k: v for k, v in SERIALIZED[key]["config"].items()
                                                      if k != "learning_rate"}}
            assert ours == expected
        else:
            assert ours == SERIALIZED[key], key


def test_layers_still_go_through_the_layer_path():
    entry = saving.serialize_keras_object(layers.Dense(3))
    assert entry["class_name"] == "Dense"
    assert isinstance(saving.deserialize_keras_object(entry), layers.Dense)


def test_an_optimizer_with_a_schedule_round_trips():
    optimizer = saving.deserialize_keras_object(SERIALIZED["sgd_schedule"])
    assert isinstance(optimizer._learning_rate, schedules.ExponentialDecay)
    assert optimizer.learning_rate == pytest.approx(0.1)


def test_unknown_function_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown function 'no_such_loss'"):
        saving.deserialize_keras_object({"module": "builtins", "class_name": "function", "config": "no_such_loss",
                                         "registered_name": "function"})

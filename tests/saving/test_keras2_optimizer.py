"""Keras 2 whole-model .h5 files from tf-keras 2.11+ store the optimizer as "Custom>Adam" with its slots under
optimizer_weights: load_model restores both, and the next training step is Keras 2's step (fixtures written by
real tf-keras with tests/fixtures/make_keras2_optimizer_fixtures.py)."""
import os
import warnings

import numpy as np
import pytest

from minikeras import models, optimizers

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "keras2_optimizer")
FACTS = dict(np.load(os.path.join(HERE, "facts.npz")))
CASES = {"adam": optimizers.Adam, "sgd_momentum": optimizers.SGD, "rmsprop": optimizers.RMSprop,
         "adagrad": optimizers.Adagrad}


@pytest.mark.parametrize("case", sorted(CASES))
def test_custom_optimizer_names_load_with_their_slots(case):
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # no "optimizer starts afresh" warning: the slots are read
        model = models.load_model(os.path.join(HERE, f"{case}.h5"))
    assert type(model.optimizer) is CASES[case]
    assert model.optimizer.iterations == int(FACTS[f"{case}/iterations"])
    x, y = FACTS[f"{case}/x"], FACTS[f"{case}/y"]
    np.testing.assert_allclose(model.predict(x, verbose=0), FACTS[f"{case}/predict"], rtol=1e-5, atol=1e-6)
    model.train_on_batch(x, y)
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, FACTS[f"{case}/after/{i}"], rtol=1e-4, atol=1e-6, err_msg=f"weight {i}")


def test_compile_false_loads_without_an_optimizer():
    model = models.load_model(os.path.join(HERE, "adam.h5"), compile=False)
    assert getattr(model, "optimizer", None) is None


def test_custom_prefix_names_resolve_in_get_and_deserialize():
    config = {"class_name": "Custom>Adam", "config": {"name": "Adam", "learning_rate": 0.01, "is_legacy_optimizer":
                                                      False, "jit_compile": False, "beta_1": 0.9}}
    optimizer = optimizers.get(config)
    assert isinstance(optimizer, optimizers.Adam) and optimizer.learning_rate == pytest.approx(0.01)
    with pytest.raises(ValueError, match="Unknown optimizer 'Custom>Nothing'"):
        optimizers.deserialize({"class_name": "Custom>Nothing", "config": {}})

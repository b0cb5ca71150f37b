"""Gradient proofs run in float64 (finite differences need it); other test files keep their floatx."""
import numpy as np
import pytest

import minikeras


@pytest.fixture(autouse=True)
def float64():
    previous = minikeras.backend.floatx()
    minikeras.backend.set_floatx("float64")
    np.random.seed(0)  # check_grads draws its random directions from numpy's global generator
    yield
    minikeras.backend.set_floatx(previous)

"""Fixtures shared by the test files: `float64` runs a test with floatx float64 (the gradient proofs and the
composed-step comparisons need it) and puts back the settings a test may switch (composed steps, concurrency)."""
import numpy as np
import pytest

from minikeras import backend
from minikeras.layers.rnn import fused_pair
from minikeras.models import composed_step


@pytest.fixture
def float64():
    previous = backend.floatx()
    backend.set_floatx("float64")
    np.random.seed(0)  # check_grads draws its random directions from numpy's global generator
    yield
    backend.set_floatx(previous)
    composed_step.set_composed_steps(True)
    fused_pair.set_concurrent_directions(None)

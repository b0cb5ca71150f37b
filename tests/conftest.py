"""Fixtures shared by the test files: `float64` runs a test with floatx float64 (the gradient proofs and the
composed-step comparisons need it) and puts back the settings a test may switch (composed steps, concurrency);
`ready_kernel_helper` waits for Bidirectional's helper process (layers/rnn/kernel_process.py)."""
import os
import time

import numpy as np
import pytest

from minikeras import backend
from minikeras.layers.rnn import fused_pair, kernel_process
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


@pytest.fixture
def ready_kernel_helper():
    """A function giving the helper process once it has said it is ready (it starts in the background); skips
    where there is none (no Linux memfd). Afterwards the session may use a helper again, if a test gave it up."""
    if not hasattr(os, "memfd_create"):
        pytest.skip("the helper process needs Linux's memfd")

    def ready(timeout=60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = kernel_process.helper()
            if process is not None:
                return process
            time.sleep(0.01)
        pytest.fail("the helper process did not become ready")
    yield ready
    kernel_process._state["broken"] = False

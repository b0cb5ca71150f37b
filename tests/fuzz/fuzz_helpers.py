"""Shared by the fuzz tests: a small model, the check that a call is refused cleanly, the random data.

Every entry point is fuzzed with malformed arguments (issue 7): each is refused with a ValueError/TypeError
raised by minikeras's own code in its own words (never a numpy/autograd internal, never a silently wrong
result), and the model's weights and states are exactly what they were. The counts are reported in
docs/reliability.md.
"""
import os
import re
import traceback
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import minikeras
from minikeras import layers as L
from minikeras.params import flatten_params

PACKAGE = os.path.dirname(os.path.abspath(minikeras.__file__)) + os.sep
# what Python and numpy say when a bad value slips through to them: a learner cannot act on these
RAW_MESSAGES = ("object is not iterable", "unsized object", "setting an array element", "ufunc", "cannot reshape array",
                "could not broadcast", "invalid literal", "unsupported operand", "has no attribute",
                "out of bounds", "could not convert", "not subscriptable", "cannot be interpreted as an integer")
JOIN = "fuzz_join"   # Concatenates are named: other tests expect Keras's automatic name "concatenate" unused
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RNG = np.random.default_rng(0)
X = RNG.normal(size=(10, 3)).astype("float32")
Y = RNG.normal(size=(10, 1)).astype("float32")
# drawn here, in the order the cases were written, so each case sees the same numbers whichever file it is in
INDICES = RNG.integers(0, 10, size=(8, 4))
LABELS = RNG.integers(0, 3, size=8)
FIVE_STEP_INDICES = RNG.integers(0, 10, size=(8, 5))
SEQUENCES = RNG.normal(size=(4, 5, 3))


def net(compiled=True):
    model = minikeras.Sequential([minikeras.Input((3,)), L.Dense(4, activation="tanh"), L.Dense(1)], name="net")
    if compiled:
        model.compile("sgd", "mse")
    return model


def snapshot(model):
    return [np.array(a) for a in model.get_weights() + flatten_params(model.get_states())]


def refused(call, model=None, errors=(ValueError, TypeError)):
    """`call()` raises one of `errors` from a line of minikeras, in words, and leaves `model` as it was."""
    before = snapshot(model) if model is not None else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(errors) as caught:
            call()
    frame = traceback.extract_tb(caught.value.__traceback__)[-1]
    assert frame.filename.startswith(PACKAGE), f"raised in {frame.filename}:{frame.lineno}: {caught.value!r}"
    assert not any(raw in _outside_parentheses(str(caught.value)) for raw in RAW_MESSAGES), \
        f"a raw internal message: {caught.value}"
    if model is not None:
        after = snapshot(model)
        assert len(before) == len(after) and all(np.array_equal(a, b, equal_nan=True) for a, b in zip(before, after))
    return caught.value


def _outside_parentheses(message):
    """The message without its (asides): minikeras may quote numpy's words there, after saying what is wrong."""
    while True:
        shorter = re.sub(r"\([^()]*\)", "", message)
        if shorter == message:
            return message
        message = shorter


def _rows(value):
    return len(value) if isinstance(value, np.ndarray) and value.ndim else 10


METHODS = {
    "fit": lambda m, x, y: m.fit(x, y, verbose=0),
    "evaluate": lambda m, x, y: m.evaluate(x, y, verbose=0),
    "predict": lambda m, x, y: m.predict(x, verbose=0),
    "train_on_batch": lambda m, x, y: m.train_on_batch(x, y),
    "test_on_batch": lambda m, x, y: m.test_on_batch(x, y),
    "predict_on_batch": lambda m, x, y: m.predict_on_batch(x),
}
TRAINING_METHODS = ("fit", "evaluate", "train_on_batch", "test_on_batch")

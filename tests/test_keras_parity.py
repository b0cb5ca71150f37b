"""Keras parity: every model in tests/fixtures/parity/*.npz, given Keras's weights and inputs, gives Keras's numbers.

The fixtures come from tests/fixtures/make_parity_fixtures.py (cases in fixtures/parity_cases.py). Each npz stores
the model's source code; this module runs that code with K bound to minikeras. To prove the harness itself is right,
run it with K bound to real Keras (it must pass there too):

    MINIKERAS_PARITY_BACKEND=keras KERAS_BACKEND=jax /tmp/kvenv/bin/python -m pytest tests/test_keras_parity.py
"""
import glob
import importlib
import importlib.util
import os

import numpy as np
import pytest

BACKEND = os.environ.get("MINIKERAS_PARITY_BACKEND", "minikeras")
if BACKEND == "keras":
    os.environ.setdefault("KERAS_BACKEND", "jax")
K = importlib.import_module(BACKEND)

FIXTURE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
PARITY_DIR = os.path.join(FIXTURE_DIR, "parity")
TOLERANCE = {"rtol": 2e-5, "atol": 2e-5}


def fixture_kinds():
    kinds = {}
    for path in sorted(glob.glob(os.path.join(PARITY_DIR, "*.npz"))):
        with np.load(path) as data:
            kinds[os.path.basename(path)[:-4]] = str(data["kind"])
    return kinds


KINDS = fixture_kinds()


def names_of(kind):
    return [name for name, k in KINDS.items() if k == kind]


def load(name):
    with np.load(os.path.join(PARITY_DIR, name + ".npz")) as data:
        return dict(data)


def numbered(data, prefix):
    """data[prefix + '0'], data[prefix + '1'], ... for as long as they exist."""
    items = []
    while f"{prefix}{len(items)}" in data:
        items.append(data[f"{prefix}{len(items)}"])
    return items


def model_input(xs):
    return xs[0] if len(xs) == 1 else list(xs)


def as_list(outputs):
    if isinstance(outputs, (list, tuple)):
        return [np.asarray(y) for y in outputs]
    return [np.asarray(outputs)]


def build_with_keras_weights(name, data):
    namespace = {"K": K, "np": np}
    exec(str(data["code"]), namespace)
    model = namespace["m"]
    keras_weights = numbered(data, "w")
    got_shapes = [tuple(np.shape(w)) for w in model.get_weights()]
    assert got_shapes == [w.shape for w in keras_weights], f"{name}: get_weights() shapes differ from Keras's"
    model.set_weights(keras_weights)
    return model


def reset_states(model):
    if BACKEND == "keras":  # Keras 3 dropped Model.reset_states(); its layers keep reset_states()
        for layer in model.layers:
            if hasattr(layer, "reset_states"):
                layer.reset_states()
    else:
        model.reset_states()


def assert_outputs_match(got, expected, what):
    got = as_list(got)
    assert len(got) == len(expected), f"{what}: {len(got)} outputs, Keras gives {len(expected)}"
    for i, (y, keras_y) in enumerate(zip(got, expected)):
        assert y.shape == keras_y.shape, f"{what}: output {i} has shape {y.shape}, Keras gives {keras_y.shape}"
        np.testing.assert_allclose(y, keras_y, **TOLERANCE, err_msg=f"{what}: output {i}")


def load_parity_cases():
    spec = importlib.util.spec_from_file_location("parity_cases", os.path.join(FIXTURE_DIR, "parity_cases.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


def test_every_case_has_a_current_fixture():
    cases = {case["name"]: (case["code"], case.get("compile", "")) for case in load_parity_cases()}
    assert sorted(KINDS) == sorted(cases), "rerun tests/fixtures/make_parity_fixtures.py: fixtures and cases differ"
    stored = {name: load(name) for name in cases}
    stale = [name for name, (code, compile_code) in cases.items()
             if (str(stored[name]["code"]), str(stored[name].get("compile", ""))) != (code, compile_code)]
    assert not stale, f"rerun tests/fixtures/make_parity_fixtures.py: these cases changed since: {stale}"


@pytest.mark.parametrize("how", ["predict", "call"])
@pytest.mark.parametrize("name", names_of("predict"))
def test_forward_pass_matches_keras(name, how):
    data = load(name)
    model = build_with_keras_weights(name, data)
    xs = model_input(numbered(data, "x"))
    outputs = model.predict(xs, batch_size=len(data["x0"]), verbose=0) if how == "predict" else model(xs)
    assert_outputs_match(outputs, numbered(data, "y"), f"{name} via {how}")


@pytest.mark.parametrize("name", names_of("predict"))
def test_output_shape_matches_keras(name):
    data = load(name)
    model = build_with_keras_weights(name, data)
    shapes = model.output_shape
    shapes = list(shapes) if isinstance(shapes[0], (tuple, list)) else [shapes]
    assert [tuple(s) for s in shapes] == [(None,) + y.shape[1:] for y in numbered(data, "y")]


@pytest.mark.parametrize("how", ["call", "predict"])
@pytest.mark.parametrize("name", names_of("stateful"))
def test_stateful_batches_match_keras(name, how):
    """Consecutive batches carry the state; after reset_states() the next batch starts from zeros again."""
    if how == "predict" and BACKEND == "keras":
        pytest.skip("Keras 3.15's JAX predict() does not carry RNN state from call to call (eager calls do)")
    data = load(name)
    model = build_with_keras_weights(name, data)
    batches = data["x0"]  # leading axis: consecutive calls; the last one comes after reset_states()
    run = model if how == "call" else (lambda x: model.predict(x, batch_size=len(x), verbose=0))
    per_call = []
    for call, batch in enumerate(batches):
        if call == len(batches) - 1:
            reset_states(model)
        per_call.append(as_list(run(batch)))
    stacked = [np.stack(outputs) for outputs in zip(*per_call)]
    assert_outputs_match(stacked, numbered(data, "y"), f"{name} via {how} (axis 0 is the call)")


@pytest.mark.parametrize("name", names_of("train"))
def test_training_steps_match_keras(name):
    """Each train_on_batch call returns Keras's loss and leaves Keras's weights."""
    data = load(name)
    model = build_with_keras_weights(name, data)
    exec(str(data["compile"]), {"K": K, "m": model})
    xs, targets = model_input(numbered(data, "x")), model_input(numbered(data, "t"))
    for step, keras_loss in enumerate(data["losses"]):
        loss = float(np.ravel(model.train_on_batch(xs, targets))[0])
        np.testing.assert_allclose(loss, keras_loss, **TOLERANCE, err_msg=f"{name}: loss of call {step}")
        for i, (w, keras_w) in enumerate(zip(model.get_weights(), numbered(data, f"step{step}_w"))):
            np.testing.assert_allclose(w, keras_w, **TOLERANCE, err_msg=f"{name}: weight {i} after call {step}")

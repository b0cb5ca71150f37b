"""The harness of the gradient proofs: check_grads of a model's `apply`, one weight at a time (run in float64)."""
import autograd.numpy as anp
import numpy as np
from autograd.test_util import check_grads

import minikeras as K
from minikeras.params import flatten_params, unflatten_like

L = K.layers
BATCH, TIME, FEATURES, UNITS = 2, 4, 3, 2
# the recurrent layers every gradient test runs through, by name
RECURRENT = {
    "simple_rnn": lambda **kw: L.SimpleRNN(UNITS, **kw),
    "gru": lambda **kw: L.GRU(UNITS, **kw),
    "gru_reset_before": lambda **kw: L.GRU(UNITS, reset_after=False, **kw),
    "lstm": lambda **kw: L.LSTM(UNITS, **kw),
}


def random_params(model, seed=0, scale=0.5):
    """The model's params with every leaf redrawn, so no gradient is checked at a special point (zeros, kinks)."""
    rng = np.random.default_rng(seed)
    leaves = [rng.normal(size=np.shape(w)) * scale for w in flatten_params(model.params)]
    return unflatten_like(model.params, leaves)


def _as_list(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def model_objective(model, inputs, training=False, state=None, with_regularization=True):
    """objective(params, inputs): a scalar that depends on every output value of `model.apply`.

    Each output is weighted by a fixed random probe so a wrong gradient cannot cancel out; with `training`,
    every call draws its dropout masks from a fresh default_rng(0), so the objective is deterministic.
    """
    outputs = _as_list(model.apply(model.params, inputs, state=state))
    probe_rng = np.random.default_rng(1)
    probes = [probe_rng.normal(size=np.shape(y)) for y in outputs]

    def objective(params, inputs):
        rng = np.random.default_rng(0) if training else None
        ys = _as_list(model.apply(params, inputs, training=training, rng=rng, state=state))
        assert len(ys) == len(probes)
        total = sum(anp.sum(anp.sin(y) * probe) for y, probe in zip(ys, probes))
        if with_regularization:
            total = total + model.regularization_loss(params)
        return total

    return objective


def check_param_grads(objective, params, inputs):
    """check_grads (reverse mode, first order) for each weight on its own, so a failure names the weight."""
    leaves = flatten_params(params)
    names = _leaf_names(params)
    for index, (name, leaf) in enumerate(zip(names, leaves)):
        def of_one_leaf(value, index=index):
            replaced = list(leaves)
            replaced[index] = value
            return objective(unflatten_like(params, replaced), inputs)
        try:
            check_grads(of_one_leaf, modes=["rev"], order=1)(np.asarray(leaf, dtype=np.float64))
        except AssertionError as failure:
            raise AssertionError(f"gradient of weight {name} is wrong: {failure}") from None


def check_input_grads(objective, params, inputs, which=None):
    """check_grads with respect to the float inputs (all of them, or the positions listed in `which`)."""
    arrays = _as_list(inputs)
    positions = range(len(arrays)) if which is None else which
    for position in positions:
        def of_one_input(value, position=position):
            replaced = list(arrays)
            replaced[position] = value
            return objective(params, replaced if isinstance(inputs, (list, tuple)) else replaced[0])
        check_grads(of_one_input, modes=["rev"], order=1)(np.asarray(arrays[position], dtype=np.float64))


def _leaf_names(params, prefix=""):
    names = []
    for key, value in params.items():
        if isinstance(value, dict):
            names.extend(_leaf_names(value, f"{prefix}{key}/"))
        else:
            names.append(prefix + key)
    return names

"""check_grads (float64) of Attention, AdditiveAttention, MultiHeadAttention and ConvLSTM1D/2D: every weight and every
float input, for each case of the Keras fixtures (masks, causal masks, scores, strides...), plus dropout with a fixed
draw, and the fused attention kernels against the layers' readable code (values and gradients)."""
import importlib.util
import os

import autograd
import numpy as np
import pytest

import minikeras as K
from gradient_harness import check_input_grads, check_param_grads, model_objective, random_params

L = K.layers
FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def _load_cases():
    spec = importlib.util.spec_from_file_location("attention_cases", os.path.join(FIXTURES, "attention_cases.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = _load_cases()


def case_inputs(name, batch=2):
    rng = np.random.default_rng(4)
    inputs = []
    for spec in CASES.INPUTS[name]:
        shape = (batch,) + tuple(spec[1])
        if spec[0] == "float":
            inputs.append(rng.normal(size=shape))
        elif spec[0] == "bits":
            inputs.append((rng.random(shape) < 0.7).astype("int32"))
        else:
            ids = rng.integers(1, spec[2], size=shape)
            ids[1, shape[1] // 2:] = 0          # the second row ends in padding
            inputs.append(ids)
    return inputs


@pytest.mark.parametrize("name", sorted(CASES.CASES))
def test_gradients_of_every_weight_and_float_input(name):
    model = CASES.CASES[name](K)
    inputs = case_inputs(name)
    params = random_params(model)
    feed = inputs if len(inputs) > 1 else inputs[0]
    objective = model_objective(model, feed)
    check_param_grads(objective, params, feed)
    floats = [i for i, spec in enumerate(CASES.INPUTS[name]) if spec[0] == "float"]
    if floats:
        check_input_grads(objective, params, feed, which=floats if len(inputs) > 1 else None)


@pytest.mark.parametrize("layer", [L.Attention(dropout=0.4), L.AdditiveAttention(dropout=0.4)])
def test_attention_gradients_with_dropout_drawn_once(layer):
    q, v = K.Input((3, 4)), K.Input((5, 4))
    model = K.Model([q, v], layer([q, v]))
    inputs = case_inputs("attention_dot")
    params = random_params(model)
    objective = model_objective(model, inputs, training=True)
    check_param_grads(objective, params, inputs)
    check_input_grads(objective, params, inputs)


def test_multi_head_attention_gradients_with_dropout_drawn_once():
    x = K.Input((5, 4))
    model = K.Model(x, L.MultiHeadAttention(2, 3, dropout=0.3)(x, x))
    inputs = case_inputs("mha_self")[0]
    params = random_params(model)
    objective = model_objective(model, inputs, training=True)
    check_param_grads(objective, params, inputs)
    check_input_grads(objective, params, inputs)


@pytest.mark.parametrize("layer_class,frame", [(L.ConvLSTM1D, (6, 2)), (L.ConvLSTM2D, (5, 4, 2))])
@pytest.mark.parametrize("options", [{}, {"dropout": 0.3, "recurrent_dropout": 0.3}])
def test_conv_lstm_gradients_masked_and_with_dropout(layer_class, frame, options):
    x = K.Input((4,) + frame)
    model = K.Model(x, layer_class(2, 3, padding="same", return_sequences=True, **options)(x))
    inputs = np.random.default_rng(2).normal(size=(2, 4) + frame)
    params = random_params(model)
    mask = np.array([[1, 1, 0, 1], [1, 0, 0, 0]], dtype=bool)
    layer = model.layers[-1]
    probe = np.random.default_rng(1).normal(size=(2, 4) + layer.compute_output_shape((2, 4) + frame)[2:])

    def objective(layer_params, sequence):
        rng = np.random.default_rng(0) if options else None
        y = layer.call(layer_params, sequence, mask=mask, training=bool(options), rng=rng)
        return autograd.numpy.sum(autograd.numpy.sin(y) * probe)

    check_param_grads(objective, params[layer.name], inputs)
    check_input_grads(lambda p, xs: objective(p, xs), params[layer.name], inputs)


# ---- the fused kernels against the readable code ---------------------------------------------------------------
def _fused_and_reference_agree(layer, params, x, **options):
    probe_shapes = [np.shape(y) for y in _as_list(layer.reference_call(params, x, **options, rng=_rng()))]
    probes = [np.random.default_rng(7).normal(size=s) for s in probe_shapes]

    def loss(p, xs, which):
        xs = [xs[i] for i in range(len(xs))]          # a list of arrays (autograd hands a boxed sequence)
        outputs = _as_list(getattr(layer, which)(p, xs, **options, rng=_rng()))
        return sum(autograd.numpy.sum(y * probe) for y, probe in zip(outputs, probes))

    for got, want in zip(_as_list(layer.call(params, x, **options, rng=_rng())),
                         _as_list(layer.reference_call(params, x, **options, rng=_rng()))):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    for argnum in (0, 1):
        fused = autograd.grad(loss, argnum)(params, x, "call")
        reference = autograd.grad(loss, argnum)(params, x, "reference_call")
        for a, b in zip(_leaves(fused), _leaves(reference)):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def _rng():
    return np.random.default_rng(0)


def _as_list(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def _leaves(tree):
    if isinstance(tree, dict):
        return [leaf for key in tree for leaf in _leaves(tree[key])]
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in _leaves(item)]
    return [tree]


MASKS = [None, [np.array([[1, 1, 0], [1, 1, 1]], bool), np.array([[1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], bool)]]


@pytest.mark.parametrize("make", [lambda: L.Attention(use_scale=True, dropout=0.3),
                                  lambda: L.Attention(score_mode="concat", use_scale=True),
                                  lambda: L.AdditiveAttention(dropout=0.3)])
@pytest.mark.parametrize("mask", MASKS, ids=["unmasked", "masked"])
@pytest.mark.parametrize("options", [{}, {"training": True, "return_attention_scores": True},
                                     {"use_causal_mask": True}])
def test_fused_attention_equals_the_readable_code(make, mask, options):
    layer = make()
    rng = np.random.default_rng(3)
    x = [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4))]
    layer(x)
    params = {k: np.random.default_rng(1).normal(size=np.shape(v)) for k, v in layer.params.items()}
    _fused_and_reference_agree(layer, params, x, mask=mask, **options)


@pytest.mark.parametrize("mask", MASKS, ids=["unmasked", "masked"])
@pytest.mark.parametrize("options", [{}, {"training": True, "return_attention_scores": True},
                                     {"use_causal_mask": True, "attention_mask": np.random.default_rng(2).random(
                                         (2, 3, 5)) < 0.7}])
@pytest.mark.parametrize("use_bias", [True, False])
def test_fused_multi_head_attention_equals_the_readable_code(mask, options, use_bias):
    layer = L.MultiHeadAttention(2, 3, value_dim=2, output_shape=(2, 3), dropout=0.3, use_bias=use_bias)
    rng = np.random.default_rng(3)
    x = [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 6)), rng.normal(size=(2, 5, 4))]
    layer(*x)
    params = {name: {k: np.random.default_rng(1).normal(size=np.shape(v)) for k, v in weights.items()}
              for name, weights in layer.params.items()}
    _fused_and_reference_agree(layer, params, x, mask=mask and mask + [mask[1]], **options)

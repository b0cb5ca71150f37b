"""The composed forms of BatchNormalization, Conv1D/2D, GlobalAveragePooling1D and the activation layers equal the
layers' own call (float64): outputs, masks, moving-statistics updates, weight gradients and input gradients; and
their hand-written backward passes equal central finite differences."""
import numpy as np
import pytest
from autograd import make_vjp

from minikeras import layers as L
from minikeras.layers import composed


pytestmark = pytest.mark.usefixtures("float64")    # tests/conftest.py


def built(layer, shape, seed=0):
    """The layer built for inputs of `shape` (batch included), with random weights of both signs."""
    layer.ensure_built((None,) + shape[1:])
    rng = np.random.default_rng(seed)
    params = {name: rng.uniform(0.5, 1.5, value.shape) * rng.choice([-1.0, 1.0], value.shape)
              for name, value in layer.params.items()}
    if "moving_variance" in params:
        params["moving_variance"] = np.abs(params["moving_variance"])
    return layer, params


def reference(layer, params, x, mask):
    """(y, updates, vjp) of the layer's own readable call (BatchNormalization without its fused kernel),
    differentiated by autograd with respect to (x, trained weights)."""
    names = [n for n in params if n not in layer.non_trainable_weight_names()]
    updates = {}

    def run(x, values):
        y, new = layer.call_with_updates({**params, **dict(zip(names, values))}, x, mask=mask, training=True)
        updates.update(new)
        return y
    readable = isinstance(layer, L.BatchNormalization)
    if readable:
        layer.use_fused_kernel = False
    try:
        vjp, y = make_vjp(run, argnum=(0, 1))(x, [params[n] for n in names])
    finally:
        if readable:
            del layer.use_fused_kernel
    return y, updates, vjp, names


CASES = {
    "batch_norm_2d": (lambda: L.BatchNormalization(), (6, 4)),
    "batch_norm_3d": (lambda: L.BatchNormalization(momentum=0.7), (3, 5, 4)),
    "batch_norm_axis1": (lambda: L.BatchNormalization(axis=1, epsilon=0.1), (3, 4, 5)),
    "batch_norm_no_scale": (lambda: L.BatchNormalization(scale=False), (5, 3)),
    "batch_norm_no_center_no_scale": (lambda: L.BatchNormalization(center=False, scale=False), (5, 3)),
    "batch_norm_wide_rows": (lambda: L.BatchNormalization(), (64, 16, 32)),       # large: computed on wide rows
    "conv1d_wide_bias": (lambda: L.Conv1D(32, 3, padding="same"), (16, 64, 2)),
    "conv1d_same_relu": (lambda: L.Conv1D(4, 3, padding="same", activation="relu"), (2, 7, 3)),
    "conv1d_valid_strided": (lambda: L.Conv1D(3, 2, strides=2), (2, 9, 2)),
    "conv1d_causal_dilated_tanh": (lambda: L.Conv1D(3, 2, padding="causal", dilation_rate=2, activation="tanh"),
                                   (2, 8, 2)),
    "conv1d_no_bias": (lambda: L.Conv1D(2, 3, use_bias=False, activation="sigmoid"), (3, 6, 2)),
    "conv2d_same": (lambda: L.Conv2D(3, (2, 3), padding="same", activation="relu"), (2, 5, 4, 2)),
    "conv3d_same_sigmoid": (lambda: L.Conv3D(2, (2, 3, 2), padding="same", activation="sigmoid"), (2, 3, 5, 4, 2)),
    "conv3d_valid_strided": (lambda: L.Conv3D(3, 2, strides=(1, 2, 2)), (2, 4, 5, 5, 2)),
    "global_average_1d": (lambda: L.GlobalAveragePooling1D(), (3, 5, 4)),
    "global_average_1d_keepdims": (lambda: L.GlobalAveragePooling1D(keepdims=True), (3, 5, 4)),
    "relu": (lambda: L.ReLU(), (4, 3, 5)),
    "activation_softmax": (lambda: L.Activation("softmax"), (4, 6)),
    "activation_tanh": (lambda: L.Activation("tanh"), (4, 6)),
    "identity": (lambda: L.Identity(), (3, 2)),
    "dense_relu": (lambda: L.Dense(3, activation="relu"), (5, 4)),
}
MASKED = {"batch_norm_masked": (lambda: L.BatchNormalization(), (3, 4, 2)),
          "global_average_1d_masked": (lambda: L.GlobalAveragePooling1D(), (3, 4, 2))}


def inputs(shape, seed=1):
    return np.random.default_rng(seed).normal(1.0, 2.0, size=shape)


def check_against_reference(layer, params, x, mask):
    assert composed.supports(layer, True)
    updates = {}
    y, out_mask, backward = composed.forward_with_backward(layer, params, x, mask, need_dx=True, updates=updates)
    want_y, want_updates, vjp, names = reference(layer, params, x, mask)
    np.testing.assert_allclose(y, want_y, rtol=1e-12, atol=1e-12)
    assert y.dtype == want_y.dtype and y.shape == want_y.shape
    assert (out_mask is None) == (layer.compute_mask(x, mask) is None)
    assert sorted(updates.get(layer.name, {})) == sorted(want_updates)
    for name, value in want_updates.items():
        np.testing.assert_allclose(updates[layer.name][name], value, rtol=1e-12, atol=1e-14)
    probe = np.random.default_rng(7).normal(size=y.shape)
    grads, dx = backward(probe)
    want_dx, want_grads = vjp(probe)
    np.testing.assert_allclose(dx, want_dx, rtol=1e-9, atol=1e-12)
    assert list(grads) == names
    for name, want in zip(names, want_grads):
        np.testing.assert_allclose(grads[name], want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_composed_form_equals_the_layers_own_call(case):
    make, shape = CASES[case]
    layer, params = built(make(), shape)
    check_against_reference(layer, params, inputs(shape), None)


@pytest.mark.parametrize("case", MASKED)
def test_composed_form_with_a_mask_equals_the_layers_own_call(case):
    make, shape = MASKED[case]
    layer, params = built(make(), shape)
    mask = np.array([[True, True, False, False], [True, True, True, True], [False, True, True, False]])
    x = inputs(shape)
    if isinstance(layer, L.GlobalAveragePooling1D):
        x[0, 3] = np.inf      # a masked step holding inf must not reach the output
    check_against_reference(layer, params, x, mask)


def numeric_gradient(function, value, step=1e-6):
    grad = np.zeros_like(value)
    for index in np.ndindex(value.shape):
        original = value[index]
        value[index] = original + step
        above = function()
        value[index] = original - step
        below = function()
        value[index] = original
        grad[index] = (above - below) / (2 * step)
    return grad


@pytest.mark.parametrize("case", ["batch_norm_3d", "batch_norm_axis1", "conv1d_same_relu", "conv2d_same",
                                  "global_average_1d"])
def test_hand_written_backward_equals_finite_differences(case):
    make, shape = CASES[case]
    layer, params = built(make(), shape, seed=3)
    x = inputs(shape, seed=4)
    probe = np.random.default_rng(5).normal(size=layer.compute_output_shape(shape))

    def objective():
        y = composed.forward_with_backward(layer, params, x, None, need_dx=True)[0]
        return float(np.sum(np.sin(y) * probe))
    y, _, backward = composed.forward_with_backward(layer, params, x, None, need_dx=True)
    grads, dx = backward(np.cos(y) * probe)
    np.testing.assert_allclose(dx, numeric_gradient(objective, x), rtol=1e-5, atol=1e-7)
    for name, value in grads.items():
        np.testing.assert_allclose(value, numeric_gradient(objective, params[name]), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("make", [
    lambda: L.BatchNormalization(gamma_regularizer="l2"),
    lambda: L.Conv1D(2, 3, data_format="channels_first"),
    lambda: L.Conv1D(4, 3, groups=2),
    lambda: L.Conv1D(2, 3, activation="elu"),
    lambda: L.Conv1D(2, 3, kernel_regularizer="l2"),
    lambda: L.ReLU(max_value=6.0),
    lambda: L.ReLU(negative_slope=0.1),
    lambda: L.Activation("gelu"),
    lambda: L.GlobalAveragePooling1D(data_format="channels_first"),
])
def test_configurations_without_a_composed_form_are_refused(make):
    assert not composed.supports(make(), True)


def test_a_frozen_or_readable_batch_normalization_has_no_composed_form():
    frozen = L.BatchNormalization()
    frozen.trainable = False
    readable = L.BatchNormalization()
    readable.use_fused_kernel = False
    assert not composed.supports(frozen, True) and not composed.supports(readable, True)


def test_large_inputs_are_computed_on_wide_rows():
    from minikeras.layers.feature_rows import FeatureRows
    assert FeatureRows((64, 16, 32), 2).repeats == 16 and FeatureRows((16 * 64, 32), 1).repeats == 16
    assert FeatureRows((6, 4), 1).repeats == 1 and FeatureRows((3, 4, 5), 1).repeats == 1

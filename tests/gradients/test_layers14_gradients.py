"""check_grads (float64) of issue 14's layers: every weight and the input, in the modes where the math differs
(BatchNormalization in training with and without a mask, and at inference; the random layers with a fixed draw)."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd.test_util import check_grads

from minikeras import layers as L

MASK = np.array([[1, 1, 0, 1, 0], [1, 1, 1, 1, 1], [0, 1, 1, 0, 0]], dtype=bool)


def floats(*shape, seed=3):
    return np.random.default_rng(seed).normal(size=shape)


def random_params(layer, seed=0):
    """The layer's weights redrawn (variances kept positive), so no gradient is checked at a special point."""
    rng = np.random.default_rng(seed)
    return {k: (rng.uniform(0.5, 1.5, v.shape) if "variance" in k else rng.normal(0, 0.5, v.shape))
            for k, v in layer.params.items()}


def objective_of(layer, x, mask=None, training=False, draw_seed=None):
    """objective(params, x): the layer's output weighted by a fixed probe; random layers redraw the same noise."""
    params = random_params(layer)
    probe = np.random.default_rng(1).normal(size=np.shape(layer.call(params, x, mask=mask, training=training,
                                                                      rng=_rng(draw_seed))))

    def objective(params, x):
        y = layer.call(params, x, mask=mask, training=training, rng=_rng(draw_seed))
        return anp.sum(anp.sin(y) * probe)

    return objective, params


def _rng(seed):
    return None if seed is None else np.random.default_rng(seed)


def check_layer(layer, x, mask=None, training=False, draw_seed=None):
    layer.ensure_built((None,) + x.shape[1:])
    objective, params = objective_of(layer, x, mask, training, draw_seed)
    check_grads(lambda x: objective(params, x), modes=["rev"], order=1)(x)
    # in training BatchNormalization normalizes by the batch's statistics: its moving ones do not reach the output
    unused = layer.non_trainable_weight_names() if training else set()
    for name in [n for n in params if n not in unused]:
        def of_one_weight(value, name=name):
            return objective({**params, name: value}, x)
        check_grads(of_one_weight, modes=["rev"], order=1)(params[name])


BATCH_NORM_CASES = {
    "default_training": (lambda: L.BatchNormalization(), (4, 3), None, True),
    "default_inference": (lambda: L.BatchNormalization(), (4, 3), None, False),
    "axis1_training": (lambda: L.BatchNormalization(axis=1), (3, 4, 2), None, True),
    "no_center_no_scale_training": (lambda: L.BatchNormalization(center=False, scale=False), (5,), None, True),
    "masked_training": (lambda: L.BatchNormalization(), (5, 2), MASK, True),
}


@pytest.mark.parametrize("case", BATCH_NORM_CASES)
def test_batch_normalization_gradients(case):
    make, shape, mask, training = BATCH_NORM_CASES[case]
    batch = 3 if mask is not None else 4
    check_layer(make(), floats(batch, *shape), mask=mask, training=training)


@pytest.mark.parametrize("make", [lambda: L.LayerNormalization(), lambda: L.LayerNormalization(axis=[1, 2]),
                                  lambda: L.LayerNormalization(axis=1, center=False, epsilon=0.1),
                                  lambda: L.LayerNormalization(rms_scaling=True)],
                         ids=["last_axis", "two_axes", "axis1_no_center", "rms_scaling"])
def test_layer_normalization_gradients(make):
    check_layer(make(), floats(2, 3, 4))


@pytest.mark.parametrize("make", [lambda: L.PReLU(), lambda: L.PReLU(shared_axes=[1]),
                                  lambda: L.ReLU(max_value=0.8, negative_slope=0.1, threshold=0.2),
                                  lambda: L.LeakyReLU(0.1), lambda: L.ELU(0.6), lambda: L.Softmax(),
                                  lambda: L.Softmax(axis=[1, 2])],
                         ids=["prelu", "prelu_shared", "relu_options", "leaky_relu", "elu", "softmax",
                              "softmax_two_axes"])
def test_activation_layer_gradients(make):
    check_layer(make(), floats(2, 3, 4))


def test_softmax_with_a_mask_gradient():
    mask = np.array([[[1, 0, 1, 1]], [[0, 0, 0, 0]]], dtype=bool)
    check_layer(L.Softmax(), floats(2, 3, 4), mask=mask)


@pytest.mark.parametrize("make,shape", [
    (lambda: L.ZeroPadding1D((2, 1)), (4, 3)), (lambda: L.ZeroPadding2D(((1, 0), (2, 1))), (3, 3, 2)),
    (lambda: L.Cropping1D((1, 2)), (5, 2)), (lambda: L.Cropping2D(((1, 0), (0, 2))), (4, 5, 2)),
    (lambda: L.UpSampling1D(3), (3, 2)), (lambda: L.UpSampling2D((2, 3)), (2, 3, 2)),
    (lambda: L.UpSampling2D((3, 2), interpolation="bilinear"), (3, 3, 2)),
    (lambda: L.UpSampling2D(2, interpolation="bilinear", data_format="channels_first"), (2, 3, 3)),
    (lambda: L.UpSampling2D((2, 3), interpolation="bicubic"), (3, 2, 1))],
    ids=["zero_padding1d", "zero_padding2d", "cropping1d", "cropping2d", "up_sampling1d", "up_sampling2d",
         "up_sampling2d_bilinear", "up_sampling2d_bilinear_cf", "up_sampling2d_bicubic"])
def test_reshaping_gradients(make, shape):
    check_layer(make(), floats(2, *shape))


@pytest.mark.parametrize("make", [lambda: L.SpatialDropout1D(0.4), lambda: L.GaussianNoise(0.3),
                                  lambda: L.GaussianDropout(0.3), lambda: L.AlphaDropout(0.3)],
                         ids=["spatial_dropout1d", "gaussian_noise", "gaussian_dropout", "alpha_dropout"])
def test_random_layer_gradients_with_a_fixed_draw(make):
    check_layer(make(), floats(3, 4, 5), training=True, draw_seed=7)

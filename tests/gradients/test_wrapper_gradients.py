"""check_grads (float64) of Bidirectional (every merge mode, masks, return_state) and TimeDistributed (Dense, Conv2D)."""
import itertools

import autograd.numpy as anp
import numpy as np
import pytest
from autograd.extend import defvjp, primitive

import minikeras as K
from gradient_harness import (BATCH, FEATURES, RECURRENT, TIME, UNITS, check_input_grads, check_param_grads,
                              model_objective, random_params)

L = K.layers
MERGE_MODES = ["concat", "sum", "mul", "ave", None]


def floats(*shape, seed=3):
    return np.random.default_rng(seed).normal(size=shape)


def padded_tokens():
    tokens = np.random.default_rng(3).integers(1, 7, size=(BATCH, TIME))
    tokens[1, 2:] = 0
    return tokens


def check_model(model, x, float_input=True, training=False):
    params = random_params(model)
    objective = model_objective(model, x, training=training)
    check_param_grads(objective, params, x)
    if float_input:
        check_input_grads(objective, params, x)


@pytest.mark.parametrize("kind,merge_mode,return_sequences,masked",
                         list(itertools.product(RECURRENT, MERGE_MODES, [False, True], [False, True])))
def test_bidirectional_gradients(kind, merge_mode, return_sequences, masked):
    wrapped = L.Bidirectional(RECURRENT[kind](return_sequences=return_sequences), merge_mode=merge_mode)
    if masked:
        model = K.Sequential([K.Input((TIME,), dtype="int32"), L.Embedding(7, FEATURES, mask_zero=True), wrapped])
        check_model(model, padded_tokens(), float_input=False)
    else:
        check_model(K.Sequential([K.Input((TIME, FEATURES)), wrapped]), floats(BATCH, TIME, FEATURES))


@pytest.mark.parametrize("kind", RECURRENT)
@pytest.mark.parametrize("merge_mode", MERGE_MODES)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_return_state_gradients(kind, merge_mode, return_sequences):
    inputs = K.Input((TIME,), dtype="int32")
    embedded = L.Embedding(7, FEATURES, mask_zero=True)(inputs)
    outputs = L.Bidirectional(RECURRENT[kind](return_state=True, return_sequences=return_sequences),
                              merge_mode=merge_mode)(embedded)
    check_model(K.Model(inputs, outputs), padded_tokens(), float_input=False)


@pytest.mark.parametrize("implementation", [{}, {"implementation": 1}])
def test_bidirectional_with_its_own_backward_layer_and_dropout(implementation):
    forward = L.LSTM(UNITS, return_sequences=True, dropout=0.3, recurrent_dropout=0.2, **implementation)
    backward = L.GRU(UNITS, return_sequences=True, go_backwards=True, dropout=0.2, **implementation)
    model = K.Sequential([K.Input((TIME, FEATURES)), L.Masking(0.0),
                          L.Bidirectional(forward, backward_layer=backward, merge_mode="concat"),
                          L.TimeDistributed(L.Dense(2))])
    x = floats(BATCH, TIME, FEATURES)
    x[0, 3:] = 0.0
    check_model(model, x, float_input=False, training=True)


def test_tagger_gradients():
    """The spec's tagger, tiny: Embedding(mask_zero) -> Bidirectional(LSTM) -> TimeDistributed(Dense(softmax))."""
    model = K.Sequential([K.Input((TIME,), dtype="int32"), L.Embedding(7, FEATURES, mask_zero=True),
                          L.Bidirectional(L.LSTM(UNITS, return_sequences=True)),
                          L.TimeDistributed(L.Dense(3, activation="softmax"))])
    check_model(model, padded_tokens(), float_input=False)


@pytest.mark.parametrize("activation", ["linear", "tanh", "softmax"])
@pytest.mark.parametrize("masked", [False, True])
def test_time_distributed_dense_gradients(activation, masked):
    dense = L.TimeDistributed(L.Dense(3, activation=activation, kernel_regularizer="l2"))
    if masked:
        model = K.Sequential([K.Input((TIME,), dtype="int32"), L.Embedding(7, FEATURES, mask_zero=True), dense,
                              L.GRU(UNITS)])
        check_model(model, padded_tokens(), float_input=False)
    else:
        check_model(K.Sequential([K.Input((TIME, FEATURES)), dense]), floats(BATCH, TIME, FEATURES))

CONVS = {
    "valid": lambda: L.Conv2D(2, (2, 2)),
    "same_strides": lambda: L.Conv2D(2, 3, strides=2, padding="same", activation="tanh"),
    "dilation_no_bias": lambda: L.Conv2D(2, 2, dilation_rate=2, use_bias=False),
    "channels_first": lambda: L.Conv2D(2, 2, data_format="channels_first"),
}


@pytest.mark.parametrize("conv", CONVS)
def test_time_distributed_conv2d_gradients(conv):
    frame = (2, 5, 5) if conv == "channels_first" else (5, 5, 2)
    model = K.Sequential([K.Input((3,) + frame), L.TimeDistributed(CONVS[conv]())])
    check_model(model, floats(BATCH, 3, *frame))


def test_time_distributed_video_into_lstm_gradients():
    model = K.Sequential([K.Input((3, 5, 5, 2)), L.TimeDistributed(L.Conv2D(2, 2, activation="relu")),
                          L.TimeDistributed(L.MaxPooling2D()), L.TimeDistributed(L.Flatten()), L.LSTM(UNITS)])
    # relu and max have kinks; random inputs keep every value away from them
    check_model(model, floats(BATCH, 3, 5, 5, 2))


def test_time_distributed_over_a_whole_model_gradients():
    inner = K.Sequential([K.Input((FEATURES,)), L.Dense(3, activation="tanh"), L.Dense(2)])
    model = K.Sequential([K.Input((TIME, FEATURES)), L.TimeDistributed(inner)])
    check_model(model, floats(BATCH, TIME, FEATURES))


# ---------------------------------------------------------------- the harness itself
@primitive
def _square_with_a_wrong_gradient(x):
    return x ** 2


defvjp(_square_with_a_wrong_gradient, lambda ans, x: lambda g: g * 2.001 * x)


def test_the_harness_catches_a_slightly_wrong_gradient():
    """A proof that cannot fail proves nothing: a gradient 0.05% off must be caught."""
    model = K.Sequential([K.Input((FEATURES,)), L.Dense(2)])
    x = floats(BATCH, FEATURES)

    def objective(params, inputs):
        return anp.sum(_square_with_a_wrong_gradient(model.apply(params, inputs)))

    with pytest.raises(AssertionError, match="dense"):
        check_param_grads(objective, random_params(model), x)

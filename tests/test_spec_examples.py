"""The examples of shared/spec/keras-api.md with `keras` replaced by `minikeras`: each runs and gives the stated shapes.

Set MINIKERAS_PARITY_BACKEND=keras (with the Keras venv's python) to run them on real Keras 3 instead; the Keras 1/2
spellings that Keras 3 dropped are then skipped:

    MINIKERAS_PARITY_BACKEND=keras KERAS_BACKEND=jax /tmp/kvenv/bin/python -m pytest tests/test_spec_examples.py
"""
import importlib
import os

import numpy as np
import pytest

BACKEND = os.environ.get("MINIKERAS_PARITY_BACKEND", "minikeras")
if BACKEND == "keras":
    os.environ.setdefault("KERAS_BACKEND", "jax")
K = importlib.import_module(BACKEND)

keras1_spelling = pytest.mark.skipif(BACKEND == "keras", reason="a Keras 1/2 spelling that Keras 3 no longer accepts")

Sequential, Model, Input = K.Sequential, K.Model, K.Input
L = K.layers
Dense, Activation, Embedding, Conv2D = L.Dense, L.Activation, L.Embedding, L.Conv2D
LSTM, GRU, SimpleRNN, TimeDistributed, Bidirectional = L.LSTM, L.GRU, L.SimpleRNN, L.TimeDistributed, L.Bidirectional


def rng():
    return np.random.default_rng(0)


def layer_output_shape(layer):
    if BACKEND == "keras":  # Keras 3 layers lost output_shape; the spec keeps it on each layer
        return tuple(layer.output.shape)
    return layer.output_shape


# ---------------------------------------------------------------- TimeDistributed
def test_time_distributed_dense_shapes():
    model = Sequential()
    model.add(TimeDistributed(Dense(8), input_shape=(10, 16)))
    assert model.output_shape == (None, 10, 8)
    model.add(TimeDistributed(Dense(32)))
    assert model.output_shape == (None, 10, 32)
    assert [w.shape for w in model.layers[0].get_weights()] == [(16, 8), (8,)]
    assert model.predict(rng().normal(size=(2, 10, 16)), verbose=0).shape == (2, 10, 32)


def test_time_distributed_conv2d_on_the_spec_video_shape():
    model = Sequential()
    model.add(TimeDistributed(Conv2D(64, (3, 3)), input_shape=(10, 299, 299, 3)))
    assert model.output_shape == (None, 10, 297, 297, 64)


def test_time_distributed_conv2d_applies_the_same_conv_to_every_frame():
    # 12x12 frames instead of the spec's 299x299: the same code, a fraction of the work
    model = Sequential()
    model.add(TimeDistributed(Conv2D(64, (3, 3)), input_shape=(10, 12, 12, 3)))
    frames = rng().normal(size=(2, 10, 12, 12, 3)).astype("float32")
    video_out = model.predict(frames, verbose=0)
    assert video_out.shape == (2, 10, 10, 10, 64)
    conv_alone = Sequential([Input((12, 12, 3)), Conv2D(64, (3, 3))])
    conv_alone.set_weights(model.get_weights())
    for t in (0, 9):
        np.testing.assert_allclose(video_out[:, t], conv_alone.predict(frames[:, t], verbose=0), rtol=1e-5, atol=1e-5)


def test_time_distributed_conv2d_channels_first():
    model = Sequential()
    model.add(TimeDistributed(Conv2D(64, (3, 3), data_format="channels_first"), input_shape=(10, 3, 299, 299)))
    assert model.output_shape == (None, 10, 64, 297, 297)


@keras1_spelling  # Keras 3 reads Convolution2D(64, 3, 3) as kernel 3, strides 3
def test_keras1_convolution2d_spelling():
    model = Sequential()
    model.add(TimeDistributed(L.Convolution2D(64, 3, 3), input_shape=(10, 299, 299, 3)))
    assert model.output_shape == (None, 10, 297, 297, 64)


# ---------------------------------------------------------------- Bidirectional
def test_bidirectional_example_builds_compiles_and_trains():
    model = Sequential()
    model.add(Bidirectional(LSTM(10, return_sequences=True), input_shape=(5, 10)))
    model.add(Bidirectional(LSTM(10)))
    model.add(Dense(5))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer='rmsprop')
    assert [layer_output_shape(layer) for layer in model.layers[:2]] == [(None, 5, 20), (None, 20)]
    assert model.output_shape == (None, 5)
    assert model.count_params() == 2 * 4 * 10 * (10 + 10 + 1) + 2 * 4 * 10 * (20 + 10 + 1) + 20 * 5 + 5
    x = rng().normal(size=(4, 5, 10)).astype("float32")
    y = np.eye(5, dtype="float32")[[0, 1, 2, 3]]
    assert np.isfinite(float(np.ravel(model.train_on_batch(x, y))[0]))
    np.testing.assert_allclose(model.predict(x, verbose=0).sum(axis=-1), np.ones(4), rtol=1e-5)


@pytest.mark.parametrize("merge_mode, expected", [
    ("concat", (None, 5, 20)), ("sum", (None, 5, 10)), ("mul", (None, 5, 10)), ("ave", (None, 5, 10)),
    (None, [(None, 5, 10), (None, 5, 10)]),
])
def test_bidirectional_merge_modes(merge_mode, expected):
    model = Sequential()
    model.add(Bidirectional(LSTM(10, return_sequences=True), merge_mode=merge_mode, input_shape=(5, 10)))
    shape = model.output_shape
    assert (list(map(tuple, shape)) if merge_mode is None else shape) == expected


# ---------------------------------------------------------------- giving a first recurrent layer its input
def test_first_recurrent_layer_with_input_shape():
    model = Sequential()
    model.add(LSTM(32, input_shape=(10, 64)))
    assert model.output_shape == (None, 32)


@keras1_spelling
def test_first_recurrent_layer_with_input_dim_and_input_length():
    model = Sequential()
    model.add(LSTM(32, input_dim=64, input_length=10))
    assert model.output_shape == (None, 32)
    assert [w.shape for w in model.get_weights()] == [(64, 128), (32, 128), (128,)]


def test_later_recurrent_layers_infer_their_input():
    # the spec lists LSTM(16) after LSTM(32); that needs the first to return its sequence
    model = Sequential()
    model.add(LSTM(32, input_shape=(10, 64), return_sequences=True))
    model.add(LSTM(16))
    assert model.output_shape == (None, 16)
    assert model.layers[1].get_weights()[0].shape == (32, 64)


def test_stacking_all_but_the_last_return_sequences():
    model = Sequential()
    model.add(LSTM(128, input_shape=(5, 64), return_sequences=True))
    model.add(LSTM(256, return_sequences=False))
    assert layer_output_shape(model.layers[0]) == (None, 5, 128)
    assert model.output_shape == (None, 256)


@keras1_spelling
def test_stacking_with_keras1_input_dim():
    model = Sequential()
    model.add(LSTM(128, input_dim=64, input_length=5, return_sequences=True))
    model.add(LSTM(256, return_sequences=False))
    assert model.output_shape == (None, 256)


# ---------------------------------------------------------------- stateful
def stateful_model():
    model = Sequential()
    model.add(Input(batch_shape=(32, 10, 100)))  # Keras 3's spelling of batch_input_shape
    model.add(LSTM(32, stateful=True))
    return model


@keras1_spelling
def test_stateful_with_batch_input_shape():
    model = Sequential()
    model.add(LSTM(32, stateful=True, batch_input_shape=(32, 10, 100)))
    assert model.output_shape == (32, 32)


@pytest.mark.parametrize("how", ["call", "predict"])
def test_stateful_state_seeds_the_next_batch_until_reset(how):
    if how == "predict" and BACKEND == "keras":
        pytest.skip("Keras 3.15's JAX predict() does not carry RNN state from call to call (eager calls do)")
    model = stateful_model()
    assert model.output_shape == (32, 32)
    run = model if how == "call" else (lambda x: model.predict(x, batch_size=32, verbose=0))
    x = rng().normal(size=(32, 10, 100)).astype("float32")
    first, second = np.asarray(run(x)), np.asarray(run(x))
    assert np.abs(first - second).max() > 1e-3, "the second batch must start from the first batch's final state"
    model.layers[0].reset_states()
    np.testing.assert_allclose(np.asarray(run(x)), first, rtol=1e-5, atol=1e-6)
    model.layers[0].reset_state()  # Keras 3's name for the same thing
    np.testing.assert_allclose(np.asarray(run(x)), first, rtol=1e-5, atol=1e-6)


@keras1_spelling  # Keras 3 models have no reset_states(); only their layers do
def test_model_reset_states_resets_every_stateful_layer():
    model = stateful_model()
    x = rng().normal(size=(32, 10, 100)).astype("float32")
    first = model.predict(x, batch_size=32, verbose=0)
    model.predict(x, batch_size=32, verbose=0)
    model.reset_states()
    np.testing.assert_allclose(model.predict(x, batch_size=32, verbose=0), first, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- Dense on a 3D input
def test_dense_on_3d_input_shares_one_kernel_over_the_last_axis():
    model = Sequential([Input((3, 4)), Dense(5)])
    kernel, bias = model.get_weights()
    assert kernel.shape == (4, 5) and model.output_shape == (None, 3, 5)
    x = rng().normal(size=(2, 3, 4)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), x @ kernel + bias, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- the functional API example
def test_functional_tagger_example():
    main_input = Input(shape=(100,), dtype='int32', name='main_input')
    x = Embedding(output_dim=512, input_dim=10000, input_length=100)(main_input)
    x = Bidirectional(LSTM(64, return_sequences=True))(x)
    output = TimeDistributed(Dense(10, activation='softmax'))(x)
    model = Model(inputs=main_input, outputs=output)
    assert model.output_shape == (None, 100, 10)
    tokens = rng().integers(0, 10000, size=(2, 100))
    probabilities = model.predict(tokens, verbose=0)
    assert probabilities.shape == (2, 100, 10)
    np.testing.assert_allclose(probabilities.sum(axis=-1), np.ones((2, 100)), rtol=1e-5)


# ---------------------------------------------------------------- the echo task
def echo_model():
    length = 5
    model = Sequential()
    model.add(LSTM(length, input_shape=(length, 1), return_sequences=True))
    model.add(TimeDistributed(Dense(1)))
    model.compile(loss='mean_squared_error', optimizer='adam')
    return model


def test_echo_task_learns_to_repeat_its_input(capsys):
    # the spec's full 1000 epochs: about 2 s on Keras 3/JAX, and minikeras aims at half that
    K.utils.set_random_seed(0)
    length = 5
    seq = np.array([i / float(length) for i in range(length)])
    X = seq.reshape(1, length, 1); y = seq.reshape(1, length, 1)
    model = echo_model()
    print(model.summary())
    history = model.fit(X, y, epochs=1000, batch_size=1, verbose=2)
    result = model.predict(X, batch_size=1, verbose=0)
    assert "lstm" in capsys.readouterr().out.lower()
    assert len(history.history['loss']) == 1000
    # issue 4's bar: within 0.1 of each value, mean squared error under 0.003. Over seeds 0-4 Keras 3 lands at
    # mse 0.0004-0.0013 (max error 0.04-0.07) and minikeras at 0.0004-0.0008 (0.04-0.05); untrained is near 0.3
    assert history.history['loss'][-1] < 0.003
    assert np.mean((result.reshape(length) - seq) ** 2) < 0.003
    assert np.abs(result.reshape(length) - seq).max() < 0.1  # ~ 0.0 0.2 0.4 0.6 0.8


@keras1_spelling
def test_echo_task_with_keras1_nb_epoch():
    seq = np.linspace(0.0, 0.8, 5).reshape(1, 5, 1)
    history = echo_model().fit(seq, seq, nb_epoch=3, batch_size=1, verbose=0)
    assert len(history.history['loss']) == 3


# ---------------------------------------------------------------- Keras 1 argument names
def same_weights_predictions(model_a, model_b, x):
    model_b.set_weights(model_a.get_weights())
    return model_a.predict(x, verbose=0), model_b.predict(x, verbose=0)


@keras1_spelling
def test_keras1_lstm_argument_names_mean_their_keras3_counterparts():
    old = Sequential([LSTM(output_dim=4, init='glorot_uniform', inner_init='orthogonal', forget_bias_init='one',
                           inner_activation='hard_sigmoid', input_dim=3, input_length=5)])
    new = Sequential([Input((5, 3)), LSTM(4, recurrent_activation='hard_sigmoid')])
    assert old.output_shape == new.output_shape == (None, 4)
    a, b = same_weights_predictions(old, new, rng().normal(size=(2, 5, 3)).astype("float32"))
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


@keras1_spelling
def test_keras1_regularizer_and_dropout_names():
    l2 = K.regularizers.l2(0.01)
    old = Sequential([Input((5, 3)), LSTM(4, W_regularizer=l2, U_regularizer=l2, b_regularizer=l2,
                                          dropout_W=0.2, dropout_U=0.1)])
    new = Sequential([Input((5, 3)), LSTM(4, kernel_regularizer=l2, recurrent_regularizer=l2, bias_regularizer=l2,
                                          dropout=0.2, recurrent_dropout=0.1)])
    new.set_weights(old.get_weights())
    assert (old.layers[0].dropout, old.layers[0].recurrent_dropout) == (0.2, 0.1)
    np.testing.assert_allclose(float(sum(old.losses)), float(sum(new.losses)), rtol=1e-6)
    assert float(sum(old.losses)) > 0


@keras1_spelling
def test_keras1_dense_names():
    model = Sequential([Dense(output_dim=3, init='uniform', input_dim=4)])
    assert model.output_shape == (None, 3)


@pytest.mark.parametrize("strategy", [{"implementation": 1}, {"implementation": 2},
                                      pytest.param({"consume_less": "gpu"}, marks=keras1_spelling),
                                      pytest.param({"consume_less": "mem"}, marks=keras1_spelling)])
def test_computation_strategy_never_changes_the_result(strategy):
    default = Sequential([Input((5, 3)), GRU(4, return_sequences=True)])
    chosen = Sequential([Input((5, 3)), GRU(4, return_sequences=True, **strategy)])
    a, b = same_weights_predictions(default, chosen, rng().normal(size=(2, 5, 3)).astype("float32"))
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- legacy import paths
LEGACY_MODULES = {
    "recurrent": ["LSTM", "GRU", "SimpleRNN"],
    "wrappers": ["TimeDistributed", "Bidirectional"],
    "core": ["Dense", "Activation", "Dropout", "Flatten", "Reshape", "RepeatVector", "Permute", "Lambda"],
    "embeddings": ["Embedding"],
    "convolutional": ["Conv1D", "Conv2D", "Convolution1D", "Convolution2D"],
    "pooling": ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D"],
    "merge": ["Add", "Concatenate", "Dot", "add", "concatenate"],
}


@keras1_spelling
@pytest.mark.parametrize("module_name", sorted(LEGACY_MODULES))
def test_legacy_import_paths_reexport_the_same_layers(module_name):
    module = importlib.import_module(f"{BACKEND}.layers.{module_name}")
    for name in LEGACY_MODULES[module_name]:
        assert getattr(module, name) is getattr(K.layers, name), f"{module_name}.{name}"


@keras1_spelling
def test_recurrent_is_an_abstract_base_not_a_layer():
    from minikeras.layers.recurrent import Recurrent
    with pytest.raises((TypeError, ValueError), match="Recurrent"):
        model = Sequential([Input((5, 2)), Recurrent(3)])
        model.predict(np.zeros((1, 5, 2)), verbose=0)


# ---------------------------------------------------------------- layers called on concrete arrays
def test_layer_called_on_an_array_computes_eagerly():
    layer = LSTM(3, kernel_initializer=K.initializers.Constant(0.01))
    y = layer(np.ones((2, 5, 4)))
    assert np.shape(y) == (2, 3)
    if BACKEND != "keras":
        assert isinstance(y, np.ndarray)


def test_eager_call_with_mask_skips_the_masked_steps():
    layer = LSTM(3)
    x = rng().normal(size=(2, 5, 4)).astype("float32")
    mask = np.array([[True, True, True, False, False]] * 2)
    np.testing.assert_allclose(np.asarray(layer(x, mask=mask)), np.asarray(layer(x[:, :3])), rtol=1e-5, atol=1e-6)


def test_eager_call_with_initial_state_and_training():
    layer = LSTM(3)
    x = rng().normal(size=(2, 5, 4)).astype("float32")
    zeros = [np.zeros((2, 3), "float32"), np.zeros((2, 3), "float32")]
    np.testing.assert_allclose(np.asarray(layer(x, initial_state=zeros)), np.asarray(layer(x)), rtol=1e-5, atol=1e-6)
    ones = [np.ones((2, 3), "float32"), np.ones((2, 3), "float32")]
    assert np.abs(np.asarray(layer(x, initial_state=ones)) - np.asarray(layer(x))).max() > 1e-3
    assert np.shape(layer(x, training=True)) == (2, 3)


def test_stateful_layer_called_eagerly_keeps_its_state():
    layer = GRU(3, stateful=True)
    x = rng().normal(size=(2, 4, 3)).astype("float32")
    first, second = np.asarray(layer(x)), np.asarray(layer(x))
    assert np.abs(first - second).max() > 1e-3
    layer.reset_states()
    np.testing.assert_allclose(np.asarray(layer(x)), first, rtol=1e-5, atol=1e-6)
    layer(x)
    layer.reset_state()
    np.testing.assert_allclose(np.asarray(layer(x)), first, rtol=1e-5, atol=1e-6)

"""ConvLSTM1D/ConvLSTM2D as a user meets them: the LSTM equations with convolutions, masks, states, stateful runs,
Keras 2's import path and the errors (numbers against Keras are in tests/layers/test_attention_vs_keras.py)."""
import numpy as np
import pytest

import minikeras as mk
from minikeras import layers as L
from minikeras.layers.base import weight_paths

RNG = np.random.default_rng(0)
FRAMES = RNG.normal(size=(2, 4, 5, 5, 2)).astype("float32")
SIGNALS = RNG.normal(size=(2, 4, 7, 3)).astype("float32")


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_weights_are_keras_and_the_forget_bias_starts_at_one():
    layer = L.ConvLSTM2D(3, (3, 2))
    layer(FRAMES)
    assert weight_paths(layer.params) == ["kernel", "recurrent_kernel", "bias"]
    assert [w.shape for w in layer.get_weights()] == [(3, 2, 2, 12), (3, 2, 3, 12), (12,)]
    np.testing.assert_array_equal(layer.get_weights()[2], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    assert layer.name.startswith("conv_lstm2d") and layer.cell.name == "conv_lstm_cell"


def test_a_1x1_kernel_is_an_lstm_at_every_position():
    """With a 1x1 kernel each pixel is an LSTM of its own: the equations checked one pixel at a time."""
    layer = L.ConvLSTM2D(2, 1, return_sequences=True)
    out = layer(FRAMES)
    kernel, recurrent, bias = (w.reshape(-1, 8) if w.ndim > 1 else w for w in layer.get_weights())
    h = c = np.zeros((2, 2))
    for t in range(4):
        z = FRAMES[:, t, 1, 3] @ kernel + h @ recurrent + bias
        i, f, o = sigmoid(z[:, :2]), sigmoid(z[:, 2:4]), sigmoid(z[:, 6:])
        c = f * c + i * np.tanh(z[:, 4:6])
        h = o * np.tanh(c)
        np.testing.assert_allclose(out[:, t, 1, 3], h, rtol=1e-5, atol=1e-6)


def test_shapes_for_padding_strides_and_states():
    out, h, c = L.ConvLSTM2D(4, 3, strides=2, padding="same", return_state=True)(FRAMES)
    assert out.shape == h.shape == c.shape == (2, 3, 3, 4)
    np.testing.assert_array_equal(out, h)
    assert L.ConvLSTM1D(2, 3, return_sequences=True)(SIGNALS).shape == (2, 4, 5, 2)
    x = mk.Input((None, 7, 3))
    assert L.ConvLSTM1D(2, 3, dilation_rate=2)(x).shape == (None, 3, 2)


def test_masked_steps_keep_the_state_as_in_lstm():
    layer = L.ConvLSTM1D(3, 3, return_sequences=True, padding="same")
    mask = np.array([[1, 1, 0, 1], [1, 1, 1, 1]], dtype=bool)
    masked = layer(SIGNALS, mask=mask)
    np.testing.assert_array_equal(masked[0, 2], masked[0, 1])      # the masked step repeats the last output
    without_step = layer(SIGNALS[:, [0, 1, 3]])
    np.testing.assert_allclose(masked[0, 3], without_step[0, 2], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(masked[1], layer(SIGNALS)[1], rtol=1e-6)


def test_go_backwards_reads_the_sequence_in_reverse():
    forwards, backwards = L.ConvLSTM1D(2, 2), L.ConvLSTM1D(2, 2, go_backwards=True)
    forwards(SIGNALS)
    backwards(SIGNALS)
    backwards.set_weights(forwards.get_weights())
    np.testing.assert_allclose(backwards(SIGNALS), forwards(SIGNALS[:, ::-1]), rtol=1e-6)


def test_stateful_carries_the_state_from_batch_to_batch():
    whole = L.ConvLSTM2D(2, 2, padding="same")
    halves = L.ConvLSTM2D(2, 2, padding="same", stateful=True, batch_input_shape=(2, 2, 5, 5, 2))
    whole(FRAMES)
    halves(FRAMES[:, :2])
    halves.set_weights(whole.get_weights())
    halves.reset_states()
    halves(FRAMES[:, :2])
    np.testing.assert_allclose(halves(FRAMES[:, 2:]), whole(FRAMES), rtol=1e-5, atol=1e-6)
    halves.reset_states()
    np.testing.assert_allclose(halves(FRAMES[:, :2]), whole(FRAMES[:, :2]), rtol=1e-6)


def test_initial_state_seeds_the_run():
    layer = L.ConvLSTM1D(2, 3, padding="same", return_state=True)
    _, h, c = layer(SIGNALS[:, :2])
    np.testing.assert_allclose(layer(SIGNALS[:, 2:], initial_state=[h, c])[0], layer(SIGNALS)[0], rtol=1e-5,
                               atol=1e-6)


def test_dropout_only_while_training():
    layer = L.ConvLSTM1D(2, 3, dropout=0.5, recurrent_dropout=0.5)
    np.testing.assert_array_equal(layer(SIGNALS), layer(SIGNALS))
    assert not np.allclose(layer(SIGNALS, training=True), layer(SIGNALS))


def test_a_conv_lstm_model_trains_and_config_round_trips():
    model = mk.Sequential([mk.Input((4, 5, 5, 2)), L.ConvLSTM2D(3, 3, padding="same"), L.Flatten(), L.Dense(1)])
    model.compile(optimizer=mk.optimizers.Adam(0.01), loss="mse")
    x = RNG.normal(size=(16, 4, 5, 5, 2))
    y = x[:, -1].mean(axis=(1, 2, 3))[:, None]
    history = model.fit(x, y, epochs=15, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    layer = model.layers[0]
    again = L.ConvLSTM2D.from_config(layer.get_config())
    assert again.get_config() == layer.get_config()
    assert again.filters == 3 and again.kernel_size == (3, 3)


def test_keras2_import_path():
    from minikeras.layers.convolutional_recurrent import ConvLSTM1D, ConvLSTM2D
    assert ConvLSTM2D is L.ConvLSTM2D and ConvLSTM1D is L.ConvLSTM1D


def test_errors_name_the_layer_and_what_was_expected():
    with pytest.raises(ValueError, match=r"'clstm' \(ConvLSTM2D\) expects input of rank 5, \(batch, time, rows, "
                                         r"cols, channels\), got shape \(None, 4, 5, 2\)"):
        L.ConvLSTM2D(2, 3, name="clstm")(mk.Input((4, 5, 2)))
    with pytest.raises(ValueError, match=r"'clstm' \(ConvLSTM1D\) needs known spatial sizes"):
        L.ConvLSTM1D(2, 3, name="clstm")(mk.Input((4, None, 2)))
    with pytest.raises(ValueError, match="ConvLSTM2D: filters must be a positive integer, got 0"):
        L.ConvLSTM2D(0, 3)
    with pytest.raises(ValueError, match="ConvLSTM2D: only data_format='channels_last' is supported"):
        L.ConvLSTM2D(2, 3, data_format="channels_first")
    with pytest.raises(ValueError, match=r"ConvLSTM1D: kernel_size must be a positive integer or a tuple of 1"):
        L.ConvLSTM1D(2, (3, 3))
    with pytest.raises(ValueError, match="does not fit in input shape"):
        L.ConvLSTM1D(2, 9)(SIGNALS)
    layer = L.ConvLSTM1D(2, 3, name="clstm")
    layer(SIGNALS)
    with pytest.raises(ValueError, match=r"'clstm' \(ConvLSTM1D\) was built for frames of shape \(7, 3\)"):
        layer(SIGNALS[:, :, :5])
    assert layer(SIGNALS).shape == (2, 5, 2)

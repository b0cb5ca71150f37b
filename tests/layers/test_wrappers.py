"""TimeDistributed and Bidirectional as a user meets them: shapes, shared weights, masks, merge modes, clear errors.

Numbers against real Keras live in tests/test_keras_parity.py; here the wrappers are checked against the layers
they are made of, run by hand.
"""
import numpy as np
import pytest

import minikeras as K

L = K.layers


def floats(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- TimeDistributed
def test_time_distributed_dense_is_the_dense_of_each_frame_with_one_set_of_weights():
    model = K.Sequential([K.Input((4, 5)), L.TimeDistributed(L.Dense(3, activation="tanh"))])
    kernel, bias = model.get_weights()
    assert kernel.shape == (5, 3) and bias.shape == (3,)
    x = floats(2, 4, 5)
    close(model.predict(x, verbose=0), np.tanh(x @ kernel + bias))


def test_time_distributed_over_a_model_runs_the_model_on_every_frame():
    inner = K.Sequential([K.Input((6,)), L.Dense(4, activation="relu"), L.Dense(2)])
    model = K.Sequential([K.Input((3, 6)), L.TimeDistributed(inner)])
    assert model.output_shape == (None, 3, 2)
    x = floats(2, 3, 6)
    expected = np.stack([inner.predict(x[:, t], verbose=0) for t in range(3)], axis=1)
    close(model.predict(x, verbose=0), expected)


def test_time_distributed_conv2d_shapes_follow_the_inner_layer():
    layer = L.TimeDistributed(L.Conv2D(4, 3, strides=2, padding="same"))
    model = K.Sequential([K.Input((5, 8, 7, 2)), layer])
    assert model.output_shape == (None, 5, 4, 4, 4)
    assert layer.compute_output_shape((None, 5, 8, 7, 2)) == (None, 5, 4, 4, 4)
    assert model.predict(floats(2, 5, 8, 7, 2), verbose=0).shape == (2, 5, 4, 4, 4)


def test_time_distributed_passes_the_mask_on():
    model = K.Sequential([K.Input((None,), dtype="int32"), L.Embedding(9, 3, mask_zero=True),
                          L.TimeDistributed(L.Dense(4), name="per_step"), L.LSTM(2)])
    tokens = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]])
    masks = {}
    model.apply(model.params, tokens, masks=masks)
    np.testing.assert_array_equal(masks["per_step"]["output_mask"], tokens != 0)
    predicted = model.predict(tokens, verbose=0)
    close(predicted[0], model.predict(tokens[:1, :3], verbose=0)[0])  # padded steps are skipped downstream


@pytest.mark.parametrize("shape", [(4,), ()])
def test_time_distributed_on_rank_below_3_is_a_clear_error(shape):
    with pytest.raises(ValueError, match=r"(?s)'per_frame'.*TimeDistributed.*rank >= 3.*" + re_shape((None,) + shape)):
        K.Sequential([K.Input(shape), L.TimeDistributed(L.Dense(3), name="per_frame")])


def re_shape(shape):
    return str(shape).replace("(", r"\(").replace(")", r"\)")


def test_time_distributed_eager_call_on_rank_2_is_a_clear_error():
    with pytest.raises(ValueError, match="rank >= 3"):
        L.TimeDistributed(L.Dense(3))(np.zeros((2, 4), "float32"))


@pytest.mark.parametrize("not_a_layer", ["dense", None, 3, np.zeros(3)])
def test_time_distributed_of_something_that_is_not_a_layer_is_a_type_error(not_a_layer):
    with pytest.raises(ValueError, match="TimeDistributed wraps a layer"):
        L.TimeDistributed(not_a_layer)


# ---------------------------------------------------------------- Bidirectional: merge modes by hand
def by_hand(layer_factory, x, weights):
    """(forward outputs, backward outputs aligned with the input's time), from two plain layers."""
    forward = K.Sequential([K.Input(x.shape[1:]), layer_factory()])
    backward = K.Sequential([K.Input(x.shape[1:]), layer_factory(go_backwards=True)])
    half = len(weights) // 2
    forward.set_weights(weights[:half])
    backward.set_weights(weights[half:])
    y_f, y_b = forward.predict(x, verbose=0), backward.predict(x, verbose=0)
    return y_f, (y_b[:, ::-1] if y_b.ndim == 3 else y_b)


MERGED = {"concat": lambda f, b: np.concatenate([f, b], axis=-1), "sum": lambda f, b: f + b,
          "mul": lambda f, b: f * b, "ave": lambda f, b: (f + b) / 2}


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_is_a_forward_and_a_backward_run_merged(merge_mode, return_sequences):
    factory = lambda **kw: L.GRU(3, return_sequences=return_sequences, **kw)
    model = K.Sequential([K.Input((5, 2)), L.Bidirectional(factory(), merge_mode=merge_mode)])
    x = floats(2, 5, 2)
    y_f, y_b = by_hand(factory, x, model.get_weights())
    got = model.predict(x, verbose=0)
    if merge_mode is None:
        assert isinstance(got, list) and len(got) == 2
        close(got[0], y_f)
        close(got[1], y_b)
    else:
        close(got, MERGED[merge_mode](y_f, y_b))
    width = 6 if merge_mode == "concat" else 3
    expected_shape = (None, 5, width) if return_sequences else (None, width)
    assert model.output_shape == (expected_shape if merge_mode else [expected_shape] * 2)


def test_bidirectional_weights_are_forward_then_backward_in_keras_order():
    layer = L.Bidirectional(L.LSTM(3))
    model = K.Sequential([K.Input((5, 2)), layer])
    assert [w.shape for w in model.get_weights()] == [(2, 12), (3, 12), (12,)] * 2
    assert [child.name for child in (layer.forward_layer, layer.backward_layer)] == \
        ["forward_" + layer.layer.name, "backward_" + layer.layer.name]


def test_bidirectional_weights_argument_sets_both_directions():
    weights = [floats(2, 12, seed=1), floats(3, 12, seed=2), floats(12, seed=3),
               floats(2, 12, seed=4), floats(3, 12, seed=5), floats(12, seed=6)]
    model = K.Sequential([K.Input((5, 2)), L.Bidirectional(L.LSTM(3), weights=weights)])
    for got, want in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(got, want)


def test_bidirectional_with_its_own_backward_layer():
    forward = L.LSTM(3, return_sequences=True)
    backward = L.GRU(2, return_sequences=True, go_backwards=True, name="my_backward")
    layer = L.Bidirectional(forward, backward_layer=backward)
    model = K.Sequential([K.Input((5, 2)), layer])
    assert model.output_shape == (None, 5, 5)
    assert layer.backward_layer is backward
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(2, 12), (3, 12), (12,), (2, 6), (2, 6), (2, 6)]
    x = floats(2, 5, 2)
    lstm = K.Sequential([K.Input((5, 2)), L.LSTM(3, return_sequences=True)])
    gru = K.Sequential([K.Input((5, 2)), L.GRU(2, return_sequences=True, go_backwards=True)])
    lstm.set_weights(weights[:3])
    gru.set_weights(weights[3:])
    expected = np.concatenate([lstm.predict(x, verbose=0), gru.predict(x, verbose=0)[:, ::-1]], axis=-1)
    close(model.predict(x, verbose=0), expected)


def test_a_backward_layer_in_the_same_direction_is_refused():
    with pytest.raises(ValueError, match="go_backwards"):
        L.Bidirectional(L.LSTM(3), backward_layer=L.LSTM(3))


def test_a_backward_layer_with_other_return_sequences_is_refused():
    with pytest.raises(ValueError, match="return_sequences"):
        L.Bidirectional(L.LSTM(3), backward_layer=L.LSTM(3, go_backwards=True, return_sequences=True))


def test_bidirectional_return_state_gives_the_merged_output_then_both_directions_states():
    inputs = K.Input((5, 2))
    outputs = L.Bidirectional(L.LSTM(3, return_state=True))(inputs)
    model = K.Model(inputs, outputs)
    assert model.output_shape == [(None, 6)] + [(None, 3)] * 4
    merged, h_f, c_f, h_b, c_b = model.predict(floats(2, 5, 2), verbose=0)
    close(merged, np.concatenate([h_f, h_b], axis=-1))
    assert c_f.shape == c_b.shape == (2, 3)


def test_bidirectional_return_state_without_merge_gives_both_outputs_first():
    inputs = K.Input((5, 2))
    outputs = L.Bidirectional(L.GRU(3, return_state=True, return_sequences=True), merge_mode=None)(inputs)
    assert [t.shape for t in outputs] == [(None, 5, 3), (None, 5, 3), (None, 3), (None, 3)]
    y_f, y_b, h_f, h_b = K.Model(inputs, outputs).predict(floats(2, 5, 2), verbose=0)
    close(h_f, y_f[:, -1])
    close(h_b, y_b[:, 0])  # the backward run ends at the first time step


def test_bidirectional_initial_state_takes_forward_then_backward_states():
    sequence = K.Input((5, 2))
    states = [K.Input((3,)) for _ in range(4)]
    layer = L.Bidirectional(L.LSTM(3))
    model = K.Model([sequence] + states, layer(sequence, initial_state=states))
    x = floats(2, 5, 2)
    zeros = [np.zeros((2, 3), "float32")] * 4
    close(model.predict([x] + zeros, verbose=0), np.asarray(layer(x)))
    seeded = [floats(2, 3, seed=s) for s in range(4)]
    forward_only = seeded[:2] + zeros[2:]
    got, got_forward_only = model.predict([x] + seeded, verbose=0), model.predict([x] + forward_only, verbose=0)
    assert np.abs(got - model.predict([x] + zeros, verbose=0)).max() > 1e-3
    close(got_forward_only[:, 3:], model.predict([x] + zeros, verbose=0)[:, 3:])  # backward half untouched


def test_bidirectional_stateful_layer_reset_in_both_spellings():
    layer = L.Bidirectional(L.GRU(3, stateful=True))
    model = K.Sequential([K.Input(batch_shape=(2, 4, 2)), layer])
    x = floats(2, 4, 2)
    first = model.predict(x, batch_size=2, verbose=0)
    assert np.abs(model.predict(x, batch_size=2, verbose=0) - first).max() > 1e-4
    layer.reset_states()
    close(model.predict(x, batch_size=2, verbose=0), first)
    layer.reset_state()
    close(model.predict(x, batch_size=2, verbose=0), first)


# ---------------------------------------------------------------- Bidirectional: clear errors
@pytest.mark.parametrize("not_recurrent", [lambda: L.Dense(3, name="plain_dense"),
                                           lambda: L.TimeDistributed(L.Dense(3), name="plain_dense")])
def test_bidirectional_on_a_non_recurrent_layer_is_a_clear_error(not_recurrent):
    with pytest.raises((ValueError, TypeError), match=r"(?s)recurrent.*plain_dense"):
        L.Bidirectional(not_recurrent())


@pytest.mark.parametrize("merge_mode", ["max", "Concat", "", 0])
def test_bidirectional_unknown_merge_mode_lists_the_choices(merge_mode):
    with pytest.raises(ValueError, match=r"(?s)merge_mode.*concat.*sum.*mul.*ave.*None"):
        L.Bidirectional(L.LSTM(3), merge_mode=merge_mode)


def test_bidirectional_backward_layer_that_is_not_recurrent_is_a_clear_error():
    with pytest.raises(ValueError, match="backward_layer"):
        L.Bidirectional(L.LSTM(3), backward_layer=L.Dense(3))


def test_bidirectional_on_2d_input_is_a_clear_error():
    with pytest.raises(ValueError, match=r"3-D input"):
        K.Sequential([K.Input((4,)), L.Bidirectional(L.LSTM(3))])


def test_time_distributed_refuses_a_mask_of_other_batch_or_steps():
    from minikeras.layers import Dense, TimeDistributed
    layer = TimeDistributed(Dense(2))
    x = np.zeros((4, 5, 3), "float32")
    assert layer(x, mask=np.ones((4, 5), bool)).shape == (4, 5, 2)
    assert layer(x, mask=np.ones((4, 5, 2), bool)).shape == (4, 5, 2)
    for shape in [(4, 6), (5, 5), (5, 6), (4, 6, 2)]:
        with pytest.raises(ValueError, match=r"TimeDistributed.*\(4, 5\) as its first two axes"):
            layer(x, mask=np.ones(shape, bool))

"""Issue 9: stateful batch sizes made easy, masks made visible."""
import numpy as np
import pytest

import minikeras as K
from minikeras.utils import layer_masks, show_masks, pad_sequences


def _stateful_model(batch=4):
    model = K.Sequential([K.layers.LSTM(3, batch_input_shape=(batch, 5, 2), stateful=True), K.layers.Dense(1)])
    model.compile("adam", "mse")
    return model


def test_fit_refuses_a_sample_count_that_leaves_a_short_last_batch_before_any_step():
    model = _stateful_model()
    before = model.get_weights()
    x, y = np.ones((10, 5, 2), "float32"), np.ones((10, 1), "float32")
    with pytest.raises(ValueError) as error:
        model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    message = str(error.value)
    for expected in ("fixed batch size of 4", "lstm", "10 samples", "last batch: 2", "multiple of 4",
                     "with_batch_size"):
        assert expected in message
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_predict_with_another_batch_size_is_refused_with_the_fix():
    model = _stateful_model()
    with pytest.raises(ValueError, match="batch_size=4"):
        model.predict(np.ones((3, 5, 2), "float32"), verbose=0)


def test_with_batch_size_copies_weights_and_predicts_step_by_step_like_the_original():
    model = _stateful_model()
    rng = np.random.default_rng(0)
    x = rng.random((8, 5, 2)).astype("float32")
    model.fit(x, rng.random((8, 1)), batch_size=4, epochs=2, verbose=0)
    single = model.with_batch_size(1)
    assert single.input_shape == (1, 5, 2) and single.output_shape == (1, 1)
    assert single.compiled and single is not model
    model.reset_states()
    together = model.predict(x[:4], batch_size=4, verbose=0)
    one_by_one = []
    for sample in x[:4]:
        single.reset_states()
        one_by_one.append(single.predict(sample[None], verbose=0))
    np.testing.assert_allclose(np.concatenate(one_by_one), together, rtol=1e-5, atol=1e-6)
    for a, b in zip(model.get_weights(), single.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_with_batch_size_carries_state_step_by_step():
    model = _stateful_model()
    single = model.with_batch_size(1)
    x = np.random.default_rng(1).random((1, 5, 2)).astype("float32")
    first = single.predict(x, verbose=0)
    second = single.predict(x, verbose=0)       # the state carried on from the first call
    assert not np.allclose(first, second)
    single.reset_states()
    np.testing.assert_allclose(single.predict(x, verbose=0), first, rtol=1e-6)


def test_with_batch_size_on_a_functional_bidirectional_model():
    inputs = K.Input(batch_shape=(2, 4, 3))
    h = K.layers.Bidirectional(K.layers.GRU(3, stateful=True, return_sequences=True))(inputs)
    model = K.Model(inputs, K.layers.TimeDistributed(K.layers.Dense(1))(h))
    single = model.with_batch_size(1)
    x = np.random.default_rng(2).random((2, 4, 3)).astype("float32")
    np.testing.assert_allclose(single.predict(x[:1], verbose=0), model.predict(x, verbose=0)[:1], rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_with_batch_size_refuses_a_non_positive_integer(bad):
    with pytest.raises(ValueError, match="positive integer"):
        _stateful_model().with_batch_size(bad)


def _tagger():
    words = K.Input((6,), dtype="int32")
    embedded = K.layers.Embedding(10, 4, mask_zero=True)(words)
    sequence = K.layers.Bidirectional(K.layers.LSTM(3, return_sequences=True))(embedded)
    tags = K.layers.TimeDistributed(K.layers.Dense(2))(sequence)
    summary_vector = K.layers.LSTM(2)(sequence)
    return K.Model(words, [tags, summary_vector])


def test_layer_masks_shows_where_padding_is_ignored_and_where_the_mask_ends():
    x = pad_sequences([[3, 4, 5], [1, 2]], maxlen=6, padding="post")
    masks = layer_masks(_tagger(), x)
    assert list(masks) == ["embedding", "bidirectional", "time_distributed", "lstm_1"] or \
        [n.split("_")[0] for n in masks] == ["embedding", "bidirectional", "time", "lstm"]
    names = list(masks)
    expected = x != 0
    assert masks[names[0]]["input_mask"] is None
    np.testing.assert_array_equal(masks[names[0]]["output_mask"], expected)
    np.testing.assert_array_equal(masks[names[1]]["input_mask"], expected)
    np.testing.assert_array_equal(masks[names[2]]["output_mask"], expected)
    np.testing.assert_array_equal(masks[names[3]]["input_mask"], expected)
    assert masks[names[3]]["output_mask"] is None     # a non-sequence LSTM consumes the mask


def test_show_masks_prints_one_row_per_layer_with_the_steps_of_one_sample():
    lines = []
    x = pad_sequences([[3, 4, 5], [1, 2]], maxlen=6, padding="post")
    show_masks(_tagger(), x, sample=1, print_fn=lines.append)
    assert len(lines) == 5
    assert lines[1].split()[1:] == ["-", "■■····"]
    assert lines[-1].split()[1:] == ["■■····", "-"]


def test_summary_marks_the_layers_that_receive_a_mask():
    lines = []
    _tagger().summary(print_fn=lines.append, show_masks=True)
    text = "\n".join(lines)
    assert "mask" in text.lower()


def test_a_target_shape_error_at_fit_time_shows_the_chain_of_shapes():
    model = K.Sequential([K.Input((5, 2)), K.layers.LSTM(3, return_sequences=True),
                          K.layers.TimeDistributed(K.layers.Dense(1))])
    model.compile("adam", "mse")
    with pytest.raises(ValueError) as error:
        model.fit(np.ones((4, 5, 2)), np.ones((4, 1)), verbose=0)
    message = str(error.value)
    assert "(4, 1)" in message and "(None, 5, 1)" in message
    assert "(LSTM) -> (None, 5, 3)" in message and "(TimeDistributed) -> (None, 5, 1)" in message
    assert "sparse" not in message      # the crossentropy hint is for crossentropy losses only

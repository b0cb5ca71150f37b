"""Attention, AdditiveAttention and MultiHeadAttention as a user meets them: weights, masks, scores, call forms,
and the errors for bad input (numbers against Keras are in test_attention_vs_keras.py)."""
import numpy as np
import pytest

import minikeras as mk
from minikeras import layers as L
from minikeras.layers.base import weight_paths

RNG = np.random.default_rng(0)
Q, V = RNG.normal(size=(2, 3, 4)).astype("float32"), RNG.normal(size=(2, 5, 4)).astype("float32")
TOKENS = np.array([[3, 1, 4, 1, 5], [2, 6, 0, 0, 0]])


# ---- weights ----------------------------------------------------------------------------------------------
def test_weight_names_and_shapes_are_keras():
    attention = L.Attention(use_scale=True, score_mode="concat")
    attention([Q, V])
    assert weight_paths(attention.params) == ["scale", "concat_score_weight"]
    assert [w.shape for w in attention.get_weights()] == [(), ()]
    additive = L.AdditiveAttention()
    additive([Q, V])
    assert weight_paths(additive.params) == ["scale"] and additive.get_weights()[0].shape == (4,)
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=5)
    mha(Q, V)
    assert weight_paths(mha.params) == ["query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel",
                                        "value/bias", "attention_output/kernel", "attention_output/bias"]
    assert [w.shape for w in mha.get_weights()] == [(4, 2, 3), (2, 3), (4, 2, 3), (2, 3), (4, 2, 5), (2, 5),
                                                    (2, 5, 4), (4,)]


def test_attention_without_scale_has_no_weights():
    layer = L.Attention()
    layer([Q, V])
    assert layer.get_weights() == []


# ---- what comes out -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("layer", [L.Attention(), L.AdditiveAttention()])
def test_scores_are_a_distribution_over_the_value_steps_and_weight_the_values(layer):
    out, scores = layer([Q, V], return_attention_scores=True)
    assert out.shape == (2, 3, 4) and scores.shape == (2, 3, 5)
    np.testing.assert_allclose(scores.sum(-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(out, scores @ V, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make", [lambda: L.Attention(), lambda: L.AdditiveAttention()])
def test_causal_mask_gives_no_weight_to_later_steps(make):
    x = RNG.normal(size=(2, 4, 4)).astype("float32")
    _, scores = make()([x, x], use_causal_mask=True, return_attention_scores=True)
    assert np.all(scores[:, np.triu_indices(4, 1)[0], np.triu_indices(4, 1)[1]] == 0)
    np.testing.assert_allclose(scores.sum(-1), 1.0, rtol=1e-6)


def test_value_mask_gives_no_weight_to_padding_and_query_mask_zeroes_output():
    q_mask = np.array([[1, 1, 0], [1, 1, 1]], dtype=bool)
    v_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
    out, scores = L.Attention()([Q, V], mask=[q_mask, v_mask], return_attention_scores=True)
    assert np.all(scores[0, :, 3:] == 0)
    assert np.all(out[0, 2] == 0) and np.any(out[1, 2] != 0)


def test_embedding_masks_flow_into_attention_and_the_query_mask_flows_out():
    q_ids, v_ids = mk.Input((5,), dtype="int32"), mk.Input((5,), dtype="int32")
    embed = L.Embedding(8, 4, mask_zero=True)
    attention = L.Attention(name="att")
    out = attention([embed(q_ids), embed(v_ids)])
    model = mk.Model([q_ids, v_ids], out)
    masks = {}
    model.apply(model.params, [TOKENS, TOKENS[::-1]], masks=masks)
    np.testing.assert_array_equal(masks["att"]["input_mask"][0], TOKENS != 0)
    np.testing.assert_array_equal(masks["att"]["input_mask"][1], TOKENS[::-1] != 0)
    np.testing.assert_array_equal(masks["att"]["output_mask"], TOKENS != 0)


def test_three_inputs_use_the_key_for_scores_and_the_value_for_output():
    key, value = RNG.normal(size=(2, 5, 4)), RNG.normal(size=(2, 5, 6))
    out, scores = L.Attention()([Q, value, key], return_attention_scores=True)
    assert out.shape == (2, 3, 6)
    expected = np.exp(Q @ key.transpose(0, 2, 1))
    np.testing.assert_allclose(scores, expected / expected.sum(-1, keepdims=True), rtol=1e-5)


def test_dropout_only_while_training():
    layer = L.Attention(dropout=0.5)
    np.testing.assert_array_equal(layer([Q, V]), layer([Q, V]))
    assert not np.allclose(layer([Q, V], training=True), layer([Q, V]))


def test_multi_head_attention_symbolic_and_eager_calls_agree():
    q, v = mk.Input((3, 4)), mk.Input((5, 4))
    mha = L.MultiHeadAttention(2, 3)
    model = mk.Model([q, v], mha(q, v))
    np.testing.assert_allclose(model.predict([Q, V], verbose=0), mha(Q, V), rtol=1e-6)
    np.testing.assert_allclose(mha(Q, V), mha(Q, V, key=V), rtol=1e-6)


def test_multi_head_attention_embedding_masks_equal_explicit_masks():
    ids = mk.Input((5,), dtype="int32")
    x = L.Embedding(8, 4, mask_zero=True)(ids)
    mha = L.MultiHeadAttention(2, 3, name="mha")
    model = mk.Model(ids, mha(x, x))
    masks = {}
    predicted = model.apply(model.params, TOKENS, masks=masks)
    np.testing.assert_array_equal(masks["mha"]["output_mask"], TOKENS != 0)
    embedded = model.layers[1](TOKENS)
    explicit = mha(embedded, embedded, query_mask=TOKENS != 0, value_mask=TOKENS != 0)
    np.testing.assert_allclose(predicted, explicit, rtol=1e-6)
    by_attention_mask = mha(embedded, embedded, attention_mask=(TOKENS != 0)[:, :, None] & (TOKENS != 0)[:, None])
    np.testing.assert_allclose(predicted, by_attention_mask, rtol=1e-6)


def test_multi_head_attention_scores_per_head_with_causal_mask():
    x = RNG.normal(size=(2, 4, 4)).astype("float32")
    out, scores = L.MultiHeadAttention(3, 2)(x, x, use_causal_mask=True, return_attention_scores=True)
    assert out.shape == (2, 4, 4) and scores.shape == (2, 3, 4, 4)
    assert np.all(np.triu(scores[0, 0], 1) == 0)
    np.testing.assert_allclose(scores.sum(-1), 1.0, rtol=1e-6)


def test_multi_head_attention_output_shape_and_config_round_trip():
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, output_shape=7, dropout=0.1, use_bias=False)
    assert mha(Q, V).shape == (2, 3, 7)
    again = L.MultiHeadAttention.from_config(mha.get_config())
    assert again(Q, V).shape == (2, 3, 7) and [w.shape for w in again.get_weights()] == \
        [w.shape for w in mha.get_weights()]


def test_attention_model_trains():
    q_ids = mk.Input((5,), dtype="int32")
    x = L.Embedding(8, 8, mask_zero=True)(q_ids)
    h = L.MultiHeadAttention(2, 4)(x, x)
    h = L.Attention()([h, x])
    out = L.Dense(1, activation="sigmoid")(L.GlobalAveragePooling1D()(h))
    model = mk.Model(q_ids, out)
    model.compile(optimizer=mk.optimizers.Adam(0.01), loss="binary_crossentropy")
    ids = np.random.default_rng(1).integers(0, 8, size=(64, 5))
    target = (ids == 3).any(axis=1).astype("float32")
    history = model.fit(ids, target, epochs=40, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


# ---- errors -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [L.Attention, L.AdditiveAttention])
def test_feature_sizes_that_disagree_name_the_layer_and_shapes(make):
    layer = make(name="att")
    with pytest.raises(ValueError, match=r"'att'.*query and key.*\(None, 3, 4\).*\(None, 5, 6\)"):
        layer([Q, RNG.normal(size=(2, 5, 6))])
    with pytest.raises(ValueError, match=r"'att'.*query and key"):
        layer([mk.Input((3, 4)), mk.Input((5, 6))])
    assert not layer.built          # the bad call built nothing
    layer([Q, V])


def test_value_and_key_steps_must_agree():
    with pytest.raises(ValueError, match="value and key must have the same number of steps"):
        L.Attention()([Q, V, RNG.normal(size=(2, 6, 4))])


@pytest.mark.parametrize("inputs", [Q, [Q], [Q, V, V, V]])
def test_attention_needs_a_list_of_two_or_three(inputs):
    with pytest.raises(ValueError, match=r"Attention\) takes inputs \[query, value\] or \[query, value, key\]"):
        L.Attention()(inputs)


def test_mask_of_the_wrong_shape_names_the_layer_and_the_shapes():
    layer = L.Attention(name="att")
    with pytest.raises(ValueError, match=r"'att'.*value mask must have shape \(batch, steps\) = \(2, 5\), got "
                                         r"shape \(2, 4\)"):
        layer([Q, V], mask=[None, np.ones((2, 4), bool)])
    mha = L.MultiHeadAttention(2, 2, name="mha")
    with pytest.raises(ValueError, match=r"'mha'.*query mask.*\(2, 3\).*\(2, 5\)"):
        mha(Q, V, query_mask=np.ones((2, 5), bool))
    with pytest.raises(ValueError, match=r"'mha'.*attention_mask must have shape.*\(2, 3, 5\).*\(2, 5, 3\)"):
        mha(Q, V, attention_mask=np.ones((2, 5, 3), bool))
    before = mha.get_weights()
    mha(Q, V)
    for a, b in zip(before, mha.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kwargs,match", [
    ({"num_heads": 0, "key_dim": 2}, "num_heads must be a positive integer, got 0"),
    ({"num_heads": 2.5, "key_dim": 2}, "num_heads must be a positive integer, got 2.5"),
    ({"num_heads": "2", "key_dim": 2}, "num_heads must be a positive integer, got '2'"),
    ({"num_heads": None, "key_dim": 2}, "num_heads must be a positive integer, got None"),
    ({"num_heads": 2, "key_dim": -1}, "key_dim must be a positive integer, got -1"),
    ({"num_heads": 2, "key_dim": 2, "value_dim": 0}, "value_dim must be a positive integer or None, got 0"),
    ({"num_heads": 2, "key_dim": 2, "dropout": 1.0}, r"dropout must be a number in \[0, 1\)"),
    ({"num_heads": 2, "key_dim": 2, "use_gate": True}, "use_gate=True is not supported"),
])
def test_bad_multi_head_attention_arguments(kwargs, match):
    with pytest.raises(ValueError, match="MultiHeadAttention: " + match):
        L.MultiHeadAttention(**kwargs)


def test_bad_attention_arguments():
    with pytest.raises(ValueError, match="Attention: score_mode must be 'dot' or 'concat', got 'add'"):
        L.Attention(score_mode="add")
    with pytest.raises(ValueError, match=r"AdditiveAttention: dropout must be a number in \[0, 1\), got -0.1"):
        L.AdditiveAttention(dropout=-0.1)


def test_multi_head_attention_shape_errors():
    mha = L.MultiHeadAttention(2, 2, name="mha")
    with pytest.raises(TypeError, match=r"'mha'.*needs a value"):
        mha(Q)
    with pytest.raises(ValueError, match=r"'mha'.*value and key must have the same shape except the last axis"):
        mha(Q, V, key=RNG.normal(size=(2, 4, 4)))
    with pytest.raises(ValueError, match=r"'mha'.*attention_axes=\(2,\) is not supported"):
        L.MultiHeadAttention(2, 2, attention_axes=2, name="mha")(RNG.normal(size=(2, 3, 4, 4)),
                                                                  RNG.normal(size=(2, 3, 4, 4)))
    mha(Q, V)
    with pytest.raises(ValueError, match=r"'mha'.*built for query features 4, got query shape \(None, 3, 6\)"):
        mha(RNG.normal(size=(2, 3, 6)), V)


def test_keras2_causal_constructor_argument_warns_and_means_use_causal_mask():
    from minikeras.legacy import LegacyArgumentWarning
    x = RNG.normal(size=(2, 4, 4)).astype("float32")
    with pytest.warns(LegacyArgumentWarning, match=r"Attention\(causal=...\)"):
        layer = L.Attention(causal=True)
    np.testing.assert_allclose(layer([x, x]), L.Attention()([x, x], use_causal_mask=True), rtol=1e-6)


def test_an_attention_mask_that_broadcasts_masks_as_its_full_form_does():
    # keras.io's English-to-Spanish transformer passes a (batch, 1, S) padding mask
    mha = L.MultiHeadAttention(2, 2, name="mha")
    keys = np.ones((2, 1, 5), bool)
    keys[0, 0, 3:] = False
    np.testing.assert_array_equal(mha(Q, V, attention_mask=keys),
                                  mha(Q, V, attention_mask=np.broadcast_to(keys, (2, 3, 5))))
    np.testing.assert_array_equal(mha(Q, V, attention_mask=np.ones((1, 3, 1), bool)), mha(Q, V))

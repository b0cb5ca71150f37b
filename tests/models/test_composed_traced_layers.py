"""Built-in layers without a hand-written backward pass (dropout and noise, reshaping, pooling, LayerNormalization,
the other activation layers, Dense or Conv with other activations, attention with dropout) run traced alone inside
the composed training step: loss and gradients equal the traced step's given the same random generator, training
gives the same weights, and a layer that adds a penalty keeps the model on the traced step."""
import numpy as np
import pytest

import minikeras as K
from minikeras import layers as L
from minikeras.models import composed_step
from composed_training import assert_composed_equals_traced, assert_trained_alike_both_ways, prepared_batch

pytestmark = pytest.mark.usefixtures("float64")    # tests/conftest.py


def padded(rows, steps, vocabulary, seed):
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, vocabulary, size=(rows, steps))
    ids[np.arange(steps)[None, :] >= rng.integers(2, steps + 1, size=rows)[:, None]] = 0
    return ids


def dropout_tagger():
    ids = K.Input((6,), dtype="int32")
    h = L.SpatialDropout1D(0.3)(L.Embedding(11, 4, mask_zero=True)(ids))
    h = L.Dropout(0.5)(L.Bidirectional(L.LSTM(3, return_sequences=True))(h))
    model = K.Model(ids, L.TimeDistributed(L.Dense(5, activation="softmax"))(h))
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    x = padded(5, 6, 11, seed=0)
    return model, x, np.eye(5)[x % 5]


def conv_text():
    ids = K.Input((8,), dtype="int32")
    h = L.Conv1D(3, 3, activation="relu")(L.Embedding(11, 4)(ids))
    h = L.GaussianNoise(0.1)(L.MaxPooling1D(2)(h))
    h = L.AlphaDropout(0.2)(L.Dense(4, activation="selu")(L.Flatten()(h)))
    model = K.Model(ids, L.Dense(1, activation="sigmoid")(h))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = np.random.default_rng(1).integers(1, 11, size=(5, 8))
    return model, x, (x[:, :1] % 2).astype(float)


def reshaping_chain():
    inputs = K.Input((6, 4))
    h = L.Cropping1D((1, 1))(L.ZeroPadding1D(1)(inputs))
    h = L.LayerNormalization()(L.AveragePooling1D(2)(L.UpSampling1D(2)(h)))
    slopes = L.PReLU(alpha_initializer=K.initializers.Constant(0.25))
    h = L.GaussianDropout(0.2)(L.ELU()(slopes(L.LeakyReLU(0.2)(h))))
    h = L.Reshape((6, 4))(L.Permute((2, 1))(h))
    pooled = L.Softmax()(L.Flatten()(L.RepeatVector(3)(L.GlobalMaxPooling1D()(h))))
    merged = L.Concatenate()([pooled, L.Flatten()(h)])
    model = K.Model(inputs, L.Dense(2)(L.ReLU(max_value=0.5, negative_slope=0.1)(merged)))
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(2)
    return model, rng.normal(size=(5, 6, 4)), rng.normal(size=(5, 2))


def image_chain():
    inputs = K.Input((6, 6, 2))
    h = L.MaxPooling2D(2)(L.Conv2D(3, 3, padding="same", activation="swish")(inputs))
    h = L.UpSampling2D(2)(L.Cropping2D(1)(L.ZeroPadding2D(1)(h)))
    h = L.SpatialDropout2D(0.3)(L.AveragePooling2D(2)(h))
    merged = L.Concatenate()([L.GlobalMaxPooling2D()(h), L.GlobalAveragePooling2D()(h)])
    model = K.Model(inputs, L.Dense(2)(L.Activation("gelu")(merged)))
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(3)
    return model, rng.normal(size=(4, 6, 6, 2)), rng.normal(size=(4, 2))


def masked_sequence():
    inputs = K.Input((5, 3))
    h = L.LSTM(3)(L.Masking(0.0)(inputs))
    model = K.Model(inputs, L.Dense(2)(h))
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(4)
    x = rng.normal(size=(4, 5, 3))
    x[0, 3:] = 0.0
    x[2, :2] = 0.0
    return model, x, rng.normal(size=(4, 2))


def attention_with_dropout():
    ids = K.Input((6,), dtype="int32")
    x = L.Embedding(11, 4, mask_zero=True)(ids)
    h = L.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.3)(x, x)
    h = L.Attention(dropout=0.4)([h, x])
    model = K.Model(ids, L.Dense(3, activation="softmax")(L.GlobalAveragePooling1D()(h)))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = padded(5, 6, 11, seed=5)
    return model, x, x[:, 0] % 3


MODELS = [dropout_tagger, conv_text, reshaping_chain, image_chain, masked_sequence, attention_with_dropout]


@pytest.mark.parametrize("make", MODELS)
def test_composed_step_with_layers_traced_alone_equals_the_traced_step(make):
    model, x, y = make()
    xs, ys, sws = prepared_batch(model, x, y)
    plan = composed_step.composed_plan(model)
    assert plan is not None and any(how == "traced" for _, how in plan)
    _, grads, _, _ = assert_composed_equals_traced(model, xs, ys, sws, seed=7)
    assert all(np.any(g != 0) for g in grads)


def test_random_layers_draw_in_the_composed_step():
    """Not a silent inference pass: another generator gives another loss."""
    model, x, y = dropout_tagger()
    xs, ys, sws = prepared_batch(model, x, y)
    losses = {float(composed_step.composed_loss_and_grads(model, model.params, xs, ys, sws,
                                                          rng=np.random.default_rng(seed))[0]) for seed in (1, 2)}
    assert len(losses) == 2


@pytest.mark.parametrize("make", [dropout_tagger, attention_with_dropout])
def test_training_with_dropout_in_composed_steps_gives_the_traced_weights(make):
    def build_and_fit():
        model, x, y = make()
        return model, model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0)
    assert_trained_alike_both_ways(build_and_fit)


def test_layers_that_add_a_penalty_keep_the_traced_step():
    inputs = K.Input((4,))
    for layer in (L.LayerNormalization(gamma_regularizer="l2"), L.Dense(3, activation="selu", kernel_regularizer="l1"),
                  L.Dropout(0.2, activity_regularizer="l2"), L.PReLU(alpha_regularizer="l2")):
        model = K.Model(inputs, L.Dense(1)(layer(inputs)))
        assert composed_step.composed_plan(model) is None, type(layer).__name__

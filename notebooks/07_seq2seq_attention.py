# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 7. Sequence to sequence with attention
#
# **The task**: read a sequence of 8 digits and write it out reversed. The answer's first digit is the source's
# last one: an encoder–decoder that squeezes the whole source into one state vector has to remember every digit
# in order; with **attention**, the decoder looks back at the encoder's output at every step and can simply pick
# the step it needs.
#
# **The model** (Keras's functional API, unchanged):
#
# - an *encoder* `Embedding → LSTM(return_sequences=True, return_state=True)` reads the source;
# - a *decoder* `Embedding → LSTM(return_sequences=True)` starts from the encoder's final state and reads the
#   answer shifted right by one (a start token first: *teacher forcing*);
# - `Attention()([decoder steps, encoder steps])` gives each decoder step a weighted average of the encoder steps,
#   the weights being a softmax of dot products;
# - `Dense(softmax)` on [decoder step, attention context] predicts the next digit.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from minikeras.utils import set_random_seed, plot_history
set_random_seed(0)

DIGITS, T = 8, 8
START = DIGITS + 1            # token 0 is kept free (padding), 1..8 are digits, 9 starts the answer
VOCABULARY = DIGITS + 2

def make_data(n, rng):
    source = rng.integers(1, DIGITS + 1, size=(n, T))
    target = source[:, ::-1]
    decoder_input = np.concatenate([np.full((n, 1), START), target[:, :-1]], axis=1)
    return source, decoder_input, target

source, decoder_input, target = make_data(4000, np.random.default_rng(0))
print("source        ", source[0])
print("decoder input ", decoder_input[0])
print("target        ", target[0])

# %%
from minikeras import Model, Input
from minikeras.layers import Embedding, LSTM, Attention, Concatenate, Dense
from minikeras.optimizers import Adam

def seq2seq(with_attention, units=32):
    src = Input((T,), dtype="int32", name="source")
    dec = Input((T,), dtype="int32", name="decoder_input")
    encoder_steps, h, c = LSTM(units, return_sequences=True, return_state=True, name="encoder")(
        Embedding(VOCABULARY, 16, name="source_embedding")(src))
    decoder_steps = LSTM(units, return_sequences=True, name="decoder")(
        Embedding(VOCABULARY, 16, name="answer_embedding")(dec), initial_state=[h, c])
    if with_attention:
        context, weights = Attention(name="attention")([decoder_steps, encoder_steps], return_attention_scores=True)
        decoder_steps = Concatenate()([decoder_steps, context])
    next_digit = Dense(VOCABULARY, activation="softmax", name="next_digit")(decoder_steps)
    model = Model([src, dec], next_digit)
    model.compile(optimizer=Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # a second model on the same layers (same weights) that returns the attention weights
    return (model, Model([src, dec], weights)) if with_attention else (model, None)

model, attention_weights = seq2seq(with_attention=True)
model.summary()

# %% [markdown]
# Both models train for the same 12 epochs; the one without attention is the same code without the
# `Attention` layer.

# %%
def fit(model):
    return model.fit([source, decoder_input], target, epochs=12, batch_size=64, validation_split=0.2, verbose=0)

history = fit(model)
baseline, _ = seq2seq(with_attention=False)
baseline_history = fit(baseline)
for name, h in (("with attention", history), ("without attention", baseline_history)):
    print(f"{name:18s} validation accuracy per digit {h.history['val_accuracy'][-1]:.3f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
for ax, (name, h) in zip(axes, (("with attention", history), ("without attention", baseline_history))):
    plot_history(h, metrics=["accuracy"], ax=ax, title=name)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Writing an answer: greedy decoding
#
# Training fed the decoder the true previous digit. To answer a new source, the model feeds itself: start with
# the start token, predict the first digit, append it, predict the second, and so on (`T` calls).

# %%
def answer(model, sources):
    decoded = np.zeros_like(sources)
    decoder_in = np.zeros_like(sources)
    decoder_in[:, 0] = START
    for t in range(T):
        probabilities = model.predict([sources, decoder_in], verbose=0)
        decoded[:, t] = probabilities[:, t].argmax(-1)
        if t + 1 < T:
            decoder_in[:, t + 1] = decoded[:, t]
    return decoded

test_source, _, test_target = make_data(500, np.random.default_rng(1))
for name, m in (("with attention", model), ("without attention", baseline)):
    decoded = answer(m, test_source)
    print(f"{name:18s} whole answers right: {np.mean((decoded == test_target).all(axis=1)):.1%}")
print("source ", test_source[0], "\nanswer ", answer(model, test_source[:1])[0])

# %% [markdown]
# ## Where the decoder looks
#
# Row *t* of the attention weights says how much each source step contributed to answer step *t*. For reversal
# the model has learned to look at source step `T - 1 - t`: the anti-diagonal.

# %%
example = test_source[:1]
decoder_in = np.concatenate([[[START]], answer(model, example)[:, :-1]], axis=1)
weights = attention_weights.predict([example, decoder_in], verbose=0)[0]      # (answer steps, source steps)

fig, ax = plt.subplots(figsize=(5, 4.5))
image = ax.imshow(weights, cmap="viridis", vmin=0, vmax=1)
ax.set_xticks(range(T), [str(d) for d in example[0]])
ax.set_yticks(range(T), [str(d) for d in answer(model, example)[0]])
ax.set_xlabel("source digit")
ax.set_ylabel("answer digit")
ax.set_title("attention weights")
fig.colorbar(image, ax=ax)
plt.show()

# %% [markdown]
# ## Variations
#
# - `AdditiveAttention()` (Bahdanau's scores, `sum(scale * tanh(q + k))`) is a drop-in replacement for
#   `Attention()`; `Attention(score_mode="concat")` is the same idea with scalar weights.
# - `MultiHeadAttention(num_heads, key_dim)(decoder_steps, encoder_steps)` learns its own projections per head.
# - With padded sources, `Embedding(mask_zero=True)` passes the mask on and the padding gets no attention.
# See the guide *Attention for sequence models* for each of them.

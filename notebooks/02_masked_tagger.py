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
# # 2. A sequence tagger with padding and masks
#
# Sentences have different lengths; to batch them we pad them with 0. `Embedding(mask_zero=True)` turns the
# zeros into a *mask*, and every later layer skips the masked steps. Here we check that the mask really keeps
# the padding out: out of the predictions, and out of the loss and accuracy.
#
# **The task**: tokens are 1..5; tag a token 1 when it is larger than the token before it.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from minikeras.utils import set_random_seed, plot_history
set_random_seed(0)

# %%
from minikeras import Input, Model
from minikeras.layers import Embedding, LSTM, Dense
from minikeras.optimizers import Adam
from minikeras.utils import pad_sequences

vocab = 6                                                   # 0 is padding, tokens are 1..5

def sentence():
    tokens = np.random.randint(1, vocab, np.random.randint(3, 9))
    return tokens, np.r_[0, tokens[1:] > tokens[:-1]].astype(int)

data = [sentence() for _ in range(600)]
x = pad_sequences([s for s, _ in data], maxlen=10)          # 'pre' padding: zeros first
y = pad_sequences([t for _, t in data], maxlen=10)
print(x[:3]); print(y[:3])


# %% [markdown]
# Two taggers, the same but for `mask_zero`:

# %%
def tagger(mask_zero):
    words = Input(shape=(None,), dtype="int32")             # any length
    h = Embedding(vocab, 8, mask_zero=mask_zero)(words)
    h = LSTM(16, return_sequences=True)(h)
    model = Model(words, Dense(2, activation="softmax")(h))
    model.compile(optimizer=Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

masked, unmasked = tagger(True), tagger(False)
histories = {name: m.fit(x, y, epochs=4, batch_size=32, validation_split=0.2, verbose=0)
             for name, m in (("masked", masked), ("unmasked", unmasked))}

# %% [markdown]
# ## Where the mask goes
#
# `show_masks` prints, for one sample, the mask each layer receives and emits (`■` a step the layer uses, `·` a step it ignores, `-` no mask).

# %%
from minikeras.utils import show_masks
show_masks(masked, x[:1])
masked.summary(show_masks=True)

# %% [markdown]
# ## Padding does not change the predictions
#
# (Both taggers were trained for only 4 epochs, so their differences are still easy to see.)
#
# The same sentence, padded to different lengths. With the mask, the predictions at the real steps are the
# same whatever the padding; without it, the LSTM reads the zeros first and its predictions drift.

# %%
sentence_ = np.array([3, 1, 3, 4])
for name, model in (("masked", masked), ("unmasked", unmasked)):
    print(name)
    for maxlen in (4, 6, 10, 14):
        p = model.predict(pad_sequences([sentence_], maxlen=maxlen), verbose=0)[0, -4:, 1]
        print(f"  padded to {maxlen:2d}: P(tag=1) =", p.round(3))

# %% [markdown]
# ## Padding does not count in the accuracy
#
# Keras reports the accuracy over the steps that reach the loss. With the mask these are the real steps;
# without it the padding counts too, and predicting "0" for padding is easy, so the number looks better than the
# tagger is.

# %%
x_val, y_val = x[-120:], y[-120:]
real = x_val != 0
for name, model in (("masked", masked), ("unmasked", unmasked)):
    reported = histories[name].history["val_accuracy"][-1]
    predicted = model.predict(x_val, verbose=0).argmax(-1)
    print(f"{name:9s} reported {reported:.3f}   on real steps {(predicted == y_val)[real].mean():.3f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
for ax, (name, history) in zip(axes, histories.items()):
    plot_history(history, metrics=["accuracy"], ax=ax, title=name)
plt.show()

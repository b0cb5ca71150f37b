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
# # 4. Bidirectional vs unidirectional
#
# **The task**: a sequence of random bits; the label at step *t* is the bit at step *t + 1* (the last step is
# labelled 0). A left-to-right LSTM cannot know the future bit: it can only guess. A `Bidirectional` LSTM also
# reads the sequence backwards, so at step *t* it has seen step *t + 1*.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from minikeras.utils import set_random_seed, plot_history
set_random_seed(0)

# %%
from minikeras import Sequential
from minikeras.layers import LSTM, Bidirectional, Dense
from minikeras.optimizers import Adam

n, T = 512, 8
bits = np.random.randint(0, 2, (n, T)).astype("float32")
x = bits[..., None]
y = np.zeros((n, T), "int32")
y[:, :-1] = bits[:, 1:]

def tagger(first_layer):
    model = Sequential([first_layer, Dense(2, activation="softmax")])
    model.compile(optimizer=Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

def fit(model):
    return model.fit(x, y, epochs=40, batch_size=32, validation_split=0.25, verbose=0)

histories = {"unidirectional": fit(tagger(LSTM(8, return_sequences=True, input_shape=(T, 1))))}
for mode in ("concat", "sum", "mul", "ave"):
    layer = Bidirectional(LSTM(8, return_sequences=True), merge_mode=mode, input_shape=(T, 1))
    histories[f"bidirectional ({mode})"] = fit(tagger(layer))

# %% [markdown]
# The best a one-directional model can do is 1/8 (the last step, always 0) + 7/8 × 1/2 ≈ 0.56.

# %%
for name, history in histories.items():
    print(f"{name:24s} validation accuracy {history.history['val_accuracy'][-1]:.3f}")

plt.figure(figsize=(7, 3.5))
for name, history in histories.items():
    plt.plot(history.history["val_accuracy"], label=name)
plt.axhline(1 / 8 + 7 / 16, color="gray", linestyle=":", label="best guess without the future")
plt.xlabel("epoch"); plt.ylabel("validation accuracy"); plt.legend(); plt.show()

# %% [markdown]
# ## Merge modes
#
# `merge_mode` combines the two directions: `concat` puts them side by side (twice the features), `sum`, `mul`
# and `ave` combine them element-wise, `None` returns both. Their output shapes:

# %%
for mode in ("concat", "sum", "mul", "ave", None):
    out = Bidirectional(LSTM(8, return_sequences=True), merge_mode=mode)(x[:2])
    shapes = [o.shape for o in out] if isinstance(out, list) else out.shape
    print(f"{str(mode):7s}", shapes)

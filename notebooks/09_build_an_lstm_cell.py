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
# # 9. Build an LSTM cell yourself
#
# Keras teaches new layers by subclassing: `build` creates the weights with `add_weight`, `call` computes with
# them. Here we write an LSTM cell that way — the four gates, as in the Keras documentation — run it with
# `RNN(cell)` on the echo task, and check it against the built-in `LSTM`: given the same weights it gives the same
# numbers, and it trains the same way. The code is Keras 3 code with `keras` replaced by `minikeras`.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from minikeras import Sequential, Input, layers, ops
from minikeras.utils import set_random_seed
set_random_seed(0)

# %% [markdown]
# ## The cell
#
# Keras keeps the four gates side by side in one kernel, in the order input, forget, cell, output; the bias starts
# at one for the forget gate (`unit_forget_bias`). `call(inputs, states)` gets the step's input and the carried
# states `[h, c]`, and returns the output and the new states.

# %%
class MyLSTMCell(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, units]

    def build(self, input_shape):
        u = self.units
        self.kernel = self.add_weight(shape=(input_shape[-1], 4 * u), initializer="glorot_uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(u, 4 * u), initializer="orthogonal",
                                                name="recurrent_kernel")
        forget_bias = np.concatenate([np.zeros(u), np.ones(u), np.zeros(2 * u)])
        self.bias = self.add_weight(shape=(4 * u,), initializer="zeros", name="bias")
        self.bias.assign(forget_bias)

    def call(self, inputs, states):
        h, c = states
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h, self.recurrent_kernel) + self.bias
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        i = ops.sigmoid(z_i)                  # input gate: how much of the new candidate to let in
        f = ops.sigmoid(z_f)                  # forget gate: how much of the old memory to keep
        c = f * c + i * ops.tanh(z_c)         # the new memory
        o = ops.sigmoid(z_o)                  # output gate
        h = o * ops.tanh(c)
        return h, [h, c]


# %% [markdown]
# ## The echo task, twice
#
# The same model as in [notebook 1](01_echo.ipynb), once with the built-in `LSTM` and once with `RNN(MyLSTMCell)`.

# %%
length = 5
seq = np.array([i / length for i in range(length)])
X = seq.reshape(1, length, 1)
y = seq.reshape(1, length, 1)


def echo_model(recurrent_layer):
    model = Sequential([Input((length, 1)), recurrent_layer, layers.TimeDistributed(layers.Dense(1))])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model


builtin = echo_model(layers.LSTM(length, return_sequences=True))
ours = echo_model(layers.RNN(MyLSTMCell(length), return_sequences=True))
print([w.shape for w in builtin.get_weights()])
print([w.shape for w in ours.get_weights()])

# %% [markdown]
# The weights have the same shapes in the same order, so one model's weights fit the other. Given the same
# weights, the two predict the same numbers:

# %%
ours.set_weights(builtin.get_weights())
difference = np.abs(ours.predict(X, verbose=0) - builtin.predict(X, verbose=0)).max()
print(f"largest difference before training: {difference:.2e}")

# %% [markdown]
# ## Training both
#
# From the same starting weights, both move toward the echo in the same way. Our cell runs through the readable step-by-step path
# (the built-in LSTM has a fused kernel), so it is slower, but the losses follow each other closely.

# %%
history_builtin = builtin.fit(X, y, epochs=600, batch_size=1, verbose=0)
history_ours = ours.fit(X, y, epochs=600, batch_size=1, verbose=0)
plt.plot(history_builtin.history["loss"], label="built-in LSTM")
plt.plot(history_ours.history["loss"], "--", label="RNN(MyLSTMCell)")
plt.yscale("log")
plt.xlabel("epoch")
plt.ylabel("mean squared error")
plt.legend()
plt.show()

# %%
gap = np.abs(np.array(history_builtin.history["loss"]) - np.array(history_ours.history["loss"])).max()
print(f"largest gap between the two loss curves: {gap:.2e}")
print("predicted:", " ".join(f"{v:.2f}" for v in ours.predict(X, verbose=0)[0, :, 0]))

# %% [markdown]
# The weights of our cell live in `model.params` like any built-in layer's, and `model.apply(params, X)` is still
# one pure function: the guide `docs/guides/pure-core.md` shows how to differentiate it yourself.
# For more on writing layers, see `docs/guides/custom-layers.md` ("Writing your own layers and models").

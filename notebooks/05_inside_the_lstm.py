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
# # 5. Inside the LSTM
#
# A minikeras model is a pure function `model.apply(params, x)` over a plain dict of arrays. This notebook opens
# it up: the params dict, the LSTM step equations, a training loop written by hand with `autograd.grad`, and a
# gradient check.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from minikeras.utils import set_random_seed, plot_history
set_random_seed(0)

# %%
import autograd.numpy as anp
from autograd import grad
from minikeras import Sequential
from minikeras.layers import LSTM, Dense

model = Sequential([LSTM(4, input_shape=(6, 1), name="lstm"), Dense(1, name="out")])
params = model.params
for layer, weights in params.items():
    for name, w in weights.items():
        print(f"{layer:5s} {name:17s} {w.shape}")

# %% [markdown]
# The LSTM's kernel holds the four gates side by side, in Keras's order **i, f, c, o** (input, forget, cell
# candidate, output): `kernel (features, 4u)`, `recurrent_kernel (u, 4u)`, `bias (4u,)`.

# %% [markdown]
# ## The step equations
#
# With $z = x_t W + h_{t-1} U + b$ split into four blocks:
#
# $$i = \sigma(z_i),\quad f = \sigma(z_f),\quad o = \sigma(z_o),\quad
# c_t = f \odot c_{t-1} + i \odot \tanh(z_c),\quad h_t = o \odot \tanh(c_t)$$
#
# Here they are written by hand, next to minikeras's own step, `LSTMCell.step` in
# `minikeras/layers/rnn/cells.py`:

# %%
import inspect
from minikeras.layers import LSTMCell
print(inspect.getsource(LSTMCell.step))


# %%
def lstm_step(p, x_t, h, c):
    z = x_t @ p["kernel"] + h @ p["recurrent_kernel"] + p["bias"]
    u = h.shape[1]
    sigmoid = lambda v: 1 / (1 + np.exp(-v))
    i, f, o = sigmoid(z[:, :u]), sigmoid(z[:, u:2 * u]), sigmoid(z[:, 3 * u:])
    c = f * c + i * np.tanh(z[:, 2 * u:3 * u])
    return o * np.tanh(c), c

x = np.random.rand(8, 6, 1).astype("float32")
y = x.mean(axis=1)                                       # target: the mean of each sequence
h = c = np.zeros((8, 4), "float32")
cell = model.layers[0].cell
h_ref, c_ref = h, c
for t in range(6):
    h, c = lstm_step(params["lstm"], x[:, t], h, c)
    _, (h_ref, c_ref) = cell.step(params["lstm"], x[:, t], [h_ref, c_ref])
print("hand-written step == LSTMCell.step:", np.allclose(h, h_ref, atol=1e-6))
print("== the layer (its fused kernel):   ", np.allclose(h, model.layers[0].call(params["lstm"], x), atol=1e-5))

# %% [markdown]
# ## `apply`: the whole model as a function

# %%
print(np.allclose(model.apply(params, x), model.predict(x, verbose=0)))

def loss(p):
    return anp.mean((model.apply(p, x) - y) ** 2)

g = grad(loss)(params)                                   # a dict shaped like params
print({layer: {name: v.shape for name, v in d.items()} for layer, d in g.items()})

# %% [markdown]
# ## A training loop by hand
#
# Plain gradient descent on the dict, nothing else:

# %%
p, curve = params, []
for step in range(300):
    curve.append(float(loss(p)))
    gradient = grad(loss)(p)
    p = {layer: {name: w - 0.5 * gradient[layer][name] for name, w in weights.items()} for layer, weights in p.items()}
plt.figure(figsize=(6, 3)); plt.plot(curve); plt.yscale("log")
plt.xlabel("step"); plt.ylabel("loss"); plt.title("hand-written gradient descent"); plt.show()
model.params = p                                         # hand the result back to the Keras face
print("predict == apply:", np.allclose(model.predict(x, verbose=0), model.apply(p, x)))

# %% [markdown]
# ## Checking the gradient
#
# `check_grads` compares autograd's gradient with finite differences (in float64, so they are accurate). The
# fused recurrent kernel defines reverse-mode gradients, so check those.

# %%
from autograd.test_util import check_grads

p64 = {layer: {name: w.astype("float64") for name, w in d.items()} for layer, d in p.items()}
x64, y64 = x.astype("float64"), y.astype("float64")

def loss_of_recurrent_kernel(u):
    trial = {**p64, "lstm": {**p64["lstm"], "recurrent_kernel": u}}
    return anp.mean((model.apply(trial, x64) - y64) ** 2)

check_grads(loss_of_recurrent_kernel, modes=["rev"], order=1)(p64["lstm"]["recurrent_kernel"])
print("gradient check passed")

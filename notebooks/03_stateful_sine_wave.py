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
# # 3. A stateful LSTM on a sine wave
#
# A long series is cut into windows. With `stateful=True` the LSTM carries its state from one window to the
# next, so it remembers what came before the window. The rules: a fixed batch size (`batch_input_shape`),
# `shuffle=False`, and `reset_states()` when a new pass over the series begins.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from minikeras.utils import set_random_seed, plot_history
set_random_seed(0)

# %%
from minikeras import Sequential
from minikeras.layers import LSTM, Dense

streams, steps = 4, 10                       # 4 parallel pieces of the series, windows of 10 steps
t = np.arange(streams * 100 + 1)
series = np.sin(2 * np.pi * t / 25).astype("float32")

def windows(values):
    """Row i of batch k+1 continues row i of batch k."""
    cut = values.reshape(streams, -1).reshape(streams, -1, steps).transpose(1, 0, 2)
    return cut.reshape(-1, steps, 1)

x, y = windows(series[:-1]), windows(series[1:])     # predict the next value at every step
print(x.shape, y.shape)

# %%
model = Sequential([
    # timesteps None: trained on windows of 10 steps, it can later be fed one step at a time
    LSTM(16, stateful=True, return_sequences=True, batch_input_shape=(streams, None, 1)),
    Dense(1),
])
model.compile(optimizer="adam", loss="mse")

losses = []
for epoch in range(40):
    history = model.fit(x, y, batch_size=streams, epochs=1, shuffle=False, verbose=0)
    losses.append(history.history["loss"][0])
    model.reset_states()                      # the next epoch reads the series from its start
plot_history({"loss": losses}, title="stateful LSTM: loss per epoch")
plt.show()

# %% [markdown]
# ## The prediction
#
# Predict the whole series window by window, the state carried along:

# %%
model.reset_states()
predicted = model.predict(x, batch_size=streams, verbose=0)

def unwindow(w):
    return w.reshape(-1, streams, steps).transpose(1, 0, 2).reshape(-1)

plt.figure(figsize=(10, 3))
plt.plot(unwindow(y)[:200], label="series (next value)")
plt.plot(unwindow(predicted)[:200], "--", label="predicted")
plt.legend(); plt.xlabel("time step"); plt.show()
print(f"mean absolute error: {np.abs(predicted - y).mean():.3f}")

# %% [markdown]
# The plot shows streams 0 and 1 one after the other. At steps 0 and 100 a stream begins, from a zero state:
# there the model has not yet seen enough of the wave to know where it is.

# %% [markdown]
# ## Without the state
#
# Reset the state before every window and the model loses the context: the first steps of each window have to
# guess where on the wave they are.

# %%
forgetful = []
for k in range(len(x) // streams):
    model.reset_states()
    forgetful.append(model.predict(x[k * streams:(k + 1) * streams], batch_size=streams, verbose=0))
forgetful = np.concatenate(forgetful)
print(f"error on the first step of a window: carried state {np.abs(predicted - y)[:, 0].mean():.3f}, "
      f"reset each window {np.abs(forgetful - y)[:, 0].mean():.3f}")

# %% [markdown]
# ## One step at a time
#
# `with_batch_size(1)` gives the same model built for batches of 1, with a copy of the trained weights. Since the
# model was built with `timesteps=None`, it takes one step at a time: feed the series as it arrives.

# %%
online = model.with_batch_size(1)
online.reset_states()
stream0 = series[:100]
step_predictions = [online.predict(v.reshape(1, 1, 1), batch_size=1, verbose=0)[0, 0, 0] for v in stream0]
plt.figure(figsize=(10, 3))
plt.plot(series[1:101], label="series (next value)")
plt.plot(step_predictions, "--", label="predicted one step at a time")
plt.legend(); plt.show()

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
# # 1. The echo task
#
# The first model of the founding documents: an LSTM reads the sequence `0.0 0.2 0.4 0.6 0.8`, one number per
# time step, and learns to output the same number at every step. It is Keras code, line for line, with `keras`
# replaced by `minikeras`.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from minikeras.utils import set_random_seed, plot_history
set_random_seed(0)

# %%
from minikeras import Sequential
from minikeras.layers import LSTM, TimeDistributed, Dense

length = 5
seq = np.array([i / length for i in range(length)])
X = seq.reshape(1, length, 1)    # (samples, timesteps, features)
y = seq.reshape(1, length, 1)

model = Sequential()
model.add(LSTM(length, input_shape=(length, 1), return_sequences=True))
model.add(TimeDistributed(Dense(1)))
model.compile(loss="mean_squared_error", optimizer="adam")
model.summary()

# %% [markdown]
# `fit` returns a `History`: one list per metric, one entry per epoch. `verbose=0` keeps the notebook quiet.

# %%
history = model.fit(X, y, epochs=1000, batch_size=1, verbose=0)
print(f"loss: first epoch {history.history['loss'][0]:.4f}, last epoch {history.history['loss'][-1]:.6f}")

# %% [markdown]
# ## The training curve
#
# `plot_history` draws each metric per epoch; a log scale shows the late progress.

# %%
ax = plot_history(history, title="echo task: mean squared error")
ax.set_yscale("log")
plt.show()

# %%
prediction = model.predict(X, verbose=0)
print("target:   ", " ".join(f"{v:.2f}" for v in seq))
print("predicted:", " ".join(f"{v:.2f}" for v in prediction[0, :, 0]))

# %% [markdown]
# Next: [2. a masked tagger](02_masked_tagger.ipynb) handles sequences of different lengths.

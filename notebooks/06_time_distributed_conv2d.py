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
# # 6. TimeDistributed over Conv2D: tiny videos
#
# A video is a sequence of frames: `(batch, frames, height, width, channels)`. `TimeDistributed(Conv2D(...))`
# runs one convolution, with one set of weights, over every frame; an LSTM then reads the sequence of frame
# features.
#
# **The task**: a small bar moves across an 8×8 frame for 6 frames, left to right or right to left. Which way?
# No single frame can tell; the order of the frames can.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from minikeras.utils import set_random_seed, plot_history
set_random_seed(0)

# %%
from minikeras import Sequential
from minikeras.layers import TimeDistributed, Conv2D, MaxPooling2D, Flatten, LSTM, Dense
from minikeras.optimizers import Adam

def make_videos(n, frames=6, size=8):
    videos = np.zeros((n, frames, size, size, 1), "float32")
    labels = np.random.randint(0, 2, n)                  # 1: moves right, 0: moves left
    for i in range(n):
        row, start = np.random.randint(0, size - 1), np.random.randint(0, size - frames + 1)
        for f in range(frames):
            col = start + f if labels[i] == 1 else start + frames - 1 - f
            videos[i, f, row:row + 2, col, 0] = 1.0
    return videos + np.random.normal(0, 0.1, videos.shape).astype("float32"), labels

x, y = make_videos(300)
fig, axes = plt.subplots(2, 6, figsize=(9, 3))
for r in range(2):
    for f in range(6):
        axes[r, f].imshow(x[r, f, :, :, 0], cmap="gray"); axes[r, f].axis("off")
    axes[r, 0].set_title("right" if y[r] else "left", loc="left")
plt.show()

# %%
model = Sequential([
    TimeDistributed(Conv2D(4, (3, 3), activation="relu"), input_shape=(6, 8, 8, 1)),   # per frame: (6, 6, 4)
    TimeDistributed(MaxPooling2D((2, 2))),                                             # per frame: (3, 3, 4)
    TimeDistributed(Flatten()),                                                        # per frame: 36 features
    LSTM(8),
    Dense(1, activation="sigmoid"),
])
model.compile(optimizer=Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
model.summary()

# %%
history = model.fit(x, y, epochs=15, batch_size=32, validation_split=0.2, verbose=0)
plot_history(history, metrics=["accuracy"], title="which way does the bar move?")
plt.show()
x_test, y_test = make_videos(100)
print("test accuracy:", model.evaluate(x_test, y_test, verbose=0)[1])

# %% [markdown]
# The convolution's weights are shared by all frames: `TimeDistributed` adds none of its own.

# %%
conv = model.layers[0]
print({name: {k: v.shape for k, v in p.items()} for name, p in conv.params.items()}, conv.count_params())

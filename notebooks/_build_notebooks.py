"""Writes the teaching notebooks (notebooks/*.ipynb) from the cells below, and with --execute runs them and saves outputs.

    python notebooks/_build_notebooks.py             # write the .ipynb files, no outputs
    python notebooks/_build_notebooks.py --execute   # write, run with nbclient (needs ipykernel), save outputs

Editing a notebook here rather than in Jupyter keeps its source reviewable as plain Python. A notebook whose
metadata lists `minikeras.requires` is written but not executed while one of those names cannot be imported.
"""
import copy
import importlib
import os
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def md(text):
    return new_markdown_cell(text.strip())


def code(text):
    return new_code_cell(text.strip())


SETUP = code("""
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from minikeras.utils import set_random_seed, plot_history
set_random_seed(0)
""")

ECHO = [
    md("""
# 1. The echo task

The first model of the founding documents: an LSTM reads the sequence `0.0 0.2 0.4 0.6 0.8`, one number per
time step, and learns to output the same number at every step. It is Keras code, line for line, with `keras`
replaced by `minikeras`."""),
    SETUP,
    code("""
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
model.summary()"""),
    md("`fit` returns a `History`: one list per metric, one entry per epoch. `verbose=0` keeps the notebook quiet."),
    code("""
history = model.fit(X, y, epochs=1000, batch_size=1, verbose=0)
print(f"loss: first epoch {history.history['loss'][0]:.4f}, last epoch {history.history['loss'][-1]:.6f}")"""),
    md("## The training curve\n\n`plot_history` draws each metric per epoch; a log scale shows the late progress."),
    code("""
ax = plot_history(history, title="echo task: mean squared error")
ax.set_yscale("log")
plt.show()"""),
    code("""
prediction = model.predict(X, verbose=0)
print("target:   ", " ".join(f"{v:.2f}" for v in seq))
print("predicted:", " ".join(f"{v:.2f}" for v in prediction[0, :, 0]))"""),
    md("""
Next: [2. a masked tagger](02_masked_tagger.ipynb) handles sequences of different lengths."""),
]

TAGGER = [
    md("""
# 2. A sequence tagger with padding and masks

Sentences have different lengths; to batch them we pad them with 0. `Embedding(mask_zero=True)` turns the
zeros into a *mask*, and every later layer skips the masked steps. Here we check that the mask really keeps
the padding out: out of the predictions, and out of the loss and accuracy.

**The task**: tokens are 1..5; tag a token 1 when it is larger than the token before it."""),
    SETUP,
    code("""
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
print(x[:3]); print(y[:3])"""),
    md("Two taggers, the same but for `mask_zero`:"),
    code("""
def tagger(mask_zero):
    words = Input(shape=(None,), dtype="int32")             # any length
    h = Embedding(vocab, 8, mask_zero=mask_zero)(words)
    h = LSTM(16, return_sequences=True)(h)
    model = Model(words, Dense(2, activation="softmax")(h))
    model.compile(optimizer=Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

masked, unmasked = tagger(True), tagger(False)
histories = {name: m.fit(x, y, epochs=4, batch_size=32, validation_split=0.2, verbose=0)
             for name, m in (("masked", masked), ("unmasked", unmasked))}"""),
    md("## Where the mask goes\n\n`show_masks` prints, for one sample, the mask each layer receives and emits "
       "(`■` a step the layer uses, `·` a step it ignores, `-` no mask)."),
    code("""
from minikeras.utils import show_masks
show_masks(masked, x[:1])
masked.summary(show_masks=True)"""),
    md("""
## Padding does not change the predictions

(Both taggers were trained for only 4 epochs, so their differences are still easy to see.)

The same sentence, padded to different lengths. With the mask, the predictions at the real steps are the
same whatever the padding; without it, the LSTM reads the zeros first and its predictions drift."""),
    code("""
sentence_ = np.array([3, 1, 3, 4])
for name, model in (("masked", masked), ("unmasked", unmasked)):
    print(name)
    for maxlen in (4, 6, 10, 14):
        p = model.predict(pad_sequences([sentence_], maxlen=maxlen), verbose=0)[0, -4:, 1]
        print(f"  padded to {maxlen:2d}: P(tag=1) =", p.round(3))"""),
    md("""
## Padding does not count in the accuracy

Keras reports the accuracy over the steps that reach the loss. With the mask these are the real steps;
without it the padding counts too, and predicting "0" for padding is easy, so the number looks better than the
tagger is."""),
    code("""
x_val, y_val = x[-120:], y[-120:]
real = x_val != 0
for name, model in (("masked", masked), ("unmasked", unmasked)):
    reported = histories[name].history["val_accuracy"][-1]
    predicted = model.predict(x_val, verbose=0).argmax(-1)
    print(f"{name:9s} reported {reported:.3f}   on real steps {(predicted == y_val)[real].mean():.3f}")"""),
    code("""
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
for ax, (name, history) in zip(axes, histories.items()):
    plot_history(history, metrics=["accuracy"], ax=ax, title=name)
plt.show()"""),
]

STATEFUL = [
    md("""
# 3. A stateful LSTM on a sine wave

A long series is cut into windows. With `stateful=True` the LSTM carries its state from one window to the
next, so it remembers what came before the window. The rules: a fixed batch size (`batch_input_shape`),
`shuffle=False`, and `reset_states()` when a new pass over the series begins."""),
    SETUP,
    code("""
from minikeras import Sequential
from minikeras.layers import LSTM, Dense

streams, steps = 4, 10                       # 4 parallel pieces of the series, windows of 10 steps
t = np.arange(streams * 100 + 1)
series = np.sin(2 * np.pi * t / 25).astype("float32")

def windows(values):
    \"\"\"Row i of batch k+1 continues row i of batch k.\"\"\"
    cut = values.reshape(streams, -1).reshape(streams, -1, steps).transpose(1, 0, 2)
    return cut.reshape(-1, steps, 1)

x, y = windows(series[:-1]), windows(series[1:])     # predict the next value at every step
print(x.shape, y.shape)"""),
    code("""
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
plt.show()"""),
    md("## The prediction\n\nPredict the whole series window by window, the state carried along:"),
    code("""
model.reset_states()
predicted = model.predict(x, batch_size=streams, verbose=0)

def unwindow(w):
    return w.reshape(-1, streams, steps).transpose(1, 0, 2).reshape(-1)

plt.figure(figsize=(10, 3))
plt.plot(unwindow(y)[:200], label="series (next value)")
plt.plot(unwindow(predicted)[:200], "--", label="predicted")
plt.legend(); plt.xlabel("time step"); plt.show()
print(f"mean absolute error: {np.abs(predicted - y).mean():.3f}")"""),
    md("""
The plot shows streams 0 and 1 one after the other. At steps 0 and 100 a stream begins, from a zero state:
there the model has not yet seen enough of the wave to know where it is."""),
    md("""
## Without the state

Reset the state before every window and the model loses the context: the first steps of each window have to
guess where on the wave they are."""),
    code("""
forgetful = []
for k in range(len(x) // streams):
    model.reset_states()
    forgetful.append(model.predict(x[k * streams:(k + 1) * streams], batch_size=streams, verbose=0))
forgetful = np.concatenate(forgetful)
print(f"error on the first step of a window: carried state {np.abs(predicted - y)[:, 0].mean():.3f}, "
      f"reset each window {np.abs(forgetful - y)[:, 0].mean():.3f}")"""),
    md("""
## One step at a time

`with_batch_size(1)` gives the same model built for batches of 1, with a copy of the trained weights. Since the
model was built with `timesteps=None`, it takes one step at a time: feed the series as it arrives."""),
    code("""
online = model.with_batch_size(1)
online.reset_states()
stream0 = series[:100]
step_predictions = [online.predict(v.reshape(1, 1, 1), batch_size=1, verbose=0)[0, 0, 0] for v in stream0]
plt.figure(figsize=(10, 3))
plt.plot(series[1:101], label="series (next value)")
plt.plot(step_predictions, "--", label="predicted one step at a time")
plt.legend(); plt.show()"""),
]

BIDIRECTIONAL = [
    md("""
# 4. Bidirectional vs unidirectional

**The task**: a sequence of random bits; the label at step *t* is the bit at step *t + 1* (the last step is
labelled 0). A left-to-right LSTM cannot know the future bit: it can only guess. A `Bidirectional` LSTM also
reads the sequence backwards, so at step *t* it has seen step *t + 1*."""),
    SETUP,
    code("""
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
    histories[f"bidirectional ({mode})"] = fit(tagger(layer))"""),
    md("""
The best a one-directional model can do is 1/8 (the last step, always 0) + 7/8 × 1/2 ≈ 0.56."""),
    code("""
for name, history in histories.items():
    print(f"{name:24s} validation accuracy {history.history['val_accuracy'][-1]:.3f}")

plt.figure(figsize=(7, 3.5))
for name, history in histories.items():
    plt.plot(history.history["val_accuracy"], label=name)
plt.axhline(1 / 8 + 7 / 16, color="gray", linestyle=":", label="best guess without the future")
plt.xlabel("epoch"); plt.ylabel("validation accuracy"); plt.legend(); plt.show()"""),
    md("""
## Merge modes

`merge_mode` combines the two directions: `concat` puts them side by side (twice the features), `sum`, `mul`
and `ave` combine them element-wise, `None` returns both. Their output shapes:"""),
    code("""
for mode in ("concat", "sum", "mul", "ave", None):
    out = Bidirectional(LSTM(8, return_sequences=True), merge_mode=mode)(x[:2])
    shapes = [o.shape for o in out] if isinstance(out, list) else out.shape
    print(f"{str(mode):7s}", shapes)"""),
]

INSIDE = [
    md("""
# 5. Inside the LSTM

A minikeras model is a pure function `model.apply(params, x)` over a plain dict of arrays. This notebook opens
it up: the params dict, the LSTM step equations, a training loop written by hand with `autograd.grad`, and a
gradient check."""),
    SETUP,
    code("""
import autograd.numpy as anp
from autograd import grad
from minikeras import Sequential
from minikeras.layers import LSTM, Dense

model = Sequential([LSTM(4, input_shape=(6, 1), name="lstm"), Dense(1, name="out")])
params = model.params
for layer, weights in params.items():
    for name, w in weights.items():
        print(f"{layer:5s} {name:17s} {w.shape}")"""),
    md("""
The LSTM's kernel holds the four gates side by side, in Keras's order **i, f, c, o** (input, forget, cell
candidate, output): `kernel (features, 4u)`, `recurrent_kernel (u, 4u)`, `bias (4u,)`."""),
    md("""
## The step equations

With $z = x_t W + h_{t-1} U + b$ split into four blocks:

$$i = \\sigma(z_i),\\quad f = \\sigma(z_f),\\quad o = \\sigma(z_o),\\quad
c_t = f \\odot c_{t-1} + i \\odot \\tanh(z_c),\\quad h_t = o \\odot \\tanh(c_t)$$

Here they are written by hand, next to minikeras's own step, `LSTMCell.step` in
`minikeras/layers/rnn/cells.py`:"""),
    code("""
import inspect
from minikeras.layers import LSTMCell
print(inspect.getsource(LSTMCell.step))"""),
    code("""
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
print("== the layer (its fused kernel):   ", np.allclose(h, model.layers[0].call(params["lstm"], x), atol=1e-5))"""),
    md("## `apply`: the whole model as a function"),
    code("""
print(np.allclose(model.apply(params, x), model.predict(x, verbose=0)))

def loss(p):
    return anp.mean((model.apply(p, x) - y) ** 2)

g = grad(loss)(params)                                   # a dict shaped like params
print({layer: {name: v.shape for name, v in d.items()} for layer, d in g.items()})"""),
    md("## A training loop by hand\n\nPlain gradient descent on the dict, nothing else:"),
    code("""
p, curve = params, []
for step in range(300):
    curve.append(float(loss(p)))
    gradient = grad(loss)(p)
    p = {layer: {name: w - 0.5 * gradient[layer][name] for name, w in weights.items()} for layer, weights in p.items()}
plt.figure(figsize=(6, 3)); plt.plot(curve); plt.yscale("log")
plt.xlabel("step"); plt.ylabel("loss"); plt.title("hand-written gradient descent"); plt.show()
model.params = p                                         # hand the result back to the Keras face
print("predict == apply:", np.allclose(model.predict(x, verbose=0), model.apply(p, x)))"""),
    md("""
## Checking the gradient

`check_grads` compares autograd's gradient with finite differences (in float64, so they are accurate). The
fused recurrent kernel defines reverse-mode gradients, so check those."""),
    code("""
from autograd.test_util import check_grads

p64 = {layer: {name: w.astype("float64") for name, w in d.items()} for layer, d in p.items()}
x64, y64 = x.astype("float64"), y.astype("float64")

def loss_of_recurrent_kernel(u):
    trial = {**p64, "lstm": {**p64["lstm"], "recurrent_kernel": u}}
    return anp.mean((model.apply(trial, x64) - y64) ** 2)

check_grads(loss_of_recurrent_kernel, modes=["rev"], order=1)(p64["lstm"]["recurrent_kernel"])
print("gradient check passed")"""),
]

VIDEOS = [
    md("""
# 6. TimeDistributed over Conv2D: tiny videos

A video is a sequence of frames: `(batch, frames, height, width, channels)`. `TimeDistributed(Conv2D(...))`
runs one convolution, with one set of weights, over every frame; an LSTM then reads the sequence of frame
features.

**The task**: a small bar moves across an 8×8 frame for 6 frames, left to right or right to left. Which way?
No single frame can tell; the order of the frames can."""),
    SETUP,
    code("""
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
plt.show()"""),
    code("""
model = Sequential([
    TimeDistributed(Conv2D(4, (3, 3), activation="relu"), input_shape=(6, 8, 8, 1)),   # per frame: (6, 6, 4)
    TimeDistributed(MaxPooling2D((2, 2))),                                             # per frame: (3, 3, 4)
    TimeDistributed(Flatten()),                                                        # per frame: 36 features
    LSTM(8),
    Dense(1, activation="sigmoid"),
])
model.compile(optimizer=Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
model.summary()"""),
    code("""
history = model.fit(x, y, epochs=15, batch_size=32, validation_split=0.2, verbose=0)
plot_history(history, metrics=["accuracy"], title="which way does the bar move?")
plt.show()
x_test, y_test = make_videos(100)
print("test accuracy:", model.evaluate(x_test, y_test, verbose=0)[1])"""),
    md("""
The convolution's weights are shared by all frames: `TimeDistributed` adds none of its own."""),
    code("""
conv = model.layers[0]
print({name: {k: v.shape for k, v in p.items()} for name, p in conv.params.items()}, conv.count_params())"""),
]

NOTEBOOKS = {
    "01_echo.ipynb": (ECHO, []),
    "02_masked_tagger.ipynb": (TAGGER, []),
    "03_stateful_sine_wave.ipynb": (STATEFUL, []),
    "04_bidirectional.ipynb": (BIDIRECTIONAL, []),
    "05_inside_the_lstm.ipynb": (INSIDE, []),
    "06_time_distributed_conv2d.ipynb": (VIDEOS, ["minikeras.layers.Conv2D"]),
}


def build(cells, requires):
    nb = new_notebook(cells=copy.deepcopy(cells))  # SETUP is shared; execution must not write into it
    for number, cell in enumerate(nb.cells):
        cell.id = f"cell-{number:02d}"             # stable ids: rebuilding does not churn the diff
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    if requires:
        nb.metadata["minikeras"] = {"requires": requires}
    return nb


def importable(dotted):
    module, _, attribute = dotted.rpartition(".")
    try:
        return hasattr(importlib.import_module(module), attribute)
    except ImportError:
        return False


def execute(nb):
    from nbclient import NotebookClient
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(HERE)}}).execute()


def main(argv):
    sys.path.insert(0, str(ROOT))
    for filename, (cells, requires) in NOTEBOOKS.items():
        nb = build(cells, requires)
        if "--execute" in argv:
            if all(importable(r) for r in requires):
                execute(nb)
            else:
                print(f"{filename}: not executed, needs {requires}")
        nbformat.write(nb, HERE / filename)
        print(f"wrote {filename}")


if __name__ == "__main__":
    main(sys.argv[1:])

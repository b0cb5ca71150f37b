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
# # 8. Text classification from raw strings
#
# **The task**: 320 short reviews (of films, meals, hotels...) labelled 1 (liked) or 0 (not liked), kept in
# `notebooks/data/reviews.tsv`. Some say *"was not great"*, so a bag of words is not enough: word order matters.
#
# **The model** reads the raw strings itself:
# `TextVectorization` (text → word indices) → `Embedding(mask_zero=True)` (indices → vectors, padding masked) →
# `Bidirectional(LSTM)` (reads each review both ways) → `Dense` (the probability of "liked").

# %%
# %matplotlib inline
import csv
from pathlib import Path

import numpy as np
import matplotlib.pyplot as plt
import minikeras
from minikeras.utils import set_random_seed
set_random_seed(0)

# the corpus sits beside the notebooks in the repository
here = Path("data/reviews.tsv")
corpus_file = here if here.exists() else Path(minikeras.__file__).parents[1] / "notebooks" / "data" / "reviews.tsv"
with open(corpus_file, encoding="utf-8") as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
texts = np.array([row["text"] for row in rows])
labels = np.array([int(row["label"]) for row in rows], dtype="float32")
print(len(texts), "reviews,", int(labels.sum()), "liked")
for text, label in list(zip(texts, labels))[:5]:
    print(int(label), text)

# %% [markdown]
# Hold out a fifth of the reviews to see how well the model does on text it never trained on.

# %%
order = np.random.default_rng(0).permutation(len(texts))
split = int(0.8 * len(texts))
train, valid = order[:split], order[split:]
x_train, y_train = texts[train], labels[train]
x_valid, y_valid = texts[valid], labels[valid]

# %% [markdown]
# ## From strings to word indices
#
# `adapt` reads the training texts and builds the vocabulary: `""` (index 0) pads short reviews, `"[UNK]"`
# (index 1) stands for every word it has not seen, then the words from the most frequent down.

# %%
from minikeras.layers import TextVectorization

vectorizer = TextVectorization(max_tokens=200, output_sequence_length=12)
vectorizer.adapt(x_train)
vocabulary = vectorizer.get_vocabulary()
print(len(vocabulary), "entries:", vocabulary[:12])
print(vectorizer(["the soup was not great , never again"]))

# %% [markdown]
# ## The model
#
# The input is a column of strings (`dtype="string"`); the vectorizer is its first layer, so the model takes
# raw text in `fit` and `predict`, and the saved model carries its vocabulary.

# %%
from minikeras import Model, Input
from minikeras.layers import Embedding, Bidirectional, LSTM, Dense

text = Input(shape=(1,), dtype="string")
words = vectorizer(text)
vectors = Embedding(len(vocabulary), 16, mask_zero=True)(words)
summary = Bidirectional(LSTM(16))(vectors)
liked = Dense(1, activation="sigmoid")(summary)
model = Model(text, liked)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.summary()

# %%
history = model.fit(x_train[:, None], y_train, validation_data=(x_valid[:, None], y_valid),
                    epochs=30, batch_size=16, verbose=0)
print({name: round(values[-1], 3) for name, values in history.history.items()})

# %% [markdown]
# ## Learning curves
#
# Training and validation loss fall together at first; the gap that opens later is the model learning the
# training reviews by heart.

# %%
fig, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(10, 3.5))
for name, axes in (("loss", loss_axes), ("accuracy", accuracy_axes)):
    axes.plot(history.history[name], label="training")
    axes.plot(history.history[f"val_{name}"], label="validation")
    axes.set_xlabel("epoch")
    axes.set_title(name)
    axes.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## New reviews
#
# Unknown words ("zebra") become `[UNK]`; the order of the known ones still counts ("not wonderful" against
# "wonderful"). With 256 training reviews the model is still wrong now and then: more data is the cure.

# %%
new = np.array([["the concert was wonderful"], ["the concert was not wonderful"], ["rude staff and slow service"],
                ["a charming little cafe , we want to go again"], ["the zebra was wonderful"]])
for review, probability in zip(new[:, 0], model.predict(new, verbose=0)[:, 0]):
    print(f"{probability:.2f}  {review}")

# %% [markdown]
# ## Saved with its vocabulary
#
# `model.save` writes Keras 3's `.keras` file; the vocabulary goes where Keras 3 puts it
# (`assets/layers/text_vectorization/vocabulary.txt`), so the loaded model reads raw text straight away.

# %%
import tempfile
import zipfile
from minikeras.models import load_model

path = Path(tempfile.mkdtemp()) / "reviews.keras"
model.save(path)
print([name for name in zipfile.ZipFile(path).namelist() if name.startswith("assets")])
reloaded = load_model(path)
print(np.abs(reloaded.predict(new, verbose=0) - model.predict(new, verbose=0)).max())

"""Data helpers users bring from Keras tutorials: to_categorical, pad_sequences, normalize."""
import numpy as np

from .. import backend


def to_categorical(x, num_classes=None):
    """Integer class labels -> one-hot rows, a new last axis of size num_classes (default max label + 1)."""
    labels = np.asarray(x)
    if labels.size and not np.all(np.equal(np.mod(labels, 1), 0)):
        raise ValueError(f"to_categorical: labels must be whole numbers, got {labels.ravel()[:5]}...")
    labels = labels.astype("int64")
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"to_categorical: labels must be in [0, {num_classes}), got values from "
                         f"{labels.min()} to {labels.max()}.")
    return np.eye(num_classes, dtype=backend.floatx())[labels]


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Lists of varying length -> one (n, maxlen) array, padded/truncated at the start ('pre') or end ('post')."""
    for name, option in (("padding", padding), ("truncating", truncating)):
        if option not in ("pre", "post"):
            raise ValueError(f"pad_sequences: {name} must be 'pre' or 'post', got {option!r}.")
    sequences = [np.asarray(s) for s in sequences]
    maxlen = max((len(s) for s in sequences), default=0) if maxlen is None else int(maxlen)
    feature_shape = next((s.shape[1:] for s in sequences if len(s)), ())
    result = np.full((len(sequences), maxlen) + feature_shape, value, dtype=dtype)
    for i, sequence in enumerate(sequences):
        if not len(sequence) or not maxlen:
            continue
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        if padding == "post":
            result[i, :len(kept)] = kept
        else:
            result[i, maxlen - len(kept):] = kept
    return result


def normalize(x, axis=-1, order=2):
    """Scale along `axis` to unit `order`-norm (zero vectors stay zero)."""
    x = np.asarray(x, dtype=backend.floatx())
    norms = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norms == 0, 1, norms)

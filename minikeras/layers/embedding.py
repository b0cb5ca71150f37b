"""Embedding: integer indices -> dense vectors; with mask_zero, index 0 is padding and a mask flows on."""
import numpy as np
from autograd.extend import primitive, defvjp

from .. import initializers, regularizers, constraints, legacy
from .base import Layer
from .core import _positive_int


class Embedding(Layer):
    """Turns integer indices 0..input_dim-1 into learned vectors: (batch, n) -> (batch, n, output_dim).

    `embeddings_initializer` defaults to "uniform". With mask_zero=True index 0 is padding: a mask marks it for
    the layers after (count it in input_dim), and `supports_masking` is True. Indices may come as whole-number
    floats (cast to integers, as Keras does); a float with a fraction is a TypeError (Keras would truncate it)
    and an index out of range a ValueError. Keras 1/2's `input_length` still works, with a warning, as the
    input shape.
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, activity_regularizer=None,
                 **kwargs):
        given = legacy.rename(dict(kwargs), {"init": "embeddings_initializer", "W_regularizer": "embeddings_regularizer",
                                             "W_constraint": "embeddings_constraint"}, "Embedding")
        embeddings_initializer = given.pop("embeddings_initializer", embeddings_initializer)
        embeddings_regularizer = given.pop("embeddings_regularizer", embeddings_regularizer)
        embeddings_constraint = given.pop("embeddings_constraint", embeddings_constraint)
        if given.pop("dropout", None):
            legacy.warn_once("Embedding(dropout=...)", "a Dropout layer after the Embedding (this argument is ignored)")
        if input_length is not None:
            legacy.warn_once("Embedding(input_length=...)", "input_shape=(length,) or keras.Input(shape=(length,))")
        if isinstance(given.get("weights"), np.ndarray):
            given["weights"] = [given["weights"]]  # Keras takes the one table on its own too
        if input_length is not None and "input_shape" not in given and "batch_input_shape" not in given:
            given["input_shape"] = (input_length,) if isinstance(input_length, int) else tuple(input_length)
        super().__init__(**given)
        self.input_dim = _positive_int("Embedding", "input_dim", input_dim)
        self.output_dim = _positive_int("Embedding", "output_dim", output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        if self._initial_weights is not None:
            self.ensure_built((None, None))  # the table does not depend on the input: Keras builds it right away
        self.input_length = input_length
        self.input_dtype = "int32"

    def build(self, input_shape, rng):
        return {"embeddings": self.embeddings_initializer((self.input_dim, self.output_dim), rng=rng)}

    def call(self, params, x, mask=None, training=False, rng=None):
        indices = self._checked_indices(x)
        return lookup_rows(params["embeddings"], indices)

    def _checked_indices(self, x):
        x = np.asarray(x)
        if x.dtype.kind == "f":
            if not np.all(np.isfinite(x)) or np.any(x != np.round(x)):
                raise TypeError(f"Layer '{self.name}' (Embedding) takes integer indices, got floats that are not "
                                f"whole numbers (dtype {x.dtype}).")
            x = x.astype("int64")
        elif x.dtype.kind not in "iub":
            raise TypeError(f"Layer '{self.name}' (Embedding) takes integer indices, got dtype {x.dtype}.")
        elif x.dtype.kind == "b":
            x = x.astype("int64")   # as indices 0/1 (Keras casts to int); numpy would read bools as a row mask
        if x.size and (x.min() < 0 or x.max() >= self.input_dim):
            bad = int(x.min()) if x.min() < 0 else int(x.max())
            raise ValueError(f"Layer '{self.name}' (Embedding) got index {bad}, but valid indices are "
                             f"0..{self.input_dim - 1} (input_dim={self.input_dim}). Raise input_dim or fix the data.")
        return x

    def compute_mask(self, x, mask=None):
        return np.asarray(x) != 0 if self.mask_zero else None

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def check_input_shape(self, input_shape):
        pass

    def weight_regularizers(self):
        return {"embeddings": self.embeddings_regularizer}

    def weight_constraints(self):
        return {"embeddings": self.embeddings_constraint}

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero}


@primitive
def lookup_rows(table, indices):
    """table[indices]; its gradient sums each row's incoming gradients with one sort (autograd's np.add.at is slow)."""
    return table[indices]


def _sum_rows_by_index(g, table, indices):
    flat = indices.ravel()
    order = np.argsort(flat, kind="stable")
    sorted_rows = flat[order]
    starts = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]]) if flat.size else flat
    d_table = np.zeros_like(table)
    if flat.size:
        d_table[sorted_rows[starts]] = np.add.reduceat(g.reshape(flat.size, -1)[order], starts)
    return d_table


defvjp(lookup_rows, lambda ans, table, indices: lambda g: _sum_rows_by_index(g, table, indices))

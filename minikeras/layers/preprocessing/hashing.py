"""Hashing: strings or integers into `num_bins` buckets with Keras's hash (farmhash Fingerprint64, or SipHash
with a salt), so the same value lands in the same bin as in Keras."""
import numpy as np

from .category_encoding import encode_categorical
from .preprocessing_layer import PreprocessingLayer
from .strings import as_string_array, hash_bucket, salt_pair

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Hashing(PreprocessingLayer):
    """Each value's bin in [0, num_bins): `Fingerprint64(value) % num_bins` (integers hashed as their decimal
    text, as Keras does; floats first lose their fraction, as Keras casts them to int64). With `mask_value`, that
    value gets bin 0 and the others share bins 1..num_bins-1."""

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        super().__init__(**kwargs)
        owner = f"Hashing '{self.name}'"
        if isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer)) or num_bins < 1:
            raise ValueError(f"{owner}: num_bins must be a positive integer, got {num_bins!r}.")
        if mask_value is not None and num_bins < 2:
            raise ValueError(f"{owner}: with a mask_value, num_bins must be at least 2 (bin 0 is the mask), got "
                             f"{num_bins}.")
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"{owner}: output_mode must be one of {OUTPUT_MODES}, got {output_mode!r}.")
        if sparse:
            raise ValueError(f"{owner}: sparse=True needs TensorFlow's sparse tensors; minikeras has dense "
                             f"arrays only.")
        self.num_bins, self.mask_value, self.output_mode, self.sparse = int(num_bins), mask_value, output_mode, False
        self.salt = salt_pair(salt, owner)

    def _texts(self, x):
        array = x if isinstance(x, np.ndarray) else np.asarray(x, dtype=object)
        if array.dtype.kind in "iu" or (array.dtype == object and all(
                isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in array.ravel())):
            return np.array([str(int(v)) for v in array.ravel()], dtype=object).reshape(array.shape)
        if array.dtype.kind == "f":
            # Keras casts floats to int64 (dropping the fraction) before hashing their decimal text
            if array.size and not np.all(np.isfinite(array)):
                raise ValueError(f"Hashing '{self.name}': cannot hash NaN or inf.")
            array = array.astype("int64")
            return np.array([str(int(v)) for v in array.ravel()], dtype=object).reshape(array.shape)
        return as_string_array(array, f"Hashing '{self.name}'")

    def call(self, params, x, mask=None, training=False, rng=None):
        texts = self._texts(x)
        flat = texts.ravel()
        masked = str(self.mask_value) if self.mask_value is not None else None
        bins = self.num_bins - (masked is not None)
        indices = np.array([0 if t == masked else hash_bucket(t, bins, self.salt) + (masked is not None)
                            for t in flat], dtype="int64").reshape(texts.shape)
        if self.output_mode == "int":
            return indices
        return encode_categorical(indices, self.output_mode, self.num_bins, f"Hashing '{self.name}'")

    @property
    def output_dtype(self):
        """int64 bins in "int" mode, floats otherwise."""
        return "int64" if self.output_mode == "int" else None

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if self.output_mode == "one_hot":
            base = input_shape[:-1] if len(input_shape) > 1 and input_shape[-1] == 1 else input_shape
            return base + (self.num_bins,)
        return ((input_shape[0],) if len(input_shape) > 1 else ()) + (self.num_bins,)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                "output_mode": self.output_mode, "sparse": self.sparse}

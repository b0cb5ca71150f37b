"""IntegerLookup: integer values (ids, years, codes) to contiguous indices through a vocabulary, or back."""
import numpy as np

from .index_lookup import IndexLookup
from .strings import hash_bucket, salt_pair


class IntegerLookup(IndexLookup):
    """Maps integers to indices: 0 is `mask_token` (when set), then `num_oov_indices` slots for unknown values
    (`oov_token`, -1), then the vocabulary, most frequent first. The same output modes as StringLookup."""

    vocabulary_dtype = "int64"
    accepts_strings = False

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, **kwargs):
        if vocabulary_dtype not in ("int32", "int64"):
            raise ValueError(f"IntegerLookup: vocabulary_dtype must be 'int32' or 'int64', got "
                             f"{vocabulary_dtype!r}.")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"IntegerLookup: oov_method must be 'floormod' or 'farmhash', got {oov_method!r}.")
        self.vocabulary_dtype, self.oov_method = vocabulary_dtype, oov_method
        self.salt = salt_pair(salt, "IntegerLookup")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, sparse=sparse, pad_to_max_tokens=pad_to_max_tokens, **kwargs)

    def _as_token(self, value):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{self._owner}: vocabulary entries must be integers, got {value!r}.")
        return int(value)

    def _tokens_array(self, x):
        array = np.asarray(x)
        if array.dtype.kind == "f" and (not array.size or np.all(array == np.round(array))):
            array = array.astype("int64")
        if array.dtype.kind not in "iu":
            raise TypeError(f"{self._owner}: expected integers, got an array of dtype {array.dtype}.")
        return array.astype("int64")

    def _token_output(self, tokens):
        return tokens.astype("int64")

    def _sort_key(self, token):
        return token

    def lookup(self, tokens):
        flat = tokens.ravel().tolist()     # Python ints hash and compare faster than numpy scalars
        return super().lookup(np.array(flat, dtype=object).reshape(tokens.shape))

    def _oov_buckets(self, flat):
        if self.oov_method == "floormod":
            return np.mod(np.asarray(flat, dtype="int64"), self.num_oov_indices)
        return np.array([hash_bucket(str(v), self.num_oov_indices, self.salt) for v in flat], dtype="int64")

    def get_config(self):
        config = super().get_config()
        config.pop("vocabulary_size")
        return {**config, "vocabulary_dtype": self.vocabulary_dtype, "vocabulary_size": self.vocabulary_size(),
                "oov_method": self.oov_method, "salt": self.salt}

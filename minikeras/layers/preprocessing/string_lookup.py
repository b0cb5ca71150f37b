"""StringLookup: strings to integer indices through a vocabulary (adapt or given), or back with invert=True."""
import numpy as np

from .index_lookup import IndexLookup
from .strings import salt_pair


class StringLookup(IndexLookup):
    """Maps strings to indices: 0 is `mask_token` (when set), then `num_oov_indices` slots for unknown strings
    ("[UNK]"), then the vocabulary, most frequent first. `output_mode` "int", "one_hot", "multi_hot", "count"
    or "tf_idf"; `invert=True` maps indices back to strings."""

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", oov_method="floormod", salt=None, **kwargs):
        kwargs.pop("vocabulary_dtype", None)
        if encoding.lower().replace("-", "") != "utf8":
            raise ValueError(f"StringLookup: only encoding 'utf-8' is supported, got {encoding!r}.")
        self.encoding, self.oov_method = encoding, oov_method
        self.salt = salt_pair(salt, "StringLookup")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, sparse=sparse, pad_to_max_tokens=pad_to_max_tokens, **kwargs)

    def get_config(self):
        return {**super().get_config(), "oov_method": self.oov_method, "salt": self.salt,
                "encoding": self.encoding}

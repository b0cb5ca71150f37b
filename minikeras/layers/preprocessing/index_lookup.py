"""IndexLookup: the vocabulary table behind StringLookup, IntegerLookup and TextVectorization (adapt by frequency,
set_vocabulary, token -> index, index -> token, and the multi_hot/count/tf_idf encodings)."""
import collections
import os

import numpy as np

from ... import backend
from .preprocessing_layer import PreprocessingLayer
from .category_encoding import encode_categorical
from .strings import as_string_array, hash_bucket

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class IndexLookup(PreprocessingLayer):
    """Maps tokens to indices through a vocabulary: index 0 is the mask token (in "int" mode, when there is
    one), then `num_oov_indices` out-of-vocabulary slots, then the tokens, most frequent first."""

    # strings or integers; set by the subclasses
    vocabulary_dtype = "string"
    accepts_strings = True

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False,
                 vocabulary_size=None, **kwargs):
        kwargs.pop("has_input_vocabulary", None)
        # a saved model's config says how large the vocabulary in its assets is, so shapes are known before it loads
        self._saved_vocabulary_size = vocabulary_size
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        self._check_arguments(max_tokens, num_oov_indices, output_mode, sparse, pad_to_max_tokens, invert,
                              idf_weights)
        self.max_tokens, self.num_oov_indices = max_tokens, int(num_oov_indices)
        self.mask_token, self.oov_token = mask_token, oov_token
        self.invert, self.output_mode, self.sparse = bool(invert), output_mode, False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.input_vocabulary, self.input_idf_weights = vocabulary, idf_weights
        self.tokens, self.idf_weights = [], None
        self._index, self._inverse, self._has_vocabulary = {}, {}, False
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    @property
    def _owner(self):
        return f"{type(self).__name__} '{self.name}'"

    def _check_arguments(self, max_tokens, num_oov_indices, output_mode, sparse, pad_to_max_tokens, invert,
                         idf_weights):
        owner = self._owner
        if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, int)
                                       or max_tokens <= 1):
            raise ValueError(f"{owner}: max_tokens must be None or an integer > 1, got {max_tokens!r}.")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{owner}: pad_to_max_tokens=True needs max_tokens.")
        if isinstance(num_oov_indices, bool) or not isinstance(num_oov_indices, int) or num_oov_indices < 0:
            raise ValueError(f"{owner}: num_oov_indices must be an integer >= 0, got {num_oov_indices!r}.")
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"{owner}: output_mode must be one of {OUTPUT_MODES}, got {output_mode!r}.")
        if invert and output_mode != "int":
            raise ValueError(f"{owner}: invert=True needs output_mode 'int', got {output_mode!r}.")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{owner}: idf_weights is only used with output_mode 'tf_idf', got {output_mode!r}.")
        if sparse:
            raise ValueError(f"{owner}: sparse=True needs TensorFlow's sparse tensors; minikeras has dense "
                             f"arrays only.")

    # ---- the vocabulary ------------------------------------------------------------------------
    def _oov_start(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start(self):
        return self._oov_start() + self.num_oov_indices

    def vocabulary_size(self):
        """The number of indices the layer can produce: mask and OOV slots plus the tokens."""
        return self._token_start() + len(self.tokens)

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order (with the mask and OOV tokens unless include_special_tokens=False)."""
        special = [self.mask_token] * self._oov_start() + [self.oov_token] * self.num_oov_indices
        return (special if include_special_tokens else []) + list(self.tokens)

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Use `vocabulary` (a list/array of tokens, or a text file path with one token a line) instead of adapt;
        it may start with the mask and OOV tokens. tf_idf mode needs `idf_weights` of the same length."""
        owner = self._owner
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{owner}: output_mode 'tf_idf' needs idf_weights with the vocabulary.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{owner}: idf_weights is only used with output_mode 'tf_idf'.")
        if isinstance(vocabulary, (str, os.PathLike)):
            vocabulary = self._vocabulary_file(vocabulary)
        vocabulary = [self._as_token(v) for v in np.asarray(vocabulary, dtype=object).ravel()]
        tokens = self._without_special_tokens(vocabulary)
        if self.max_tokens is not None and self._token_start() + len(tokens) > self.max_tokens:
            raise ValueError(f"{owner}: the vocabulary has {self._token_start() + len(tokens)} entries with the "
                             f"special tokens, more than max_tokens={self.max_tokens}.")
        if idf_weights is not None:
            self.idf_weights = self._padded_idf(np.asarray(idf_weights, dtype="float64"), vocabulary, tokens)
        self._set_tokens(tokens)

    def _vocabulary_file(self, path):
        if not os.path.isfile(path):
            raise ValueError(f"{self._owner}: vocabulary file '{path}' does not exist.")
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        return lines

    def _without_special_tokens(self, vocabulary):
        special = [self.mask_token] * self._oov_start() + [self.oov_token] * self.num_oov_indices
        tokens = vocabulary[len(special):] if vocabulary[:len(special)] == special else vocabulary
        repeated = sorted({t for t, n in collections.Counter(tokens).items() if n > 1}, key=str)
        if repeated:
            raise ValueError(f"{self._owner}: the vocabulary repeats {repeated}; each token must appear once.")
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(f"{self._owner}: the mask token {self.mask_token!r} appears inside the vocabulary; "
                             f"leave it out, or put the special tokens first in this order: {special}.")
        if self.invert and self.oov_token is not None and self.oov_token in tokens:
            raise ValueError(f"{self._owner}: the OOV token {self.oov_token!r} appears inside the vocabulary; "
                             f"leave it out, or put the special tokens first in this order: {special}.")
        return tokens

    def _padded_idf(self, idf, vocabulary, tokens):
        if idf.ndim != 1 or len(idf) != len(vocabulary):
            raise ValueError(f"{self._owner}: idf_weights must be 1-D with one weight per vocabulary entry "
                             f"({len(vocabulary)}), got shape {idf.shape}.")
        # tokens given without the special ones: those get the average weight, as in Keras
        front = self._token_start() if len(tokens) == len(vocabulary) else 0
        padded = np.concatenate([np.full(front, idf.mean() if idf.size else 0.0), idf])
        return self._padded_to_max_tokens(padded)

    def _padded_to_max_tokens(self, idf):
        if self.pad_to_max_tokens and self.max_tokens is not None and len(idf) < self.max_tokens:
            idf = np.concatenate([idf, np.zeros(self.max_tokens - len(idf))])
        return idf.astype(backend.floatx())

    def _set_tokens(self, tokens):
        self.tokens = list(tokens)
        self._index = {token: i for i, token in enumerate(self.tokens, start=self._token_start())}
        self._inverse = dict(enumerate(self.tokens, start=self._token_start()))
        self._has_vocabulary = True

    # ---- adapt ---------------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Build the vocabulary from `data` (an array/list, or an iterable of batches): tokens by frequency,
        ties broken by the token in descending order, as Keras does; at most max_tokens entries in all."""
        if self.input_vocabulary is not None:
            raise ValueError(f"{self._owner}: cannot adapt a layer given a fixed vocabulary (the `vocabulary` "
                             f"argument).")
        counts, document_counts, documents = collections.Counter(), collections.Counter(), 0
        for batch in _batches(data, steps):
            for row in self._token_rows(batch):
                counts.update(row)
                if self.output_mode == "tf_idf":
                    document_counts.update(set(row))
                    documents += 1
        if not counts:
            return
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        ordered = sorted(counts, key=lambda t: (counts[t], self._sort_key(t)), reverse=True)
        if self.max_tokens:
            ordered = ordered[:max(self.max_tokens - self._token_start(), 0)]
        self._set_tokens(ordered)
        if self.output_mode == "tf_idf":
            idf = np.log(1 + documents / (1 + np.array([document_counts[t] for t in ordered], dtype="float64")))
            idf = idf.astype("float32").astype("float64")
            front = np.full(self._token_start(), idf.mean() if idf.size else 0.0)
            self.idf_weights = self._padded_to_max_tokens(np.concatenate([front, idf]))

    def _token_rows(self, batch):
        """The tokens of each sample of one adapt batch (a 1-D batch is one token per sample)."""
        tokens = self._tokens_array(batch)
        if tokens.ndim == 0:
            return [[tokens.item()]]
        if tokens.ndim == 1:
            tokens = tokens[:, None]
        return [row.ravel().tolist() for row in tokens]

    # ---- call ----------------------------------------------------------------------------------
    def call(self, params, x, mask=None, training=False, rng=None):
        if self.invert:
            return self._inverse_lookup(np.asarray(x))
        return self.encode(self.lookup(self._tokens_array(x)))

    def lookup(self, tokens):
        """The index of each token (an array of tokens of any shape); unknown tokens get an OOV index."""
        flat = tokens.ravel()
        oov = self._oov_indices(flat)
        indices = np.fromiter((self._index.get(t, -1) for t in flat), dtype="int64", count=flat.size)
        unknown = indices < 0
        if unknown.any():
            if oov is None:
                raise ValueError(f"{self._owner}: with num_oov_indices=0 every input must be in the vocabulary; "
                                 f"found {sorted(set(flat[unknown].tolist()), key=str)[:10]}.")
            indices[unknown] = oov[unknown]
        if self.mask_token is not None:
            indices[np.fromiter((t == self.mask_token for t in flat), dtype=bool, count=flat.size)] = 0
        return indices.reshape(tokens.shape)

    def _oov_indices(self, flat):
        if self.num_oov_indices == 0:
            return None
        if self.num_oov_indices == 1:
            return np.full(flat.size, self._oov_start(), dtype="int64")
        return self._oov_start() + self._oov_buckets(flat)

    def encode(self, indices, present=None):
        """Indices as the layer's output_mode asks: unchanged for "int", else one_hot/multi_hot/count/tf_idf
        vectors of vocabulary_size() (max_tokens with pad_to_max_tokens). `present` (0/1 like `indices`) leaves
        out padding positions when rows of different lengths were padded to one."""
        if self.output_mode == "int":
            return indices
        if not self._has_vocabulary and not self.pad_to_max_tokens:
            raise ValueError(f"{self._owner}: output_mode '{self.output_mode}' needs a vocabulary: call adapt() "
                             f"or set_vocabulary() first (or give max_tokens and pad_to_max_tokens=True).")
        depth = self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()
        mode = "count" if self.output_mode == "tf_idf" or present is not None else self.output_mode
        encoded = encode_categorical(indices, mode, depth, self._owner, count_weights=present)
        if present is not None and self.output_mode == "multi_hot":
            encoded = (encoded > 0).astype(backend.floatx())
        if self.output_mode == "tf_idf":
            encoded = encoded * self.idf_weights[:depth]
        return encoded.astype(backend.floatx())

    def _inverse_lookup(self, indices):
        if indices.dtype.kind not in "iu":
            raise TypeError(f"{self._owner}: invert=True takes integer indices, got dtype {indices.dtype}.")
        flat = indices.ravel()
        tokens = np.array([self._inverse.get(int(i), self.oov_token) for i in flat], dtype=object)
        if self.mask_token is not None:
            tokens[flat == 0] = self.mask_token
        return self._token_output(tokens.reshape(indices.shape))

    def _token_output(self, tokens):
        return tokens

    @property
    def input_dtype(self):
        """What the layer reads: strings (integers for IntegerLookup), or indices when it inverts."""
        return "int64" if self.invert or self.vocabulary_dtype != "string" else "string"

    @property
    def output_dtype(self):
        """int64 indices in "int" mode (strings with invert=True), floats otherwise."""
        if self.output_mode != "int":
            return None
        return "string" if self.invert and self.vocabulary_dtype == "string" else "int64"

    def _known_depth(self):
        if self.pad_to_max_tokens:
            return self.max_tokens
        return self.vocabulary_size() if self._has_vocabulary else self._saved_vocabulary_size

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self._known_depth()
        if self.output_mode == "one_hot":
            base = input_shape[:-1] if len(input_shape) > 1 and input_shape[-1] == 1 else input_shape
            return base + (depth,)
        return ((input_shape[0],) if len(input_shape) > 1 else ()) + (depth,)

    def get_config(self):
        config = {"invert": self.invert, "max_tokens": self.max_tokens, "num_oov_indices": self.num_oov_indices,
                  "oov_token": self.oov_token, "mask_token": self.mask_token, "output_mode": self.output_mode,
                  "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                  "vocabulary": _listed(self.input_vocabulary), "idf_weights": _listed(self.input_idf_weights),
                  "vocabulary_size": self.vocabulary_size()}
        return {**super().get_config(), **config}

    # ---- what a .keras file keeps besides the config (Keras 3's assets and own variables) -----------
    def save_assets(self):
        """{file name: text} stored under the layer's assets folder: the adapted vocabulary, one token a line
        (nothing when the vocabulary was given, since the config holds it)."""
        if self.input_vocabulary is not None or not self._has_vocabulary:
            return {}
        return {"vocabulary.txt": "\n".join(str(token) for token in self.get_vocabulary())}

    def load_assets(self, files):
        """Take the vocabulary back from the files save_assets wrote (Keras 3 writes the same file)."""
        if self.input_vocabulary is not None or "vocabulary.txt" not in files:
            return
        lines = files["vocabulary.txt"].splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        vocabulary = lines if self.vocabulary_dtype == "string" else [int(line) for line in lines]
        idf = None
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            idf = self.idf_weights[:len(vocabulary)]
        self.set_vocabulary(vocabulary, idf_weights=idf)

    def own_variables(self):
        """{name: array} of the layer's state outside its params: the tf_idf weights, as Keras stores them."""
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            return {"idf_weights": self.idf_weights}
        return {}

    def load_own_variables(self, store):
        """Take back what own_variables gave."""
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self.idf_weights = np.asarray(store["idf_weights"], dtype=backend.floatx())

    # ---- strings by default; IntegerLookup overrides these ------------------------------------------
    def _as_token(self, value):
        if isinstance(value, bytes):
            return value.decode("utf-8")
        if not isinstance(value, str):
            raise TypeError(f"{self._owner}: vocabulary entries must be strings, got {value!r}.")
        return value

    def _tokens_array(self, x):
        return as_string_array(x, self._owner)

    def _sort_key(self, token):
        return token.encode("utf-8")    # Keras orders ties by their bytes

    def _oov_buckets(self, flat):
        """Which OOV slot each unknown string takes when there are several: Keras hashes it."""
        return np.array([hash_bucket(t, self.num_oov_indices, getattr(self, "salt", None)) for t in flat],
                        dtype="int64")


def _listed(value):
    if value is None or isinstance(value, (str, os.PathLike)):
        return value if value is None else os.fspath(value)
    return np.asarray(value).tolist()


def _batches(data, steps):
    """One batch for an array or list; the batches of any other iterable (at most `steps` of them)."""
    if isinstance(data, (list, tuple, np.ndarray, str, bytes)):
        yield data
        return
    if not hasattr(data, "__iter__"):
        raise TypeError(f"adapt: expected an array, a list or an iterable of batches, got {type(data).__name__}.")
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            break
        yield batch[0] if isinstance(batch, tuple) else batch

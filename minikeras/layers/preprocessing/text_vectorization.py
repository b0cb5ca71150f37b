"""TextVectorization: raw strings to token indices or multi_hot/count/tf_idf vectors (standardize, split, ngrams,
then a vocabulary lookup), usable as the first layer of a model on raw text."""
import re

import numpy as np

from .index_lookup import IndexLookup
from .strings import as_string_array

# Keras strips ASCII punctuation only, and TensorFlow lowercases and splits on ASCII only
PUNCTUATION = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\''
ASCII_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_STRIP = str.maketrans("", "", PUNCTUATION)
STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT = ("whitespace", "character")
OUTPUT_MODES = ("int", "multi_hot", "count", "tf_idf")


def standardize_text(text, standardize):
    """One string standardized as Keras does: ASCII letters lowercased and/or ASCII punctuation removed."""
    if standardize in ("lower", "lower_and_strip_punctuation"):
        text = text.translate(_LOWER)
    if standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
        text = text.translate(_STRIP)
    return text


def split_text(text, split):
    """One string's tokens: on runs of ASCII whitespace, into characters, or by a function of the string."""
    if split == "whitespace":
        return [token for token in ASCII_WHITESPACE.split(text) if token]
    if split == "character":
        return list(text)
    return list(split(text))


def with_ngrams(tokens, widths):
    """All n-grams of each width in `widths`, in that order, joined by spaces."""
    return [" ".join(tokens[i:i + width]) for width in widths for i in range(len(tokens) - width + 1)]


class TextVectorization(IndexLookup):
    """Raw strings -> standardize -> split -> (ngrams) -> vocabulary indices.

    `output_mode="int"` gives each text's token indices padded with 0 (to `output_sequence_length` when given,
    else to the longest text of the batch); "multi_hot", "count" and "tf_idf" give one vector per text.
    `adapt(texts)` builds the vocabulary ("" for padding, "[UNK]" for unknown words, then the most frequent
    tokens); a `vocabulary` list can be given instead. Unlike Keras 3 it needs no TensorFlow. A callable `split`
    is called with one standardized string and returns its tokens; a callable `standardize` is called with a
    numpy array of strings and returns one.
    """

    # Keras 3 keeps the vocabulary (and idf weights) both for the layer and for its inner lookup layer
    saved_state_folders = ("", "_lookup_layer")

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None, **kwargs):
        owner = f"TextVectorization '{name}'" if name else "TextVectorization"
        self._check_text_arguments(owner, standardize, split, ngrams, output_mode, output_sequence_length,
                                   ragged, encoding)
        self.standardize, self.split = standardize, split
        self.ngrams = tuple(ngrams) if isinstance(ngrams, list) else ngrams
        self._ngram_widths = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else self.ngrams
        self.output_sequence_length, self.ragged, self.encoding = output_sequence_length, False, encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=1, mask_token="", oov_token="[UNK]",
                         vocabulary=vocabulary, idf_weights=idf_weights, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, name=name, **kwargs)

    @staticmethod
    def _check_text_arguments(owner, standardize, split, ngrams, output_mode, output_sequence_length, ragged,
                              encoding):
        if not (standardize is None or standardize in STANDARDIZE or callable(standardize)):
            raise ValueError(f"{owner}: standardize must be None, one of {STANDARDIZE} or a function, got "
                             f"{standardize!r}.")
        if not (split is None or split in SPLIT or callable(split)):
            raise ValueError(f"{owner}: split must be None, one of {SPLIT} or a function, got {split!r}.")
        widths = ngrams if isinstance(ngrams, (tuple, list)) else [ngrams]
        if not (ngrams is None or all(isinstance(w, int) and not isinstance(w, bool) and w > 0 for w in widths)):
            raise ValueError(f"{owner}: ngrams must be None, a positive integer or a tuple of them, got {ngrams!r}.")
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"{owner}: output_mode must be one of {OUTPUT_MODES}, got {output_mode!r}.")
        if output_sequence_length is not None:
            if output_mode != "int":
                raise ValueError(f"{owner}: output_sequence_length is only used with output_mode 'int', got "
                                 f"output_mode {output_mode!r}.")
            if isinstance(output_sequence_length, bool) or not isinstance(output_sequence_length, int) \
                    or output_sequence_length < 1:
                raise ValueError(f"{owner}: output_sequence_length must be None or a positive integer, got "
                                 f"{output_sequence_length!r}.")
        if ragged:
            raise ValueError(f"{owner}: ragged=True needs TensorFlow's ragged tensors; minikeras pads with 0 "
                             f"(use output_sequence_length, or masks downstream).")
        if encoding.lower().replace("-", "") != "utf8":
            raise ValueError(f"{owner}: only encoding 'utf-8' is supported, got {encoding!r}.")

    # ---- text to tokens ------------------------------------------------------------------------
    def _strings(self, x):
        texts = as_string_array(x, self._owner)
        if self.split is not None and texts.ndim > 1:
            if texts.shape[-1] != 1:
                raise ValueError(f"{self._owner}: takes one string per sample, as shape (batch,) or (batch, 1); "
                                 f"got shape {texts.shape}.")
            texts = texts[..., 0]
        if callable(self.standardize):
            result = np.asarray(self.standardize(texts.astype(str) if texts.size else texts))
            return as_string_array(result, self._owner).reshape(texts.shape)
        if self.standardize is not None:
            return np.array([standardize_text(t, self.standardize) for t in texts.ravel()],
                            dtype=object).reshape(texts.shape)
        return texts

    def _token_lists(self, texts):
        """Each text's tokens (split, then ngrams)."""
        rows = [split_text(t, self.split) for t in texts.ravel()]
        if self._ngram_widths:
            rows = [with_ngrams(tokens, self._ngram_widths) for tokens in rows]
        return rows

    def _token_rows(self, batch):
        texts = self._strings(batch)
        if self.split is None:
            rows = [[t] for t in texts.ravel()]
            return [with_ngrams(r, self._ngram_widths) for r in rows] if self._ngram_widths else rows
        return self._token_lists(texts)

    # ---- call ----------------------------------------------------------------------------------
    def call(self, params, x, mask=None, training=False, rng=None):
        texts = self._strings(x)
        if self.split is None and not self._ngram_widths:
            return self._fit_length(self.encode(self.lookup(texts)))
        rows = self._token_lists(texts)
        lengths = np.array([len(tokens) for tokens in rows], dtype="int64")
        flat = np.empty(int(lengths.sum()), dtype=object)
        flat[:] = [token for tokens in rows for token in tokens]
        # one lookup for the whole batch, then each token back to its (row, position)
        indices = self.lookup(flat)
        row_of = np.repeat(np.arange(len(rows)), lengths)
        position = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        width = self.output_sequence_length or int(lengths.max(initial=0))
        if self.output_mode != "int":
            width = int(lengths.max(initial=0))
        kept = position < width
        padded = np.zeros((len(rows), width), dtype="int64")
        padded[row_of[kept], position[kept]] = indices[kept]
        if self.output_mode != "int":
            present = np.zeros((len(rows), width), dtype="float64")
            present[row_of, position] = 1.0
            return self.encode(padded, present=present).reshape(texts.shape + (-1,))
        return padded.reshape(texts.shape + (width,))

    def _fit_length(self, indices):
        if self.output_mode != "int" or self.output_sequence_length is None:
            return indices
        length = self.output_sequence_length
        fitted = np.zeros(indices.shape[:-1] + (length,), dtype=indices.dtype)
        fitted[..., :min(length, indices.shape[-1])] = indices[..., :length]
        return fitted

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        batch = input_shape[:-1] if self.split is not None and len(input_shape) > 1 and input_shape[-1] == 1 \
            else input_shape
        if self.output_mode == "int":
            if self.split is None and not self._ngram_widths:
                return input_shape[:-1] + (self.output_sequence_length,) if self.output_sequence_length \
                    else input_shape
            return batch + (self.output_sequence_length,)
        return batch + (self._known_depth(),)

    def get_config(self):
        config = super().get_config()
        for lookup_only in ("invert", "num_oov_indices", "oov_token", "mask_token"):
            config.pop(lookup_only)
        config.update(standardize=_named(self.standardize), split=_named(self.split),
                      ngrams=list(self.ngrams) if isinstance(self.ngrams, tuple) else self.ngrams,
                      output_sequence_length=self.output_sequence_length, ragged=self.ragged,
                      encoding=self.encoding, vocabulary_size=config.pop("vocabulary_size"))
        return config


def _named(option):
    if callable(option):
        raise ValueError(f"TextVectorization: a custom standardize/split function ({option!r}) cannot be saved "
                         f"in a config; rebuild the layer with it after loading.")
    return option

"""Keras 2's text preprocessing (keras.preprocessing.text): Tokenizer, text_to_word_sequence, one_hot, hashing_trick."""
import hashlib
import json
from collections import OrderedDict, defaultdict

import numpy as np

from .. import legacy

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
MATRIX_MODES = ("binary", "count", "tfidf", "freq")


def _checked_text(text, owner):
    if not isinstance(text, str):
        raise TypeError(f"{owner}: expected a string of text, got {type(text).__name__} {text!r:.60}.")
    return text


def text_to_word_sequence(input_text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """The words of `input_text`: lowercased, every character of `filters` turned into `split`, split on `split`,
    empty pieces dropped (Keras 2)."""
    text = _checked_text(input_text, "text_to_word_sequence")
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({character: split for character in filters}))
    return [word for word in text.split(split) if word]


def _md5_number(word):
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True, split=" ", analyzer=None):
    """Each word of `text` as `hash(word) % (n - 1) + 1` (0 is kept free for padding).

    `hash_function` is None (Python's `hash`: it changes between processes unless PYTHONHASHSEED is set),
    "md5" (stable) or a function from a string to an integer, as in Keras 2.
    """
    _checked_text(text, "hashing_trick")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"hashing_trick: n (the size of the hashing space) must be an integer >= 2, got {n!r}.")
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = _md5_number
    elif not callable(hash_function):
        raise TypeError(f"hashing_trick: hash_function must be None, 'md5' or a function, got {hash_function!r}.")
    words = analyzer(text) if analyzer is not None else text_to_word_sequence(text, filters, lower, split)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(input_text, n, filters=DEFAULT_FILTERS, lower=True, split=" ", analyzer=None):
    """Keras 2's one_hot: hashing_trick with Python's `hash` (so not one-hot vectors, and not stable across
    processes unless PYTHONHASHSEED is set); each word becomes an integer in [1, n)."""
    _checked_text(input_text, "one_hot")
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower, split=split,
                         analyzer=analyzer)


class Tokenizer:
    """Keras 2's Tokenizer: a word index built by fit_on_texts (most frequent word first, index 1), used to turn
    texts into sequences of indices or into matrices ("binary", "count", "tfidf", "freq").

    Only the `num_words - 1` most frequent words are kept when texts become sequences or matrices;
    `oov_token` (index 1 when given) stands for every other word.
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ", char_level=False,
                 oov_token=None, analyzer=None, document_count=0, **kwargs):
        if "nb_words" in kwargs:
            legacy.warn_once("Tokenizer(nb_words=...)", "Tokenizer(num_words=...)")
            num_words = kwargs.pop("nb_words")
        if kwargs:
            raise TypeError(f"Tokenizer: unexpected keyword argument(s) {sorted(kwargs)}.")
        if num_words is not None and (isinstance(num_words, bool) or not isinstance(num_words, (int, np.integer))
                                      or num_words < 0):
            raise ValueError(f"Tokenizer: num_words must be None or a whole number >= 0, got {num_words!r}.")
        self.word_counts = OrderedDict()
        self.word_docs = defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = defaultdict(int)
        self.word_index = {}
        self.index_word = {}
        self.analyzer = analyzer

    def _tokens(self, text, owner):
        """The tokens of one text: a list of strings is taken as already split; char_level splits characters."""
        if isinstance(text, list):
            for token in text:
                _checked_text(token, f"Tokenizer.{owner}")
            return [token.lower() for token in text] if self.lower else text
        _checked_text(text, f"Tokenizer.{owner}")
        if self.char_level:
            return text.lower() if self.lower else text
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def _texts(self, texts, owner):
        if isinstance(texts, str):
            raise TypeError(f"Tokenizer.{owner}: expected a list of texts, got a single string {texts!r:.60}; "
                            f"wrap it in a list.")
        if not hasattr(texts, "__iter__"):
            raise TypeError(f"Tokenizer.{owner}: expected a list of texts (strings), got {type(texts).__name__}.")
        return texts

    def fit_on_texts(self, texts):
        """Count the words of `texts` (strings, or lists of tokens) and rebuild word_index by frequency."""
        all_tokens = [self._tokens(text, "fit_on_texts") for text in self._texts(texts, "fit_on_texts")]
        for tokens in all_tokens:
            self.document_count += 1
            for token in tokens:
                self.word_counts[token] = self.word_counts.get(token, 0) + 1
            for token in set(tokens):
                self.word_docs[token] += 1
        # a stable sort by count: ties keep the order words were first seen in, as Keras does
        by_count = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = ([] if self.oov_token is None else [self.oov_token]) + [word for word, _ in by_count]
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {index: word for word, index in self.word_index.items()}
        for word, count in list(self.word_docs.items()):
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences):
        """Count, for tfidf, the documents each index appears in (use after texts_to_sequences elsewhere)."""
        sequences = list(self._texts(sequences, "fit_on_sequences"))
        self.document_count += len(sequences)
        for sequence in sequences:
            for index in set(sequence):
                self.index_docs[index] += 1

    def texts_to_sequences(self, texts):
        """Each text as a list of word indices (words not in the index, or beyond num_words, become oov_token's
        index, or are dropped without one)."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """texts_to_sequences, one text at a time."""
        oov_index = self.word_index.get(self.oov_token)
        for text in self._texts(texts, "texts_to_sequences"):
            indices = []
            for token in self._tokens(text, "texts_to_sequences"):
                index = self.word_index.get(token)
                if index is not None and not (self.num_words and index >= self.num_words):
                    indices.append(index)
                elif oov_index is not None:
                    indices.append(oov_index)
            yield indices

    def sequences_to_texts(self, sequences):
        """Each sequence of indices back to a text, words joined by spaces (unknown indices become oov_token or
        are dropped)."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """sequences_to_texts, one sequence at a time."""
        oov_index = self.word_index.get(self.oov_token)
        for sequence in self._texts(sequences, "sequences_to_texts"):
            words = []
            for index in sequence:
                word = self.index_word.get(index)
                if word is not None and not (self.num_words and index >= self.num_words):
                    words.append(word)
                elif oov_index is not None:
                    words.append(self.index_word[oov_index])
            yield " ".join(words)

    def texts_to_matrix(self, texts, mode="binary"):
        """texts_to_sequences then sequences_to_matrix."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """One row per sequence, one column per index below num_words: "binary" (present), "count", "freq"
        (count / length) or "tfidf" ((1 + log count) * log(1 + documents / (1 + documents with the word)))."""
        if mode not in MATRIX_MODES:
            raise ValueError(f"Tokenizer.sequences_to_matrix: mode must be one of {MATRIX_MODES}, got {mode!r}.")
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError("Tokenizer.sequences_to_matrix: give num_words, or call fit_on_texts first, so the "
                             "matrix has a known width.")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Tokenizer.sequences_to_matrix: mode 'tfidf' needs document counts: call fit_on_texts "
                             "(or fit_on_sequences) first.")
        sequences = list(self._texts(sequences, "sequences_to_matrix"))
        matrix = np.zeros((len(sequences), width))
        for row, sequence in enumerate(sequences):
            counts = defaultdict(int)
            for index in sequence:
                if index < width:
                    counts[index] += 1
            for index, count in counts.items():
                matrix[row, index] = self._matrix_value(mode, count, len(sequence), index)
        return matrix

    def _matrix_value(self, mode, count, length, index):
        if mode == "binary":
            return 1
        if mode == "count":
            return count
        if mode == "freq":
            return count / length
        idf = np.log(1 + self.document_count / (1 + self.index_docs.get(index, 0)))
        return (1 + np.log(count)) * idf

    def get_config(self):
        """The settings and the fitted counts, the counts as JSON strings (Keras 2's layout)."""
        return {"num_words": self.num_words, "filters": self.filters, "lower": self.lower, "split": self.split,
                "char_level": self.char_level, "oov_token": self.oov_token, "document_count": self.document_count,
                "word_counts": json.dumps(self.word_counts), "word_docs": json.dumps(self.word_docs),
                "index_docs": json.dumps(self.index_docs), "index_word": json.dumps(self.index_word),
                "word_index": json.dumps(self.word_index)}

    def to_json(self, **kwargs):
        """The tokenizer as a JSON string (tokenizer_from_json reads it back); kwargs go to json.dumps."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string):
    """A Tokenizer from the string Tokenizer.to_json() wrote (Keras 2's format)."""
    try:
        config = dict(json.loads(json_string)["config"])
        counts = {key: json.loads(config.pop(key))
                  for key in ("word_counts", "word_docs", "index_docs", "index_word", "word_index")}
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"tokenizer_from_json: expected the JSON string Tokenizer.to_json() writes "
                         f"({type(error).__name__}: {error}).") from None
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = counts["word_counts"]
    tokenizer.word_docs = counts["word_docs"]
    tokenizer.index_docs = {int(key): value for key, value in counts["index_docs"].items()}
    tokenizer.index_word = {int(key): value for key, value in counts["index_word"].items()}
    tokenizer.word_index = counts["word_index"]
    return tokenizer

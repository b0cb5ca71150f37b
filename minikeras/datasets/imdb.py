"""keras.datasets.imdb: 25,000 movie reviews for training and 25,000 for testing, as word indices, labelled
positive (1) or negative (0); get_word_index maps words to those indices."""
import json

import numpy as np

from .. import legacy
from . import _files, _sequences

ORIGIN = _files.KERAS_FOLDER + "imdb.npz"
SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_ORIGIN = _files.KERAS_FOLDER + "imdb_word_index.json"
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, **kwargs):
    """`(x_train, y_train), (x_test, y_test)` as Keras returns them: x an object array of lists of word
    indices (word i of get_word_index() is i + index_from; start_char begins each review), y labels 0/1.

    `num_words` keeps the most frequent words (others become `oov_char`), `skip_top` drops the most frequent,
    `maxlen` drops reviews that are not shorter. The file comes from Keras's cache (downloaded when missing);
    a `path` with a folder in it is read as it is.
    """
    if "nb_words" in kwargs:
        legacy.warn_once("imdb.load_data(nb_words=...)", "imdb.load_data(num_words=...)")
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"imdb.load_data: unexpected keyword argument(s) {sorted(kwargs)}.")
    owner = "imdb.load_data"
    arrays = _files.load_npz(owner, _files.fetch(owner, path, ORIGIN, SHA256),
                             ["x_train", "y_train", "x_test", "y_test"])
    rng = np.random.RandomState(seed)
    x_train, y_train = _sequences.shuffled(rng, arrays["x_train"], arrays["y_train"])
    x_test, y_test = _sequences.shuffled(rng, arrays["x_test"], arrays["y_test"])
    x_train = _sequences.with_offsets(x_train, start_char, index_from)
    x_test = _sequences.with_offsets(x_test, start_char, index_from)
    if maxlen:
        x_train, y_train = _sequences.shorter_than(maxlen, x_train, y_train)
        x_test, y_test = _sequences.shorter_than(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(f"{owner}: no review is shorter than maxlen={maxlen}; use a larger maxlen.")
    labels = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
    sequences = _sequences.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    split = len(x_train)
    return ((_sequences.as_object_array(sequences[:split]), labels[:split]),
            (_sequences.as_object_array(sequences[split:]), labels[split:]))


def get_word_index(path="imdb_word_index.json"):
    """{word: index} for the IMDB reviews (index 1 is the most frequent word; load_data adds index_from)."""
    owner = "imdb.get_word_index"
    return read_word_index(owner, _files.fetch(owner, path, WORD_INDEX_ORIGIN, WORD_INDEX_MD5))


def read_word_index(owner, path):
    """The {word: index} JSON object in the file at `path`, or a clear error."""
    try:
        with open(path, encoding="utf-8") as f:
            index = json.load(f)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{owner}: '{path}' is not a JSON word index ({error}).") from None
    if not isinstance(index, dict):
        raise ValueError(f"{owner}: '{path}' should hold a JSON object {{word: index}}, got "
                         f"{type(index).__name__}.")
    return index

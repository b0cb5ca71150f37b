"""keras.datasets.reuters: 11,228 Reuters newswires as word indices, labelled with one of 46 topics;
get_word_index maps words to those indices, get_label_names names the topics."""
import numpy as np

from . import _files, _sequences
from .imdb import read_word_index

ORIGIN = _files.KERAS_FOLDER + "reuters.npz"
SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_ORIGIN = _files.KERAS_FOLDER + "reuters_word_index.json"
WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar",
    "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
    "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog",
    "lead")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
              start_char=1, oov_char=2, index_from=3):
    """`(x_train, y_train), (x_test, y_test)` as Keras returns them: newswires as object arrays of lists of word
    indices (shuffled with `seed`, the last `test_split` of them for testing), topics as integers 0..45.

    `num_words`, `skip_top`, `maxlen`, `start_char`, `oov_char`, `index_from` work as in imdb.load_data.
    """
    owner = "reuters.load_data"
    if not isinstance(test_split, (int, float)) or not 0 <= test_split < 1:
        raise ValueError(f"{owner}: test_split must be a fraction in [0, 1), got {test_split!r}.")
    arrays = _files.load_npz(owner, _files.fetch(owner, path, ORIGIN, SHA256), ["x", "y"])
    xs, labels = _sequences.shuffled(np.random.RandomState(seed), arrays["x"], arrays["y"])
    if start_char is not None or index_from:
        xs = _sequences.with_offsets(xs, start_char, index_from)
    if maxlen:
        xs, labels = _sequences.shorter_than(maxlen, xs, labels)
    xs = _sequences.limit_vocabulary(list(xs), num_words, skip_top, oov_char)
    split = int(len(xs) * (1 - test_split))
    return ((_sequences.as_object_array(xs[:split]), np.array(labels[:split])),
            (_sequences.as_object_array(xs[split:]), np.array(labels[split:])))


def get_word_index(path="reuters_word_index.json"):
    """{word: index} for the newswires (load_data adds index_from to these indices)."""
    owner = "reuters.get_word_index"
    return read_word_index(owner, _files.fetch(owner, path, WORD_INDEX_ORIGIN, WORD_INDEX_MD5))


def get_label_names():
    """The 46 topic names, in the order of the labels."""
    return LABEL_NAMES

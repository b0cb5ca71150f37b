"""What imdb and reuters do to their word-index sequences after loading: shuffle, offsets, maxlen, num_words."""
import numpy as np


def shuffled(rng, *arrays):
    """The arrays in one random order drawn from `rng` (a np.random.RandomState), as Keras draws it."""
    order = np.arange(len(arrays[0]))
    rng.shuffle(order)
    return [array[order] for array in arrays]


def with_offsets(sequences, start_char, index_from):
    """Each sequence with `index_from` added to every index and `start_char` put in front (when not None)."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in sequences]
    return [[w + index_from for w in x] for x in sequences]


def shorter_than(maxlen, sequences, labels):
    """The (sequence, label) pairs whose sequence is strictly shorter than maxlen."""
    kept = [(x, y) for x, y in zip(sequences, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def limit_vocabulary(sequences, num_words, skip_top, oov_char):
    """Indices outside [skip_top, num_words) become oov_char, or are dropped when oov_char is None."""
    if not num_words:
        num_words = max(max(x) for x in sequences if len(x)) if any(len(x) for x in sequences) else 0
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in sequences]
    return [[w for w in x if skip_top <= w < num_words] for x in sequences]


def as_object_array(sequences):
    """A 1-D object array of lists (np.array would make a 2-D array when the lists have equal lengths)."""
    array = np.empty(len(sequences), dtype=object)
    array[:] = [list(x) for x in sequences]
    return array

"""Strings as the preprocessing layers see them: object arrays of str; Keras's (salted) hash bucket of a string."""
import numpy as np

from .string_hashes import fingerprint64, siphash24


def as_string_array(x, owner):
    """`x` (strings, bytes, nested lists of them, numpy str/bytes/object arrays) as an object array of str."""
    array = np.asarray(x, dtype=object) if not isinstance(x, np.ndarray) else x
    if array.dtype.kind == "U":
        return array.astype(object)
    if array.dtype.kind == "S":
        return np.char.decode(array, "utf-8").astype(object)
    if array.dtype.kind != "O":
        raise TypeError(f"{owner}: expected strings, got an array of dtype {array.dtype}.")
    flat = array.ravel()
    for i, value in enumerate(flat):
        if isinstance(value, bytes):
            flat[i] = value.decode("utf-8")
        elif not isinstance(value, str):
            raise TypeError(f"{owner}: expected strings, got {type(value).__name__} {value!r:.40}.")
    return flat.reshape(array.shape)


def salt_pair(salt, owner):
    """Keras's salt: None, an integer (used twice) or a pair of integers, as the SipHash key."""
    if salt is None:
        return None
    if isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
        return [int(salt), int(salt)]
    if isinstance(salt, (list, tuple)) and len(salt) == 2 and all(isinstance(s, (int, np.integer)) for s in salt):
        return [int(s) for s in salt]
    raise ValueError(f"{owner}: salt must be None, an integer or a pair of integers, got {salt!r}.")


def hash_bucket(text, buckets, salt):
    """Keras's bucket for a string: Fingerprint64 without a salt, SipHash keyed by the salt with one."""
    data = text.encode("utf-8")
    return (fingerprint64(data) if salt is None else siphash24(salt, data)) % buckets

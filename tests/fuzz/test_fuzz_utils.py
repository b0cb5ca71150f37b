"""Fuzzing (see fuzz_helpers.py): minikeras.utils helpers (to_categorical, pad_sequences, ...) on malformed arguments."""
import numpy as np
import pytest

from minikeras import utils
from fuzz_helpers import refused


# ---- utils -----------------------------------------------------------------------------------------------------------
BAD_TO_CATEGORICAL = {"1.5": ([1.5],), "-1": ([-1],), "NaN": ([np.nan],), "inf": ([np.inf],), "num_classes 0": ([1], 0),
                      "num_classes -1": ([1], -1), "num_classes below a label": ([5], 2)}
BAD_PAD_SEQUENCES = {"padding 'mid'": ([[1]], None, "int32", "mid"), "truncating 3": ([[1]], None, "int32", "pre", 3)}
UTILS_CASES = ([("to_categorical", k, v) for k, v in BAD_TO_CATEGORICAL.items()]
               + [("pad_sequences", k, v) for k, v in BAD_PAD_SEQUENCES.items()])
# found by this fuzzing in minikeras/utils/data.py, and fixed: they gave numpy's or Python's own message, or a value
# silently changed
RAW = {"to_categorical": {"strings": (["a"],), "None": (None,), "objects": (np.array([None]),), "complex": ([1j],),
                          "ragged": ([[1], [1, 2]],), "num_classes '3'": ([1], "3")},
       "pad_sequences": {"None": (None,), "a string": ("abc",), "a flat list": ([1, 2, 3],), "strings": ([["a", "b"]],),
                         "ragged features": ([[[1, 2], [3]]],), "features of 2 and 3": ([[[1, 2]], [[1, 2, 3]]],),
                         "a dict": ({"a": [1]},), "an int": (5,)}}
UTILS_NOT_YET_CLEAN = {
    **{f"{function} {name}": (getattr(utils, function), args) for function, cases in RAW.items()
       for name, args in cases.items()},
    "to_categorical num_classes 2.5": (utils.to_categorical, ([1], 2.5)),
    "to_categorical label 1e12 (numpy: array is too big)": (utils.to_categorical, ([10 ** 12],)),
    "to_categorical num_classes True": (utils.to_categorical, ([0], True)),
    "pad_sequences maxlen -1": (utils.pad_sequences, ([[1, 2]], -1)),
    "pad_sequences maxlen 2.5 (truncated to 2)": (utils.pad_sequences, ([[1, 2]], 2.5)),
    "pad_sequences maxlen '3' (taken as 3)": (utils.pad_sequences, ([[1, 2]], "3")),
    "pad_sequences maxlen True (taken as 1)": (utils.pad_sequences, ([[1, 2]], True)),
    "pad_sequences dtype 'nope'": (utils.pad_sequences, ([[1]], None, "nope")),
    "pad_sequences value 'x'": (utils.pad_sequences, ([[1], []], None, "int32", "pre", "pre", "x")),
    "pad_sequences value NaN into int32 (becomes -2**31)": (utils.pad_sequences, ([[1, 2], [3]], None, "int32", "pre",
                                                                                   "pre", np.nan)),
    "pad_sequences 2**40 into int32 (becomes 0)": (utils.pad_sequences, ([[2 ** 40]],)),
}


@pytest.mark.parametrize("function, name, args", UTILS_CASES, ids=[f"{f} {n}" for f, n, _ in UTILS_CASES])
def test_bad_arguments_to_utils_are_refused(function, name, args):
    refused(lambda: getattr(utils, function)(*args))


@pytest.mark.parametrize("name", list(UTILS_NOT_YET_CLEAN))
def test_utils_arguments_found_by_fuzzing_are_refused(name):
    function, args = UTILS_NOT_YET_CLEAN[name]
    refused(lambda: function(*args))

"""Calling a model on arrays casts each to its Input's dtype, as Keras 3 does (its functional_test
test_dtype_standardization: float64 data for a float16 Input stays float16, for an int32 Input becomes int32)."""
import numpy as np

import minikeras


def test_each_input_is_cast_to_its_input_dtype():
    half, index = minikeras.Input((2,), dtype="float16"), minikeras.Input((2,), dtype="int32")
    model = minikeras.Model((half, index), (half + 2, index + 2))
    out_half, out_index = model((np.ones((2, 2)), np.ones((2, 2))))
    assert out_half.dtype == np.float16 and out_index.dtype == np.int32
    np.testing.assert_array_equal(out_index, 3 * np.ones((2, 2), "int32"))


def test_floats_that_are_not_whole_numbers_are_not_truncated_into_indices():
    ids = minikeras.Input((3,), dtype="int32")
    model = minikeras.Model(ids, minikeras.layers.Embedding(10, 2)(ids))
    assert model(np.array([[1.0, 2.0, 3.0]])).shape == (1, 3, 2)
    try:
        model(np.array([[1.5, 2.0, 3.0]]))
    except (TypeError, ValueError) as error:
        assert "embedding" in str(error).lower()
    else:
        raise AssertionError("1.5 as an index was not refused")

"""Constructor arguments refused with the exception type Keras 3's own tests expect (minikeras's own wording)."""
import pytest

from minikeras.layers import Dense, Dropout, Embedding, RepeatVector


@pytest.mark.parametrize("n", ["3", 3.5, [3], True])
def test_repeat_vector_n_of_the_wrong_type_is_a_type_error(n):
    with pytest.raises(TypeError, match="RepeatVector: n must be an integer"):
        RepeatVector(n=n)


@pytest.mark.parametrize("n", [0, -3])
def test_repeat_vector_n_not_positive_is_a_value_error(n):
    with pytest.raises(ValueError, match="RepeatVector: n must be a positive integer"):
        RepeatVector(n=n)


@pytest.mark.parametrize("noise_shape, message", [("Invalid", "tuple or list"), ((20, 1.5, 10), "integers or None"),
                                                  ((20, -1, 10), "positive"), ((20, 0, 10), "positive")])
def test_dropout_noise_shape_is_checked(noise_shape, message):
    with pytest.raises(ValueError, match=f"Dropout: noise_shape.*{message}"):
        Dropout(0.5, noise_shape=noise_shape)


def test_dropout_noise_shape_keeps_none_entries():
    assert Dropout(0.5, noise_shape=[20, None, 3]).noise_shape == (20, None, 3)


@pytest.mark.parametrize("rate", [-0.5, 1.5])
def test_dropout_rate_out_of_range_is_a_value_error(rate):
    with pytest.raises(ValueError, match="Dropout: rate"):
        Dropout(rate)


@pytest.mark.parametrize("units", [0, -3, 2.5, None, "64"])
def test_dense_units_is_a_value_error(units):
    with pytest.raises(ValueError, match="positive integer"):
        Dense(units)


@pytest.mark.parametrize("bad", [3.7, 4.0, "3", None, True, False, -1, 0])
def test_embedding_dims_are_value_errors(bad):
    with pytest.raises(ValueError, match="input_dim must be a positive integer"):
        Embedding(input_dim=bad, output_dim=8)
    with pytest.raises(ValueError, match="output_dim must be a positive integer"):
        Embedding(input_dim=10, output_dim=bad)

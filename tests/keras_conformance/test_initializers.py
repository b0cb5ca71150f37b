"""Initializers called as Keras 3 calls them (adapted from Keras 3.15's keras/src/initializers/*_test.py, Apache 2.0):
`init(shape, dtype=None)`, seeded initializers repeat their values on every call, random draws happen in the
weight's dtype (issue 17), `initializers.get` of an array, and the constant initializers."""
import numpy as np
import pytest

from minikeras import initializers

RANDOM = ["RandomNormal", "TruncatedNormal", "RandomUniform", "GlorotUniform", "GlorotNormal", "HeNormal",
          "HeUniform", "LecunNormal", "LecunUniform", "Orthogonal", "VarianceScaling"]


@pytest.mark.parametrize("name", RANDOM)
def test_called_with_shape_and_dtype_only(name):
    values = getattr(initializers, name)(seed=1)((4, 3), dtype="float32")
    assert values.shape == (4, 3) and values.dtype == np.float32
    assert getattr(initializers, name)(seed=1)(shape=(4, 3)).dtype == np.float32   # floatx by default


@pytest.mark.parametrize("name", RANDOM)
def test_a_seeded_initializer_repeats_its_values(name):
    init = getattr(initializers, name)(seed=1337)
    np.testing.assert_array_equal(init((5, 4)), init((5, 4)))


@pytest.mark.parametrize("name", RANDOM)
def test_an_unseeded_initializer_draws_anew(name):
    init = getattr(initializers, name)()
    assert not np.array_equal(init((5, 4)), init((5, 4)))


@pytest.mark.parametrize("name", ["RandomNormal", "TruncatedNormal", "RandomUniform", "GlorotUniform", "HeNormal"])
def test_draws_happen_in_the_weight_dtype(name):
    """A float32 weight is drawn as float32 numbers: the same values as numpy's float32 stream, not a float64
    stream cast down (issue 17)."""
    init = getattr(initializers, name)(seed=7)
    as32, as64 = init((200, 3), dtype="float32"), init((200, 3), dtype="float64")
    assert as32.dtype == np.float32 and as64.dtype == np.float64
    assert not np.array_equal(as32, as64.astype(np.float32))
    first = np.random.default_rng(7)
    drawn = first.random((200, 3), dtype=np.float32) if "Uniform" in name else first.standard_normal(
        (200, 3), dtype=np.float32)
    if name == "RandomUniform":
        np.testing.assert_allclose(as32, drawn * np.float32(0.1) - np.float32(0.05), rtol=1e-6)
    if name == "RandomNormal":
        np.testing.assert_allclose(as32, drawn * np.float32(0.05), rtol=1e-6)


def test_get_of_an_array_gives_that_array():
    array = np.arange(6.0).reshape(2, 3)
    init = initializers.get(array)
    got = init((2, 3), dtype="float32")
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, array)
    with pytest.raises(ValueError, match=r"has shape \(2, 3\).*shape \(3, 2\)"):
        init((3, 2))


def test_constant_initializers():
    np.testing.assert_array_equal(initializers.Zeros()((2, 2)), np.zeros((2, 2)))
    np.testing.assert_array_equal(initializers.Ones()((2, 2), dtype="float64"), np.ones((2, 2)))
    np.testing.assert_array_equal(initializers.Constant(3.5)((3,)), np.full(3, 3.5))
    np.testing.assert_array_equal(initializers.Identity(gain=2.0)((2, 3)), 2.0 * np.eye(2, 3))
    with pytest.raises(ValueError, match="2-D"):
        initializers.Identity()((2, 2, 2))
    assert isinstance(initializers.get("IdentityInitializer"), initializers.Identity)
    assert initializers.Constant(0.5).get_config() == {"value": 0.5}

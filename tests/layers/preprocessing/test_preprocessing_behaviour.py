"""What a user sees of the preprocessing layers beyond Keras's numbers: clear errors, set_vocabulary, adapt on
batches, the hash functions on known values, Normalization's weights staying out of training."""
import numpy as np
import pytest

from minikeras import Sequential, Input
from minikeras.layers import (Dense, TextVectorization, StringLookup, IntegerLookup, Hashing, CategoryEncoding,
                              Normalization)
from minikeras.layers.preprocessing.string_hashes import fingerprint64, siphash24


def test_farmhash_and_siphash_known_values():
    # reference values of the published algorithms (farmhash's Fingerprint64 of "", SipHash-2-4's test vector)
    assert fingerprint64(b"") == 0x9ae16a3b2f90404f
    key = (int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)), "little"))
    assert siphash24(key, bytes(range(15))) == 0xa129ca6149be45e5


def test_hashing_floats_like_keras_casts_them_to_int64():
    # recorded from Keras 3 on TensorFlow: Hashing(num_bins=1000) of [1.5, 2.0, -0.1]
    assert Hashing(num_bins=1000)(np.array([1.5, 2.0, -0.1])).tolist() == [849, 759, 735]


def test_text_vectorization_before_adapt_in_multi_hot_mode_says_what_to_do():
    layer = TextVectorization(output_mode="multi_hot")
    with pytest.raises(ValueError, match="needs a vocabulary: call adapt"):
        layer(["a b"])


def test_text_vectorization_before_adapt_in_int_mode_maps_everything_to_oov_like_keras():
    assert TextVectorization()(["a b"]).tolist() == [[1, 1]]


def test_text_vectorization_refuses_numbers_and_bad_arguments():
    layer = TextVectorization()
    with pytest.raises(TypeError, match="expected strings"):
        layer(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="output_sequence_length is only used"):
        TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="output_mode must be one of"):
        TextVectorization(output_mode="one_hot")
    with pytest.raises(ValueError, match="ragged=True"):
        TextVectorization(ragged=True)
    with pytest.raises(ValueError, match="shape \\(batch,\\) or \\(batch, 1\\)"):
        layer(np.array([["a", "b"]]))


def test_set_vocabulary_and_adapt_from_batches():
    layer = TextVectorization()
    layer.set_vocabulary(["b", "a"])
    assert layer.get_vocabulary() == ["", "[UNK]", "b", "a"]
    assert layer(["a b c"]).tolist() == [[3, 2, 1]]
    batches = (np.array(["x y", "y"]), np.array(["y z"]))
    layer = TextVectorization()
    layer.adapt(iter(batches))
    assert layer.get_vocabulary() == ["", "[UNK]", "y", "z", "x"]


def test_adapt_with_a_fixed_vocabulary_is_refused():
    with pytest.raises(ValueError, match="cannot adapt"):
        StringLookup(vocabulary=["a"]).adapt(["a", "b"])


def test_vocabulary_errors():
    with pytest.raises(ValueError, match="repeats"):
        StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="more than max_tokens"):
        StringLookup(vocabulary=["a", "b", "c"], max_tokens=3)
    with pytest.raises(ValueError, match="needs idf_weights"):
        StringLookup(vocabulary=["a"], output_mode="tf_idf")
    with pytest.raises(TypeError, match="vocabulary entries must be integers"):
        IntegerLookup(vocabulary=["a"])
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        StringLookup(vocabulary=["a"], num_oov_indices=0)(["a", "zzz"])


def test_vocabulary_from_a_file(tmp_path):
    path = tmp_path / "vocabulary.txt"
    path.write_text("cat\ndog\n")
    layer = StringLookup(vocabulary=str(path))
    assert layer(["dog", "cat", "eel"]).tolist() == [2, 1, 0]


def test_hashing_refuses_nan_and_category_encoding_out_of_range():
    with pytest.raises(ValueError, match="NaN or inf"):
        Hashing(num_bins=3)(np.array([np.nan]))
    with pytest.raises(ValueError, match="values must be in \\[0, 3\\)"):
        CategoryEncoding(num_tokens=3, output_mode="one_hot")(np.array([0, 3]))
    with pytest.raises(ValueError, match="num_tokens must be a positive integer"):
        CategoryEncoding(num_tokens=0)


def test_normalization_statistics_are_not_trained():
    x = np.random.default_rng(0).normal(5.0, 2.0, size=(64, 3)).astype("float32")
    norm = Normalization()
    norm.adapt(x)
    model = Sequential([Input((3,)), norm, Dense(1)])
    model.compile("sgd", "mse")
    before = [w.copy() for w in norm.get_weights()]
    model.fit(x, x[:, :1], epochs=2, verbose=0)
    for old, new in zip(before, norm.get_weights()):
        np.testing.assert_array_equal(old, new)
    np.testing.assert_allclose(norm(x).mean(axis=0), 0.0, atol=1e-5)


def test_normalization_errors():
    with pytest.raises(ValueError, match="give both mean and variance"):
        Normalization(mean=[1.0])
    with pytest.raises(ValueError, match="cannot adapt"):
        Normalization(mean=[1.0], variance=[1.0]).adapt(np.ones((3, 1)))


def test_keras2_experimental_path_gives_the_same_layers():
    from minikeras.layers.experimental import preprocessing
    assert preprocessing.TextVectorization is TextVectorization
    assert preprocessing.Normalization is Normalization

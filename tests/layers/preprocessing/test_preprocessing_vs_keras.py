"""The preprocessing layers against Keras 3 on TensorFlow (fixtures/text.json): TextVectorization, StringLookup,
IntegerLookup, Hashing, CategoryEncoding and Normalization give Keras's vocabularies, outputs, weights and
configs."""
import json
import os

import numpy as np
import pytest

from minikeras.layers import (TextVectorization, StringLookup, IntegerLookup, Hashing, CategoryEncoding,
                              Normalization)

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fixtures")
with open(os.path.join(FIXTURES, "text.json"), encoding="utf-8") as f:
    FACTS = json.load(f)
TEXT = FACTS["keras3_text_vectorization"]
LOOKUPS = FACTS["keras3_lookups"]
OTHERS = FACTS["keras3_hashing_and_encoding"]


def same_config(layer, expected):
    config = layer.get_config()
    expected = dict(expected)
    for key in ("name", "dtype"):
        config.pop(key, None)
        expected.pop(key, None)
    assert config == expected


def assert_output(got, expected):
    expected = np.asarray(expected)
    assert got.shape == expected.shape
    if expected.dtype.kind in "US":
        assert got.tolist() == expected.tolist()
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(n for n, c in TEXT["cases"].items() if "kwargs" in c))
def test_text_vectorization_matches_keras(name):
    case = TEXT["cases"][name]
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs.get("ngrams"), list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    layer = TextVectorization(**kwargs)
    if case["adapt"]:
        layer.adapt(TEXT["corpus"])
    assert layer.get_vocabulary() == case["vocabulary"]
    assert layer.vocabulary_size() == case["vocabulary_size"]
    output = layer(TEXT["corpus"] + TEXT["unseen"])
    assert_output(output, case["output"])
    assert output.dtype == (np.int64 if kwargs.get("output_mode", "int") == "int" else np.float32)
    same_config(layer, case["config"])


def test_text_vectorization_takes_a_column_of_strings_like_keras():
    layer = TextVectorization(output_sequence_length=6)
    layer.adapt(np.array(TEXT["corpus"]))
    assert_output(layer(np.array(TEXT["corpus"])[:, None]), TEXT["cases"]["column_input"]["output"])


@pytest.mark.parametrize("kind, name", [(k, n) for k in ("string", "integer") for n in sorted(LOOKUPS[k])])
def test_lookup_layers_match_keras(kind, name):
    case = LOOKUPS[kind][name]
    layer = (StringLookup if kind == "string" else IntegerLookup)(**case["kwargs"])
    if case["adapt"] is not None:
        layer.adapt(case["adapt"])
    # the recorder wrote numpy integers as text
    assert [str(v) for v in layer.get_vocabulary()] == [str(v) for v in case["vocabulary"]]
    assert_output(layer(np.array(case["input"])), case["output"])
    same_config(layer, case["config"])


@pytest.mark.parametrize("name", sorted(OTHERS["hashing"]))
def test_hashing_matches_keras_bin_for_bin(name):
    case = OTHERS["hashing"][name]
    layer = Hashing(**case["kwargs"])
    assert_output(layer(case["input"]), case["output"])
    same_config(layer, case["config"])


@pytest.mark.parametrize("name", sorted(n for n in OTHERS["category_encoding"] if n != "count_weights"))
def test_category_encoding_matches_keras(name):
    case = OTHERS["category_encoding"][name]
    layer = CategoryEncoding(**case["kwargs"])
    assert_output(layer(np.array(case["input"])), case["output"])
    same_config(layer, case["config"])


def test_category_encoding_count_weights_match_keras():
    case = OTHERS["category_encoding"]["count_weights"]
    layer = CategoryEncoding(num_tokens=5, output_mode="count")
    assert_output(layer(np.array(case["input"]), count_weights=np.array(case["count_weights"])), case["output"])


@pytest.mark.parametrize("name", sorted(OTHERS["normalization"]))
def test_normalization_matches_keras(name):
    case = OTHERS["normalization"][name]
    layer = Normalization(**case["kwargs"])
    if case["adapt"] is not None:
        layer.adapt(np.array(case["adapt"]))
    assert_output(layer(np.array(case["input"], dtype="float32")), case["output"])
    weights = layer.get_weights() if layer.params else []
    assert len(weights) == len(case["weights"])
    for got, expected in zip(weights, case["weights"]):
        np.testing.assert_allclose(got, expected, rtol=1e-5)
    if layer.params:
        assert list(layer.params) == case["weight_names"]
    same_config(layer, case["config"])

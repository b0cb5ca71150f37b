"""Models whose first layer is TextVectorization: they train on raw strings (Functional with Input(shape=(1,)) or
Input(shape=()), Sequential), save and load as .keras with the vocabulary where Keras 3 keeps it (assets), and
open Keras 3's own files (fixtures/text_models/, made by make_text_fixtures.py) with the same outputs."""
import json
import os
import zipfile

import numpy as np
import pytest

from minikeras import Model, Sequential, Input
from minikeras.layers import TextVectorization, StringLookup, Embedding, LSTM, Dense, Bidirectional
from minikeras.models import load_model

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fixtures")
with open(os.path.join(FIXTURES, "text.json"), encoding="utf-8") as f:
    MODELS = json.load(f)["keras3_text_models"]

TEXTS = np.array(["good movie", "bad movie", "great film", "awful film", "good good fun", "bad bad plot"] * 4)
LABELS = np.array([1, 0, 1, 0, 1, 0] * 4, dtype="float32")


def text_classifier(shape=(1,)):
    vectorizer = TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorizer.adapt(TEXTS)
    text = Input(shape=shape, dtype="string")
    hidden = Embedding(20, 8, mask_zero=True)(vectorizer(text))
    model = Model(text, Dense(1, activation="sigmoid")(Bidirectional(LSTM(4))(hidden)))
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("shape, texts", [((1,), TEXTS[:, None]), ((), TEXTS)])
def test_functional_model_trains_on_raw_strings(shape, texts):
    model = text_classifier(shape)
    history = model.fit(texts, LABELS, epochs=8, batch_size=8, verbose=0, validation_split=0.25)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(texts[:3], verbose=0).shape == (3, 1)
    assert np.isfinite(model.evaluate(texts, LABELS, verbose=0)[0])


def test_sequential_with_text_vectorization_after_a_string_input():
    vectorizer = TextVectorization(output_mode="multi_hot")
    vectorizer.adapt(TEXTS)
    model = Sequential([Input(shape=(), dtype="string"), vectorizer, Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    model.fit(TEXTS, LABELS, epochs=2, verbose=0)
    assert model.predict(TEXTS[:2], verbose=0).shape == (2, 1)


def test_numbers_for_a_string_input_are_a_clear_error():
    model = text_classifier()
    with pytest.raises(TypeError, match="must be strings"):
        model.fit(np.ones((4, 1)), LABELS[:4], verbose=0)


def test_save_and_load_keeps_the_vocabulary_in_keras_assets(tmp_path):
    model = text_classifier()
    model.fit(TEXTS[:, None], LABELS, epochs=1, verbose=0)
    path = str(tmp_path / "text.keras")
    model.save(path)
    names = zipfile.ZipFile(path).namelist()
    assert "assets/layers/text_vectorization/vocabulary.txt" in names
    loaded = load_model(path)
    probe = np.array([["good film"], ["unknown words only"]])
    np.testing.assert_allclose(loaded.predict(probe, verbose=0), model.predict(probe, verbose=0), rtol=1e-6)
    assert loaded.layers[1].get_vocabulary() == model.layers[1].get_vocabulary()


def test_tf_idf_weights_survive_save_and_load(tmp_path):
    vectorizer = TextVectorization(output_mode="tf_idf")
    vectorizer.adapt(TEXTS)
    model = Sequential([Input(shape=(), dtype="string"), vectorizer, Dense(2)])
    path = str(tmp_path / "bag.keras")
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.predict(TEXTS[:4], verbose=0), model.predict(TEXTS[:4], verbose=0), rtol=1e-6)


@pytest.mark.parametrize("name", ["int_lstm", "tf_idf_bigrams", "given_vocabulary"])
def test_keras3_text_models_open_and_predict_the_same(name):
    model = load_model(os.path.join(FIXTURES, "text_models", f"{name}.keras"))
    probe = np.array(MODELS["probe"]).reshape(MODELS[name]["input_shape"])
    np.testing.assert_allclose(model.predict(probe, verbose=0), MODELS[name]["output"], rtol=1e-5, atol=1e-6)


def test_string_lookup_model_round_trip(tmp_path):
    lookup = StringLookup()
    lookup.adapt([["red", "green"], ["red", "blue"]])
    model = Sequential([Input(shape=(2,), dtype="string"), lookup, Embedding(5, 3), LSTM(2)])
    path = str(tmp_path / "lookup.keras")
    model.save(path)
    loaded = load_model(path)
    probe = np.array([["red", "blue"], ["pink", "green"]])
    np.testing.assert_allclose(loaded.predict(probe, verbose=0), model.predict(probe, verbose=0), rtol=1e-6)


def test_sequential_without_input_builds_a_string_input_from_the_data():
    vectorizer = TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorizer.adapt(TEXTS)
    model = Sequential([vectorizer, Embedding(20, 4, mask_zero=True), LSTM(3), Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    model.fit(TEXTS, LABELS, epochs=1, verbose=0)
    assert model.inputs[0].dtype == "string"
    assert model.predict(TEXTS[:2], verbose=0).shape == (2, 1)


def test_a_number_layer_on_a_string_input_is_refused_when_the_model_is_built():
    with pytest.raises(TypeError, match="holds strings: put a TextVectorization"):
        Dense(2)(Input(shape=(1,), dtype="string"))

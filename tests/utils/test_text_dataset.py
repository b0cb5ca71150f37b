"""text_dataset_from_directory indexes, splits and labels a folder of texts as Keras does (tests/fixtures/
text_folder.json, recorded by make_text_folder_fixtures.py from Keras on the folder text_folder.py writes)."""
import json
import os
import sys

import numpy as np
import pytest

from minikeras.utils import text_dataset_from_directory

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
sys.path.insert(0, FIXTURES)
import text_folder  # noqa: E402

with open(os.path.join(FIXTURES, "text_folder.json")) as f:
    FACTS = json.load(f)


@pytest.fixture
def folder(tmp_path):
    text_folder.write_corpus(str(tmp_path))
    return str(tmp_path)


def _texts(dataset):
    return [str(t) for texts, _ in dataset for t in texts]


def test_classes_order_and_labels_equal_keras(folder):
    dataset = text_dataset_from_directory(folder, batch_size=4, shuffle=False, verbose=False)
    assert dataset.class_names == FACTS["class_names"]
    assert _texts(dataset) == FACTS["ordered_texts"]
    (texts, labels), = dataset.take(1)
    assert list(texts) == FACTS["first_batch_texts"] and labels.tolist() == FACTS["first_batch_labels"]


def test_a_seeded_split_holds_keras_s_files(folder):
    training, validation = text_dataset_from_directory(folder, batch_size=4, seed=1337, validation_split=0.25,
                                                       subset="both", verbose=False)
    assert sorted(_texts(training)) == FACTS["training_texts"]
    assert sorted(_texts(validation)) == FACTS["validation_texts"]


def test_categorical_labels_equal_keras(folder):
    dataset = text_dataset_from_directory(folder, batch_size=14, shuffle=False, label_mode="categorical",
                                          verbose=False)
    np.testing.assert_array_equal(dataset[0][1], FACTS["categorical_labels"])


def test_a_model_on_raw_strings_trains_from_it(folder):
    import minikeras
    dataset = text_dataset_from_directory(folder, batch_size=4, seed=1, verbose=False)
    vectorize = minikeras.layers.TextVectorization(max_tokens=50, output_sequence_length=6)
    vectorize.adapt(np.array(_texts(dataset), dtype=object))
    inputs = minikeras.Input(shape=(), dtype="string")
    x = minikeras.layers.Embedding(50, 4)(vectorize(inputs))
    outputs = minikeras.layers.Dense(3, activation="softmax")(minikeras.layers.GlobalAveragePooling1D()(x))
    model = minikeras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy")
    assert len(model.fit(dataset, epochs=2, verbose=0).history["loss"]) == 2


def test_bad_arguments_are_clear_errors(folder, tmp_path):
    with pytest.raises(ValueError, match="subset"):
        text_dataset_from_directory(folder, validation_split=0.2, verbose=False)
    with pytest.raises(ValueError, match="label_mode"):
        text_dataset_from_directory(folder, label_mode="sparse", verbose=False)
    with pytest.raises(ValueError, match="no folder"):
        text_dataset_from_directory(str(tmp_path / "absent"), verbose=False)

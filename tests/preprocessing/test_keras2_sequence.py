"""Keras 2's keras.preprocessing.sequence against tf-keras (fixtures/text.json): TimeseriesGenerator batches,
skipgrams after random.seed, make_sampling_table; pad_sequences at its Keras 2 path."""
import os
import random
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from text_fixtures import TEXT_FACTS  # noqa: E402

from minikeras.preprocessing import sequence  # noqa: E402
from minikeras import utils  # noqa: E402

CASES = TEXT_FACTS["keras2_sequence"]
DATA = np.asarray(CASES["timeseries_data"])
TARGETS = np.asarray(CASES["timeseries_targets"])


def test_pad_sequences_is_the_utils_one():
    assert sequence.pad_sequences is utils.pad_sequences
    from minikeras.preprocessing.sequence import pad_sequences
    assert pad_sequences([[1, 2], [3]]).tolist() == [[1, 2], [0, 3]]


@pytest.mark.parametrize("name", sorted(n for n in CASES if n.startswith("timeseries_generator_")))
def test_timeseries_generator_matches_keras2(name):
    case = CASES[name]
    generator = sequence.TimeseriesGenerator(DATA, TARGETS, **case["kwargs"])
    assert len(generator) == case["len"]
    for k, (x, y) in enumerate(case["batches"]):
        got_x, got_y = generator[k]
        np.testing.assert_array_equal(got_x, x)
        np.testing.assert_array_equal(got_y, y)
    assert len(list(generator)) == case["len"]


def test_timeseries_generator_shuffle_draws_rows_in_range():
    np.random.seed(0)
    generator = sequence.TimeseriesGenerator(DATA, TARGETS, length=5, shuffle=True, batch_size=6)
    x, y = generator[0]
    assert x.shape == (6, 5, 2)
    rows = (y / 10).astype(int)
    np.testing.assert_array_equal(x[:, -1, 0], DATA[rows - 1, 0])


def test_timeseries_generator_errors_are_clear():
    with pytest.raises(ValueError, match="same length"):
        sequence.TimeseriesGenerator(DATA, TARGETS[:3], length=2)
    with pytest.raises(ValueError, match="no step would be left"):
        sequence.TimeseriesGenerator(DATA, TARGETS, length=30)
    with pytest.raises(ValueError, match="length must be an integer"):
        sequence.TimeseriesGenerator(DATA, TARGETS, length=0)
    with pytest.raises(IndexError, match="out of range"):
        sequence.TimeseriesGenerator(DATA, TARGETS, length=5, batch_size=100)[1]


def test_timeseries_generator_trains_a_model_as_a_sequence():
    from minikeras import Sequential, Input
    from minikeras.layers import LSTM, Dense
    from minikeras.utils import Sequence
    generator = sequence.TimeseriesGenerator(DATA.astype("float32") / 50, TARGETS.astype("float32") / 250,
                                             length=4, batch_size=8)
    assert isinstance(generator, Sequence)
    model = Sequential([Input((4, 2)), LSTM(3), Dense(1)])
    model.compile("sgd", "mse")
    history = model.fit(generator, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(generator[0][0], verbose=0).shape == (8, 1)


def test_make_sampling_table_matches_keras2():
    np.testing.assert_allclose(sequence.make_sampling_table(20, sampling_factor=0.05), CASES["sampling_table"],
                               rtol=1e-12)


@pytest.mark.parametrize("name", sorted(n[len("skipgrams_"):] for n in CASES
                                        if n.startswith("skipgrams_") and n != "skipgrams_sequence"))
def test_skipgrams_match_keras2_draw_for_draw(name):
    case = CASES[f"skipgrams_{name}"]
    kwargs = dict(case["kwargs"])
    if "sampling_table" in kwargs:
        kwargs["sampling_table"] = np.asarray(kwargs["sampling_table"])
    random.seed(1234)
    couples, labels = sequence.skipgrams(CASES["skipgrams_sequence"], seed=99, **kwargs)
    assert couples == case["couples"]
    assert labels == case["labels"]


def test_skipgrams_refuses_a_string():
    with pytest.raises(TypeError, match="skipgrams: sequence must be a list"):
        sequence.skipgrams("1 2 3", vocabulary_size=5)

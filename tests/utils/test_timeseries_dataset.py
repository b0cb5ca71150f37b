"""utils.timeseries_dataset_from_array against Keras 3 (fixtures/text.json, recorded on TensorFlow): the same
batches as numpy arrays; shuffling keeps the set of windows; clear errors."""
import json
import os

import numpy as np
import pytest

from minikeras.utils import timeseries_dataset_from_array

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
with open(os.path.join(FIXTURES, "text.json"), encoding="utf-8") as f:
    CASES = json.load(f)["keras3_timeseries"]
DATA = np.asarray(CASES["data"], dtype="float32")
TARGETS = np.asarray(CASES["targets"], dtype="int64")


@pytest.mark.parametrize("name", sorted(CASES["datasets"]))
def test_batches_match_keras3(name):
    case = CASES["datasets"][name]
    dataset = timeseries_dataset_from_array(DATA, TARGETS if case["with_targets"] else None, **case["kwargs"])
    batches = list(dataset)
    assert len(dataset) == len(batches) == len(case["batches"])
    for got, expected in zip(batches, case["batches"]):
        if case["with_targets"]:
            np.testing.assert_array_equal(got[0], expected[0])
            np.testing.assert_array_equal(got[1], expected[1])
            assert got[0].dtype == DATA.dtype
        else:
            np.testing.assert_array_equal(got, expected[0])


def test_shuffle_keeps_the_windows_and_repeats_with_a_seed():
    plain = timeseries_dataset_from_array(DATA, TARGETS, sequence_length=4, batch_size=None)
    shuffled = timeseries_dataset_from_array(DATA, TARGETS, sequence_length=4, batch_size=None, shuffle=True, seed=3)
    again = timeseries_dataset_from_array(DATA, TARGETS, sequence_length=4, batch_size=None, shuffle=True, seed=3)
    assert sorted(int(t) for _, t in shuffled) == sorted(int(t) for _, t in plain)
    assert [int(t) for _, t in shuffled] == [int(t) for _, t in again]
    assert [int(t) for _, t in shuffled] != [int(t) for _, t in plain]


def test_windows_feed_a_model():
    from minikeras import Sequential, Input
    from minikeras.layers import SimpleRNN, Dense
    windows = timeseries_dataset_from_array(DATA / 60, None, sequence_length=4, batch_size=8)
    model = Sequential([Input((4, 2)), SimpleRNN(3), Dense(1)])
    assert model.predict(windows[0], verbose=0).shape == (8, 1)
    with_targets = timeseries_dataset_from_array(DATA / 60, TARGETS[4:] / 300.0, sequence_length=4, batch_size=8)
    model.compile("sgd", "mse")
    history = model.fit(with_targets, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(windows, verbose=0).shape == (27, 1)


@pytest.mark.parametrize("kwargs, message", [
    (dict(sequence_length=0), "sequence_length must be an integer >= 1"),
    (dict(sequence_length=3, sampling_rate=0), "sampling_rate must be an integer >= 1"),
    (dict(sequence_length=3, sequence_stride=40), "sequence_stride must be lower"),
    (dict(sequence_length=3, start_index=30), "start_index must be lower"),
    (dict(sequence_length=3, start_index=5, end_index=4), "end_index must be higher"),
    (dict(sequence_length=3, batch_size=2.5), "batch_size must be an integer"),
])
def test_bad_arguments_are_clear(kwargs, message):
    with pytest.raises(ValueError, match=f"timeseries_dataset_from_array: {message}"):
        timeseries_dataset_from_array(DATA, TARGETS, **kwargs)


def test_batch_index_out_of_range():
    dataset = timeseries_dataset_from_array(DATA, None, sequence_length=4, batch_size=100)
    with pytest.raises(IndexError, match="out of range for 1 batches"):
        dataset[1]


def test_take_gives_the_first_batches_as_tf_data_does():
    data = np.arange(100, dtype="float32").reshape(50, 2)
    dataset = timeseries_dataset_from_array(data, np.arange(50), sequence_length=5, batch_size=8)
    first = dataset.take(1)
    assert len(first) == 1 and len(dataset.take(2)) == 2 and len(dataset.take(-1)) == len(dataset)
    (inputs, targets), = list(first)
    np.testing.assert_array_equal(inputs, dataset[0][0])
    np.testing.assert_array_equal(targets, dataset[0][1])
    assert len(dataset.take(100)) == len(dataset)
    with pytest.raises(ValueError, match="take"):
        dataset.take(-2)

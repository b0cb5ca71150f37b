"""Keras 3 also exports its dataset functions from keras.preprocessing (keras.io's weather forecasting example calls
keras.preprocessing.timeseries_dataset_from_array): they are minikeras.utils's, and work from there."""
import numpy as np

import minikeras


def test_dataset_functions_are_there_as_in_keras3():
    assert minikeras.preprocessing.timeseries_dataset_from_array is minikeras.utils.timeseries_dataset_from_array
    assert minikeras.preprocessing.text_dataset_from_directory is minikeras.utils.text_dataset_from_directory


def test_the_weather_example_pipeline_runs_from_keras_preprocessing():
    features = np.arange(200 * 3, dtype="float32").reshape(200, 3)
    dataset = minikeras.preprocessing.timeseries_dataset_from_array(
        features[:100], features[84:184, [1]], sequence_length=12, sampling_rate=6, batch_size=16)
    for inputs, targets in dataset.take(1):
        assert inputs.shape == (16, 12, 3) and targets.shape == (16, 1)
        np.testing.assert_array_equal(inputs[1, :, 0], features[1:73:6, 0])
        assert targets[1, 0] == features[85, 1]

"""Keras 1/2 spellings: renamed to Keras 3 names, warned about once per process, pointing at the user's line."""
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import layers, legacy


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(legacy, "_warned", set())
    monkeypatch.setattr(legacy, "_enabled", True)


def test_rename_moves_old_keywords_to_new_ones():
    with pytest.warns(legacy.LegacyArgumentWarning, match="'Dense\\(output_dim=...\\)'.*'units=...'"):
        kwargs = legacy.rename({"output_dim": 3, "name": "d"}, legacy.KERAS1_WEIGHT_ARGS, "Dense")
    assert kwargs == {"units": 3, "name": "d"}


def test_old_and_new_spelling_together_is_refused():
    with pytest.raises(TypeError, match="'output_dim' .* and 'units' .* name the same argument"):
        layers.Dense(3, output_dim=4)
    with pytest.raises(TypeError, match="'W_regularizer' .* and 'kernel_regularizer' .* name the same argument"):
        layers.Dense(3, W_regularizer="l2", kernel_regularizer="l1")


def test_each_old_spelling_warns_once_per_process():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layers.Dense(output_dim=2)
        layers.Dense(output_dim=2)
    assert len([w for w in caught if issubclass(w.category, legacy.LegacyArgumentWarning)]) == 1


def test_warning_points_at_the_users_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layers.Dense(output_dim=2, init="zeros")
    assert caught and all(w.filename == __file__ for w in caught)


def test_silence_legacy_warnings():
    legacy.silence_legacy_warnings()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers.Dense(output_dim=2)
    legacy.silence_legacy_warnings(False)


def test_keras1_dense_arguments_mean_the_keras3_ones():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dense = layers.Dense(output_dim=3, init="zeros", bias=False, W_regularizer="l2", W_constraint="non_neg",
                             input_dim=4)
    model = minikeras.Sequential([dense])
    assert model.output_shape == (None, 3)
    assert [w.shape for w in model.get_weights()] == [(4, 3)]
    np.testing.assert_array_equal(model.get_weights()[0], 0.0)
    assert dense.use_bias is False
    assert type(dense.kernel_regularizer).__name__ == "L2"
    assert type(dense.kernel_constraint).__name__ == "NonNeg"


def test_keras1_model_input_output_and_nb_epoch():
    x_in = minikeras.Input((2,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = minikeras.Model(input=x_in, output=layers.Dense(1)(x_in))
        model.compile("sgd", "mse")
        history = model.fit(np.zeros((4, 2)), np.zeros((4, 1)), nb_epoch=3, verbose=0)
    assert len(history.history["loss"]) == 3


def test_keras1_dropout_p_is_the_rate():
    with pytest.warns(legacy.LegacyArgumentWarning, match=r"Dropout\(p=...\)"):
        assert layers.Dropout(p=0.25).rate == 0.25
    with pytest.raises(TypeError, match=r"Dropout: rate must be a number in \[0, 1\), got None"):
        layers.Dropout()


@pytest.mark.parametrize("mode, expected", [("sum", [3, 5]), ("mul", [2, 6]), ("ave", [1.5, 2.5]), ("max", [2, 3]),
                                            ("concat", [1, 2, 2, 3]), ("dot", [8]), ("cos", [8 / np.sqrt(5 * 13)])])
def test_keras1_merge_function_builds_the_layer_of_its_mode(mode, expected):
    from minikeras.layers import merge           # Keras 1: `from keras.layers import merge`
    a, b = minikeras.Input((2,)), minikeras.Input((2,))
    with pytest.warns(legacy.LegacyArgumentWarning, match="merge"):
        out = merge([a, b], mode=mode, concat_axis=-1)
    model = minikeras.Model([a, b], out)
    np.testing.assert_allclose(model.predict([np.array([[1.0, 2.0]]), np.array([[2.0, 3.0]])], verbose=0)[0],
                               expected, rtol=1e-6)
    from minikeras.layers.merge import concatenate    # the module's own names stay importable (Keras 2's path)
    assert concatenate([a, b]).shape == (None, 4)


def test_keras1_merge_with_a_function_is_a_lambda_with_its_output_shape():
    from minikeras.layers import merge
    a, b = minikeras.Input((3,)), minikeras.Input((3,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = merge([a, b], mode=lambda t: t[0] - t[1], output_shape=(3,))
    assert out.shape == (None, 3)
    with pytest.raises(ValueError, match="mode must be one of"):
        merge([a, b], mode="median")


def test_time_distributed_dense_and_atrous_convolutions_are_todays_layers():
    with pytest.warns(legacy.LegacyArgumentWarning, match="TimeDistributedDense"):
        model = minikeras.Sequential([layers.TimeDistributedDense(4, input_dim=3, input_length=5, activation="relu")])
    assert model.output_shape == (None, 5, 4)
    assert isinstance(model.layers[0], layers.TimeDistributed) and model.layers[0].layer.activation.__name__ == "relu"
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(model.predict(x, verbose=0), np.maximum(x @ kernel + bias, 0), rtol=1e-5, atol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        conv = layers.AtrousConvolution1D(4, 3, atrous_rate=2, border_mode="same")
        conv2 = layers.AtrousConvolution2D(4, 3, 3, atrous_rate=(2, 2))
    assert (conv.filters, conv.kernel_size, conv.dilation_rate, conv.padding) == (4, (3,), (2,), "same")
    assert (conv2.kernel_size, conv2.dilation_rate) == ((3, 3), (2, 2))


def test_keras_2_import_paths():
    from minikeras.engine import InputSpec, Layer, Model
    from minikeras.engine.topology import Layer as TopologyLayer
    from minikeras.engine.base_layer import Layer as BaseLayer
    from minikeras.layers.core import Masking
    from minikeras.layers.convolutional import Cropping1D, UpSampling1D, ZeroPadding1D
    from minikeras.optimizers.legacy import Adam
    from minikeras.utils import CustomObjectScope, custom_object_scope, get_custom_objects
    from minikeras.utils.generic_utils import Progbar, to_list
    assert Layer is TopologyLayer is BaseLayer is layers.Layer and Model is minikeras.Model
    assert InputSpec is layers.InputSpec and Masking is layers.Masking and Adam is minikeras.optimizers.Adam
    assert (Cropping1D, UpSampling1D, ZeroPadding1D) == (layers.Cropping1D, layers.UpSampling1D, layers.ZeroPadding1D)
    assert CustomObjectScope is custom_object_scope and isinstance(get_custom_objects(), dict)
    assert Progbar is minikeras.utils.Progbar and to_list((1, 2)) == [1, 2] and to_list(3) == [3]
    with pytest.warns(legacy.LegacyArgumentWarning, match="keras.objectives"):
        import importlib
        import sys
        sys.modules.pop("minikeras.objectives", None)
        objectives = importlib.import_module("minikeras.objectives")
    assert objectives.mean_squared_error is minikeras.losses.mean_squared_error


def test_keras_2_fit_queue_options_are_accepted_and_do_nothing():
    model = minikeras.Sequential([minikeras.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.warns(legacy.LegacyArgumentWarning, match="max_queue_size"):
        history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=1, verbose=0, workers=4,
                            use_multiprocessing=True, max_queue_size=10)
    assert len(history.history["loss"]) == 1

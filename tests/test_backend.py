"""backend: the float type, epsilon, and the one seeded random source behind init, dropout and shuffling."""
import numpy as np
import pytest

import minikeras
from minikeras import backend, layers
from minikeras.utils import set_random_seed


@pytest.fixture
def restore_floatx():
    saved = backend.floatx()
    yield
    backend.set_floatx(saved)


def test_floatx_defaults_to_float32_and_can_be_changed(restore_floatx):
    assert backend.floatx() == "float32"
    backend.set_floatx("float64")
    assert backend.floatx() == "float64"
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(2)])
    assert all(w.dtype == np.float64 for w in model.get_weights())
    assert model.predict(np.ones((2, 3)), verbose=0).dtype == np.float64


def test_set_floatx_refuses_unknown_types_naming_them(restore_floatx):
    with pytest.raises(ValueError, match=r"set_floatx.*float16.*float32.*float64.*'int32'"):
        backend.set_floatx("int32")
    assert backend.floatx() == "float32"


def test_epsilon_is_keras_fuzz_factor():
    assert backend.epsilon() == 1e-7


def test_seed_makes_the_random_source_repeat():
    backend.set_seed(3)
    first = [backend.new_rng().random(4) for _ in range(2)]
    backend.set_seed(3)
    second = [backend.new_rng().random(4) for _ in range(2)]
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first[0], first[1]), "each generator drawn must be independent"


def test_set_random_seed_repeats_initialisation_bit_for_bit():
    def weights():
        set_random_seed(11)
        return minikeras.Sequential([minikeras.Input((4,)), layers.Dense(3), layers.Dense(2)]).get_weights()
    for a, b in zip(weights(), weights()):
        np.testing.assert_array_equal(a, b)


def test_set_random_seed_refuses_non_integers():
    with pytest.raises(ValueError, match="seed must be an integer, got 1.5"):
        set_random_seed(1.5)


def test_lazy_rng_draws_only_when_used():
    backend.set_seed(0)
    lazy = backend.LazyRng()
    backend.set_seed(0)
    expected = backend.new_rng().random(3)
    backend.set_seed(0)
    np.testing.assert_array_equal(lazy.random(3), expected)


# ---- settings Keras 3 keeps in keras.backend / keras.config ------------------------------------------------------
def test_set_epsilon_changes_what_losses_clip_with():
    saved = backend.epsilon()
    try:
        backend.set_epsilon(1e-3)
        assert backend.epsilon() == 1e-3
        clipped = minikeras.ops.binary_crossentropy(np.array([1.0]), np.array([0.0]))
        np.testing.assert_allclose(clipped, [-np.log(1e-3)], rtol=1e-6)
        with pytest.raises(ValueError, match=r"set_epsilon: expected a positive number, got -1"):
            backend.set_epsilon(-1)
        assert backend.epsilon() == 1e-3
    finally:
        backend.set_epsilon(saved)


def test_image_data_format_defaults_to_channels_last_and_refuses_other_names():
    assert backend.image_data_format() == "channels_last"
    with pytest.raises(ValueError, match=r"set_image_data_format: expected 'channels_last' or 'channels_first', "
                                         r"got 'tf'"):
        backend.set_image_data_format("tf")
    assert backend.image_data_format() == "channels_last"


def test_clear_session_restarts_automatic_layer_names():
    backend.clear_session()
    assert layers.Dense(2).name == "dense"
    assert layers.Dense(2).name == "dense_1"
    backend.clear_session()
    assert layers.Dense(2).name == "dense"


def test_unknown_backend_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute 'no_such_function'"):
        backend.no_such_function


def test_layers_take_the_global_image_data_format_as_keras_does():
    from minikeras import layers
    from minikeras.keras2_backend import settings
    try:
        settings.set_image_dim_ordering("th")          # Keras 1's MNIST CNN starts so
        assert [layer.data_format for layer in (layers.Conv2D(3, 3), layers.MaxPooling2D(), layers.Flatten(),
                                                layers.Conv1D(2, 2), layers.GlobalAveragePooling1D())] == \
            ["channels_first"] * 5
        model = minikeras.Sequential([minikeras.Input((1, 28, 28)), layers.Conv2D(4, 5), layers.MaxPooling2D(),
                                      layers.Flatten()])
        assert model.output_shape == (None, 4 * 12 * 12)
        assert layers.Conv2D(3, 3, data_format="channels_last").data_format == "channels_last"
        # the layers Keras gives no data_format keep a sequence's channels last
        assert [layer.data_format for layer in (layers.SpatialDropout1D(0.1), layers.Cropping1D(1),
                                                layers.UpSampling1D(2))] == ["channels_last"] * 3
        with pytest.raises(ValueError, match="ConvLSTM1D.*global image_data_format"):
            layers.ConvLSTM1D(2, 2)
    finally:
        backend.set_image_data_format("channels_last")
    assert layers.Conv2D(3, 3).data_format == "channels_last"


def test_keras_config_holds_the_global_settings():
    assert minikeras.config.backend() == backend.backend() == "numpy"
    assert minikeras.config.floatx() == backend.floatx()
    assert minikeras.version() == minikeras.__version__
    try:
        minikeras.config.set_image_data_format("channels_first")
        assert backend.image_data_format() == "channels_first" == layers.MaxPooling1D().data_format
    finally:
        minikeras.config.set_image_data_format("channels_last")

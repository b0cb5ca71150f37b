"""register_keras_serializable as Keras 3's object_registration tests use it: names, lookups, refusals."""
import pytest

from minikeras import custom_objects, saving


def test_a_class_without_get_config_is_refused_with_a_value_error():
    with pytest.raises(ValueError, match="NoConfig has no get_config"):
        @saving.register_keras_serializable("TestPackage", "NoConfig")
        class NoConfig:
            pass


def test_registered_names_and_lookups():
    @saving.register_keras_serializable("TestPackage", "CustomName")
    class Registered:
        def get_config(self):
            return {}

    @saving.register_keras_serializable()
    def answer():
        return 42

    assert saving.get_registered_name(Registered) == "TestPackage>CustomName"
    assert saving.get_registered_object("TestPackage>CustomName") is Registered
    assert custom_objects.get_registered_name(answer) == "Custom>answer"
    assert saving.deserialize_keras_object(saving.serialize_keras_object(answer))() == 42


def test_a_package_with_the_separator_is_refused():
    with pytest.raises(ValueError, match="package must be a string without '>'"):
        saving.register_keras_serializable("a>b")


def test_a_model_compiled_with_a_registered_loss_loads_compiled(tmp_path):
    import os

    import numpy as np

    from minikeras import Input, Model, layers, ops

    @saving.register_keras_serializable(package="conformance")
    def squared_error(y_true, y_pred):
        return ops.mean(ops.square(y_pred - y_true), axis=-1)

    entry = saving.serialize_keras_object(squared_error)
    assert entry == {"module": "builtins", "class_name": "function", "config": "conformance>squared_error",
                     "registered_name": "function"}      # what Keras 3 writes
    inputs = Input((4,))
    model = Model(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="adam", loss=squared_error)
    x, y = np.ones((2, 4), "float32"), np.zeros((2, 1), "float32")
    model.fit(x, y, verbose=0)
    path = os.path.join(tmp_path, "registered_loss.keras")
    model.save(path)
    loaded = saving.load_model(path)
    assert type(loaded.optimizer).__name__ == "Adam"
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)


def test_a_bare_name_finds_the_one_function_registered_under_it():
    @saving.register_keras_serializable(package="keras36_files")
    def only_here_fn(x):
        return x

    assert saving.get_registered_object("only_here_fn") is only_here_fn
    assert saving.get_registered_object("no_such_function_anywhere") is None

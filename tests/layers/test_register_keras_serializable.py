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

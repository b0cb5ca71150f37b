"""serialize_keras_object / deserialize_keras_object of a plain class of the user's (not a layer or another Keras
kind) with get_config: written as Keras 3 writes it (class, config, registered name) and rebuilt by its
from_config when registered or given in custom_objects."""
import minikeras
from minikeras.saving import deserialize_keras_object, serialize_keras_object


@minikeras.saving.register_keras_serializable(package="Plain")
class Threshold:
    def __init__(self, value):
        self.value = value

    def get_config(self):
        return {"value": self.value}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Unregistered(Threshold):
    pass


def test_a_registered_plain_class_round_trips_under_its_registered_name():
    entry = serialize_keras_object(Threshold(3))
    assert entry["class_name"] == "Threshold" and entry["config"] == {"value": 3}
    assert entry["registered_name"] == "Plain>Threshold"
    rebuilt = deserialize_keras_object(entry)
    assert isinstance(rebuilt, Threshold) and rebuilt.value == 3


def test_an_unregistered_one_comes_back_through_custom_objects():
    entry = serialize_keras_object(Unregistered(5))
    rebuilt = deserialize_keras_object(entry, custom_objects={"Unregistered": Unregistered})
    assert type(rebuilt) is Unregistered and rebuilt.value == 5

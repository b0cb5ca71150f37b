"""A model made with a dict of inputs warns once, as Keras 3 does, when it is given a list (read in its keys'
order) or a dict with keys it does not take (left unused); the right structure gives no warning."""
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import layers

MESSAGE = "The structure of `inputs` doesn't match the expected structure"


def _dict_model():
    i1, i2 = minikeras.Input((2,), name="i1"), minikeras.Input((2,), name="i2")
    return minikeras.Model({"first": i1, "second": i2}, layers.Add()([i1, i2]))


def _dict_model_with_weights():
    i1, i2 = minikeras.Input((2,), name="i1"), minikeras.Input((2,), name="i2")
    return minikeras.Model({"first": i1, "second": i2}, layers.Dense(2)(layers.Add()([i1, i2])))


def _structure_warnings(records):
    return [r for r in records if str(r.message).startswith(MESSAGE)]


def test_a_list_for_a_dict_model_warns_once_and_is_read_in_key_order():
    model = _dict_model()
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        out = model.predict([np.ones((2, 2)), np.zeros((2, 2))], verbose=0)
        model.predict([np.ones((2, 2)), np.zeros((2, 2))], verbose=0)
    assert len(_structure_warnings(records)) == 1
    assert "['first', 'second']" in str(_structure_warnings(records)[0].message)
    np.testing.assert_allclose(out, np.ones((2, 2)))


def test_a_dict_with_an_unused_key_warns_naming_it():
    model = _dict_model()
    data = {"first": np.ones((2, 2)), "second": np.ones((2, 2)), "extra": np.ones((2, 1))}
    with pytest.warns(UserWarning, match="'extra'"):
        out = model(data)
    np.testing.assert_allclose(np.asarray(out), 2 * np.ones((2, 2)))


def test_the_model_s_own_structure_gives_no_warning():
    model = _dict_model_with_weights()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict({"first": np.ones((2, 2)), "second": np.ones((2, 2))}, verbose=0)
        model.compile(optimizer="sgd", loss="mse")
        model.fit({"first": np.ones((4, 2)), "second": np.ones((4, 2))}, np.ones((4, 2)), epochs=1, verbose=0)

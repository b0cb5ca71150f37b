"""model.save() refuses the arguments Keras 3 refuses: save_format, unknown keywords, other extensions."""
import os

import pytest

from minikeras import Input, Model, layers, saving


def _model():
    inputs = Input((3,))
    return Model(inputs, layers.Dense(2)(inputs), name="saved")


def test_save_format_is_refused_with_what_to_do_instead(tmp_path):
    with pytest.raises(ValueError, match=r"'saved'.save\(\): the save_format argument is gone in Keras 3"):
        _model().save(os.path.join(tmp_path, "m.keras"), save_format="keras")


def test_an_unknown_keyword_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"the argument\(s\) \['invalid_arg'\] are not supported"):
        _model().save(os.path.join(tmp_path, "m.keras"), invalid_arg="hello")


def test_an_unknown_extension_is_refused(tmp_path):
    with pytest.raises(ValueError, match="must end in .keras"):
        _model().save(os.path.join(tmp_path, "m.notkeras"))


def test_keras_options_are_accepted(tmp_path):
    path = os.path.join(tmp_path, "m.keras")
    _model().save(path, zipped=True)
    assert isinstance(saving.load_model(path), Model)

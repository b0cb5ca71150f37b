"""Keras 2's module paths keras.utils.np_utils and keras.utils.vis_utils: the same results as the Keras 3 names,
each warning once with the Keras 3 spelling."""
import warnings

import numpy as np
import pytest

from minikeras import Sequential, Input, legacy, utils
from minikeras.layers import Dense
from minikeras.utils import np_utils, vis_utils


def _warnings_of(call):
    for key in ("to_categorical", "normalize", "plot_model"):
        legacy._warned.discard(f"keras.utils.{'vis' if key == 'plot_model' else 'np'}_utils.{key}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
        call()
    return result, [str(w.message) for w in caught]


def test_np_utils_to_categorical_warns_once_and_matches():
    result, messages = _warnings_of(lambda: np_utils.to_categorical([0, 2, 1], 3))
    np.testing.assert_array_equal(result, utils.to_categorical([0, 2, 1], 3))
    assert len(messages) == 1 and "keras.utils.to_categorical" in messages[0]


def test_np_utils_normalize_warns_once_and_matches():
    x = np.array([[3.0, 4.0]])
    result, messages = _warnings_of(lambda: np_utils.normalize(x))
    np.testing.assert_allclose(result, [[0.6, 0.8]], rtol=1e-6)
    assert len(messages) == 1 and "keras.utils.normalize" in messages[0]


def test_vis_utils_plot_model_warns_once_and_writes(tmp_path):
    model = Sequential([Input((3,)), Dense(2, name="vis_dense")])
    target = tmp_path / "model.dot"
    result, messages = _warnings_of(lambda: vis_utils.plot_model(model, to_file=str(target)))
    assert result == str(target) and "vis_dense" in target.read_text()
    assert len(messages) == 1 and "keras.utils.plot_model" in messages[0]


def test_np_utils_errors_are_the_utils_ones():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="to_categorical"):
            np_utils.to_categorical([0, 5], 3)

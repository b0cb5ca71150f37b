"""save_weights / load_weights on a model that is not built yet are refused (it has no weights to write or fill)."""
import os

import numpy as np
import pytest

import minikeras


class Small(minikeras.Model):
    def __init__(self):
        super().__init__(name="small")
        self.dense = minikeras.layers.Dense(1)

    def call(self, x):
        return self.dense(x)


def test_saving_the_weights_of_an_unbuilt_model_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"'small'.save_weights\(\): you are saving weights of a model that is not"):
        Small().save_weights(os.path.join(tmp_path, "w.weights.h5"))


def test_loading_weights_into_an_unbuilt_model_is_refused_and_works_once_built(tmp_path):
    path = os.path.join(tmp_path, "w.weights.h5")
    built = Small()
    x = np.ones((2, 3), "float32")
    built.predict(x, verbose=0)
    built.save_weights(path)
    fresh = Small()
    with pytest.raises(ValueError, match="you are loading weights of a model that is not built yet"):
        fresh.load_weights(path)
    fresh.predict(x, verbose=0)
    fresh.load_weights(path)
    np.testing.assert_allclose(fresh.predict(x, verbose=0), built.predict(x, verbose=0))

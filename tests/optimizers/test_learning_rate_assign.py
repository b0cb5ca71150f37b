"""The learning rate can be changed as Keras 3 code does (`optimizer.learning_rate.assign(v)`) and as Keras 2 code
does (`K.set_value(model.optimizer.lr, v)`, often in a callback); the next update uses it."""
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import backend as K
from minikeras.callbacks import Callback


def _model(rate=0.1):
    model = minikeras.Sequential([minikeras.Input((2,)), minikeras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(minikeras.optimizers.SGD(rate), "mse")
    return model


def test_assign_sets_the_rate_the_next_step_uses():
    model = _model()
    model.optimizer.learning_rate.assign(0.0)
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), verbose=0)
    assert float(model.optimizer.learning_rate) == 0.0
    assert np.all(model.get_weights()[0] == 0.0)


def test_keras2_set_value_in_a_callback_halves_the_rate_each_epoch():
    class Halve(Callback):
        def on_epoch_end(self, epoch, logs=None):
            K.set_value(self.model.optimizer.lr, K.get_value(self.model.optimizer.lr) * 0.5)

    model = _model(0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # the Keras 2 spellings warn once
        model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), epochs=3, verbose=0, callbacks=[Halve()])
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0125)


def test_a_schedule_s_rate_is_not_assignable():
    schedule = minikeras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    optimizer = minikeras.optimizers.SGD(schedule)
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        optimizer.learning_rate.assign(0.01)

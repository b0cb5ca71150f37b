"""Legacy import path `keras.optimizers.legacy` (tf.keras 2.11+): the same optimizers, which take Keras 2's `lr=`
and `decay=` as the legacy ones did."""
from .adagrad import Adadelta, Adagrad
from .adam import Adam, Adamax, Nadam
from .base import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Adadelta", "Adagrad", "Adam", "Adamax", "Nadam", "Optimizer", "RMSprop", "SGD"]

"""Legacy import path `keras.objectives` (Keras 1's name for keras.losses): the losses, under their Keras 1 names."""
from . import legacy
from .losses import *  # noqa: F401,F403

legacy.warn_once("keras.objectives", "keras.losses")

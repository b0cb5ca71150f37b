"""Legacy import path `keras.initializations` (Keras 1's name for keras.initializers)."""
from . import legacy
from .initializers import *  # noqa: F401,F403

legacy.warn_once("keras.initializations", "keras.initializers")

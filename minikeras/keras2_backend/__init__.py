"""Keras 1/2's backend functions (`from keras import backend as K`: K.sum, K.mean, K.epsilon, ...), as Keras 2
custom losses, metrics and Lambda layers use them, over minikeras.ops. Each says once what Keras 3 writes instead.

minikeras.backend hands these out by name (K.sum is minikeras.keras2_backend.sum). The numbers follow tf-keras 2:
K.sqrt clips negatives to 0, K.hard_sigmoid is the Keras 2 slope 0.2, K.concatenate joins on the last axis.
"""
from .math import *  # noqa: F401,F403
from .tensors import *  # noqa: F401,F403
from .variables import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .settings import *  # noqa: F401,F403
from .settings import gradients, function, placeholder, get_session, set_session
from .registry import KERAS3

__all__ = sorted(KERAS3) + ["gradients", "function", "placeholder", "get_session", "set_session"]

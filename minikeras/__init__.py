"""minikeras: a small, readable deep-learning framework that speaks Keras. Layers are pure functions over
parameter dicts; autograd supplies the gradients."""
from . import backend, activations, initializers, regularizers, constraints, losses, metrics, optimizers
from . import callbacks, layers, models, utils, legacy
from .models import Model, Sequential, Input, InputLayer

__version__ = "0.1.0"
__all__ = ["Model", "Sequential", "Input", "InputLayer", "layers", "models", "backend", "activations",
           "initializers", "regularizers", "constraints", "losses", "metrics", "optimizers", "callbacks", "utils"]

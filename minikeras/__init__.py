"""minikeras: a small, readable deep-learning framework that speaks Keras. Layers are pure functions over
parameter dicts; autograd supplies the gradients."""
from . import backend, activations, initializers, regularizers, constraints, losses, metrics, optimizers
from . import callbacks, config, layers, models, utils, legacy
from .models import Model, Sequential, Input, InputLayer

__version__ = "0.1.0"


def version():
    """minikeras's version (Keras's `keras.version()`)."""
    return __version__


def __getattr__(name):
    # imported on first use, so `import minikeras` stays quick (saving needs h5py; ops is large)
    if name in ("saving", "preprocessing", "datasets", "ops", "random"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'minikeras' has no attribute {name!r}")
__all__ = ["Model", "Sequential", "Input", "InputLayer", "layers", "models", "backend", "activations",
           "initializers", "regularizers", "constraints", "losses", "metrics", "optimizers", "callbacks", "utils", "saving", "ops", "random",
           "config", "version"]

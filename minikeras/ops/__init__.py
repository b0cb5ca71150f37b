"""minikeras.ops: Keras 3's `keras.ops` over autograd.numpy, differentiable and eager.

Every function is here by its flat name (`ops.matmul`, `ops.softmax`) and in the submodule named after its Keras
module (`ops.numpy.matmul`, `ops.nn.softmax`, `ops.math.logsumexp`, `ops.core.cast`, `ops.linalg.norm`).
"""
from . import numpy, nn, math, core, linalg
from .numpy import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .math import *  # noqa: F401,F403
from .core import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403

__all__ = [*numpy.__all__, *nn.__all__, *math.__all__, *core.__all__, *linalg.__all__,
           "numpy", "nn", "math", "core", "linalg"]

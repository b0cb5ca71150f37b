"""minikeras.ops: Keras 3's `keras.ops` over autograd.numpy, differentiable and eager.

Every function is here by its flat name (`ops.matmul`, `ops.softmax`) and in the submodule named after its Keras
module (`ops.numpy.matmul`, `ops.nn.softmax`, `ops.math.logsumexp`, `ops.core.cast`, `ops.linalg.norm`,
`ops.einops.rearrange`); the image functions are in `ops.image` only (`ops.image.resize`), as in Keras.
"""
from . import numpy, nn, math, core, linalg, einops, image
from .numpy import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .math import *  # noqa: F401,F403
from .core import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .einops import *  # noqa: F401,F403

__all__ = [*numpy.__all__, *nn.__all__, *math.__all__, *core.__all__, *linalg.__all__, *einops.__all__,
           "numpy", "nn", "math", "core", "linalg", "einops", "image"]

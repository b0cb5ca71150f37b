"""keras.ops' numpy-like functions (Keras's keras.src.ops.numpy) over autograd.numpy: differentiable, eager.

Split into files by kind for reading; every function reports `minikeras.ops.numpy` as its module.
"""
from .elementwise import *  # noqa: F401,F403
from .reductions import *  # noqa: F401,F403
from .ordering import *  # noqa: F401,F403
from .shapes import *  # noqa: F401,F403
from .products import *  # noqa: F401,F403
from .creation import *  # noqa: F401,F403
from . import elementwise, reductions, ordering, shapes, products, creation

__all__ = [*elementwise.__all__, *reductions.__all__, *ordering.__all__, *shapes.__all__, *products.__all__,
           *creation.__all__]

"""keras.ops' neural-network functions (Keras's keras.src.ops.nn): activations, one_hot, crossentropies,
normalization, convolution and pooling, CTC. Split into three files for reading; every function reports
`minikeras.ops.nn` as its module."""
from .functions import *  # noqa: F401,F403
from .convolution import *  # noqa: F401,F403
from .ctc import *  # noqa: F401,F403
from . import functions, convolution, ctc

__all__ = [*functions.__all__, *convolution.__all__, *ctc.__all__]

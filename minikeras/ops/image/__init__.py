"""keras.ops.image (Keras's keras.src.ops.image): resizing and resampling, cropping and padding, colour
conversions, patches, filters, similarity, and sampling at arbitrary coordinates. Images are (batch, height,
width, channels), or unbatched, and channels-first with data_format='channels_first'. Split into files by kind;
every function reports `minikeras.ops.image` as its module."""
from .resampling import *  # noqa: F401,F403
from .cropping import *  # noqa: F401,F403
from .filters import *  # noqa: F401,F403
from .coordinates import *  # noqa: F401,F403
from . import resampling, cropping, filters, coordinates

__all__ = [*resampling.__all__, *cropping.__all__, *filters.__all__, *coordinates.__all__]

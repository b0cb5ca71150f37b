"""The image layout every ops.image function accepts: (batch,) height, width, channels, or channels first."""
import autograd.numpy as anp

from ... import backend
from .._tensor import as_array


def as_batched_channels_last(op, images, data_format, ranks=(3, 4)):
    """(images as (batch, height, width, channels), a function that restores the caller's layout)."""
    data_format = backend.image_data_format() if data_format is None else data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"ops.image.{op}: data_format must be 'channels_last' or 'channels_first', got "
                         f"{data_format!r}.")
    images = as_array(images, op)
    if images.ndim not in ranks:
        raise ValueError(f"ops.image.{op}: expected images of rank {' or '.join(map(str, ranks))} ((batch,) "
                         f"height, width, channels), got shape {images.shape}.")
    unbatched = len(ranks) > 1 and images.ndim == ranks[0]
    batched = images[None] if unbatched else images
    first = data_format == "channels_first"
    batched = anp.moveaxis(batched, 1, -1) if first else batched

    def restore(result):
        result = anp.moveaxis(result, -1, 1) if first else result
        return result[0] if unbatched else result
    return batched, restore

"""ops.image's crop_images and pad_images."""
import autograd.numpy as anp

from .._tensor import names_errors
from ..symbolic import keras_op
from .layout import as_batched_channels_last

__all__ = ["crop_images", "pad_images"]


def _two_of_three(op, before, after, total, what):
    """Keras's rule: give two of (before, after, target); the third follows from the image's size."""
    if sum(v is not None for v in (before, after, total)) != 2:
        raise ValueError(f"ops.image.{op}: give exactly two of the {what} arguments, got "
                         f"{dict(zip(('before', 'after', 'target'), (before, after, total)))}.")


@keras_op
@names_errors
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
                target_height=None, target_width=None, data_format=None):
    """images cropped: for each axis give two of (top/left cropping, bottom/right cropping, target size)."""
    batched, restore = as_batched_channels_last("crop_images", images, data_format)
    height, width = batched.shape[1:3]
    _two_of_three("crop_images", top_cropping, bottom_cropping, target_height, "vertical")
    _two_of_three("crop_images", left_cropping, right_cropping, target_width, "horizontal")
    top = height - target_height - bottom_cropping if top_cropping is None else top_cropping
    target_height = height - bottom_cropping - top if target_height is None else target_height
    left = width - target_width - right_cropping if left_cropping is None else left_cropping
    target_width = width - right_cropping - left if target_width is None else target_width
    if min(top, left, target_height, target_width) < 0:
        raise ValueError(f"ops.image.crop_images: the cropping does not fit images of height {height} and width "
                         f"{width}.")
    return restore(batched[:, top:top + target_height, left:left + target_width])


@keras_op
@names_errors
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    """images padded with zeros: for each axis give two of (top/left padding, bottom/right padding, target)."""
    batched, restore = as_batched_channels_last("pad_images", images, data_format)
    height, width = batched.shape[1:3]
    _two_of_three("pad_images", top_padding, bottom_padding, target_height, "vertical")
    _two_of_three("pad_images", left_padding, right_padding, target_width, "horizontal")
    top = target_height - bottom_padding - height if top_padding is None else top_padding
    bottom = target_height - top - height if bottom_padding is None else bottom_padding
    left = target_width - right_padding - width if left_padding is None else left_padding
    right = target_width - left - width if right_padding is None else right_padding
    if min(top, bottom, left, right) < 0:
        raise ValueError(f"ops.image.pad_images: the padding does not fit images of height {height} and width "
                         f"{width}.")
    return restore(anp.pad(batched, [(0, 0), (top, bottom), (left, right), (0, 0)], "constant"))

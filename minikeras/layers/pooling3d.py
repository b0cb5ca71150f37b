"""MaxPooling3D and AveragePooling3D: the windowed pooling of pooling.py over three spatial axes (volumes, or the
frames, rows and cols of a video)."""
from .pooling import _Pooling

_SPATIAL = ("dim1", "dim2", "dim3")


class MaxPooling3D(_Pooling):
    """The max of each pool_size window (default 2x2x2), every `strides` (default: pool_size), per channel."""
    rank, spatial_names, keras_class_name, reduction = 3, _SPATIAL, "MaxPooling3D", "max"
    keras_built_at_init = True  # Keras 3 saves no build_config for it


class AveragePooling3D(_Pooling):
    """The mean of each window (default 2x2x2); with padding='same', of the real (unpadded) voxels only, as in
    Keras."""
    rank, spatial_names, keras_class_name, reduction = 3, _SPATIAL, "AveragePooling3D", "average"
    keras_built_at_init = True  # Keras 3 saves no build_config for it


# Keras's short names are the same classes
MaxPool3D, AvgPool3D = MaxPooling3D, AveragePooling3D

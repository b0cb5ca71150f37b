"""Legacy import path `keras.layers.convolutional` (Keras 1/2): re-exports the convolution and pooling layers, and
the padding, cropping and upsampling layers Keras 2 kept there."""
from .conv import Conv1D, Conv2D, Conv3D, Convolution1D, Convolution2D, Convolution3D  # noqa: F401
from .pooling import (MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D,  # noqa: F401
                      GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
                      MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D)
from .reshaping import (ZeroPadding1D, ZeroPadding2D, Cropping1D, Cropping2D, UpSampling1D,  # noqa: F401
                        UpSampling2D)
from .keras1_layers import AtrousConvolution1D, AtrousConvolution2D  # noqa: F401

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D", "MaxPooling1D",
           "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
           "GlobalMaxPooling1D", "GlobalMaxPooling2D", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D", "ZeroPadding1D",
           "ZeroPadding2D", "Cropping1D", "Cropping2D", "UpSampling1D", "UpSampling2D", "AtrousConvolution1D",
           "AtrousConvolution2D"]

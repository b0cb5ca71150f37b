"""Every layer class, by its Keras name, plus Input and InputLayer."""
from .base import Layer
from .input_spec import InputSpec
from .core import Dense, Activation, Dropout, Flatten, Reshape, RepeatVector, Permute, Lambda
from .embedding import Embedding
from .masking import Masking
from .merge import (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot,
                    add, subtract, multiply, average, maximum, minimum, concatenate, dot)
from .rnn import RNN, SimpleRNN, GRU, LSTM, SimpleRNNCell, GRUCell, LSTMCell, StackedRNNCells
from .rnn.layers import CuDNNGRU, CuDNNLSTM
from .keras1_layers import AtrousConvolution1D, AtrousConvolution2D, TimeDistributedDense
from .wrappers import Wrapper, TimeDistributed, Bidirectional
from .serialization import serialize, deserialize
from .input_layer import Input, InputLayer
from . import recurrent, wrappers, core, embeddings, merge

from .conv import Conv1D, Conv2D, Conv3D, Convolution1D, Convolution2D, Convolution3D
from .conv_transpose import Conv1DTranspose, Conv2DTranspose, Conv3DTranspose
from .pooling import (MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D,
                      GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPool1D, MaxPool2D,
                      AvgPool1D, AvgPool2D, GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D)
from . import convolutional, pooling

from .normalization import BatchNormalization, LayerNormalization, RMSNormalization, UnitNormalization
from .regularization import (SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, GaussianNoise, GaussianDropout,
                             AlphaDropout, ActivityRegularization)
from .activation_layers import ReLU, LeakyReLU, PReLU, ELU, Softmax, Identity, ThresholdedReLU
from .reshaping import ZeroPadding1D, ZeroPadding2D, Cropping1D, Cropping2D, UpSampling1D, UpSampling2D
from .pooling import GlobalAveragePooling3D, GlobalMaxPooling3D, GlobalAvgPool3D, GlobalMaxPool3D
from .pooling3d import MaxPooling3D, AveragePooling3D, MaxPool3D, AvgPool3D
from . import normalization, noise, advanced_activations

from .attention import Attention, AdditiveAttention
from .multi_head_attention import MultiHeadAttention
from .rnn.conv_lstm import ConvLSTM1D, ConvLSTM2D
from . import convolutional_recurrent
from .preprocessing import (TextVectorization, StringLookup, IntegerLookup, Normalization, CategoryEncoding,
                            Hashing)

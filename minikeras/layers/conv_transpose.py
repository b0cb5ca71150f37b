"""Conv1DTranspose, Conv2DTranspose and Conv3DTranspose: the adjoint of a convolution, which upsamples.

Each input position spreads its values, weighted by the kernel, over the window of output positions that a
convolution would have read to compute it: the convolution's gradient with respect to its input, as Keras (after
TensorFlow) defines the transposed convolution. So the forward pass is the convolution's own adjoint (fold_windows,
whose gradient in turn is extract_windows), on the output size the convolution would shrink back to the input's:
with 'valid' padding `steps * strides + max(kernel - strides, 0)`, with 'same' `steps * strides`. The kernel is
Keras's, (*kernel_size, filters, input channels).
"""
import autograd.numpy as anp

from .conv import _Conv, _CONV_ARGS, from_channels_last, spatial_sizes, to_channels_last
from .windows import fold_windows


class _ConvTranspose(_Conv):
    """What the transposed convolutions share; `rank` is the number of spatial axes."""

    def __init__(self, filters=None, kernel_size=None, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        if output_padding is not None:
            raise ValueError(f"{type(self).__name__}: output_padding is not supported by minikeras (the output size "
                             f"follows from padding and strides, as with output_padding=None), got {output_padding!r}.")
        arguments = {name: value for name, value in locals().items() if name in _CONV_ARGS}
        super().__init__(**arguments, **kwargs)
        self.output_padding = None

    def _output_sizes(self, sizes):
        """The output's spatial sizes: those a convolution with these settings would shrink back to `sizes`."""
        out = []
        for size, k, s, d in zip(sizes, self.kernel_size, self.strides, self.dilation_rate):
            span = (k - 1) * d + 1
            out.append(None if size is None else size * s + (max(span - s, 0) if self.padding == "valid" else 0))
        return tuple(out)

    def build(self, input_shape, rng):
        self.compute_output_shape(input_shape)
        channels = input_shape[-1 if self.data_format == "channels_last" else 1]
        if channels is None:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) needs a known number of input channels, "
                             f"got input shape {input_shape}.")
        params = {"kernel": self.kernel_initializer(self.kernel_size + (self.filters, channels), rng=rng)}
        if self.use_bias:
            params["bias"] = self.bias_initializer((self.filters,), rng=rng)
        return params

    def call(self, params, x, mask=None, training=False, rng=None):
        x = to_channels_last(x, self.data_format)
        out_shape = (x.shape[0],) + self._output_sizes(x.shape[1:-1]) + (self.filters,)
        geometry = self._geometry(out_shape, out_shape[1:-1])
        kernel = params["kernel"]
        taps = anp.reshape(kernel, (-1, self.filters, kernel.shape[-1]))          # (taps, filters, channels)
        # every input position's contribution to each of its window's taps: (batch, *steps, taps, filters)
        spread = anp.matmul(x, anp.reshape(anp.transpose(taps, (2, 0, 1)), (x.shape[-1], -1)))
        y = fold_windows(anp.reshape(spread, x.shape[:-1] + (taps.shape[0], self.filters)), out_shape, geometry)
        if self.use_bias:
            y = y + params["bias"]
        y = from_channels_last(y, self.data_format)
        return y if self.activation is None else self.activation(y)

    def compute_output_shape(self, input_shape):
        self.check_input_shape(input_shape)
        sizes = self._output_sizes(spatial_sizes(input_shape, self.data_format))
        if self.data_format == "channels_last":
            return (input_shape[0],) + sizes + (self.filters,)
        return (input_shape[0], self.filters) + sizes

    def get_config(self):
        config = super().get_config()
        del config["groups"]                  # Keras's transposed convolutions have none
        return {**config, "output_padding": self.output_padding}


class Conv1DTranspose(_ConvTranspose):
    """Transposed 1-D convolution over (batch, steps, channels): (batch, steps * strides [+ kernel - strides with
    'valid'], filters); kernel (kernel_size, filters, channels), bias (filters,). Keras's timeseries autoencoders
    upsample with it."""

    rank, spatial_names, keras_class_name = 1, ("steps",), "Conv1DTranspose"


class Conv2DTranspose(_ConvTranspose):
    """Transposed 2-D convolution over (batch, rows, cols, channels); kernel (kh, kw, filters, channels)."""

    rank, spatial_names, keras_class_name = 2, ("rows", "cols"), "Conv2DTranspose"


class Conv3DTranspose(_ConvTranspose):
    """Transposed 3-D convolution over (batch, depth, rows, cols, channels); kernel (kd, kh, kw, filters, channels)."""

    rank, spatial_names, keras_class_name = 3, ("depth", "rows", "cols"), "Conv3DTranspose"

"""A layer without a hand-written backward inside a composed training step: autograd over that one layer's call.

A composed step (models/composed_step.py) runs most layers through their own backward passes (composed*.py). The
layers listed here may lack one in some configuration (AdditiveAttention, Attention with score_mode='concat',
MultiHeadAttention with an attention_mask, a recurrent layer without a fused kernel, a merge of broadcast shapes),
or have none (dropout and noise, reshaping, pooling, LayerNormalization, the other activation layers), but their
call is one fused primitive or a few operations: tracing that one call costs a handful of autograd nodes instead of
the whole model's, and the graph around it still needs no tracing. A random layer draws from the step's own
generator, in graph order, as the traced step does. tests/models/test_composed_graphs.py and
test_composed_traced_layers.py prove the gradients equal the traced step's.
"""
import numpy as np
from autograd import make_vjp
from autograd.builtins import tuple as autograd_tuple

from .activation_layers import ELU, Identity, LeakyReLU, PReLU, ReLU, Softmax
from .attention import AdditiveAttention, Attention
from .conv import Conv1D, Conv2D, Conv3D
from .core import Activation, Dense, Dropout, Flatten, Permute, RepeatVector, Reshape
from .masking import Masking
from .merge import Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract
from .multi_head_attention import MultiHeadAttention
from .normalization import LayerNormalization
from .pooling import (AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
                      GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D)
from .regularization import (AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D,
                             SpatialDropout3D)
from .reshaping import Cropping1D, Cropping2D, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D
from .rnn.cells import GRUCell, LSTMCell, SimpleRNNCell
from .rnn.layers import GRU, LSTM, SimpleRNN

_MERGES = (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract)
_RECURRENT = (GRU, LSTM, SimpleRNN)
# built-in layers whose call reads only its weights, its input and the step's generator, and changes nothing
_PLAIN = (Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, GaussianNoise, GaussianDropout, AlphaDropout,
          Flatten, Reshape, Permute, RepeatVector, Masking, ZeroPadding1D, ZeroPadding2D, Cropping1D, Cropping2D,
          UpSampling1D, UpSampling2D, MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D,
          GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
          LayerNormalization, Activation, ReLU, LeakyReLU, ELU, PReLU, Softmax, Identity, Dense, Conv1D, Conv2D,
          Conv3D)


def traceable(layer):
    """Whether `layer` may run traced alone in a composed training step: a listed built-in class, trained as a
    whole, with no weight penalty or state carried between batches (and, for a recurrent layer, which lands here
    only when its fused kernel is not used, no dropout: that case has no test proving its draws equal the traced step's)."""
    if type(layer) in _MERGES:
        return True
    if type(layer) in _PLAIN + (Attention, AdditiveAttention, MultiHeadAttention):
        return not penalized(layer)
    if type(layer) in _RECURRENT:
        cell = layer.cell
        return type(cell) in (GRUCell, LSTMCell, SimpleRNNCell) and not layer.stateful and cell.dropout == 0.0 \
            and cell.recurrent_dropout == 0.0 and not penalized(layer) and not penalized(cell)
    return False


def penalized(layer):
    """Whether the layer adds a penalty to the loss (a weight or activity regularizer): the traced step does."""
    return any(name.endswith("_regularizer") and value is not None for name, value in vars(layer).items())


def traced_forward_with_backward(layer, params, inputs, tensor_kwargs, other_kwargs, mask, constant, rng=None):
    """(outputs, output mask, backward) of one call of `layer` in training mode, differentiated by autograd.

    `inputs` is one array or a list (a list-input layer); `constant[i]` says which of them need no gradient (a
    model's integer input). `tensor_kwargs` are call arguments holding arrays that need gradients too
    (`initial_state=[h, c]`), `other_kwargs` the rest. backward(d_outputs) -> (gradients of params, gradients of
    the inputs (None where constant), gradients of tensor_kwargs); d_outputs has one entry per output, None for an
    output nothing downstream used. `rng` is the generator a random layer draws from (the training step's).
    """
    as_list = isinstance(inputs, list)
    values = list(inputs) if as_list else [inputs]
    varying = [i for i, fixed in enumerate(constant) if not fixed]
    # the keyword arrays travel as one flat list (autograd boxes a list as a whole, and a layer expects real lists)
    kwarg_sizes = {name: len(v) if isinstance(v, (list, tuple)) else None for name, v in tensor_kwargs.items()}
    flat_kwargs = [a for v in tensor_kwargs.values() for a in (v if isinstance(v, (list, tuple)) else [v])]

    def run(varying_values, flat_kwargs, params):
        given = list(values)
        for i, value in zip(varying, varying_values):
            given[i] = value
        out = layer.call(params, given if as_list else given[0], mask=mask, training=True, rng=rng,
                         **_rebuilt(kwarg_sizes, flat_kwargs), **other_kwargs)
        # several outputs (a recurrent layer's states) as one autograd tuple, so the trace ends in one box
        return autograd_tuple(out) if isinstance(out, (list, tuple)) else out
    if not varying and not flat_kwargs and not params:     # nothing to differentiate (a merge of model inputs)
        outputs = run([], [], params)
        return outputs, layer.compute_mask(inputs, mask), lambda d_outputs: ({}, [None] * len(values), {})
    vjp, outputs = make_vjp(run, argnum=(0, 1, 2))([values[i] for i in varying], flat_kwargs, params)
    several = isinstance(outputs, (list, tuple))

    def backward(d_outputs):
        if several:
            g = tuple(np.zeros_like(o) if d is None else d for o, d in zip(outputs, d_outputs))
        else:
            g = d_outputs[0]
        d_varying, d_flat_kwargs, d_params = vjp(g)
        d_inputs = [None] * len(values)
        for i, d in zip(varying, d_varying):
            d_inputs[i] = d
        return d_params, d_inputs, _rebuilt(kwarg_sizes, d_flat_kwargs)
    return outputs, layer.compute_mask(inputs, mask), backward


def _rebuilt(sizes, flat):
    """{name: list of `size` consecutive items of flat, or one item when size is None}."""
    rebuilt, position = {}, 0
    for name, size in sizes.items():
        rebuilt[name] = flat[position] if size is None else [flat[position + k] for k in range(size)]
        position += 1 if size is None else size
    return rebuilt

"""Forward passes that hand back their own backward pass, for the built-in layers a training step composes.

`forward_with_backward(layer, params, x, mask, need_dx)` runs a layer on plain numpy arrays and returns
`(y, output mask, backward)`, where `backward(dy) -> (gradients of params, dx)`. Dense, TimeDistributed(Dense) and
Embedding are a few lines each here; the recurrent layers and Bidirectional reuse their fused kernels' forward and
hand-derived backward (BPTT) in composed_recurrent.py (whose `recurrent_forward` runs a recurrent layer with its
states given or returned); BatchNormalization, Conv1D/2D/3D, GlobalAveragePooling1D and the activation layers are
in composed_feedforward.py, the attention and merge layers (list inputs) in composed_attention.py and
composed_merge.py. A layer whose call changes non-trainable weights (BatchNormalization's moving statistics) writes
their new values into the `updates` dict it is given. A graph of such layers then needs no autograd tracing per
batch (models/composed_step.py); tests/models/test_composed_*.py and tests/layers/test_composed_*.py prove the
composed gradients equal autograd's through the layers' own `call`.

`supports(layer, training)` says whether a layer has this form in this configuration (built-in class, no
regularizer, not stateful, the fused kernel selected); anything else takes the traced path.
"""
import numpy as np

from .composed_activations import activation_forward, has_composed_form
from .composed_feedforward import FEEDFORWARD_FORMS, add_bias
from .core import Dense
from .embedding import Embedding
from .feature_rows import feature_sums
from .composed_recurrent import RNN_TYPES, bidirectional_forward, bidirectional_ok, rnn_forward, rnn_ok
from .wrappers import Bidirectional, TimeDistributed


def supports(layer, training):
    """Whether `forward_with_backward` can run `layer` in this configuration."""
    check = _SUPPORTED.get(type(layer)) or FEEDFORWARD_FORMS.get(type(layer), (None,))[0]
    return check is not None and layer.activity_regularizer is None and check(layer, training)


def forward_with_backward(layer, params, x, mask, need_dx, updates=None, rng=None):
    """(y, output mask, backward) for a layer `supports` accepted; backward(dy) -> (params' gradients, dx or None).
    New values of non-trainable weights (moving statistics) go into `updates` as {layer name: {weight: value}};
    a recurrent layer's dropout masks are drawn from `rng`, as its call draws them."""
    form = _FORWARD.get(type(layer))
    if form is None:
        return FEEDFORWARD_FORMS[type(layer)][1](layer, params, x, mask, need_dx, {} if updates is None else updates)
    if form in (rnn_forward, bidirectional_forward):
        return form(layer, params, x, mask, need_dx, rng)
    return form(layer, params, x, mask, need_dx)


def makes_updates_itself(layer):
    """Whether the composed form of a layer with weight updates hands them back (BatchNormalization's does)."""
    return type(layer) in FEEDFORWARD_FORMS


# ---- Dense and TimeDistributed(Dense) -----------------------------------------------------------------------
def _dense_ok(layer, training):
    return has_composed_form(layer.activation) and layer.kernel_regularizer is None and layer.bias_regularizer is None


def _dense(layer, params, x, mask, need_dx):
    kernel = params["kernel"]
    # (batch, time, features) inputs as one 2-D matmul: numpy runs a 3-D one as a matmul per sample
    rows = x.reshape(-1, x.shape[-1])
    z = (rows @ kernel).reshape(x.shape[:-1] + kernel.shape[-1:])
    if layer.use_bias:
        z = add_bias(z, params["bias"])
    y, activation_backward = activation_forward(layer.activation, z, overwrite=True)

    def backward(dy):
        dz = activation_backward(dy)
        flat_dz = dz.reshape(-1, dz.shape[-1])
        grads = {"kernel": np.dot(rows.T, flat_dz)}
        if layer.use_bias:
            grads["bias"] = feature_sums(flat_dz, 1)
        return grads, (flat_dz @ kernel.T).reshape(x.shape) if need_dx else None
    return y, layer.compute_mask(x, mask), backward


def _time_distributed_ok(layer, training):
    return type(layer.layer) is Dense and supports(layer.layer, training)


def _time_distributed(layer, params, x, mask, need_dx):
    inner = layer.layer
    y, _, inner_backward = _dense(inner, params[inner.name], x, mask, need_dx)

    def backward(dy):
        grads, dx = inner_backward(dy)
        return {inner.name: grads}, dx
    return y, layer.compute_mask(x, mask), backward


# ---- Embedding ----------------------------------------------------------------------------------------------
def _embedding_ok(layer, training):
    return layer.embeddings_regularizer is None


def _embedding(layer, params, x, mask, need_dx):
    indices = layer._checked_indices(x)
    table = params["embeddings"]

    def backward(dy):
        return {"embeddings": _rows_summed_by_index(dy, table, indices)}, None
    return table[indices], layer.compute_mask(x, mask), backward


def _rows_summed_by_index(dy, table, indices):
    """The table's gradient: each row of dy added onto the row of its index (embedding.py's _sum_rows_by_index),
    as one bincount over (index, column) pairs, which measured faster than sorting the indices and reducing."""
    columns = table.shape[1]
    keys = (indices.reshape(-1, 1) * columns + np.arange(columns)).ravel()
    sums = np.bincount(keys, weights=dy.ravel(), minlength=table.size)
    return sums.reshape(table.shape).astype(table.dtype, copy=False)


_SUPPORTED = {Dense: _dense_ok, TimeDistributed: _time_distributed_ok, Embedding: _embedding_ok,
              Bidirectional: bidirectional_ok, **{t: rnn_ok for t in RNN_TYPES}}
_FORWARD = {Dense: _dense, TimeDistributed: _time_distributed, Embedding: _embedding,
            Bidirectional: bidirectional_forward, **{t: rnn_forward for t in RNN_TYPES}}

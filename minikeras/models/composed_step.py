"""A training step composed from the layers' own backward passes, for a model that is a chain of built-in layers.

Autograd traces the whole forward pass of every batch: a node per array operation, then a walk back over
them. For the graphs users build most (Embedding -> LSTM/GRU/SimpleRNN or Bidirectional -> Dense or
TimeDistributed(Dense)), each layer already knows its backward pass (the fused kernels' BPTT, a Dense's two
matmuls), so the step runs the layers forward on plain arrays, differentiates only the loss with autograd
(any loss, mask and sample weight), and hands the gradient back through the layers in reverse order.

Anything outside that (a branch, a layer without a composed form, a regularizer, frozen weights, a stateful
layer, dropout in training) returns None and the traced step runs. `set_composed_steps(False)` turns it off.
tests/models/test_composed_step.py proves loss and gradients equal the traced step's.
"""
import numpy as np
from autograd import value_and_grad

from .. import backend
from ..layers.composed import forward_with_backward, supports
from ..losses import functions as loss_functions
from ..losses.loss import LossFunctionWrapper
from ..losses.reduction import broadcast_weights, mask_to_weights
from ..params import flatten_params

_settings = {"enabled": True}


def set_composed_steps(enabled):
    """Use composed training steps for chains of built-in layers (True, the default) or always trace (False)."""
    if not isinstance(enabled, bool):
        raise TypeError(f"set_composed_steps: expected True or False, got {enabled!r}.")
    _settings["enabled"] = enabled


def composed_layers(model):
    """The model's layers in order when it is a chain every layer of which has a composed form; else None."""
    if not _settings["enabled"] or model._keras_style or len(model.inputs) != 1 or len(model.outputs) != 1:
        return None
    expected_input, layers = model.inputs[0].id, []
    for step in model._steps:
        layer = step.layer
        if step.input_is_list or step.kwargs or step.training is not None or step.input_ids != [expected_input] \
                or len(step.output_ids) != 1 or layer.has_weight_updates or not supports(layer, True):
            return None
        expected_input = step.output_ids[0]
        layers.append(layer)
    return layers if layers and expected_input == model.outputs[0].id else None


def composed_loss_and_grads(model, trainable, x, ys, sample_weights):
    """(loss, flat gradients in the order of flatten_params(trainable), outputs, output masks), or None when the
    model needs the traced step. `trainable` must be all of the model's params (no frozen weights)."""
    layers = composed_layers(model)
    if layers is None:
        return None
    value, mask, backwards = x[0], None, []
    for position, layer in enumerate(layers):
        value, mask, backward = forward_with_backward(layer, trainable.get(layer.name, {}), value, mask,
                                                      need_dx=position > 0)
        backwards.append((layer, backward))

    loss_value, d_value = _mean_squared_error_and_grad(model, ys[0], value, mask, sample_weights[0])

    if loss_value is None:
        def data_loss(output):
            return model._loss_terms(ys, [output], [mask], sample_weights)[0]
        loss_value, d_value = value_and_grad(data_loss)(value)
    grads = {}
    for layer, backward in reversed(backwards):
        layer_grads, d_value = backward(d_value)
        if layer.name in trainable:
            grads[layer.name] = layer_grads
    return loss_value, flatten_params({name: grads[name] for name in trainable}), [value], [mask]


def _mean_squared_error_and_grad(model, y, output, mask, sample_weight):
    """(loss, d loss / d output) of a compiled plain 'mse' (Keras's default reduction, loss weight 1), written out:
    its traced gradient costs more than the rest of a small model's step. (None, None) for any other loss."""
    loss = model._losses[0]
    dtype = np.dtype(getattr(loss, "dtype", None) or backend.floatx())
    if type(loss) is not LossFunctionWrapper or loss.fn is not loss_functions.mean_squared_error or loss.fn_kwargs \
            or loss.reduction != "sum_over_batch_size" or model._loss_weights[0] != 1.0 \
            or output.dtype != dtype or np.shape(y) != output.shape:
        return None, None
    error = np.asarray(y, dtype=dtype) - output
    values = np.mean(error * error, axis=-1)
    weights = mask_to_weights(None if sample_weight is None else np.asarray(sample_weight, dtype=dtype), mask, dtype,
                              loss.reduction, f"Loss '{loss.name}'")
    if weights is not None:
        same_values, weights = broadcast_weights(values, weights, f"Loss '{loss.name}'")
        if same_values.shape != values.shape or np.broadcast_shapes(values.shape, weights.shape) != values.shape:
            return None, None
        values = values * weights
    if values.size == 0:
        return None, None
    d_values = np.broadcast_to(np.asarray(1.0 if weights is None else weights, dtype=dtype) / values.size,
                               values.shape)
    d_output = error * (d_values[..., None] * (-2.0 / error.shape[-1]))
    return np.sum(values) / float(values.size), d_output.astype(dtype, copy=False)

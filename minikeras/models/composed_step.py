"""A training step composed from the layers' own backward passes, for a model that is a chain of built-in layers.

Autograd traces the whole forward pass of every batch: a node per array operation, then a walk back over
them. For the graphs users build most (Embedding -> LSTM/GRU/SimpleRNN or Bidirectional -> Dense or
TimeDistributed(Dense)), each layer already knows its backward pass (the fused kernels' BPTT, a Dense's two
matmuls), so the step runs the layers forward on plain arrays, differentiates only the loss (written out for
'mse' and 'categorical_crossentropy' in loss_gradients.py, autograd for any other), and hands the gradient
back through the layers in reverse order.

Anything outside that (a branch, a layer without a composed form, a regularizer, frozen weights, a stateful
layer, dropout in training) returns None and the traced step runs. `set_composed_steps(False)` turns it off.
tests/models/test_composed_step.py proves loss and gradients equal the traced step's.
"""
from autograd import value_and_grad

from ..layers.composed import forward_with_backward, supports
from .loss_gradients import written_out_loss_and_gradient
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

    loss_value, d_value = written_out_loss_and_gradient(model, ys[0], value, mask, sample_weights[0])

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


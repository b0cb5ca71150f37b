"""A training step composed from the layers' own backward passes, for a model that is a chain of built-in layers.

Autograd traces the whole forward pass of every batch: a node per array operation, then a walk back over
them. For the graphs users build most (Embedding -> LSTM/GRU/SimpleRNN or Bidirectional -> Dense or
TimeDistributed(Dense); Conv1D / Dense -> BatchNormalization -> ReLU blocks -> pooling -> Dense), each layer
already knows its backward pass (the fused kernels' BPTT, a Dense's two matmuls, the batch normalization's
textbook gradient), so the step runs the layers forward on plain arrays, differentiates only the loss (written
out for 'mse' and 'categorical_crossentropy' in loss_gradients.py, autograd for any other), and hands the
gradient back through the layers in reverse order. BatchNormalization's moving statistics come back as updates,
as from the traced step.

Anything outside that (a branch, a layer without a composed form, a regularizer, frozen weights other than the
moving statistics, a stateful layer, dropout in training) returns None and the traced step runs.
`set_composed_steps(False)` turns it off. tests/models/test_composed_step.py and
tests/layers/test_composed_feedforward.py prove loss, gradients and updates equal the traced step's.
"""
from autograd import value_and_grad

from ..layers.composed import forward_with_backward, makes_updates_itself, supports
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
                or len(step.output_ids) != 1 or not supports(layer, True) \
                or layer.has_weight_updates and not makes_updates_itself(layer):
            return None
        expected_input = step.output_ids[0]
        layers.append(layer)
    return layers if layers and expected_input == model.outputs[0].id else None


def composed_loss_and_grads(model, trainable, x, ys, sample_weights, frozen=None, updates=None):
    """(loss, flat gradients in the order of flatten_params(trainable), outputs, output masks), or None when the
    model needs the traced step. `trainable` and `frozen` are the model's params split as the optimizer sees them;
    the only frozen weights allowed are those a layer never trains (BatchNormalization's moving statistics). Their
    new values go into `updates` ({layer name: {weight name: value}}) when it is given."""
    layers = composed_layers(model)
    if layers is None or frozen and not _frozen_by_nature(layers, trainable, frozen):
        return None
    updates = {} if updates is None else updates
    value, mask, backwards = x[0], None, []
    for position, layer in enumerate(layers):
        params = trainable.get(layer.name, {})
        if frozen and layer.name in frozen:
            params = {**params, **frozen[layer.name]}
        value, mask, backward = forward_with_backward(layer, params, value, mask, need_dx=position > 0,
                                                      updates=updates)
        backwards.append((layer, backward))

    loss_value, d_value = written_out_loss_and_gradient(model, ys[0], value, mask, sample_weights[0])

    if loss_value is None:
        def data_loss(output):
            return model._data_loss(ys, [output], [mask], sample_weights)
        loss_value, d_value = value_and_grad(data_loss)(value)
    grads = {}
    for layer, backward in reversed(backwards):
        layer_grads, d_value = backward(d_value)
        if layer.name in trainable:
            grads[layer.name] = layer_grads
    return loss_value, flatten_params({name: grads[name] for name in trainable}), [value], [mask]


def _frozen_by_nature(layers, trainable, frozen):
    """Whether the frozen weights are exactly those their (trainable) layers never train."""
    by_name = {layer.name: layer for layer in layers}
    for name, part in frozen.items():
        layer = by_name.get(name)
        if layer is None or not layer.trainable or set(part) != set(layer.non_trainable_weight_names()):
            return False
    return True

"""A training step composed from the layers' own backward passes, for a model made of built-in layers.

Autograd traces the whole forward pass of every batch: a node per array operation, then a walk back over
them. For the models users build most (Embedding -> LSTM/GRU/SimpleRNN or Bidirectional -> Dense or
TimeDistributed(Dense); Conv1D / Dense -> BatchNormalization -> ReLU blocks -> pooling -> Dense), each layer
already knows its backward pass (the fused kernels' BPTT, a Dense's two matmuls, the batch normalization's
textbook gradient), so the step runs the layers forward on plain arrays, differentiates only the loss (written
out for 'mse' and the crossentropies in loss_gradients.py, autograd for any other), and hands the gradient
back through the layers in reverse order. BatchNormalization's moving statistics come back as updates, as from
the traced step. A graph (branches, list inputs, several model inputs) is run the same way, node by node, with
the gradients of a tensor used twice added up; a node without a written-out backward but whose call is one
fused primitive or a few operations (attention, a recurrent layer with states in or out, a merge) is traced by
autograd alone (layers/composed_traced.py), the rest of the graph not.

Anything else (a layer with neither form, a regularizer, frozen weights other than the moving statistics, a
stateful layer, dropout in training, several outputs) returns None and the traced step runs.
`set_composed_steps(False)` turns it off. tests/models/test_composed_step.py, test_composed_batch_norm_models.py,
test_composed_graphs.py and tests/layers/test_composed_feedforward.py prove loss, gradients and updates equal the
traced step's.
"""
from autograd import value_and_grad
import numpy as np

from ..layers.composed import forward_with_backward, makes_updates_itself, supports
from ..layers.composed_recurrent import recurrent_forward, recurrent_ok
from ..layers.composed_attention import list_input_form
from ..layers.composed_traced import traceable, traced_forward_with_backward
from ..params import flatten_params, map_params
from .graph import KerasTensor, resolve
from .loss_gradients import written_out_loss_and_gradient

_settings = {"enabled": True}


def set_composed_steps(enabled):
    """Use composed training steps for chains of built-in layers (True, the default) or always trace (False)."""
    if not isinstance(enabled, bool):
        raise TypeError(f"set_composed_steps: expected True or False, got {enabled!r}.")
    _settings["enabled"] = enabled


def composed_plan(model):
    """[(step, how it runs)] for a model of one output each node of which has a composed form; else None. How:
    "own" (the layer's own backward pass, one input), "recurrent" (the same, with states given or returned), "list"
    (the same, a list of inputs: attention), "traced" (autograd over that layer's call alone)."""
    if not _settings["enabled"] or model._keras_style or len(model.outputs) != 1 or model._overrides_compute_loss:
        return None
    plan = []
    for step in model._steps:
        layer = step.layer
        if step.args or step.training is not None or step.mask is not None or step.input_structure is not None \
                or layer._keras_style:
            return None
        if _has_own_backward(step):
            plan.append((step, "own"))
        elif not step.input_is_list and set(step.kwargs) <= {"initial_state"} and recurrent_ok(layer):
            plan.append((step, "recurrent"))
        elif step.input_is_list and not step.kwargs and len(step.output_ids) == 1 and list_input_form(layer):
            plan.append((step, "list"))
        elif traceable(layer) and not layer.has_weight_updates:
            plan.append((step, "traced"))
        else:
            return None
    return plan or None


def _has_own_backward(step):
    layer = step.layer
    return not step.input_is_list and not step.kwargs and len(step.output_ids) == 1 and supports(layer, True) and \
        (not layer.has_weight_updates or makes_updates_itself(layer))


def composed_layers(model):
    """The model's layers in order when it is a chain every layer of which has its own backward pass; else None."""
    plan = composed_plan(model)
    if plan is None or len(model.inputs) != 1 or not all(how == "own" for _, how in plan):
        return None
    expected_input = model.inputs[0].id
    for step, _ in plan:
        if step.input_ids != [expected_input]:
            return None
        expected_input = step.output_ids[0]
    return [step.layer for step, _ in plan] if expected_input == model.outputs[0].id else None


def composed_loss_and_grads(model, trainable, x, ys, sample_weights, frozen=None, updates=None, rng=None):
    """(loss, flat gradients in the order of flatten_params(trainable), outputs, output masks), or None when the
    model needs the traced step. `trainable` and `frozen` are the model's params split as the optimizer sees them;
    the only frozen weights allowed are those a layer never trains (BatchNormalization's moving statistics). Their
    new values go into `updates` ({layer name: {weight name: value}}) when it is given. Random layers (Dropout)
    draw from `rng` in graph order, as the traced step's layers do."""
    plan = composed_plan(model)
    if plan is None or not model._compiled_losses or \
            frozen and not _frozen_by_nature([step.layer for step, _ in plan], trainable, frozen):
        return None
    updates = {} if updates is None else updates
    values = {tensor.id: value for tensor, value in zip(model.inputs, x)}
    masks = dict.fromkeys(values)
    backwards = []
    model_inputs = set(values)
    for step, how in plan:
        backwards.append(_forward(step, how, _layer_params(step.layer, trainable, frozen), values, masks, updates,
                                  model_inputs, rng))

    output_id = model.outputs[0].id
    value, mask = values[output_id], masks[output_id]
    loss_value, d_value = written_out_loss_and_gradient(model, ys[0], value, mask, sample_weights[0])
    if loss_value is None:
        def data_loss(output):
            return model._data_loss(ys, [output], [mask], sample_weights)   # the sum of every compiled loss
        loss_value, d_value = value_and_grad(data_loss)(value)

    gradients, grads = {output_id: d_value}, {}
    for step, how, backward in reversed(backwards):
        d_outputs = [gradients.pop(i, None) for i in step.output_ids]
        if all(d is None for d in d_outputs):
            continue            # nothing the loss depends on: its weights' gradients stay zero
        d_kwargs = {}
        if how == "own":
            layer_grads, d_input = backward(d_outputs[0])
            d_inputs = [d_input]
        elif how == "recurrent":
            layer_grads, d_input, d_initial = backward(d_outputs)
            d_inputs = [d_input]
            if d_initial is not None:
                d_kwargs = {"initial_state": d_initial}
        elif how == "list":
            layer_grads, d_inputs = backward(d_outputs[0])
        else:
            layer_grads, d_inputs, d_kwargs = backward(d_outputs)
        if step.layer.name in trainable:       # a layer called twice (shared weights) gets both calls' gradients
            name = step.layer.name
            grads[name] = layer_grads if name not in grads else _summed(grads[name], layer_grads)
        for tensor_id, d in zip(step.input_ids, d_inputs):
            _add_gradient(gradients, tensor_id, d)
        for name, d in d_kwargs.items():
            for tensor, d_tensor in zip(_tensors_in(step.kwargs[name]), _arrays_in(d)):
                _add_gradient(gradients, tensor.id, d_tensor)
    flat = flatten_params({name: _ordered_like(trainable[name], grads.get(name)) for name in trainable})
    return loss_value, flat, [value], [mask]


def _forward(step, how, params, values, masks, updates, model_inputs, rng=None):
    """Runs one node forward, storing its outputs and their masks by tensor id; (step, how, its backward). The
    model's inputs (`model_inputs`, tensor ids) need no gradient."""
    layer = step.layer
    xs, ms = [values[i] for i in step.input_ids], [masks[i] for i in step.input_ids]
    inputs = xs if step.input_is_list else xs[0]
    mask = (ms if any(m is not None for m in ms) else None) if step.input_is_list else ms[0]
    if how == "own":
        y, out_mask, backward = forward_with_backward(layer, params, xs[0], ms[0],
                                                      need_dx=step.input_ids[0] not in model_inputs, updates=updates,
                                                      rng=rng)
        outputs, output_masks = [y], [out_mask]
    elif how == "recurrent":
        initial = resolve(step.kwargs["initial_state"], values) if step.kwargs else None
        outputs, output_masks, backward = recurrent_forward(layer, params, xs[0], ms[0], initial,
                                                            need_dx=step.input_ids[0] not in model_inputs, rng=rng)
    elif how == "list":
        y, out_mask, backward = list_input_form(layer)(layer, params, xs, mask,
                                                       [i not in model_inputs for i in step.input_ids])
        outputs, output_masks = [y], [out_mask]
    else:
        given = {k: resolve(v, values) for k, v in step.kwargs.items()}
        # arrays of floats get gradients (initial_state); integer or boolean ones (an attention_mask) do not
        tensor_kwargs = {k: given[k] for k, v in step.kwargs.items()
                         if _tensors_in(v) and all(np.issubdtype(np.asarray(a).dtype, np.inexact)
                                                   for a in _arrays_in(given[k]))}
        other_kwargs = {k: v for k, v in given.items() if k not in tensor_kwargs}
        out, out_mask, backward = traced_forward_with_backward(layer, params, inputs, tensor_kwargs, other_kwargs,
                                                                mask, [i in model_inputs for i in step.input_ids], rng)
        outputs = list(out) if len(step.output_ids) > 1 else [out]
        output_masks = out_mask if isinstance(out_mask, list) else [out_mask] + [None] * (len(outputs) - 1)
    for tensor_id, output, output_mask in zip(step.output_ids, outputs, output_masks):
        values[tensor_id], masks[tensor_id] = output, output_mask
    return step, how, backward


def _layer_params(layer, trainable, frozen):
    params = trainable.get(layer.name, {})
    if frozen and layer.name in frozen:
        params = {**params, **frozen[layer.name]}
    return params


def _add_gradient(gradients, tensor_id, d):
    if d is not None:
        gradients[tensor_id] = d if tensor_id not in gradients else gradients[tensor_id] + d


def _tensors_in(value):
    """The symbolic tensors in a call argument (a tensor, or a list or tuple of them), in order."""
    if isinstance(value, KerasTensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _tensors_in(item)]
    return []


def _arrays_in(value):
    if isinstance(value, (list, tuple)):
        return [a for item in value for a in _arrays_in(item)]
    return [value]


def _summed(a, b):
    return {key: _summed(value, b[key]) if isinstance(value, dict) else value + b[key] for key, value in a.items()}


def _ordered_like(template, grads):
    """The gradients of a layer's weights in the order of its params (zeros for a layer the loss never reached)."""
    if grads is None:
        return map_params(np.zeros_like, template)
    return {name: _ordered_like(value, grads[name]) if isinstance(value, dict) else grads[name]
            for name, value in template.items()}


def _frozen_by_nature(layers, trainable, frozen):
    """Whether the frozen weights are exactly those their (trainable) layers never train."""
    by_name = {layer.name: layer for layer in layers}
    for name, part in frozen.items():
        layer = by_name.get(name)
        if layer is None or not layer.trainable or set(part) != set(layer.non_trainable_weight_names()):
            return False
    return True

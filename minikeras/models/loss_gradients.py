"""The loss and its gradient with respect to the model's output, written out for the most common losses.

A composed training step (composed_step.py) traces only the loss with autograd; for a small model even that
trace costs more than the rest of the step. Plain 'mse', 'binary_crossentropy', 'categorical_crossentropy' and
'sparse_categorical_crossentropy' (Keras's default reduction, loss weight 1, any mask and sample weight) are
therefore computed here by hand, weighted and reduced by the losses' own helpers, so the numbers are the traced
ones. tests/models/test_composed_step.py and tests/models/test_composed_batch_norm_models.py compare them with
autograd's.
"""
import numpy as np

from .. import backend
from ..losses import functions as loss_functions
from ..losses.loss import LossFunctionWrapper
from ..losses.reduction import broadcast_weights, mask_to_weights


def written_out_loss_and_gradient(model, y, output, mask, sample_weight):
    """(loss, d loss / d output) of the model's one compiled loss when it is written out here; else (None, None)."""
    loss = model._losses[0]
    dtype = np.dtype(getattr(loss, "dtype", None) or backend.floatx())
    per_sample = _WRITTEN_OUT.get(getattr(loss, "fn", None))
    if per_sample is not None and loss.fn is loss_functions.sparse_categorical_crossentropy:
        y = _one_hot(y, output)
    elif y is not None and np.ndim(y) == 1 and output.ndim == 2 and output.shape[-1] == 1:
        y = np.reshape(y, (-1, 1))       # (batch,) labels against (batch, 1) outputs, as the losses pair them
    if per_sample is None or y is None or not isinstance(loss, LossFunctionWrapper) or type(loss).call is not \
            LossFunctionWrapper.call or loss.fn_kwargs not in _DEFAULT_ARGUMENTS[loss.fn] or \
            loss.reduction != "sum_over_batch_size" or model._loss_weights[0] != 1.0 or output.dtype != dtype or \
            np.shape(y) != output.shape or output.shape[-1] < 2 and loss.fn is loss_functions.categorical_crossentropy:
        return None, None
    values, gradient_of = per_sample(np.asarray(y, dtype=dtype), output)
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
    return np.sum(values) / float(values.size), gradient_of(d_values).astype(dtype, copy=False)


def _one_hot(labels, output):
    """Integer labels as one-hot rows of output's dtype (a label outside the classes: a row of zeros, loss 0, as
    the traced loss gives), or None when their shape does not fit the output."""
    labels = np.asarray(labels)
    if labels.ndim == output.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.shape != output.shape[:-1]:
        return None
    return (labels.astype(np.int64)[..., None] == np.arange(output.shape[-1])).astype(output.dtype)


def _mean_squared_error(y, output):
    """mean((y - output)^2) over the last axis, and d_values -> d_output."""
    error = y - output
    return np.mean(error * error, axis=-1), lambda d_values: error * (d_values[..., None] * (-2.0 / error.shape[-1]))


def _categorical_crossentropy(y, output):
    """-sum(y log(clip(output / sum(output)))) over the last axis (Keras rescales, then clips), and its gradient."""
    total = np.sum(output, axis=-1, keepdims=True)
    rescaled = output / total
    eps = backend.epsilon()
    clipped = np.clip(rescaled, eps, 1.0 - eps)
    values = -np.sum(y * np.log(clipped), axis=-1)

    def gradient_of(d_values):
        # where the clip held the value fixed, no gradient passes (as autograd's clip)
        d_rescaled = np.where((clipped != eps) & (clipped != 1.0 - eps), -y * d_values[..., None] / clipped, 0.0)
        return (d_rescaled - np.sum(d_rescaled * rescaled, axis=-1, keepdims=True)) / total
    return values, gradient_of


def _binary_crossentropy(y, output):
    """-(y log p + (1 - y) log(1 - p)) averaged over the last axis, p the output clipped to [eps, 1 - eps]."""
    eps = backend.epsilon()
    p = np.clip(output, eps, 1.0 - eps)
    values = -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p), axis=-1)

    def gradient_of(d_values):
        # where the clip held the value fixed, no gradient passes (as autograd's clip)
        d_p = (d_values[..., None] / output.shape[-1]) * ((1.0 - y) / (1.0 - p) - y / p)
        return np.where((p != eps) & (p != 1.0 - eps), d_p, 0.0)
    return values, gradient_of


_WRITTEN_OUT = {loss_functions.mean_squared_error: _mean_squared_error,
                loss_functions.binary_crossentropy: _binary_crossentropy,
                loss_functions.categorical_crossentropy: _categorical_crossentropy,
                # against the labels' one-hot rows (_one_hot)
                loss_functions.sparse_categorical_crossentropy: _categorical_crossentropy}
_DEFAULT_ARGUMENTS = {loss_functions.mean_squared_error: [{}],
                      loss_functions.binary_crossentropy: [{}, {"from_logits": False, "label_smoothing": 0.0,
                                                                "axis": -1}],
                      loss_functions.categorical_crossentropy: [{}, {"from_logits": False, "label_smoothing": 0.0,
                                                                     "axis": -1}],
                      loss_functions.sparse_categorical_crossentropy: [{}, {"from_logits": False, "ignore_class": None,
                                                                            "axis": -1}]}

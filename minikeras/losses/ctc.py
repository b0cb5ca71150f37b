"""CTC, connectionist temporal classification (Graves et al., 2006): the loss of reading a label sequence off
per-step class scores without knowing which steps carry which label.

The label [c, a, t] is spread over T steps through the extended sequence [_, c, _, a, _, t, _] (blank `_` = class 0).
A path through it may, at each step, stay where it is, move one place on, or jump over a blank between two
different labels. The forward variable alpha[s] is the log of the total probability of all paths that are at
place s after the steps seen so far; the loss is -log(alpha at the last label + alpha at the trailing blank).
Everything is in log space (log-sum-exp instead of sums), so long sequences do not underflow, and it is
written with autograd's numpy, so its gradient comes for free.
"""
import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval

from .common import log_softmax
from .loss import LossFunctionWrapper

BLANK = 0
_LOG_ZERO = -1e5   # a finite "log 0", as Keras uses: -inf would turn the gradient into nan


def _shifted(alpha, places):
    """alpha moved `places` positions to the right along the label axis, log 0 coming in on the left."""
    filler = np.full((anp.shape(alpha)[0], places), _LOG_ZERO, dtype=np.result_type(getval(alpha)))
    return anp.concatenate([filler, alpha[:, :-places]], axis=1)


def _check_shapes(labels, y_pred):
    if labels.ndim != 2:
        raise ValueError(f"ctc: y_true must be integer labels of shape (batch_size, max_length), got shape "
                         f"{labels.shape}.")
    if anp.ndim(y_pred) != 3:
        raise ValueError(f"ctc: y_pred must be scores of shape (batch_size, steps, num_classes), got shape "
                         f"{anp.shape(y_pred)}.")
    if labels.shape[0] != anp.shape(y_pred)[0]:
        raise ValueError(f"ctc: y_true has {labels.shape[0]} samples and y_pred {anp.shape(y_pred)[0]}.")


def ctc(y_true, y_pred):
    """The CTC loss of each sample: y_true (batch, max_length) integer labels padded with 0 (0 is also the blank),
    y_pred (batch, steps, classes) unnormalized scores (a log-softmax is taken over classes, as Keras does)."""
    labels = np.asarray(getval(y_true))
    if getval(y_pred) is y_pred and not isinstance(y_pred, np.ndarray):
        y_pred = np.asarray(y_pred, dtype="float32")
    _check_shapes(labels, y_pred)
    labels = labels.astype(np.int64)
    batch, steps = anp.shape(y_pred)[:2]
    log_probs = log_softmax(y_pred, -1)

    extended = np.full((batch, 2 * labels.shape[1] + 1), BLANK, dtype=np.int64)
    extended[:, 1::2] = labels
    label_lengths = np.sum(labels != BLANK, axis=1)
    # a jump over a blank is allowed into a label place whose label differs from the one two places back
    # (the label places are the odd ones: a 0 among the first label_length labels is emitted as class 0, as Keras)
    can_jump = np.zeros(extended.shape, dtype=bool)
    can_jump[:, 3::2] = extended[:, 3::2] != extended[:, 1:-2:2]

    rows = np.arange(batch)[:, None]
    emit = [log_probs[rows, t, extended] for t in range(steps)]   # log p(place s's class at step t)
    start = np.full(extended.shape, _LOG_ZERO, dtype=np.result_type(getval(log_probs)))
    start[:, :2] = 0.0   # a path starts on the leading blank or on the first label
    alpha = start + emit[0]
    for t in range(1, steps):
        jumped = anp.where(can_jump, _shifted(alpha, 2), _LOG_ZERO)
        alpha = anp.logaddexp(anp.logaddexp(alpha, _shifted(alpha, 1)), jumped) + emit[t]

    last_label = 2 * label_lengths - 1
    ends_on_blank = alpha[np.arange(batch), 2 * label_lengths]
    ends_on_label = anp.where(label_lengths > 0, alpha[np.arange(batch), np.maximum(last_label, 0)], _LOG_ZERO)
    return -anp.logaddexp(ends_on_blank, ends_on_label)


# fit checks targets against outputs: CTC's are labels (batch, length) for scores (batch, steps, classes)
ctc.target_fits = lambda target_shape, output_shape: len(target_shape) == 2 and len(output_shape) == 3


class CTC(LossFunctionWrapper):
    """The CTC loss (see `ctc`) as a Loss object: labels padded with 0 (the blank), per-step class scores."""

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)

    def call(self, y_true, y_pred):
        return ctc(y_true, y_pred)

    def target_fits(self, target_shape, output_shape):
        return ctc.target_fits(target_shape, output_shape)

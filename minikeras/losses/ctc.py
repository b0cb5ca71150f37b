"""CTC, connectionist temporal classification (Graves et al., 2006), as a loss: the labels are padded with 0, which
is also the blank, and every step of the scores counts. The forward algorithm itself is `ops.ctc_loss`."""
import numpy as np
from autograd.tracer import getval

from .loss import LossFunctionWrapper

BLANK = 0


def _check_shapes(labels, y_pred):
    if labels.ndim != 2:
        raise ValueError(f"ctc: y_true must be integer labels of shape (batch_size, max_length), got shape "
                         f"{labels.shape}.")
    if np.ndim(getval(y_pred)) != 3:
        raise ValueError(f"ctc: y_pred must be scores of shape (batch_size, steps, num_classes), got shape "
                         f"{np.shape(getval(y_pred))}.")
    if labels.shape[0] != np.shape(getval(y_pred))[0]:
        raise ValueError(f"ctc: y_true has {labels.shape[0]} samples and y_pred {np.shape(getval(y_pred))[0]}.")


def ctc(y_true, y_pred):
    """The CTC loss of each sample: y_true (batch, max_length) integer labels padded with 0 (0 is also the blank),
    y_pred (batch, steps, classes) unnormalized scores (a log-softmax is taken over classes, as Keras does)."""
    labels = np.asarray(getval(y_true))
    if getval(y_pred) is y_pred and not isinstance(y_pred, np.ndarray):
        y_pred = np.asarray(y_pred, dtype="float32")
    _check_shapes(labels, y_pred)
    labels = labels.astype(np.int64)
    batch, steps = np.shape(getval(y_pred))[:2]
    label_lengths = np.sum(labels != BLANK, axis=1)
    from ..ops.nn.ctc import ctc_loss      # here, not at the top: ops is large and `import minikeras` stays quick
    return ctc_loss(labels, y_pred, label_lengths, np.full(batch, steps), mask_index=BLANK)


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

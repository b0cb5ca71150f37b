"""Circle loss (Sun et al., 2020) for metric learning: pulls same-label embeddings together, pushes others apart."""
import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval

from .loss import LossFunctionWrapper

_UNREACHABLE = -1e30   # a finite "log 0": -inf would turn the gradient into nan


def _logsumexp(x, axis):
    top = np.max(getval(x), axis=axis, keepdims=True)
    return anp.log(anp.sum(anp.exp(x - top), axis=axis)) + anp.squeeze(top, axis)


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """One value per query embedding (rows of y_pred, L2-normalized, labels y_true) against the reference embeddings
    (y_pred itself unless given): softplus of the log-sum-exp of weighted positive and negative pair distances."""
    labels = np.asarray(getval(y_true)).astype(np.int64).reshape(-1, 1)
    references = y_pred if ref_embeddings is None else ref_embeddings
    ref = labels if ref_labels is None else np.asarray(getval(ref_labels)).astype(np.int64).reshape(-1, 1)
    positive = labels == ref.T
    negative = ~positive
    if remove_diagonal:
        positive = positive & ~np.eye(labels.shape[0], ref.shape[0], dtype=bool)
    distances = anp.maximum(1.0 - anp.dot(y_pred, anp.transpose(references)), 0.0)
    positive_weights = anp.maximum((margin + distances) * positive, 0.0)
    negative_weights = anp.maximum((1.0 + margin - distances) * negative, 0.0)
    positive_terms = -gamma * positive_weights * (margin - distances)
    negative_terms = gamma * negative_weights * ((1.0 - margin) - distances)
    positive_loss = _logsumexp(anp.where(positive, positive_terms, _UNREACHABLE), axis=1)
    negative_loss = _logsumexp(anp.where(negative, negative_terms, _UNREACHABLE), axis=1)
    return anp.logaddexp(0.0, positive_loss + negative_loss)


# fit checks targets against outputs: one integer label per embedding, (batch,) or (batch, 1) for (batch, dim)
circle.target_fits = lambda target_shape, output_shape: (
    len(output_shape) == 2 and (len(target_shape) == 1 or tuple(target_shape[1:]) == (1,)))


class Circle(LossFunctionWrapper):
    """Circle loss over a batch of L2-normalized embeddings (y_pred) and their integer labels (y_true).

    gamma (80.0) scales the pair similarities, margin (0.4) sets the decision margin; remove_diagonal=True leaves
    each embedding's pair with itself out. As in Keras, samples whose loss is 0 are left out of the mean.
    """

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction="sum_over_batch_size", name="circle",
                 dtype=None):
        super().__init__(circle, reduction=reduction, name=name, dtype=dtype, gamma=gamma, margin=margin,
                         remove_diagonal=remove_diagonal)

    def call(self, y_true, y_pred):
        if getval(y_pred) is y_pred and not isinstance(y_pred, np.ndarray):
            y_pred = np.asarray(y_pred, dtype="float32")
        return circle(y_true, y_pred, **self.fn_kwargs)

    def target_fits(self, target_shape, output_shape):
        return circle.target_fits(target_shape, output_shape)

    def values_and_mask(self, y_true, y_pred):
        values = self.call(y_true, y_pred)
        return values, np.asarray(getval(values)) > 0

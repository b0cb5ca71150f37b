"""Weighting, masking and reduction of per-sample loss values, exactly as Keras 3 does them."""
import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval

from .. import legacy
from .common import float_dtype, squeeze_or_expand_to_same_rank


REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction, owner="Loss"):
    """The reduction name checked; Keras 2's 'auto' becomes 'sum_over_batch_size', with a warning."""
    if reduction == "auto":
        legacy.warn_once("reduction='auto'", "reduction='sum_over_batch_size'")
        return "sum_over_batch_size"
    if reduction not in REDUCTIONS:
        raise ValueError(f"{owner}: reduction must be one of {list(REDUCTIONS)}, got {reduction!r}.")
    return reduction


def broadcast_weights(values, weights, owner="Loss"):
    """`weights` shaped to multiply `values`. Keras's rank reconciliation first; then (minikeras's own rule)
    a per-sample weight (batch,) against per-step values (batch, steps) weights every step of its sample,
    where Keras 3 raises."""
    values, weights = squeeze_or_expand_to_same_rank(values, weights)
    if anp.ndim(weights) < anp.ndim(values):
        weights = anp.reshape(weights, anp.shape(weights) + (1,) * (anp.ndim(values) - anp.ndim(weights)))
    try:
        np.broadcast_shapes(anp.shape(values), anp.shape(weights))
    except ValueError:
        raise ValueError(f"{owner}: sample_weight of shape {anp.shape(weights)} does not fit values of shape "
                         f"{anp.shape(values)}; give one weight per sample (batch,) or per step (batch, steps)."
                         ) from None
    return values, weights


def mask_to_weights(sample_weight, mask, dtype, reduction, owner="Loss"):
    """Fold a boolean mask into the sample weights. For the mean reductions a kept entry weighs
    (entries / kept entries), so the later division by the number of entries becomes one by the kept."""
    if mask is None:
        return sample_weight
    mask = np.asarray(getval(mask)).astype(bool)
    if reduction in ("mean", "sum_over_batch_size"):
        kept = mask.sum()
        float_mask = np.where(mask, mask.size / kept if kept else 0.0, 0.0).astype(dtype)
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = broadcast_weights(float_mask, np.asarray(sample_weight, dtype=dtype), owner)
    return sample_weight * float_mask


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """The (already weighted) values reduced to one loss: 'sum'; 'sum_over_batch_size' or 'mean' divide by the
    number of values; 'mean_with_sample_weight' by the sum of the weights; 'none' or None return them as they are.
    """
    if reduction in (None, "none") or anp.shape(values) in ((), (0,)):
        return values
    total = anp.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = float(np.sum(getval(sample_weight)))
    else:
        divisor = float(np.size(getval(values)))
    return total / divisor if divisor else total * 0.0


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size", owner="Loss"):
    """Per-sample loss values -> the reported loss: mask folded into the weights, weights applied, reduced."""
    dtype = float_dtype(values)
    if sample_weight is not None:
        sample_weight = np.asarray(getval(sample_weight), dtype=dtype)
    sample_weight = mask_to_weights(sample_weight, mask, dtype, reduction, owner)
    if sample_weight is not None:
        values, sample_weight = broadcast_weights(values, sample_weight, owner)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)

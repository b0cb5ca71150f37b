"""Fused attention kernels: the masked softmax and weighted sum (and, for MultiHeadAttention, the projections around
them) as single autograd nodes with hand-derived gradients.

Small attention models spend their time in the overhead of many small autograd operations, not in arithmetic;
one node per layer call removes most of it. tests/gradients/test_attention_gradients.py proves the values and
gradients equal those of the layers' readable code (`Attention.call` / `MultiHeadAttention.reference_call`).
"""
import math

import numpy as np
from autograd.extend import primitive, defvjp_argnums
from autograd.tracer import isbox

from .rnn._fused_cache import remember, recall

MASKED_SCORE = -1.0e9     # what a masked score becomes (MultiHeadAttention, like Keras's Softmax)
MASKED_OFFSET = 1.0e9     # what a masked score loses (Attention / AdditiveAttention, like Keras)


def _masked(scores, keep, replace):
    """np.where(keep, scores, -1e9 if replace else scores - 1e9), as arithmetic with a 0/1 array: a selection by
    a boolean mask branches on every element, and on padding masks that is several times slower."""
    if keep is None:
        return scores
    kept = keep.astype(scores.dtype)
    lost = (1.0 - kept) * (MASKED_SCORE if replace else -MASKED_OFFSET)
    return scores * kept + lost if replace else scores + lost


def _all_masked_rows(keep, dtype):
    """1.0 for the rows of `keep` (booleans, last axis the keys) that keep nothing, else 0.0; None when none is."""
    if keep is None:
        return None
    # counted by a matrix-vector product: numpy's any() over a short last axis goes one row at a time
    empty = _row_sums(keep.astype(dtype)) == 0
    return empty.astype(dtype) if empty.any() else None


def _row_sums(x):
    # numpy reduces a short last axis slowly, one row at a time; a matrix-vector product does all rows at once
    return np.matmul(x, np.ones(x.shape[-1], dtype=x.dtype))[..., None]


def _column_sums(x):
    """Sums over the first axis of a 2-D array (a bias gradient), as one matrix-vector product."""
    return np.matmul(np.ones(x.shape[0], dtype=x.dtype), x)


def softmax_rows(z, all_replaced=None):
    """softmax over the last axis, on plain arrays (also the composed Dense's softmax, composed_activations.py).

    Shifting by the largest score of the whole array (one fast reduction) instead of each row's keeps exp() from
    overflowing; the rows far below it that underflow are then redone alone, each shifted by its own largest score.
    `all_replaced` (0/1, broadcastable to z) marks rows whose scores were all replaced by -1e9: their exp()
    underflows to exactly 0, and adding 1 gives the uniform row a shift by their own largest score would."""
    e = np.exp(z - z.max())
    if all_replaced is not None:
        e += all_replaced
    sums = _row_sums(e)
    low = sums[..., 0] < np.finfo(e.dtype).tiny * 1e10
    if low.any():
        rows = z[low]
        redone = np.exp(rows - rows.max(axis=-1, keepdims=True))
        e[low] = redone
        sums[low] = redone.sum(axis=-1, keepdims=True)
    return e / sums


def _softmax_backward(weights, d_weights):
    return weights * (d_weights - _row_sums(d_weights * weights))


# ---- softmax(scores) @ value ----------------------------------------------------------------------------------
def weighted_sum(scores, value, keep=None, replace=False, dropped=None):
    """(softmax(masked scores, last axis) [* dropped]) @ value and those weights (after dropout, which Keras's
    Attention and AdditiveAttention return as their scores), as one autograd node.

    `keep` (broadcastable to scores) marks the scores that count; a masked score becomes -1e9 with `replace`, else
    it loses 1e9 (Keras's Attention). `dropped` is dropout's multiplier of the weights (None: no dropout).
    """
    track = isbox(scores) or isbox(value)
    return _weighted_sum(scores, value, keep, replace, dropped, track)


@primitive
def _weighted_sum(scores, value, keep, replace, dropped, track):
    weights = softmax_rows(_masked(scores, keep, replace), _all_masked_rows(keep, scores.dtype) if replace else None)
    used = weights if dropped is None else weights * dropped
    result = (np.matmul(used, value), used)
    if track:
        remember(result, weights)
    return result


def _weighted_sum_vjp(argnums, result, args, kwargs):
    scores, value, keep, replace, dropped, _ = args
    used, weights = result[1], recall(result)

    def vjp(g):
        d_out, d_used = g
        d_used = np.matmul(d_out, np.swapaxes(value, -1, -2)) + d_used
        d_scores = _softmax_backward(weights, d_used if dropped is None else d_used * dropped)
        if keep is not None and replace:
            d_scores = d_scores * keep.astype(d_scores.dtype)
        grads = {0: d_scores, 1: _sum_to_shape(np.matmul(np.swapaxes(used, -1, -2), d_out), np.shape(value))}
        return tuple(grads[n] for n in argnums)
    return vjp


defvjp_argnums(_weighted_sum, _weighted_sum_vjp)


def _sum_to_shape(array, shape):
    """Undo broadcasting: sum `array` down to `shape`."""
    while array.ndim > len(shape):
        array = array.sum(axis=0)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and array.shape[i] != 1)
    return array.sum(axis=axes, keepdims=True) if axes else array


# ---- MultiHeadAttention ---------------------------------------------------------------------------------------
def multi_head_attention(query, key, value, projections, keep, dropped):
    """MultiHeadAttention of (batch, steps, features) inputs as one autograd node: (output, weights).

    `projections` is [q kernel, q bias, k kernel, k bias, v kernel, v bias, output kernel, output bias] (biases
    may be None); `keep` is (batch, T, S) booleans or None; `dropped` dropout's multiplier of the weights or None.
    """
    arrays = (query, key, value) + tuple(projections)
    track = any(isbox(a) for a in arrays)
    return _multi_head_attention(query, key, value, *projections, keep, dropped, track)


def _project(x, kernel, bias):
    """(batch, steps, features) @ (features, heads, dim) + (heads, dim) -> (batch, heads, steps, dim)."""
    batch, steps, features = x.shape
    heads, dim = kernel.shape[1], kernel.shape[2]
    flat = np.matmul(x.reshape(batch * steps, features), kernel.reshape(features, heads * dim))
    if bias is not None:
        flat += bias.reshape(-1)
    return flat.reshape(batch, steps, heads, dim).transpose(0, 2, 1, 3)


@primitive
def _multi_head_attention(query, key, value, wq, bq, wk, bk, wv, bv, wo, bo, keep, dropped, track):
    batch, steps = query.shape[0], query.shape[1]
    q = _project(query, wq, bq) * (1.0 / math.sqrt(wq.shape[2]))
    k, v = _project(key, wk, bk), _project(value, wv, bv)
    keep = None if keep is None else keep[:, None]
    # k transposed and laid out contiguously: numpy's stacked matmul is much slower on the strided view
    scores = _masked(np.matmul(q, np.ascontiguousarray(k.transpose(0, 1, 3, 2))), keep, True)
    weights = softmax_rows(scores, _all_masked_rows(keep, q.dtype))
    used = weights if dropped is None else weights * dropped
    context = np.matmul(used, v).transpose(0, 2, 1, 3).reshape(batch * steps, -1)     # (batch * T, heads * dim)
    out = np.matmul(context, wo.reshape(context.shape[1], -1))
    if bo is not None:
        out += bo.reshape(-1)
    result = (out.reshape((batch, steps) + wo.shape[2:]), weights)
    if track:
        remember(result, (q, k, v, used, context))
    return result


def _multi_head_attention_vjp(argnums, result, args, kwargs):
    query, key, value, wq, bq, wk, bk, wv, bv, wo, bo, keep, dropped, _ = args
    q, k, v, used, context = recall(result)
    weights = result[1]

    def vjp(g):
        d_out, d_weights = g
        batch, steps = query.shape[0], query.shape[1]
        heads, value_dim = wo.shape[0], wo.shape[1]
        d_flat = d_out.reshape(batch * steps, -1)
        grads = {10: None if bo is None else _column_sums(d_flat).reshape(bo.shape),
                 9: np.matmul(context.T, d_flat).reshape(wo.shape)}
        d_context = np.matmul(d_flat, wo.reshape(heads * value_dim, -1).T)
        d_context = d_context.reshape(batch, steps, heads, value_dim).transpose(0, 2, 1, 3)
        d_used = np.matmul(d_context, v.transpose(0, 1, 3, 2))
        d_v = np.matmul(used.transpose(0, 1, 3, 2), d_context)
        d_scores = _softmax_backward(weights, (d_used if dropped is None else d_used * dropped) + d_weights)
        if keep is not None:
            d_scores = d_scores * keep[:, None].astype(d_scores.dtype)
        d_q = np.matmul(d_scores, k) * (1.0 / math.sqrt(wq.shape[2]))
        d_k = np.matmul(d_scores.transpose(0, 1, 3, 2), q)
        for base, x, kernel, bias, d_proj in ((0, query, wq, bq, d_q), (1, key, wk, bk, d_k), (2, value, wv, bv, d_v)):
            if not {base, 3 + 2 * base, 4 + 2 * base} & set(argnums):
                continue
            b, steps_x, features = x.shape
            d_proj = d_proj.transpose(0, 2, 1, 3).reshape(b * steps_x, -1)
            grads[base] = np.matmul(d_proj, kernel.reshape(features, -1).T).reshape(x.shape)
            grads[3 + 2 * base] = np.matmul(x.reshape(b * steps_x, features).T, d_proj).reshape(kernel.shape)
            grads[4 + 2 * base] = None if bias is None else _column_sums(d_proj).reshape(bias.shape)
        return tuple(grads[n] for n in argnums)
    return vjp


defvjp_argnums(_multi_head_attention, _multi_head_attention_vjp)

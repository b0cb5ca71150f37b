"""A fused SimpleRNN (tanh): h_t = tanh(x_t W + b + h_{t-1} U) over the whole sequence, with hand-derived BPTT.

Rows padded at one end are sorted longest first and each step computes only the rows still running, as in
the fused LSTM. tests/layers/rnn/test_fused_gru_simple_rnn.py and test_fused_padding.py prove values and
gradients equal the readable `SimpleRNNCell.step`.
"""
import numpy as np
from autograd.extend import primitive, defvjp_argnums
from autograd.tracer import isbox

from ._fused_cache import remember, recall
from ._fused_blocks import (back_project, in_step_order, inverse_order, padding_blocks, project, step_groups,
                             summed_outer)


def simple_rnn_sequence(x, kernel, recurrent_kernel, bias, h0, mask, go_backwards, zero_output_for_mask,
                        recurrent_mask=None):
    """Returns (outputs (batch, time, units) in step order, final h). `recurrent_mask` (batch, units), when given,
    multiplies h before each step's recurrent matmul (recurrent dropout)."""
    kernel_primitive, arguments = simple_rnn_kernel_call(x, kernel, recurrent_kernel, bias, h0, mask, go_backwards,
                                                         zero_output_for_mask, recurrent_mask)
    return kernel_primitive(*arguments)


def simple_rnn_kernel_call(x, kernel, recurrent_kernel, bias, h0, mask, go_backwards, zero_output_for_mask,
                           recurrent_mask=None):
    """(the kernel primitive, its arguments): what simple_rnn_sequence runs, for a caller that runs two as one."""
    keep = any(isbox(a) for a in (x, kernel, recurrent_kernel, bias, h0))
    return _simple_rnn_sequence, (x, kernel, recurrent_kernel, bias, h0, mask, go_backwards, zero_output_for_mask,
                                  recurrent_mask, keep)


@primitive
def _simple_rnn_sequence(x, kernel, recurrent_kernel, bias, h0, mask, go_backwards, zero_output_for_mask,
                         recurrent_mask, keep):
    batch, timesteps, _ = x.shape
    dtype = np.result_type(x.dtype, kernel.dtype)
    blocks = padding_blocks(mask, go_backwards, batch, timesteps)
    rows = slice(None) if blocks is None or blocks[0] is None else blocks[0]
    x_steps = np.ascontiguousarray(in_step_order(x, go_backwards)[:, rows])
    projected = project(x_steps, kernel, bias, step_groups(blocks, batch, timesteps))
    masked_out = None if mask is None else ~in_step_order(np.asarray(mask, dtype=bool), go_backwards)[..., None]
    h_mask = None if recurrent_mask is None else np.asarray(recurrent_mask, dtype=dtype)[rows]
    h_all, fresh = _forward(projected.astype(dtype, copy=False), recurrent_kernel.astype(dtype, copy=False),
                            np.asarray(h0, dtype=dtype)[rows], blocks[1] if blocks is not None else None, masked_out,
                            h_mask)
    restore = inverse_order(rows)
    outputs = h_all[1:, restore]       # a copy when rows were sorted; a view otherwise
    if zero_output_for_mask and masked_out is not None:
        outputs = np.where(masked_out, 0.0, outputs).astype(dtype, copy=False)
    result = (outputs.transpose(1, 0, 2), h_all[-1, restore])   # tuple-valued: one gradient per output in the vjp
    if keep:
        remember(result, (h_all, fresh, blocks, masked_out, x_steps, h_mask))
    return result


def _forward(projected, recurrent_kernel, h0, running, masked_out, h_mask=None):
    """The recurrence. With `running` (padding sorted away), step s computes only its first running[s] rows and
    the others carry h through; otherwise every row computes and masked rows get their previous h back. With
    `h_mask` the recurrent matmul reads h * h_mask."""
    timesteps, batch, units = projected.shape
    h_all = np.empty((timesteps + 1, batch, units), dtype=projected.dtype)
    fresh = np.empty((timesteps, batch, units), dtype=projected.dtype)       # tanh output before masking
    h_all[0] = h0
    for s in range(timesteps):
        n = batch if running is None else running[s]
        if n < batch:
            h_all[s + 1, n:] = h_all[s, n:]
            fresh[s, n:] = 0.0
        if n == 0:
            continue
        step = fresh[s, :n]
        h_in = h_all[s, :n] if h_mask is None else h_all[s, :n] * h_mask[:n]
        np.dot(h_in, recurrent_kernel, out=step)
        step += projected[s, :n]
        np.tanh(step, out=step)
        h_all[s + 1, :n] = step
        if masked_out is not None and running is None:
            np.copyto(h_all[s + 1], h_all[s], where=masked_out[s])
    return h_all, fresh


def _vjp_maker(argnums, result, args, kwargs):
    x, kernel, recurrent_kernel, _, _, _, go_backwards, zero_output_for_mask, _, _ = args
    saved = recall(result)

    def vjp(g):
        grads = _backward(g, saved, kernel, recurrent_kernel, go_backwards, zero_output_for_mask)
        return tuple(grads[n] for n in argnums)
    return vjp


def _backward(g, saved, kernel, recurrent_kernel, go_backwards, zero_output_for_mask):
    h_all, fresh, blocks, masked_out, x_steps, h_mask = saved
    timesteps, batch, units = fresh.shape
    dtype = fresh.dtype
    rows = slice(None) if blocks is None or blocks[0] is None else blocks[0]
    running = blocks[1] if blocks is not None else None
    d_out = g[0].transpose(1, 0, 2)
    if zero_output_for_mask and masked_out is not None:
        d_out = np.where(masked_out, 0.0, d_out)            # a zeroed output passes no gradient back
    d_out = d_out[:, rows].astype(dtype, copy=False)
    dh = np.array(g[1][rows], dtype=dtype)
    keep_step = None if masked_out is None or running is not None else (~masked_out).astype(dtype)
    tanh_slope = 1.0 - fresh * fresh
    recurrent_t = np.ascontiguousarray(recurrent_kernel.T.astype(dtype, copy=False))
    dz = np.empty_like(fresh)
    for s in range(timesteps - 1, -1, -1):
        n = batch if running is None else running[s]
        dh += d_out[s]
        if n < batch:
            dz[s, n:] = 0.0                                   # skipped rows passed h through: dh flows on
        if n == 0:
            continue
        dh_total = dh[:n]
        dh_new = dh_total if keep_step is None else dh_total * keep_step[s]
        np.multiply(dh_new, tanh_slope[s, :n], out=dz[s, :n])
        dh_prev = np.dot(dz[s, :n], recurrent_t)
        if h_mask is not None:
            dh_prev *= h_mask[:n]
        if keep_step is not None:
            dh_prev += dh_total - dh_new                      # a masked step passed h through
        dh[:n] = dh_prev
    restore = inverse_order(rows)
    h_in_all = h_all[:-1] if h_mask is None else h_all[:-1] * h_mask       # what each step's matmul read
    return _weight_gradients(dz, dh[restore], x_steps, kernel, h_in_all, go_backwards, restore,
                             step_groups(blocks, batch, timesteps))


def _weight_gradients(dz, dh0, x_steps, kernel, h_in_all, go_backwards, restore, groups):
    """Sums over all steps as a few matmuls over the rows that ran (row order does not matter to them);
    d_x goes back to input order."""
    d_x_steps = back_project(dz, kernel.T, groups)[:, restore]
    return {0: (d_x_steps[::-1] if go_backwards else d_x_steps).transpose(1, 0, 2),
            1: summed_outer(x_steps, dz, groups), 2: summed_outer(h_in_all, dz, groups),
            3: dz.reshape(-1, dz.shape[2]).sum(axis=0), 4: dh0}


defvjp_argnums(_simple_rnn_sequence, _vjp_maker)

"""A fused GRU (both reset_after settings): the whole sequence as one autograd primitive with hand-derived BPTT.

It computes exactly what `GRUCell.step` run by `scan` computes for tanh activation and sigmoid gates:

    z = sigmoid(x W_z + h U_z + b_z)          r = sigmoid(x W_r + h U_r + b_r)
    reset_after:  candidate = tanh(x W_h + b_h + r * (h U_h + b'_h))
    otherwise:    candidate = tanh(x W_h + b_h + (r * h) U_h)
    h_new = z * h + (1 - z) * candidate

Padding costs nothing: as in the fused LSTM, rows padded at one end are sorted longest first and each step
computes only the leading block of rows still running.
tests/layers/rnn/test_fused_gru_simple_rnn.py and test_fused_padding.py prove values and gradients equal the
readable reference.
"""
import numpy as np
from autograd.extend import primitive, defvjp_argnums
from autograd.tracer import isbox

from ._fused_cache import remember, recall
from ._fused_blocks import (back_project, in_step_order, inverse_order, padding_blocks, project, step_groups,
                             summed_outer)


def gru_sequence(x, kernel, recurrent_kernel, input_bias, recurrent_bias, h0, mask, go_backwards,
                 zero_output_for_mask, reset_after, recurrent_mask=None):
    """Run a GRU over x (batch, time, features). Returns (outputs in step order, final h). `recurrent_mask`
    (batch, units), when given, multiplies h where the recurrent kernel reads it (recurrent dropout, as GRUCell.step);
    the update h = z h + (1 - z) candidate keeps the unmasked h."""
    kernel_primitive, arguments = gru_kernel_call(x, kernel, recurrent_kernel, input_bias, recurrent_bias, h0, mask,
                                                  go_backwards, zero_output_for_mask, reset_after, recurrent_mask)
    return kernel_primitive(*arguments)


def gru_kernel_call(x, kernel, recurrent_kernel, input_bias, recurrent_bias, h0, mask, go_backwards,
                    zero_output_for_mask, reset_after, recurrent_mask=None):
    """(the kernel primitive, its arguments): what gru_sequence runs, for a caller that runs two kernels as one."""
    keep = any(isbox(a) for a in (x, kernel, recurrent_kernel, input_bias, recurrent_bias, h0))
    return _gru_sequence, (x, kernel, recurrent_kernel, input_bias, recurrent_bias, h0, mask, go_backwards,
                           zero_output_for_mask, reset_after, recurrent_mask, keep)


@primitive
def _gru_sequence(x, kernel, recurrent_kernel, input_bias, recurrent_bias, h0, mask, go_backwards,
                  zero_output_for_mask, reset_after, recurrent_mask, keep):
    batch, timesteps, _ = x.shape
    dtype = np.result_type(x.dtype, kernel.dtype)
    blocks = padding_blocks(mask, go_backwards, batch, timesteps)
    rows = slice(None) if blocks is None or blocks[0] is None else blocks[0]
    x_steps = np.ascontiguousarray(in_step_order(x, go_backwards)[:, rows])
    projected = project(x_steps, kernel, input_bias, step_groups(blocks, batch, timesteps))
    masked_out = None if mask is None else ~in_step_order(np.asarray(mask, dtype=bool), go_backwards)[..., None]
    h_mask = None if recurrent_mask is None else np.asarray(recurrent_mask, dtype=dtype)[rows]
    saved = _forward(projected.astype(dtype, copy=False), recurrent_kernel.astype(dtype, copy=False),
                     np.asarray(recurrent_bias, dtype=dtype), np.asarray(h0, dtype=dtype)[rows], reset_after,
                     blocks[1] if blocks is not None else None, masked_out, h_mask)
    h_all = saved[0]
    restore = inverse_order(rows)
    outputs = h_all[1:, restore]       # a copy when rows were sorted; a view otherwise
    if zero_output_for_mask and masked_out is not None:
        outputs = np.where(masked_out, 0.0, outputs).astype(dtype, copy=False)
    result = (outputs.transpose(1, 0, 2), h_all[-1, restore])   # tuple-valued: one gradient per output in the vjp
    if keep:
        remember(result, (saved, blocks, masked_out, x_steps, h_mask))
    return result


def _forward(projected, recurrent_kernel, recurrent_bias, h0, reset_after, running, masked_out, h_mask=None):
    """The recurrence. With `running` (padding sorted away), step s computes only its first running[s] rows and
    the others carry h through; otherwise every row computes and masked rows get their previous h back. With
    `h_mask` the recurrent kernel reads h * h_mask."""
    timesteps, batch, gated = projected.shape
    units = gated // 3
    dtype = projected.dtype
    h_all = np.empty((timesteps + 1, batch, units), dtype=dtype)
    h_all[0] = h0
    gates = np.empty((timesteps, batch, 2 * units), dtype=dtype)        # z, r
    candidates = np.empty((timesteps, batch, units), dtype=dtype)
    inner = np.empty((timesteps, batch, units), dtype=dtype)            # h U_h + b'_h  or  (r * h) U_h
    h_proj = np.empty((batch, gated if reset_after else 2 * units), dtype=dtype)
    gate_kernel = recurrent_kernel if reset_after else np.ascontiguousarray(recurrent_kernel[:, :2 * units])
    candidate_kernel = None if reset_after else np.ascontiguousarray(recurrent_kernel[:, 2 * units:])
    reset_h = np.empty((batch, units), dtype=dtype)
    h_in_buffer = None if h_mask is None else np.empty((batch, units), dtype=dtype)
    for s in range(timesteps):
        n = batch if running is None else running[s]
        if n < batch:
            h_all[s + 1, n:] = h_all[s, n:]
            gates[s, n:], candidates[s, n:], inner[s, n:] = 0.0, 0.0, 0.0   # zero slopes for skipped rows
        if n == 0:
            continue
        h, p, g, cand, inn, hp = h_all[s, :n], projected[s, :n], gates[s, :n], candidates[s, :n], inner[s, :n], \
            h_proj[:n]
        h_in = h if h_mask is None else np.multiply(h, h_mask[:n], out=h_in_buffer[:n])
        np.dot(h_in, gate_kernel, out=hp)
        if reset_after:
            hp += recurrent_bias
        np.add(p[:, :2 * units], hp[:, :2 * units], out=g)
        _sigmoid_in_place(g)
        if reset_after:
            inn[...] = hp[:, 2 * units:]
        else:
            np.multiply(g[:, units:], h_in, out=reset_h[:n])
            np.dot(reset_h[:n], candidate_kernel, out=inn)
        if reset_after:
            np.multiply(g[:, units:], inn, out=cand)
            cand += p[:, 2 * units:]
        else:
            np.add(p[:, 2 * units:], inn, out=cand)
        np.tanh(cand, out=cand)
        h_new = h_all[s + 1, :n]
        np.subtract(h, cand, out=h_new)
        h_new *= g[:, :units]
        h_new += cand                                       # h_new = z * h + (1 - z) * candidate
        if masked_out is not None and running is None:
            np.copyto(h_new, h, where=masked_out[s])
    return h_all, gates, candidates, inner


def _sigmoid_in_place(v):
    """sigmoid(v) = 0.5 tanh(v / 2) + 0.5, written into v."""
    v *= 0.5
    np.tanh(v, out=v)
    v *= 0.5
    v += 0.5


def _gru_vjp_maker(argnums, result, args, kwargs):
    x, kernel, recurrent_kernel, _, _, _, _, go_backwards, zero_output_for_mask, reset_after, _, _ = args
    saved = recall(result)

    def vjp(g):
        grads = _backward(g, saved, kernel, recurrent_kernel, go_backwards, zero_output_for_mask, reset_after)
        return tuple(grads[n] for n in argnums)
    return vjp


def _backward(g, saved, kernel, recurrent_kernel, go_backwards, zero_output_for_mask, reset_after):
    (h_all, gates, candidates, inner), blocks, masked_out, x_steps, h_mask = saved
    timesteps, batch, units = candidates.shape
    dtype = gates.dtype
    rows = slice(None) if blocks is None or blocks[0] is None else blocks[0]
    d_out = g[0].transpose(1, 0, 2)
    if zero_output_for_mask and masked_out is not None:
        d_out = np.where(masked_out, 0.0, d_out)            # a zeroed output passes no gradient back
    d_out = d_out[:, rows].astype(dtype, copy=False)
    dh = np.array(g[1][rows], dtype=dtype)
    running = blocks[1] if blocks is not None else None
    keep_step = None if masked_out is None or running is not None else (~masked_out).astype(dtype)
    z, r = gates[..., :units], gates[..., units:]
    # everything that does not depend on the recurrence, for all steps at once
    dh_to_dz = h_all[:-1] - candidates
    dh_to_dz *= z
    dh_to_dz *= 1.0 - z
    dh_to_dcand = 1.0 - candidates * candidates
    dh_to_dcand *= 1.0 - z
    r_slope = r * (1.0 - r)
    h_in_all = h_all[:-1] if h_mask is None else h_all[:-1] * h_mask       # what the recurrent kernel read
    recurrent_t = np.ascontiguousarray(recurrent_kernel.T.astype(dtype, copy=False))
    d_x_proj = np.empty((timesteps, batch, 3 * units), dtype=dtype)
    d_h_proj = np.empty((timesteps, batch, 3 * units), dtype=dtype)  # gradients of h's projections
    for s in range(timesteps - 1, -1, -1):
        n = batch if running is None else running[s]
        dh += d_out[s]
        if n < batch:
            d_x_proj[s, n:], d_h_proj[s, n:] = 0.0, 0.0     # skipped rows passed h through: dh flows on unchanged
        if n == 0:
            continue
        dh_total = dh[:n]
        dh_new = dh_total if keep_step is None else dh_total * keep_step[s]
        dx, dhp = d_x_proj[s, :n], d_h_proj[s, :n]
        d_z, d_r, d_cand_pre = dx[:, :units], dx[:, units:2 * units], dx[:, 2 * units:]
        np.multiply(dh_new, dh_to_dcand[s, :n], out=d_cand_pre)
        np.multiply(dh_new, dh_to_dz[s, :n], out=d_z)
        dhp[:, :units] = d_z
        if reset_after:
            np.multiply(d_cand_pre, inner[s, :n], out=d_r)
            d_r *= r_slope[s, :n]
            dhp[:, units:2 * units] = d_r
            np.multiply(d_cand_pre, r[s, :n], out=dhp[:, 2 * units:])
            dh_prev = np.dot(dhp, recurrent_t)
        else:
            d_reset_h = np.dot(d_cand_pre, recurrent_t[2 * units:])
            np.multiply(d_reset_h, h_in_all[s, :n], out=d_r)
            d_r *= r_slope[s, :n]
            dhp[:, units:2 * units] = d_r
            dhp[:, 2 * units:] = d_cand_pre
            dh_prev = np.dot(dhp[:, :2 * units], recurrent_t[:2 * units])
            dh_prev += d_reset_h * r[s, :n]
        if h_mask is not None:
            dh_prev *= h_mask[:n]                             # so far the gradient of what the kernel read
        dh_prev += dh_new * z[s, :n]
        if keep_step is not None:
            dh_prev += dh_total - dh_new                      # a masked step passed h through
        dh[:n] = dh_prev
    restore = inverse_order(rows)
    groups = step_groups(blocks, batch, timesteps)
    return _weight_gradients(d_x_proj, d_h_proj, dh[restore], x_steps, kernel, h_in_all, r, go_backwards, restore,
                             reset_after, groups)


def _weight_gradients(d_x_proj, d_h_proj, dh0, x_steps, kernel, h_in_all, r, go_backwards, restore, reset_after,
                      groups):
    """Sums over all steps as a few matmuls over the rows that ran (row order does not matter to them);
    d_x goes back to input order. `h_in_all` is the h the recurrent kernel read at each step."""
    timesteps, batch, gated = d_x_proj.shape
    units = gated // 3
    d_kernel = summed_outer(x_steps, d_x_proj, groups)
    d_x_steps = back_project(d_x_proj, kernel.T, groups)[:, restore]
    d_x = (d_x_steps[::-1] if go_backwards else d_x_steps).transpose(1, 0, 2)
    if reset_after:
        d_recurrent = summed_outer(h_in_all, d_h_proj, groups)
    else:
        d_recurrent = np.concatenate([summed_outer(h_in_all, d_h_proj[..., :2 * units], groups),
                                      summed_outer(r * h_in_all, d_h_proj[..., 2 * units:], groups)], axis=1)
    return {0: d_x, 1: d_kernel, 2: d_recurrent, 3: d_x_proj.reshape(-1, gated).sum(axis=0),
            4: d_h_proj.reshape(-1, gated).sum(axis=0), 5: dh0}


defvjp_argnums(_gru_sequence, _gru_vjp_maker)

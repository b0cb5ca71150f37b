"""A fused LSTM: the whole sequence as one autograd primitive, with a hand-derived backward pass (BPTT).

It computes exactly what `LSTMCell.step` run by `scan` computes (tanh activation, sigmoid gates), but
projects the inputs of all time steps in one matmul, keeps each step to about ten in-place numpy calls,
computes in the backward pass everything that does not depend on the recurrence for all steps at once,
and forms the weight gradients of the whole sequence as single matmuls after the loop.
tests/layers/rnn/test_fused_lstm.py proves values and gradients equal the readable reference.

Padding costs nothing: when the mask is padding at one end of each row (what pad_sequences makes),
the rows are sorted longest first, so at every step the rows still running are a leading block, and
the step computes only that block (the others carry h and c through, as a masked step does).
Any other mask takes the general loop, which computes every row and restores the masked ones.

Inside, the gate columns are reordered from Keras's (i, f, c, o) to (o, i, f, c): the three sigmoid
gates are then contiguous for the forward pass, and the three gates scaled by dc for the backward.
"""
import numpy as np
from autograd.extend import primitive, defvjp_argnums
from autograd.tracer import isbox

from ._fused_blocks import (back_project, in_step_order, inverse_order, padding_blocks, project, step_groups,
                             summed_outer)
from ._fused_cache import remember, recall

__all__ = ["lstm_sequence", "lstm_kernel_call", "padding_blocks", "in_step_order", "inverse_order"]


def lstm_sequence(x, kernel, recurrent_kernel, bias, h0, c0, mask, go_backwards, zero_output_for_mask,
                  recurrent_mask=None):
    """Run an LSTM over x (batch, time, features); `recurrent_mask` (batch, units), when given, multiplies h before
    every step's recurrent matmul (recurrent dropout, one mask for all steps as in Keras).

    Returns (outputs (batch, time, units) in the order the steps ran, final h, final c).
    """
    kernel_primitive, arguments = lstm_kernel_call(x, kernel, recurrent_kernel, bias, h0, c0, mask, go_backwards,
                                                   zero_output_for_mask, recurrent_mask)
    return kernel_primitive(*arguments)


def lstm_kernel_call(x, kernel, recurrent_kernel, bias, h0, c0, mask, go_backwards, zero_output_for_mask,
                     recurrent_mask=None):
    """(the kernel primitive, its arguments): what lstm_sequence runs, for a caller that runs two kernels as one."""
    keep = any(isbox(a) for a in (x, kernel, recurrent_kernel, bias, h0, c0))
    # a tuple-valued primitive: autograd hands its vjp one gradient per output, no slicing of a packed array
    return _lstm_sequence, (x, kernel, recurrent_kernel, bias, h0, c0, mask, go_backwards, zero_output_for_mask,
                            recurrent_mask, keep)


def _gate_order(units):
    """Column index taking Keras's (i, f, c, o) to the kernel's internal (o, i, f, c)."""
    return np.concatenate([np.arange(3 * units, 4 * units), np.arange(0, 3 * units)])


@primitive
def _lstm_sequence(x, kernel, recurrent_kernel, bias, h0, c0, mask, go_backwards, zero_output_for_mask, recurrent_mask,
                   keep):
    batch, timesteps, _ = x.shape
    units = recurrent_kernel.shape[0]
    dtype = np.result_type(x.dtype, kernel.dtype)
    columns = _gate_order(units)
    # sigmoid(z) = 0.5 * tanh(z / 2) + 0.5: scaling the sigmoid columns lets one tanh serve all four gates
    scale = np.ones(4 * units, dtype=dtype)
    scale[:3 * units] = 0.5
    blocks = padding_blocks(mask, go_backwards, batch, timesteps)
    rows = slice(None) if blocks is None or blocks[0] is None else blocks[0]
    x_steps = np.ascontiguousarray(in_step_order(x, go_backwards)[:, rows])
    projected = project(x_steps, kernel[:, columns] * scale, bias[columns] * scale,
                        step_groups(blocks, batch, timesteps))
    masked_out = None if mask is None else ~in_step_order(np.asarray(mask, dtype=bool), go_backwards)[..., None]
    loop = _forward_by_blocks if blocks is not None else _forward_every_row
    h_mask = None if recurrent_mask is None else np.asarray(recurrent_mask, dtype=dtype)[rows]
    saved = loop(projected, recurrent_kernel[:, columns] * scale, np.asarray(h0)[rows], np.asarray(c0)[rows],
                 blocks[1] if blocks is not None else masked_out, h_mask)
    gates, h_all, c_all, tanh_c = saved
    restore = inverse_order(rows)
    outputs = h_all[1:, restore]       # a copy when rows were sorted; a view otherwise
    if zero_output_for_mask and masked_out is not None:
        kept = ~masked_out
        outputs = outputs * kept if isinstance(restore, slice) else np.multiply(outputs, kept, out=outputs)
    result = (outputs.transpose(1, 0, 2), h_all[-1, restore], c_all[-1, restore])
    if keep:
        remember(result, (saved, blocks, masked_out, x_steps, h_mask))
    return result


def _sigmoid_then_tanh_constants(units, dtype):
    """After the shared tanh, gate = tanh * slope + offset: 0.5 t + 0.5 for the sigmoid gates, t for c."""
    sigmoid_columns = np.arange(4 * units) < 3 * units
    return np.where(sigmoid_columns, 0.5, 1.0).astype(dtype), np.where(sigmoid_columns, 0.5, 0.0).astype(dtype)


def _forward_by_blocks(projected, recurrent_scaled, h0, c0, running, h_mask=None):
    """The loop when step s updates only its first running[s] rows; the rest carry h and c unchanged."""
    step, (gates, h_all, c_all, tanh_c) = _forward_buffers(projected, recurrent_scaled, h0, c0, h_mask)
    batch = projected.shape[1]
    for s, n in enumerate(running):
        if n < batch:
            h_all[s + 1, n:], c_all[s + 1, n:] = h_all[s, n:], c_all[s, n:]
            gates[s, n:], tanh_c[s, n:] = 0.0, 0.0    # so the backward pass sees zero slopes for skipped rows
        if n:
            step(s, slice(0, n))
    return gates, h_all, c_all, tanh_c


def _forward_every_row(projected, recurrent_scaled, h0, c0, masked_out, h_mask=None):
    """The loop for any mask: every row computes, then masked rows get their previous h and c back."""
    step, (gates, h_all, c_all, tanh_c) = _forward_buffers(projected, recurrent_scaled, h0, c0, h_mask)
    for s in range(projected.shape[0]):
        step(s, slice(None))
        np.copyto(h_all[s + 1], h_all[s], where=masked_out[s])
        np.copyto(c_all[s + 1], c_all[s], where=masked_out[s])
    return gates, h_all, c_all, tanh_c


def _forward_buffers(projected, recurrent_scaled, h0, c0, h_mask=None):
    """The arrays a forward pass fills, and `step(s, rows)`: one LSTM step for those rows, in place. With
    `h_mask` (recurrent dropout) the recurrent matmul sees h * h_mask."""
    timesteps, batch, gated = projected.shape
    units = gated // 4
    slope, offset = _sigmoid_then_tanh_constants(units, projected.dtype)
    gates = np.empty_like(projected)
    tanh_c = np.empty((timesteps, batch, units), dtype=projected.dtype)
    h_all = np.empty((timesteps + 1, batch, units), dtype=projected.dtype)
    c_all = np.empty_like(h_all)
    h_all[0], c_all[0] = h0, c0
    h_in = None if h_mask is None else np.empty((batch, units), dtype=projected.dtype)

    def step(s, rows):
        z, c_prev, c_new, tanh_new = gates[s, rows], c_all[s, rows], c_all[s + 1, rows], tanh_c[s, rows]
        if h_mask is None:
            np.dot(h_all[s, rows], recurrent_scaled, out=z)
        else:
            np.multiply(h_all[s, rows], h_mask[rows], out=h_in[rows])
            np.dot(h_in[rows], recurrent_scaled, out=z)
        z += projected[s, rows]
        np.tanh(z, out=z)
        z *= slope
        z += offset                                                         # z is now (o, i, f, g)
        np.multiply(z[:, units:2 * units], z[:, 3 * units:], out=tanh_new)  # i * g (tanh_new as scratch)
        np.multiply(z[:, 2 * units:3 * units], c_prev, out=c_new)          # c = f * c_prev
        c_new += tanh_new                                                  #     + i * g
        np.tanh(c_new, out=tanh_new)
        np.multiply(z[:, :units], tanh_new, out=h_all[s + 1, rows])        # h = o * tanh(c)
    return step, (gates, h_all, c_all, tanh_c)


def _lstm_vjp_maker(argnums, result, args, kwargs):
    x, kernel, recurrent_kernel, bias, h0, c0, mask, go_backwards, zero_output_for_mask, _, _ = args
    saved = recall(result)

    def vjp(g):
        grads = _backward(g, saved, kernel, recurrent_kernel, go_backwards, zero_output_for_mask)
        return tuple(grads[n] for n in argnums)
    return vjp


def _backward(g, saved, kernel, recurrent_kernel, go_backwards, zero_output_for_mask):
    (gates, h_all, c_all, tanh_c), blocks, masked_out, x_steps, h_mask = saved
    units = recurrent_kernel.shape[0]
    columns = _gate_order(units)
    rows = slice(None) if blocks is None or blocks[0] is None else blocks[0]
    d_out = g[0].transpose(1, 0, 2)
    if zero_output_for_mask and masked_out is not None:
        d_out = np.where(masked_out, 0.0, d_out)        # a zeroed output passes no gradient back
    d_out = d_out[:, rows].astype(gates.dtype)
    dh, dc = np.array(g[1][rows], dtype=gates.dtype), np.array(g[2][rows], dtype=gates.dtype)
    groups = step_groups(blocks, gates.shape[1], gates.shape[0])
    slopes = _slopes(gates, c_all, tanh_c, groups)
    recurrent_t = recurrent_kernel[:, columns].T
    if blocks is not None:
        dz = _backward_by_blocks(d_out, dh, dc, slopes, gates, recurrent_t, blocks[1], h_mask)
    else:
        dz, dh, dc = _backward_every_row(d_out, dh, dc, slopes, gates, recurrent_t, masked_out, h_mask)
    restore = inverse_order(rows)
    h_in_all = h_all[:-1] if h_mask is None else h_all[:-1] * h_mask      # what each step's matmul saw
    return _weight_gradients(dz, dh[restore], dc[restore], x_steps, kernel, h_in_all, go_backwards, columns, restore,
                             groups)


def _slopes(gates, c_all, tanh_c, groups):
    """Everything the backward pass needs that does not depend on the recurrence, for all steps at once (on the
    rows each group of steps runs): dh_to_dc = o (1 - tanh(c)^2), dh_to_do = tanh(c) o (1 - o), and dc's
    factors for i, f, g: g i (1 - i), c_prev f (1 - f), i (1 - g^2)."""
    dh_to_dc, dh_to_do = np.empty_like(tanh_c), np.empty_like(tanh_c)
    dc_to_ifc = np.empty(tanh_c.shape[:2] + (3, tanh_c.shape[2]), dtype=gates.dtype)
    for first, end, rows in groups:
        part = (slice(first, end), slice(0, rows))
        _slopes_into(gates[part], c_all[:-1][part], tanh_c[part], dh_to_dc[part], dh_to_do[part], dc_to_ifc[part])
    return dh_to_dc, dh_to_do, dc_to_ifc


def _slopes_into(gates, c_prev, tanh_c, dh_to_dc, dh_to_do, dc_to_ifc):
    """The slopes of one group of steps, written in place: these arrays are the bulk of the work."""
    units = tanh_c.shape[-1]
    o, i, c_gate = gates[..., :units], gates[..., units:2 * units], gates[..., 3 * units:]
    sigmoid_slope = 1.0 - gates[..., :3 * units]            # s (1 - s) for o, i, f at once
    sigmoid_slope *= gates[..., :3 * units]
    np.multiply(tanh_c, tanh_c, out=dh_to_dc)
    np.subtract(1.0, dh_to_dc, out=dh_to_dc)
    dh_to_dc *= o
    np.multiply(tanh_c, sigmoid_slope[..., :units], out=dh_to_do)
    np.multiply(c_gate, sigmoid_slope[..., units:2 * units], out=dc_to_ifc[..., 0, :])
    np.multiply(c_prev, sigmoid_slope[..., 2 * units:], out=dc_to_ifc[..., 1, :])
    g_slope = dc_to_ifc[..., 2, :]
    np.multiply(c_gate, c_gate, out=g_slope)
    np.subtract(1.0, g_slope, out=g_slope)
    g_slope *= i


def _backward_by_blocks(d_out, dh, dc, slopes, gates, recurrent_t, running, h_mask=None):
    """BPTT over the leading blocks of running rows; rows a step skipped pass dh and dc straight through.
    dh and dc are updated in place and end as the gradients of h0 and c0."""
    dh_to_dc, dh_to_do, dc_to_ifc = slopes
    timesteps, batch, gated = gates.shape
    units = gated // 4
    dz = np.empty_like(gates)
    dz_blocks = dz.reshape(timesteps, batch, 4, units)
    scratch = np.empty_like(dc)
    for s in range(timesteps - 1, -1, -1):
        n = running[s]
        dh += d_out[s]
        if n < batch:
            dz[s, n:] = 0.0
        if n == 0:
            continue
        dh_run, dc_run, product = dh[:n], dc[:n], scratch[:n]
        np.multiply(dh_run, dh_to_dc[s, :n], out=product)
        dc_run += product
        np.multiply(dh_run, dh_to_do[s, :n], out=dz_blocks[s, :n, 0])
        np.multiply(dc_run[:, None, :], dc_to_ifc[s, :n], out=dz_blocks[s, :n, 1:])
        np.dot(dz[s, :n], recurrent_t, out=dh_run)
        if h_mask is not None:
            dh_run *= h_mask[:n]
        dc_run *= gates[s, :n, 2 * units:3 * units]
    return dz


def _backward_every_row(d_out, dh, dc, slopes, gates, recurrent_t, masked_out, h_mask=None):
    """BPTT for any mask: a masked step passed h and c through, so its rows pass dh and dc through."""
    dh_to_dc, dh_to_do, dc_to_ifc = slopes
    timesteps, batch, gated = gates.shape
    units = gated // 4
    keep_step = (~masked_out).astype(gates.dtype)
    dz = np.empty_like(gates)
    dz_blocks = dz.reshape(timesteps, batch, 4, units)
    for s in range(timesteps - 1, -1, -1):
        dh_total, k = dh + d_out[s], keep_step[s]
        dh_new, dc_new = dh_total * k, dc * k
        dc_new += dh_new * dh_to_dc[s]
        np.multiply(dh_new, dh_to_do[s], out=dz_blocks[s, :, 0])
        np.multiply(dc_new[:, None, :], dc_to_ifc[s], out=dz_blocks[s, :, 1:])
        dh_in = np.dot(dz[s], recurrent_t)
        dh = (dh_in if h_mask is None else dh_in * h_mask) + (dh_total - dh_new)
        dc = dc_new * gates[s, :, 2 * units:3 * units] + (dc - dc * k)
    return dz, dh, dc


def _weight_gradients(dz, dh0, dc0, x_steps, kernel, h_in_all, go_backwards, columns, restore, groups):
    """Sums over all steps as a few matmuls over the rows that ran (row order does not matter to them);
    d_x goes back to input order. `h_in_all` is the h each step's recurrent matmul saw."""
    timesteps, batch, gated = dz.shape
    gate_restore = np.argsort(columns)
    d_kernel = summed_outer(x_steps, dz, groups)[:, gate_restore]
    d_recurrent = summed_outer(h_in_all, dz, groups)[:, gate_restore]
    d_bias = dz.reshape(timesteps * batch, gated).sum(axis=0)[gate_restore]
    d_x_steps = back_project(dz, kernel[:, columns].T, groups)[:, restore]
    d_x = (d_x_steps[::-1] if go_backwards else d_x_steps).transpose(1, 0, 2)
    return {0: d_x, 1: d_kernel, 2: d_recurrent, 3: d_bias, 4: dh0, 5: dc0}


defvjp_argnums(_lstm_sequence, _lstm_vjp_maker)

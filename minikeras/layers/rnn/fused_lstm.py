"""A fused LSTM: the whole sequence as one autograd primitive, with a hand-derived backward pass (BPTT).

It computes exactly what `LSTMCell.step` run by `scan` computes (tanh activation, sigmoid gates), but
projects the inputs of all time steps in one matmul, keeps each step to about ten in-place numpy calls,
computes in the backward pass everything that does not depend on the recurrence for all steps at once,
and forms the weight gradients of the whole sequence as single matmuls after the loop.
tests/layers/rnn/test_fused_lstm.py proves values and gradients equal the readable reference.

Inside, the gate columns are reordered from Keras's (i, f, c, o) to (o, i, f, c): the three sigmoid
gates are then contiguous for the forward pass, and the three gates scaled by dc for the backward.
"""
import numpy as np
from autograd.extend import primitive, defvjp_argnums
from autograd.tracer import isbox

from ._fused_cache import remember, recall


def lstm_sequence(x, kernel, recurrent_kernel, bias, h0, c0, mask, go_backwards, zero_output_for_mask):
    """Run an LSTM over x (batch, time, features).

    Returns (outputs (batch, time, units) in the order the steps ran, final h, final c).
    """
    keep = any(isbox(a) for a in (x, kernel, recurrent_kernel, bias, h0, c0))
    # a tuple-valued primitive: autograd hands its vjp one gradient per output, no slicing of a packed array
    return _lstm_sequence(x, kernel, recurrent_kernel, bias, h0, c0, mask, go_backwards, zero_output_for_mask, keep)


def _gate_order(units):
    """Column index taking Keras's (i, f, c, o) to the kernel's internal (o, i, f, c)."""
    return np.concatenate([np.arange(3 * units, 4 * units), np.arange(0, 3 * units)])


def _in_step_order(sequence, go_backwards):
    """(batch, time, ...) -> a contiguous (time, batch, ...) array in the order the steps run."""
    steps = sequence.transpose(1, 0, *range(2, sequence.ndim))
    return np.ascontiguousarray(steps[::-1] if go_backwards else steps)


@primitive
def _lstm_sequence(x, kernel, recurrent_kernel, bias, h0, c0, mask, go_backwards, zero_output_for_mask, keep):
    batch, timesteps, _ = x.shape
    units = recurrent_kernel.shape[0]
    dtype = np.result_type(x.dtype, kernel.dtype)
    columns = _gate_order(units)
    # sigmoid(z) = 0.5 * tanh(z / 2) + 0.5: scaling the sigmoid columns lets one tanh serve all four gates
    scale = np.ones(4 * units, dtype=dtype)
    scale[:3 * units] = 0.5
    x_steps = _in_step_order(x, go_backwards)
    projected = np.dot(x_steps.reshape(timesteps * batch, -1), kernel[:, columns] * scale)
    projected += bias[columns] * scale
    projected = projected.reshape(timesteps, batch, 4 * units)
    recurrent_scaled = recurrent_kernel[:, columns] * scale
    gates = np.empty((timesteps, batch, 4 * units), dtype=dtype)
    h_all = np.empty((timesteps + 1, batch, units), dtype=dtype)
    c_all = np.empty((timesteps + 1, batch, units), dtype=dtype)
    tanh_c = np.empty((timesteps, batch, units), dtype=dtype)
    h_all[0], c_all[0] = h0, c0
    masked_out = None if mask is None else ~_in_step_order(np.asarray(mask, dtype=bool)[..., None], go_backwards)
    # views made once, so the loop body is only arithmetic
    h_views, c_views, tanh_views = list(h_all), list(c_all), list(tanh_c)
    z_views = list(gates)
    # after the shared tanh, gate = tanh * slope + offset: 0.5 * t + 0.5 for sigmoid gates, t itself for c
    slope = np.where(np.arange(4 * units) < 3 * units, 0.5, 1.0).astype(dtype)
    offset = np.where(np.arange(4 * units) < 3 * units, 0.5, 0.0).astype(dtype)
    o_views, i_views = list(gates[:, :, :units]), list(gates[:, :, units:2 * units])
    f_views, g_views = list(gates[:, :, 2 * units:3 * units]), list(gates[:, :, 3 * units:])
    projected_views = list(projected)
    for s in range(timesteps):
        z, c = z_views[s], c_views[s + 1]
        np.dot(h_views[s], recurrent_scaled, out=z)
        z += projected_views[s]
        np.tanh(z, out=z)
        z *= slope
        z += offset
        np.multiply(f_views[s], c_views[s], out=c)
        c += i_views[s] * g_views[s]
        np.tanh(c, out=tanh_views[s])
        np.multiply(o_views[s], tanh_views[s], out=h_views[s + 1])
        if masked_out is not None:   # a masked step carries h and c through unchanged
            np.copyto(h_views[s + 1], h_views[s], where=masked_out[s])
            np.copyto(c, c_views[s], where=masked_out[s])
    outputs = h_all[1:]
    if zero_output_for_mask and masked_out is not None:
        outputs = np.where(masked_out, 0.0, outputs)
    result = (outputs.transpose(1, 0, 2), h_all[-1], c_all[-1])
    if keep:
        remember(result, (gates, h_all, c_all, tanh_c, masked_out, x_steps))
    return result


def _lstm_vjp_maker(argnums, result, args, kwargs):
    x, kernel, recurrent_kernel, bias, h0, c0, mask, go_backwards, zero_output_for_mask, _ = args
    saved = recall(result)

    def vjp(g):
        grads = _backward(g, saved, x, kernel, recurrent_kernel, go_backwards, zero_output_for_mask)
        return tuple(grads[n] for n in argnums)
    return vjp


def _backward(g, saved, x, kernel, recurrent_kernel, go_backwards, zero_output_for_mask):
    gates, h_all, c_all, tanh_c, masked_out, x_steps = saved
    batch, timesteps, features = x.shape
    units = recurrent_kernel.shape[0]
    columns = _gate_order(units)
    d_out, dh, dc = g[0].transpose(1, 0, 2), np.array(g[1]), np.array(g[2])
    o, i, f, c_gate = gates[..., :units], gates[..., units:2 * units], gates[..., 2 * units:3 * units], gates[..., 3 * units:]
    # everything that does not depend on the recurrence, for all steps at once
    dh_to_dc = o * (1.0 - tanh_c * tanh_c)
    dh_to_do = tanh_c * o * (1.0 - o)
    dc_to_ifc = np.stack([c_gate * i * (1.0 - i), c_all[:-1] * f * (1.0 - f), i * (1.0 - c_gate * c_gate)], axis=2)
    keep_step = None if masked_out is None else (~masked_out).astype(gates.dtype)
    if keep_step is not None and zero_output_for_mask:
        d_out = d_out * keep_step        # a zeroed output passes no gradient back
    dz = np.empty((timesteps, batch, 4 * units), dtype=gates.dtype)
    dz_blocks = dz.reshape(timesteps, batch, 4, units)
    recurrent_t = recurrent_kernel[:, columns].T
    for s in range(timesteps - 1, -1, -1):
        dh_total = dh + d_out[s]
        if keep_step is None:
            dc = dc + dh_total * dh_to_dc[s]
            np.multiply(dh_total, dh_to_do[s], out=dz_blocks[s, :, 0])
            np.multiply(dc[:, None, :], dc_to_ifc[s], out=dz_blocks[s, :, 1:])
            dh = np.matmul(dz[s], recurrent_t)
            dc *= f[s]
        else:
            k = keep_step[s]
            dh_new, dc_new = dh_total * k, dc * k
            dc_new += dh_new * dh_to_dc[s]
            np.multiply(dh_new, dh_to_do[s], out=dz_blocks[s, :, 0])
            np.multiply(dc_new[:, None, :], dc_to_ifc[s], out=dz_blocks[s, :, 1:])
            dh = np.matmul(dz[s], recurrent_t) + (dh_total - dh_new)
            dc = dc_new * f[s] + (dc - dc * k)
    return _weight_gradients(dz, dh, dc, x_steps, kernel, h_all, go_backwards, columns)


def _weight_gradients(dz, dh0, dc0, x_steps, kernel, h_all, go_backwards, columns):
    """Sums over all steps as single matmuls; step order is kept throughout, only d_x goes back to input order."""
    timesteps, batch, gated = dz.shape
    features, units = x_steps.shape[2], gated // 4
    restore = np.argsort(columns)
    dz_flat = dz.reshape(timesteps * batch, gated)
    d_kernel = np.dot(x_steps.reshape(timesteps * batch, features).T, dz_flat)[:, restore]
    d_recurrent = np.dot(h_all[:-1].reshape(timesteps * batch, units).T, dz_flat)[:, restore]
    d_bias = dz_flat.sum(axis=0)[restore]
    d_x_steps = np.dot(dz_flat, kernel[:, columns].T).reshape(timesteps, batch, features)
    d_x = (d_x_steps[::-1] if go_backwards else d_x_steps).transpose(1, 0, 2)
    return {0: d_x, 1: d_kernel, 2: d_recurrent, 3: d_bias, 4: dh0, 5: dc0}


defvjp_argnums(_lstm_sequence, _lstm_vjp_maker)

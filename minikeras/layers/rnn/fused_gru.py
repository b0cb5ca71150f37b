"""A fused GRU (both reset_after settings): the whole sequence as one autograd primitive with hand-derived BPTT.

It computes exactly what `GRUCell.step` run by `scan` computes for tanh activation and sigmoid gates:

    z = sigmoid(x W_z + h U_z + b_z)          r = sigmoid(x W_r + h U_r + b_r)
    reset_after:  candidate = tanh(x W_h + b_h + r * (h U_h + b'_h))
    otherwise:    candidate = tanh(x W_h + b_h + (r * h) U_h)
    h_new = z * h + (1 - z) * candidate

tests/layers/rnn/test_fused_gru.py proves values and gradients equal the readable reference.
"""
import numpy as np
from autograd.extend import primitive, defvjp_argnums
from autograd.tracer import isbox

from ._fused_cache import remember, recall


def gru_sequence(x, kernel, recurrent_kernel, input_bias, recurrent_bias, h0, mask, go_backwards,
                 zero_output_for_mask, reset_after):
    """Run a GRU over x (batch, time, features). Returns (outputs in step order, final h)."""
    kernel_primitive, arguments = gru_kernel_call(x, kernel, recurrent_kernel, input_bias, recurrent_bias, h0, mask,
                                                  go_backwards, zero_output_for_mask, reset_after)
    return kernel_primitive(*arguments)


def gru_kernel_call(x, kernel, recurrent_kernel, input_bias, recurrent_bias, h0, mask, go_backwards,
                    zero_output_for_mask, reset_after):
    """(the kernel primitive, its arguments): what gru_sequence runs, for a caller that runs two kernels as one."""
    keep = any(isbox(a) for a in (x, kernel, recurrent_kernel, input_bias, recurrent_bias, h0))
    return _gru_sequence, (x, kernel, recurrent_kernel, input_bias, recurrent_bias, h0, mask, go_backwards,
                           zero_output_for_mask, reset_after, keep)


def _time_order(timesteps, go_backwards):
    return np.arange(timesteps - 1, -1, -1) if go_backwards else np.arange(timesteps)


def _sigmoid(v):
    return 0.5 * np.tanh(0.5 * v) + 0.5


@primitive
def _gru_sequence(x, kernel, recurrent_kernel, input_bias, recurrent_bias, h0, mask, go_backwards,
                zero_output_for_mask, reset_after, keep):
    batch, timesteps, _ = x.shape
    units = recurrent_kernel.shape[0]
    dtype = np.result_type(x.dtype, kernel.dtype)
    order = _time_order(timesteps, go_backwards)
    projected = np.ascontiguousarray((np.matmul(x, kernel) + input_bias).transpose(1, 0, 2)[order])
    h_all = np.empty((timesteps + 1, batch, units), dtype=dtype)
    h_all[0] = h0
    gates = np.empty((timesteps, batch, 2 * units), dtype=dtype)        # z, r
    candidates = np.empty((timesteps, batch, units), dtype=dtype)
    inner = np.empty((timesteps, batch, units), dtype=dtype)            # h U_h + b'_h  or  (r * h) U_h
    masked_out = None if mask is None else ~np.asarray(mask, dtype=bool).T[order][..., None]
    for s in range(timesteps):
        h = h_all[s]
        p = projected[s]
        if reset_after:
            h_proj = np.dot(h, recurrent_kernel) + recurrent_bias
            gates[s] = _sigmoid(p[:, :2 * units] + h_proj[:, :2 * units])
            inner[s] = h_proj[:, 2 * units:]
            candidates[s] = np.tanh(p[:, 2 * units:] + gates[s, :, units:] * inner[s])
        else:
            gates[s] = _sigmoid(p[:, :2 * units] + np.dot(h, recurrent_kernel[:, :2 * units]))
            inner[s] = np.dot(gates[s, :, units:] * h, recurrent_kernel[:, 2 * units:])
            candidates[s] = np.tanh(p[:, 2 * units:] + inner[s])
        z = gates[s, :, :units]
        h_all[s + 1] = candidates[s] + z * (h - candidates[s])
        if masked_out is not None:
            np.copyto(h_all[s + 1], h, where=masked_out[s])
    outputs = h_all[1:]
    if zero_output_for_mask and masked_out is not None:
        outputs = np.where(masked_out, 0.0, outputs)
    result = (outputs.transpose(1, 0, 2), h_all[-1])   # tuple-valued: one gradient per output in the vjp
    if keep:
        remember(result, (h_all, gates, candidates, inner, masked_out))
    return result


def _gru_vjp_maker(argnums, result, args, kwargs):
    x, kernel, recurrent_kernel, _, _, _, _, go_backwards, zero_output_for_mask, reset_after, _ = args
    saved = recall(result)

    def vjp(g):
        grads = _backward(g, saved, x, kernel, recurrent_kernel, go_backwards, zero_output_for_mask, reset_after)
        return tuple(grads[n] for n in argnums)
    return vjp


def _backward(g, saved, x, kernel, recurrent_kernel, go_backwards, zero_output_for_mask, reset_after):
    h_all, gates, candidates, inner, masked_out = saved
    batch, timesteps, features = x.shape
    units = recurrent_kernel.shape[0]
    order = _time_order(timesteps, go_backwards)
    d_out, dh = g[0].transpose(1, 0, 2), np.array(g[1])
    keep_step = None if masked_out is None else (~masked_out).astype(gates.dtype)
    if keep_step is not None and zero_output_for_mask:
        d_out = d_out * keep_step
    z, r = gates[..., :units], gates[..., units:]
    # everything that does not depend on the recurrence, for all steps at once
    dh_to_dz = (h_all[:-1] - candidates) * z * (1.0 - z)
    dh_to_dcand = (1.0 - z) * (1.0 - candidates * candidates)
    d_x_proj = np.empty((timesteps, batch, 3 * units), dtype=gates.dtype)
    d_h_proj = np.empty((timesteps, batch, 3 * units), dtype=gates.dtype)  # gradients of h's projections
    for s in range(timesteps - 1, -1, -1):
        dh_total = dh + d_out[s]
        dh_new = dh_total if keep_step is None else dh_total * keep_step[s]
        d_cand_pre = dh_new * dh_to_dcand[s]
        d_x_proj[s, :, :units] = d_z = dh_new * dh_to_dz[s]
        d_x_proj[s, :, 2 * units:] = d_cand_pre
        h_prev = h_all[s]
        if reset_after:
            d_x_proj[s, :, units:2 * units] = d_r = d_cand_pre * inner[s] * r[s] * (1.0 - r[s])
            d_h_proj[s, :, :units], d_h_proj[s, :, units:2 * units] = d_z, d_r
            d_h_proj[s, :, 2 * units:] = d_cand_pre * r[s]
            dh_prev = np.dot(d_h_proj[s], recurrent_kernel.T)
        else:
            d_reset_h = np.dot(d_cand_pre, recurrent_kernel[:, 2 * units:].T)
            d_x_proj[s, :, units:2 * units] = d_r = d_reset_h * h_prev * r[s] * (1.0 - r[s])
            d_h_proj[s, :, :units], d_h_proj[s, :, units:2 * units] = d_z, d_r
            d_h_proj[s, :, 2 * units:] = d_cand_pre
            dh_prev = np.dot(d_h_proj[s, :, :2 * units], recurrent_kernel[:, :2 * units].T) + d_reset_h * r[s]
        dh = dh_prev + dh_new * z[s] + (dh_total - dh_new)
    return _weight_gradients(d_x_proj, d_h_proj, dh, x, kernel, h_all, r, order, reset_after)


def _weight_gradients(d_x_proj, d_h_proj, dh0, x, kernel, h_all, r, order, reset_after):
    timesteps, batch, gated = d_x_proj.shape
    features, units = x.shape[2], gated // 3
    d_x_by_time = d_x_proj[np.argsort(order)].reshape(timesteps * batch, gated)
    x_by_time = x.transpose(1, 0, 2).reshape(timesteps * batch, features)
    d_kernel = np.matmul(x_by_time.T, d_x_by_time)
    d_x = np.matmul(d_x_by_time, kernel.T).reshape(timesteps, batch, features).transpose(1, 0, 2)
    h_prev = h_all[:-1].reshape(timesteps * batch, units)
    d_h_flat = d_h_proj.reshape(timesteps * batch, gated)
    if reset_after:
        d_recurrent = np.matmul(h_prev.T, d_h_flat)
    else:
        reset_h = (r * h_all[:-1]).reshape(timesteps * batch, units)
        d_recurrent = np.concatenate([np.matmul(h_prev.T, d_h_flat[:, :2 * units]),
                                      np.matmul(reset_h.T, d_h_flat[:, 2 * units:])], axis=1)
    return {0: d_x, 1: d_kernel, 2: d_recurrent, 3: d_x_by_time.sum(axis=0), 4: d_h_flat.sum(axis=0), 5: dh0}


defvjp_argnums(_gru_sequence, _gru_vjp_maker)

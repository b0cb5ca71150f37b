"""A fused SimpleRNN (tanh): h_t = tanh(x_t W + b + h_{t-1} U) over the whole sequence, with hand-derived BPTT.

tests/layers/rnn/test_fused_simple_rnn.py proves values and gradients equal the readable `SimpleRNNCell.step`.
"""
import numpy as np
from autograd.extend import primitive, defvjp_argnums
from autograd.tracer import isbox

from ._fused_cache import remember, recall


def simple_rnn_sequence(x, kernel, recurrent_kernel, bias, h0, mask, go_backwards, zero_output_for_mask):
    """Returns (outputs (batch, time, units) in step order, final h)."""
    kernel_primitive, arguments = simple_rnn_kernel_call(x, kernel, recurrent_kernel, bias, h0, mask, go_backwards,
                                                         zero_output_for_mask)
    return kernel_primitive(*arguments)


def simple_rnn_kernel_call(x, kernel, recurrent_kernel, bias, h0, mask, go_backwards, zero_output_for_mask):
    """(the kernel primitive, its arguments): what simple_rnn_sequence runs, for a caller that runs two as one."""
    keep = any(isbox(a) for a in (x, kernel, recurrent_kernel, bias, h0))
    return _simple_rnn_sequence, (x, kernel, recurrent_kernel, bias, h0, mask, go_backwards, zero_output_for_mask, keep)


def _time_order(timesteps, go_backwards):
    return np.arange(timesteps - 1, -1, -1) if go_backwards else np.arange(timesteps)


@primitive
def _simple_rnn_sequence(x, kernel, recurrent_kernel, bias, h0, mask, go_backwards, zero_output_for_mask, keep):
    batch, timesteps, _ = x.shape
    units = recurrent_kernel.shape[0]
    dtype = np.result_type(x.dtype, kernel.dtype)
    order = _time_order(timesteps, go_backwards)
    projected = np.ascontiguousarray((np.matmul(x, kernel) + bias).transpose(1, 0, 2)[order])
    h_all = np.empty((timesteps + 1, batch, units), dtype=dtype)
    fresh = np.empty((timesteps, batch, units), dtype=dtype)       # tanh output before masking
    h_all[0] = h0
    masked_out = None if mask is None else ~np.asarray(mask, dtype=bool).T[order][..., None]
    for s in range(timesteps):
        np.dot(h_all[s], recurrent_kernel, out=fresh[s])
        fresh[s] += projected[s]
        np.tanh(fresh[s], out=fresh[s])
        h_all[s + 1] = fresh[s]
        if masked_out is not None:
            np.copyto(h_all[s + 1], h_all[s], where=masked_out[s])
    outputs = h_all[1:]
    if zero_output_for_mask and masked_out is not None:
        outputs = np.where(masked_out, 0.0, outputs)
    result = (outputs.transpose(1, 0, 2), h_all[-1])   # tuple-valued: one gradient per output in the vjp
    if keep:
        remember(result, (h_all, fresh, masked_out))
    return result


def _vjp_maker(argnums, result, args, kwargs):
    x, kernel, recurrent_kernel, _, _, _, go_backwards, zero_output_for_mask, _ = args
    h_all, fresh, masked_out = recall(result)

    def vjp(g):
        batch, timesteps, features = x.shape
        units = recurrent_kernel.shape[0]
        order = _time_order(timesteps, go_backwards)
        d_out, dh = g[0].transpose(1, 0, 2), np.array(g[1])
        keep_step = None if masked_out is None else (~masked_out).astype(fresh.dtype)
        if keep_step is not None and zero_output_for_mask:
            d_out = d_out * keep_step
        tanh_slope = 1.0 - fresh * fresh
        dz = np.empty_like(fresh)
        for s in range(timesteps - 1, -1, -1):
            dh_total = dh + d_out[s]
            dh_new = dh_total if keep_step is None else dh_total * keep_step[s]
            np.multiply(dh_new, tanh_slope[s], out=dz[s])
            dh = np.dot(dz[s], recurrent_kernel.T) + (dh_total - dh_new)
        dz_by_time = dz[np.argsort(order)].reshape(timesteps * batch, units)
        x_by_time = x.transpose(1, 0, 2).reshape(timesteps * batch, features)
        grads = {0: np.matmul(dz_by_time, kernel.T).reshape(timesteps, batch, features).transpose(1, 0, 2),
                 1: np.matmul(x_by_time.T, dz_by_time),
                 2: np.matmul(h_all[:-1].reshape(timesteps * batch, units).T, dz.reshape(timesteps * batch, units)),
                 3: dz_by_time.sum(axis=0), 4: dh}
        return tuple(grads[n] for n in argnums)
    return vjp


defvjp_argnums(_simple_rnn_sequence, _vjp_maker)

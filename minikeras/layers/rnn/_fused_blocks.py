"""Padding as blocks of rows, for the fused recurrent kernels: which rows each step runs, and matmuls over only those.

When the mask is padding at one end of each row (what pad_sequences makes), sorting the rows longest first
makes the rows a step runs a leading block, and the count of running rows moves one way along the steps.
The kernels then compute each step on its block only. The big matmuls outside the loop (the input
projection before it, the weight gradients after it) run over groups of consecutive steps, each group on
the most rows any of its steps runs: entries past a step's own count are zero in every gradient array, so
they add nothing, and the work on padding falls from all of it to a sliver.
"""
import numpy as np

_GROUPS = 8


def in_step_order(sequence, go_backwards):
    """(batch, time, ...) -> a (time, batch, ...) view in the order the steps run."""
    steps = sequence.transpose(1, 0, *range(2, sequence.ndim))
    return steps[::-1] if go_backwards else steps


def padding_blocks(mask, go_backwards, batch, timesteps):
    """(row order, rows running at each step) if sorting rows longest first makes each step's running
    rows a leading block — true for padding at either end, in either direction. None for other masks.
    Without a mask every row runs every step, in the rows' own order (None)."""
    if mask is None:
        return None, [batch] * timesteps
    running = in_step_order(np.asarray(mask, dtype=bool), go_backwards)             # (time, batch)
    order = np.argsort(-running.sum(axis=0), kind="stable")
    running = running[:, order]
    counts = running.sum(axis=1)
    if not np.array_equal(running, np.arange(batch) < counts[:, None]):
        return None
    return order, counts.tolist()


def inverse_order(rows):
    return rows if isinstance(rows, slice) else np.argsort(rows)


def step_groups(blocks, batch, timesteps):
    """[(first step, end step, rows)]: consecutive steps in a few groups, each with the most rows any of its
    steps runs (all rows, one group, without padding blocks); groups that run no row are left out."""
    if blocks is None or blocks[0] is None:
        return [(0, timesteps, batch)]
    running, size = blocks[1], -(-timesteps // _GROUPS)
    groups = [(s, min(s + size, timesteps), max(running[s:s + size])) for s in range(0, timesteps, size)]
    return [group for group in groups if group[2]]


def project(x_steps, matrix, bias, groups):
    """x_steps (time, batch, features) @ matrix + bias, for the rows each group runs (other entries unset)."""
    timesteps, batch, features = x_steps.shape
    out = np.empty((timesteps, batch, matrix.shape[1]), dtype=np.result_type(x_steps, matrix))
    for first, end, rows in groups:
        block = np.dot(x_steps[first:end, :rows].reshape(-1, features), matrix)
        block += bias
        out[first:end, :rows] = block.reshape(end - first, rows, -1)
    return out


def summed_outer(left, right, groups):
    """The sum over steps and rows of left[s, b]ᵀ right[s, b] (a weight gradient), over the rows each group runs."""
    total = np.zeros((left.shape[2], right.shape[2]), dtype=np.result_type(left, right))
    for first, end, rows in groups:
        total += np.dot(left[first:end, :rows].reshape(-1, left.shape[2]).T,
                        right[first:end, :rows].reshape(-1, right.shape[2]))
    return total


def back_project(d_projected, matrix_t, groups):
    """d_projected (time, batch, g) @ matrix_t for the rows each group runs; zeros for the rows no step runs."""
    timesteps, batch, gated = d_projected.shape
    out = np.zeros((timesteps, batch, matrix_t.shape[1]), dtype=np.result_type(d_projected, matrix_t))
    for first, end, rows in groups:
        out[first:end, :rows] = np.dot(d_projected[first:end, :rows].reshape(-1, gated),
                                       matrix_t).reshape(end - first, rows, -1)
    return out

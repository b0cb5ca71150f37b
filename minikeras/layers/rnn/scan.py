"""The one loop every recurrent layer runs: a cell's step over time, with masks and go_backwards (Keras semantics)."""
import autograd.numpy as anp


def scan(step, inputs, initial_states, output_of, mask=None, go_backwards=False, zero_output_for_mask=False):
    """Run `step(x_t, states) -> (output, states)` over the time axis (axis 1) of `inputs`.

    Returns (outputs stacked in the order the steps ran, last output, final states). Where `mask`
    (batch, time) is False the states pass through unchanged and the output repeats the previous
    one (zeros instead with `zero_output_for_mask`, as Bidirectional asks).
    """
    timesteps = inputs.shape[1]
    order = range(timesteps - 1, -1, -1) if go_backwards else range(timesteps)
    states, outputs = initial_states, []
    for t in order:
        output, new_states = step(inputs[:, t], states)
        if mask is not None:
            keep = mask[:, t].reshape((-1,) + (1,) * (anp.ndim(output) - 1))   # ConvLSTM's outputs are frames
            previous = anp.zeros_like(output) if zero_output_for_mask else output_of(states)
            output = anp.where(keep, output, previous)
            new_states = _where_nested(keep, new_states, states)
        outputs.append(output)
        states = new_states
    return _stack_steps(outputs), outputs[-1], states


def _stack_steps(outputs):
    """anp.stack(outputs, axis=1) whose gradient is one split: autograd's own stack adds each step's gradient
    into a full-size array with np.add.at, slow once the steps are frames."""
    return anp.concatenate([anp.reshape(o, o.shape[:1] + (1,) + o.shape[1:]) for o in outputs], axis=1)


def _where_nested(keep, new, old):
    if isinstance(new, (list, tuple)):
        return [_where_nested(keep, n, o) for n, o in zip(new, old)]
    return anp.where(keep, new, old)

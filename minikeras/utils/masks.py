"""See the masks: which time steps each layer of a model ignores, for one batch of inputs."""
import numpy as np


def layer_masks(model, x):
    """{layer name: {"input_mask": ..., "output_mask": ...}} for `x`, in the order the layers run.

    A mask is a boolean array (True = a real step, False = ignored), a list of them for layers with
    several inputs, or None where no mask reaches or leaves the layer.
    """
    inputs = model._prepare_inputs(x, "layer_masks") if hasattr(model, "_prepare_inputs") else x
    collected = {}
    model.apply(model.params, inputs if len(model.inputs) > 1 else inputs[0], masks=collected,
                state=model.get_states() if model.stateful else None)
    return {name: {k: _plain(v) for k, v in entry.items()} for name, entry in collected.items()}


def _plain(mask):
    if mask is None:
        return None
    if isinstance(mask, (list, tuple)):
        return [_plain(m) for m in mask]
    return np.asarray(mask, dtype=bool)


def show_masks(model, x, sample=0, print_fn=print):
    """Print, for one sample of `x`, each layer's incoming and outgoing mask as a row of steps.

    `■` is a step the layer uses, `·` a step it ignores, `-` means no mask; so a notebook shows exactly
    where padding stops mattering (e.g. after an LSTM without return_sequences, the mask is gone).
    """
    masks = layer_masks(model, x)
    width = max([len(name) for name in masks] + [5])
    print_fn(f"{'layer':<{width}}  {'mask in':<24}  mask out")
    for name, entry in masks.items():
        print_fn(f"{name:<{width}}  {_row(entry['input_mask'], sample):<24}  {_row(entry['output_mask'], sample)}")
    return masks


def _row(mask, sample):
    if mask is None:
        return "-"
    if isinstance(mask, list):
        return " | ".join(_row(m, sample) for m in mask)
    steps = np.asarray(mask)[sample].reshape(-1)
    return "".join("■" if keep else "·" for keep in steps)

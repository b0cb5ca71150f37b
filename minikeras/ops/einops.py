"""keras.ops.rearrange (Keras's keras.src.ops.einops): einops-style axis patterns, one reshape, one transpose and
one more reshape."""
import re

import autograd.numpy as anp

from ._tensor import as_array, names_errors
from .symbolic import keras_op

__all__ = ["rearrange"]

_TOKEN = re.compile(r"\(|\)|[A-Za-z_][A-Za-z0-9_]*|1")


def _groups(side, op="rearrange"):
    """'b (h w) c' -> [['b'], ['h', 'w'], ['c']]: each output axis as the elementary axes it is made of."""
    groups, current = [], None
    for token in _TOKEN.findall(side):
        if token == "(":
            if current is not None:
                raise ValueError(f"ops.{op}: nested parentheses in {side!r}.")
            current = []
        elif token == ")":
            if current is None:
                raise ValueError(f"ops.{op}: unbalanced parentheses in {side!r}.")
            groups.append(current)
            current = None
        else:
            name = [] if token == "1" else [token]
            (current.extend(name) if current is not None else groups.append(name))
    if current is not None:
        raise ValueError(f"ops.{op}: unbalanced parentheses in {side!r}.")
    return groups


def _elementary_lengths(shape, groups, axes_lengths):
    """The length of every elementary axis of the left side, each group's unknown one inferred from its size."""
    lengths = dict(axes_lengths)
    for size, group in zip(shape, groups):
        unknown = [name for name in group if name not in lengths]
        known = int(anp.prod([lengths[name] for name in group if name in lengths]))
        if len(unknown) > 1:
            raise ValueError(f"ops.rearrange: cannot infer the lengths of {unknown} in a group of size {size}; "
                             f"give them as keyword arguments.")
        if unknown:
            lengths[unknown[0]] = size // known
        if int(anp.prod([lengths[name] for name in group])) != size:
            raise ValueError(f"ops.rearrange: an axis of size {size} cannot be split as {group} with lengths "
                             f"{ {name: lengths[name] for name in group} }.")
    return lengths


@keras_op
@names_errors
def rearrange(tensor, pattern, **axes_lengths):
    """Reorder, merge and split axes by an einops pattern: 'b h w c -> b c h w', 'b h w c -> b (h w) c',
    'b (h w) c -> b h w c' with h=... given."""
    tensor = as_array(tensor, "rearrange")
    if pattern.count("->") != 1:
        raise ValueError(f"ops.rearrange: the pattern needs one '->', got {pattern!r}.")
    left, right = (_groups(side) for side in pattern.split("->"))
    if len(left) != tensor.ndim:
        raise ValueError(f"ops.rearrange: the left side of {pattern!r} names {len(left)} axes, the input has "
                         f"{tensor.ndim} (shape {tensor.shape}).")
    left_names = [name for group in left for name in group]
    right_names = [name for group in right for name in group]
    if sorted(left_names) != sorted(right_names):
        raise ValueError(f"ops.rearrange: both sides of {pattern!r} must name the same axes, got {left_names} and "
                         f"{right_names}.")
    lengths = _elementary_lengths(tensor.shape, left, axes_lengths)
    elementary = anp.reshape(tensor, [lengths[name] for name in left_names])
    moved = anp.transpose(elementary, [left_names.index(name) for name in right_names])
    return anp.reshape(moved, [int(anp.prod([lengths[name] for name in group])) for group in right])

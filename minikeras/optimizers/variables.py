"""The optimizer's variables as Keras 3 lists them: iteration, learning_rate, then the slots in Keras's order.

Keras 3 creates `iteration`, `learning_rate`, the EMA averages (with use_ema), the gradient accumulators (with
gradient_accumulation_steps), then the slots. Slots of one
group are interleaved per weight (Adam: kernel momentum, kernel velocity, bias momentum, ...); later groups
follow as blocks (RMSprop: every velocity, then every momentum). The groups were read off real Keras 3 files
(tests/fixtures/saving/facts.json). This order is what `optimizer.variables` shows and what `.keras` files
store under optimizer/vars.
"""
import numpy as np

from ..params import flatten_params, unflatten_like

_SLOT_GROUPS = {
    "Adam": [["momentum", "velocity"], ["velocity_hat"]],
    "AdamW": [["momentum", "velocity"], ["velocity_hat"]],
    "Nadam": [["momentum", "velocity"]],
    "Adamax": [["m", "u"]],
    "Adadelta": [["accumulated_grad", "accumulated_delta_var"]],
    "Adagrad": [["accumulator"]],
    "RMSprop": [["velocity"], ["momentum"], ["average_gradient"]],
    "SGD": [["momentum"]],
    "Lion": [["momentum"]],
}
_GLOBALS_AFTER_SLOTS = {"Nadam": ["u_product"]}


def slot_order(optimizer, slot_names):
    """The slot names in groups, in the order Keras 3 creates them (the EMA average first)."""
    groups = [["average"], ["gradient_accumulator"]] + _SLOT_GROUPS.get(type(optimizer).__name__, [list(slot_names)])
    ordered = [[s for s in group if s in slot_names] for group in groups]
    ordered = [g for g in ordered if g]
    missing = [s for s in slot_names if not any(s in g for g in ordered)]
    return ordered + ([missing] if missing else [])


def flat_variables(optimizer, state, with_learning_rate=True):
    """The flat list of arrays Keras 3 shows as optimizer.variables: iteration, learning_rate, slots, globals."""
    values = [np.asarray(state["iterations"], dtype="int32")]
    if with_learning_rate:
        rate = optimizer.current_learning_rate(optimizer.effective_steps(state["iterations"]))
        values.append(np.asarray(rate, dtype="float32"))
    slot_leaves = {name: flatten_params(tree) for name, tree in state["slots"].items()}
    count = len(next(iter(slot_leaves.values()))) if slot_leaves else 0
    for group in slot_order(optimizer, list(slot_leaves)):
        for i in range(count):
            values.extend(np.asarray(slot_leaves[name][i]) for name in group)
    for name in _GLOBALS_AFTER_SLOTS.get(type(optimizer).__name__, []):
        if name in state:
            values.append(np.asarray(state[name], dtype="float32"))
    return values


def state_from_flat(optimizer, template, values, source, with_learning_rate=True):
    """An optimizer state shaped like `template` (optimizer.init of the weights) from Keras's flat list.

    The learning rate in the list is read (not applied): it is the optimizer's own setting."""
    slot_names = list(template["slots"])
    expected = flat_variables(optimizer, template, with_learning_rate)
    if len(values) != len(expected):
        raise ValueError(f"{source}: the optimizer ({type(optimizer).__name__}) has {len(expected)} variables for "
                         f"these weights, got {len(values)}.")
    for i, (want, got) in enumerate(zip(expected, values)):
        if np.shape(want) != np.shape(got):
            raise ValueError(f"{source}: optimizer variable {i} has shape {np.shape(got)}, "
                             f"the optimizer needs {np.shape(want)}.")
    leaves = {name: [None] * len(flatten_params(template["slots"][name])) for name in slot_names}
    position = 2 if with_learning_rate else 1
    for group in slot_order(optimizer, slot_names):
        for i in range(len(leaves[group[0]])):
            for name in group:
                like = flatten_params(template["slots"][name])[i]
                leaves[name][i] = np.array(values[position], dtype=np.asarray(like).dtype)
                position += 1
    state = dict(template)
    state["iterations"] = int(np.asarray(values[0]))
    state["slots"] = {name: unflatten_like(template["slots"][name], leaves[name]) for name in slot_names}
    for name in _GLOBALS_AFTER_SLOTS.get(type(optimizer).__name__, []):
        if name in template:
            state[name] = float(np.asarray(values[position]))
            position += 1
    return state

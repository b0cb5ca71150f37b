"""The (x, y, sample_weight) tuples a PyDataset or generator yields: packed and unpacked as Keras's utilities do,
and the test for a symbolic tensor."""


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """(x,), (x, y) or (x, y, sample_weight), leaving out what is None at the end; a lone list or tuple x is kept
    whole as the first element."""
    if y is None:
        return x if not isinstance(x, (list, tuple)) else (x,)
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def unpack_x_y_sample_weight(data):
    """(x, y, sample_weight) from a tuple of one to three elements (the missing ones None), or (data, None, None)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if not 1 <= len(data) <= 3:
        raise ValueError(f"unpack_x_y_sample_weight: expected (x,), (x, y) or (x, y, sample_weight), got a tuple of "
                         f"{len(data)}.")
    return tuple(data) + (None,) * (3 - len(data))


def is_keras_tensor(x):
    """Whether x is a symbolic tensor (from Input(...) or a layer called on one), not an array of values."""
    from ..layers.node import KerasTensor
    return isinstance(x, KerasTensor)

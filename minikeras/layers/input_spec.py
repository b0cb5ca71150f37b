"""InputSpec: what a layer accepts (rank, sizes of given axes, dtype), checked when the layer is called."""


class InputSpec:
    """Keras's InputSpec: set `self.input_spec = InputSpec(ndim=3)` (or a list, one per input) in a layer, and
    calls with inputs that do not fit are refused with an error naming the layer."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim, self.min_ndim = max_ndim, min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def problem_with(self, shape):
        """What is wrong with an input of `shape` (batch axis included), or None when it fits."""
        rank = len(shape)
        if self.ndim is not None and rank != self.ndim:
            return f"expected {self.ndim} dimensions, got {rank} (shape {tuple(shape)})"
        if self.max_ndim is not None and rank > self.max_ndim:
            return f"expected at most {self.max_ndim} dimensions, got {rank} (shape {tuple(shape)})"
        if self.min_ndim is not None and rank < self.min_ndim:
            return f"expected at least {self.min_ndim} dimensions, got {rank} (shape {tuple(shape)})"
        for axis, size in self.axes.items():
            got = shape[axis] if -rank <= axis < rank else None
            if size is not None and got is not None and got != size:
                return f"expected axis {axis} to have size {size}, got shape {tuple(shape)}"
        if self.shape is not None:
            for want, got in zip(self.shape, shape):
                if None not in (want, got) and want != got:
                    return f"expected shape {self.shape}, got {tuple(shape)}"
        return None

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes}

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in self.get_config().items() if v not in (None, {})]
        return f"InputSpec({', '.join(parts)})"


def check_input_spec(layer, input_shape):
    """Raise a ValueError naming `layer` when `input_shape` does not fit its input_spec (if it has one)."""
    spec = layer.__dict__.get("input_spec")
    if spec is None:
        return
    specs = spec if isinstance(spec, (list, tuple)) else [spec]
    shapes = input_shape if isinstance(input_shape, list) else [input_shape]
    for index, (one_spec, shape) in enumerate(zip(specs, shapes)):
        problem = one_spec.problem_with(shape) if one_spec is not None else None
        if problem:
            which = f"input {index}" if len(specs) > 1 else "its input"
            raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) is incompatible with {which}: {problem}.")

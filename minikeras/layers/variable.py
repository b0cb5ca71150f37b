"""Weight handles (what `add_weight` returns) and the context of a pure call that binds them to traced values.

A layer written Keras-style reads its weights through handles: `inputs @ self.w + self.b`. To keep the model one
pure function, each handle reads, during a pure call, the value taken from the params being traced (which may be
an autograd box), and outside any call the layer's current params. The handle subclasses autograd's ArrayBox for
one reason: autograd only traces arguments whose type it knows as a box, so a handle standing in for the traced
box (same trace, same node) lets `anp.dot(x, self.w)` and `x @ self.w` reach the gradient. Arithmetic on a handle
first reads its value, so an unbound handle is just an array.
"""
import contextlib
import operator

import numpy as np
from autograd.numpy.numpy_boxes import ArrayBox
from autograd.tracer import getval, isbox

_calls = []          # the stack of active pure calls (CallContext), innermost last


class CallContext:
    """One pure call of a Keras-style layer: which params each (sub)layer reads, training, rng, what it records."""

    def __init__(self, training, rng):
        self.training = training
        self.rng = rng
        self.layer_params = {}       # id(layer) -> its params in this call
        self.layer_paths = {}        # id(layer) -> path of its params below the root's
        self.variable_paths = {}     # id(handle) -> path of its value below the root's
        self.updates = {}            # path -> new value of a weight (assign in call, moving statistics)
        self.added_losses = []       # add_loss values, in the order they were added
        self.bound_handles = []      # the handles bound for this call, unbound when it ends

    def record_update(self, path, value):
        self.updates[path] = value

    def nested_updates(self):
        """The recorded weight updates as a nested dict shaped like (a part of) the root's params."""
        nested = {}
        for path, value in self.updates.items():
            node = nested
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = value
        return nested


def current_call():
    """The innermost active pure call, or None outside of one."""
    return _calls[-1] if _calls else None


@contextlib.contextmanager
def entered(context):
    _calls.append(context)
    try:
        yield context
    finally:
        _calls.pop()


def read_values(value):
    """`value` with weight handles (also inside lists and tuples) replaced by the values they read now."""
    if isinstance(value, Variable):
        return value.value
    if isinstance(value, (list, tuple)) and any(isinstance(v, Variable) for v in value):
        return type(value)(read_values(v) for v in value)
    return value


def _binary(op):
    return lambda self, other: op(self.value, read_values(other))


def _reflected(op):
    return lambda self, other: op(read_values(other), self.value)


class Variable(ArrayBox):
    """A layer's weight: reads like an array, `assign`s like a Keras variable. See the module docstring for why."""

    __array_priority__ = 200.0

    def __init__(self, layer, key, shape, dtype, trainable=True, regularizer=None, constraint=None, name=None):
        self.layer = layer
        self.key = key
        self._shape = tuple(shape)
        self._dtype = np.dtype(dtype)
        self.trainable = bool(trainable)
        self.regularizer = regularizer
        self.constraint = constraint
        self.name = name or key
        self._bound = []          # the values of the pure calls this handle is bound to, innermost last

    # ---- the value: the traced one inside a pure call, the layer's current one outside ------------------
    @property
    def value(self):
        if self._bound:
            return self._bound[-1]
        return self.layer._read_weight(self.key)

    @property
    def _value(self):
        value = self.value
        return value._value if isbox(value) else value

    @property
    def _trace(self):
        value = self.value
        return value._trace if isbox(value) else -2     # -2: below every trace, so autograd treats it as a constant

    @property
    def _node(self):
        value = self.value
        return value._node if isbox(value) else None

    def numpy(self):
        """The current value as a numpy array (a copy)."""
        return np.array(getval(self.value))

    def __array__(self, dtype=None, copy=None):
        return np.asarray(getval(self.value), dtype=dtype)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return getattr(ufunc, method)(*[read_values(x) for x in inputs], **kwargs)

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def ndim(self):
        return len(self._shape)

    @property
    def path(self):
        keys = self.key if isinstance(self.key, tuple) else (self.name,)
        return "/".join((self.layer.name,) + keys)

    # ---- changing the value ----------------------------------------------------------------------
    def assign(self, value):
        """Set the weight to `value`. Inside a pure call the change is recorded and comes back as an update
        (the function stays pure); outside, the layer's weight changes now."""
        value = read_values(value)
        if np.shape(value) != self._shape:
            raise ValueError(f"Weight '{self.path}' has shape {self._shape}; assign() got shape {np.shape(value)}.")
        context = current_call()
        if self._bound and context is not None and id(self) in context.variable_paths:
            self._bound[-1] = value
            context.record_update(context.variable_paths[id(self)], value)
        else:
            self.layer._write_weight(self.key, np.array(getval(value), dtype=self._dtype))
        return self

    def assign_add(self, delta):
        """assign(value + delta)."""
        return self.assign(self.value + read_values(delta))

    def assign_sub(self, delta):
        """assign(value - delta)."""
        return self.assign(self.value - read_values(delta))

    # ---- arithmetic reads the value first (bound or not) -----------------------------------------------
    __add__, __sub__, __mul__ = _binary(operator.add), _binary(operator.sub), _binary(operator.mul)
    __truediv__, __matmul__, __pow__ = _binary(operator.truediv), _binary(operator.matmul), _binary(operator.pow)
    __mod__, __floordiv__ = _binary(operator.mod), _binary(operator.floordiv)
    __radd__, __rsub__, __rmul__ = _reflected(operator.add), _reflected(operator.sub), _reflected(operator.mul)
    __rtruediv__, __rmatmul__ = _reflected(operator.truediv), _reflected(operator.matmul)
    __rpow__, __rmod__ = _reflected(operator.pow), _reflected(operator.mod)
    __lt__, __le__, __gt__, __ge__ = (_binary(operator.lt), _binary(operator.le), _binary(operator.gt),
                                      _binary(operator.ge))
    __eq__, __ne__ = _binary(operator.eq), _binary(operator.ne)
    __hash__ = object.__hash__

    def __neg__(self):
        return -self.value

    def __abs__(self):
        return abs(self.value)

    def __getitem__(self, index):
        return self.value[index]

    def __len__(self):
        return self._shape[0]

    def __float__(self):
        return float(getval(self.value))

    def __int__(self):
        return int(getval(self.value))

    def __bool__(self):
        return bool(getval(self.value))

    @property
    def T(self):
        return self.value.T

    def astype(self, dtype):
        return self.value.astype(dtype)

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self._shape}, dtype={self._dtype.name}>"

    __str__ = __repr__

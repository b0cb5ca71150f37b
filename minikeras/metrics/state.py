"""A metric's running state as Keras 3 lets metric writers hold it: `self.add_variable(...)` returns a
MetricVariable (an array with assign / assign_add / assign_sub), and `metric.variables` finds them all,
also inside lists, dicts and sub-metrics, in the order they were set."""
import numpy as np


class MetricVariable(np.lib.mixins.NDArrayOperatorsMixin):
    """One piece of a metric's state: reads like an array (arithmetic, numpy functions), changes by assign."""

    def __init__(self, value, name=None):
        self._value = np.array(value)
        self.name = name

    @property
    def value(self):
        return self._value

    @property
    def shape(self):
        return self._value.shape

    @property
    def dtype(self):
        return self._value.dtype

    def numpy(self):
        return self._value.copy()

    def assign(self, value):
        new = np.asarray(value)
        if new.shape != self._value.shape and new.size != self._value.size:
            raise ValueError(f"Metric variable '{self.name}' has shape {self._value.shape}, cannot assign a value "
                             f"of shape {new.shape}.")
        self._value = new.astype(self._value.dtype).reshape(self._value.shape)
        return self

    def assign_add(self, value):
        return self.assign(self._value + np.asarray(value))

    def assign_sub(self, value):
        return self.assign(self._value - np.asarray(value))

    def __array__(self, dtype=None, copy=None):
        return self._value if dtype is None else self._value.astype(dtype)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = [x._value if isinstance(x, MetricVariable) else x for x in inputs]
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __float__(self):
        return float(self._value)

    def __int__(self):
        return int(self._value)

    def __repr__(self):
        return f"<MetricVariable name={self.name!r} shape={self.shape} dtype={self.dtype.name} value={self._value}>"


def _is_variable(value):
    return isinstance(value, MetricVariable) or (hasattr(value, "assign") and hasattr(value, "numpy"))


def collect_variables(value, is_metric, seen):
    """The variables in `value` (a variable, a metric, or lists/tuples/dicts of them), depth first."""
    if id(value) in seen:
        return []
    if _is_variable(value):
        seen.add(id(value))
        return [value]
    if is_metric(value):
        seen.add(id(value))
        return collect_variables(list(vars(value).values()), is_metric, seen)
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in collect_variables(item, is_metric, seen)]
    if isinstance(value, dict):
        return [v for item in value.values() for v in collect_variables(item, is_metric, seen)]
    return []

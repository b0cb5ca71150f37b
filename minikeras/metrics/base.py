"""The Metric base class, Sum, Mean and MeanMetricWrapper: running (weighted) means accumulated as Keras 3 does."""
import numpy as np
from autograd.tracer import getval

from .. import backend, losses
from .._naming import snake_case
from .state import MetricVariable, collect_variables

_squeeze_or_expand = losses.squeeze_or_expand_to_same_rank


class Metric:
    """Base class: update_state accumulates, result() reads, reset_state() starts over."""

    state_names = ()   # the attributes holding the running state, in Keras's order of the metric's variables

    def __init__(self, name=None, dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self._metric_dtype = np.dtype(getattr(dtype, "name", dtype) if dtype is not None else backend.floatx()).name

    @property
    def dtype(self):
        """The float type the metric computes in (floatx by default); read-only, as in Keras."""
        return self._metric_dtype

    @property
    def _dtype(self):   # Keras's private name for the dtype, which code ported from Keras reads
        return self.dtype

    def add_variable(self, shape=(), initializer="zeros", dtype=None, aggregation="sum", name=None):
        """A new piece of running state (Keras 3's way to write a metric): set it as an attribute, change it
        with `assign` / `assign_add` in update_state. `aggregation` is accepted (one device here)."""
        from .. import initializers
        value = initializers.get(initializer)(tuple(shape), dtype=dtype or self.dtype)
        return MetricVariable(value, name=name)

    def add_weight(self, name=None, shape=(), initializer="zeros", dtype=None, aggregation="sum"):
        """Keras 2's spelling of add_variable."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, aggregation=aggregation,
                                 name=name)

    @property
    def variables(self):
        """The metric's running state, as Keras lists its variables: the ones made by add_variable (also in
        lists, dicts and sub-metrics), or for the built-in metrics their state as arrays (Mean: total, count)."""
        found = collect_variables(list(vars(self).values()), lambda v: isinstance(v, Metric), {id(self)})
        if found:
            return found
        return [np.asarray(getattr(self, name), dtype=self.dtype) for name in self.state_names]

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result")

    def reset_state(self):
        """Every variable back to zeros (override when the start is something else)."""
        found = collect_variables(list(vars(self).values()), lambda v: isinstance(v, Metric), {id(self)})
        if not found:
            raise NotImplementedError(f"{type(self).__name__} must implement reset_state")
        for variable in found:
            variable.assign(np.zeros(np.shape(variable)))

    def reset_states(self):
        """The Keras 1/2 spelling of reset_state()."""
        self.reset_state()

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


def _reduce_trailing(values, first_axis, reduce=np.mean):
    return reduce(values, axis=tuple(range(first_axis, values.ndim))) if values.ndim > first_axis else values


def per_sample_values(values, sample_weight=None, values_mask=None, reduce=np.mean):
    """Keras's reduction of metric values to one (weighted) value per sample, and the per-sample weights:
    values beyond the weights' axes are reduced first (so a (batch,) weight weighs a sample's mean), and
    weights beyond the batch axis are averaged."""
    # getval: a metric updated inside a traced loss (an overridden compute_loss) gets the traced values
    values = np.asarray(getval(values), dtype=np.float64)
    if sample_weight is not None:
        sample_weight = np.asarray(getval(sample_weight), dtype=np.float64)
        sample_weight = losses.mask_to_weights(sample_weight, values_mask, np.float64, "sum", "Metric")
        values, sample_weight = _squeeze_or_expand(values, sample_weight)
        values = _reduce_trailing(values, sample_weight.ndim, reduce)
        sample_weight = np.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        sample_weight = _reduce_trailing(sample_weight, 1, reduce)
    return _reduce_trailing(values, 1, reduce), sample_weight


class Sum(Metric):
    """The (weighted) sum of everything passed to update_state since the last reset."""

    state_names = ("total",)

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def update_state(self, values, sample_weight=None):
        values, _ = per_sample_values(values, sample_weight, reduce=np.sum)
        self.total += float(np.sum(values))

    def reset_state(self):
        self.total = 0.0

    def result(self):
        return self.total


class Mean(Metric):
    """The weighted mean of everything passed to update_state since the last reset."""

    state_names = ("total", "count")

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def update_state(self, values, sample_weight=None, values_mask=None):
        values, sample_weight = per_sample_values(values, sample_weight, values_mask)
        self.total += float(np.sum(values))
        if sample_weight is not None:
            self.count += float(np.sum(sample_weight))
        else:
            self.count += values.shape[0] if values.ndim >= 1 else 1

    def reset_state(self):
        self.total, self.count = 0.0, 0.0

    def result(self):
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """The running mean of `fn(y_true, y_pred, **kwargs)`: how every metric function becomes a metric."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or _snake_case_name(fn), dtype=dtype)
        self.fn, self.fn_kwargs = fn, kwargs

    def values_and_mask(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self.fn_kwargs), None

    @classmethod
    def from_config(cls, config):
        """Keras 2 saved a wrapped metric as {"name": "mae", "fn": "mean_absolute_error"}: the function by name."""
        config = dict(config)
        if cls is not MeanMetricWrapper:
            return cls(**config)
        fn = config.pop("fn", None)
        if isinstance(fn, dict):   # Keras 3 writes the function as its serialized entry
            from ..custom_objects import get_registered_object
            name = fn.get("config")
            fn = get_registered_object(fn.get("registered_name")) or get_registered_object(name) or name
        if isinstance(fn, str):
            fn = _metric_function(fn)
        return cls(fn, **config)

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        values, values_mask = self.values_and_mask(np.asarray(y_true), np.asarray(y_pred))
        sample_weight = losses.mask_to_weights(sample_weight, mask, np.float64, "sum", f"Metric '{self.name}'")
        super().update_state(values, sample_weight, values_mask)

    unsaved_arguments = ()   # arguments Keras 3's get_config leaves out (CosineSimilarity's axis)

    def get_config(self):
        saved = {k: v for k, v in self.fn_kwargs.items() if k not in self.unsaved_arguments}
        if type(self) is MeanMetricWrapper:   # Keras 3 saves the wrapped function itself (its classes do not)
            saved["fn"] = _function_entry(self.fn)
        return {**super().get_config(), **saved}


def _function_entry(fn):
    from .._naming import function_config
    from ..custom_objects import get_registered_name
    return {**function_config(fn), "registered_name": get_registered_name(fn)}


def _metric_function(name):
    from . import functions
    found = getattr(functions, name, None)
    if not callable(found):
        found = losses.deserialize(name)
    if not callable(found) or isinstance(found, type):
        raise ValueError(f"MeanMetricWrapper: unknown metric function {name!r}.")
    return found


def _snake_case_name(fn):
    return getattr(fn, "name", None) or snake_case(getattr(fn, "__name__", type(fn).__name__))


def _metric_class(class_name, fn, default_name, arguments=(), doc=None, unsaved=()):
    """A metric class like Keras's: `class_name(name=default_name, dtype=None, *arguments)` over `fn`."""
    def __init__(self, name=default_name, dtype=None, **kwargs):
        options = dict(arguments)
        unknown = [k for k in kwargs if k not in options]
        if unknown:
            raise TypeError(f"{class_name}() got unexpected argument(s) {unknown}; "
                            f"it takes {['name', 'dtype'] + list(options)}.")
        options.update(kwargs)
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **options)
        for key, value in options.items():
            setattr(self, key, value)

    # __module__ and __qualname__: where the API reference (and a reader) finds the class and its signature
    __init__.__module__, __init__.__qualname__ = "minikeras.metrics", f"{class_name}.__init__"
    return type(class_name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc or fn.__doc__,
                                                   "unsaved_arguments": tuple(unsaved),
                                                   "__module__": "minikeras.metrics"})

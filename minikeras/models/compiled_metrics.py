"""The running metrics of one fit/evaluate/*_on_batch run: the compiled metrics of each output and, when a model has
several losses, the mean of each; logged under Keras 3's names and in its order."""
import inspect

import numpy as np
from autograd.tracer import getval


class CompiledMetric:
    """A metric as compile() set it up: whether it takes the sample weights, its name as given (`raw_name`) and
    the name it logs under (`name`, with the output's prefix and any `weighted_` or `_1`)."""

    __slots__ = ("metric", "weighted", "raw_name", "prefix", "name", "takes_mask")

    def __init__(self, metric, spec, weighted, prefix):
        self.metric, self.weighted, self.prefix = metric, weighted, prefix
        self.raw_name = spec if isinstance(spec, str) else metric.name
        self.name = self.raw_name
        # a Metric of the user's, written as Keras's guide writes one (update_state(y_true, y_pred,
        # sample_weight=None)), is not given the mask: Keras's own metrics read it, custom ones never see it
        self.takes_mask = _accepts_mask(metric.update_state)

    def update_state(self, y, out, sample_weight=None, mask=None):
        # Keras 3: sample weights reach only weighted_metrics; the mask reaches both kinds
        sample_weight = sample_weight if self.weighted else None
        if self.takes_mask:
            self.metric.update_state(y, out, sample_weight=sample_weight, mask=mask)
        else:
            self.metric.update_state(y, out, sample_weight=sample_weight)

    def result(self):
        return self.metric.result()

    def reset_state(self):
        self.metric.reset_state()


def _accepts_mask(method):
    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "mask" or p.kind is p.VAR_KEYWORD for p in parameters)


class LossMean:
    """The mean of one compiled loss (before its weight) over the batches seen, weighted by batch size."""

    def __init__(self, compiled_loss):
        self.compiled_loss = compiled_loss
        self.name = f"{compiled_loss.name}_loss"
        self.total, self.count = 0.0, 0

    def update_state(self, ys, outputs, masks, sample_weights):
        value = self.compiled_loss.value(ys, [getval(o) for o in outputs], masks, sample_weights)
        batch = len(ys[0])
        self.total += float(getval(value)) * batch
        self.count += batch

    def result(self):
        return self.total / max(self.count, 1)


class CompiledMetrics:
    """Per output, its metrics (a list of CompiledMetric); and a LossMean per loss when there is more than one."""

    def __init__(self, groups, loss_means, trackers=(), only_trackers=False):
        self.groups, self.loss_means = groups, loss_means
        self.trackers, self.only_trackers = list(trackers), only_trackers
        _name_as_keras(groups)

    def update_state(self, ys, outputs, masks, sample_weights):
        for i, group in enumerate(self.groups):
            sw = None if sample_weights is None else sample_weights[i]
            for metric in group:
                metric.update_state(ys[i], outputs[i], sample_weight=sw, mask=masks[i])
        for mean in self.loss_means:
            mean.update_state(ys, outputs, masks, sample_weights)

    def logs(self, loss):
        """{"loss": loss, name: value, ...} in Keras 3's order (the order of evaluate()'s list): the loss, the
        metrics logged under their own names, the per-loss means, then the rest by name."""
        if self.only_trackers:       # the model's own `metrics` list: Keras logs those, not even the loss
            return {m.name: _logged(m.result()) for m in self.trackers}
        values = {m.name: _logged(m.result()) for group in self.groups for m in group}
        values.update({mean.name: float(mean.result()) for mean in self.loss_means})
        first = [m.raw_name for weighted in (False, True) for group in self.groups for m in group
                 if m.weighted == weighted] + [mean.name for mean in self.loss_means]
        ordered = {"loss": loss}
        for name in first:
            if name in values and name not in ordered:
                ordered[name] = values[name]
        for name in sorted(values):
            ordered.setdefault(name, values[name])
        for tracker in self.trackers:
            ordered.setdefault(tracker.name, _logged(tracker.result()))
        return ordered


def _name_as_keras(groups):
    """Keras 3's log names: `<output>_<metric>`, a repeated name gets `_1`, `_2`; a weighted metric whose name is
    taken becomes `<output>_weighted_<metric>`."""
    taken = {}

    def unique(name):
        if name not in taken:
            taken[name] = 1
            return name
        index = taken[name]
        taken[name] += 1
        return f"{name}_{index}"

    def prefixed(metric, name):
        return f"{metric.prefix}_{name}" if metric.prefix else name

    for metric in (m for group in groups for m in group if not m.weighted):
        metric.name = unique(prefixed(metric, metric.raw_name))
    for metric in (m for group in groups for m in group if m.weighted):
        name = prefixed(metric, metric.raw_name)
        metric.name = unique(name) if name not in taken else unique(prefixed(metric, "weighted_" + metric.raw_name))


def _logged(result):
    """A metric's result as logs hold it: a float, or an array for a metric of several values (F1Score with
    average=None gives one score per class), as in Keras 3."""
    values = np.asarray(result)
    return float(values.reshape(-1)[0]) if values.size == 1 else values


class LossTracker:
    """The running mean of the loss over an epoch, weighted by batch size (as Keras reports it)."""

    def __init__(self):
        self.total, self.count = 0.0, 0

    def update(self, value, batch_size):
        self.total += value * batch_size
        self.count += batch_size

    def result(self):
        return self.total / max(self.count, 1)


class LossTrackerView:
    """model.metrics' 'loss' entry: the loss's running mean in the latest fit or evaluate (Keras's loss tracker)."""

    name = "loss"

    def __init__(self, model):
        self._model = model

    def result(self):
        tracker = getattr(self._model, "_loss_tracker", None)
        return 0.0 if tracker is None else float(tracker.result())

    def __repr__(self):
        return "<Mean name=loss>"


class CompileMetricsView:
    """model.metrics' 'compile_metrics' entry: the compiled metrics of the latest run, their result a dict by name."""

    name = "compile_metrics"

    def __init__(self, model):
        self._model = model

    def result(self):
        compiled = getattr(self._model, "_last_metrics", None)
        groups = compiled.groups if compiled is not None else []
        return {metric.name: _logged(metric.result()) for group in groups for metric in group}

    def __repr__(self):
        return "<CompileMetrics name=compile_metrics>"

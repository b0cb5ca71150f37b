"""Callbacks that watch one logged value for improvement: EarlyStopping and ReduceLROnPlateau."""
import warnings

from ..metrics.directions import direction
from .base import Callback


def _checked_mode(mode, owner):
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{owner} mode '{mode}' is unknown, fallback to auto mode.", UserWarning, stacklevel=4)
        mode = "auto"
    return mode


def _auto_mode(model, monitor, owner):
    """mode="auto" as Keras 3 resolves it, once the model's metrics exist: a loss goes down, a compiled metric the
    way it improves (its direction); unknown is an error. Unlike Keras 3, per-output names ('val_out_a_loss',
    'out_a_accuracy') are found too."""
    name = monitor[len("val_"):] if monitor.startswith("val_") else monitor
    if name.endswith("loss"):
        return "min"
    compiled = getattr(model, "_last_metrics", None)
    for metric in (m for group in (compiled.groups if compiled else ()) for m in group):
        if metric.name == name:
            found = direction(metric.metric)
            if found is not None:
                return "max" if found == "up" else "min"
    raise ValueError(f"{owner}: cannot tell whether monitor='{monitor}' should go up or down (it is not a loss, "
                     f"nor a built-in metric of the model's compile()); pass mode='min' or mode='max'.")


class _Monitoring(Callback):
    """Shared by callbacks that watch one logged value for improvement."""

    def __init__(self, monitor, mode, min_delta=0.0, baseline=None):
        super().__init__()
        self.monitor, self.min_delta = monitor, abs(min_delta)
        self.mode = _checked_mode(mode, type(self).__name__)
        self._resolved_mode = None if self.mode == "auto" else self.mode
        self.baseline = baseline

    def _direction(self):
        """"min" or "max": the mode, with "auto" resolved at the first epoch's end (the metrics exist then)."""
        if self._resolved_mode is None:
            self._resolved_mode = _auto_mode(self.model, self.monitor, type(self).__name__)
        return self._resolved_mode

    @property
    def monitor_op(self):
        """Keras's comparison of a new value with the best: ops.less (mode "min") or ops.greater ("max")."""
        from .. import ops
        return ops.greater if self._direction() == "max" else ops.less

    def _reset(self):
        self.best = self.baseline       # None: the first value is the best so far

    def _improved(self, value, reference=None):
        """Whether `value` beats `reference` (the best so far by default) by more than min_delta."""
        reference = self.best if reference is None else reference
        if reference is None:
            return True
        if self._direction() == "min":
            return value < reference - self.min_delta
        return value > reference + self.min_delta

    def _current(self, logs):
        self._direction()     # as Keras 3: an unknown direction in mode "auto" is an error even before the value
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(f"{type(self).__name__}: monitored value '{self.monitor}' is not in the logs "
                          f"(available: {sorted(logs or {})}).", UserWarning, stacklevel=3)
        return value


class EarlyStopping(_Monitoring):
    """Stop when `monitor` has not improved for `patience` epochs; optionally restore the best weights."""

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta, baseline)
        self.patience, self.verbose = patience, verbose
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch

    def on_train_begin(self, logs=None):
        # as Keras 3: the best starts unset; the baseline only decides whether an improvement resets the wait
        self.best, self.wait, self.stopped_epoch, self.best_weights, self.best_epoch = None, 0, 0, None, 0

    def on_epoch_end(self, epoch, logs=None):
        value = self._current(logs)
        if value is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._improved(value):
            self.best, self.best_epoch = value, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improved(value, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        # Keras 3 restores the best weights at the end of training, whether or not it stopped early
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class ReduceLROnPlateau(_Monitoring):
    """Multiply the learning rate by `factor` when `monitor` stops improving for `patience` epochs."""

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0, **kwargs):
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be < 1, got {factor}.")
        super().__init__(monitor, mode, kwargs.pop("epsilon", min_delta))
        self.factor, self.patience, self.verbose, self.cooldown, self.min_lr = factor, patience, verbose, cooldown, min_lr

    def on_train_begin(self, logs=None):
        self._reset()
        self.wait, self.cooldown_counter = 0, 0

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:            # Keras 3 logs the rate this epoch trained with, before any reduction
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        value = self._current(logs)
        if value is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(value):
            self.best, self.wait = value, 0
            return
        if self.cooldown_counter > 0:
            return
        self.wait += 1
        old = float(self.model.optimizer.learning_rate)
        if self.wait >= self.patience and old > self.min_lr:
            new = max(old * self.factor, self.min_lr)
            self.model.optimizer.learning_rate = new
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
            self.cooldown_counter, self.wait = self.cooldown, 0

"""Callbacks that watch one logged value for improvement: EarlyStopping and ReduceLROnPlateau."""
import math
import warnings

from .base import Callback


def _monitor_mode(mode, monitor, owner):
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{owner} mode '{mode}' is unknown, fallback to auto mode.", UserWarning, stacklevel=4)
        mode = "auto"
    if mode == "auto":
        mode = "max" if any(w in monitor for w in ("acc", "auc", "precision", "recall")) else "min"
    return mode


class _Monitoring(Callback):
    """Shared by callbacks that watch one logged value for improvement."""

    def __init__(self, monitor, mode, min_delta=0.0, baseline=None):
        super().__init__()
        self.monitor, self.min_delta = monitor, abs(min_delta)
        self.mode = _monitor_mode(mode, monitor, type(self).__name__)
        self.baseline = baseline

    def _reset(self):
        self.best = self.baseline if self.baseline is not None else (math.inf if self.mode == "min" else -math.inf)

    def _improved(self, value, reference=None):
        """Whether `value` beats `reference` (the best so far by default) by more than min_delta."""
        reference = self.best if reference is None else reference
        if reference is None:
            return True
        if self.mode == "min":
            return value < reference - self.min_delta
        return value > reference + self.min_delta

    def _current(self, logs):
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
                print(f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
            self.cooldown_counter, self.wait = self.cooldown, 0

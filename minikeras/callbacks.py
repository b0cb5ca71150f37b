"""Callbacks: hooks fit calls at each batch and epoch — History, progress, early stopping, checkpoints."""
import csv
import math
import warnings

import numpy as np

from .utils.progbar import Progbar


class Callback:
    """Override any of the on_* hooks; `self.model` and `self.params` are set before training starts."""

    def __init__(self):
        self.model, self.params = None, {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None): pass
    def on_train_end(self, logs=None): pass
    def on_epoch_begin(self, epoch, logs=None): pass
    def on_epoch_end(self, epoch, logs=None): pass
    def on_train_batch_begin(self, batch, logs=None): pass
    def on_train_batch_end(self, batch, logs=None): pass
    def on_test_begin(self, logs=None): pass
    def on_test_end(self, logs=None): pass
    def on_test_batch_begin(self, batch, logs=None): pass
    def on_test_batch_end(self, batch, logs=None): pass
    def on_predict_begin(self, logs=None): pass
    def on_predict_end(self, logs=None): pass
    def on_predict_batch_begin(self, batch, logs=None): pass
    def on_predict_batch_end(self, batch, logs=None): pass
    on_batch_begin, on_batch_end = on_train_batch_begin, on_train_batch_end  # Keras 1/2 names


class CallbackList:
    """Calls each hook on every callback in order; adds History (and the progress bar when verbose)."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        self.callbacks = list(callbacks or [])
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(f"fit(callbacks=...) takes Callback objects, got {callback!r}.")
        if add_progbar:
            self.callbacks.insert(0, ProgbarLogger())
        if add_history:
            history = History()
            self.callbacks.append(history)
            if model is not None:
                model.history = history
        self.model = model
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)
        # batch hooks only where someone overrode them: most fits never pay for the calls
        self._batch_callbacks = [c for c in self.callbacks if _overrides_batch_hooks(c)]

    def _call(self, hook, *args):
        for callback in self.callbacks:
            getattr(callback, hook)(*args)

    def on_train_begin(self, logs=None): self._call("on_train_begin", logs)
    def on_train_end(self, logs=None):
        _finalize_optimizer(self.model)
        self._call("on_train_end", logs)
    def on_epoch_begin(self, epoch, logs=None): self._call("on_epoch_begin", epoch, logs)
    def on_epoch_end(self, epoch, logs=None): self._call("on_epoch_end", epoch, logs)
    def on_test_begin(self, logs=None): self._call("on_test_begin", logs)
    def on_test_end(self, logs=None): self._call("on_test_end", logs)
    def on_test_batch_begin(self, batch, logs=None): self._call("on_test_batch_begin", batch, logs)
    def on_test_batch_end(self, batch, logs=None): self._call("on_test_batch_end", batch, logs)
    def on_predict_begin(self, logs=None): self._call("on_predict_begin", logs)
    def on_predict_end(self, logs=None): self._call("on_predict_end", logs)
    def on_predict_batch_begin(self, batch, logs=None): self._call("on_predict_batch_begin", batch, logs)
    def on_predict_batch_end(self, batch, logs=None): self._call("on_predict_batch_end", batch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        for callback in self._batch_callbacks:
            callback.on_train_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        for callback in self._batch_callbacks:
            callback.on_train_batch_end(batch, logs)


def _finalize_optimizer(model):
    """With use_ema, training ends with the weights' moving averages as the weights, as Keras's fit does."""
    optimizer = getattr(model, "optimizer", None)
    state = getattr(model, "_optimizer_state", None)
    if not getattr(optimizer, "use_ema", False) or state is None:
        return
    trainable, _ = model._split_params()
    model._assign_params(optimizer.finalize(trainable, state))


def _overrides_batch_hooks(callback):
    cls = type(callback)
    return any(getattr(cls, hook) is not getattr(Callback, hook) for hook in
               ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")) or \
        isinstance(callback, LambdaCallback)


class History(Callback):
    """Records each epoch's logs: `history.history['loss']` is the list of epoch losses."""

    def on_train_begin(self, logs=None):
        self.epoch, self.history = [], {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)


class ProgbarLogger(Callback):
    """Prints `Epoch 1/10` and Keras 3's progress line for each epoch (verbose=1 bar, verbose=2 one line)."""

    def on_epoch_begin(self, epoch, logs=None):
        verbose, steps = self.params.get("verbose", 1), self.params.get("steps")
        if verbose and self.params.get("epochs", 1) > 1:  # as Keras 3: no header for a single epoch
            print(f"Epoch {epoch + 1}/{self.params.get('epochs', 1)}")
        self.progbar = Progbar(steps, verbose=verbose)

    def on_train_batch_end(self, batch, logs=None):
        self.progbar.update(batch + 1, _display_order(logs), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        self.progbar.update(self.params.get("steps"), _display_order(logs), finalize=True)


def _display_order(logs):
    logs = logs or {}
    names = sorted(k for k in logs if not k.startswith("val_")) + sorted(k for k in logs if k.startswith("val_"))
    return {k: logs[k] for k in names}


def _monitor_mode(mode, monitor, owner):
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{owner}: mode must be 'auto', 'min' or 'max', got {mode!r}.")
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
                          f"(available: {sorted(logs or {})}).", RuntimeWarning, stacklevel=3)
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


class TerminateOnNaN(Callback):
    """Stop training when the loss becomes NaN or inf (fit already refuses to apply such a step).

    raise_error=True raises a RuntimeError at once instead of letting the epoch end gracefully.
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or np.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                               f"Terminating training immediately.")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True


class ModelCheckpoint(_Monitoring):
    """Save the model (or its weights) after each epoch; with save_best_only, only when `monitor` improves.

    `filepath` may hold format fields: 'model-{epoch:02d}-{val_loss:.2f}.keras'.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        if save_freq != "epoch":
            raise ValueError(f"ModelCheckpoint: only save_freq='epoch' is supported, got {save_freq!r}.")
        filepath = str(filepath)
        wanted = ".weights.h5" if save_weights_only else ".keras"
        if save_weights_only and not filepath.endswith(".weights.h5"):
            raise ValueError(f"ModelCheckpoint: with save_weights_only=True the filepath must end in '.weights.h5' "
                             f"(as in Keras 3), got {filepath!r}.")
        if not save_weights_only and not filepath.endswith((".keras", ".h5")):
            raise ValueError(f"ModelCheckpoint: the filepath must end in '{wanted}', got {filepath!r}.")
        self.filepath, self.verbose = filepath, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            value = self._current(logs)
            if value is None or not self._improved(value):
                return
            if self.verbose:
                print(f"Epoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to {value:.5f}, "
                      f"saving model to {path}")
            self.best = value
        elif self.verbose:
            print(f"Epoch {epoch + 1}: saving model to {path}")
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


class LambdaCallback(Callback):
    """A callback from plain functions: LambdaCallback(on_epoch_end=lambda epoch, logs: print(logs['loss'])).

    Every hook can be given (on_train_begin, on_epoch_end, on_train_batch_end, on_test_begin, on_predict_end,
    ...; Keras 1/2's on_batch_begin/on_batch_end mean the train batch hooks); any other keyword becomes an
    attribute of the callback, as in Keras.
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        hooks = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end,
                 "on_train_batch_begin": kwargs.pop("on_batch_begin", None) or on_train_batch_begin,
                 "on_train_batch_end": kwargs.pop("on_batch_end", None) or on_train_batch_end}
        for hook, function in hooks.items():
            if function is not None:
                setattr(self, hook, function)
        self.__dict__.update(kwargs)


class LearningRateScheduler(Callback):
    """Set the learning rate at each epoch's start from schedule(epoch, current_rate)."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        try:
            rate = self.schedule(epoch, float(self.model.optimizer.learning_rate))
        except TypeError:  # Keras 1 schedules take the epoch only
            rate = self.schedule(epoch)
        self.model.optimizer.learning_rate = float(rate)
        if self.verbose:
            print(f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(rate)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


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


class CSVLogger(Callback):
    """Append each epoch's logs as a row of a CSV file (header written once)."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.separator, self.append = str(filename), separator, append

    def on_train_begin(self, logs=None):
        self._keys = None
        self._file = open(self.filename, "a" if self.append else "w", newline="")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self._keys is None:
            self._keys = sorted(logs)
            if not any(k.startswith("val_") for k in self._keys):
                # with validation_freq > 1 the first epoch has no val_ entries: give them columns now, as Keras does
                self._keys += ["val_" + k for k in self._keys]
            self._writer = csv.DictWriter(self._file, fieldnames=["epoch"] + self._keys, delimiter=self.separator)
            if not self.append or self._file.tell() == 0:
                self._writer.writeheader()
        self._writer.writerow({"epoch": epoch, **{k: logs.get(k, "NA") for k in self._keys}})
        self._file.flush()

    def on_train_end(self, logs=None):
        self._file.close()

"""fit / evaluate / predict and the *_on_batch methods: the loops that feed batches (from arrays or streamed from a
generator or PyDataset) to the training step, and the logs, metrics and progress they report."""
import functools
import warnings

import numpy as np

from .. import backend, legacy
from ..utils.progbar import Progbar
from . import data as D
from . import streaming as S
from .stream_checks import StreamBatchChecks


class _UpdateOverflowed(float):
    """The loss a training step reports when its loss was finite but the update made a weight inf or nan: still
    inf as a number, but told apart from an infinite loss so the warning can say what happened."""


UPDATE_OVERFLOWED = _UpdateOverflowed("inf")


def _blas_limited(method):
    @functools.wraps(method)
    def limited(*args, **kwargs):
        backend.tune_allocator_once()
        with backend.blas_threads_limited():
            return method(*args, **kwargs)
    return limited


class TrainingLoops:
    """Mixed into Trainer: the Keras methods that run the model over data, batch by batch."""

    # ---- fit ------------------------------------------------------------------------------------
    @_blas_limited
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1, **kwargs):
        """Train for `epochs` passes over the data; returns the History (also `model.history`) of per-epoch logs.

        x, y: numpy arrays (lists/dicts of them for several inputs/outputs), in batches of `batch_size` (default
        32), reshuffled each epoch unless shuffle=False; `validation_split` holds out the last fraction of the
        samples unless `validation_data=(x_val, y_val)` is given.

        x may instead stream its batches: a Python generator or iterator, or a `minikeras.utils.PyDataset` (Keras
        2's `Sequence`) yielding `(x, y)` or `(x, y, sample_weight)`. Then y, sample_weight and validation_split
        must not be given, `batch_size` is ignored (the batches have their own size, as in Keras 3), and each
        batch is read, checked and trained on before the next is read. An epoch is `steps_per_epoch` batches; by
        default len(PyDataset), or until a generator runs out. A generator that runs out before
        `steps_per_epoch * epochs` batches warns (Keras 3's message) and training stops there. A PyDataset is
        visited in a new order each epoch when shuffle=True (Keras 3); shuffle is ignored for generators.
        validation_data may stream too, `validation_steps` batches at a time.

        verbose: 0 silent, 1 (or "auto") a progress bar, 2 one line an epoch. A loss or update that turns inf/nan
        stops training with a warning, keeping the last finite weights.
        """
        from ..callbacks import CallbackList
        if "nb_epoch" in kwargs:
            legacy.warn_once("fit(nb_epoch=...)", "epochs=...")
            epochs = kwargs.pop("nb_epoch")
        if kwargs.pop("show_accuracy", None) is not None:
            legacy.warn_once("fit(show_accuracy=...)", "compile(metrics=['accuracy'])")
        queue_options = [key for key in ("max_queue_size", "workers", "use_multiprocessing") if key in kwargs]
        if queue_options:           # Keras 2's loading options; batches here are made in this thread
            for key in queue_options:
                kwargs.pop(key)
            legacy.warn_once(f"fit({queue_options[0]}=...)", "PyDataset(workers=..., use_multiprocessing=...)")
        if kwargs:
            raise TypeError(f"Model '{self.name}'.fit() got unexpected argument(s) {sorted(kwargs)}.")
        D.check_fit_options(self.name, epochs, initial_epoch, validation_split, validation_freq, validation_batch_size,
                            callbacks)
        S.check_steps(steps_per_epoch, "steps_per_epoch", self.name, "fit")
        S.check_steps(validation_steps, "validation_steps", self.name, "fit")
        self._require_compiled("fit")
        train, valid = self._fit_sources(x, y, sample_weight, class_weight, batch_size, shuffle, steps_per_epoch,
                                         validation_split, validation_data, validation_steps, validation_batch_size)
        verbose = 1 if verbose == "auto" else verbose
        self.stop_training, self._on_batch_totals = False, None
        callback_list = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                     verbose=verbose, epochs=epochs, steps=train.steps)
        callback_list.on_train_begin()
        train.begin()
        logs = {}
        for epoch in range(initial_epoch, epochs):
            callback_list.on_epoch_begin(epoch)
            epoch_logs = self._fit_epoch(train, callback_list, epoch)
            if train.ran_out or (train.exhausted and epoch + 1 < epochs):
                S.warn_ran_out()
            if epoch_logs is None:
                break
            logs = _sorted(epoch_logs)      # what callbacks get: by name, then the val_ ones by name, as in Keras
            if valid is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._run_evaluation(valid, callback_list.callbacks, verbose=0)
                if val_logs is None:     # a spent validation generator: Keras's warning, and no val_ logs
                    S.warn_ran_out()
                logs.update({"val_" + k: v for k, v in _sorted(val_logs or {}).items()})
            callback_list.on_epoch_end(epoch, logs)
            if self.stop_training or train.exhausted:
                break
        callback_list.on_train_end(logs)
        return self.history

    def _fit_sources(self, x, y, sample_weight, class_weight, batch_size, shuffle, steps_per_epoch, validation_split,
                     validation_data, validation_steps, validation_batch_size):
        """The training and validation batch sources, every argument checked before any weight changes."""
        valid_arrays = None
        if S.is_stream(x):
            S.check_stream_arguments(x, self.name, "fit", y, sample_weight, class_weight, validation_split)
            if isinstance(x, S.PyDataset) and steps_per_epoch is None and x.num_batches is None:
                raise ValueError(f"Model '{self.name}'.fit(): the PyDataset is endless (num_batches is None), so "
                                 f"fit needs steps_per_epoch (how many batches make an epoch).")
            train = self._stream_source(x, steps_per_epoch, "fit", shuffle=shuffle, class_weight=class_weight)
        else:
            arrays = self._prepare(x, y, sample_weight, class_weight, "fit")
            if validation_data is None and validation_split:
                arrays, valid_arrays = D.split_validation(arrays, validation_split, D.row_count(arrays))
            batch_size = self._batch_size_for(batch_size, D.row_count(arrays), "fit")
            train = S.ArrayBatches(arrays, batch_size, shuffle)
        if validation_data is not None and S.is_stream(validation_data):
            return train, self._stream_source(validation_data, validation_steps, "fit")
        if valid_arrays is None:
            valid_arrays = self._prepare_validation(validation_data)
        if valid_arrays is None:
            return train, None
        # checked now: found after the first epoch, that epoch's updates would stand
        valid_batch_size = self._batch_size_for(validation_batch_size or batch_size, D.row_count(valid_arrays), "fit")
        return train, S.ArrayBatches(valid_arrays, valid_batch_size)

    def _stream_source(self, data, steps, what, shuffle=False, class_weight=None, with_targets=True):
        checks = StreamBatchChecks(self, what, class_weight, with_targets)
        return S.StreamBatches(data, steps, checks, self.name, what, shuffle=shuffle)

    def _fit_epoch(self, batches, callback_list, epoch):
        """One epoch of training steps; the epoch's logs, or None if it trained on nothing or a step failed."""
        tracker, metrics, logs = self._new_loss_tracker(), None, None
        state = self.get_states()
        epoch_batches = batches.epoch()
        try:
            for step, (x, ys, sws) in enumerate(epoch_batches):
                if metrics is None:
                    metrics = self._make_metrics(ys)
                callback_list.on_train_batch_begin(step)
                loss_value, outputs, masks, state = self._train_step(x, ys, sws, state)
                if outputs is None:
                    self._stop_on_nonfinite(loss_value, epoch, step)
                    return None
                self.set_states(state)
                tracker.update(loss_value, D.row_count({"y": ys, "outputs": outputs}))
                _update_metrics(metrics, ys, outputs, masks, sws)
                logs = _sorted(_logs(tracker, metrics, self.outputs))
                callback_list.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
        finally:
            epoch_batches.close()
        return logs

    def _stop_on_nonfinite(self, loss_value, epoch, step):
        self.stop_training = True
        if loss_value is UPDATE_OVERFLOWED:
            what = "the update overflowed (a weight would have become inf or nan)"
        else:
            what = f"the loss became {loss_value}"
        warnings.warn(f"Model '{self.name}': {what} at epoch {epoch + 1}, batch {step + 1}. Training stopped; that "
                      f"step was not applied, so the weights are the last finite ones. Try a smaller learning "
                      f"rate, or check the data and the loss.", RuntimeWarning, stacklevel=5)

    # ---- evaluate / predict -----------------------------------------------------------------------
    @_blas_limited
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        """The loss (and compiled metrics) on x, y, in batches of `batch_size` (default 32), without training.

        Returns the loss alone when there are no metrics, else [loss, metric, ...]; return_dict=True gives
        {"loss": ..., name: ...}. x may be a generator, iterator or PyDataset yielding (x, y) or
        (x, y, sample_weight) batches, read `steps` at most (default: until it runs out; len(PyDataset)).
        verbose=1 (or "auto") shows Keras's progress bar, 2 one line, 0 nothing. Callbacks get the on_test_* hooks.
        """
        self._require_compiled("evaluate")
        S.check_steps(steps, "steps", self.name, "evaluate")
        self._on_batch_totals = None
        if S.is_stream(x):
            S.check_stream_arguments(x, self.name, "evaluate", y, sample_weight)
            batches = self._stream_source(x, steps, "evaluate")
        else:
            arrays = self._prepare(x, y, sample_weight, None, "evaluate")
            batches = S.ArrayBatches(arrays, self._batch_size_for(batch_size, D.row_count(arrays), "evaluate"))
        logs = self._run_evaluation(batches, _checked_callbacks(callbacks, self), verbose)
        if batches.ran_out and logs is not None:
            S.warn_ran_out()
        if logs is None:
            raise ValueError(f"Model '{self.name}'.evaluate(): the {S.describe(x)} yielded no batch to evaluate.")
        return _sorted(logs) if return_dict else _as_results(logs)

    def _run_evaluation(self, batches, callbacks, verbose):
        _call_hooks(callbacks, "on_test_begin", None)
        progbar = _progress(verbose, batches.steps)
        tracker, metrics, logs = self._new_loss_tracker(), None, {}
        state = self.get_states()
        batches.begin()
        for step, (x, ys, sws) in enumerate(batches.epoch()):
            if metrics is None:
                metrics = self._make_metrics(ys)
            _call_hooks(callbacks, "on_test_batch_begin", step, None)
            params = self.params
            loss, outputs, masks, state = self._total_loss(params, x, ys, sws, False, None, state)
            tracker.update(float(loss), D.row_count({"y": ys, "outputs": outputs}))
            _update_metrics(metrics, ys, outputs, masks, sws)
            logs = _logs(tracker, metrics, self.outputs)
            _call_hooks(callbacks, "on_test_batch_end", step, logs)
            if progbar is not None:
                progbar.update(step + 1, _sorted(logs), finalize=False)
        if metrics is None:
            return None
        self.set_states(state)
        if progbar is not None:
            progbar.update(None, _sorted(logs), finalize=True)
        _call_hooks(callbacks, "on_test_end", logs)
        return logs

    @_blas_limited
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """The model's outputs for x, computed in batches of `batch_size` (default 32) with dropout off.

        Returns one array, or a list/dict shaped like the model's outputs. x may be a generator, iterator or
        PyDataset yielding batches of inputs (`x`, `(x,)`, or `(x, y)` whose y is ignored), read `steps` at most.
        Stateful layers carry their state from batch to batch, as in Keras. verbose=1 (or "auto") shows Keras's
        progress bar, 2 one line, 0 nothing; callbacks get the on_predict_* hooks.
        """
        S.check_steps(steps, "steps", self.name, "predict")
        if S.is_stream(x):
            stream = self._stream_source(x, steps, "predict", with_targets=False)
            batch_inputs, steps = stream.epoch(), stream.steps
        else:
            xs = self._prepare_inputs(x, "predict")
            rows = D.row_count({"x": xs})
            batch_size = self._batch_size_for(batch_size, rows, "predict")
            batch_inputs = (D.take(xs, index) for index in D.batch_slices(rows, batch_size, False, None))
            steps = -(-rows // batch_size)
        callbacks = _checked_callbacks(callbacks, self)
        _call_hooks(callbacks, "on_predict_begin", None)
        progbar = _progress(verbose, steps)
        params, state, pieces = self.params, self.get_states(), []
        for step, inputs in enumerate(batch_inputs):
            _call_hooks(callbacks, "on_predict_batch_begin", step, None)
            outputs, _, state = self.forward(params, inputs, False, None, state)
            pieces.append(outputs)
            _call_hooks(callbacks, "on_predict_batch_end", step, {"outputs": outputs})
            if progbar is not None:
                progbar.update(step + 1, finalize=False)
        if not pieces:
            raise ValueError(f"Model '{self.name}'.predict(): the {S.describe(x)} yielded no batch to predict.")
        if S.is_stream(x) and stream.ran_out:
            S.warn_ran_out()
        self.set_states(state)
        if progbar is not None:
            progbar.update(None, finalize=True)
        _call_hooks(callbacks, "on_predict_end", None)
        outputs = [np.concatenate([p[i] for p in pieces]) for i in range(len(self.outputs))]
        return self._structure_outputs(outputs)

    def predict_on_batch(self, x):
        """predict() with all of x as one batch, silently."""
        return self.predict(x, batch_size=len(self._prepare_inputs(x, "predict")[0]), verbose=0)

    # ---- one batch at a time -----------------------------------------------------------------------
    @_blas_limited
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False, reset_metrics=True):
        """One optimizer step on x, y as a single batch; returns its loss (or [loss, metric, ...], or a dict).

        reset_metrics=True reports this batch alone. With reset_metrics=False the loss and metrics add this batch
        to those of the *_on_batch calls before it (train and test alike), back to the last call that reset them
        (or the last fit/evaluate/compile), as Keras 2 (tf.keras) does; Keras 3 has no such argument and always
        reports the batch alone. A non-finite loss raises ValueError and leaves the weights unchanged.
        """
        self._require_compiled("train")
        arrays = self._prepare(x, y, sample_weight, class_weight, "train_on_batch")
        self._batch_size_for(None, D.row_count(arrays), "train_on_batch")
        sws = S.take_weights(arrays, slice(None))
        loss_value, outputs, masks, state = self._train_step(arrays["x"], arrays["y"], sws, self.get_states())
        if outputs is None:
            what = "the update overflowed" if loss_value is UPDATE_OVERFLOWED else f"the loss is {loss_value}"
            raise ValueError(f"Model '{self.name}': {what} for this batch; the step was not applied.")
        self.set_states(state)
        return self._on_batch_logs(arrays["y"], loss_value, outputs, masks, sws, return_dict, reset_metrics)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False, reset_metrics=True):
        """The loss (and metrics) on x, y as one batch, without training; reset_metrics as in train_on_batch."""
        self._require_compiled("test")
        arrays = self._prepare(x, y, sample_weight, None, "test_on_batch")
        self._batch_size_for(None, D.row_count(arrays), "test_on_batch")
        sws, params = S.take_weights(arrays, slice(None)), self.params
        loss, outputs, masks, state = self._total_loss(params, arrays["x"], arrays["y"], sws, False, None,
                                                       self.get_states())
        self.set_states(state)
        loss_value = float(loss)
        return self._on_batch_logs(arrays["y"], loss_value, outputs, masks, sws, return_dict, reset_metrics)

    def _on_batch_logs(self, ys, loss_value, outputs, masks, sws, return_dict, reset_metrics):
        totals = getattr(self, "_on_batch_totals", None)
        if reset_metrics or totals is None or totals[0] is not self._losses:   # kept from before a new compile
            totals = (self._losses, self._new_loss_tracker(), self._make_metrics(ys))
        _, tracker, metrics = totals
        tracker.update(loss_value, D.row_count({"y": ys, "outputs": outputs}))
        _update_metrics(metrics, ys, outputs, masks, sws)
        self._on_batch_totals = totals      # tf.keras resets before a batch, so a later False call adds to this one
        logs = _logs(tracker, metrics, self.outputs)
        return logs if return_dict else _as_results(logs)


def _as_results(logs):
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _sorted(logs):
    """Keras 3 hands out its logs in name order (they pass through a pytree, which sorts dict keys)."""
    return {name: logs[name] for name in sorted(logs)}


def _progress(verbose, steps):
    verbose = 1 if verbose == "auto" else verbose
    return Progbar(steps, verbose=verbose) if verbose else None


def _checked_callbacks(callbacks, model):
    from ..callbacks import CallbackList
    return CallbackList(callbacks, model=model).callbacks


def _call_hooks(callbacks, hook, *args):
    """Calls `hook` on each callback that has it (the test/predict hooks are optional on user callbacks)."""
    for callback in callbacks:
        method = getattr(callback, hook, None)
        if method is not None:
            method(*args)


def _update_metrics(metrics, ys, outputs, masks, sample_weights):
    metrics.update_state(ys, outputs, masks, sample_weights)


def _logs(tracker, metrics, outputs):
    return metrics.logs(tracker.result())     # Keras 3's names and order: models/compiled_metrics.py

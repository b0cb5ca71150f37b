"""compile / fit / evaluate / predict: the stateful Keras face over the pure `apply` and the optimizer update."""
import functools
import warnings

import numpy as np
from autograd import value_and_grad
from autograd.tracer import getval

from .. import backend, legacy
from ..params import flatten_params, unflatten_like
from . import data as D

_KERAS_COMPILE_ARGS_IGNORED = ("run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss",
                               "sample_weight_mode", "target_tensors", "experimental_run_tf_function")


def _blas_limited(method):
    @functools.wraps(method)
    def limited(*args, **kwargs):
        backend.tune_allocator_once()
        with backend.blas_threads_limited():
            return method(*args, **kwargs)
    return limited


class Trainer:
    """Mixed into Model: training state (optimizer slots, compiled losses) and the Keras training methods."""

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.stop_training = False
        self.history = None

    # ---- compile --------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, weighted_metrics=None, **kwargs):
        """Choose the optimizer, loss and metrics; a model must be compiled before fit, evaluate or train_on_batch.

        `optimizer` (default "rmsprop") and `loss` take names ("adam", "mse") or objects. `loss`, `loss_weights` and
        `metrics` may be one value for every output, a list (one per output) or a dict keyed by output layer name.
        As in Keras 3, sample weights reach only the `weighted_metrics`. The model must know its input shape.
        Keras's run_eagerly, jit_compile, steps_per_execution and the like are accepted and ignored.
        """
        from .. import optimizers, losses
        unknown = [k for k in kwargs if k not in _KERAS_COMPILE_ARGS_IGNORED]
        if unknown:
            raise TypeError(f"Model '{self.name}'.compile() got unexpected argument(s) {unknown}.")
        self._require_built("compile")
        # everything is resolved and checked before anything is assigned: a failed compile changes nothing
        names = [t.node.layer.name for t in self.outputs]
        new_optimizer = optimizers.get(optimizer)
        new_losses = [losses.get(l) for l in _per_output(loss, names, "loss", self.name, required=True)]
        new_loss_weights = [D.checked_loss_weight(w, self.name)
                            for w in _per_output(loss_weights, names, "loss_weights", self.name)]
        new_metric_specs = D.checked_metric_specs(_metrics_per_output(metrics, names, self.name), self.name)
        new_weighted = D.checked_metric_specs(_metrics_per_output(weighted_metrics, names, self.name), self.name)
        self.optimizer, self.loss, self._losses, self._loss_weights = new_optimizer, loss, new_losses, new_loss_weights
        self._metric_specs, self._weighted_metric_specs = new_metric_specs, new_weighted
        self._optimizer_state = None
        self.compiled = True
        self._compile_config = {"optimizer": optimizer, "loss": loss, "metrics": metrics, "loss_weights": loss_weights,
                                "weighted_metrics": weighted_metrics}

    def _require_built(self, what):
        if not self.built:
            raise ValueError(f"Model '{self.name}' is not built yet, so it cannot {what}: give the first layer an "
                             f"input shape (Input(shape=...) or input_shape=...), or call the model on data first.")

    def _require_compiled(self, what):
        if not self.compiled:
            raise ValueError(f"Model '{self.name}' must be compiled before {what}: call "
                             f"model.compile(optimizer=..., loss=...) first.")

    def _make_metrics(self, y_arrays):
        from .. import metrics as M
        made = []
        for i, (specs, weighted_specs) in enumerate(zip(self._metric_specs, self._weighted_metric_specs)):
            def make(spec):
                return M.get(spec, loss=self._losses[i], y_true_shape=y_arrays[i].shape,
                             y_pred_shape=self.outputs[i].shape)
            # Keras 3: sample weights reach only weighted_metrics; the mask reaches both kinds
            group = [_CompiledMetric(make(s), s, weighted=False) for s in specs]
            plain_names = {m.name for m in group}
            for spec in weighted_specs:
                metric = _CompiledMetric(make(spec), spec, weighted=True)
                if metric.name in plain_names:
                    metric.name = "weighted_" + metric.name
                group.append(metric)
            made.append(group)
        return made

    # ---- the pure step ----------------------------------------------------------------------------
    def _split_params(self):
        params = self.params
        trainable = {n: p for n, p in params.items() if self.trainable and self._layer_by_name(n).trainable}
        frozen = {n: p for n, p in params.items() if n not in trainable}
        return trainable, frozen

    def _layer_by_name(self, name):
        layers = getattr(self, "_layers_by_name", None)
        if layers is None or name not in layers:
            self._layers_by_name = layers = {layer.name: layer for layer in self.layers}
        return layers[name]

    def _total_loss(self, params, x, ys, sample_weights, training, rng, state):
        activity = [] if training else None
        outputs, masks, new_state = self.forward(params, x, training, rng, state, activity=activity)
        terms = [loss(y, out, sample_weight=sw, mask=mask) * weight if weight != 1.0 else
                 loss(y, out, sample_weight=sw, mask=mask)
                 for loss, weight, y, out, mask, sw in zip(self._losses, self._loss_weights, ys, outputs, masks,
                                                           sample_weights)]
        return _sum_terms(terms + list(activity or ())), outputs, masks, new_state

    def _train_step(self, x, ys, sample_weights, state):
        """One optimizer step on one batch. Returns (loss, outputs, output masks, new state); on a
        non-finite loss the weights are left untouched and outputs is None."""
        trainable, frozen = self._split_params()
        leaves = flatten_params(trainable)
        captured = {}
        rng = backend.LazyRng()

        def objective(*trainable_leaves):
            # the gradient is taken with respect to a flat tuple of arrays: cheaper to trace than nested dicts
            params = {**frozen, **unflatten_like(trainable, trainable_leaves)}
            data_loss, outputs, masks, new_state = self._total_loss(params, x, ys, sample_weights, True, rng, state)
            captured.update(outputs=outputs, masks=masks, state=new_state)
            return _sum_terms([data_loss, self.regularization_loss(params)])

        loss_value, grads = value_and_grad(objective, tuple(range(len(leaves))))(*leaves)
        loss_value = float(loss_value)
        if not np.isfinite(loss_value):
            return loss_value, None, None, None
        grads = unflatten_like(trainable, grads)
        if self._optimizer_state is None:
            self._optimizer_state = self.optimizer.init(trainable)
        new_trainable, self._optimizer_state = self.optimizer.update(trainable, grads, self._optimizer_state)
        new_leaves = [np.asarray(new, dtype=old.dtype) for new, old in zip(flatten_params(new_trainable), leaves)]
        if not all(np.all(np.isfinite(leaf)) for leaf in new_leaves):
            return float("inf"), None, None, None     # the update overflowed: keep the last finite weights
        self._assign_params(self.apply_constraints(unflatten_like(trainable, new_leaves)))
        return (loss_value, [getval(o) for o in captured["outputs"]], [getval(m) for m in captured["masks"]],
                _unbox_state(captured["state"]))

    # ---- fit ------------------------------------------------------------------------------------
    @_blas_limited
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1, **kwargs):
        """Train on numpy data for `epochs` passes; returns the History (also `model.history`) of per-epoch logs.

        x, y: arrays (lists/dicts of them for several inputs/outputs), in batches of `batch_size` (default 32),
        reshuffled each epoch unless shuffle=False. `validation_split` holds out the last fraction of the samples
        unless `validation_data=(x_val, y_val)` is given. verbose=0 is silent. Arrays only: no generators or datasets.
        A loss that turns inf/nan stops training with a warning, keeping the last finite weights.
        """
        from ..callbacks import CallbackList
        if "nb_epoch" in kwargs:
            legacy.warn_once("fit(nb_epoch=...)", "epochs=...")
            epochs = kwargs.pop("nb_epoch")
        if kwargs.pop("show_accuracy", None) is not None:
            legacy.warn_once("fit(show_accuracy=...)", "compile(metrics=['accuracy'])")
        if kwargs:
            raise TypeError(f"Model '{self.name}'.fit() got unexpected argument(s) {sorted(kwargs)}.")
        D.check_fit_options(self.name, epochs, initial_epoch, validation_split, validation_freq, validation_batch_size,
                            callbacks)
        self._require_compiled("fit")
        arrays = self._prepare(x, y, sample_weight, class_weight, "fit")
        if validation_data is None and validation_split:
            arrays, valid = D.split_validation(arrays, validation_split, len(arrays["x"][0]))
        else:
            valid = self._prepare_validation(validation_data)
        batch_size = self._batch_size_for(batch_size, len(arrays["x"][0]), "fit")
        if valid is not None:   # checked now: found after the first epoch, that epoch's updates would stand
            self._batch_size_for(validation_batch_size or batch_size, len(valid["x"][0]), "fit")
        verbose = 1 if verbose == "auto" else verbose
        num_samples = len(arrays["x"][0])
        steps = -(-num_samples // batch_size)
        metrics = self._make_metrics(arrays["y"])
        self.stop_training = False
        callback_list = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                     verbose=verbose, epochs=epochs, steps=steps)
        callback_list.on_train_begin()
        logs = {}
        for epoch in range(initial_epoch, epochs):
            callback_list.on_epoch_begin(epoch)
            logs = self._fit_epoch(arrays, batch_size, shuffle, metrics, callback_list, epoch)
            if logs is None:
                break
            if valid is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_arrays(valid, validation_batch_size or batch_size)
                logs.update({"val_" + k: v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        callback_list.on_train_end(logs)
        return self.history

    def _fit_epoch(self, arrays, batch_size, shuffle, metrics, callback_list, epoch):
        tracker = _LossTracker()
        for metric in _flat(metrics):
            metric.reset_state()
        state = self.get_states()
        logs = {}
        num_samples = len(arrays["x"][0])
        for step, index in enumerate(D.batch_slices(num_samples, batch_size, shuffle, backend.global_rng())):
            callback_list.on_train_batch_begin(step)
            x, ys, sws = D.take(arrays["x"], index), D.take(arrays["y"], index), _take_weights(arrays, index)
            loss_value, outputs, masks, state = self._train_step(x, ys, sws, state)
            if outputs is None:
                self._stop_on_nonfinite(loss_value, epoch, step)
                return None
            self.set_states(state)
            tracker.update(loss_value, len(ys[0]))
            _update_metrics(metrics, ys, outputs, masks, sws)
            logs = _logs(tracker, metrics, self.outputs)
            callback_list.on_train_batch_end(step, logs)
            if self.stop_training:
                break
        return logs

    def _stop_on_nonfinite(self, loss_value, epoch, step):
        self.stop_training = True
        warnings.warn(f"Model '{self.name}': the loss became {loss_value} at epoch {epoch + 1}, batch {step + 1}. "
                      f"Training stopped; that step was not applied, so the weights are the last finite ones. "
                      f"Try a smaller learning rate, or check the data and the loss.", RuntimeWarning, stacklevel=3)

    # ---- evaluate / predict -----------------------------------------------------------------------
    @_blas_limited
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        """The loss (and compiled metrics) on x, y, in batches of `batch_size` (default 32), without training.

        Returns the loss alone when there are no metrics, else [loss, metric, ...]; return_dict=True gives
        {"loss": ..., name: ...}. Unlike Keras, nothing is printed and `verbose`, `steps`, `callbacks` are ignored.
        """
        self._require_compiled("evaluate")
        arrays = self._prepare(x, y, sample_weight, None, "evaluate")
        logs = self._evaluate_arrays(arrays, self._batch_size_for(batch_size, len(arrays["x"][0]), "evaluate"))
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_arrays(self, arrays, batch_size):
        metrics = self._make_metrics(arrays["y"])
        tracker = _LossTracker()
        state = self.get_states()
        for index in D.batch_slices(len(arrays["x"][0]), batch_size, False, None):
            x, ys, sws = D.take(arrays["x"], index), D.take(arrays["y"], index), _take_weights(arrays, index)
            params = self.params
            data_loss, outputs, masks, state = self._total_loss(params, x, ys, sws, False, None, state)
            tracker.update(float(data_loss + self.regularization_loss(params)), len(ys[0]))
            _update_metrics(metrics, ys, outputs, masks, sws)
        self.set_states(state)
        return _logs(tracker, metrics, self.outputs)

    @_blas_limited
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """The model's outputs for x, computed in batches of `batch_size` (default 32) with dropout off.

        Returns one array, or a list/dict shaped like the model's outputs. Stateful layers carry their state
        from batch to batch, as in Keras. Nothing is printed; `verbose`, `steps` and `callbacks` are ignored.
        """
        xs = self._prepare_inputs(x, "predict")
        batch_size = self._batch_size_for(batch_size, len(xs[0]), "predict")
        params, state, pieces = self.params, self.get_states(), []
        for index in D.batch_slices(len(xs[0]), batch_size, False, None):
            outputs, _, state = self.forward(params, D.take(xs, index), False, None, state)
            pieces.append(outputs)
        self.set_states(state)
        outputs = [np.concatenate([p[i] for p in pieces]) for i in range(len(self.outputs))]
        return self._structure_outputs(outputs)

    def predict_on_batch(self, x):
        """predict() with all of x as one batch."""
        return self.predict(x, batch_size=len(self._prepare_inputs(x, "predict")[0]))

    @_blas_limited
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False, reset_metrics=True):
        """One optimizer step on x, y as a single batch; returns its loss (or [loss, metric, ...], or a dict).

        The metrics cover this batch only (minikeras does not accumulate them across calls, whatever
        `reset_metrics` says). A non-finite loss raises ValueError and leaves the weights unchanged.
        """
        self._require_compiled("train")
        arrays = self._prepare(x, y, sample_weight, class_weight, "train_on_batch")
        self._batch_size_for(None, len(arrays["x"][0]), "train_on_batch")
        metrics = self._make_metrics(arrays["y"])
        loss_value, outputs, masks, state = self._train_step(arrays["x"], arrays["y"], _take_weights(arrays, slice(None)),
                                                             self.get_states())
        if outputs is None:
            raise ValueError(f"Model '{self.name}': the loss is {loss_value} for this batch; the step was not applied.")
        self.set_states(state)
        tracker = _LossTracker()
        tracker.update(loss_value, len(arrays["y"][0]))
        _update_metrics(metrics, arrays["y"], outputs, masks, _take_weights(arrays, slice(None)))
        logs = _logs(tracker, metrics, self.outputs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """evaluate() with all of x as one batch: the loss (and metrics) without training."""
        return self.evaluate(x, y, batch_size=len(self._prepare_inputs(x, "test_on_batch")[0]) or None,
                             sample_weight=sample_weight, return_dict=return_dict)

    # ---- data preparation -----------------------------------------------------------------------
    def _prepare_inputs(self, x, what):
        if not self.built:
            sample = x[0] if isinstance(x, (list, tuple)) and len(x) and np.ndim(x[0]) > 0 else x
            self.ensure_built((None,) + np.shape(sample)[1:])
        xs = D.to_array_list(x, self.inputs, "inputs", self.name)
        D.check_input_shapes(xs, self.inputs, self.name, self.shape_chain())
        D.check_same_length({"x": xs}, self.name)
        return xs

    def _prepare(self, x, y, sample_weight, class_weight, what):
        xs = self._prepare_inputs(x, what)
        if y is None:
            raise ValueError(f"Model '{self.name}'.{what}() needs targets y.")
        ys = D.to_array_list(y, self.outputs, "targets", self.name)
        D.check_class_weight(class_weight, self.name)
        sample_weight = D.sample_weight_arrays(sample_weight, len(self.outputs), self.name)
        sws = _sample_weights(sample_weight, class_weight, ys, self.name)
        D.check_same_length({"x": xs, "y": ys, "sample_weight": sws}, self.name)
        D.check_finite({"x": xs, "y": ys, "sample_weight": sws}, self.name)
        D.check_targets(ys, self.outputs, self._losses, self.name)
        D.check_embedding_indices(xs, self.inputs, self.layers)
        return {"x": xs, "y": ys, "sample_weight": sws}

    def _prepare_validation(self, validation_data):
        if validation_data is None:
            return None
        if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
            raise ValueError(f"Model '{self.name}': validation_data must be (x_val, y_val) or "
                             f"(x_val, y_val, sample_weight_val).")
        return self._prepare(validation_data[0], validation_data[1],
                             validation_data[2] if len(validation_data) == 3 else None, None, "validation")

    def _batch_size_for(self, batch_size, num_samples, what):
        if batch_size is not None and (not D.is_whole_number(batch_size) or batch_size < 1):
            raise ValueError(f"Model '{self.name}'.{what}(): batch_size must be a positive integer, got {batch_size!r}.")
        if num_samples == 0:
            raise ValueError(f"Model '{self.name}'.{what}(): got 0 samples.")
        built = self._fixed_batch_size()
        if built is None:
            return int(batch_size or 32)
        batch_size = int(batch_size or built)
        last = num_samples % batch_size or batch_size
        if batch_size != built or last != built:
            layer = self._stateful_layers()[0].name if self.stateful else self.name
            raise ValueError(
                f"Model '{self.name}' is built for a fixed batch size of {built} (stateful layer '{layer}'), but "
                f"{what}() would run batches of {batch_size} over {num_samples} samples (last batch: {last}). "
                f"Every batch must have exactly {built} samples: pass batch_size={built} and use a number of samples "
                f"that is a multiple of {built} (trim or pad the data), or rebuild the model for another batch size "
                f"with model.with_batch_size(n).")
        return batch_size

    def _fixed_batch_size(self):
        if not self.stateful:
            return None
        return self.inputs[0].shape[0]


def _sum_terms(terms):
    """The sum of the loss terms, skipping exact zeros (no penalty): each skipped add is one node less to
    differentiate in every training step."""
    terms = [t for t in terms if not (isinstance(t, (int, float)) and t == 0.0)]
    total = terms[0] if terms else 0.0
    for term in terms[1:]:
        total = total + term
    return total


class _LossTracker:
    """The running mean of the loss over an epoch, weighted by batch size (as Keras reports it)."""

    def __init__(self):
        self.total, self.count = 0.0, 0

    def update(self, value, batch_size):
        self.total += value * batch_size
        self.count += batch_size

    def result(self):
        return self.total / max(self.count, 1)


def _flat(nested):
    return [m for group in nested for m in group]


class _CompiledMetric:
    """A metric as compile() set it up: whether it takes the sample weights, and the name it logs under."""

    __slots__ = ("metric", "weighted", "name")

    def __init__(self, metric, spec, weighted):
        self.metric, self.weighted, self.name = metric, weighted, metric.name

    def update_state(self, y, out, sample_weight=None, mask=None):
        self.metric.update_state(y, out, sample_weight=sample_weight if self.weighted else None, mask=mask)

    def result(self):
        return self.metric.result()

    def reset_state(self):
        self.metric.reset_state()


def _update_metrics(metrics, ys, outputs, masks, sample_weights):
    for group, y, out, mask, sw in zip(metrics, ys, outputs, masks, sample_weights):
        for metric in group:
            metric.update_state(y, out, sample_weight=sw, mask=mask)


def _logs(tracker, metrics, outputs):
    logs = {"loss": tracker.result()}
    several = len(outputs) > 1
    for group, tensor in zip(metrics, outputs):
        for metric in group:
            name = f"{tensor.node.layer.name}_{metric.name}" if several else metric.name
            logs[name] = float(metric.result())
    return logs


def _take_weights(arrays, index):
    sws = arrays.get("sample_weight")
    if sws is None:
        return [None] * len(arrays["y"])
    return [None if w is None else w[index] for w in sws]


def _sample_weights(sample_weight, class_weight, ys, model_name):
    if sample_weight is None and class_weight is None:
        return None
    weights = []
    for i, y in enumerate(ys):
        w = sample_weight[i] if isinstance(sample_weight, (list, tuple)) else sample_weight
        w = np.ones(len(y), dtype=backend.floatx()) if w is None else np.asarray(w, dtype=backend.floatx())
        if class_weight is not None:
            labels = np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else np.reshape(y, (len(y), -1))[:, 0]
            labels = labels.astype(int)
            if labels.ndim > 1:
                raise ValueError(f"Model '{model_name}': class_weight works with 2-D targets only, got shape {y.shape}.")
            w = w * np.array([class_weight.get(int(c), 1.0) for c in labels], dtype=backend.floatx())
        weights.append(w)
    return weights


def _per_output(value, names, what, model_name, required=False):
    if value is None:
        if required:
            raise ValueError(f"Model '{model_name}'.compile() needs a loss, e.g. loss='mse'.")
        return [None] * len(names)
    if isinstance(value, dict):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise ValueError(f"Model '{model_name}': {what} has keys {unknown} that are not outputs {names}.")
        return [value.get(n) for n in names]
    if isinstance(value, (list, tuple)):
        if len(value) != len(names):
            raise ValueError(f"Model '{model_name}' has {len(names)} outputs {names}, but {what} has {len(value)} entries.")
        return list(value)
    return [value] * len(names)


def _metrics_per_output(metrics, names, model_name):
    if metrics is None:
        return [[] for _ in names]
    if isinstance(metrics, dict):
        per = _per_output(metrics, names, "metrics", model_name)
        return [[] if m is None else (list(m) if isinstance(m, (list, tuple)) else [m]) for m in per]
    if isinstance(metrics, (list, tuple)) and len(names) > 1 and any(isinstance(m, (list, tuple)) for m in metrics):
        return [list(m) if isinstance(m, (list, tuple)) else [m] for m in _per_output(metrics, names, "metrics",
                                                                                     model_name)]
    metrics = list(metrics) if isinstance(metrics, (list, tuple)) else [metrics]
    return [list(metrics) for _ in names]


def _unbox_state(state):
    if isinstance(state, dict):
        return {k: _unbox_state(v) for k, v in state.items()}
    if isinstance(state, (list, tuple)):
        return [_unbox_state(v) for v in state]
    return None if state is None else getval(state)

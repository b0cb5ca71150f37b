"""compile, the training step and data preparation: the stateful Keras face over the pure `apply` and the optimizer
update (the fit/evaluate/predict loops are in training_loops.py)."""
import numpy as np
from autograd import value_and_grad
from autograd.tracer import getval

from .. import backend
from ..params import flatten_params, unflatten_like, merge_like
from . import compile_structure as CS
from . import data as D
from .compiled_metrics import (CompiledMetric, CompiledMetrics, CompileMetricsView, LossMean, LossTracker,
                               LossTrackerView)
from .composed_step import composed_loss_and_grads
from .custom_loss import ComputeLoss
from .keras2_methods import Keras2Methods
from .structure import flatten_like, is_nested, warn_if_structure_differs
from .training_loops import UPDATE_OVERFLOWED, TrainingLoops

_KERAS_COMPILE_ARGS_IGNORED = ("run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss",
                               "sample_weight_mode", "target_tensors", "experimental_run_tf_function")


class Trainer(TrainingLoops, Keras2Methods, ComputeLoss):
    """Mixed into Model: training state (optimizer slots, compiled losses) and the Keras training methods."""

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.stop_training = False
        self.history = None

    # ---- compile --------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, weighted_metrics=None, **kwargs):
        """Choose the optimizer, loss and metrics; a model must be compiled before fit, evaluate or train_on_batch.

        `optimizer` (default "rmsprop") and `loss` take names ("adam", "mse") or objects. With several outputs,
        `loss` follows Keras 3's structures: one loss for every output; a list with one per output (None: no loss);
        a dict keyed by output layer name, or by the model's own keys when its outputs are a dict (outputs left out
        get no loss); or a structure mirroring nested outputs, where a loss placed on an inner node receives that
        node's nested y_true and y_pred, and a list of losses where the outputs are not a list puts them all on the
        same outputs. `loss_weights` mirrors `loss` (or lists one weight per loss, in order). `metrics` and
        `weighted_metrics` are a list of metrics (for a one-output model), a list with one entry per output, a dict
        keyed by output, or the outputs' structure; a flat list of another length goes to every output (Keras 2).

        The logs are named as in Keras 3: "loss" (the weighted sum, plus regularization), "<output>_loss" for each
        loss when there are several (before its weight), "<output>_<metric>" for the metrics of each output (no
        prefix with one output), "<output>_weighted_<metric>" for a weighted metric whose name is taken. Sample
        weights reach the losses and only the `weighted_metrics`. The model must know its input shape. Keras's
        run_eagerly, jit_compile, steps_per_execution and the like are accepted and ignored.
        """
        from .. import optimizers, losses
        if optimizer is None:
            raise ValueError(f"Model '{self.name}'.compile() needs an optimizer, e.g. optimizer='adam'.")
        unknown = [k for k in kwargs if k not in _KERAS_COMPILE_ARGS_IGNORED]
        if unknown:
            raise TypeError(f"Model '{self.name}'.compile() got unexpected argument(s) {unknown}.")
        if not self.built and self._builds_from_data():
            # as in Keras: a Sequential without an input shape, or a subclassed model, compiles now and finishes
            # compiling when the first fit (or call) builds it
            self.optimizer = optimizers.get(optimizer)
            if loss is None and not self._has_own_loss():
                raise ValueError(f"Model '{self.name}'.compile() needs a loss, e.g. loss='mse'.")
            self._pending_compile = dict(optimizer=self.optimizer, loss=loss, metrics=metrics,
                                         loss_weights=loss_weights, weighted_metrics=weighted_metrics)
            self.compiled = True
            return
        self._require_built("compile")
        # everything is resolved and checked before anything is assigned: a failed compile changes nothing
        new_optimizer = optimizers.get(optimizer)
        if loss is None and not self._has_own_loss():     # an overridden compute_loss or add_loss may need none
            raise ValueError(f"Model '{self.name}'.compile() needs a loss, e.g. loss='mse'.")
        if isinstance(loss_weights, (str, bytes)):
            raise TypeError(f"Model '{self.name}'.compile(): loss_weights must be a number, or a list or dict of "
                            f"numbers, got {loss_weights!r}.")
        names = self._output_layer_names()
        compiled = [] if loss is None else CS.resolve_losses(loss, loss_weights, self._output_structure, names,
                                                             self.name)
        for entry in compiled:
            entry.loss = losses.get(entry.loss)
        metric_specs = CS.resolve_metrics(metrics, self._output_structure, names, "metrics", self.name)
        weighted_specs = CS.resolve_metrics(weighted_metrics, self._output_structure, names, "weighted_metrics",
                                            self.name)
        D.checked_metric_specs([specs for _, specs in metric_specs + weighted_specs], self.name)
        per_output = CS.losses_per_output(compiled, len(self.outputs))
        self.optimizer, self.loss, self._compiled_losses = new_optimizer, loss, compiled
        self._losses, self._loss_weights = [l for l, _ in per_output], [w for _, w in per_output]
        self._metric_specs, self._weighted_metric_specs = metric_specs, weighted_specs
        self._optimizer_state = None
        self.compiled = True
        self._compile_config = {"optimizer": optimizer, "loss": loss, "metrics": metrics, "loss_weights": loss_weights,
                                "weighted_metrics": weighted_metrics}

    def _output_layer_names(self):
        """The name of the layer making each output (Keras 3's output_names)."""
        return [t.node.layer.name if t.node is not None else t.name for t in self.outputs]

    @property
    def metrics_names(self):
        """The names of evaluate()'s results, in their order (['loss', 'accuracy']), once the model has been trained
        or evaluated; ['loss'] before that. Keras 3 answers ['loss', 'compile_metrics']; this is Keras 2's meaning,
        which the code that reads it (`zip(model.metrics_names, scores)`) expects."""
        compiled = getattr(self, "_last_metrics", None)
        if compiled is not None:
            return list(compiled.logs(0.0))
        return ["loss"] if self.compiled else []

    def reset_metrics(self):
        """Start the compiled metrics afresh (fit, evaluate and the *_on_batch methods start their own runs anyway;
        this clears what metrics_names and a following train_on_batch(reset_metrics=False) would carry on from)."""
        compiled = getattr(self, "_last_metrics", None)
        for metric in (m for group in (compiled.groups if compiled else ()) for m in group):
            metric.reset_state()
        self.__dict__.pop("_on_batch_totals", None)

    def _builds_from_data(self):
        return self._keras_style or hasattr(self, "_chain")

    def _finish_pending_compile(self):
        pending = self.__dict__.pop("_pending_compile", None)
        if pending is not None:
            self.compile(**pending)

    def _require_built(self, what):
        if not self.built:
            raise ValueError(f"Model '{self.name}' is not built yet, so it cannot {what}: give the first layer an "
                             f"input shape (Input(shape=...) or input_shape=...), or call the model on data first.")

    def _require_compiled(self, what):
        if not self.compiled:
            raise ValueError(f"Model '{self.name}' must be compiled before {what}: call "
                             f"model.compile(optimizer=..., loss=...) first.")

    def _make_metrics(self, y_arrays):
        """Fresh running metrics for a run over data whose targets are `y_arrays` (they choose what 'accuracy'
        means)."""
        from .. import metrics as M
        groups = []
        for i, ((prefix, specs), (weighted_prefix, weighted_specs)) in enumerate(zip(self._metric_specs,
                                                                                     self._weighted_metric_specs)):
            def make(spec):
                return M.get(spec, loss=self._losses[i], y_true_shape=y_arrays[i].shape,
                             y_pred_shape=self.outputs[i].shape)
            group = [CompiledMetric(make(s), s, False, prefix) for s in specs] + \
                [CompiledMetric(make(s), s, True, weighted_prefix) for s in weighted_specs]
            for metric in group:      # a metric object given to compile is the same object in every run: start it anew
                metric.reset_state()
            groups.append(group)
        loss_means = [LossMean(entry) for entry in self._compiled_losses] if len(self._compiled_losses) > 1 else []
        trackers, only_trackers = self._tracked_metrics()
        for tracker in trackers:
            tracker.reset_state()
        # monitoring callbacks read their directions
        self._last_metrics = CompiledMetrics(groups, loss_means, trackers, only_trackers)
        return self._last_metrics

    def _tracked_metrics(self):
        """The Metric objects a model holds itself (a subclassed model's loss trackers, updated in its compute_loss),
        and whether its class lists its own `metrics`: Keras then logs exactly those."""
        if type(self).metrics is not Trainer.metrics:
            return list(self.metrics), True
        return self._own_metric_objects(), False

    def _own_metric_objects(self):
        from ..metrics.base import Metric
        return [value for value in vars(self).values() if isinstance(value, Metric)]

    @property
    def metrics(self):
        """Keras 3's list of the model's metrics, each with a `name` and `result()`: once compiled, the running mean
        of the loss ('loss') of the latest fit or evaluate and, with compiled metrics, 'compile_metrics' (its result
        a dict by name); then the Metric objects the model holds itself."""
        listed = []
        if self.compiled:
            listed.append(LossTrackerView(self))
            if any(specs for _, specs in getattr(self, "_metric_specs", []) + getattr(self, "_weighted_metric_specs",
                                                                                      [])):
                listed.append(CompileMetricsView(self))
        return listed + self._own_metric_objects()

    def _new_loss_tracker(self):
        self._loss_tracker = LossTracker()
        return self._loss_tracker

    # ---- the pure step ----------------------------------------------------------------------------
    def _split_params(self):
        """(the weights the optimizer updates, the others): per layer, and per weight where a layer has both."""
        return self.split_trainable(self.params, self.trainable)

    def split_trainable(self, params, trainable=True):
        """(trainable, frozen) parts of `params`, each layer deciding for its own weights: so a model used as a layer
        keeps its BatchNormalization's moving statistics out of training, as the model itself does."""
        if self._keras_style:
            return super().split_trainable(params, trainable)
        trainable_part, frozen = {}, {}
        for name, layer_params in params.items():
            layer_trainable, layer_frozen = self._layer_by_name(name).split_trainable(layer_params,
                                                                                      trainable and self.trainable)
            if layer_trainable:
                trainable_part[name] = layer_trainable
            if layer_frozen:
                frozen[name] = layer_frozen
        return trainable_part, frozen

    def _layer_by_name(self, name):
        layers = getattr(self, "_layers_by_name", None)
        if layers is None or name not in layers:
            self._layers_by_name = layers = {layer.name: layer for layer in self.operations}
        return layers[name]

    def _total_loss(self, params, x, ys, sample_weights, training, rng, state, updates=None):
        activity = []           # activity penalties count in evaluate too, as in Keras 3
        added = []
        outputs, masks, new_state = self.forward(params, x, training, rng, state, activity=activity, updates=updates,
                                                 losses=added)
        if not (self._compiled_losses or added or activity or self._overrides_compute_loss):
            raise ValueError(f"Model '{self.name}' has no loss to compute: no loss was given to compile(), and no "
                             f"layer called self.add_loss(...) in this call. Compile with loss=... (e.g. 'mse').")
        penalties = list(activity or ()) + added + [self.regularization_loss(params)]
        if self._overrides_compute_loss:
            return self._loss_of_step(x, ys, outputs, masks, sample_weights, penalties, training), outputs, masks, \
                new_state
        return _sum_terms(self._loss_terms(ys, outputs, masks, sample_weights) + penalties), outputs, masks, new_state

    def _loss_terms(self, ys, outputs, masks, sample_weights):
        """The compiled losses, each times its loss weight."""
        terms = []
        for entry in self._compiled_losses:
            value = entry.value(ys, outputs, masks, sample_weights)
            terms.append(value if entry.weight is None else value * entry.weight)
        return terms

    def _data_loss(self, ys, outputs, masks, sample_weights):
        """The sum of the weighted compiled losses (0.0 when no output has a loss)."""
        return _sum_terms(self._loss_terms(ys, outputs, masks, sample_weights))

    def _train_step(self, x, ys, sample_weights, state):
        """One optimizer step on one batch. Returns (loss, outputs, output masks, new state); on a
        non-finite loss the weights are left untouched and outputs is None."""
        current = self.params
        trainable, frozen = self._split_params()
        leaves = flatten_params(trainable)
        captured = {}
        rng = backend.LazyRng()

        updates = {}

        def objective(*trainable_leaves):
            # the gradient is taken with respect to a flat tuple of arrays: cheaper to trace than nested dicts
            params = merge_like(current, frozen, unflatten_like(trainable, trainable_leaves)) if frozen else \
                unflatten_like(trainable, trainable_leaves)
            loss, outputs, masks, new_state = self._total_loss(params, x, ys, sample_weights, True, rng, state, updates)
            captured.update(outputs=outputs, masks=masks, state=new_state)
            return loss

        # a chain of built-in layers composes its step from the layers' own backward passes (no tracing)
        composed = composed_loss_and_grads(self, trainable, x, ys, sample_weights, frozen, updates, rng)
        if composed is not None:
            loss_value, grads, outputs, masks = composed
            captured.update(outputs=outputs, masks=masks, state={})
        elif not leaves:     # a frozen or weightless model: its loss (and any moving statistics), nothing to differentiate
            loss_value, grads = objective(), ()
        else:
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
            return UPDATE_OVERFLOWED, None, None, None     # the update overflowed: keep the last finite weights
        new_trainable = self.apply_constraints(unflatten_like(trainable, new_leaves))
        new_params = merge_like(current, frozen, new_trainable) if frozen else new_trainable
        self._assign_params(merge_like(new_params, _unbox_state(updates)) if updates else new_params)
        return (loss_value, [getval(o) for o in captured["outputs"]], [getval(m) for m in captured["masks"]],
                _unbox_state(captured["state"]))

    # ---- data preparation -----------------------------------------------------------------------
    def _prepare_inputs(self, x, what):
        warn_if_structure_differs(self, x)
        if not self.built:
            sample = x[0] if isinstance(x, (list, tuple)) and len(x) and np.ndim(x[0]) > 0 else x
            self.ensure_built((None,) + np.shape(sample)[1:])
        xs = D.to_array_list(_by_structure(x, self._input_structure), self.inputs, "inputs", self.name)
        xs = [D.standardized_rank(a, t) for a, t in zip(xs, self.inputs)]
        D.check_input_shapes(xs, self.inputs, self.name, self.shape_chain)
        D.check_same_length({"x": xs}, self.name)
        return xs

    def _has_own_loss(self):
        """Whether the model may train without a compiled loss: it overrides compute_loss, or one of its layers'
        call adds a loss of its own (Keras's guide's LogisticEndpoint calls self.add_loss)."""
        if self._overrides_compute_loss:
            return True
        return any(_calls_add_loss(layer) or isinstance(layer, Trainer) and layer._has_own_loss()
                   for layer in self.operations)

    def _target_per_output(self, y):
        """One array of targets for a model of several outputs only one of which has a loss (`loss=[fn, None]`,
        keras.io's miniature GPT) is that output's; the others get None, as in Keras 3."""
        with_loss = [i for i, loss in enumerate(getattr(self, "_losses", [])) if loss is not None]
        if len(self.outputs) < 2 or len(with_loss) != 1 or isinstance(y, (list, tuple, dict)) or y is None:
            return y
        return [y if i == with_loss[0] else None for i in range(len(self.outputs))]

    def _prepare(self, x, y, sample_weight, class_weight, what, index_checks=None):
        xs = self._prepare_inputs(x, what)
        if y is None and self._compiled_losses:
            raise ValueError(f"Model '{self.name}'.{what}() needs targets y.")
        if y is None:        # the loss is the model's own (add_loss): no output needs a target
            y = [None] * len(self.outputs)
        ys = D.to_array_list(self._target_per_output(_by_structure(y, self._output_structure)), self.outputs,
                             "targets", self.name)
        D.check_class_weight(class_weight, self.name)
        sample_weight = D.sample_weight_arrays(self._weights_by_output(sample_weight), len(self.outputs), self.name)
        sws = _sample_weights(sample_weight, class_weight, ys, self.name)
        D.check_same_length({"x": xs, "y": ys, "sample_weight": sws}, self.name)
        D.check_finite({"x": xs, "y": ys, "sample_weight": sws}, self.name)
        D.check_targets(ys, self.outputs, self._losses, self.name)
        if index_checks is None:
            index_checks = D.embedding_index_checks(self.inputs, self.layers)
        D.check_embedding_indices(xs, self.inputs, None, index_checks)
        return {"x": xs, "y": ys, "sample_weight": sws}

    def _weights_by_output(self, sample_weight):
        """Sample weights given as a dict (keyed as the model's dict outputs, or by output layer name) or nested
        like the outputs: a list with one entry per output (None for an output left out)."""
        if isinstance(sample_weight, dict):
            keys = list(self._output_structure) if isinstance(self._output_structure, dict) else \
                self._output_layer_names()
            unknown = [k for k in sample_weight if k not in keys]
            if unknown:
                raise ValueError(f"Model '{self.name}': sample_weight has keys {unknown} that name no output; the "
                                 f"outputs are {keys}.")
            if len(keys) == len(self.outputs):
                return [sample_weight.get(k) for k in keys]
        if is_nested(self._output_structure) and isinstance(sample_weight, (list, tuple, dict)) and \
                is_nested(sample_weight):
            return flatten_like(self._output_structure, sample_weight, f"Model '{self.name}': sample_weight")
        return sample_weight

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


def _calls_add_loss(layer):
    """Whether the layer's class's call names add_loss (read from its code, without running it)."""
    code = getattr(getattr(type(layer), "call", None), "__code__", None)
    return code is not None and "add_loss" in code.co_names


def _by_structure(data, structure):
    """Data given as a dict keyed like a model built from dicts (`Model({"a": x}, {"out": y})`), or nested like
    nested outputs: one array per tensor, in the model's order. Other data (or dicts keyed by tensor name) is left
    as it is."""
    if is_nested(structure) and isinstance(data, (list, tuple, dict)) and is_nested(data):
        return flatten_like(structure, data, "targets")
    if isinstance(data, dict) and isinstance(structure, dict) and all(k in data for k in structure):
        return [data[k] for k in structure]
    return data


def _sum_terms(terms):
    """The sum of the loss terms, skipping exact zeros (no penalty): each skipped add is one node less to
    differentiate in every training step."""
    terms = [t for t in terms if not (isinstance(t, (int, float)) and t == 0.0)]
    total = terms[0] if terms else 0.0
    for term in terms[1:]:
        total = total + term
    return total


def _sample_weights(sample_weight, class_weight, ys, model_name):
    if sample_weight is None and class_weight is None:
        return None
    weights = []
    for i, y in enumerate(ys):
        if y is None:               # an output without a loss, given no target
            weights.append(None)
            continue
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


def _unbox_state(state):
    if isinstance(state, dict):
        return {k: _unbox_state(v) for k, v in state.items()}
    if isinstance(state, (list, tuple)):
        return [_unbox_state(v) for v in state]
    return None if state is None else getval(state)

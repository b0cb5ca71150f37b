"""Model.compute_loss as Keras 3 has it: the loss of a batch, which fit and evaluate ask for and a subclass may
override (`def compute_loss(self, x, y, y_pred, sample_weight=None, training=True)`), its default being the compiled
losses plus the layers' penalties.

While a step runs, the pieces the default needs besides its arguments (the output masks and the penalties of this
very forward pass, traced when training) are kept for it in `model._loss_step`.
"""
import contextlib

from .structure import flatten_like, outputs_in_structure


class ComputeLoss:
    """Mixed into the Trainer: compute_loss and what the training step calls it with."""

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The loss of a batch: the compiled losses of `y_pred` against `y` (each times its loss weight, with the
        output masks and `sample_weight`), plus what the layers add (regularizers, activity penalties, add_loss).
        `y`, `y_pred` and `sample_weight` come in the structure of the model's outputs. Override it for a loss of
        your own; `super().compute_loss(...)` is this one."""
        step = getattr(self, "_loss_step", None) or {}
        ys, outputs = self._per_output(y, "y"), self._per_output(y_pred, "y_pred")
        masks = step.get("masks") or [None] * len(outputs)
        weights = [None] * len(outputs) if sample_weight is None else self._per_output(sample_weight, "sample_weight")
        penalties = step["penalties"] if "penalties" in step else [self.regularization_loss(self.params)]
        total = 0.0
        for term in self._loss_terms(ys, outputs, masks, weights) + list(penalties):
            total = total + term
        return total

    @property
    def _overrides_compute_loss(self):
        return type(self).compute_loss is not ComputeLoss.compute_loss

    def _per_output(self, value, what):
        structure = getattr(self, "_output_structure", None)
        if structure is None or len(self.outputs) == 1 and not isinstance(structure, (list, tuple, dict)):
            return [value]
        return flatten_like(structure, value, f"Model '{self.name}'.compute_loss {what}")

    def _loss_of_step(self, x, ys, outputs, masks, sample_weights, penalties, training):
        """The batch's loss through the model's compute_loss (yours, if overridden), arguments in Keras's structures."""
        with self._step_pieces(masks, penalties):
            return self.compute_loss(x=self._structured(x, "_input_structure"),
                                     y=self._structured(ys, "_output_structure"),
                                     y_pred=self._structured(outputs, "_output_structure"),
                                     sample_weight=None if all(w is None for w in sample_weights) else
                                     self._structured(sample_weights, "_output_structure"),
                                     training=training)

    def _structured(self, flat, structure_name):
        structure = getattr(self, structure_name, None)
        if structure is None:
            return flat[0] if len(flat) == 1 else flat
        return outputs_in_structure(structure, flat)

    @contextlib.contextmanager
    def _step_pieces(self, masks, penalties):
        self._loss_step = {"masks": masks, "penalties": penalties}
        try:
            yield
        finally:
            self._loss_step = None

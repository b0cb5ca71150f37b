"""Model methods Keras 2 had and Keras 3 removed: fit_generator, evaluate_generator, predict_generator,
predict_classes and predict_proba; each works and warns once with the Keras 3 way."""
import itertools
import warnings

import numpy as np

from .. import legacy
from ..utils.py_dataset import PyDataset


class Keras2Methods:
    """Mixed into Trainer: Keras 2's removed model methods, each a thin shell over fit/evaluate/predict."""

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, validation_freq=1, class_weight=None,
                      max_queue_size=10, workers=1, use_multiprocessing=False, shuffle=True, initial_epoch=0,
                      **kwargs):
        """Keras 2's name for `fit(generator, ...)`: the same training, reading batches from the generator,
        iterator or PyDataset. max_queue_size, workers and use_multiprocessing are accepted and do nothing here
        (batches are read in order in the training thread)."""
        legacy.warn_once("model.fit_generator(generator, ...)", "model.fit(generator, ...)")
        _ignore_keras1_workers(kwargs)
        if "samples_per_epoch" in kwargs:
            generator, steps_per_epoch = _steps_for_samples(generator, kwargs.pop("samples_per_epoch"),
                                                            "samples_per_epoch", "steps_per_epoch")
        if "nb_val_samples" in kwargs and validation_data is not None:
            validation_data, validation_steps = _steps_for_samples(validation_data, kwargs.pop("nb_val_samples"),
                                                                   "nb_val_samples", "validation_steps")
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                        callbacks=callbacks, validation_data=validation_data, validation_steps=validation_steps,
                        validation_freq=validation_freq, class_weight=class_weight, shuffle=shuffle,
                        initial_epoch=initial_epoch, **kwargs)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                           use_multiprocessing=False, verbose=0, **kwargs):
        """Keras 2's name for `evaluate(generator, steps=...)`; silent by default, as in Keras 2 (Keras 1's
        `val_samples=` is turned into steps from the first batch's size)."""
        legacy.warn_once("model.evaluate_generator(generator, ...)", "model.evaluate(generator, ...)")
        generator, steps = _keras1_val_samples(generator, steps, kwargs, "evaluate_generator")
        return self.evaluate(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0, **kwargs):
        """Keras 2's name for `predict(generator, steps=...)`; silent by default, as in Keras 2 (Keras 1's
        `val_samples=` is turned into steps from the first batch's size)."""
        legacy.warn_once("model.predict_generator(generator, ...)", "model.predict(generator, ...)")
        generator, steps = _keras1_val_samples(generator, steps, kwargs, "predict_generator")
        return self.predict(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Keras 2's class predictions: the argmax over the last axis, or for a single output unit (a sigmoid)
        1 where the prediction is above 0.5, else 0, as int32."""
        legacy.warn_once("model.predict_classes(x)", "np.argmax(model.predict(x), axis=-1), or for one sigmoid "
                                                     "unit (model.predict(x) > 0.5).astype('int32')")
        probabilities = self.predict(x, batch_size=batch_size, verbose=verbose)
        if probabilities.shape[-1] > 1:
            return probabilities.argmax(axis=-1)
        return (probabilities > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        """Keras 2's name for `predict(x)`; warns, as Keras 2 did, if the outputs are not probabilities in [0, 1]."""
        legacy.warn_once("model.predict_proba(x)", "model.predict(x)")
        probabilities = self.predict(x, batch_size=batch_size, verbose=verbose)
        if np.min(probabilities) < 0.0 or np.max(probabilities) > 1.0:
            warnings.warn(f"Model '{self.name}'.predict_proba(): the network returns values outside [0, 1] "
                          f"(from {np.min(probabilities):.4g} to {np.max(probabilities):.4g}), so they are not "
                          f"probabilities; is the last activation a softmax or sigmoid?", UserWarning, stacklevel=2)
        return probabilities


def _ignore_keras1_workers(kwargs):
    """Keras 1's names for the reader options, which do nothing here either."""
    for old, new in (("max_q_size", "max_queue_size"), ("nb_worker", "workers"), ("pickle_safe", "use_multiprocessing")):
        if old in kwargs:
            legacy.warn_once(f"{old}=...", f"{new}=...")
            kwargs.pop(old)


def _keras1_val_samples(generator, steps, kwargs, method):
    _ignore_keras1_workers(kwargs)
    if "val_samples" in kwargs:
        generator, steps = _steps_for_samples(generator, kwargs.pop("val_samples"), "val_samples", "steps")
    if kwargs:
        raise TypeError(f"{method}() got unexpected argument(s) {sorted(kwargs)}.")
    return generator, steps


def _steps_for_samples(stream, samples, old, new):
    """Keras 1 counted an epoch in samples: as many batches as cover `samples`, judged by the first batch's
    size (read here and put back in front of the stream)."""
    if isinstance(stream, PyDataset) or not hasattr(stream, "__next__"):
        raise TypeError(f"Keras 1's {old}=... needs a generator; give {new}= (a number of batches) instead.")
    if not isinstance(samples, (int, np.integer)) or isinstance(samples, bool) or samples < 1:
        raise ValueError(f"{old} must be a positive number of samples, got {samples!r}.")
    first = next(stream)
    x = first[0] if isinstance(first, (tuple, list)) else first
    x = next(iter(x.values())) if isinstance(x, dict) else (x[0] if isinstance(x, (list, tuple)) else x)
    batch_size = len(x)
    legacy.warn_once(f"{old}=...", f"{new}=... (a number of batches: {old} // batch_size)")
    return itertools.chain([first], stream), -(-int(samples) // batch_size)

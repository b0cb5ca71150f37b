"""Callbacks that steer training: TerminateOnNaN, LearningRateScheduler, and LambdaCallback (any hook from a
plain function)."""
import numpy as np

from .base import Callback


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
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(rate)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


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

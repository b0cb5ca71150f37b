"""The Callback base class, and CallbackList, which calls one hook on every callback in order."""


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
    def on_batch_begin(self, batch, logs=None): pass
    def on_batch_end(self, batch, logs=None): pass
    # Keras 1/2 callbacks override on_batch_begin/on_batch_end: the train-batch hooks call them, as in Keras
    def on_train_batch_begin(self, batch, logs=None): self.on_batch_begin(batch, logs=logs)
    def on_train_batch_end(self, batch, logs=None): self.on_batch_end(batch, logs=logs)
    def on_test_begin(self, logs=None): pass
    def on_test_end(self, logs=None): pass
    def on_test_batch_begin(self, batch, logs=None): pass
    def on_test_batch_end(self, batch, logs=None): pass
    def on_predict_begin(self, logs=None): pass
    def on_predict_end(self, logs=None): pass
    def on_predict_batch_begin(self, batch, logs=None): pass
    def on_predict_batch_end(self, batch, logs=None): pass


class CallbackList:
    """Calls each hook on every callback in order; adds History (and the progress bar when verbose)."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        from .history import History, ProgbarLogger   # imported here: those callbacks build on this module
        self.callbacks = list(callbacks or [])
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(f"fit(callbacks=...) takes Callback objects, got {callback!r}.")
        # as in Keras, History and then the progress bar come after the user's callbacks: their messages print
        # before the epoch's line, and what they add to the logs (ReduceLROnPlateau's learning_rate) shows in it
        if add_history:
            history = History()
            self.callbacks.append(history)
            if model is not None:
                model.history = history
        if add_progbar:
            self.callbacks.append(ProgbarLogger())
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
    """Whether the callback's class, or the callback itself (LambdaCallback's functions), has a batch hook."""
    hooks = ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")
    cls = type(callback)
    return any(getattr(cls, hook) is not getattr(Callback, hook) or hook in vars(callback) for hook in hooks)

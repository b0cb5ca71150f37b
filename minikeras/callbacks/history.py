"""History (each epoch's logs) and ProgbarLogger (Keras 3's progress lines): the callbacks fit adds itself."""
from ..utils.progbar import Progbar
from .base import Callback


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

    # the logs in the order fit hands them out, Keras's: by name, the val_ ones by name after them, then what a
    # callback added (ReduceLROnPlateau's learning_rate)
    def on_train_batch_end(self, batch, logs=None):
        self.progbar.update(batch + 1, dict(logs or {}), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        self.progbar.update(self.params.get("steps"), dict(logs or {}), finalize=True)

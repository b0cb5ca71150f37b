"""ModelCheckpoint: save the model or its weights as training goes, every epoch or only when it improves."""
import os

from .monitoring import _Monitoring


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
        directory = os.path.dirname(path)
        if directory:   # Keras makes the checkpoint's directory when it is missing
            os.makedirs(directory, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)

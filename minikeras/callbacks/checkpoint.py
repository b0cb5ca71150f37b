"""ModelCheckpoint: save the model or its weights as training goes, every epoch (or every `save_freq` batches),
or only when the monitored value improves."""
import os
import warnings

from .monitoring import _Monitoring


class ModelCheckpoint(_Monitoring):
    """Save the model (or its weights) after each epoch; with save_best_only, only when `monitor` improves.

    `filepath` may hold format fields: 'model-{epoch:02d}-{val_loss:.2f}.keras' (and {batch} with a number
    `save_freq`); a missing directory is made.
    `save_freq` is "epoch" or a number of batches (counted across epochs). With save_best_only and no
    `monitor` in the logs, the model is saved anyway, with a warning, as Keras does.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool) or save_freq < 1):
            raise ValueError(f"ModelCheckpoint: save_freq must be 'epoch' or a positive number of batches, "
                             f"got {save_freq!r}.")
        filepath = str(filepath)
        # Keras 3 wants '.weights.h5' or '.keras'; Keras 2's '.h5' / '.hdf5' (its HDF5 formats) are kept for its code
        if save_weights_only and not filepath.endswith((".weights.h5", ".h5", ".hdf5")):
            raise ValueError(f"ModelCheckpoint: with save_weights_only=True the filepath must end in '.weights.h5' "
                             f"(as in Keras 3; Keras 2's '.h5' and '.hdf5' work too), got {filepath!r}.")
        if not save_weights_only and not filepath.endswith((".keras", ".h5", ".hdf5")):
            raise ValueError(f"ModelCheckpoint: the filepath must end in '.keras' (or Keras 2's '.h5' or '.hdf5'), "
                             f"got {filepath!r}.")
        self.filepath, self.verbose, self.save_freq = filepath, verbose, save_freq
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self._batches_since_saving, self._last_batch, self._current_epoch = 0, None, 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        # batches count on across epochs: a batch number that does not grow starts a new epoch
        new = batch + 1 if self._last_batch is None or batch <= self._last_batch else batch - self._last_batch
        self._batches_since_saving += new
        self._last_batch = batch
        if self._batches_since_saving >= self.save_freq:
            self._batches_since_saving = 0
            self._save(self._current_epoch, logs, batch)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, logs)

    def _save(self, epoch, logs, batch=None):
        logs = logs or {}
        fields = {"epoch": epoch + 1, **({"batch": batch + 1} if batch is not None else {}), **logs}
        path = self.filepath.format(**fields)
        if self.save_best_only and not self._improved_now(epoch, logs, path):
            return
        if not self.save_best_only and self.verbose:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")       # Keras's blank line before each message
        directory = os.path.dirname(path)
        if directory:   # Keras makes the checkpoint's directory when it is missing
            os.makedirs(directory, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: finished saving model to {path}")

    def _improved_now(self, epoch, logs, path):
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"ModelCheckpoint: can save the best model only with {self.monitor} available; "
                          f"saving anyway (logs have {sorted(logs)}).", UserWarning, stacklevel=4)
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"      # Keras 3 starts from no best at all
        if not self._improved(value):
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
            return False
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {value:.5f}, saving model to {path}")
        self.best = value
        return True

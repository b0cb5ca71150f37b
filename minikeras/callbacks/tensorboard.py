"""TensorBoard: the training curves as TensorBoard event files, in the folders and under the tags Keras writes.

`log_dir/train` gets `epoch_<name>` for every logged value each epoch (`epoch_loss`, `epoch_accuracy`) and, with
`update_freq="batch"` or a number of batches, `batch_<name>`; `log_dir/validation` gets the validation values as
`epoch_<name>` and `evaluation_<name>_vs_iterations` (against the number of batches trained). Scalars only: the
graph, weight histograms, images, embeddings and profiles Keras can add need TensorFlow, and are skipped with one
warning. The files are written by event_file.py; open them with `tensorboard --logdir logs`.
"""
import os
import warnings

from .base import Callback
from .event_file import EventFile

_NOT_WRITTEN = ("histogram_freq", "write_images", "embeddings_freq", "profile_batch")


class TensorBoard(Callback):
    """Write the logged losses and metrics for TensorBoard (scalars; see the module's docstring)."""

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None):
        super().__init__()
        if update_freq not in ("epoch", "batch") and not (isinstance(update_freq, int) and update_freq > 0):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a number of batches >= 1, "
                             f"got {update_freq!r}.")
        self.log_dir, self.update_freq = os.fspath(log_dir), 1 if update_freq == "batch" else update_freq
        self.write_graph, self.write_steps_per_second = write_graph, write_steps_per_second
        asked = [name for name, value in zip(_NOT_WRITTEN, (histogram_freq, write_images, embeddings_freq,
                                                             profile_batch)) if value]
        if asked:
            warnings.warn(f"TensorBoard: minikeras writes scalars only; {asked} need TensorFlow and are skipped.",
                          UserWarning, stacklevel=2)
        self._files, self._batches = {}, 0

    def _file(self, run):
        if run not in self._files:
            self._files[run] = EventFile(os.path.join(self.log_dir, run))
        return self._files[run]

    def on_train_begin(self, logs=None):
        self._batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self._batches += 1
        if self.update_freq != "epoch" and self._batches % self.update_freq == 0:
            for name, value in _scalars(logs):
                self._file("train").scalar(f"batch_{name}", value, self._batches)

    def on_epoch_end(self, epoch, logs=None):
        for name, value in _scalars(logs):
            if name.startswith("val_"):
                validation = self._file("validation")
                validation.scalar(f"evaluation_{name[4:]}_vs_iterations", value, self._batches)
                validation.scalar(f"epoch_{name[4:]}", value, epoch)
            else:
                self._file("train").scalar(f"epoch_{name}", value, epoch)

    def on_train_end(self, logs=None):
        for event_file in self._files.values():
            event_file.close()
        self._files = {}


def _scalars(logs):
    """The logged values TensorBoard can draw as scalars (a metric of several values, per class, is skipped)."""
    for name, value in (logs or {}).items():
        try:
            yield name, float(value)
        except (TypeError, ValueError):
            continue

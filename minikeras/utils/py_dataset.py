"""PyDataset (Keras 3) and Sequence (Keras 2): a dataset that hands out one batch per index, for fit/evaluate/predict."""


class PyDataset:
    """Subclass it, define `__len__` (the number of batches) and `__getitem__(index)` (one batch), and pass the
    object to `fit`, `evaluate` or `predict` (also as `validation_data`).

    A batch is `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`; `x` and `y` may be lists or dicts of arrays for
    models with several inputs or outputs. Batches are read one at a time, so the data never has to fit in memory.

    As in Keras 3, fit calls `on_epoch_begin()` before each epoch and `on_epoch_end()` after it (once more before
    the first epoch, and evaluate calls it before and after its pass); `fit(shuffle=True)` visits the batch
    indices in a new random order each epoch. A dataset without `__len__` may define a `num_batches` property
    instead; `num_batches = None` means endless (then fit needs `steps_per_epoch`).

    `workers`, `use_multiprocessing` and `max_queue_size` are accepted and kept as attributes, so Keras code runs
    unchanged, but minikeras reads the batches in order in the thread that trains: a training step holds
    Python's interpreter lock for almost all of its time, so reader threads would wait rather than overlap it.
    Keras 2 subclasses of `Sequence` that never call `super().__init__()` work too.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    # Keras 2 `Sequence` subclasses skip super().__init__(): these defaults stand in for it
    workers = 1
    use_multiprocessing = False
    max_queue_size = 10

    def __getitem__(self, index):
        """The batch at position `index` (0 <= index < len(self))."""
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(self, index) returning one batch.")

    @property
    def num_batches(self):
        """The number of batches (len(self)), or None for an endless dataset."""
        if hasattr(type(self), "__len__"):
            return len(self)
        raise NotImplementedError(f"{type(self).__name__} must define __len__ (the number of batches), or a "
                                  f"num_batches property (None for an endless dataset).")

    def __iter__(self):
        count = self.num_batches
        index = 0
        while count is None or index < count:
            yield self[index]
            index += 1

    def on_epoch_begin(self):
        """Called before each epoch; override to prepare one."""

    def on_epoch_end(self):
        """Called after each epoch; override to shuffle or change the data between epochs."""


Sequence = PyDataset   # Keras 2's name: keras.utils.Sequence is the same class in Keras 3

"""Callbacks: hooks fit calls at each batch and epoch — History, progress, early stopping, checkpoints."""
from .base import Callback, CallbackList
from .history import History, ProgbarLogger
from .monitoring import EarlyStopping, ReduceLROnPlateau
from .checkpoint import ModelCheckpoint
from .control import LambdaCallback, LearningRateScheduler, TerminateOnNaN
from .csv_logger import CSVLogger
from .tensorboard import TensorBoard

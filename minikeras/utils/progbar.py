"""Progbar: the one-line progress display Keras 3 prints during fit, evaluate and predict."""
import sys
import time

import numpy as np

_BAR_WIDTH = 20


def _interactive(stream):
    if hasattr(stream, "isatty") and stream.isatty():
        return True
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return type(shell).__name__ == "ZMQInteractiveShell"     # a Jupyter notebook redraws "\r" lines too


def format_time_per_step(seconds):
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


def format_value(value, verbose=1):
    """Keras's rule: 4 decimals, or scientific notation for small values (0 included; with verbose=2, Keras
    compares the signed value, so negative values are scientific there). A metric of several values (F1Score
    with average=None) shows their mean, as Keras's bar does."""
    value = float(np.mean(value)) if np.ndim(value) else value
    large = abs(value) > 1e-3 if verbose != 2 else value > 1e-3
    return f"{value:.4f}" if large else f"{value:.4e}"


class Progbar:
    """`update(current, values)` redraws `12/32 ━━━━━━━          0s 3ms/step - loss: 0.1234`.

    In a terminal or notebook the line is redrawn as steps finish (at most every `interval` seconds);
    elsewhere (logs, CI) only the finished line is printed, so logs stay one line an epoch.
    verbose=2 prints only the finished line, in Keras's `32/32 - 0s - 3ms/step - loss: ...` form.
    `target=None` means the number of steps is not known yet (a generator): the line reads `7/Unknown` until
    the finishing update, which takes the steps seen as the target; `update(None, ...)` means "the steps seen".
    """

    def __init__(self, target, width=_BAR_WIDTH, verbose=1, interval=0.05, stream=None, unit_name="step"):
        self.target, self.width, self.verbose, self.interval = target, width, verbose, interval
        self.stream = stream or sys.stdout
        self.unit_name = unit_name
        self.dynamic = _interactive(self.stream)
        self._start = time.perf_counter()
        self._last_draw = 0.0
        self._seen = 0

    def update(self, current, values=None, finalize=None):
        current = self._seen if current is None else current
        self._seen = current
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if finalize and self.target is None:
            self.target = current
        now = time.perf_counter()
        if not finalize and (self.verbose != 1 or not self.dynamic or now - self._last_draw < self.interval):
            return
        self._last_draw = now
        line = self._line(current, now - self._start, values or {}, finalize)
        if self.verbose == 1 and self.dynamic:
            self.stream.write("\r" + line + ("\n" if finalize else ""))
        elif finalize:
            self.stream.write(line + "\n")
        self.stream.flush()

    def _line(self, current, elapsed, values, finished):
        per_step = elapsed / max(current, 1)
        metrics = "".join(f" - {name}: {format_value(value, self.verbose)}" for name, value in values.items())
        if self.target is None:
            return f"{current:>7}/Unknown {elapsed:.0f}s {format_time_per_step(per_step)}{metrics}"
        digits = len(str(self.target))
        if self.verbose == 2:
            return f"{current:>{digits}}/{self.target} - {elapsed:.0f}s - {format_time_per_step(per_step)}{metrics}"
        filled = int(self.width * current / max(self.target, 1))
        bar = "━" * filled + " " * (self.width - filled)
        shown = elapsed if finished else per_step * (self.target - current)
        return f"{current:>{digits}}/{self.target} {bar} {shown:.0f}s {format_time_per_step(per_step)}{metrics}"

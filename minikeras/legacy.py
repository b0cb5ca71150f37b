"""Keras 1/2 spellings: translate them to Keras 3 names, and say so once per process so old code teaches the new."""
import os
import sys
import warnings


class LegacyArgumentWarning(UserWarning):
    """Shown once per old spelling; silence all with minikeras.legacy.silence_legacy_warnings()."""


_warned = set()
_enabled = True


def silence_legacy_warnings(silence=True):
    global _enabled
    _enabled = not silence


def warn_once(old, new):
    if _enabled and old not in _warned:
        _warned.add(old)
        warnings.warn(f"'{old}' is the Keras 1/2 spelling; minikeras accepts it. In Keras 3 write '{new}'.",
                      LegacyArgumentWarning, stacklevel=_first_frame_outside_package())


def _first_frame_outside_package():
    """The stacklevel that points the warning at the user's line, however deep inside minikeras it was raised."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(2), 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def rename(kwargs, mapping, owner, explicit=None):
    """Move each old keyword in `kwargs` to its Keras 3 name (in place); refuse one given both ways.

    `explicit` holds Keras 3 arguments the caller received as named parameters (None when not given), so
    Dense(units=3, output_dim=4) is refused too, not silently resolved to one of them.
    """
    explicit = explicit or {}
    for old, new in mapping.items():
        if old not in kwargs:
            continue
        value = kwargs.pop(old)
        if (new in kwargs and kwargs[new] is not None) or explicit.get(new) is not None:
            raise TypeError(f"{owner}: '{old}' (Keras 1/2) and '{new}' (Keras 3) name the same argument; give one.")
        warn_once(f"{owner}({old}=...)" if owner else old, f"{new}=...")
        kwargs[new] = value
    return kwargs


KERAS1_WEIGHT_ARGS = {
    "output_dim": "units", "init": "kernel_initializer", "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer", "W_constraint": "kernel_constraint", "b_constraint": "bias_constraint",
    "bias": "use_bias",
}

KERAS1_RECURRENT_ARGS = {
    **KERAS1_WEIGHT_ARGS, "inner_init": "recurrent_initializer", "inner_activation": "recurrent_activation",
    "U_regularizer": "recurrent_regularizer", "U_constraint": "recurrent_constraint", "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
}

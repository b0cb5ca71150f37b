"""keras.random: random draws for custom layers (dropout, normal, uniform, ...), reproducible under set_random_seed.

Inside a model's pure call the draws come from that call's generator, so a training step is a function of its
inputs and its seed; elsewhere from a fresh generator drawn from the global seed. `seed` may be an int or a
SeedGenerator, as in Keras; the values never equal Keras's own random streams, only their distributions do.
"""
import autograd.numpy as anp
import numpy as np

from . import backend
from .layers.variable import current_call


class SeedGenerator:
    """A source of seeds for the random functions: `SeedGenerator(1337)` makes a layer's draws repeat."""

    def __init__(self, seed=None, **kwargs):
        self.seed = seed
        self._generator = np.random.default_rng(seed) if seed is not None else None

    def next(self):
        return self._generator if self._generator is not None else backend.new_rng()

    def get_config(self):
        return {"seed": self.seed}


def _generator(seed):
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is not None:
        return np.random.default_rng(seed)
    context = current_call()
    if context is not None and context.rng is not None:
        return context.rng
    return backend.new_rng()


def _dtype(dtype):
    return np.dtype(dtype or backend.floatx())


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draws from a normal distribution."""
    return (_generator(seed).standard_normal(tuple(shape)) * stddev + mean).astype(_dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Draws from a uniform distribution on [minval, maxval)."""
    return _generator(seed).uniform(minval, maxval, size=tuple(shape)).astype(_dtype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draws from a normal distribution, redrawn beyond two standard deviations."""
    rng = _generator(seed)
    values = rng.standard_normal(tuple(shape))
    outside = np.abs(values) > 2
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return (values * stddev + mean).astype(_dtype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Whole numbers drawn uniformly from [minval, maxval)."""
    return _generator(seed).integers(minval, maxval, size=tuple(shape)).astype(dtype)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices drawn from the softmax of each row of `logits` (batch, classes)."""
    logits = np.asarray(logits, dtype=np.float64)
    probabilities = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probabilities /= probabilities.sum(axis=-1, keepdims=True)
    rng = _generator(seed)
    return np.stack([rng.choice(len(p), size=num_samples, p=p) for p in probabilities]).astype(dtype)


def shuffle(x, axis=0, seed=None):
    """`x` with its entries along `axis` in random order."""
    order = _generator(seed).permutation(np.shape(x)[axis])
    return anp.take(x, order, axis=axis)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each entry with probability `rate` and scale the rest by 1 / (1 - rate), as Dropout does."""
    if not 0 <= rate < 1:
        raise ValueError(f"random.dropout: rate must be in [0, 1), got {rate!r}.")
    if rate == 0:
        return inputs
    shape = tuple(noise_shape) if noise_shape is not None else np.shape(inputs)
    keep = _generator(seed).random(shape) >= rate
    return inputs * (keep / (1.0 - rate)).astype(np.result_type(getattr(inputs, "dtype", backend.floatx())))

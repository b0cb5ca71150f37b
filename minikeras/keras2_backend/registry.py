"""The registry of Keras 2 backend functions: each K function, and what Keras 3 writes instead."""
from .. import legacy

KERAS3 = {}   # K name -> what Keras 3 writes


def keras2(keras3_spelling):
    """Register a K function with its Keras 3 spelling; calling it warns once and then runs it."""
    def register(function):
        name = function.__name__
        KERAS3[name] = keras3_spelling

        def k_function(*args, **kwargs):
            legacy.warn_once(f"keras.backend.{name}", keras3_spelling)
            return function(*args, **kwargs)
        k_function.__name__ = k_function.__qualname__ = name
        k_function.__doc__ = f"{function.__doc__}\n\nKeras 3: `{keras3_spelling}`."
        k_function.__wrapped__ = function
        return k_function
    return register

"""Ops on symbolic tensors: `keras_op` lets each `minikeras.ops` function record a graph node when given one."""


def keras_op(function):
    """Mark `function` as a Keras op (class name = CamelCase of its name, module = keras.src.ops.<file>)."""
    return function

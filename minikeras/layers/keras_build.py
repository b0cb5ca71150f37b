"""The `build(input_shape)` of a Keras-style layer as its user calls it: the layer is built for good afterwards."""
import functools


def keras_style_build(user_build):
    """Wrap a Keras-style layer's own `build(input_shape)`: called by the user (a parent's build often does), it
    builds the layer for good, as Keras does, so the first call does not create the weights a second time."""
    @functools.wraps(user_build)           # keeps the user's module: keras_style.build_for tells them apart by it
    def build(self, *args, **kwargs):
        if getattr(self, "_building", False):        # ensure_built, or a subclass's build calling super().build
            return user_build(self, *args, **kwargs)
        self._building = True
        try:
            result = user_build(self, *args, **kwargs)
        finally:
            self._building = False
        shape = args[0] if args else next(iter(kwargs.values()), None)
        self._build_input_shape = _as_shape(shape)
        self.built = True
        return result

    return build


def _as_shape(shape):
    if isinstance(shape, list) and shape and isinstance(shape[0], (list, tuple)):
        return [tuple(s) for s in shape]
    return tuple(shape) if isinstance(shape, (list, tuple)) else shape

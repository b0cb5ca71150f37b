"""Your own layers, models and functions by name: what `register_keras_serializable` and `custom_objects` record.

A saved config names a class by its registered name (`"my_package>Linear"`); loading looks the name up in the
`custom_objects` given, then in the objects registered here. This module sits below layers and saving, which
both read it.
"""
import contextlib

_REGISTERED = {}        # registered name -> class or function
_NAMES = {}             # class or function -> registered name
_SCOPES = [{}]          # the global custom objects, then those of each active custom_object_scope


def register_keras_serializable(package="Custom", name=None):
    """A decorator that registers a class or function under `"package>name"` (name: its own by default), so
    that saved models that use it load without passing custom_objects."""
    if not isinstance(package, str) or ">" in package:
        raise ValueError(f"register_keras_serializable: package must be a string without '>', got {package!r}.")

    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):     # a ValueError, as Keras raises
            raise ValueError(f"register_keras_serializable: {obj.__name__} has no get_config(), so it cannot be "
                            f"saved and loaded.")
        _REGISTERED[registered] = obj
        _NAMES[obj] = registered
        return obj

    return decorator


def get_registered_name(obj):
    """The name `obj` is saved under: its registered name, or its own name."""
    return _NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The class or function saved as `name`: from `custom_objects`, a custom_object_scope, the registered
    objects, then `module_objects`; None when none of them knows it."""
    for table in [custom_objects or {}] + _SCOPES[::-1] + [_REGISTERED, module_objects or {}]:
        if name in table:
            return table[name]
    # Keras 3.6 wrote a registered function under its bare name: the one registered "package>name" answers
    matches = [obj for key, obj in _REGISTERED.items() if isinstance(name, str) and key.split(">")[-1] == name]
    return matches[0] if len(matches) == 1 else None


def get_custom_objects():
    """The global dict of custom objects (name -> object): entries added here are found when loading."""
    return _SCOPES[0]


@contextlib.contextmanager
def custom_object_scope(*scopes):
    """`with custom_object_scope({"Linear": Linear}):` makes those names known while loading inside the block."""
    merged = {}
    for scope in scopes:
        merged.update(scope or {})
    _SCOPES.append(merged)
    try:
        yield
    finally:
        _SCOPES.pop()


CustomObjectScope = custom_object_scope

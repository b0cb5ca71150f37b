"""Looking objects up by name, and the dicts Keras 3 saves them as: shared by activations, initializers, losses..."""
import difflib
import re


def unknown_name_error(kind: str, name, known) -> ValueError:
    """The ValueError for a name nobody registered: close matches first, then every known name."""
    known = sorted({str(k) for k in known})
    by_lower = {k.lower(): k for k in known}  # sorted: a lower-case spelling wins over a capitalized one
    close = [by_lower[c] for c in difflib.get_close_matches(str(name).lower(), list(by_lower), n=3, cutoff=0.5)]
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else \
        f" If it is your own, pass custom_objects={{{name!r}: ...}} or register it with " \
        f"@register_keras_serializable()."
    return ValueError(f"Unknown {kind} {name!r}.{hint} Known {kind} names: {', '.join(known)}.")


def snake_case(class_name):
    """'MeanSquaredError' -> 'mean_squared_error', 'KLDivergence' -> 'kl_divergence': Keras's default names."""
    words = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()


def keras_object_config(module, class_name, config):
    """The dict Keras 3 writes for a built-in object in config.json (serialize_keras_object's layout)."""
    return {"module": module, "class_name": class_name, "config": config, "registered_name": None}


def function_config(fn):
    """The dict Keras 3 writes for a plain user function (reloadable through custom_objects={name: fn})."""
    from .custom_objects import get_registered_name
    name = getattr(fn, "__name__", type(fn).__name__)
    registered = get_registered_name(fn)
    if registered != name:   # registered with register_keras_serializable: Keras 3 writes "package>name"
        return {"module": "builtins", "class_name": "function", "config": registered, "registered_name": "function"}
    return {"module": getattr(fn, "__module__", None), "class_name": "function", "config": name,
            "registered_name": name}


def object_config(obj):
    """The dict Keras 3 writes for an object of the user's that has get_config(): its class and its config
    (reloadable through custom_objects={class name: class} or register_keras_serializable)."""
    from .custom_objects import get_registered_name
    module = type(obj).__module__
    return {"module": None if module == "__main__" else module, "class_name": type(obj).__name__,
            "config": obj.get_config(), "registered_name": get_registered_name(type(obj))}


def object_from_config(config, kind, registry, custom_objects=None, string_defaults=None):
    """A name or a saved dict ({'class_name', 'config'}, Keras 2 or 3 layout) -> the object it names.

    `registry` maps names to classes (or plain functions, returned as they are). A class named by a bare
    string is built with `string_defaults[name]` (else no arguments); one named by a dict, from its config.
    `custom_objects` is searched first, for the user's own classes and functions.
    """
    if isinstance(config, str):
        name, kwargs = config, None
    elif isinstance(config, dict):
        if "class_name" not in config:
            raise ValueError(f"A {kind} given as a dict needs 'class_name' (and optionally 'config'), "
                             f"got keys {sorted(config)}.")
        name, kwargs = config["class_name"], config.get("config") or {}
        if name == "function" or not isinstance(kwargs, dict):
            name, kwargs = kwargs, None
    else:
        raise TypeError(f"A {kind} to look up must be a name or a config dict, got {config!r}.")
    from .custom_objects import get_registered_object
    found = (custom_objects or {}).get(name) or registry.get(name)
    if found is None and isinstance(name, str):      # registered with register_keras_serializable, or in a scope
        found = get_registered_object(name, custom_objects)
    if found is None:
        raise unknown_name_error(kind, name, registry)
    if not isinstance(found, type):
        return found
    if kwargs is None:
        return found(**(string_defaults or {}).get(name, {}))
    return found.from_config(dict(kwargs)) if hasattr(found, "from_config") else found(**kwargs)


class ConfigObject:
    """Shared by initializers, regularizers and constraints: rebuilt from get_config(), shown as a call."""

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Family:
    """get / serialize / deserialize for one family of Keras objects (initializers, regularizers, constraints):
    each takes None, a Keras name, a saved config dict, an instance of the family's class, or any callable."""

    def __init__(self, kind, module, base_class, registry, expected, string_defaults=None):
        self.kind, self.module, self.base_class = kind, module, base_class
        self.registry, self.expected, self.string_defaults = registry, expected, string_defaults

    def get(self, identifier):
        if identifier is None:
            return None
        if isinstance(identifier, (str, dict)):
            return self.deserialize(identifier)
        if isinstance(identifier, type) and issubclass(identifier, self.base_class):
            return identifier()
        if callable(identifier):
            return identifier
        raise TypeError(f"A {self.kind} must be {self.expected}; got {identifier!r} of type "
                        f"{type(identifier).__name__}.")

    def serialize(self, instance):
        if instance is None:
            return None
        if not isinstance(instance, self.base_class):
            return function_config(instance)
        return keras_object_config(self.module, type(instance).__name__, instance.get_config())

    def deserialize(self, config, custom_objects=None):
        return object_from_config(config, self.kind, self.registry, custom_objects, self.string_defaults)

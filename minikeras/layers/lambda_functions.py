"""A Lambda layer's functions to and from Keras 3's config form (a named function, or a lambda's bytecode).

A Python lambda is stored as Keras 3 stores it: its marshalled bytecode (base64), its default arguments and the
values it closes over. Rebuilding one runs code from the config, so it needs safe_mode=False.
"""
import base64
import builtins
import marshal
import types

import numpy as np

from .. import backend


class UnsafeLoadError(ValueError):
    """Loading would run Python code stored in the file."""


def function_config(fn):
    """Keras 3's config entry for a Lambda's function (or its output_shape/mask function)."""
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
        closure = None if not fn.__closure__ else [_jsonable(cell.cell_contents) for cell in fn.__closure__]
        defaults = None if fn.__defaults__ is None else [_jsonable(d) for d in fn.__defaults__]
        return {"class_name": "__lambda__", "config": {"code": code, "defaults": defaults, "closure": closure}}
    name = getattr(fn, "__name__", type(fn).__name__)
    return {"module": getattr(fn, "__module__", None), "class_name": "function", "config": name,
            "registered_name": name}


def is_stored_function(value):
    """True for the dict function_config writes (as opposed to an output shape or a plain value)."""
    return isinstance(value, dict) and value.get("class_name") in ("__lambda__", "function")


def function_from_config(layer_name, stored, custom_objects=None, safe_mode=True):
    """The function a Lambda config stores: found by name in custom_objects, or (safe_mode=False only) rebuilt
    from the bytecode Keras stored, closure values included."""
    custom_objects = custom_objects or {}
    if callable(stored):
        return stored
    if isinstance(stored, str) or (isinstance(stored, dict) and stored.get("class_name") == "function"):
        fn_name = stored if isinstance(stored, str) else stored.get("config")
        if fn_name in custom_objects:
            return custom_objects[fn_name]
        raise ValueError(f"Layer '{layer_name}' (Lambda) uses the function '{fn_name}', which is not in the file; "
                         f"pass custom_objects={{'{fn_name}': {fn_name}}}.")
    if isinstance(stored, dict) and stored.get("class_name") == "__lambda__":
        if safe_mode and not backend.unsafe_deserialization_enabled():
            raise UnsafeLoadError(
                f"Layer '{layer_name}' (Lambda) holds a Python lambda stored as bytecode; loading it would run code "
                f"from the file, which safe mode forbids. If you trust the file, pass safe_mode=False (or call "
                f"keras.config.enable_unsafe_deserialization() once).")
        return _function_from_bytecode(layer_name, stored.get("config") or {})
    raise ValueError(f"Layer '{layer_name}' (Lambda): cannot read its function from {stored!r:.120}.")


def _function_from_bytecode(layer_name, config):
    import autograd.numpy as anp
    try:
        code = marshal.loads(base64.b64decode(config["code"]))
    except (KeyError, ValueError, EOFError, TypeError) as error:
        raise ValueError(f"Layer '{layer_name}' (Lambda): its bytecode cannot be read by this Python "
                         f"({error}); it was probably written by another Python version.") from None
    if not isinstance(code, types.CodeType):
        raise ValueError(f"Layer '{layer_name}' (Lambda): its stored code is not a function's bytecode.")
    defaults = tuple(_as_value(d) for d in config["defaults"]) if config.get("defaults") else None
    closure = config.get("closure")
    if len(code.co_freevars) != len(closure or ()):
        raise ValueError(f"Layer '{layer_name}' (Lambda): its lambda uses the variables {list(code.co_freevars)} "
                         f"from around it, but the file stores {len(closure or ())} value(s) for them; define the "
                         f"function with def and pass it in custom_objects instead.")
    cells = tuple(types.CellType(_as_value(v)) for v in closure) if closure else None
    namespace = {"__builtins__": builtins, "np": anp, "numpy": anp}
    return types.FunctionType(code, namespace, code.co_name, defaults, cells)


def _as_value(stored):
    """A closure value read back from JSON; arrays come back from Keras 3's "__numpy__" entries."""
    if isinstance(stored, dict) and stored.get("class_name") == "__numpy__":
        config = stored.get("config") or {}
        return np.asarray(config.get("value"), dtype=config.get("dtype"))
    return stored


def _jsonable(value):
    """A closure value as Keras 3 writes it into JSON (an array as a "__numpy__" entry)."""
    if isinstance(value, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": value.tolist(), "dtype": str(value.dtype)}}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value

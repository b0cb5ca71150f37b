"""Looking up 'minikeras.layers.LSTM'-style dotted names: shared by the docs and notebook tests."""
import importlib


def resolve(dotted):
    """The module, or the attribute reachable from the longest importable module prefix, that `dotted` names."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            obj = getattr(obj, attribute)
        return obj
    raise ImportError(dotted)


def requirement_met(dotted):
    """True when `dotted` names an importable module, or an attribute reachable from one."""
    try:
        resolve(dotted)
    except (ImportError, AttributeError):
        return False
    return True

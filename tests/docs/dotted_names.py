"""Looking up 'minikeras.layers.LSTM'-style dotted names: shared by the docs and notebook tests."""
import pkgutil


def resolve(dotted):
    """The module, or the attribute reachable from the longest importable module prefix, that `dotted` names."""
    return pkgutil.resolve_name(dotted)   # the standard library's lookup: imports the longest module prefix


def requirement_met(dotted):
    """True when `dotted` names an importable module, or an attribute reachable from one."""
    try:
        resolve(dotted)
    except (ImportError, AttributeError, ValueError):
        return False
    return True

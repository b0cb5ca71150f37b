"""Every op with a gradient: autograd's gradient equals finite differences (float64), at the inputs of the Keras
fixture cases (tests/fixtures/ops_cases.py) with their float arrays widened to float64."""
import importlib.util
import os

import numpy as np
import pytest
from autograd.test_util import check_grads

from minikeras import ops

_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "ops_cases.py")
_spec = importlib.util.spec_from_file_location("ops_cases", _path)
ops_cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ops_cases)

# Piecewise-constant, boolean, integer or array-making ops: nothing to differentiate.
NO_GRADIENT = {
    "sign", "floor", "ceil", "round", "trunc", "isnan", "isfinite", "isinf", "signbit", "logical_not", "equal",
    "not_equal", "greater", "greater_equal", "less", "less_equal", "logical_and", "logical_or", "logical_xor",
    "heaviside", "all", "any", "argmax", "argmin", "argsort", "count_nonzero", "floor_divide", "one_hot",
    "multi_hot", "zeros", "ones", "full", "zeros_like", "ones_like", "full_like", "arange", "linspace", "logspace",
    "eye", "identity", "tri", "searchsorted", "digitize", "bincount", "isclose", "isin", "in_top_k", "cast",
    "convert_to_tensor", "stop_gradient", "saturate_cast", "matrix_rank", "view", "ctc_decode",
}
# Their inputs hold NaN or inf on purpose.
NOT_FINITE = {"nansum", "nanmean", "nanmax", "nanmin", "nanprod", "nanstd", "nanvar", "nan_to_num"}
# Defined on symmetric matrices only: differentiated through a symmetrizing map.
SYMMETRIC = {"cholesky", "eigh", "logdet", "slogdet", "cholesky_inverse"}


def _float_arrays(value):
    return isinstance(value, np.ndarray) and value.dtype.kind == "f"


def _differentiable_cases():
    chosen = []
    for case_id, name, args, kwargs in ops_cases.cases():
        if name in NO_GRADIENT or name in NOT_FINITE or case_id.endswith(("_int", "_ties")):
            continue
        if _floats_in(args, kwargs):
            chosen.append(pytest.param(name, args, kwargs, id=case_id))
    return chosen


def _floats_in(args, kwargs):
    """The float arrays of a call, in a fixed order: positional, inside list arguments, then keywords."""
    found = [a for a in args if _float_arrays(a)]
    found += [v for a in args if isinstance(a, list) for v in a if _float_arrays(v)]
    return found + [v for v in kwargs.values() if _float_arrays(v)]


def _with_floats(args, kwargs, floats):
    """args and kwargs with their float arrays replaced by `floats`, in _floats_in's order."""
    positional = iter(floats[:len([a for a in args if _float_arrays(a)])])
    rest = iter(floats[len([a for a in args if _float_arrays(a)]):])
    new_args = [next(positional) if _float_arrays(a) else a for a in args]
    new_args = [[next(rest) if _float_arrays(v) else v for v in a] if isinstance(a, list) else a for a in new_args]
    return new_args, {k: next(rest) if _float_arrays(v) else v for k, v in kwargs.items()}


def _kind(value):
    return np.asarray(getattr(value, "_value", value)).dtype.kind


def _flattened(result):
    parts = result if isinstance(result, (tuple, list)) else [result]
    parts = [half for p in parts for half in ((ops.real(p), ops.imag(p)) if _kind(p) == "c" else (p,))]
    floats = [ops.ravel(p) for p in parts if _kind(p) == "f"]
    return ops.concatenate(floats) if len(floats) > 1 else floats[0]


pytestmark = pytest.mark.usefixtures("float64")    # tests/conftest.py


@pytest.mark.parametrize("name, args, kwargs", _differentiable_cases())
def test_gradient_equals_finite_differences(name, args, kwargs):
    function = ops
    for part in name.split("."):
        function = getattr(function, part)
    floats = tuple(f.astype(np.float64) for f in _floats_in(args, kwargs))

    def of_floats(values):
        if name in SYMMETRIC:
            values = ((values[0] + values[0].T) / 2,) + tuple(values[1:])
        new_args, new_kwargs = _with_floats(args, kwargs, values)
        return _flattened(function(*new_args, **new_kwargs))

    assert of_floats(floats).dtype == np.float64
    check_grads(of_floats, modes=["rev"], order=1)(floats)

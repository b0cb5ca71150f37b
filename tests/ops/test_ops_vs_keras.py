"""minikeras.ops gives Keras 3's results: every case of tests/fixtures/ops_cases.py, values, shapes and dtypes.

The numbers come from tests/fixtures/make_ops_fixtures.py, which ran the same cases through keras.ops (JAX).
"""
import importlib.util
import json
import os

import numpy as np
import pytest

from minikeras import ops

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
_spec = importlib.util.spec_from_file_location("ops_cases", os.path.join(FIXTURES, "ops_cases.py"))
ops_cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ops_cases)

with open(os.path.join(FIXTURES, "ops.json")) as _file:
    FACTS = json.load(_file)["cases"]
KERAS = np.load(os.path.join(FIXTURES, "ops.npz"))
CASES = {case_id: (name, args, kwargs) for case_id, name, args, kwargs in ops_cases.cases()}
TOLERANCE = {"rtol": 2e-5, "atol": 2e-5}


def op_named(name):
    """minikeras.ops.<name>; a dotted name such as 'image.resize' reaches into a submodule."""
    function = ops
    for part in name.split("."):
        function = getattr(function, part)
    return function


def _outputs(result):
    if isinstance(result, (tuple, list)):
        return ("tuple" if isinstance(result, tuple) else "list"), [np.asarray(r) for r in result]
    return "array", [np.asarray(result)]


def _keras_outputs(case_id):
    return [KERAS[f"{case_id}/{i}"] for i in range(len(FACTS[case_id]["dtypes"]))]


def test_every_case_has_a_keras_result():
    assert set(FACTS) == set(CASES), "rerun make_ops_fixtures.py: the case table changed"
    assert not [c for c, f in FACTS.items() if "error" in f]


# Cases where Keras 3.15 is wrong and minikeras follows the definition (and Keras's later fix).
KERAS_BUGS = {
    "sparsemax_0": "keras-team/keras#23425: the threshold sums every cumulative sum in the support (fixed upstream "
                   "by #23469); sparsemax must sum to 1",
    "gaussian_blur_default_format": "Keras 3.15 on JAX blurs data_format=None images as channels_first, though "
                                    "None means keras.config.image_data_format() ('channels_last')",
}


@pytest.mark.parametrize("case_id", sorted(set(CASES) - set(ops_cases.INVARIANT_CASES) - set(KERAS_BUGS)))
def test_op_matches_keras(case_id):
    name, args, kwargs = CASES[case_id]
    container, outputs = _outputs(op_named(name)(*args, **kwargs))
    facts = FACTS[case_id]
    assert container == facts["container"], f"ops.{name} returns a {container}, Keras a {facts['container']}"
    expected = _keras_outputs(case_id)
    assert len(outputs) == len(expected)
    for ours, theirs, dtype in zip(outputs, expected, facts["dtypes"]):
        assert ours.shape == theirs.shape, f"ops.{name}: shape {ours.shape}, Keras {theirs.shape}"
        assert str(ours.dtype) == dtype, f"ops.{name}: dtype {ours.dtype}, Keras {dtype}"
        if ours.dtype.kind in "fc":
            np.testing.assert_allclose(ours, theirs, **TOLERANCE, err_msg=f"ops.{name}")
        else:
            np.testing.assert_array_equal(ours, theirs, err_msg=f"ops.{name}")


def test_eigh_gives_keras_eigenvalues_and_eigenvectors_up_to_sign():
    name, args, kwargs = CASES["eigh_0"]
    values, vectors = ops.eigh(*args)
    keras_values, keras_vectors = _keras_outputs("eigh_0")
    np.testing.assert_allclose(values, keras_values, rtol=1e-5)
    np.testing.assert_allclose(np.abs(vectors), np.abs(keras_vectors), atol=1e-5)
    np.testing.assert_allclose(vectors @ np.diag(values) @ vectors.T, args[0], rtol=1e-4, atol=1e-4)


def test_svd_gives_keras_singular_values_and_a_factorization():
    name, args, kwargs = CASES["svd_0"]
    u, s, vh = ops.svd(*args, **kwargs)
    keras_u, keras_s, keras_vh = _keras_outputs("svd_0")
    np.testing.assert_allclose(s, keras_s, rtol=1e-5)
    assert u.shape == keras_u.shape and vh.shape == keras_vh.shape
    np.testing.assert_allclose(u @ np.diag(s) @ vh, args[0], atol=1e-5)


def test_sparsemax_follows_its_definition_where_keras_315_does_not():
    name, args, kwargs = CASES["sparsemax_0"]
    ours = ops.sparsemax(*args)
    keras = _keras_outputs("sparsemax_0")[0]
    np.testing.assert_allclose(ops.sum(ours, axis=-1), 1.0, rtol=1e-6)        # a projection onto the simplex
    assert not np.allclose(keras.sum(-1), 1.0), "Keras fixed sparsemax: drop the case from KERAS_BUGS"
    logits = args[0].astype(np.float64)
    for row, projected in zip(logits, ours):  # the definition (Martins & Astudillo 2016, Algorithm 1)
        ordered = np.sort(row)[::-1]
        support = ordered - (np.cumsum(ordered) - 1) / np.arange(1, len(row) + 1) > 0
        size = support.sum()
        threshold = (np.cumsum(ordered)[size - 1] - 1) / size
        np.testing.assert_allclose(projected, np.maximum(row - threshold, 0), rtol=1e-5, atol=1e-7)


def test_gaussian_blur_reads_data_format_none_as_the_configured_format_where_keras_315_does_not():
    name, args, kwargs = CASES["gaussian_blur_default_format"]
    explicit = ops.image.gaussian_blur(*args, data_format="channels_last")
    np.testing.assert_allclose(ops.image.gaussian_blur(*args), explicit)
    np.testing.assert_allclose(explicit, KERAS["image.gaussian_blur_0/0"], **TOLERANCE)   # same inputs and options
    assert not np.allclose(_keras_outputs("gaussian_blur_default_format")[0], explicit, atol=1e-3), \
        "Keras fixed gaussian_blur's default data_format: drop the case from KERAS_BUGS"


def test_affine_transform_divides_by_its_projective_term():
    """Keras 3.15 on JAX applies c0, c1 to the channel index; minikeras divides by k = c0 x + c1 y + 1 as
    documented, so each output pixel reads one input point, the same for every channel."""
    image = np.arange(6 * 8 * 2, dtype="float32").reshape(1, 6, 8, 2)
    transform = np.array([[1.0, 0.1, 0.3, 0.05, 0.9, 0.2, 0.02, 0.04]], "float32")
    result = ops.image.affine_transform(image, transform, interpolation="nearest")
    a0, a1, a2, b0, b1, b2, c0, c1 = transform[0].astype(np.float64)
    for y in range(6):
        for x in range(8):
            k = c0 * x + c1 * y + 1
            source_y, source_x = np.floor((b0 * x + b1 * y + b2) / k + 0.5), np.floor((a0 * x + a1 * y + a2) / k + 0.5)
            inside = 0 <= source_y < 6 and 0 <= source_x < 8
            expected = image[0, int(source_y), int(source_x)] if inside else np.zeros(2)
            np.testing.assert_array_equal(result[0, y, x], expected)

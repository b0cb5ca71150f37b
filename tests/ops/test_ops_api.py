"""minikeras.ops has Keras 3's names, argument names, defaults and modules (recorded from keras.ops in ops.json)."""
import inspect
import json
import os

import pytest

from minikeras import ops

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "ops.json")) as _file:
    KERAS_SIGNATURES = json.load(_file)["signatures"]

# keras.ops names minikeras leaves out, and why (docs/guides/ops.md says the same).
NOT_PROVIDED = set()


def _public_functions():
    flat = [n for n in ops.__all__ if not inspect.ismodule(getattr(ops, n))]
    return sorted(flat + [f"image.{n}" for n in ops.image.__all__])


def _op(name):
    function = ops
    for part in name.split("."):
        function = getattr(function, part)
    return function


def test_every_keras_op_is_provided_or_listed_as_left_out():
    missing = set(KERAS_SIGNATURES) - set(_public_functions())
    assert missing == NOT_PROVIDED


def test_no_op_that_keras_lacks():
    assert set(_public_functions()) - set(KERAS_SIGNATURES) == set()


@pytest.mark.parametrize("name", _public_functions())
def test_arguments_and_defaults_are_keras(name):
    ours = [[p.name, p.kind.name, None if p.default is p.empty else repr(p.default)]
            for p in inspect.signature(_op(name)).parameters.values()]
    assert ours == KERAS_SIGNATURES[name]["parameters"]


@pytest.mark.parametrize("name", _public_functions())
def test_each_op_lives_in_its_keras_module(name):
    keras_module = KERAS_SIGNATURES[name]["module"].rsplit(".", 1)[-1]
    assert _op(name).__module__ == f"minikeras.ops.{keras_module}"
    assert getattr(getattr(ops, keras_module), name.split(".")[-1]) is _op(name)


@pytest.mark.parametrize("name", _public_functions())
def test_each_op_has_a_docstring(name):
    assert (_op(name).__doc__ or "").strip()

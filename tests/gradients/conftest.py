"""Gradient proofs run in float64 (finite differences need it): every test here takes tests/conftest.py's float64
fixture; other test files keep their floatx."""
import pytest


@pytest.fixture(autouse=True)
def _in_float64(float64):
    yield

"""Fixtures shared by the saving tests."""
import pytest


@pytest.fixture
def tmp_file(tmp_path):
    """tmp_file("m.keras") -> a path in a fresh temporary directory."""
    return lambda name: str(tmp_path / name)

"""Registers the pytest marks Keras's own test files use, so the ported copies run without unknown-mark warnings,
and keeps the registrations a case makes inside that case."""
import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "requires_trainable_backend: Keras's mark for cases that train "
                                       "(minikeras always can)")


@pytest.fixture(autouse=True)
def _registrations_stay_in_their_case():
    """Keras's cases register classes and fill the global custom objects; undone after each case, so that names
    such as 'GrowthFactor' do not leak into the other test files."""
    from minikeras import custom_objects
    saved = (dict(custom_objects._REGISTERED), dict(custom_objects._NAMES), [dict(s) for s in custom_objects._SCOPES])
    yield
    custom_objects._REGISTERED.clear()
    custom_objects._REGISTERED.update(saved[0])
    custom_objects._NAMES.clear()
    custom_objects._NAMES.update(saved[1])
    custom_objects._SCOPES[:] = saved[2]

"""Registers the pytest marks Keras's own test files use, so the ported copies run without unknown-mark warnings."""


def pytest_configure(config):
    config.addinivalue_line("markers", "requires_trainable_backend: Keras's mark for cases that train "
                                       "(minikeras always can)")

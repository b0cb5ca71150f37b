# Marks ending the ported copy of Keras 3.15.1: keras/src/callbacks/terminate_on_nan_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={
    'TerminateOnNaNTest.test_TerminateOnNaN': 'deliberate: fit stops by itself at an inf/nan loss, keeping the last finite weights, and logs no epoch (models/training.py; docs/differences.md)',
    'TerminateOnNaNTest.test_terminate_on_nan_graceful_stop': 'deliberate: fit refuses y containing NaN before training starts (models/data.py; docs/differences.md)',
    'TerminateOnNaNTest.test_terminate_on_nan_raise_error_raises_error': 'deliberate: fit refuses y containing NaN before training starts (models/data.py; docs/differences.md)',
    'TerminateOnNaNTest.test_raise_error_terminate_*': 'deliberate: fit refuses y containing NaN before training starts (models/data.py; docs/differences.md)',
}, xfail={})

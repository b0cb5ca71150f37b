# Marks ending the ported copy of Keras 3.15.1: keras/src/regularizers/regularizers_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={
    'ValidateFloatArgTest.*': 'Keras internal: the private helper validate_float_arg',
    'RegularizersTest.test_orthogonal_regularizer_*_validation': "deliberate: minikeras's own error wording (same ValueError type), docs/differences.md",
}, xfail={})

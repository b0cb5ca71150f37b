# Marks ending the ported copy of Keras 3.15.1: keras/src/initializers/constant_initializers_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={
    'ConstantInitializersTest.test_stft_initializer': 'minikeras has no STFT initializer (docs/differences.md)',
}, xfail={})

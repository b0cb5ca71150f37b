# Marks ending the ported copy of Keras 3.15.1: keras/src/losses/losses_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={
    '*.test_dtype_arg': 'numpy has no bfloat16 (minikeras computes in float16/32/64)',
    'SparseCategoricalCrossentropyTest.test_*segmentation_different_axis':
        'deliberate: minikeras computes axis != -1, where Keras on JAX raises (docs/differences.md)',
}, xfail={})

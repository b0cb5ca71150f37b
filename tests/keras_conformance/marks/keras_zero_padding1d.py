# Marks ending the ported copy of Keras 3.15.1: keras/src/layers/reshaping/zero_padding1d_test.py: which of its cases minikeras skips or expects to fail, and why.

REASON_1 = 'Keras internal: layer.dtype_policy (dtype policies)'

mark_cases(globals(), skip={
    'ZeroPadding1DTest.test_zero_padding_1d_get_config0': REASON_1,
    'ZeroPadding1DTest.test_zero_padding_1d_get_config1': REASON_1,
}, xfail={})

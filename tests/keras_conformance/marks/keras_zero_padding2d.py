# Marks ending the ported copy of Keras 3.15.1: keras/src/layers/reshaping/zero_padding2d_test.py: which of its cases minikeras skips or expects to fail, and why.

REASON_1 = 'Keras internal: layer.dtype_policy (dtype policies)'

mark_cases(globals(), skip={
    'ZeroPadding2DTest.test_zero_padding_2d_get_config0': REASON_1,
    'ZeroPadding2DTest.test_zero_padding_2d_get_config1': REASON_1,
}, xfail={})

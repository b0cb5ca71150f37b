# Marks ending the ported copy of Keras 3.15.1: keras/src/layers/normalization/batch_normalization_test.py: which of its cases minikeras skips or expects to fail, and why.
RENORM = "batch renormalization (renorm=True) is not supported by minikeras: it refuses the argument with a clear error"
DTYPE = "Keras internal: dtype policies and autocasting (mixed precision)"

mark_cases(globals(), skip={
    'BatchNormalizationTest.test_renorm_basics': RENORM,
    'BatchNormalizationTest.test_renorm_correctness': RENORM,
    'BatchNormalizationTest.test_renorm_inference': RENORM,
    'BatchNormalizationTest.test_renorm_stddev_initializer': RENORM,
    'BatchNormalizationTest.test_serialization': RENORM + " (this case serializes a renorm layer)",
    'BatchNormalizationTest.test_large_value_within_autocast_scope': DTYPE,
}, xfail={})

# Marks ending the ported copy of Keras 3.15.1: keras/src/metrics/metric_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={
    'MetricTest.test_stateless_*': 'Keras internal: the stateless (JAX-functional) metric API',
    'MetricTest.test_dtype_arg': 'Keras internal: DTypePolicy / mixed precision',
}, xfail={})

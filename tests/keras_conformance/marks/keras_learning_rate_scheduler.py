# Marks ending the ported copy of Keras 3.15.1: keras/src/callbacks/learning_rate_scheduler_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={
    'LearningRateSchedulerTest.test_verbose_logging': 'deliberate: verbose messages are printed; Keras sends them to logging when interactive logging is off',
}, xfail={})

# Marks ending the ported copy of Keras 3.15.1: keras/src/layers/activations/softmax_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={}, xfail={})

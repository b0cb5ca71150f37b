# Marks ending the ported copy of Keras 3.15.1: keras/src/layers/rnn/bidirectional_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={
    'SimpleRNNTest.test_fused_*_eligibility': 'Keras internal: private fused-kernel checks (_can_attempt_fused_lstm)',
}, xfail={})

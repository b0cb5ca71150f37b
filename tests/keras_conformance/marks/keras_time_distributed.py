# Marks ending the ported copy of Keras 3.15.1: keras/src/layers/rnn/time_distributed_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={
    'TimeDistributedTest.test_with_mask_zero': 'deliberate difference: Embedding refuses float indices with a fraction (Keras truncates them silently); docs/differences.md',
    'TimeDistributedTest.test_masking': "deliberate difference: it calls self.layer.call(inputs) on a built-in Dense, "
        "whose call is minikeras's pure call(params, x) (docs/differences.md); self.layer(inputs) works",
}, xfail={})

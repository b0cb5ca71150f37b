# Marks ending the ported copy of Keras 3.15.1: keras/src/layers/merging/merging_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={
    'MergingLayersTest.test_*_with_mask': 'eager arrays carry no Keras mask in minikeras (masks flow inside models): the same cases run through a Model in tests/layers/test_merge_masks.py',
    'MergingLayersTest.test_concatenate_with_mask_symbolic': 'a mask is not a symbolic tensor in minikeras, so it cannot be a model output: the case runs through Model.apply(masks=...) in tests/layers/test_merge_masks.py',
}, xfail={})

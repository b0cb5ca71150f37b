# Marks ending the ported copy of Keras 3.15.1: keras/src/layers/attention/attention_test.py: which of its cases minikeras skips or expects to fail, and why.

REASON_1 = "Keras internal: Attention's private _calculate_score_mask / _calculate_scores"
REASON_2 = 'Attention on inputs of rank above 3 (batch, *steps, features): minikeras takes (batch, steps, features) and says so'

mark_cases(globals(), skip={
    'AttentionTest.test_attention_calculate_score_mask_no_causal_no_vmask': REASON_1,
    'AttentionTest.test_attention_calculate_score_mask_with_causal_and_vmask': REASON_1,
    'AttentionTest.test_attention_calculate_score_mask_with_causal_no_vmask': REASON_1,
    'AttentionTest.test_attention_calculate_scores_with_scale': REASON_1,
}, xfail={
    'AttentionTest.test_attention_nd_inputs': REASON_2,
})

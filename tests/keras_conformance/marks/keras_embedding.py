# Marks ending the ported copy of Keras 3.15.1: keras/src/layers/core/embedding_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={
    '*quantiz*': 'Keras internal: quantization',
    '*int4*': 'Keras internal: quantization',
    '*int8*': 'Keras internal: quantization',
    '*lora*': 'Keras internal: LoRA',
    'EmbeddingTest.test_legacy_load_own_variables': 'Keras internal: private variable loading of quantized layers',
    'EmbeddingTest.test_sparse': 'Keras internal: sparse tensors',
    'EmbeddingTest.test_ragged': 'Keras internal: ragged tensors',
    'EmbeddingTest.test_correctness_sparse': 'Keras internal: sparse tensors',
}, xfail={
})

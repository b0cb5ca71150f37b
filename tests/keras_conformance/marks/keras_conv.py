# Marks ending the ported copy of Keras 3.15.1: keras/src/layers/convolutional/conv_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={
    '*conv3d*': 'Conv3D is not a minikeras layer (out of scope)',
    'ConvBasicTest.test_conv_symbolic_invalid_configuration2': 'Conv3D is not a minikeras layer (out of scope)',
    '*lora*': 'Keras internal: LoRA',
}, xfail={})

# Marks ending the ported copy of Keras 3.15.1: keras/src/models/functional_test.py: which of its cases minikeras skips or expects to fail, and why.

NO_STRUCTURE_WARNING = ("Keras warns when the inputs given have keys or a structure the model's inputs do not; "
                        "minikeras uses what it needs without a warning")

mark_cases(globals(), skip={
    'FunctionalTest.test_layer_getters': "asserts the private _operations (public here: model.operations); its "
                                         "model.layers and get_layer checks are in tests/models/test_operations.py",
    'FunctionalTest.test_for_functional_in_sequential': "keras.applications (MobileNet) is not part of minikeras",
    'FunctionalTest.test_functional_with_dtype_policy': "Keras internal: dtype policies",
    'FunctionalTest.test_training_arg': "deliberate difference: minikeras finds a Keras-style layer's output shape by "
        "calling it on zeros (training=False) unless it has compute_output_shape; Keras asks compute_output_spec",
}, xfail={
    'FunctionalTest.test_list_input_with_dict_build': "a model made with a flat dict of inputs also takes a list in "
                                                      "their order; Keras refuses the other structure",
})

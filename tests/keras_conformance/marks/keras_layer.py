# Marks ending the ported copy of Keras 3.15.1: keras/src/layers/layer_test.py: which of its cases minikeras skips or expects to fail, and why.

DTYPE = "Keras internal: dtype policies and autocasting (mixed precision)"
REMAT = "Keras internal: rematerialization (RematScope, rematerialized_call)"
QUANT = "Keras internal: quantization"
CONTEXT = "Keras internal: the private _register_call_context_args"

mark_cases(globals(), skip={
    'LayerTest.test_autocast': DTYPE,
    'LayerTest.test_autocast_with_np_array': DTYPE,
    'LayerTest.test_keras_mask_with_autocast': DTYPE,
    'LayerTest.test_mixed_precision': DTYPE,
    'LayerTest.test_dtype_policy_setter': DTYPE,
    'LayerTest.test_serialize_dtype': DTYPE,
    'LayerTest.test_*remat*': REMAT,
    'LayerTest.test_gptq_quantization_by_setting_dtype': QUANT,
    'LayerTest.test_not_implemented_error_*quantize*': QUANT,
    'LayerTest.test_not_implemented_error_quantized_build': QUANT,
    'LayerTest.test_not_implemented_error__*8_call': QUANT,
    'LayerTest.test_*call_context_arg*': CONTEXT,
    'LayerTest.test_context_arg*': CONTEXT,
    'LayerTest.test_compute_output_spec': "Keras internal: compute_output_spec (the backend's symbolic tracing); "
                                          "minikeras asks compute_output_shape, or calls the layer on zeros",
    'LayerTest.test_masking': "Keras internal: masks attached to eager tensors (backend.set_keras_mask); minikeras "
                              "passes masks as arguments",
    'LayerTest.test_masking_with_explicit_kwarg_propagation': "Keras internal: backend.get_keras_mask on outputs",
    'LayerTest.test_layer_tracking': "asserts the private _layers and counts a SeedGenerator among the variables",
    'LayerTest.test_rng_seed_tracking': "Keras internal: a SeedGenerator's state variable",
    'LayerTest.test_trainable_setting': "counts a SeedGenerator as a non-trainable variable (Keras's random state)",
    'LayerTest.test_trainable_init_arg': "asserts the private _trainable_variables",
    'LayerTest.test_remove_weight': "the private _untrack_variable",
    'LayerTest.test_layer_variable_tracking_correct': "the private _tracker and _untrack_variable",
    'LayerTest.test_stateless_call': "the private _build_at_init and a SeedGenerator; stateless_call is "
                                     "minikeras's model.apply(params, x), the pure function under everything",
    'LayerTest.test_init_after_state_tracking': "a keras.Variable assigned as an attribute is not a minikeras "
                                                "weight: weights come from add_weight (docs/differences.md)",
    'LayerTest.test_not_implemented_error_call': "deliberate difference: Layer.call is the pure "
                                                 "call(params, x) (docs/differences.md)",
    'LayerTest.test_not_implemented_error_compute_output_shape': "deliberate difference: the base "
        "compute_output_shape returns the input shape (a Keras-style layer without one is called on zeros)",
    'LayerTest.test_add_weight_string_as_first_positional_arg': "deliberate difference: add_weight('name', shape) "
        "is Keras 2's order, which minikeras keeps so Keras 2 layers run (docs/differences.md)",
    'LayerTest.test_build_signature_errors': "deliberate difference: a layer called eagerly is built for any batch "
        "size, so build gets (None, 1) where Keras gives the first call's (4, 1); the errors and the matching of "
        "build's *_shape arguments by name are Keras's (docs/differences.md)",
}, xfail={
    'LayerTest.test_custom_layer_add_weight_in_build_name': "variable.path is '<owning layer>/<weight>'; Keras's "
        "starts at the outermost layer being built ('training_layer/inner_layer/inner')",
    'LayerTest.test_metric_tracking': "layers do not track Metric objects (layer.metrics)",
})

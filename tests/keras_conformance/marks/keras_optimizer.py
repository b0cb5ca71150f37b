# Marks ending the ported copy of Keras 3.15.1: keras/src/optimizers/optimizer_test.py: which of its cases minikeras skips or expects to fail, and why.

mark_cases(globals(), skip={
    'OptimizerTest.test_gradient_accumulation_with_weigth_decay9': 'minikeras has no Ftrl or Adafactor optimizer',
    'OptimizerTest.test_gradient_accumulation_with_weigth_decay10': 'minikeras has no Ftrl or Adafactor optimizer',
    'OptimizerTest.test_pickleable_optimizers9': 'minikeras has no Ftrl or Adafactor optimizer',
    'OptimizerTest.test_pickleable_optimizers10': 'minikeras has no Ftrl or Adafactor optimizer',
    'OptimizerTest.test_overwrite_with_gradient_with_gradient_accumulation': 'Keras internal: float8 scale variables (overwrite_with_gradient) accumulated by maximum',
}, xfail={
    'OptimizerTest.test_ema_with_model_fit': 'inside fit the optimizer state lives in the model (model._optimizer_state), so optimizer._model_variables_moving_average only reflects apply_gradients (the weights after fit are Keras\'s: tests/models/test_compile_structures.py)',
})

"""Ported from Keras 3.15's keras/src/optimizers/{optimizer,sgd,adam,adamw,rmsprop,adagrad,adadelta,adamax,
nadam}_test.py
(Apache 2.0): the same cases, run on minikeras through the object API (apply_gradients on weight handles).
Expected numbers come from real Keras via tests/fixtures/make_conformance_objects_fixtures.py rather than
being copied; the one-line constants Keras's tests state inline (clipping, EMA steps) are kept.
"""
import pickle
import warnings

import numpy as np
import pytest

from minikeras import constraints, layers, models, optimizers

from .testing import TestCase, Variable, load_fixtures

FACTS, ARRAYS = load_fixtures("conformance_objects")
OPT = FACTS["optimizers"]
CLASSES = sorted(OPT["golden"])


@pytest.mark.parametrize("name", CLASSES)
def test_correctness_with_golden(name):
    optimizer = getattr(optimizers, name)(**OPT["golden"][name])
    x = Variable(np.ones([10], dtype="float32"))
    grads = np.arange(0.1, 1.1, 0.1).astype("float32")[:10]
    optimizer.apply_gradients(zip([np.full((10,), 0.01, "float32")], [x]))
    golden = ARRAYS[f"optimizers/golden/{name}"]
    for i in range(5):
        np.testing.assert_allclose(x.numpy(), golden[i], rtol=5e-4, atol=5e-4, err_msg=f"{name} step {i}")
        optimizer.apply_gradients(zip([grads], [x]))
    np.testing.assert_allclose(x.numpy(), golden[5], rtol=5e-4, atol=5e-4)


@pytest.mark.parametrize("name", CLASSES)
def test_single_step_and_variables(name):
    expected = OPT["single_step"][name]
    optimizer = getattr(optimizers, name)(learning_rate=0.5)
    x = Variable([1.0, 2.0, 3.0, 4.0])
    optimizer.apply_gradients(zip([np.array([1.0, 6.0, 7.0, 2.0], "float32")], [x]))
    np.testing.assert_allclose(x.numpy(), expected["value"], rtol=1e-4, atol=1e-4)
    got = optimizer.variables
    assert len(got) == len(expected["variables"])
    for ours, theirs in zip(got, expected["variables"]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", CLASSES)
def test_weight_decay_with_exclusions(name):
    grads = np.zeros((), "float32")
    var1, var2, var3 = Variable(2.0), Variable(2.0, name="exclude"), Variable(2.0)
    getattr(optimizers, name)(learning_rate=1.0, weight_decay=0.004).apply_gradients(zip([grads], [var1]))
    second = getattr(optimizers, name)(learning_rate=1.0, weight_decay=0.004)
    second.exclude_from_weight_decay(var_names=["exclude"])
    second.apply_gradients(zip([grads, grads], [var1, var2]))
    third = getattr(optimizers, name)(learning_rate=1.0, weight_decay=0.004)
    third.exclude_from_weight_decay(var_list=[var3])
    third.apply_gradients(zip([grads, grads], [var1, var3]))
    np.testing.assert_allclose([float(v.numpy()) for v in (var1, var2, var3)], OPT["weight_decay"][name], atol=1e-6)


@pytest.mark.parametrize("name", CLASSES)
def test_config_round_trip_and_keras_keys(name):
    optimizer = getattr(optimizers, name)(learning_rate=0.5, clipnorm=1.5)
    keras_config = OPT["config"][name]
    config = optimizer.get_config()
    assert set(config) == set(keras_config)
    for key, value in keras_config.items():
        if key != "name":
            assert config[key] == pytest.approx(value), key
    TestCase().run_class_serialization_test(optimizer)


@pytest.mark.parametrize("name", CLASSES)
def test_pickleable(name):
    optimizer = optimizers.get(name.lower())
    assert pickle.loads(pickle.dumps(optimizer)).get_config() == optimizer.get_config()


def test_clipping_matches_keras():
    grad = np.array([[3.0, 4.0], [0.5, -20.0]], "float32")
    for key, value in (("clipnorm", 1.0), ("clipvalue", 1.0), ("global_clipnorm", 2.0)):
        optimizer = optimizers.SGD(learning_rate=1.0, **{key: value})
        a, b = Variable(np.zeros(2)), Variable(np.zeros(2))
        optimizer.apply_gradients([(grad[0], a), (grad[1], b)])
        np.testing.assert_allclose([a.numpy(), b.numpy()], OPT["clip"][key], rtol=1e-5, err_msg=key)


def test_clip_args_are_exclusive():
    assert optimizers.SGD(learning_rate=1.0, clipnorm=0.1).clipnorm == 0.1
    with pytest.raises(ValueError, match="only one of `clipnorm`, `clipvalue` and `global_clipnorm`"):
        optimizers.SGD(learning_rate=1.0, clipnorm=0.1, clipvalue=0.1)


def test_iterations_counter():
    v = Variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = optimizers.Adam(learning_rate=1.0)
    assert optimizer.iterations == 0
    optimizer.apply_gradients([(np.ones((2, 2)), v)])
    optimizer.apply_gradients([(np.ones((2, 2)), v)])
    assert optimizer.iterations == 2


def test_empty_gradients():
    v = Variable([[3.0, 4.0], [5.0, 6.0]])
    with pytest.raises(ValueError, match="No gradients provided for any variable."):
        optimizers.SGD(learning_rate=1.0).apply_gradients([(None, v)])
    v2 = Variable([[3.0, 4.0], [5.0, 6.0]])
    optimizer = optimizers.SGD(learning_rate=1.0)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        optimizer.apply_gradients([(None, v), (np.ones((2, 2)), v2)])
    np.testing.assert_allclose(v.numpy(), [[3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_allclose(v2.numpy(), [[2.0, 3.0], [4.0, 5.0]])


def test_ema_with_overwrite_frequency_matches_keras():
    expected = OPT["ema_overwrite"]
    v = Variable([[3.0, 4.0], [5.0, 6.0]])
    optimizer = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=3)
    for step in expected["steps"]:
        optimizer.apply_gradients([(np.ones((2, 2), "float32"), v)])
        np.testing.assert_allclose(v.numpy(), step["var"], rtol=1e-6)
        np.testing.assert_allclose(optimizer.moving_averages[0], step["average"], rtol=1e-6)
    optimizer.finalize_variable_values([v])
    np.testing.assert_allclose(v.numpy(), expected["finalized"], rtol=1e-6)


def test_adam_ema_matches_keras():
    expected = OPT["ema_adam"]
    v = Variable([[3.0, 4.0], [5.0, 6.0]])
    optimizer = optimizers.Adam(learning_rate=1.0, use_ema=True, ema_momentum=0.9)
    for step in expected["steps"]:
        optimizer.apply_gradients([(np.ones((2, 2), "float32"), v)])
        # Keras raises beta_2 to the step in float32: 1 - beta_2**2 is then good to ~5e-5 relative
        np.testing.assert_allclose(v.numpy(), step["var"], atol=1e-4)
        np.testing.assert_allclose(optimizer.moving_averages[0], step["average"], atol=1e-4)


def test_ema_in_fit_finalizes_the_weights():
    """Keras writes the moving averages over the weights at the end of fit()."""
    optimizer = optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.9)
    model = models.Sequential([layers.Input((1,)), layers.Dense(2, kernel_initializer="ones", use_bias=False)])
    model.compile(loss="mse", optimizer=optimizer)
    model.fit(np.ones((1, 1), "float32"), np.zeros((1, 2), "float32"), batch_size=1, epochs=2, verbose=0)
    expected = OPT["ema_fit"]
    np.testing.assert_allclose(model.get_weights()[0], expected["kernel"], atol=1e-5)


def test_constraints_are_applied():
    v = Variable(np.random.default_rng(0).random((2, 2)) - 1.0)
    v.constraint = constraints.NonNeg()
    optimizers.SGD(learning_rate=0.0001).apply_gradients([(np.zeros((2, 2)), v)])
    assert np.min(v.numpy()) == 0.0


def test_static_loss_scaling():
    v = Variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = optimizers.SGD(learning_rate=1.0, loss_scale_factor=1024.0)
    optimizer.apply_gradients([(np.array([[1.0, 2.0], [3.0, 4.0]]) * 1024.0, v)])
    assert optimizer.scale_loss(1.0) == 1024.0
    np.testing.assert_allclose(v.numpy(), np.zeros((2, 2)))


def test_set_weights():
    x = Variable([[1.0, 2.0], [3.0, 4.0]])
    first = optimizers.Adam()
    first.apply_gradients(zip([np.array([[1.0, 2.0], [3.0, 4.0]])], [x]))
    second = optimizers.Adam()
    with pytest.raises(ValueError, match="You are calling `set_weights"):
        second.set_weights(first.variables)
    second.build([x])
    second.set_weights(first.variables)
    for ours, theirs in zip(second.variables, first.variables):
        np.testing.assert_allclose(ours, theirs)


def test_callable_learning_rate():
    v = Variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = optimizers.SGD(learning_rate=lambda: 0.1)
    optimizer.apply_gradients([(np.ones((2, 2)), v)])
    np.testing.assert_allclose(v.numpy(), [[0.9, 1.9], [2.9, 3.9]], rtol=1e-6)
    assert optimizer.iterations == 1


def test_schedule_learning_rate_matches_keras():
    expected = OPT["schedule"]
    optimizer = optimizers.SGD(learning_rate=optimizers.schedules.ExponentialDecay(0.5, decay_steps=1, decay_rate=0.5))
    x = Variable([1.0, 2.0])
    rates = []
    for _ in range(3):
        rates.append(optimizer.learning_rate)
        optimizer.apply_gradients([(np.ones(2, "float32"), x)])
    np.testing.assert_allclose(rates, expected["rates"])
    np.testing.assert_allclose(x.numpy(), expected["x"], rtol=1e-6)
    assert len(optimizer.variables) == expected["n_variables"]
    with pytest.raises(TypeError, match="not settable"):
        optimizer.learning_rate = 0.1


def test_learning_rate_is_settable():
    optimizer = optimizers.Adam(learning_rate=0.01)
    optimizer.learning_rate = 0.5
    assert optimizer.learning_rate == 0.5
    assert optimizer.get_config()["learning_rate"] == 0.5


def test_overwrite_with_gradient():
    v, v2 = Variable([[1.0, 2.0], [3.0, 4.0]]), Variable([[1.0, 2.0], [3.0, 4.0]])
    v.overwrite_with_gradient = True
    optimizers.SGD(learning_rate=1.0).apply_gradients([(np.ones((2, 2)), v), (np.ones((2, 2)), v2)])
    np.testing.assert_allclose(v.numpy(), np.ones((2, 2)))
    np.testing.assert_allclose(v2.numpy(), [[0.0, 1.0], [2.0, 3.0]])


def test_numpy_arrays_are_updated_in_place():
    x = np.array([1.0, 2.0], dtype="float32")
    optimizers.SGD(learning_rate=0.5).apply_gradients([(np.array([1.0, 1.0]), x)])
    np.testing.assert_allclose(x, [0.5, 1.5])


def test_gradient_accumulation_averages_before_each_update():
    v = Variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=3)
    for step in range(3):
        optimizer.apply_gradients([(np.full((2, 2), float(step)), v)])
    np.testing.assert_allclose(v.numpy(), [[0.0, 1.0], [2.0, 3.0]])   # one step along the mean gradient, 1.0
    assert optimizer.iterations == 1 and optimizer._iterations == 3
    with pytest.raises(ValueError, match="gradient_accumulation_steps must be an integer >= 2"):
        optimizers.SGD(gradient_accumulation_steps=1)


def test_auto_naming_and_serialization_keep_names():
    first, second = optimizers.Adam(), optimizers.Adam()
    base = first.name
    assert second.name == base + "_1" if base == "adam" else second.name != base
    assert optimizers.deserialize(optimizers.serialize(second)).name == second.name
    assert optimizers.Adam(name="my_adam").name == "my_adam"


def test_get_method():
    assert isinstance(optimizers.get("sgd"), optimizers.SGD)
    assert isinstance(optimizers.get("adamw"), optimizers.AdamW)
    with pytest.raises(ValueError):
        optimizers.get("typo")


def test_jit_compile_is_accepted():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optimizers.Adam(jit_compile=True)


def test_clipping_applies_in_fit():
    """clipvalue bounds every gradient entry in fit too: with SGD(learning_rate=1), no weight moves more than it."""
    model = models.Sequential([layers.Input((3,)), layers.Dense(2, kernel_initializer="ones")])
    model.compile(optimizer=optimizers.SGD(learning_rate=1.0, clipvalue=0.01), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    model.train_on_batch(np.full((4, 3), 10.0, "float32"), np.full((4, 2), -50.0, "float32"))
    moved = [np.abs(after - w) for after, w in zip(model.get_weights(), before)]
    np.testing.assert_allclose(np.concatenate([m.ravel() for m in moved]), 0.01, rtol=1e-5)


def test_ema_and_accumulator_slots_survive_a_keras_file(tmp_path):
    """Keras 3 keeps the EMA averages and gradient accumulators among optimizer.variables (after iteration and
    learning_rate, before the rule's slots); a saved and reloaded model resumes with all of them."""
    from minikeras import saving
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile(optimizer=optimizers.Adam(use_ema=True, gradient_accumulation_steps=2), loss="mse")
    model.fit(x, y, batch_size=2, epochs=1, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = saving.load_model(path)
    for name in ("average", "gradient_accumulator", "momentum", "velocity"):
        for ours, theirs in zip(_leaves(model._optimizer_state["slots"][name]),
                                _leaves(loaded._optimizer_state["slots"][name])):
            np.testing.assert_array_equal(ours, theirs, err_msg=name)
    assert loaded.optimizer.iterations == model.optimizer.iterations == 1


def _leaves(tree):
    from minikeras.params import flatten_params
    return flatten_params(tree)


@pytest.mark.parametrize("case, make", [
    ("adam_ema_accumulation", lambda: optimizers.Adam(use_ema=True, gradient_accumulation_steps=2)),
    ("rmsprop_centered_momentum_ema", lambda: optimizers.RMSprop(momentum=0.5, centered=True, use_ema=True)),
])
def test_optimizer_variables_come_in_keras_order(case, make):
    """iteration, learning_rate, the EMA averages, the gradient accumulators, then the rule's slots: the order
    Keras 3 lists (and saves) them in, read off real Keras variable paths."""
    from minikeras.optimizers.variables import slot_order
    optimizer = make()
    state = optimizer.init({"dense": {"kernel": np.zeros((3, 2)), "bias": np.zeros(2)}})
    order = [["iteration", None], ["learning_rate", None]]
    for group in slot_order(optimizer, list(state["slots"])):
        order += [[weight, slot] for weight in ("kernel", "bias") for slot in group]
    assert order == OPT["variable_order"][case]


def test_a_custom_training_loop_over_model_trainable_variables():
    """Keras's custom loop: grads for model.trainable_variables, then apply_gradients(zip(grads, variables));
    the model's weights (its handles) move, and the optimizer keeps its slots across steps."""
    model = models.Sequential([layers.Input((3,)), layers.Dense(2, kernel_initializer="ones")])
    optimizer = optimizers.SGD(learning_rate=0.5, momentum=0.9)
    variables = model.trainable_variables
    for _ in range(2):
        optimizer.apply_gradients(zip([np.ones(v.shape, "float32") for v in variables], variables))
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel, 1.0 - 0.5 - (0.9 * 0.5 + 0.5), rtol=1e-6)   # momentum carried over
    np.testing.assert_allclose(bias, -0.5 - (0.9 * 0.5 + 0.5), rtol=1e-6)
    assert optimizer.iterations == 2 and len(optimizer.variables) == 2 + 2

"""compile() with losses, loss_weights and metrics in Keras 3's structures: what fit and evaluate report (names,
values, order) and the weights after an epoch, against Keras 3 (tests/fixtures/make_compile_structure_fixtures.py);
and the errors for structures that do not fit the model."""
import importlib.util
import json
import os

import numpy as np
import pytest
from autograd.test_util import check_grads

import minikeras as mk
from minikeras import backend, layers

FIXTURE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def _load_cases():
    spec = importlib.util.spec_from_file_location("compile_structure_cases",
                                                  os.path.join(FIXTURE_DIR, "compile_structure_cases.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


C = _load_cases()
with open(os.path.join(FIXTURE_DIR, "compile_structures.json")) as f:
    KERAS = json.load(f)["cases"]
with np.load(os.path.join(FIXTURE_DIR, "compile_structures.npz")) as f:
    ARRAYS = {k: f[k] for k in f.files}


def numbered(prefix):
    count = sum(1 for k in ARRAYS if k.startswith(prefix) and k[len(prefix):].isdigit())
    return [ARRAYS[f"{prefix}{i}"] for i in range(count)]


def by_layer(model, case, prefix):
    """{layer name: its weights} from the fixture's flat list, in the order Keras listed the layers."""
    weights, found = numbered(f"{case}/{prefix}"), {}
    for name, count in KERAS[case]["weight_layers"]:
        found[name], weights = weights[:count], weights[count:]
    return found


def run_case(case):
    model_name, target_names, compile_args = C.CASES[case]
    model = C.MODELS[model_name](mk)
    for name, weights in by_layer(model, case, "w_init").items():
        model.get_layer(name).set_weights(weights)
    model.compile(optimizer=mk.optimizers.SGD(0.1), **compile_args(mk))
    y = C.targets(target_names, ARRAYS)
    sw = C.targets(C.SAMPLE_WEIGHTS[case], ARRAYS) if case in C.SAMPLE_WEIGHTS else None
    history = model.fit(ARRAYS["x"], y, sample_weight=sw, batch_size=4, epochs=1, shuffle=False, verbose=0)
    as_dict = model.evaluate(ARRAYS["x"], y, sample_weight=sw, batch_size=4, verbose=0, return_dict=True)
    as_list = model.evaluate(ARRAYS["x"], y, sample_weight=sw, batch_size=4, verbose=0)
    return model, history.history, as_dict, list(np.atleast_1d(as_list))


# Keras lists a name again in evaluate()'s list when a weighted metric shares its plain name with another
# metric, or two losses share a name; minikeras lists each log once (docs/differences.md)
_KERAS_REPEATS = {"one_output_list", "one_output_dict_of_list", "two_losses_on_one_output"}


@pytest.mark.parametrize("case", sorted(C.CASES))
def test_history_names_and_values_are_keras(case):
    _, history, _, _ = run_case(case)
    expected = KERAS[case]["history"]
    assert sorted(history) == sorted(expected)
    for name, values in expected.items():
        np.testing.assert_allclose(history[name], values, rtol=2e-5, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("case", sorted(C.CASES))
def test_evaluate_reports_as_keras(case):
    model, _, as_dict, as_list = run_case(case)
    expected = KERAS[case]
    assert sorted(as_dict) == sorted(expected["evaluate_dict"])
    for name, value in expected["evaluate_dict"].items():
        np.testing.assert_allclose(as_dict[name], value, rtol=2e-5, atol=1e-6, err_msg=name)
    names = expected["evaluate_list_names"]
    assert len(names) == len(expected["evaluate_list"]) and (len(set(names)) < len(names)) == (case in _KERAS_REPEATS)
    keras_list = [expected["evaluate_dict"][name] for name in dict.fromkeys(names)]
    np.testing.assert_allclose(as_list, keras_list, rtol=2e-5, atol=1e-6)
    for name, weights in by_layer(model, case, "w_final").items():
        for got, want in zip(model.get_layer(name).get_weights(), weights):
            np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6, err_msg=name)


# ---- behaviour, in our words ------------------------------------------------------------------------------------
def three_heads():
    x = mk.Input((3,), name="x")
    p = layers.Dense(1, name="p")(x)
    q = layers.Dense(1, name="q")(x)
    r = layers.Dense(1, name="r")(x)
    return mk.Model(x, {"pair": (p, q), "single": r}, name="three_heads")


def test_a_loss_on_an_inner_node_gets_the_nested_targets_and_outputs():
    seen = []

    def pair_loss(y_true, y_pred):
        seen.append((type(y_true), type(y_pred), len(y_true), len(y_pred)))
        return mk.losses.mean_squared_error(y_true[0], y_pred[0]) + mk.losses.mean_squared_error(y_true[1], y_pred[1])

    model = three_heads()
    model.compile("sgd", loss={"pair": pair_loss, "single": "mse"})
    x = np.ones((4, 3), "float32")
    y = {"pair": (np.zeros((4, 1)), np.ones((4, 1))), "single": np.zeros((4, 1))}
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert seen and seen[0] == (tuple, tuple, 2, 2)
    assert sorted(logs) == ["loss", "pair_loss", "single_loss"]
    assert np.isclose(logs["loss"], logs["pair_loss"] + logs["single_loss"], rtol=1e-6)


def test_an_output_left_out_of_a_loss_dict_is_not_trained():
    model = three_heads()
    model.compile(mk.optimizers.SGD(0.5), loss={"single": "mse"})
    before = {name: model.get_layer(name).get_weights() for name in "pqr"}
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    y = {"pair": (np.ones((8, 1)), np.ones((8, 1))), "single": np.ones((8, 1))}
    history = model.fit(x, y, epochs=1, verbose=0)
    assert sorted(history.history) == ["loss"]          # one loss: no per-output entries, as Keras 3
    for name in "pq":
        for old, new in zip(before[name], model.get_layer(name).get_weights()):
            np.testing.assert_array_equal(old, new)
    assert not np.allclose(before["r"][0], model.get_layer("r").get_weights()[0])


def test_a_list_of_losses_for_a_single_output_puts_them_all_on_it():
    x = mk.Input((3,))
    model = mk.Model(x, layers.Dense(2, name="head")(x))
    data, target = np.ones((4, 3), "float32"), np.full((4, 2), 0.5, "float32")
    model.compile("sgd", loss="mse")
    mse = model.evaluate(data, target, verbose=0)
    model.compile("sgd", loss="mae")
    mae = model.evaluate(data, target, verbose=0)
    model.compile("sgd", loss=["mse", "mae"], loss_weights=[1.0, 3.0])
    assert np.isclose(model.evaluate(data, target, verbose=0, return_dict=True)["loss"], mse + 3 * mae, rtol=1e-6)


def test_a_nested_loss_list_that_does_not_fit_the_outputs_is_refused_naming_the_model():
    model = three_heads()
    with pytest.raises(ValueError, match=r"Model 'three_heads'.*pair.*3 entries"):
        model.compile("sgd", loss={"pair": [["mse", "mse", "mse"], ("mse", "mse", "mse")], "single": "mse"})
    with pytest.raises(ValueError, match=r"Model 'three_heads'.*'single'.*a single output"):
        model.compile("sgd", loss={"pair": "mse", "single": {"deeper": "mse"}})
    with pytest.raises(ValueError, match=r"Model 'three_heads'.*'elsewhere'.*not among"):
        model.compile("sgd", loss={"pair": "mse", "single": "mse", "elsewhere": "mse"})
    assert not model.compiled                                   # nothing was changed by the refusals


def test_loss_weights_must_match_the_losses_one_to_one():
    model = three_heads()
    with pytest.raises(ValueError, match=r"Model 'three_heads'.*loss_weights must match the losses.*2 losses.*3"):
        model.compile("sgd", loss={"pair": "mse", "single": "mse"}, loss_weights=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"loss_weights must be finite numbers, got 'heavy'"):
        model.compile("sgd", loss={"pair": "mse", "single": "mse"}, loss_weights={"pair": "heavy", "single": 1.0})


def test_metrics_that_fit_no_output_structure_are_refused():
    model = three_heads()
    with pytest.raises(ValueError, match=r"Model 'three_heads'.*invalid `metrics`.*\['pair'\]"):
        model.compile("sgd", loss="mse", metrics={"pair": ["mae", "mse", "mae"], "single": "mse"})


def test_keras2_metric_lists_still_apply_to_every_output():
    x = mk.Input((3,))
    model = mk.Model(x, [layers.Dense(1, name="a")(x), layers.Dense(1, name="b")(x), layers.Dense(1, name="c")(x)])
    model.compile("sgd", loss="mse", metrics=["mae"])           # Keras 3 refuses a list of another length
    logs = model.evaluate(np.ones((2, 3)), [np.zeros((2, 1))] * 3, verbose=0, return_dict=True)
    assert {"a_mae", "b_mae", "c_mae", "a_loss", "b_loss", "c_loss"} <= set(logs)


def test_the_loss_over_nested_outputs_has_the_gradient_of_finite_differences():
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        np.random.seed(0)
        model = three_heads()

        def pair_loss(y_true, y_pred):
            return mk.losses.mean_absolute_error(y_true[0], y_pred[0]) * mk.losses.mean_squared_error(y_true[1],
                                                                                                     y_pred[1])
        model.compile("sgd", loss={"pair": [pair_loss, ("mse", None)], "single": "huber"},
                      loss_weights={"pair": [0.7, (2.0, None)], "single": 1.5})
        x = np.random.default_rng(1).normal(size=(5, 3))
        ys = [np.random.default_rng(2).normal(size=(5, 1)) for _ in range(3)]
        params = model.params

        def loss_of_kernel(kernel):
            changed = {**params, "p": {**params["p"], "kernel": kernel}}
            outputs, masks, _ = model.forward(changed, [x], False, None, None)
            return model._data_loss(ys, outputs, masks, [None] * 3)

        check_grads(loss_of_kernel, modes=["rev"], order=1)(params["p"]["kernel"])
    finally:
        backend.set_floatx(previous)


def test_a_loss_structure_with_no_loss_in_it_is_refused():
    model = three_heads()
    with pytest.raises(ValueError, match=r"Model 'three_heads'.compile\(\) got no loss for any output"):
        model.compile("sgd", loss={"pair": [None, None], "single": None})
    with pytest.raises(ValueError, match=r"Model 'three_heads'.*loss_weights has keys \['pair', 'other'\]"):
        model.compile("sgd", loss={"pair": "mse", "single": "mse"}, loss_weights={"pair": 1.0, "other": 2.0})


def test_a_target_that_broadcasts_over_the_output_trains_as_keras_broadcasts_it():
    # one target value for both units: mse per unit is w_i^2 (x = 1, y = 0), so SGD(0.1) takes w 1 -> 0.9 -> 0.81,
    # and the moving average (momentum 0.9, started at the first step's weights) ends at 0.9 * 0.9 + 0.1 * 0.81
    model = mk.Sequential([mk.Input((1,)), layers.Dense(2, kernel_initializer="ones", use_bias=False)])
    model.compile(mk.optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.9), loss="mse")
    model.fit(np.ones((1, 1), "float32"), np.zeros((1, 1), "float32"), batch_size=1, epochs=2, verbose=0)
    np.testing.assert_allclose(model.get_weights()[0], [[0.891, 0.891]], atol=1e-6)


def test_a_broadcast_target_is_still_refused_where_the_loss_needs_the_full_shape():
    model = mk.Sequential([mk.Input((3,)), layers.Dense(4, activation="softmax")], name="classes")
    model.compile("sgd", loss="categorical_crossentropy")
    with pytest.raises(ValueError, match=r"Model 'classes': the target for output .* has shape \(5, 1\)"):
        model.fit(np.ones((5, 3)), np.ones((5, 1)), verbose=0)


@pytest.mark.parametrize("loss", [["mse", "mae"], {"head": ["mae", "mse"]}])
def test_several_losses_on_a_composed_chain_train_as_the_traced_step(loss):
    from minikeras.models.composed_step import set_composed_steps
    data = np.random.default_rng(3).normal(size=(8, 3)).astype("float32")
    target = np.random.default_rng(4).normal(size=(8, 2)).astype("float32")
    weights = []
    for composed in (True, False):
        set_composed_steps(composed)
        try:
            model = mk.Sequential([mk.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(2, name="head")])
            model.set_weights([np.full(w.shape, 0.1 * (i + 1), "float32") for i, w in enumerate(model.get_weights())])
            weights_given = [0.5, 2.0] if isinstance(loss, list) else None
            model.compile(mk.optimizers.SGD(0.1), loss=loss, loss_weights=weights_given)
            model.fit(data, target, batch_size=4, epochs=2, shuffle=False, verbose=0)
            weights.append(model.get_weights())
        finally:
            set_composed_steps(True)
    for composed, traced in zip(*weights):
        np.testing.assert_allclose(composed, traced, rtol=1e-5, atol=1e-7)


def test_one_target_array_goes_to_the_only_output_with_a_loss():
    # keras.io's miniature GPT: outputs [logits, embeddings], loss=[crossentropy, None], fit(x, y) with one y
    tokens = mk.Input((6,), dtype="int32")
    embedded = mk.layers.Embedding(20, 8)(tokens)
    model = mk.Model(tokens, [mk.layers.Dense(20)(embedded), embedded])
    model.compile(optimizer="adam", loss=[mk.losses.SparseCategoricalCrossentropy(from_logits=True), None])
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 20, (8, 6)), rng.integers(0, 20, (8, 6))
    logits = model.predict(x, verbose=0)[0].astype("float64")
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    expected = -np.take_along_axis(log_probs, y[..., None], -1).mean()
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), expected, rtol=1e-5)
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert sorted(history.history) == ["loss"] and history.history["loss"][1] < history.history["loss"][0]
    with pytest.raises(ValueError, match="2 targets"):
        model.compile(optimizer="adam", loss=["mse", "mse"])
        model.fit(x, y, verbose=0)

"""Every bad input a learner is likely to give a model, a core layer, the data or the configuration: a
ValueError/TypeError from minikeras naming the model or layer, what was expected and what it got, raised before
anything changes (the weights are compared before and after each failed call)."""
import re

import numpy as np
import pytest

import minikeras
from minikeras import layers

X = np.random.default_rng(0).normal(size=(10, 3)).astype("float32")
Y = np.random.default_rng(1).normal(size=(10, 1)).astype("float32")


def net(compiled=True):
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(4, activation="tanh", name="hidden"),
                                  layers.Dense(1, name="out")], name="net")
    if compiled:
        model.compile("sgd", "mse")
    return model


def two_in_two_out():
    a, b = minikeras.Input((3,), name="in_a"), minikeras.Input((3,), name="in_b")
    joined = layers.concatenate([a, b])
    model = minikeras.Model([a, b], [layers.Dense(1, name="p")(joined), layers.Dense(2, name="q")(joined)],
                            name="pair")
    model.compile("sgd", "mse")
    return model


def refused(model, call, error, match):
    """`call()` raises `error` matching `match`, and the model's weights are exactly what they were."""
    before = model.get_weights()
    with pytest.raises(error, match=match):
        call()
    after = model.get_weights()
    assert len(before) == len(after)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


# ---- model, data and run-time shapes -------------------------------------------------------------------------
def test_fit_before_compile():
    model = net(compiled=False)
    refused(model, lambda: model.fit(X, Y, verbose=0), ValueError,
            r"Model 'net' must be compiled before fit: call model.compile\(optimizer=..., loss=...\) first")
    refused(model, lambda: model.evaluate(X, Y, verbose=0), ValueError, "Model 'net' must be compiled before evaluate")


def test_x_and_y_lengths_differ():
    model = net()
    refused(model, lambda: model.fit(X, Y[:7], verbose=0), ValueError,
            "Model 'net': x and y must have the same number of samples; got x: 10, y: 7")
    refused(model, lambda: model.fit(X, Y, sample_weight=np.ones(4), verbose=0), ValueError, "sample_weight: 4")


def test_target_shape_does_not_match_the_output():
    model = net()
    refused(model, lambda: model.fit(X, np.zeros((10, 2)), verbose=0), ValueError,
            r"Model 'net': the target for output 'out' has shape \(10, 2\), but the output has shape \(None, 1\)")


def test_integer_labels_with_a_one_hot_loss_get_a_hint():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(4, activation="softmax")], name="cls")
    model.compile("sgd", "categorical_crossentropy")
    refused(model, lambda: model.fit(X, np.arange(10) % 4, verbose=0), ValueError,
            r"shape \(10,\), but the output has shape \(None, 4\).*sparse_categorical_crossentropy.*to_categorical")


@pytest.mark.parametrize("method", ["predict", "evaluate", "fit"])
@pytest.mark.parametrize("shape", [(2, 5), (2, 3, 2), (3,)])   # (2, 3, 1) is squeezed, as Keras 3 does
def test_wrong_feature_size_or_rank_names_expected_and_got(method, shape):
    model = net()
    x = np.zeros(shape, dtype="float32")
    call = {"predict": lambda: model.predict(x, verbose=0),
            "evaluate": lambda: model.evaluate(x, np.zeros((shape[0], 1)), verbose=0),
            "fit": lambda: model.fit(x, np.zeros((shape[0], 1)), verbose=0)}[method]
    refused(model, call, ValueError, rf"Model 'net': input '.*' expects shape \(None, 3\), got an array of shape "
                                     rf"{re.escape(str(shape))}")


def test_wrong_feature_size_when_calling_the_model():
    model = net()
    refused(model, lambda: model(np.zeros((2, 5))), ValueError, r"Model 'net' expects input shape \(None, 3\), got "
                                                                r"\(None, 5\)")


def test_run_time_shape_error_shows_the_models_shapes():
    model = net()
    refused(model, lambda: model.predict(np.zeros((2, 4)), verbose=0), ValueError,
            r"(?s)Shapes in the model:.*hidden \(Dense\) -> \(None, 4\).*out \(Dense\) -> \(None, 1\)")


def test_wrong_number_of_inputs_and_targets():
    model = two_in_two_out()
    refused(model, lambda: model.predict([X], verbose=0), ValueError,
            r"Model 'pair' has 2 inputs \['in_a', 'in_b'\], but 1 arrays were given")
    refused(model, lambda: model.fit([X, X], [Y], verbose=0), ValueError,
            r"Model 'pair' has 2 targets \['p', 'q'\], but 1 arrays were given")
    refused(model, lambda: model.predict([X, X, X], verbose=0), ValueError, "has 2 inputs .* but 3 arrays")


def test_a_list_of_several_arrays_into_a_one_input_model():
    model = net()
    refused(model, lambda: model.predict([X, X], verbose=0), ValueError,
            r"Model 'net' has 1 inputs \['input_layer.*'\], but 2 arrays were given")


def test_missing_data_is_a_clear_type_error():
    model = net()
    refused(model, lambda: model.predict(None, verbose=0), TypeError, r"Model 'net' needs inputs .* got None")
    refused(model, lambda: model.fit(None, Y, verbose=0), TypeError, r"Model 'net' needs inputs .* got None")
    refused(model, lambda: model.fit(X, verbose=0), ValueError, r"Model 'net'.fit\(\) needs targets y")


def test_strings_are_not_numbers():
    model = net()
    refused(model, lambda: model.predict(np.array([["a", "b", "c"]]), verbose=0), TypeError,
            r"Model 'net': the inputs for '.*' must be numbers, got an array of dtype <U1")


def test_ints_into_a_float_model_are_cast_as_keras_does():
    # a deliberate choice: XOR tutorials pass int arrays; casting them loses nothing, so Keras code keeps running
    model = net()
    ints = np.array([[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(model.predict(ints, verbose=0), model.predict(ints.astype("float32"), verbose=0))


def test_floats_into_embedding():
    model = minikeras.Sequential([minikeras.Input((4,), dtype="int32"), layers.Embedding(10, 2, name="emb")],
                                 name="embedder")
    refused(model, lambda: model.predict(np.random.default_rng(0).random((2, 4)), verbose=0), TypeError,
            r"Model 'embedder': the inputs for '.*' hold integer indices \(dtype int32\) but got non-integer floats")
    refused(model, lambda: model.predict(np.array([[1, 2, 3, 12]]), verbose=0), ValueError,
            r"Layer 'emb' \(Embedding\) got index 12, but valid indices are 0..9")


def test_values_too_large_for_float32_are_refused_not_turned_into_inf():
    model = net()
    refused(model, lambda: model.predict(np.full((2, 3), 1e39), verbose=0), ValueError,
            r"Model 'net': the inputs for '.*' holds 1e\+39 at index \(0, 0\), too large for float32")


@pytest.mark.parametrize("where", ["x", "y", "sample_weight"])
@pytest.mark.parametrize("method", ["fit", "evaluate"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_the_data(where, method, bad):
    model = net()
    data = {"x": X.copy(), "y": Y.copy(), "sample_weight": np.ones(10, dtype="float32")}
    data[where][(3, 0) if where != "sample_weight" else 3] = bad
    call = getattr(model, method)
    index = r"\(3, 0\)" if where != "sample_weight" else r"\(3,\)"
    refused(model, lambda: call(data["x"], data["y"], sample_weight=data["sample_weight"], verbose=0), ValueError,
            rf"Model 'net': {where} contains NaN or inf \(first at index {index}\)")


def test_bad_batch_size_and_empty_data():
    model = net()
    refused(model, lambda: model.fit(X, Y, batch_size=0, verbose=0), ValueError,
            r"Model 'net'.fit\(\): batch_size must be a positive integer, got 0")
    refused(model, lambda: model.fit(X[:0], Y[:0], verbose=0), ValueError, r"Model 'net'.fit\(\): got 0 samples")


# ---- configuration ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, match", [
    (lambda: layers.Dense(3, activation="relux"), r"Unknown activation 'relux'. Did you mean 'relu'"),
    (lambda: layers.Dense(3, kernel_initializer="glorot_unifrom"),
     r"Unknown initializer 'glorot_unifrom'. Did you mean 'glorot_uniform'"),
    (lambda: net(compiled=False).compile("sgd", "mean_sqared_error"),
     r"Unknown loss 'mean_sqared_error'. Did you mean 'mean_squared_error'"),
    (lambda: net(compiled=False).compile("adamm", "mse"), r"Unknown optimizer 'adamm'. Did you mean 'adam'"),
])
def test_unknown_names_list_close_matches(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_unknown_metric_name_lists_close_matches_and_changes_nothing():
    model = net(compiled=False)

    def compile_and_fit():
        model.compile("sgd", "mse", metrics=["accuracyy"])
        model.fit(X, Y, verbose=0)
    refused(model, compile_and_fit, ValueError, r"Unknown metric 'accuracyy'. Did you mean 'accuracy'")


@pytest.mark.parametrize("units", [0, -2])
def test_negative_or_zero_units(units):
    with pytest.raises(ValueError, match=f"Dense: units must be a positive integer, got {units}"):
        layers.Dense(units)


@pytest.mark.parametrize("rate", [1.0, -0.5])
def test_dropout_outside_0_1(rate):
    with pytest.raises(ValueError, match=rf"Dropout: rate must be a number in \[0, 1\), got {rate}"):
        layers.Dropout(rate)


def test_duplicate_layer_names():
    with pytest.raises(ValueError, match=r"Model 'dups': the layer name 'twin' is used more than once"):
        minikeras.Sequential([minikeras.Input((3,)), layers.Dense(2, name="twin"), layers.Dense(2, name="twin")],
                             name="dups")
    x_in = minikeras.Input((3,))
    out = layers.Dense(2, name="same")(layers.Dense(2, name="same")(x_in))
    with pytest.raises(ValueError, match=r"Model 'dup_graph': the layer name 'same' is used more than once"):
        minikeras.Model(x_in, out, name="dup_graph")


def test_disconnected_graph_names_the_unreachable_input():
    a, b = minikeras.Input((3,), name="reached"), minikeras.Input((3,), name="forgotten")
    out = layers.add([a, b], name="joiner")
    with pytest.raises(ValueError, match=r"Graph disconnected: layer 'joiner' needs the tensor 'forgotten'.*"
                                         r"not in the model's inputs \['reached'\]"):
        minikeras.Model(a, out)


def test_flatten_of_unknown_length_into_dense():
    # Keras 3 lets Flatten give an unknown size; the Dense after it is what cannot be built
    with pytest.raises(ValueError, match=r"'out' \(Dense\) needs a known last axis.*\(None, None\)"):
        minikeras.Sequential([minikeras.Input((None, 4)), layers.Flatten(name="flat"), layers.Dense(2, name="out")])


def test_unknown_compile_and_fit_arguments():
    model = net(compiled=False)
    with pytest.raises(TypeError, match=r"Model 'net'.compile\(\) got unexpected argument\(s\) \['los'\]"):
        model.compile("sgd", los="mse")
    model.compile("sgd", "mse")
    refused(model, lambda: model.fit(X, Y, epoch=3, verbose=0), TypeError,
            r"Model 'net'.fit\(\) got unexpected argument\(s\) \['epoch'\]")


def test_loss_list_of_the_wrong_length():
    a = minikeras.Input((3,))
    model = minikeras.Model(a, [layers.Dense(1, name="p")(a), layers.Dense(1, name="q")(a)], name="twin_heads")
    with pytest.raises(ValueError, match=r"Model 'twin_heads' has 2 outputs \['p', 'q'\], but loss has 3 entries"):
        model.compile("sgd", ["mse", "mse", "mse"])
    with pytest.raises(ValueError, match=r"Model 'twin_heads': loss has keys \['r'\] that are not outputs"):
        model.compile("sgd", {"p": "mse", "r": "mse"})


# ---- build time: the chain of shapes from the input to the failing layer (issue 9 item 4) -----------------------
def test_build_error_shows_the_shape_chain_from_the_input():
    x_in = minikeras.Input((6,), name="features")
    h = layers.Dense(4, name="d1")(x_in)
    r = layers.Reshape((2, 2), name="grid")(h)
    with pytest.raises(ValueError) as caught:
        layers.Permute((2, 1, 3), name="bad_permute")(r)
    message = str(caught.value)
    assert "Layer 'bad_permute' (Permute) with dims (2, 1, 3) expects inputs of rank 4, got shape (None, 2, 2)" in message
    chain = message.split("Shapes on the way here:\n")[1].splitlines()
    assert chain == ["  features (InputLayer) -> (None, 6)", "  d1 (Dense) -> (None, 4)",
                     "  grid (Reshape) -> (None, 2, 2)"]


def test_merge_error_shows_both_branches():
    a, b = minikeras.Input((6,), name="left"), minikeras.Input((5,), name="right")
    with pytest.raises(ValueError, match=r"(?s)'sum' \(Add\).*\(None, 4\), \(None, 5\).*Shapes on the way here:.*"
                                         r"left \(InputLayer\) -> \(None, 6\).*d \(Dense\) -> \(None, 4\).*"
                                         r"right \(InputLayer\) -> \(None, 5\)"):
        layers.add([layers.Dense(4, name="d")(a), b], name="sum")

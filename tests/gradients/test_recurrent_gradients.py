"""check_grads (float64) of SimpleRNN, GRU (both reset_after) and LSTM models, for every flag, mask and code path."""
import itertools

import numpy as np
import pytest

import minikeras as K
from minikeras.params import flatten_params
from gradient_harness import (BATCH, FEATURES, RECURRENT, TIME, UNITS, check_input_grads, check_param_grads,
                              model_objective, random_params)

L = K.layers

N_STATES = {"simple_rnn": 1, "gru": 1, "gru_reset_before": 1, "lstm": 2}
IMPLEMENTATIONS = {"fused": {}, "readable": {"implementation": 1}}
# how the sequence arrives: floats unmasked, token ids through Embedding(mask_zero), floats through Masking
MASKS = ["none", "embedding_post", "embedding_pre", "masking_post", "masking_pre"]


def sequence_input(mask_source):
    """(first layers of the model, input batch). Row 0 is unpadded; row 1 is padded at its end or start."""
    rng = np.random.default_rng(3)
    if mask_source.startswith("embedding"):
        tokens = rng.integers(1, 7, size=(BATCH, TIME))
        tokens[1, 2:] = 0 if mask_source.endswith("post") else tokens[1, 2:]
        tokens[1, :2] = 0 if mask_source.endswith("pre") else tokens[1, :2]
        return [K.Input((TIME,), dtype="int32"), L.Embedding(7, FEATURES, mask_zero=True)], tokens
    x = rng.normal(size=(BATCH, TIME, FEATURES))
    if mask_source == "none":
        return [K.Input((TIME, FEATURES))], x
    if mask_source.endswith("post"):
        x[1, 2:] = 0.0
    else:
        x[1, :2] = 0.0
    return [K.Input((TIME, FEATURES)), L.Masking(0.0)], x


def check_model(model, x, training=False, state=None, float_input=True):
    params = random_params(model)
    objective = model_objective(model, x, training=training, state=state)
    check_param_grads(objective, params, x)
    if float_input:
        check_input_grads(objective, params, x)

FLAGS = list(itertools.product(RECURRENT, [False, True], [False, True], MASKS, IMPLEMENTATIONS))


@pytest.mark.parametrize("kind,return_sequences,go_backwards,mask_source,implementation", FLAGS)
def test_recurrent_layer_gradients(kind, return_sequences, go_backwards, mask_source, implementation):
    first, x = sequence_input(mask_source)
    layer = RECURRENT[kind](return_sequences=return_sequences, go_backwards=go_backwards,
                            **IMPLEMENTATIONS[implementation])
    model = K.Sequential(first + [layer])
    # a Masking input is not differentiable where a value crosses the mask value, so only unmasked x is checked
    check_model(model, x, float_input=mask_source == "none")


@pytest.mark.parametrize("kind", RECURRENT)
@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("mask_source", ["none", "embedding_post"])
def test_stateful_layer_gradients_from_a_given_state(kind, implementation, mask_source):
    first, x = sequence_input(mask_source)
    layer = RECURRENT[kind](stateful=True, return_sequences=True, name="stateful_rnn",
                            **IMPLEMENTATIONS[implementation])
    model = K.Sequential([K.Input(batch_shape=(BATCH,) + first[0].shape[1:], dtype=first[0].dtype)] + first[1:]
                         + [layer])
    state_rng = np.random.default_rng(5)
    state = {"stateful_rnn": [state_rng.normal(size=(BATCH, UNITS)) for _ in range(N_STATES[kind])]}
    check_model(model, x, state=state, float_input=mask_source == "none")


@pytest.mark.parametrize("kind", RECURRENT)
@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_gradients_reach_the_initial_state_inputs(kind, implementation, go_backwards):
    """initial_state= in the functional API: the states are model inputs, and their gradients are checked too."""
    sequence = K.Input((TIME, FEATURES))
    states = [K.Input((UNITS,)) for _ in range(N_STATES[kind])]
    layer = RECURRENT[kind](return_sequences=True, go_backwards=go_backwards, **IMPLEMENTATIONS[implementation])
    model = K.Model([sequence] + states, layer(sequence, initial_state=states))
    rng = np.random.default_rng(4)
    x = [rng.normal(size=(BATCH, TIME, FEATURES))] + [rng.normal(size=(BATCH, UNITS)) for _ in states]
    check_model(model, x)


@pytest.mark.parametrize("kind", RECURRENT)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("mask_source", ["none", "embedding_post"])
def test_return_state_gradients(kind, return_sequences, mask_source):
    first, x = sequence_input(mask_source)
    inputs = first[0]
    hidden = first[1](inputs) if len(first) > 1 else inputs
    outputs = RECURRENT[kind](return_state=True, return_sequences=return_sequences)(hidden)
    model = K.Model(inputs, outputs)
    check_model(model, x, float_input=mask_source == "none")

DROPOUTS = {"dropout": {"dropout": 0.4}, "recurrent_dropout": {"recurrent_dropout": 0.4},
            "both": {"dropout": 0.3, "recurrent_dropout": 0.3}}


@pytest.mark.parametrize("kind", RECURRENT)
@pytest.mark.parametrize("dropout", DROPOUTS)
@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_dropout_gradients_with_a_fixed_rng(kind, dropout, implementation):
    first, x = sequence_input("embedding_post")
    layer = RECURRENT[kind](return_sequences=True, **DROPOUTS[dropout], **IMPLEMENTATIONS[implementation])
    model = K.Sequential(first + [layer])
    objective = model_objective(model, x, training=True)
    params = random_params(model)
    assert objective(params, x) == objective(params, x), "a fixed rng must make the training pass repeatable"
    assert objective(params, x) != model_objective(model, x)(params, x), "training=True must apply dropout"
    check_param_grads(objective, params, x)

REGULARIZED = {
    "kernel_l2": {"kernel_regularizer": "l2"},
    "all_three": {"kernel_regularizer": K.regularizers.l1_l2(0.01, 0.02),
                  "recurrent_regularizer": K.regularizers.l2(0.03), "bias_regularizer": K.regularizers.l1(0.01)},
}


@pytest.mark.filterwarnings("ignore:Output seems independent of input")  # unregularized weights: zero gradient
@pytest.mark.parametrize("kind", RECURRENT)
@pytest.mark.parametrize("regularized", REGULARIZED)
def test_regularizer_gradients(kind, regularized):
    first, x = sequence_input("none")
    model = K.Sequential(first + [RECURRENT[kind](**REGULARIZED[regularized])])
    params = random_params(model)
    model.set_weights([np.asarray(w) for w in flatten_params(params)])
    penalty = model.regularization_loss(params)
    assert model.losses and np.isclose(float(sum(model.losses)), float(penalty)), "model.losses is the penalty"
    # the penalty alone, then the penalty with the outputs
    check_param_grads(lambda p, _: model.regularization_loss(p), params, x)
    check_model(model, x)


@pytest.mark.parametrize("kinds", [("lstm", "gru"), ("gru_reset_before", "simple_rnn")])
@pytest.mark.parametrize("mask_source", ["none", "masking_pre"])
def test_stacked_cells_and_stacked_layers_gradients(kinds, mask_source):
    first, x = sequence_input(mask_source)
    cells = {"simple_rnn": L.SimpleRNNCell, "gru": L.GRUCell, "lstm": L.LSTMCell,
             "gru_reset_before": lambda units: L.GRUCell(units, reset_after=False)}
    stacked = L.RNN([cells[k](UNITS) for k in kinds], return_sequences=True)
    model = K.Sequential(first + [stacked, RECURRENT[kinds[0]](go_backwards=True)])
    check_model(model, x, float_input=mask_source == "none")


@pytest.mark.parametrize("kind", RECURRENT)
def test_unrolled_and_non_default_activation_gradients(kind):
    """unroll=True and activations without a fused kernel take the readable path; both must differentiate."""
    first, x = sequence_input("embedding_pre")
    extra = {"activation": "relu"} if kind == "simple_rnn" else {"activation": "softsign",
                                                                 "recurrent_activation": "sigmoid"}
    model = K.Sequential(first + [RECURRENT[kind](unroll=True, return_sequences=True, **extra)])
    check_model(model, x, float_input=False)


@pytest.mark.parametrize("kind", RECURRENT)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_activity_regularizer_gradients(kind, return_sequences):
    """The activity penalty training adds (via forward(activity=...)) differentiates like the outputs do."""
    first, x = sequence_input("embedding_post")
    model = K.Sequential(first + [RECURRENT[kind](return_sequences=return_sequences,
                                                  activity_regularizer=K.regularizers.l2(0.1))])

    def objective(params, inputs):
        penalties = []
        outputs, _, _ = model.forward(params, inputs, activity=penalties)
        assert len(penalties) == 1
        return sum(penalties) + K.backend.epsilon() * sum(o.sum() for o in outputs)

    check_param_grads(objective, random_params(model), x)

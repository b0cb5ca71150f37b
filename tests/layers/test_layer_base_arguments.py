"""The arguments and names every Keras 3 layer has: trainable checked, activity_regularizer, variables."""
import numpy as np
import pytest

from minikeras import Input, Model, layers, regularizers


class Identity(layers.Layer):
    def call(self, x):
        return x


class Scale(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False)

    def call(self, x):
        return x * self.w


@pytest.mark.parametrize("value", ["yes", 1, None, 0.0])
def test_trainable_must_be_a_boolean(value):
    with pytest.raises(ValueError, match="Dense: trainable must be True or False, got"):
        layers.Dense(2, trainable=value)


def test_trainable_accepts_numpy_booleans():
    assert layers.Dense(2, trainable=np.bool_(False)).trainable is False


def test_activity_regularizer_of_an_eager_call_is_divided_by_the_batch_size():
    layer = Identity(activity_regularizer="l2")
    layer(np.full((5, 5), 2.0))
    assert layer.losses == pytest.approx([0.01 * 4.0 * 25 / 5])
    layer(np.ones((1,)))                  # the losses of the last call only
    assert layer.losses == pytest.approx([0.01])


def test_activity_regularizer_of_an_empty_batch_is_zero():
    layer = Identity(activity_regularizer="l1")
    layer(np.ones((0, 5)))
    assert layer.losses == [0.0]


def test_activity_regularizer_on_symbolic_tensors_adds_no_loss():
    layer = Identity(activity_regularizer="l1")
    layer(Input(batch_shape=(2, 2)))
    assert layer.losses == []


def test_activity_regularizer_of_a_custom_layer_joins_the_training_loss():
    inputs = Input((3,))
    hidden = layers.Dense(2)(inputs)
    model = Model(inputs, Identity(activity_regularizer=regularizers.L1(0.5))(hidden))
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    prediction = model.predict(x, verbose=0)
    expected = np.mean(prediction ** 2) + 0.5 * np.abs(prediction).sum() / 4     # the step's loss, before it
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-5)


def test_activity_regularizer_survives_the_config():
    layer = Identity(activity_regularizer="l2")
    config = layer.get_config()
    assert config["activity_regularizer"]["class_name"] == "L2"
    assert type(Identity.from_config(config).activity_regularizer).__name__ == "L2"
    assert "activity_regularizer" not in Identity().get_config()
    assert "activity_regularizer" not in layers.ActivityRegularization(l1=0.1).get_config()


def test_variables_are_the_weights_by_their_keras_names():
    layer = Scale()
    layer(np.ones((2, 3), "float32"))
    assert layer.variables == layer.weights and len(layer.variables) == 2
    assert layer.trainable_variables == layer.trainable_weights == [layer.w]
    assert layer.non_trainable_variables == layer.non_trainable_weights == [layer.count]
    dense = layers.Dense(2, trainable=False)
    dense.build((None, 3))
    assert [v.path for v in dense.variables] == [w.path for w in dense.weights]
    assert dense.trainable_variables == [] and len(dense.non_trainable_variables) == 2


def test_from_config_of_a_refused_config_is_a_type_error_naming_the_layer():
    with pytest.raises(TypeError, match="Embedding.from_config: the config cannot make this layer: .*input_dim"):
        layers.Embedding.from_config({"input_dim": 3.7, "output_dim": 8})
    with pytest.raises(ValueError, match="input_dim"):      # the constructor itself keeps its ValueError
        layers.Embedding(input_dim=3.7, output_dim=8)


class Counter(layers.Layer):
    def __init__(self):
        super().__init__()
        self.count = self.add_variable((), "zeros", trainable=False, name="count")

    def call(self, x):
        self.count.assign(self.count + 1)
        return x


def test_add_variable_is_add_weight_with_shape_and_initializer_first():
    layer = Counter()
    assert layer.count.shape == () and layer.non_trainable_weights == [layer.count]
    layer(np.ones((2, 1), "float32"))
    layer(np.ones((2, 1), "float32"))
    assert float(layer.count) == 2.0


class CastToCompute(layers.Layer):
    def call(self, x):
        return x.astype(self.compute_dtype)


def test_compute_and_variable_dtypes_are_the_layers_dtype_or_floatx():
    assert layers.Dense(2).compute_dtype == "float32" == layers.Dense(2).variable_dtype
    assert layers.Dense(2, dtype="float64").compute_dtype == "float64"
    assert CastToCompute()(np.ones((2, 2), "float64")).dtype == np.float32


def test_dense_writes_activity_regularizer_only_when_set():
    assert "activity_regularizer" not in layers.Dense(2).get_config()
    config = layers.Dense(2, activity_regularizer="l2").get_config()
    assert type(layers.Dense.from_config(config).activity_regularizer).__name__ == "L2"

"""ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D: shapes (known and unknown sizes), masks, Keras 1 spellings and
errors. Keras 3's numbers: test_layers14_vs_keras.py."""
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import layers as L, legacy


@pytest.mark.parametrize("make,input_shape,output_shape", [
    (lambda: L.ZeroPadding1D(), (None, 5, 3), (None, 7, 3)),
    (lambda: L.ZeroPadding1D((0, 2), data_format="channels_first"), (None, 3, 5), (None, 3, 7)),
    (lambda: L.ZeroPadding2D(((1, 2), (3, 0))), (None, 4, 4, 2), (None, 7, 7, 2)),
    (lambda: L.Cropping1D(2), (None, 6, 3), (None, 2, 3)),
    (lambda: L.Cropping2D(((1, 0), (0, 2)), data_format="channels_first"), (None, 2, 5, 6), (None, 2, 4, 4)),
    (lambda: L.UpSampling1D(3), (None, 4, 2), (None, 12, 2)),
    (lambda: L.UpSampling2D((2, 3)), (None, 4, 5, 2), (None, 8, 15, 2)),
    (lambda: L.ZeroPadding1D(2), (None, None, 3), (None, None, 3)),
    (lambda: L.UpSampling2D(2), (None, None, 5, 2), (None, None, 10, 2)),
])
def test_output_shapes(make, input_shape, output_shape):
    layer = make()
    assert layer.compute_output_shape(input_shape) == output_shape
    model = minikeras.Sequential([minikeras.Input(input_shape[1:]), layer])
    sizes = tuple(4 if d is None else d for d in input_shape[1:])
    y = model.predict(np.ones((2,) + sizes, "float32"), verbose=0)
    assert all(o is None or o == d for o, d in zip(output_shape[1:], y.shape[1:]))


def test_padding_adds_zeros_and_cropping_takes_them_away():
    x = np.arange(12.0, dtype="float32").reshape(1, 2, 3, 2)
    padded = L.ZeroPadding2D(((1, 2), (0, 1)))(x)
    assert padded.shape == (1, 5, 4, 2) and padded.sum() == x.sum()
    np.testing.assert_array_equal(L.Cropping2D(((1, 2), (0, 1)))(padded), x)


def test_bilinear_upsampling_interpolates_between_pixel_centres():
    x = np.array([0.0, 1.0, 3.0], "float32").reshape(1, 3, 1, 1)
    y = L.UpSampling2D((2, 1), interpolation="bilinear")(x)[0, :, 0, 0]
    np.testing.assert_allclose(y, [0.0, 0.25, 0.75, 1.5, 2.5, 3.0], rtol=1e-6)   # edges clamped


def test_they_do_not_pass_a_mask_on():
    model = minikeras.Sequential([minikeras.Input((4,), dtype="int32"), L.Embedding(5, 3, mask_zero=True),
                                  L.ZeroPadding1D(1)])
    masks = {}
    model.apply(model.params, np.array([[1, 2, 0, 0]]), masks=masks)
    assert masks[model.layers[-1].name]["output_mask"] is None


def test_keras1_spellings_warn_once_and_map():
    legacy._warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert L.UpSampling1D(length=3).size == 3
        assert L.ZeroPadding2D((1, 1), dim_ordering="th").data_format == "channels_first"
    assert any("UpSampling1D(length=...)" in str(w.message) for w in caught)


@pytest.mark.parametrize("make,words", [
    (lambda: L.ZeroPadding1D(-1), "ZeroPadding1D: padding must be an integer >= 0"),
    (lambda: L.ZeroPadding2D(((1, 2), (3,))), "ZeroPadding2D: padding entry 1"),
    (lambda: L.ZeroPadding2D((1, 2, 3)), "ZeroPadding2D: padding must be"),
    (lambda: L.Cropping1D((1, -1)), "Cropping1D: cropping"), (lambda: L.Cropping2D(-1), "Cropping2D: cropping"),
    (lambda: L.UpSampling1D(0), "UpSampling1D: size"), (lambda: L.UpSampling2D((2, 1.5)), "UpSampling2D: size"),
    (lambda: L.UpSampling2D(interpolation="area"), "interpolation must be one of"),
    (lambda: L.ZeroPadding2D(data_format="NHWC"), "data_format")])
def test_bad_arguments_are_clear_errors(make, words):
    with pytest.raises(ValueError, match=words):
        make()


def test_one_dimensional_cropping_and_upsampling_have_no_data_format_as_in_keras():
    with pytest.raises(TypeError, match="Cropping1D: unexpected keyword argument 'data_format'"):
        L.Cropping1D(1, data_format="channels_first")


def test_cropping_everything_away_names_the_layer():
    with pytest.raises(ValueError, match=r"'crop' \(Cropping2D\): cropping .* leaves nothing"):
        L.Cropping2D(((2, 2), (0, 0)), name="crop")(minikeras.Input((4, 5, 1)))
    layer = L.Cropping1D((3, 3), name="crop1")
    layer.ensure_built((None, None, 2))
    with pytest.raises(ValueError, match=r"'crop1' \(Cropping1D\): cropping"):
        layer(np.ones((1, 5, 2), "float32"))


def test_inputs_of_the_wrong_rank_name_the_layer():
    with pytest.raises(ValueError, match=r"'pad' \(ZeroPadding2D\) expects input of rank 4"):
        L.ZeroPadding2D(name="pad")(minikeras.Input((5, 3)))


def test_keras1_four_number_padding_is_top_bottom_left_right():
    legacy._warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = L.ZeroPadding2D((1, 2, 3, 4))
    assert layer.padding == ((1, 2), (3, 4))
    assert any("(top, bottom, left, right)" in str(w.message) for w in caught)


def test_an_upsampling_size_that_is_not_an_integer_is_a_type_error_as_in_keras():
    with pytest.raises(TypeError, match="UpSampling1D: size must be an integer, got 2.5"):
        L.UpSampling1D(2.5)

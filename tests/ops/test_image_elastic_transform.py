"""ops.image.elastic_transform: random, so not against Keras's numbers; what it must do is checked instead."""
import numpy as np
import pytest

from minikeras import ops


@pytest.fixture
def images():
    return np.random.default_rng(0).uniform(size=(2, 9, 11, 3)).astype("float32")


def test_a_seed_repeats_the_warp_and_different_seeds_differ(images):
    first = ops.image.elastic_transform(images, seed=3)
    assert first.shape == images.shape and first.dtype == np.float32
    np.testing.assert_array_equal(first, ops.image.elastic_transform(images, seed=3))
    assert not np.allclose(first, ops.image.elastic_transform(images, seed=4))
    assert not np.allclose(first, images)


def test_no_displacement_gives_the_image_back(images):
    np.testing.assert_allclose(ops.image.elastic_transform(images, alpha=0.0, seed=1), images, atol=1e-6)


def test_nearest_interpolation_only_moves_pixels(images):
    warped = ops.image.elastic_transform(images, alpha=3.0, sigma=2.0, interpolation="nearest", seed=2)
    assert set(np.unique(warped)) <= set(np.unique(images))


def test_channels_first_and_unbatched_images_keep_their_layout(images):
    channels_first = np.moveaxis(images, -1, 1)
    warped = ops.image.elastic_transform(channels_first, seed=5, data_format="channels_first")
    np.testing.assert_allclose(np.moveaxis(warped, 1, -1), ops.image.elastic_transform(images, seed=5), atol=1e-6)
    assert ops.image.elastic_transform(images[0], seed=5).shape == images[0].shape


def test_a_bad_interpolation_is_refused(images):
    with pytest.raises(ValueError, match=r"ops\.image\.elastic_transform: interpolation must be 'nearest' or "
                                         r"'bilinear', got 'cubic'"):
        ops.image.elastic_transform(images, interpolation="cubic")

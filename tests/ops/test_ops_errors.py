"""Common misuse of minikeras.ops gets a ValueError/TypeError naming the op, what it expected and what it got."""
import numpy as np
import pytest

from minikeras import ops

X23 = np.ones((2, 3), "float32")


@pytest.mark.parametrize("call, error, message", [
    (lambda: ops.matmul(X23, X23), ValueError, r"ops\.matmul: x1's last axis \(3\) must equal x2's second-to-last "
                                               r"axis \(2\); got shapes \(2, 3\) and \(2, 3\)"),
    (lambda: ops.matmul(np.float32(2), X23), ValueError, r"ops\.matmul: inputs must have rank >= 1"),
    (lambda: ops.dot(X23, np.ones(4)), ValueError, r"ops\.dot: x1's last axis \(3\) must equal x2's only axis \(4\)"),
    (lambda: ops.concatenate([X23, X23.T], axis=1), ValueError,
     r"ops\.concatenate: the inputs must have the same shape except along axis 1, got shapes \[\(2, 3\), \(3, 2\)\]"),
    (lambda: ops.concatenate([X23, np.ones(3)]), ValueError, r"ops\.concatenate: every input must have the same rank"),
    (lambda: ops.concatenate(X23), ValueError, r"ops\.concatenate: expected a non-empty list of arrays"),
    (lambda: ops.concatenate([X23, X23], axis=2), ValueError,
     r"ops\.concatenate: axis 2 is out of range for an input of rank 2"),
    (lambda: ops.stack([X23, X23.T]), ValueError, r"ops\.stack: every input must have the same shape"),
    (lambda: ops.sum(X23, axis=2), ValueError, r"ops\.sum: axis 2 is out of bounds for array of dimension 2"),
    (lambda: ops.softmax(X23, axis=-3), ValueError, r"ops\.softmax: axis -3 is out of bounds"),
    (lambda: ops.take(X23, [0], axis=5), ValueError, r"ops\.take: axis 5 is out of range for an input of rank 2"),
    (lambda: ops.reshape(X23, (4, 2)), ValueError, r"ops\.reshape: cannot reshape array of size 6 into shape \(4,"),
    (lambda: ops.squeeze(X23, axis=0), ValueError, r"ops\.squeeze: .*size not equal to one"),
    (lambda: ops.split(np.ones(5), 2), ValueError, r"ops\.split: axis 0 of length 5 does not split into 2 equal"),
    (lambda: ops.tanh("1.5"), TypeError, r"ops\.tanh: expected a number or an array of numbers, got the string "
                                         r"'1\.5'"),
    (lambda: ops.add(X23, "2"), TypeError, r"ops\.add: expected a number or an array of numbers, got the string"),
    (lambda: ops.sum(["a", "b"]), TypeError, r"ops\.sum: expected numbers or arrays of numbers, got strings"),
    (lambda: ops.clip(X23, "low", 1.0), TypeError, r"ops\.clip: expected numbers or arrays of numbers, got 'low'"),
    (lambda: ops.one_hot(np.array([0.5]), 3), TypeError, r"ops\.one_hot: expected integer labels, got dtype float64"),
    (lambda: ops.one_hot(np.array([1]), 0), ValueError, r"ops\.one_hot: num_classes must be a positive integer"),
    (lambda: ops.top_k(X23, 4), ValueError, r"ops\.top_k: k must be an integer in \[1, 3\]"),
    (lambda: ops.categorical_crossentropy(X23, np.ones((2, 4))), ValueError,
     r"ops\.categorical_crossentropy: target and output must have the same shape, got \(2, 3\) and \(2, 4\)"),
    (lambda: ops.cast(X23, "floaty"), TypeError, r"ops\.cast: .*'floaty'"),
    (lambda: ops.where(X23 > 0, X23), ValueError, r"ops\.where: give both x1 and x2, or neither"),
    (lambda: ops.inv(X23), ValueError, r"ops\.inv: expected square matrices in the last two axes, got shape \(2, 3\)"),
    (lambda: ops.einsum(X23, X23), TypeError, r"ops\.einsum: the first argument must be the subscripts string"),
    (lambda: ops.normalize(X23, order=0), ValueError, r"ops\.normalize: order must be an int >= 1, got 0"),
    (lambda: ops.pad(X23, 1, mode="reflect", constant_values=2), ValueError, r"ops\.pad: constant_values is only"),
    (lambda: ops.scan(lambda c, x: (c, x), 0.0), ValueError, r"ops\.scan: give xs or length"),
    (lambda: ops.slice(X23, (0,), (1, 1)), ValueError, r"ops\.slice: expected 2 start indices \(one per axis\), got 1"),
    (lambda: ops.slice_update(X23, (1, 2), np.ones((2, 2))), ValueError,
     r"ops\.slice_update: updates of shape \(2, 2\) at \(1, 2\) do not fit in inputs of shape \(2, 3\)"),
    (lambda: ops.image.resize(np.ones((1, 4, 4, 3)), (2, 2), interpolation="area"), ValueError,
     r"ops\.image\.resize: interpolation must be 'bilinear', 'bicubic', 'lanczos3', 'lanczos5' or 'nearest', got "
     r"'area'"),
    (lambda: ops.image.crop_images(np.ones((1, 4, 4, 3)), top_cropping=1), ValueError,
     r"ops\.image\.crop_images: give exactly two of the vertical arguments"),
    (lambda: ops.image.resize(np.ones((4, 4)), (2, 2)), ValueError,
     r"ops\.image\.resize: expected images of rank 3 or 4 .* got shape \(4, 4\)"),
    (lambda: ops.ctc_decode(np.ones((1, 3, 2)), [3], strategy="beam"), ValueError,
     r"ops\.ctc_decode: strategy must be 'greedy' or 'beam_search', got 'beam'"),
    (lambda: ops.rearrange(np.ones((2, 3)), "a b -> a c"), ValueError,
     r"ops\.rearrange: both sides of 'a b -> a c' must name the same axes"),
    (lambda: ops.conv(np.ones((1, 5, 3)), np.ones((2, 2, 4))), ValueError,
     r"ops\.conv: the inputs' 3 channels do not split into groups of the kernel's 2 input channels"),
])
def test_misuse_names_the_op_and_what_was_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_failed_call_leaves_its_inputs_untouched():
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    with pytest.raises(ValueError):
        ops.matmul(x, x)
    np.testing.assert_array_equal(x, before)

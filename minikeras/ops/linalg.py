"""keras.ops' linear algebra (Keras's keras.src.ops.linalg) over autograd.numpy.linalg, batched over leading axes."""
import autograd.numpy as anp
import numpy as np
from autograd import grad, make_vjp
from autograd.extend import vspace

from ._tensor import to_float, names_errors
from .symbolic import keras_op

__all__ = ["jvp", "norm", "inv", "det", "solve", "solve_triangular", "cholesky", "cholesky_inverse", "eigh", "eig",
           "svd", "qr", "pinv", "lstsq", "matrix_rank", "lu_factor"]


def _square_matrices(op, x):
    x = to_float(x, op)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"ops.{op}: expected square matrices in the last two axes, got shape {x.shape}.")
    return x


@keras_op
@names_errors
def norm(x, ord=None, axis=None, keepdims=False):
    """The vector norm over one axis, or the matrix norm over two ('fro', 'nuc', 1, -1, 2, -2, inf, -inf);
    with axis=None, the 2-norm of the flattened input (Frobenius for a matrix)."""
    x = to_float(x, "norm")
    if axis is None:
        if ord is not None and x.ndim not in (1, 2):
            raise ValueError(f"ops.norm: ord={ord!r} needs a 1-D or 2-D input or an axis, got shape {x.shape}.")
        axis = tuple(range(x.ndim)) if ord is None or x.ndim == 2 else (0,)
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    axes = tuple(a % x.ndim for a in axes)
    if len(axes) == 2 and ord is not None:
        result = _matrix_norm(x, ord, axes)
    elif len(axes) == 1 or ord is None:
        result = _vector_norm(x, ord, axes)
    else:
        raise ValueError(f"ops.norm: axis must name one or two axes, got {axis!r}.")
    return anp.reshape(result, [1 if a in axes else n for a, n in enumerate(x.shape)]) if keepdims else result


def _vector_norm(x, ord, axes):
    magnitude = anp.abs(x)
    if ord is None or ord == 2:
        return anp.sqrt(anp.sum(x * x, axis=axes))
    if ord == np.inf:
        return anp.max(magnitude, axis=axes)
    if ord == -np.inf:
        return anp.min(magnitude, axis=axes)
    if ord == 0:
        return anp.sum((magnitude != 0).astype(x.dtype), axis=axes)
    if isinstance(ord, str):
        raise ValueError(f"ops.norm: ord={ord!r} is a matrix norm; give two axes for it.")
    return anp.sum(magnitude ** ord, axis=axes) ** (1.0 / ord)


def _matrix_norm(x, ord, axes):
    rows, columns = axes
    if ord == "fro":
        return anp.sqrt(anp.sum(x * x, axis=axes))
    if ord in (1, -1):
        sums = anp.sum(anp.abs(x), axis=rows)
        return (anp.max if ord == 1 else anp.min)(sums, axis=columns - (columns > rows))
    if ord in (np.inf, -np.inf):
        sums = anp.sum(anp.abs(x), axis=columns)
        return (anp.max if ord == np.inf else anp.min)(sums, axis=rows - (rows > columns))
    if ord in (2, -2, "nuc"):
        singular = anp.linalg.svd(anp.moveaxis(x, axes, (-2, -1)), compute_uv=False)
        return {2: anp.max, -2: anp.min, "nuc": anp.sum}[ord](singular, axis=-1)
    raise ValueError(f"ops.norm: matrix ord must be 'fro', 'nuc', 1, -1, 2, -2, inf or -inf, got {ord!r}.")


@keras_op
@names_errors
def inv(x):
    """The inverse of square matrices."""
    return anp.linalg.inv(_square_matrices("inv", x))


@keras_op
@names_errors
def det(x):
    """The determinant of square matrices."""
    return anp.linalg.det(_square_matrices("det", x))


@keras_op
@names_errors
def solve(a, b):
    """x with a @ x = b for square a (b a vector or a matrix of right-hand sides)."""
    a, b = _square_matrices("solve", a), to_float(b, "solve")
    if b.shape[0 if b.ndim == 1 else -2] != a.shape[-1]:
        raise ValueError(f"ops.solve: b's rows ({b.shape}) must match a's size ({a.shape}).")
    return anp.linalg.solve(a, b)


@keras_op
@names_errors
def solve_triangular(a, b, lower=False):
    """x with a @ x = b for triangular a (the other triangle is ignored)."""
    a = _square_matrices("solve_triangular", a)
    a = anp.tril(a) if lower else anp.triu(a)
    return anp.linalg.solve(a, to_float(b, "solve_triangular"))


@keras_op
@names_errors
def cholesky(x, upper=False):
    """The lower (or upper) triangular factor L of a symmetric positive-definite x = L @ L.T."""
    lower = anp.linalg.cholesky(_square_matrices("cholesky", x))
    return anp.swapaxes(lower, -1, -2) if upper else lower


@keras_op
@names_errors
def cholesky_inverse(x, upper=False):
    """The inverse of A from its Cholesky factor x (lower by default): inv(x @ x.T)."""
    factor = _square_matrices("cholesky_inverse", x)
    lower = anp.swapaxes(factor, -1, -2) if upper else factor
    return anp.linalg.inv(anp.matmul(lower, anp.swapaxes(lower, -1, -2)))


@keras_op
@names_errors
def eigh(x):
    """Eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices."""
    values, vectors = anp.linalg.eigh(_square_matrices("eigh", x))
    return values, vectors


@keras_op
@names_errors
def eig(x):
    """Eigenvalues and eigenvectors of general square matrices (complex in general; no gradient)."""
    return np.linalg.eig(np.asarray(getattr(x, "_value", x)))


@keras_op
@names_errors
def svd(x, full_matrices=True, compute_uv=True):
    """u, s, vh with x = u @ diag(s) @ vh (only s when compute_uv is False)."""
    result = anp.linalg.svd(to_float(x, "svd"), full_matrices=full_matrices, compute_uv=compute_uv)
    if not compute_uv:
        return result
    u, s, vh = result
    return u, s, vh


@keras_op
@names_errors
def qr(x, mode="reduced"):
    """q, r with x = q @ r, q orthonormal, r upper triangular (mode 'reduced' or 'complete'; no gradient)."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"ops.qr: mode must be 'reduced' or 'complete', got {mode!r}.")
    return np.linalg.qr(np.asarray(getattr(x, "_value", x)), mode=mode)


@keras_op
@names_errors
def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse."""
    x = to_float(x, "pinv")
    return anp.linalg.pinv(x) if rcond is None else anp.linalg.pinv(x, rcond)


@keras_op
@names_errors
def lstsq(a, b, rcond=None):
    """x minimizing |a @ x - b| (least squares), via the pseudo-inverse."""
    a, b = to_float(a, "lstsq"), to_float(b, "lstsq")
    return anp.dot(anp.linalg.pinv(a) if rcond is None else anp.linalg.pinv(a, rcond), b)


@keras_op
@names_errors
def matrix_rank(x, tol=None):
    """The number of singular values above `tol` (a size-dependent default when None), as int32."""
    return np.asarray(np.linalg.matrix_rank(np.asarray(getattr(x, "_value", x)), tol=tol), np.int32)


@keras_op
@names_errors
def lu_factor(x):
    """lu, pivots: the packed L (unit diagonal, below) and U (on and above) with row pivots (no gradient)."""
    lu = np.array(getattr(x, "_value", x), dtype=float)
    n = lu.shape[-1]
    pivots = np.zeros(n, np.int32)
    for k in range(n):  # partial pivoting, one column at a time
        pivot = k + int(np.argmax(np.abs(lu[k:, k])))
        pivots[k] = pivot
        lu[[k, pivot]] = lu[[pivot, k]]
        if lu[k, k] != 0:
            lu[k + 1:, k] /= lu[k, k]
            lu[k + 1:, k + 1:] -= np.outer(lu[k + 1:, k], lu[k, k + 1:])
    return lu.astype(getattr(x, "dtype", lu.dtype)), pivots


@keras_op
def jvp(fun, primals, tangents, has_aux=False):
    """(fun(*primals), the derivative of fun at primals along tangents) - plus fun's auxiliary output with has_aux.

    Computed in reverse mode twice: the vector-Jacobian product is linear in its cotangent u, so the gradient of
    <vjp(u), tangents> with respect to u is the Jacobian-vector product."""
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"ops.jvp: give one tangent per primal, got {len(primals)} primals and {len(tangents)} "
                         f"tangents.")
    result = fun(*primals)
    outputs, aux = (result[0], result[1]) if has_aux else (result, None)
    pullback, _ = make_vjp(lambda values: fun(*values)[0] if has_aux else fun(*values))(primals)

    def along_tangents(cotangent):
        return sum(anp.sum(g * t) for g, t in zip(pullback(cotangent), tangents))
    derivative = grad(along_tangents)(vspace(outputs).zeros())
    return (outputs, derivative, aux) if has_aux else (outputs, derivative)

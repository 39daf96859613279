"""TensorFlow's SparseSlice and SparseSliceGrad for JAX (CPU), through XLA's
FFI.

``sparse_slice`` keeps the rows of a sparse tensor (COO: indices, values,
dense shape) inside a box, as ``tf.sparse.slice``; JAX needs static shapes,
so its results have room for every input row and a count says how many are
the slice's. ``sparse_slice_grad`` is the gradient of ``tf.sparse.slice``
with respect to the sparse tensor's values: ``val_grad[i]`` is the
``backprop_val_grad`` entry of the output row that input row ``i`` became,
zero where the row was sliced away. ``jax.grad`` through ``sparse_slice``
runs that gradient fused with the slice (the slice's positions, scattered),
as the compiler's sparse-fuse-slice-grad does. Both run the kernels of the
project's kernel library (libSliceGradKernels, compiled ahead of time for
the CPU that runs them), writing into XLA's own output buffers;
TensorFlow's checks raise JAX exceptions with TensorFlow's code and
message.

    import jax
    jax.config.update("jax_enable_x64", True)  # int64 indices, as TF's
    from sparse_slice_grad_jax import sparse_slice, sparse_slice_grad

    val_grad = jax.jit(sparse_slice_grad)(backprop_val_grad, input_indices,
                                          input_start, output_indices)
    out_indices, out_values, out_shape, count = sparse_slice(
        indices, values, shape, start, size)

See docs/JAX.md.
"""

import ctypes
import os

import jax
import jax.numpy as jnp

__all__ = ["sparse_slice", "sparse_slice_grad", "kernel_target"]

_HERE = os.path.dirname(os.path.abspath(__file__))
_lib = ctypes.CDLL(os.path.join(_HERE, "libSliceGradJaxFfi.so"))
_kernels = ctypes.CDLL(os.path.join(_HERE, "libSliceGradKernels.so"))
_kernels.sparseSliceGradKernelTarget.restype = ctypes.c_char_p
_TARGET = "sparse_slice_grad"
_SLICE_TARGET = "sparse_slice"
jax.ffi.register_ffi_target(
    _TARGET, jax.ffi.pycapsule(_lib.SparseSliceGradFfi), platform="cpu")
jax.ffi.register_ffi_target(
    _SLICE_TARGET, jax.ffi.pycapsule(_lib.SparseSliceFfi), platform="cpu")


def kernel_target():
    """The CPU level whose kernels run here ("x86-64-v4", ...)."""
    return _kernels.sparseSliceGradKernelTarget().decode()


def _check_index_types(op, **arrays):
    for name, a in arrays.items():
        if a.dtype != jnp.int64:
            hint = ""
            if not jax.config.jax_enable_x64:
                hint = (" (JAX makes int64 arrays int32 unless x64 is on: "
                        "jax.config.update('jax_enable_x64', True))")
            raise TypeError("%s: %s must be int64, got %s%s"
                            % (op, name, a.dtype, hint))


def _call(backprop_val_grad, input_indices, input_start, output_indices):
    rows = input_indices.shape[0] if input_indices.ndim >= 1 else 0
    result = jax.ShapeDtypeStruct((rows,), backprop_val_grad.dtype)
    return jax.ffi.ffi_call(_TARGET, result, vmap_method="sequential")(
        backprop_val_grad, input_indices, input_start, output_indices)


@jax.custom_vjp
def _slice_grad(backprop_val_grad, input_indices, input_start,
                output_indices):
    return _call(backprop_val_grad, input_indices, input_start,
                 output_indices)


def _slice_grad_fwd(backprop_val_grad, input_indices, input_start,
                    output_indices):
    result = _call(backprop_val_grad, input_indices, input_start,
                   output_indices)
    # The op is linear in backprop_val_grad: its transpose sends the
    # cotangent of input row i to the output row that row matched. The same
    # kernel on 1..N_out finds that row (0 where none).
    n_out = backprop_val_grad.shape[0]
    numbers = jnp.arange(1, n_out + 1, dtype=jnp.int64)
    matched = _call(numbers, input_indices, input_start, output_indices)
    return result, (matched, n_out)


def _slice_grad_bwd(residuals, cotangent):
    matched, n_out = residuals
    rows = jnp.where(matched > 0, matched - 1, n_out)
    grad = jnp.zeros((n_out,), cotangent.dtype).at[rows].set(
        cotangent, mode="drop")
    return grad, None, None, None


_slice_grad.defvjp(_slice_grad_fwd, _slice_grad_bwd)


def sparse_slice_grad(backprop_val_grad, input_indices, input_start,
                      output_indices):
    """tf.raw_ops.SparseSliceGrad, with its signature and result.

    backprop_val_grad: (N_out,) values of any type of 1, 2, 4, 8 or 16
    bytes; input_indices: (N_in, R) int64; input_start: (R,) int64;
    output_indices: (N_out, R) int64. Returns (N_in,) values of
    backprop_val_grad's type. Differentiable in backprop_val_grad
    (jax.grad, reverse mode); under jax.vmap the calls run one by one.
    Raises TypeError for indices that are not int64, and JAX's runtime
    error with TensorFlow's code and message for a failed check.
    """
    args = [jnp.asarray(a) for a in (backprop_val_grad, input_indices,
                                     input_start, output_indices)]
    _check_index_types("sparse_slice_grad", input_indices=args[1],
                       input_start=args[2], output_indices=args[3])
    return _slice_grad(*args)


def _slice_call(indices, values, shape, start, size):
    # Shapes that are not TensorFlow's (indices not a matrix, ...) still get
    # buffers, and the kernel reports TensorFlow's error for them.
    n = indices.shape[0] if indices.ndim >= 1 else 0
    r = indices.shape[1] if indices.ndim >= 2 else 0
    rank = shape.shape[0] if shape.ndim >= 1 else 0
    results = (jax.ShapeDtypeStruct((n, r), jnp.int64),
               jax.ShapeDtypeStruct((n,), values.dtype),
               jax.ShapeDtypeStruct((rank,), jnp.int64),
               jax.ShapeDtypeStruct((n,), jnp.int64),
               jax.ShapeDtypeStruct((), jnp.int64))
    return jax.ffi.ffi_call(_SLICE_TARGET, results, vmap_method="sequential")(
        indices, values, shape, start, size)


@jax.custom_vjp
def _slice(indices, values, shape, start, size):
    out_indices, out_values, out_shape, _, count = _slice_call(
        indices, values, shape, start, size)
    return out_indices, out_values, out_shape, count


def _slice_fwd(indices, values, shape, start, size):
    out_indices, out_values, out_shape, positions, count = _slice_call(
        indices, values, shape, start, size)
    return (out_indices, out_values, out_shape, count), (positions,
                                                         values.shape[0])


def _slice_bwd(residuals, cotangents):
    # SparseSliceGrad of the slice's own output: TensorFlow's loop matches
    # exactly the kept rows, in order (docs/Rationale.md), so it is the
    # scatter of the values' cotangent by the slice's positions; padding
    # rows have position N and are dropped.
    positions, n = residuals
    values_cotangent = cotangents[1]
    grad = jnp.zeros((n,), values_cotangent.dtype).at[positions].set(
        values_cotangent, mode="drop")
    return None, grad, None, None, None


_slice.defvjp(_slice_fwd, _slice_bwd)


def sparse_slice(indices, values, shape, start, size):
    """tf.raw_ops.SparseSlice, with static shapes.

    indices: (N, R) int64; values: (N,) of any type of 1, 2, 4, 8 or 16
    bytes; shape, start, size: (R,) int64. Returns (output_indices (N, R)
    int64, output_values (N,), output_shape (R,) int64, count): the first
    `count` rows are TensorFlow's output_indices and output_values, the rest
    are zeros. Differentiable in values (jax.grad, reverse mode: the
    gradient is tf.sparse.slice's, SparseSliceGrad); under jax.vmap the
    calls run one by one. Raises TypeError for int arrays that are not
    int64, and JAX's runtime error with TensorFlow's code and message for a
    failed check.
    """
    args = [jnp.asarray(a) for a in (indices, values, shape, start, size)]
    _check_index_types("sparse_slice", indices=args[0], shape=args[2],
                       start=args[3], size=args[4])
    return _slice(*args)

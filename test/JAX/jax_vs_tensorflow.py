# The JAX module against real TensorFlow on the same inputs, bit for bit,
# besides everything jax_ffi.py and jax_slice.py check: sparse_slice_grad
# against tf.raw_ops.SparseSliceGrad; sparse_slice against
# tf.raw_ops.SparseSlice, and jax.grad through it against tf.sparse.slice's
# gradient under tf.GradientTape.
#
# REQUIRES: jax, numpy, tensorflow
# UNSUPPORTED: sanitizers
# RUN: env PYTHONPATH=%jax_package %test_python %S/jax_ffi.py --seed 32 --tf | FileCheck %s
# CHECK: jax-ffi threads: 6 threads x 40 calls, 0 failures
# CHECK: jax-ffi tensorflow: 20 cases, 0 failures
# RUN: env PYTHONPATH=%jax_package %test_python %S/jax_slice.py --seed 42 --tf | FileCheck %s --check-prefix=SLICE
# SLICE: jax-slice threads: 4 threads x 30 calls, 0 failures
# SLICE: jax-slice tensorflow: 20 cases, 0 failures

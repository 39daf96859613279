# The JAX module against real TensorFlow (tf.raw_ops.SparseSliceGrad) on
# the same inputs, bit for bit, besides everything jax_ffi.py checks.
#
# REQUIRES: jax, numpy, tensorflow
# UNSUPPORTED: sanitizers
# RUN: env PYTHONPATH=%jax_package %test_python %S/jax_ffi.py --seed 32 --tf | FileCheck %s
# CHECK: jax-ffi threads: 6 threads x 40 calls, 0 failures
# CHECK: jax-ffi tensorflow: 20 cases, 0 failures

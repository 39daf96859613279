"""What the JAX module's tests share: the value types JAX has, random
values with every bit pattern, comparison by bits, and the check that
int64 indices without x64 raise a TypeError naming jax_enable_x64."""

import jax
import jax.numpy as jnp
import numpy as np

# Every value type JAX has (bf16 as ml_dtypes' bfloat16), by its bits.
TYPES = [jnp.float16, jnp.bfloat16, jnp.float32, jnp.float64, jnp.complex64,
         jnp.complex128, jnp.int8, jnp.int16, jnp.int32, jnp.int64,
         jnp.uint8, jnp.uint16, jnp.uint32, jnp.uint64]


def random_values(rng, dtype, n):
    """Random values of `dtype` with every bit pattern possible."""
    width = np.dtype(dtype).itemsize
    raw = rng.integers(0, 256, size=n * width, dtype=np.uint8)
    return raw.view(np.dtype(dtype))


def bits(a):
    a = np.ascontiguousarray(np.asarray(a))
    return a.view(np.uint8).tobytes()


def x64_off_outcome(call):
    """Runs `call` with x64 off (JAX turns int64 into int32), then turns x64
    on: "TypeError ok" if it raised a TypeError that names the flag."""
    jax.config.update("jax_enable_x64", False)
    try:
        call()
        return "no error"
    except TypeError as e:
        return "TypeError %s" % ("ok" if "jax_enable_x64" in str(e)
                                 else "without the hint")
    finally:
        jax.config.update("jax_enable_x64", True)

"""TensorFlow's SparseSlice CPU kernel (sparse_slice_op.cc, SparseTensor::Slice,
TensorShape's InitDims/AddDimWithStatus/SetDimWithStatus), checks and
messages included, as the reference of the forward's tests.

TensorShape's messages depend on its internal representation (16-bit,
32-bit or out-of-line sizes), so the model keeps that representation too.
Integer arithmetic wraps as TensorFlow's compiled int64 arithmetic does.
"""

import numpy as np

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
_MAX_SMALL = 0xD744          # InitDims' fast path: 4-way products cannot overflow
_MAX_REP16 = 0xFFFF          # kMaxRep16
_MAX_REP32 = 0xFFFFFFFF      # kMaxRep32
_MAX_DIMS = 254              # TensorShape::MaxDimensions()


class TFError(Exception):
    pass


def wrap(x):
    return ((x - INT64_MIN) % (1 << 64)) + INT64_MIN


def _mul(a, b):
    """MultiplyWithoutOverflow: -1 for a negative operand or a product past
    2^64, else the product as int64 (negative past 2^63: an error too)."""
    if a < 0 or b < 0:
        return -1
    p = a * b
    return wrap(p) if p < (1 << 64) else -1


class _Shape:
    def __init__(self):
        self.dims, self.tag, self.n = [], 16, 1

    def debug(self):
        return "[" + ",".join(str(d) for d in self.dims) + "]"

    def add_dim(self, s):
        if s < 0:
            raise TFError("Expected a non-negative size, got %d" % s)
        if len(self.dims) >= _MAX_DIMS:
            raise TFError("Too many dimensions in tensor")
        nn = _mul(self.n, s)
        if nn < 0:
            raise TFError("Encountered overflow when multiplying %d with %d, "
                          "result: %d" % (self.n, s, nn))
        nd = len(self.dims)
        if self.tag == 16 and nd < 6 and s < _MAX_REP16:
            pass
        elif self.tag == 32 and nd < 3 and s < _MAX_REP32:
            pass
        elif self.tag != 64:
            vals = self.dims + [s]
            self.tag = 32 if len(vals) <= 3 and all(
                v < _MAX_REP32 for v in vals) else 64
        self.dims.append(s)
        self.n = nn

    def recompute(self):
        n = 1
        for d in self.dims:
            n = _mul(n, d)
            if n < 0:
                raise TFError("Shape %s results in overflow when computing "
                              "number of elements" % self.debug())
        self.n = n

    def set_dim(self, d, size):
        if size < 0:
            raise TFError("Expected a non-negative size, got %d" % size)
        if ((self.tag == 16 and size < _MAX_REP16) or
                (self.tag == 32 and size < _MAX_REP32) or self.tag == 64):
            self.dims[d] = size
        else:
            vals = list(self.dims)
            vals[d] = size
            self.dims, self.tag, self.n = [], 16, 1
            for v in vals:
                self.add_dim(v)
        self.recompute()


def build_shape(sizes):
    """TensorShapeBase::BuildTensorShapeBase (InitDims)."""
    sh = _Shape()
    large = any(s > _MAX_SMALL for s in sizes)
    if not large:
        for s in sizes:
            if s < 0:
                raise TFError("Expected shape dimensions to be non-negative, "
                              "got %d" % s)
        if 1 <= len(sizes) <= 4:
            sh.dims = list(sizes)
            sh.n = int(np.prod(sizes, dtype=object)) if sizes else 1
            return sh
    for s in sizes:
        sh.add_dim(s)
    return sh


def _shape_str(a):
    return "[" + ",".join(str(d) for d in np.shape(a)) + "]"


def output_shape(shape, start, size):
    """The output shape of SparseTensor::Slice, or TFError."""
    sh = build_shape([int(x) for x in shape])
    for d in range(len(sh.dims)):
        input_size, st, sz = sh.dims[d], int(start[d]), int(size[d])
        if st < wrap(input_size - sz):
            sh.set_dim(d, sz)
        elif st < input_size:
            sh.set_dim(d, wrap(input_size - st))
        else:
            sh.set_dim(d, 0)
    return list(sh.dims)


def check_operands(ii, v, shape, start, size):
    """ValidateSparseTensor and SparseSliceOpImpl's checks, in order."""
    ii, v = np.asarray(ii), np.asarray(v)
    shape, start, size = np.asarray(shape), np.asarray(start), np.asarray(size)
    if ii.ndim != 2:
        raise TFError("Sparse indices must be rank 2 but is rank %d" % ii.ndim)
    if v.ndim != 1:
        raise TFError("Sparse values must be rank 1 but is rank %d" % v.ndim)
    if shape.ndim != 1:
        raise TFError("Sparse shape must be rank 1 but is rank %d"
                      % shape.ndim)
    if v.shape[0] != ii.shape[0]:
        raise TFError("Number of elements in indices (%d) and values (%d) do "
                      "not match" % (ii.shape[0], v.shape[0]))
    if shape.shape[0] != ii.shape[1]:
        raise TFError("Index rank (%d) and shape rank (%d) do not match"
                      % (ii.shape[1], shape.shape[0]))
    if start.ndim != 1:
        raise TFError("Input start should be a vector but received shape "
                      + _shape_str(start))
    if size.ndim != 1:
        raise TFError("Input size should be a vector but received shape "
                      + _shape_str(size))
    if start.shape[0] != shape.shape[0]:
        raise TFError("Expected start to be a vector of length %d but got "
                      "length %d" % (shape.shape[0], start.shape[0]))
    if size.shape[0] != shape.shape[0]:
        raise TFError("Expected size to be a vector of length %d but got "
                      "length %d" % (shape.shape[0], size.shape[0]))


def kept(ii, start, size):
    """The rows TensorFlow keeps: start <= x < start + size (wrapping add)
    in every column."""
    ii = np.asarray(ii, dtype=np.int64)
    n, r = ii.shape
    mask = np.ones(n, dtype=bool)
    with np.errstate(over="ignore"):
        for d in range(r):
            s = np.int64(start[d])
            end = np.int64(wrap(int(start[d]) + int(size[d])))
            mask &= (ii[:, d] >= s) & (ii[:, d] < end)
    return mask


def sparse_slice(ii, v, shape, start, size):
    """(output_indices, output_values, output_shape) or TFError."""
    check_operands(ii, v, shape, start, size)
    out_shape = output_shape(shape, start, size)
    ii = np.asarray(ii, dtype=np.int64)
    mask = kept(ii, start, size)
    with np.errstate(over="ignore"):
        oi = ii[mask] - np.asarray(start, dtype=np.int64)[None, :]
    return oi.reshape(int(mask.sum()), ii.shape[1]), np.asarray(v)[mask], np.array(
        out_shape, dtype=np.int64)

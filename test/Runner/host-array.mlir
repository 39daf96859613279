// Unit tests of SliceGradRunner's host arrays (lib/Runner/HostArray.cpp),
// the .npy files and inline arrays of sparse-opt --run: every element type
// round trips through printed text and a .npy file (with numpy's dtype for
// it) bit for bit; hostile .npy files and inline texts get these errors.
//
// RUN: host-array-test | FileCheck %s

// CHECK: round trip 2x3xi64=[1 2 3][-4 5 -9223372036854775808] as '<i8'
// CHECK-NEXT: round trip 4xi32=1 -2 3 4 as '<i4'
// CHECK-NEXT: round trip 2xi16=-32768 32767 as '<i2'
// CHECK-NEXT: round trip 3xi8=-1 0 127 as '|i1'
// CHECK-NEXT: round trip 2xi1=1 0 as '|b1'
// CHECK-NEXT: round trip 2xui8=0 255 as '|u1'
// CHECK-NEXT: round trip 2xui64=0 18446744073709551615 as '<u8'
// CHECK-NEXT: round trip 3xf32=1.5 -0 3.4028235e+38 as '<f4'
// CHECK-NEXT: round trip 2xf64=0.1 -1e-308 as '<f8'
// CHECK-NEXT: round trip 2xf16=0.5 -2 as '<f2'
// CHECK-NEXT: round trip 2xbf16=1 -0.5 as '<u2'
// CHECK-NEXT: round trip 2xcomplex<f32>=(1,2) (-0,3.5) as '<c8'
// CHECK-NEXT: round trip 1xcomplex<f64>=(0.1,-0.2) as '<c16'
// CHECK-NEXT: round trip 2xindex=0 7 as '<i8'
// CHECK-NEXT: round trip 0x2xi64= as '<i8'
// CHECK-NEXT: round trip f32=1.25 as '<f4'
// CHECK-NEXT: file empty: not a .npy file (no \x93NUMPY magic)
// CHECK-NEXT: file magic: not a .npy file (no \x93NUMPY magic)
// CHECK-NEXT: file version: .npy version 4 is not 1, 2 or 3
// CHECK-NEXT: file header past the end: truncated .npy header
// CHECK-NEXT: file big-endian: dtype '>f4' is not a little-endian number type
// CHECK-NEXT: file fortran: the array is in Fortran order; save it in C order (numpy.ascontiguousarray)
// CHECK-NEXT: file negative dim: not a .npy file this tool reads: shape (-2,)
// CHECK-NEXT: file overflowing shape: shape (4294967296, 4294967296) is too large
// CHECK-NEXT: file short data: holds 4 bytes of data, its shape and dtype need 8
// CHECK-NEXT: file long data: holds 12 bytes of data, its shape and dtype need 8
// CHECK-NEXT: file unknown dtype: dtype '<x9' is not a little-endian number type
// CHECK-NEXT: file not a dict: not a .npy file this tool reads: its header has no descr, fortran_order or shape
// CHECK-NEXT: text 2x3xf32=1 2: '2x3xf32' needs 6 values, 2 given
// CHECK-NEXT: text f32=abc: 'abc' is not a value of type f32
// CHECK-NEXT: text 3xq32=1 2 3: '3xq32' is not DIMSxTYPE with TYPE a number type (e.g. 3x2xi64, f32, 4xcomplex<f32>)
// CHECK-NEXT: text -1xf32=: '-1xf32' is not DIMSxTYPE with TYPE a number type (e.g. 3x2xi64, f32, 4xcomplex<f32>)
// CHECK-NEXT: text 2xi8=1 300: '300' is not a value of type i8
// CHECK-NEXT: text 2x2xf32=1 2 3 4 5: '2x2xf32' needs 4 values, 5 given
// CHECK-NEXT: text 2xcomplex<f32>=(1,2) 3: '3' is not a value of type complex<f32>
// CHECK-NEXT: text xf32=1: 'xf32' is not DIMSxTYPE with TYPE a number type (e.g. 3x2xi64, f32, 4xcomplex<f32>)
// CHECK-NEXT: host-array: 0 failures

// --run on an entry function with arguments: inline --input values in
// iree-run-module's form, results printed in full precision (the text after
// `result[k]: ` is itself a valid --input).
//
// RUN: sparse-opt --run %s -e grad --input="3xf32=0.1 -0 3.4028235e38" --input="14x2xi64=[0 0][0 2][0 4][0 5][1 1][1 3][1 4][2 0][2 3][2 5][3 0][3 2][3 3][3 5]" --input="2xi64=1 3" --input="3x2xi64=[0 0][1 0][2 0]" | FileCheck %s --check-prefix=GRAD
// GRAD: result[0]: 14xf32=0 0 0 0 0 0.1 0 0 -0 0 0 0 3.4028235e+38 0
// GRAD-NOT: result[1]
//
// Static shapes, f64 and the C interface's struct of several results.
// RUN: sparse-opt --run %s -e static --input="2xf64=0.1 0.30000000000000004" --input="4x1xi64=5 7 5 9" --input="1xi64=2" --input="2x1xi64=3 5" | FileCheck %s --check-prefix=STATIC
// STATIC: result[0]: 4xf64=0.1 0.30000000000000004 0 0
// STATIC-NEXT: result[1]: i64=4
// STATIC-NEXT: result[2]: 2x1xi64=[3][5]
//
// Scalars in and out, a complex one among them; one value fills an array.
// RUN: sparse-opt --run %s -e scalars --input=i64=-3 --input=f32=0.25 --input="complex<f64>=(1.5, -2e-300)" --input="2x2xui8=255" | FileCheck %s --check-prefix=SCALARS
// SCALARS: result[0]: complex<f64>=(1.5,-2e-300)
// SCALARS-NEXT: result[1]: f32=-2.75
// SCALARS-NEXT: result[2]: 2x2xui8=[255 255][255 255]
//
// --output: - prints, nothing drops, a result without one is printed.
// RUN: sparse-opt --run %s -e static --input="2xf64=1 2" --input="4x1xi64=5 7 5 9" --input="1xi64=2" --input="2x1xi64=3 5" --output= --output=- | FileCheck %s --check-prefix=OUTPUT
// OUTPUT-NOT: result[0]
// OUTPUT: result[1]: i64=4
// OUTPUT-NEXT: result[2]: 2x1xi64=[3][5]
//
// An entry that mlir-runner could call prints what mlir-runner prints,
// whether --entry-point-result is given or read from the signature.
// RUN: sparse-opt --run %s -e seven | FileCheck %s --check-prefix=RUNNER
// RUN: sparse-opt --run %s -e seven --entry-point-result=i64 | FileCheck %s --check-prefix=RUNNER
// RUNNER: {{^}}7{{$}}
//
// The op's own run-time errors, on values given inline.
// RUN: not sparse-opt --run %s -e grad --input="1xf32=1" --input="1x2xi64=0 0" --input="2xi64=0 0" --input="1x2xi64=0 1" 2>&1 | FileCheck %s --check-prefix=PROPAGATED
// PROPAGATED: sparse.slice_grad in @grad ({{.*}}run-inputs.mlir:{{[0-9]+}}:8): INTERNAL: Elements of backprop_val_grad aren't all propagated. Num elements:1, used: 0
//
// Bad inputs: a message each, before anything is compiled.
// RUN: not sparse-opt --run %s -e scalars --input=i64=3 --input=f32=1e39 --input="complex<f64>=(0,0)" --input="2x2xui8=0" 2>&1 | FileCheck %s --check-prefix=RANGE
// RANGE: sparse-opt: --input #2: '1e39' is out of the range of f32
// RUN: not sparse-opt --run %s -e scalars --input=i64=3 --input=f32=1 --input="complex<f64>=(0,0)" --input="2x2xui8=256" 2>&1 | FileCheck %s --check-prefix=UINT
// UINT: sparse-opt: --input #4: '256' is not a value of type ui8
// RUN: not sparse-opt --run %s -e scalars --input=i64=3 --input=f32=1 --input="complex<f64>=(0,0)" --input="2x2xui8=1 2 3" 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: sparse-opt: --input #4: '2x2xui8' needs 4 values, 3 given
// RUN: not sparse-opt --run %s -e scalars --input=i64=3 --input=2xf32=1 --input="complex<f64>=(0,0)" --input="2x2xui8=1" 2>&1 | FileCheck %s --check-prefix=SCALAR
// SCALAR: sparse-opt: --input #2 (2xf32=1) does not fit argument #2 of @scalars, f32: its shape is 2, the argument is a scalar
// RUN: not sparse-opt --run %s -e scalars --input=i64=3 --input=f32=1 --input="complex<f64>=(0,0)" --input="2x2xsi8=1" 2>&1 | FileCheck %s --check-prefix=TYPE
// TYPE: sparse-opt: --input #4 (2x2xsi8=1) does not fit argument #4 of @scalars, tensor<2x2xui8>: its element type is si8
// RUN: not sparse-opt --run %s -e scalars --input=i64=3 --input=f32=1 --input="complex<f64>=(0,0)" --input="2x2xwhat=1" 2>&1 | FileCheck %s --check-prefix=SYNTAX
// SYNTAX: sparse-opt: --input #4: '2x2xwhat' is not DIMSxTYPE with TYPE a number type (e.g. 3x2xi64, f32, 4xcomplex<f32>)
// RUN: not sparse-opt --run %s -e grad --entry-point-result=i32 2>&1 | FileCheck %s --check-prefix=KIND
// KIND: sparse-opt: --entry-point-result=i32 does not fit @grad : (tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?xf32>; leave it out to call the function by its signature (--input for its arguments)
// RUN: not sparse-opt %s --input=f32=1 2>&1 | FileCheck %s --check-prefix=OPTMODE
// OPTMODE: sparse-opt: -input is a flag of --run; add --run to JIT-execute

func.func @grad(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

func.func @static(%g: tensor<2xf64>, %ii: tensor<4x1xi64>, %s: tensor<1xi64>, %oi: tensor<2x1xi64>) -> (tensor<4xf64>, i64, tensor<2x1xi64>) {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<2xf64>, tensor<4x1xi64>, tensor<1xi64>, tensor<2x1xi64> -> tensor<4xf64>
  %n = arith.constant 4 : i64
  return %r, %n, %oi : tensor<4xf64>, i64, tensor<2x1xi64>
}

func.func @scalars(%a: i64, %b: f32, %c: complex<f64>, %d: tensor<2x2xui8>) -> (complex<f64>, f32, tensor<2x2xui8>) {
  %f = arith.sitofp %a : i64 to f32
  %s = arith.addf %f, %b : f32
  return %c, %s, %d : complex<f64>, f32, tensor<2x2xui8>
}

func.func @seven() -> i64 {
  %c = arith.constant 7 : i64
  return %c : i64
}

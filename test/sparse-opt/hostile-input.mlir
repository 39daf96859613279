// Hostile input to sparse-opt and its pipelines (issue 23): each case ends
// with one clear message and exit status 1 (or the right result), never a
// signal, an LLVM ERROR, a hang or a lost file.
//
// Run-time sizes that malloc cannot take (R = 0 makes a huge row count
// free to give): TensorFlow's ResourceExhausted on every strategy, whether
// the byte count wraps (2^62 rows of f32) or malloc just fails.
// DEFINE: %{zero} = --input="0xf32=" --input="0xi64=" --input="0x0xi64="
// RUN: not sparse-opt --run %s -e grad --input="4611686018427387904x0xi64=" %{zero} 2>&1 | FileCheck %s --check-prefix=WRAP
// RUN: not sparse-opt --run %s -e grad --input="4611686018427387904x0xi64=" %{zero} --sparse-lower-to-llvm=strategy=sequential 2>&1 | FileCheck %s --check-prefix=WRAP
// RUN: not sparse-opt --run %s -e grad --input="4611686018427387904x0xi64=" %{zero} --sparse-lower-to-llvm=gpu-algorithm=true 2>&1 | FileCheck %s --check-prefix=WRAP
// RUN: not sparse-opt --run %s -e grad --input="99999999999x0xi64=" %{zero} --sparse-lower-to-llvm=strategy=sequential 2>&1 | FileCheck %s --check-prefix=OOM
// WRAP: memref.alloc in @grad ({{.*}}hostile-input.mlir:[[#GRAD:]]:8): RESOURCE_EXHAUSTED: OOM when allocating tensor with shape[4611686018427387904] and type float
// OOM: RESOURCE_EXHAUSTED: OOM when allocating tensor with shape[99999999999] and type float
//
// A zero-element result with a huge leading dimension prints at once.
// RUN: sparse-opt --run %s -e empty --input="99999999999x0xf32=" | FileCheck %s --check-prefix=EMPTY
// EMPTY: result[0]: 99999999999x0xf32={{$}}
//
// Pipelines nested under another op, and options out of range.
// RUN: not sparse-opt %s --pass-pipeline='builtin.module(func.func(sparse-lower-to-llvm))' 2>&1 | FileCheck %s --check-prefix=NESTED
// RUN: not sparse-opt %s --pass-pipeline='builtin.module(func.func(sparse-to-nvvm))' 2>&1 | FileCheck %s --check-prefix=NESTED-NVVM
// RUN: not sparse-opt %s --pass-pipeline='builtin.module(sparse-to-nvvm{chip=})' 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not sparse-opt %s --sparse-to-nvvm=chip=sm_9x 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not sparse-opt %s --sparse-to-nvvm=format=bogus 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not sparse-opt %s --sparse-lower-to-llvm=vector-width=65 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not sparse-opt %s --convert-sparse-to-loops=vector-width=65536 2>&1 | FileCheck %s --check-prefix=WIDTH-PASS
// RUN: not sparse-opt %s --sparse-lower-to-llvm=chunk-rows=0 2>&1 | FileCheck %s --check-prefix=CHUNK
// NESTED: error: sparse-lower-to-llvm runs on builtin.module, not nested under 'func.func'
// NESTED-NVVM: error: sparse-to-nvvm runs on builtin.module, not nested under 'func.func'
// CHIP: error: sparse-to-nvvm: chip must name an NVIDIA GPU, e.g. sm_90, got '{{(sm_9x)?}}'
// FORMAT: error: sparse-to-nvvm: format must be isa, bin or fatbin, got 'bogus'
// WIDTH: error: sparse-lower-to-llvm: vector-width must be at most 64, got 65
// WIDTH-PASS: error: convert-sparse-to-loops: vector-width must be at most 64, got 65536
// CHUNK: error: sparse-lower-to-llvm: chunk-rows must be at least 1, got 0
//
// A strided tensor.extract_slice before the op lowers and runs.
// RUN: sparse-opt --run %s -e strided --input="6xf32=1 2 3 4 5 6" --input="3x1xi64=0 1 2" --input="1xi64=0" --input="3x1xi64=0 1 2" | FileCheck %s --check-prefix=STRIDED
// STRIDED: result[0]: 3xf32=1 3 5
//
// A memref destination that overlaps an operand: refused on every strategy.
// RUN: not sparse-opt --run %s -e overlap --input="6xf32=10 20 30 40 50 60" --input="3x1xi64=0 1 2" --input="1xi64=0" --input="3x1xi64=0 1 2" 2>&1 | FileCheck %s --check-prefix=ALIAS
// RUN: not sparse-opt --run %s -e overlap --input="6xf32=10 20 30 40 50 60" --input="3x1xi64=0 1 2" --input="1xi64=0" --input="3x1xi64=0 1 2" --sparse-lower-to-llvm=strategy=sequential 2>&1 | FileCheck %s --check-prefix=ALIAS
// RUN: not sparse-opt --run %s -e overlap --input="6xf32=10 20 30 40 50 60" --input="3x1xi64=0 1 2" --input="1xi64=0" --input="3x1xi64=0 1 2" --sparse-lower-to-llvm=gpu-algorithm=true 2>&1 | FileCheck %s --check-prefix=ALIAS
// ALIAS: sparse.slice_grad in @overlap ({{.*}}): INVALID_ARGUMENT: the destination overlaps operand #1 (#1 is backprop_val_grad); a memref form needs a separate destination buffer
//
// Bad flags and inline values: one line, status 1.
// RUN: not sparse-opt --run %s -e grad --input=@/dev/zero %{zero} 2>&1 | FileCheck %s --check-prefix=DEVZERO
// RUN: not sparse-opt --run %s -e grad --input="99999999999x0xi64=" --input="99999999999xf32=0" --input="0xi64=" --input="0x0xi64=" 2>&1 | FileCheck %s --check-prefix=HUGE
// RUN: not sparse-opt --run %s -e grad --input="0x0xi64=" --input="2xf32=1.5e 1" --input="0xi64=" --input="0x0xi64=" 2>&1 | FileCheck %s --check-prefix=LITERAL
// RUN: not sparse-opt --run %s -e grad --input="0x0xi64=" --input="2xfoo32=1" --input="0xi64=" --input="0x0xi64=" 2>&1 | FileCheck %s --check-prefix=TYPE --implicit-check-not=error:
// RUN: not sparse-opt --run %s -e grad --input="0x0xi64=" %{zero} --shared-libs=%s 2>&1 | FileCheck %s --check-prefix=NOTLIB
// RUN: not sparse-opt --run %s -e grad --input="0x0xi64=" %{zero} --object-filename=%t.missing/x.o 2>&1 | FileCheck %s --check-prefix=OBJECT
// RUN: rm -f %t.second.npy
// RUN: not sparse-opt --run %s -e two --input="2xf32=1.5 -2" --output=@/dev/full --output=@%t.second.npy 2>&1 | FileCheck %s --check-prefix=FULL
// RUN: sparse-opt --run %s -e id --input=@%t.second.npy | FileCheck %s --check-prefix=SECOND
// DEVZERO: sparse-opt: --input #1: /dev/zero: not a .npy file (no \x93NUMPY magic)
// HUGE: sparse-opt: --input #2: '99999999999xf32' needs 399999999996 bytes, more than this machine's memory
// LITERAL: sparse-opt: --input #2: '1.5e' is not a value of type f32
// TYPE: sparse-opt: --input #2: '2xfoo32' is not DIMSxTYPE with TYPE a number type
// NOTLIB: sparse-opt: --shared-libs: cannot load {{.*}}hostile-input.mlir: {{.*}}
// OBJECT: sparse-opt: --object-filename: cannot write {{.*}}.missing/x.o: no such directory
// FULL: sparse-opt: --output #1: /dev/full: No space left on device
// SECOND: result[0]: 2xf32=1.5 -2
//
// NaN payloads print as their bits, which read back to the same bits.
// RUN: sparse-opt --run %s -e id --input="4xf32=0x7FC00001 0xFFC00000 nan -nan" | FileCheck %s --check-prefix=NAN
// RUN: sparse-opt --run %s -e id --input="4xf32=0x7FC00001 0xFFC00000 nan -nan" | sed 's/^result\[0\]: //' | xargs -0 -I{} sparse-opt --run %s -e id --input={} | FileCheck %s --check-prefix=NAN
// RUN: sparse-opt --run %s -e id_bf16 --input="2xbf16=0x7FC1 1.5" | FileCheck %s --check-prefix=NAN-BF16
// NAN: result[0]: 4xf32=0x7FC00001 -nan nan -nan
// NAN-BF16: result[0]: 2xbf16=0x7FC1 1.5

func.func @grad(%ii: tensor<?x0xi64>, %g: tensor<?xf32>, %s: tensor<?xi64>, %oi: tensor<?x0xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x0xi64>, tensor<?xi64>, tensor<?x0xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

func.func @empty(%a: tensor<99999999999x0xf32>) -> tensor<99999999999x0xf32> {
  return %a : tensor<99999999999x0xf32>
}

func.func @strided(%g0: tensor<?xf32>, %ii: tensor<?x1xi64>, %s: tensor<1xi64>, %oi: tensor<?x1xi64>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %n = tensor.dim %g0, %c0 : tensor<?xf32>
  %h = arith.divui %n, %c2 : index
  %g = tensor.extract_slice %g0[0] [%h] [2] : tensor<?xf32> to tensor<?xf32>
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x1xi64>, tensor<1xi64>, tensor<?x1xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// The destination overlaps backprop_val_grad: two views of one buffer.
func.func @overlap(%all: memref<6xf32>, %ii: memref<?x1xi64>, %s: memref<1xi64>, %oi: memref<?x1xi64>) {
  %g = memref.subview %all[0] [3] [1] : memref<6xf32> to memref<3xf32, strided<[1]>>
  %d = memref.subview %all[2] [3] [1] : memref<6xf32> to memref<3xf32, strided<[1], offset: 2>>
  sparse.slice_grad %g, %ii, %s, %oi : memref<3xf32, strided<[1]>>, memref<?x1xi64>, memref<1xi64>, memref<?x1xi64> into %d : memref<3xf32, strided<[1], offset: 2>>
  return
}

func.func @id(%a: tensor<?xf32>) -> tensor<?xf32> {
  return %a : tensor<?xf32>
}

func.func @two(%a: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  return %a, %a : tensor<?xf32>, tensor<?xf32>
}

func.func @id_bf16(%a: tensor<?xbf16>) -> tensor<?xbf16> {
  return %a : tensor<?xbf16>
}

// Unit tests of SliceGradRunner's calls (lib/Runner/EntryCall.cpp), the
// C-interface calling of sparse-opt --run: descriptors of run-time rank are
// CRunnerUtils' StridedMemRefType of that rank, and a JIT-compiled function
// takes ranked, unranked and scalar arguments and returns a view of an
// argument, scalars, a fresh buffer and an unranked memref, three times.
//
// RUN: entry-call-test | FileCheck %s

// CHECK: descriptor of rank 0
// CHECK-NEXT: descriptor of rank 1
// CHECK-NEXT: descriptor of rank 3
// CHECK-NEXT: calls of @entry
// CHECK-NEXT: entry-call: 0 failures

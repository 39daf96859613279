"""Seeded random and adversarial SparseSliceGrad cases.

Each case is a dict of numpy arrays (see slicegrad_testlib). The generator
mixes the normal case (output rows from a real SparseSlice of the input) with
unsorted rows, duplicate rows (also runs of repeated sorted rows), rows
outside the slice, output rows absent from the input, empty operands, R = 0..5 and 9..12 and coordinates near INT64_MIN/MAX
whose shift by input_start wraps around.
"""

import numpy as np

INT64_MIN = np.iinfo(np.int64).min
INT64_MAX = np.iinfo(np.int64).max


def _coords(rng, n, rank, kind):
    if kind == "small":
        return rng.integers(0, 6, size=(n, rank), dtype=np.int64)
    if kind == "wide":
        return rng.integers(-1000, 1000, size=(n, rank), dtype=np.int64)
    # "huge": around both ends of int64.
    lo = rng.integers(INT64_MIN, INT64_MIN + 8, size=(n, rank), dtype=np.int64,
                      endpoint=True)
    hi = rng.integers(INT64_MAX - 8, INT64_MAX, size=(n, rank), dtype=np.int64,
                      endpoint=True)
    return np.where(rng.random((n, rank)) < 0.5, lo, hi)


def _slice_of(rng, ii, start, size):
    """The output indices SparseSlice would give: the input rows inside
    [start, start + size), in input order, shifted by -start (wrapping)."""
    with np.errstate(over="ignore"):
        rel = ii - start  # int64 arithmetic wraps
    inside = np.all((rel >= 0) & (rel < size), axis=1) if ii.shape[1] else \
        np.ones(ii.shape[0], dtype=bool)
    return rel[inside]


def random_case(rng, name, max_rows=3000):
    # Mostly R = 0..5; sometimes R = 9..12, beyond the specialized ranks
    # (generic column loops, static R included).
    rank = int(rng.integers(0, 6)) if rng.random() < 0.9 else \
        int(rng.integers(9, 13))
    big = rng.random() < 0.1
    if big and rank > 5:  # large inputs keep R small: test time
        rank = int(rng.integers(0, 6))
    n_in = int(rng.integers(0, max_rows if big else 40, endpoint=True))
    kind = rng.choice(["small", "small", "wide", "huge"])
    ii = _coords(rng, n_in, rank, kind)
    if rng.random() < 0.5 and n_in:
        ii = ii[np.lexsort(ii.T[::-1])] if rank else ii  # sorted, as TF makes
    if rng.random() < 0.3 and n_in:
        dup = rng.integers(0, n_in, size=max(1, n_in // 4))
        ii = np.insert(ii, dup, ii[dup], axis=0)  # duplicate rows
    if kind == "huge":
        start = _coords(rng, 1, rank, "huge")[0]
    else:
        start = rng.integers(-1, 3, size=rank, dtype=np.int64)
    mode = rng.choice(["slice", "slice", "slice", "subset", "shuffled",
                       "foreign", "empty", "repeated"])
    src = ii
    if mode == "repeated" and ii.shape[0] and rank:
        # Sorted rows, each 2 or 3 times in a row, sliced once: the greedy
        # loop takes each row's first copy, and chunk boundaries split
        # copies (the parallel box pass must see the next output row).
        src = np.unique(ii, axis=0)
        ii = np.repeat(src, int(rng.integers(2, 4)), axis=0)
    if mode == "empty" or ii.shape[0] == 0:
        oi = np.zeros((0, rank), dtype=np.int64)
    else:
        size = rng.integers(2, 7, size=rank, dtype=np.int64) if kind != "huge" \
            else np.full(rank, INT64_MAX, dtype=np.int64)
        oi = _slice_of(rng, src, start, size)
        if mode == "subset" and oi.shape[0]:
            keep = np.sort(rng.choice(oi.shape[0], size=int(
                rng.integers(0, oi.shape[0], endpoint=True)), replace=False))
            oi = oi[keep]
        elif mode == "shuffled" and oi.shape[0] > 1:
            oi = oi[rng.permutation(oi.shape[0])]
        elif mode == "foreign":
            with np.errstate(over="ignore"):
                extra = _coords(rng, int(rng.integers(1, 3)), rank, kind) - start
            pos = int(rng.integers(0, oi.shape[0], endpoint=True))
            oi = np.insert(oi, pos, extra, axis=0)[:ii.shape[0]]
    return {"name": "%s_R%d_%s_%s" % (name, rank, kind, mode),
            "g": None, "ii": np.ascontiguousarray(ii, dtype=np.int64),
            "s": np.ascontiguousarray(start, dtype=np.int64),
            "oi": np.ascontiguousarray(oi, dtype=np.int64)}


def shape_error_case(rng, name):
    """Well-ranked operands whose sizes break one of TF's checks."""
    rank = int(rng.integers(1, 4))
    n_in = int(rng.integers(1, 6))
    ii = rng.integers(0, 3, size=(n_in, rank), dtype=np.int64)
    oi = ii[:1].copy()
    s = np.zeros(rank, dtype=np.int64)
    g_len = 1
    which = rng.choice(["ndims", "rows", "nnz", "start_len"])
    if which == "ndims":
        oi = np.zeros((1, rank + 1), dtype=np.int64)
    elif which == "rows":
        oi = np.zeros((n_in + 1, rank), dtype=np.int64)
        g_len = n_in + 1
    elif which == "nnz":
        g_len = 2
    else:
        s = np.zeros(rank + 1, dtype=np.int64)
    return {"name": "%s_%s" % (name, which), "g": None, "ii": ii, "s": s,
            "oi": oi, "g_len": g_len}


# The input classes of issue "every program, every input" and the
# benchmark: how the input rows are ordered and which output rows the
# forward SparseSlice (or a hostile caller) gives.
CLASSES = ["sorted-scattered-5", "sorted-scattered-50", "sorted-scattered-100",
           "sorted-runs", "shuffled", "blocks", "duplicates", "all-equal",
           "runs", "runs-skip", "runs-some", "runs-skip-swapped",
           "runs-skip-local", "shuffled-all", "shuffled-all-swapped",
           "shuffled-then-runs-skip", "foreign",
           "not-propagated", "swapped", "permuted", "prefix", "suffix"]


def class_case(rng, kind, n_in, rank, name=None):
    """One case of input class `kind` (see CLASSES) with about n_in rows of
    rank >= 1. The slice keeps last coordinates in [100, 100 + 10 * p)
    where p is the share of rows inside; output rows are the input rows
    inside, in input order, unless the class says otherwise."""
    rank = max(rank, 1)
    if kind == "shuffled-then-runs-skip":
        # A third of the rows shuffled, every one kept, then sorted runs
        # whose first copies are kept: the output rows ascend only after
        # the head, so the parallel strategy proves the head and resumes
        # from the first skipped copy in parallel parts.
        head = class_case(rng, "shuffled-all", max(1, n_in // 3), rank)
        tail = class_case(rng, "runs-skip", max(1, n_in - n_in // 3), rank)
        shift = np.zeros(rank, dtype=np.int64)
        shift[0] = 1000 * (n_in + 1)
        return {"name": name or "%s_R%d_n%d" % (kind, rank, n_in), "g": None,
                "ii": np.concatenate([head["ii"], tail["ii"] + shift]),
                "s": head["s"],
                "oi": np.concatenate([head["oi"], tail["oi"] + shift])}
    p = 50
    if kind.startswith("sorted-scattered-"):
        p = int(kind.rsplit("-", 1)[1])
    if kind.startswith("shuffled-all"):
        # Every row kept, in any order: the output rows are the input rows
        # (the split loop's in-order guesses).
        p = 100
    runs = ("runs", "runs-skip", "runs-some", "runs-skip-swapped",
            "runs-skip-local")
    copies = 3 if kind in runs else 1
    distinct = max(1, -(-n_in // copies))
    rows = np.zeros((distinct, rank), dtype=np.int64)
    rows[:, 0] = np.arange(distinct)
    if rank > 2:
        rows[:, 1:rank - 1] = rng.integers(0, 3, size=(distinct, rank - 2))
    last = rng.integers(100, 1100, size=distinct)
    if kind == "sorted-runs":
        # Inside rows come in runs of 1 to 40.
        inside, k = np.zeros(distinct, dtype=bool), 0
        while k < distinct:
            run = int(rng.integers(1, 41))
            inside[k:k + run] = rng.random() < 0.5
            k += run
        last = np.where(inside, 100 + last % 500, 600 + last % 500)
    if kind == "all-equal":
        rows[:, 0] = 0
        last[:] = 100
    if rank == 1:
        rows[:, 0] = last if kind != "all-equal" else 100
        if kind != "all-equal":
            rows[:, 0] += np.arange(distinct) * 1000  # distinct rows
    else:
        rows[:, rank - 1] = last
    order = np.repeat(np.arange(distinct), copies)[:n_in]
    if kind == "runs-skip-local":
        # Neighbouring runs trade places at random: the output rows ascend
        # at a coarse scale only (guessed positions are often off by one).
        runs_order = np.arange(distinct)
        swap = np.flatnonzero(rng.random(distinct // 2) < 0.5) * 2
        runs_order[swap], runs_order[swap + 1] = swap + 1, swap
        order = np.repeat(runs_order, copies)[:n_in]
    if kind.startswith("shuffled"):
        order = rng.permutation(order)
    elif kind == "blocks":
        block = max(1, n_in // 7)
        starts = rng.permutation(np.arange(0, len(order), block))
        order = np.concatenate([order[s:s + block] for s in starts])
    elif kind == "duplicates":
        # Rows repeated at random places, from a real slice: every copy
        # inside is an output row.
        order = np.sort(rng.integers(0, distinct, size=len(order)))
    ii = rows[order]
    start = np.zeros(rank, dtype=np.int64)
    start[rank - 1] = 100
    if rank == 1:
        rel_last = (ii[:, 0] % 1000) - 100
    else:
        rel_last = ii[:, rank - 1] - 100
    inside = (rel_last >= 0) & (rel_last < 10 * p)
    if kind in ("prefix", "suffix"):
        # A slice of the first (last) tenth of the rows, every last
        # coordinate: TensorFlow's loop stops after the first tenth (runs to
        # the end).
        cut = distinct // 10 if kind == "prefix" else distinct - distinct // 10
        inside = order < cut if kind == "prefix" else order >= cut
        if kind == "suffix" and rank > 1:
            start[0] = cut
    if kind == "all-equal":
        inside = np.arange(len(ii)) < len(ii) // 2
    if kind in runs[1:]:
        # Only the first copy of each run inside is an output row (runs-some:
        # the first 1 to 3 copies); TensorFlow's loop skips the others.
        run_start = np.ones(len(order), dtype=bool)
        run_start[1:] = order[1:] != order[:-1]
        starts = np.flatnonzero(run_start)
        copy = np.arange(len(order)) - starts[np.cumsum(run_start) - 1]
        kept = np.ones(distinct, dtype=np.int64)
        if kind == "runs-some":
            kept = rng.integers(1, 4, size=distinct)
        inside &= copy < kept[order]
    oi = ii[inside] - start
    if rank == 1 and kind != "all-equal":
        oi = ii[inside] - start  # same shift
    if kind == "foreign" and len(oi):
        # A row inside the box but absent from the input, somewhere in the
        # middle: TensorFlow's loop stops matching there.
        k = int(rng.integers(0, len(oi)))
        extra = oi[k].copy()
        extra[0] += 1 if rank > 1 else 1000 * distinct
        oi = np.insert(oi, k, extra, axis=0)[:len(ii)]
    if kind in ("swapped", "runs-skip-swapped",
                "shuffled-all-swapped") and len(oi) >= 2:
        # Two output rows trade places: as many rows inside the box as
        # output rows, but not in their order.
        a, b = rng.choice(len(oi), size=2, replace=False)
        oi[[a, b]] = oi[[b, a]]
    if kind == "permuted":
        oi = oi[rng.permutation(len(oi))]
    if kind == "not-propagated" and len(oi):
        oi = np.concatenate([oi, oi[-1:]])[:len(ii)]  # one row twice at the end
    return {"name": name or "%s_R%d_n%d" % (kind, rank, n_in), "g": None,
            "ii": np.ascontiguousarray(ii, dtype=np.int64),
            "s": start, "oi": np.ascontiguousarray(oi, dtype=np.int64)}

"""Random and adversarial inputs of sparse.slice: small coordinates (most
rows kept or not, duplicates, unsorted), the int64 extremes and
TensorShape's thresholds (overflows, wrap-around, 16/32-bit sizes), R = 0
to 9, empty inputs, and the input classes of the benchmark."""

import numpy as np

import sparse_slice_ref as ref

# TensorShape's thresholds and the int64 extremes.
_EDGES = [0, 1, 2, 3, 5, 0xD744, 0xD745, 65534, 65535, 65536, 2**31,
          2**32 - 2, 2**32 - 1, 2**32, 2**40, 2**61, 2**62, 2**63 - 1]


def _edge(rng):
    k = rng.integers(0, 4)
    if k == 0:
        return int(rng.integers(-3, 10))
    b = int(rng.choice(_EDGES))
    if k == 1:
        return b
    if k == 2:
        return -b
    return ref.wrap(b + int(rng.integers(-2, 3)))


def random_case(rng, name, max_rows=200, extreme=None):
    """One case; `extreme` (default: a coin) draws sizes and coordinates
    from the edges instead of small ranges."""
    r = int(rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4, 5, 8, 9]))
    n = int(rng.integers(0, max_rows + 1)) if rng.random() < 0.8 else int(
        rng.integers(0, 4))
    if extreme is None:
        extreme = rng.random() < 0.35
    if not extreme:
        sh = [int(rng.integers(0, 12)) for _ in range(r)]
        st = [int(rng.integers(-3, 10)) for _ in range(r)]
        sz = [int(rng.integers(0, 12)) if rng.random() < 0.9
              else int(rng.integers(-2, 0)) for _ in range(r)]
        ii = rng.integers(-2, 12, size=(n, r)).astype(np.int64)
        if n and rng.random() < 0.3:  # duplicates
            ii = ii[rng.integers(0, n, size=n)]
        if rng.random() < 0.3:  # sorted
            ii = ii[np.lexsort(ii.T[::-1])] if r else ii
    else:
        sh = [_edge(rng) for _ in range(r)]
        st = [_edge(rng) for _ in range(r)]
        sz = [_edge(rng) for _ in range(r)]
        n = min(n, 8)
        ii = np.array([[_edge(rng) for _ in range(r)] for _ in range(n)],
                      dtype=np.int64).reshape(n, r)
        # Some rows inside the box, to reach the writes.
        for i in range(n):
            if rng.random() < 0.5:
                for d in range(r):
                    hi = ref.wrap(st[d] + sz[d])
                    if st[d] < hi:
                        ii[i, d] = st[d] + int(rng.integers(
                            0, min(hi - st[d], 1 << 62)))
    return {"name": name, "ii": ii, "sh": np.array(sh, dtype=np.int64),
            "st": np.array(st, dtype=np.int64),
            "sz": np.array(sz, dtype=np.int64)}


def size_error_case(rng, name):
    """A case whose operand sizes disagree (one of TensorFlow's checks)."""
    case = random_case(rng, name, max_rows=20, extreme=False)
    r = case["ii"].shape[1]
    k = rng.integers(0, 4)
    if k == 0:
        case["v_len"] = case["ii"].shape[0] + 1
    elif k == 1:
        case["sh"] = np.append(case["sh"], 3)
    elif k == 2:
        case["st"] = case["st"][: max(r - 1, 0)] if r else np.array([1])
    else:
        case["sz"] = np.append(case["sz"], 1)
    return case


def class_case(rng, kind, n, r, keep, name=None):
    """A benchmark input class at a small size: `kind` is sorted, shuffled,
    blocks (sorted blocks in random order), duplicates or prefix (a slice
    keeping only the first rows of a sorted tensor); `keep` the fraction of
    rows inside the box (about)."""
    side = max(int(round(n ** (1.0 / max(r, 1)))) + 1, 2)
    ii = rng.integers(0, side, size=(n, r)).astype(np.int64)
    if kind == "duplicates":
        ii = ii[rng.integers(0, max(n // 8, 1), size=n)] if n else ii
    if r and kind != "shuffled":
        ii = ii[np.lexsort(ii.T[::-1])]
    if kind == "blocks" and n:
        blocks = np.array_split(np.arange(n), max(n // 16, 1))
        order = rng.permutation(len(blocks))
        ii = ii[np.concatenate([blocks[b] for b in order])]
    sh = np.full(r, side, dtype=np.int64)
    st = np.zeros(r, dtype=np.int64)
    sz = sh.copy()
    if r:
        if kind == "prefix":
            sz[0] = max(int(side * keep), 1)
        else:
            # keep ~ fraction: a box over the first column's middle.
            width = max(int(round(side * keep)), 0)
            st[0] = (side - width) // 2
            sz[0] = width
    return {"name": name or "%s-r%d-%d" % (kind, r, int(keep * 100)),
            "ii": ii, "sh": sh, "st": st, "sz": sz}


def rank_error_cases(rng, n):
    """TensorFlow's rank checks: a sorted case of n rows (R = 2, about half
    kept) with one operand of the wrong rank each."""
    base = class_case(rng, "sorted", n, 2, 0.5, name="base")
    return [dict(base, name=name, **change) for name, change in (
        ("ii_vector", {"ii": base["ii"][:, 0]}),
        ("sh_matrix", {"sh": base["sh"][None, :]}),
        ("st_matrix", {"st": base["st"][None, :]}),
        ("sz_scalar", {"sz": base["sz"][0]}))]

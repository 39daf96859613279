"""What the Python benchmarks share: the median time of a call, and
`sparse-opt --run -O3` on .npy files with its own median."""

import re
import statistics
import subprocess
import sys
import time


def median_seconds(fn, reps):
    """Median seconds of `reps` calls of `fn`, after one call to warm up."""
    fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def sparse_opt_run(sparse_opt, module, entry, inputs, outputs, reps,
                   extra=()):
    """Median seconds of `entry` over `sparse-opt --run -O3 --repeat=reps`
    on the .npy files `inputs`, its results written to the .npy files
    `outputs`; exits with sparse-opt's message if the run fails."""
    proc = subprocess.run(
        [sparse_opt, "--run", "-O3", module, "-e", entry,
         "--repeat=%d" % reps, *extra] +
        ["--input=@" + p for p in inputs] +
        ["--output=@" + p for p in outputs],
        capture_output=True, text=True)
    if proc.returncode:
        sys.exit("sparse-opt failed: " + proc.stderr[-2000:])
    m = re.search(r"median ([0-9.]+) ms", proc.stderr)
    if not m:
        sys.exit("sparse-opt --run printed no median: " + proc.stderr[-2000:])
    return float(m.group(1)) / 1e3

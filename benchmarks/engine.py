"""Engine benchmark: samples per second and peak memory for the baseline.

Target (issue 2): 100,000 samples x 30 years in at most 15 s and 2 GiB on one core.
Run: python benchmarks/engine.py [--samples N] [--profile]
Prints wall time, samples/s, peak RSS, and with --profile the top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from recloop.engine import simulate  # noqa: E402
from recloop.scenario import load_scenario  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--years", type=float, default=30.0)
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args()
    sc = load_scenario(a.scenario)
    simulate(sc, samples=256, years=a.years)  # warm-up (imports, caches)
    prof = cProfile.Profile() if a.profile else None
    t0 = time.perf_counter()
    c0 = time.process_time()
    if prof:
        prof.enable()
    simulate(sc, samples=a.samples, years=a.years)
    if prof:
        prof.disable()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"scenario {a.scenario}: {a.samples:,} samples x {a.years:g} years")
    print(f"wall {wall:.2f} s  ({a.samples / wall:,.0f} samples/s)  target 15 s: ratio {wall / 15:.2f}")
    print(f"cpu  {cpu:.2f} s  ({a.samples / cpu:,.0f} samples/s per core; wall exceeds cpu when the machine is shared)"
          f"  load average {os.getloadavg()[0]:.1f}")
    print(f"peak RSS {peak_gib:.2f} GiB  target 2 GiB: ratio {peak_gib / 2:.2f}")
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(18)


if __name__ == "__main__":
    main()

"""Engine speed with many actors: samples x actors x years, against the single developer.

    python benchmarks/engine_actors.py [--samples 10000] [--years 30] [--chunk-size N]

Runs the baseline (one developer) and the essay's cast (6 actors, rows = samples x 6) under no
halt and under the full stack, on the same seed, and prints wall time, samples per second,
actor-sample-years per second and the time 100,000 samples would take at that rate. The
engine's own benchmark (benchmarks/engine.py) sets the target for 100,000 x 30 years.
"""

from __future__ import annotations

import argparse
import time

from recloop.engine import simulate
from recloop.policy import load_policy
from recloop.scenario import load_scenario
from recloop.engine import DEFAULT_CHUNK  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--years", type=float, default=30.0)
    ap.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
    a = ap.parse_args()
    print(f"{'scenario':12s} {'policy':12s} {'actors':>6s} {'wall s':>8s} {'samples/s':>10s} "
          f"{'actor-sample-yr/s':>18s} {'100k samples':>13s}")
    for scen, pol in (("baseline", "none"), ("essay-cast", "none"), ("essay-cast", "full-stack")):
        s = load_scenario(scen)
        p = load_policy(None if pol == "none" else pol)
        A = max(1, len(s.actors))
        t0 = time.perf_counter()
        simulate(s, p, samples=a.samples, years=a.years, seed=0, chunk_size=a.chunk_size)
        dt = time.perf_counter() - t0
        rate = a.samples / dt
        print(f"{scen:12s} {pol:12s} {A:6d} {dt:8.1f} {rate:10.0f} {rate * A * a.years:18.3g} "
              f"{100_000 / rate:12.0f}s")


if __name__ == "__main__":
    main()

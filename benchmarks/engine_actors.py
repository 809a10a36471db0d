"""Engine speed with many actors: the engine benchmark's work (samples x actors x years) with 6 actors.

    python benchmarks/engine_actors.py [--actor-samples 100000] [--years 30] [--chunk-size N]

The engine benchmark's target (benchmarks/engine.py, issue 2) is 100,000 samples x 30 years in
at most 15 s on one core. Here the same work is counted as samples x actors x years: the
baseline (one developer) runs 100,000 samples, the essay's cast (6 actors) 100,000 / 6 worlds,
once with no halt and once under the full stack, on the same seed. Printed: wall time, the
ratio to the 15 s target (scaled to the work done), worlds per second and actor-sample-years
per second.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from engine import TARGET_S  # noqa: E402  (benchmarks/engine.py: the engine benchmark's target)
from recloop.engine import DEFAULT_CHUNK, simulate  # noqa: E402
from recloop.policy import load_policy  # noqa: E402
from recloop.scenario import load_scenario  # noqa: E402

TARGET_WORK = 100_000 * 30.0  # actor-sample-years in TARGET_S


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--actor-samples", type=int, default=100_000,
                    help="samples x actors per case (100,000: the engine benchmark's work)")
    ap.add_argument("--years", type=float, default=30.0)
    ap.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
    a = ap.parse_args()
    simulate(load_scenario("essay-cast"), samples=64, years=a.years)  # warm-up (imports, caches)
    print(f"{'scenario':12s} {'policy':12s} {'actors':>6s} {'worlds':>8s} {'wall s':>7s} {'/15 s':>6s} "
          f"{'worlds/s':>9s} {'actor-sample-yr/s':>18s}")
    for scen, pol in (("baseline", "none"), ("essay-cast", "none"), ("essay-cast", "full-stack")):
        s = load_scenario(scen)
        p = load_policy(None if pol == "none" else pol)
        A = max(1, len(s.actors))
        worlds = max(1, round(a.actor_samples / A))
        t0 = time.perf_counter()
        simulate(s, p, samples=worlds, years=a.years, seed=0, chunk_size=a.chunk_size)
        dt = time.perf_counter() - t0
        rate = worlds * A * a.years / dt
        print(f"{scen:12s} {pol:12s} {A:6d} {worlds:8,d} {dt:7.1f} {dt / (TARGET_S * worlds * A * a.years / TARGET_WORK):6.2f} "
              f"{worlds / dt:9.0f} {rate:18.3g}")
    print(f"target: {TARGET_WORK / TARGET_S:.3g} actor-sample-years/s (100,000 x 30 years in 15 s); "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

"""Samples per second of recloop's reference models on one core (recloop alone).

The speed-ups over the published code are measured, not assumed: ``benchmarks/anchors.py`` runs
the original SIE, AI 2027 and ftm code side by side with these presets in the same run (give it
the checkouts; without them it measures recloop alone, like this script). This script only
reports recloop's throughput at larger sample counts.

Run: ``python benchmarks/reference.py [--repeat 3] [--scale 1.0]`` (pins BLAS/OpenMP pools to
one thread and the process to one CPU; numpy's element-wise kernels are single-threaded anyway).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from recloop.reference import ai2027, ccf, sie  # noqa: E402


def _ccf_single(n):
    point = {k: np.array([v]) for k, v in ccf.PRESETS["best-guess"].items()}
    for _ in range(n):
        ccf.simulate(point)


CASES = [
    # name, callable(samples), samples
    ("sie (default)", lambda n: sie.run(samples=n, seed=0), 200_000),
    ("sie (gradual)", lambda n: sie.run(samples=n, seed=0, variant="gradual"), 200_000),
    ("ai2027", lambda n: ai2027.run(samples=n, seed=0), 2_000_000),
    ("ccf (monte-carlo)", lambda n: ccf.run(samples=n, seed=0, variant="monte-carlo"), 5_000),
    ("ccf (one run)", _ccf_single, 200),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed repeats; the best is reported")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the sample counts")
    args = parser.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass
    print(f"{'model':<18} {'samples':>10} {'samples/s':>12} {'us/sample':>10}")
    for name, fn, n in CASES:
        n = max(1, int(n * args.scale))
        fn(min(n, 1_000))  # warm up imports, caches and compiled kernels
        best = min(_timed(fn, n) for _ in range(args.repeat))
        print(f"{name:<18} {n:>10} {n / best:>12,.0f} {best / n * 1e6:>10.2f}")
    print("for the ratios against the published code: python benchmarks/anchors.py --help")


def _timed(fn, n) -> float:
    t0 = time.perf_counter()
    fn(n)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()

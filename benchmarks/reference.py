"""Samples per second of recloop's reference models on one core, against the published code.

Anchors (per sample, published implementations, as stated in the project's issue 4 / DESIGN.md):
- Davidson & Houlden 2025 SIE (Accelerated_AI_Progress, Python loop per sample): ~0.1 ms;
- AI 2027 takeoff (daily loop per phase): ~26 ms;
- Davidson compute-centric framework (takeoffspeeds): ~1 s per simulation.
Targets: >= 10x (SIE), >= 1,000x (AI 2027) and >= 100x (ccf) faster per sample.

Run: ``python benchmarks/reference.py [--repeat 3]`` (pins BLAS/OpenMP pools to one thread;
numpy's element-wise kernels are single-threaded anyway).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402

from recloop.reference import ai2027, ccf, sie  # noqa: E402

CASES = [
    # name, callable(samples), samples, published seconds per sample, target speed-up
    ("sie (default)", lambda n: sie.run(samples=n, seed=0), 200_000, 1e-4, 10.0),
    ("sie (gradual)", lambda n: sie.run(samples=n, seed=0, variant="gradual"), 200_000, 1e-4, 10.0),
    ("ai2027", lambda n: ai2027.run(samples=n, seed=0), 2_000_000, 26e-3, 1000.0),
    ("ccf (monte-carlo)", lambda n: ccf.run(samples=n, seed=0, variant="monte-carlo"), 50_000, 1.0, 100.0),
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
    print(f"{'model':<16} {'samples':>10} {'samples/s':>12} {'us/sample':>10} {'anchor us':>10} {'speed-up':>10} {'target':>8}")
    for name, fn, n, anchor, target in CASES:
        n = max(1, int(n * args.scale))
        fn(min(n, 10_000))  # warm up imports and caches
        best = min(_timed(fn, n) for _ in range(args.repeat))
        per = best / n
        ratio = anchor / per
        flag = "ok" if ratio >= target else "MISSED"
        print(f"{name:<16} {n:>10} {n / best:>12,.0f} {per * 1e6:>10.2f} {anchor * 1e6:>10,.0f} "
              f"{ratio:>9,.0f}x {target:>6,.0f}x {flag}")


def _timed(fn, n) -> float:
    t0 = time.perf_counter()
    fn(n)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()

"""Full collapse-lab sweep: the character model over real fraction, regime, curation and sample
size with several seeds, the Gaussian loop over sample size, the regression loop over regimes;
then the calibration of the engine's collapse law, written to src/recloop/lab/calibration.toml.

    /work/venv/bin/python benchmarks/lab_sweep.py [--out DIR] [--seeds 5] [--workers N]
        [--corpus pydoc|shakespeare] [--no-fragment]

Prints the wall time of each part and of the whole.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from recloop.lab.calibrate import PACKAGE_FRAGMENT, calibrate, fragment_text, write_fragment
from recloop.lab.sweep import charlm_grid, plot_sweep, run_sweep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="recloop-out/lab-sweep")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--generations", type=int, default=10)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--corpus", default="pydoc")
    ap.add_argument("--no-fragment", action="store_true", help="do not overwrite the package fragment")
    args = ap.parse_args()
    out = Path(args.out)
    t_all = time.perf_counter()
    timings = {}

    t = time.perf_counter()
    grid = charlm_grid(sample_sizes=(50_000, 100_000, 200_000), generations=args.generations,
                       corpus=args.corpus)
    grid += charlm_grid(real_fractions=(0.0,), regimes=(), sample_sizes=(100_000,), curation_keeps=(0.9, 0.7),
                        curation_fractions=(0.0,), generations=args.generations, corpus=args.corpus,
                        curation_score="reference")
    sweep = run_sweep("charlm", grid, seeds=args.seeds, seed=args.seed, workers=args.workers,
                      progress=lambda i, n: print(f"  charlm {i}/{n}", flush=True) if i % 10 == 0 or i == n else None)
    sweep.save(out / "charlm")
    for n in (50_000, 100_000, 200_000):
        plot_sweep(sweep, out / "charlm" / "plots", regime="replace", curation_keep=1.0, train_chars=n)
    plot_sweep(sweep, out / "charlm" / "plots", regime="accumulate", curation_keep=1.0, train_chars=100_000)
    plot_sweep(sweep, out / "charlm" / "plots", by="curation_keep", regime="replace", real_fraction=0.0,
               train_chars=100_000, curation_score="lexicon")
    timings["charlm_sweep_s"] = sweep.wall_s
    print(f"charlm sweep: {len(grid)} configurations x {args.seeds} seeds: {sweep.wall_s:.1f} s", flush=True)

    t = time.perf_counter()
    g_grid = [{"sample_size": m, "regime": r, "real_fraction": p, "generations": 100}
              for m in (10, 100, 1000) for r in ("replace", "accumulate") for p in (0.0, 0.1)]
    gs = run_sweep("gaussian", g_grid, seeds=args.seeds, seed=args.seed, workers=args.workers)
    gs.save(out / "gaussian")
    for m in (10, 100, 1000):
        plot_sweep(gs, out / "gaussian" / "plots", sample_size=m, regime="replace")
    timings["gaussian_sweep_s"] = time.perf_counter() - t

    t = time.perf_counter()
    r_grid = [{"regime": r, "real_fraction": p, "generations": 50} for r in ("replace", "accumulate")
              for p in (0.0, 0.1, 0.3)]
    rs = run_sweep("regression", r_grid, seeds=args.seeds, seed=args.seed, workers=args.workers)
    rs.save(out / "regression")
    plot_sweep(rs, out / "regression" / "plots", by="regime", real_fraction=0.0)
    timings["regression_sweep_s"] = time.perf_counter() - t

    cal = calibrate(sweep, train_chars=100_000)
    (out / "calibration.json").write_text(json.dumps(cal.to_dict(), indent=1, default=str))
    (out / "calibration.toml").write_text(fragment_text(cal))
    if not args.no_fragment:
        write_fragment(cal, PACKAGE_FRAGMENT)
    timings["total_s"] = time.perf_counter() - t_all
    (out / "timings.json").write_text(json.dumps(timings, indent=1))
    print(json.dumps(cal.to_dict(), indent=1, default=str))
    print(fragment_text(cal))
    print("wall times:", json.dumps({k: round(v, 1) for k, v in timings.items()}))


if __name__ == "__main__":
    main()

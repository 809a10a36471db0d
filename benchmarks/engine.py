"""Engine benchmark: samples per second and peak memory for the baseline.

Target (issue 2): 100,000 samples x 30 years in at most 15 s and 2 GiB on one core.
Run: python benchmarks/engine.py [--samples N] [--profile] [--accuracy] [--vs COMMIT [--rounds R]]
Prints wall time, samples/s, peak RSS, and with --profile the top functions by cumulative time.
With --vs COMMIT it times the same benchmark on a checkout of COMMIT (a temporary git worktree,
removed afterwards) and on this tree, each in a fresh process, alternately for R rounds (so both
see the same machine load), and prints the best of each and the ratio.
With --accuracy it prints instead how far milestone dates move with the step size (the same
worlds at max_step_oom 0.05, 0.1 (the default) and 0.2 against 0.0125): the price of a step.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from recloop.engine import simulate  # noqa: E402
from recloop.scenario import load_scenario  # noqa: E402

TARGET_S = 15.0  # issue 2: 100,000 samples x 30 years on one core
TARGET_GIB = 2.0
DATES = ("t_automation_50", "t_takeoff_start", "t_no_control", "t_superhuman")


def accuracy(sc, samples, years):
    """Median and 90th-percentile shift of milestone dates (days) against a fine step."""
    steps = (0.0125, 0.05, 0.1, 0.2)
    runs = {}
    for m in steps:
        t0 = time.perf_counter()
        runs[m] = (simulate(sc, samples=samples, years=years, seed=0, max_step_oom=m).outcomes, time.perf_counter() - t0)
    ref = runs[steps[0]][0]
    print(f"{samples:,} worlds x {years:g} years; |date - date at 0.0125 OOM| in days, median / p90")
    print(f"{'max_step_oom':>12s} {'wall s':>7s} " + " ".join(f"{d:>22s}" for d in DATES))
    for m in steps[1:]:
        out, wall = runs[m]
        cells = []
        for d in DATES:
            a, b = np.asarray(out[d], float), np.asarray(ref[d], float)
            both = np.isfinite(a) & np.isfinite(b)
            dev = np.abs(a - b)[both] * 365.25
            cells.append(f"{np.median(dev):9.2f} / {np.quantile(dev, 0.9):9.2f}")
        print(f"{m:12.4f} {wall:7.2f} " + " ".join(f"{c:>22s}" for c in cells))


# timed in a fresh interpreter against one source tree: the engine API both trees share
_CHILD = """
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
from recloop.engine import simulate
from recloop.scenario import load_scenario
import recloop
assert os.path.realpath(recloop.__file__).startswith(os.path.realpath(sys.argv[1])), recloop.__file__
sc = load_scenario(sys.argv[2]); samples = int(sys.argv[3]); years = float(sys.argv[4])
simulate(sc, samples=256, years=years)
t0 = time.perf_counter(); c0 = time.process_time()
simulate(sc, samples=samples, years=years)
print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                  "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2}))
"""


def _time_tree(src: Path, a) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-c", _CHILD, str(src), a.scenario, str(a.samples), str(a.years)],
                         capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        raise SystemExit(f"error: benchmark failed in {src}: {last}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def versus(a) -> None:
    """Time the benchmark on COMMIT and on this tree, alternately, in the same run."""
    repo = Path(__file__).resolve().parents[1]
    here = repo / "src"
    rev = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", f"{a.vs}^{{commit}}"],
                         capture_output=True, text=True, check=False)
    if rev.returncode != 0:
        raise SystemExit(f"error: --vs: {a.vs!r} is not a commit of {repo}")
    commit = rev.stdout.strip()
    with tempfile.TemporaryDirectory(prefix="recloop-vs-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(repo), "worktree", "add", "--detach", "--quiet", str(tree), commit],
                       check=True)
        try:
            best = {"then": None, "now": None}
            for r in range(a.rounds):
                for key, src in (("then", tree / "src"), ("now", here)):
                    res = _time_tree(src, a)
                    print(f"round {r + 1} {key:>4}: wall {res['wall']:.2f} s  cpu {res['cpu']:.2f} s  "
                          f"peak {res['peak_gib']:.2f} GiB", flush=True)
                    # best of the rounds, each measure on its own (wall time suffers most from a shared machine)
                    best[key] = res if best[key] is None else {f: min(best[key][f], res[f]) for f in res}
        finally:
            subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)], check=False)
    then, now = best["then"], best["now"]
    print(f"scenario {a.scenario}: {a.samples:,} samples x {a.years:g} years, best of {a.rounds} alternating rounds")
    print(f"{commit[:7]} (--vs {a.vs}): wall {then['wall']:.2f} s  cpu {then['cpu']:.2f} s  peak {then['peak_gib']:.2f} GiB")
    print(f"this tree:         wall {now['wall']:.2f} s  cpu {now['cpu']:.2f} s  peak {now['peak_gib']:.2f} GiB")
    print(f"speed-up (then / now): wall {then['wall'] / now['wall']:.2f}x  cpu {then['cpu'] / now['cpu']:.2f}x  "
          f"load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--years", type=float, default=30.0)
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--accuracy", action="store_true")
    ap.add_argument("--vs", metavar="COMMIT", default=None,
                    help="also time a checkout of COMMIT (temporary git worktree), interleaved; print the ratio")
    ap.add_argument("--rounds", type=int, default=2, help="with --vs: alternating rounds (best of each)")
    a = ap.parse_args()
    if a.vs is not None:
        versus(a)
        return
    sc = load_scenario(a.scenario)
    if a.accuracy:
        accuracy(sc, min(a.samples, 2000), a.years)
        return
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
    print(f"wall {wall:.2f} s  ({a.samples / wall:,.0f} samples/s)  target {TARGET_S:g} s: ratio {wall / TARGET_S:.2f}")
    print(f"cpu  {cpu:.2f} s  ({a.samples / cpu:,.0f} samples/s per core; wall exceeds cpu when the machine is shared)"
          f"  load average {os.getloadavg()[0]:.1f}")
    print(f"peak RSS {peak_gib:.2f} GiB  target {TARGET_GIB:g} GiB: ratio {peak_gib / TARGET_GIB:.2f}")
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(18)


if __name__ == "__main__":
    main()

"""Start-up benchmark: wall and CPU seconds of `recloop --help` and `recloop validate FILE`.

Target (issue 15): each under 1 s of wall time on an idle machine.
Run: python benchmarks/startup.py [--vs REF] [--runs N]

With ``--vs REF`` (a commit, branch or tag; default: none) the same commands also run from the
source of REF (extracted with ``git archive`` into a temporary folder) in the same call, A and B
taking turns, so that the ratio A/B is measured pair by pair on a machine whose load drifts.
Medians are quoted; min and max show the spread. On a loaded machine the absolute figures are
upper bounds; the ratio is what carries over.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0  # issue 15: `recloop --help` and `recloop validate FILE` each under 1 s (idle machine)


def _commands(src: Path, home: Path) -> dict[str, list[str]]:
    scenario = src / "recloop" / "scenarios" / "baseline.toml"
    py = [sys.executable, "-c", "import sys; from recloop.cli import main; main(sys.argv[1:])"]
    return {"recloop --help": [*py, "--help"], "recloop validate baseline.toml": [*py, "validate", str(scenario)]}


def _once(cmd: list[str], src: Path, home: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(src), "RECLOOP_HOME": str(home)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _extract(ref: str, into: Path) -> Path:
    data = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _stats(xs: list[float]) -> str:
    return f"median {statistics.median(xs):.3f} (min {min(xs):.3f}, max {max(xs):.3f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vs", default=None, help="git ref to compare against, e.g. main or HEAD~3")
    ap.add_argument("--runs", type=int, default=7, help="timed runs per command (after one warm-up)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        trees = {"this tree": ROOT / "src"}
        if args.vs:
            trees[args.vs] = _extract(args.vs, tmp_path / "vs")
        print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
              f"{args.runs} runs each after a warm-up; seconds")
        for label in _commands(ROOT / "src", tmp_path):
            walls: dict[str, list[float]] = {t: [] for t in trees}
            cpus: dict[str, list[float]] = {t: [] for t in trees}
            for i in range(args.runs + 1):
                for tree, src in trees.items():  # A, B, A, B, ...: pairs share the machine's state
                    w, c = _once(_commands(src, tmp_path)[label], src, tmp_path)
                    if i:
                        walls[tree].append(w)
                        cpus[tree].append(c)
            for tree in trees:
                ok = "meets" if statistics.median(walls[tree]) < TARGET_S else "MISSES"
                print(f"{label:32s} {tree:12s} wall {_stats(walls[tree])}  cpu {_stats(cpus[tree])}  "
                      f"[{ok} the {TARGET_S:g} s target]")
            if args.vs:
                ratios = [a / b for a, b in zip(walls["this tree"], walls[args.vs])]
                print(f"{label:32s} wall ratio this tree / {args.vs}: {_stats(ratios)}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

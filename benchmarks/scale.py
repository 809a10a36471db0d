"""Scale benchmark: a million sampled worlds of the baseline through the chunked, crash-safe store.

Measures, on this machine:
1. wall time, CPU time and peak memory of ``recloop run baseline --samples 1000000``
   (outcomes.parquet, trajectories, summary and report included) on the chosen backend, with the
   driver's writing (:class:`recloop.execute.WriteStats`: seconds, MiB and rows/s per file) and the
   finishing step (summary and report) timed apart;
2. the speed-up from 1 to 2 workers on the Dask backend (``--speedup-samples`` worlds each,
   cluster start-up excluded, chunk execution and writing included).

Peak memory is the largest total resident set of this process and all its children (Dask
scheduler, nannies and workers), sampled every 0.2 s; the target is under 4 GiB. The engine core
(compiled or numpy, ``RECLOOP_ENGINE``) and the load average before and after are printed with
the machine.

    python benchmarks/scale.py                       # the full benchmark (minutes)
    python benchmarks/scale.py --samples 20000 --speedup-samples 8000   # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil
from recloop.engine import DEFAULT_CHUNK  # noqa: E402


class PeakRSS:
    """Largest total RSS of this process tree while the block runs."""

    def __init__(self, every: float = 0.2):
        self.every = every
        self.peak = 0
        self.peak_self = 0
        self._stop = threading.Event()

    def _sample(self):
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            try:
                own = me.memory_info().rss
                total = own
                for c in me.children(recursive=True):
                    try:
                        total += c.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                own = 0
            self.peak = max(self.peak, total)
            self.peak_self = max(self.peak_self, own)
            self._stop.wait(self.every)

    def __enter__(self):
        self._t = threading.Thread(target=self._sample, daemon=True)
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def big_run(samples: int, backend: str, workers: int, chunk: int, home: Path) -> dict:
    from recloop import commands, execute

    os.environ["RECLOOP_HOME"] = str(home)
    # the driver's writing (parts, outcomes.parquet, trajectories.parquet) and the finishing step
    # (summary, report) timed apart: the run goes through `recloop run`'s own path unchanged
    stats = execute.WriteStats()
    timed = {"finish_s": 0.0, "chunks_s": 0.0}
    real_execute, real_finish = execute.execute_run, execute.finish_run

    def execute_run(plan, executor=None, **kw):
        t = time.perf_counter()
        try:
            return real_execute(plan, executor, stats=stats, **kw)
        finally:
            timed["chunks_s"] += time.perf_counter() - t

    def finish_run(plan, **kw):
        t = time.perf_counter()
        try:
            return real_finish(plan, stats=stats, **kw)
        finally:
            timed["finish_s"] += time.perf_counter() - t

    execute.execute_run, execute.finish_run = execute_run, finish_run
    try:
        with PeakRSS() as mem:
            t0 = time.perf_counter()
            c0 = _cpu()
            ex = execute.make_executor(backend, workers=workers)
            t_start = time.perf_counter() - t0
            try:
                _, summary, out = commands.run_and_write("baseline", None, samples=samples, seed=0, years=30.0,
                                                         chunk_size=chunk, out=home / "big", progress=False,
                                                         executor=ex)
                cpu = _cpu() - c0  # before the workers are closed: their CPU is counted while they live
            finally:
                ex.close()
            wall = time.perf_counter() - t0
    finally:
        execute.execute_run, execute.finish_run = real_execute, real_finish
    size = sum(f.stat().st_size for f in (home / "big").rglob("*") if f.is_file())
    w = stats.total_seconds
    return {"samples": samples, "backend": backend, "workers": workers, "chunk_size": chunk,
            "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "executor_start_s": round(t_start, 1),
            "chunk_loop_s": round(timed["chunks_s"], 1), "finish_s": round(timed["finish_s"], 1),
            "writing_s": round(w, 2), "writing_share_of_wall": round(w / wall, 3),
            "writing_cpu_s": round(stats.total_cpu_seconds, 2), "writing_share_of_cpu": round(stats.total_cpu_seconds / cpu, 3),
            "writing_s_by_file": {k: round(v, 2) for k, v in stats.seconds.items()},
            "writing_mib_out": {k: round(v / 2**20, 1) for k, v in stats.file_bytes.items()},
            "outcome_rows_per_cpu_s": round(stats.rows["outcomes"] / max(stats.cpu_seconds["outcomes"], 1e-9)),
            "samples_per_s": round(samples / wall), "peak_rss_gib": round(mem.peak / 2**30, 3),
            "peak_rss_driver_gib": round(mem.peak_self / 2**30, 3), "output_mib": round(size / 2**20, 1),
            "p_unverified_takeoff": summary["alignment"]["p_unverified_takeoff"],
            "fan_samples": summary["fan_samples"]}


def _cpu() -> float:
    """CPU seconds of this process and its live children (Dask scheduler, nannies, workers)."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for c in me.children(recursive=True):
        try:
            total += sum(c.cpu_times()[:2])
        except psutil.Error:
            pass
    return total


def dask_speedup(samples: int, chunk: int, home: Path) -> dict:
    from recloop import execute
    from recloop.policy import load_policy
    from recloop.scenario import load_scenario

    os.environ["RECLOOP_HOME"] = str(home)
    sc, po = load_scenario("baseline"), load_policy("none")
    out = {}
    for w in (1, 2):
        ex = execute.DaskExecutor(workers=w)
        try:
            ex.map(abs, list(range(4)))  # workers warm
            plan = execute.plan_run(sc, po, run_id=f"speedup-{w}", out_dir=home / f"speedup-{w}", samples=samples,
                                    seed=0, years=30.0, chunk_size=chunk)
            t0 = time.perf_counter()
            execute.execute_run(plan, ex)
            out[w] = time.perf_counter() - t0
        finally:
            ex.close()
    return {"samples": samples, "chunk_size": chunk, "wall_1_worker_s": round(out[1], 1),
            "wall_2_workers_s": round(out[2], 1), "speedup": round(out[1] / out[2], 2)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=1_000_000)
    ap.add_argument("--speedup-samples", type=int, default=100_000)
    ap.add_argument("--backend", default="dask", choices=["local", "processes", "dask"])
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--skip-speedup", action="store_true")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="recloop-scale-"))
    from recloop.engine import engine_choice
    from recloop.scenario import load_scenario

    res = {"machine": {"cpus": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
                       "python": platform.python_version(), "platform": platform.platform(),
                       "load_average_1m_before": round(os.getloadavg()[0], 2)},
           "engine": engine_choice(None, load_scenario("baseline"))}
    try:
        if not args.skip_speedup:
            res["dask_speedup"] = dask_speedup(args.speedup_samples, args.chunk_size, home)
            print(json.dumps(res["dask_speedup"]), flush=True)
        if not args.skip_big:
            res["big_run"] = big_run(args.samples, args.backend, args.workers, args.chunk_size, home)
            print(json.dumps(res["big_run"]), flush=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    res["machine"]["load_average_1m_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()

"""Writing benchmark: what saving a run's results costs per row, apart from simulating it.

Simulates one chunk of the baseline (``--chunk-size`` samples, the first ``fan_samples`` with
their trajectories), then replays it ``--chunks`` times through :func:`recloop.execute.execute_run`
with an executor that hands back the finished chunk instead of simulating it, so that only the
writing is timed: the parts (the journal), ``outcomes.parquet`` and ``trajectories.parquet``
(:class:`recloop.execute.WriteStats`). Prints rows/s and MB/s per file (Arrow bytes handed to the
writer, file bytes out), the writing cost per sample against the simulation's (measured in the
same run on the same chunk), and the share of a run the writing would take at 1x and 5x today's
engine speed. ``--legacy`` also times the recipe before results were written in the chunk loop
(commit 4b5ed31: default Parquet options for the parts, every part read back and written again at
the end, trajectories widened to float64), on the same tables.

    python benchmarks/writing.py                       # 16,384-sample chunk x 7 (a 114,688-sample run)
    python benchmarks/writing.py --chunks 62 --legacy  # a million-sample run's worth, with the old recipe
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from recloop import execute  # noqa: E402
from recloop.engine import DEFAULT_CHUNK, engine_choice  # noqa: E402
from recloop.policy import load_policy  # noqa: E402
from recloop.scenario import load_scenario  # noqa: E402


class Replay(execute.Executor):
    """Hands back one simulated chunk for every task, relabelled with the task's samples."""

    name = "replay"

    def __init__(self, res: execute.ChunkResult):
        self.workers = 1
        self.res = res

    def imap_unordered(self, fn, args, *, max_in_flight=None):
        t = self.res.table
        i = t.schema.get_field_index("sample")
        for task in args:
            table = t.set_column(i, "sample", pa.array(np.arange(task.start, task.stop, dtype=np.int64)))
            keep = int(np.clip(task.fan_samples - task.start, 0, task.stop - task.start))
            yield execute.ChunkResult(task.chunk, table, {k: v[:keep] for k, v in self.res.trajectories.items()}
                                      if keep else {})


def legacy(res: execute.ChunkResult, chunks: int, fan: int, times: np.ndarray, folder: Path) -> float:
    """The recipe of commit 4b5ed31 on the same tables: seconds."""
    folder.mkdir()
    t0 = time.perf_counter()
    for c in range(chunks):
        if c == 0 and res.trajectories:
            buf = io.BytesIO()
            np.savez(buf, **res.trajectories)
            (folder / "traj.npz").write_bytes(buf.getvalue())
        pq.write_table(res.table, folder / f"chunk-{c:05d}.parquet")
    writer = None
    for c in range(chunks):
        t = pq.read_table(folder / f"chunk-{c:05d}.parquet")
        writer = writer or pq.ParquetWriter(folder / "outcomes.parquet", t.schema)
        writer.write_table(t)
    writer.close()
    n = min(fan, res.table.num_rows)
    if n:
        with np.load(folder / "traj.npz") as z:
            grids = {v: z[v] for v in z.files}
        cols = {"sample": pa.array(np.repeat(np.arange(n, dtype=np.int64), times.size)),
                "year": pa.array(np.tile(2025.0 + times, n))}
        for v, g in grids.items():
            cols[v] = pa.array(g.reshape(-1).astype(np.float64))
        pq.write_table(pa.table(cols), folder / "trajectories.parquet")
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
    ap.add_argument("--chunks", type=int, default=7)
    ap.add_argument("--fan-samples", type=int, default=execute.DEFAULT_FAN_SAMPLES)
    ap.add_argument("--years", type=float, default=30.0)
    ap.add_argument("--legacy", action="store_true", help="also time the recipe before this one (commit 4b5ed31)")
    a = ap.parse_args()
    sc, po = load_scenario("baseline"), load_policy("none")
    execute.run_chunk(execute.ChunkTask(sc, po, 0, 0, 64, 0, a.years, 0.25, "mc", "warm", 64))  # imports, compile
    t0, c0 = time.perf_counter(), time.thread_time()
    res = execute.run_chunk(execute.ChunkTask(sc, po, 0, 0, a.chunk_size, 0, a.years, 0.25, "mc", "bench",
                                              a.fan_samples))
    sim_s, sim_cpu = time.perf_counter() - t0, time.thread_time() - c0
    samples = a.chunk_size * a.chunks
    home = Path(tempfile.mkdtemp(prefix="recloop-writing-"))
    os.environ["RECLOOP_HOME"] = str(home)
    try:
        plan = execute.plan_run(sc, po, run_id="writing-bench", out_dir=home / "run", samples=samples, seed=0,
                                years=a.years, chunk_size=a.chunk_size, fan_samples=a.fan_samples)
        stats = execute.WriteStats()
        t0 = time.perf_counter()
        execute.execute_run(plan, Replay(res), stats=stats)
        loop_s = time.perf_counter() - t0
        for name in ("outcomes", "trajectories"):  # as finish_run does, without the summary and report
            os.replace(home / "run" / "parts" / f"{name}.parquet", home / "run" / f"{name}.parquet")
        c0 = time.thread_time()
        old_s = legacy(res, a.chunks, a.fan_samples, execute._times(a.years, 0.25), home / "legacy") \
            if a.legacy else None
        old_cpu = time.thread_time() - c0
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"baseline, engine {engine_choice(None, sc)}: {a.chunks} chunks of {a.chunk_size:,} samples "
          f"({samples:,}), {min(samples, a.fan_samples):,} with trajectories; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    rows = {"parts": samples, **stats.rows}
    for name in ("parts", "outcomes", "trajectories"):
        s, cpu = stats.seconds[name], stats.cpu_seconds[name]
        print(f"  {name:12s} wall {s:6.2f} s  cpu {cpu:6.2f} s  {rows[name] / cpu / 1e3:8.0f} krows/s  "
              f"{stats.arrow_bytes[name] / 2**20 / cpu:6.0f} MiB/s in  {stats.file_bytes[name] / 2**20:7.1f} MiB out"
              "  (rates per CPU second)")
    w = stats.total_cpu_seconds
    per_sim, per_write = sim_cpu / a.chunk_size, w / samples
    print(f"writing in the chunk loop: cpu {w:.2f} s, wall {stats.total_seconds:.2f} s ({loop_s:.2f} s with the loop) "
          f"= {per_write * 1e6:.1f} us of CPU a sample; simulation {per_sim * 1e6:.0f} us of CPU a sample "
          f"({a.chunk_size:,} simulated in {sim_cpu:.1f} s of CPU, {sim_s:.1f} s wall)")
    for speed in (1, 5):
        print(f"  share of a run at {speed}x this engine's speed: {per_write / (per_write + per_sim / speed):.1%}")
    if old_s is not None:
        print(f"recipe of 4b5ed31 on the same tables: cpu {old_cpu:.2f} s (wall {old_s:.2f} s) = "
              f"{old_cpu / samples * 1e6:.1f} us of CPU a sample: {old_cpu / w:.2f}x this one's")


if __name__ == "__main__":
    main()

"""Execution backends and the chunked, crash-safe run store.

A run is cut into *chunks* of consecutive global sample indices. A chunk is the unit of work
(one call of :func:`recloop.engine.simulate_chunk`) and the unit of crash safety: as each chunk
completes, its rows are written to ``DIR/parts/chunk-XXXXX.parquet`` atomically (temporary file,
fsync, rename) and registered in the DuckDB catalog (table ``run_chunks``). Killing a run, even
with ``kill -9``, loses at most the chunks in flight; ``recloop resume RUN`` runs only the chunks
that are missing and then assembles ``outcomes.parquet``. Because sample i depends only on
(seed, i), a resumed run is row for row the run that was never interrupted, on any backend.

Backends (one :class:`Executor` interface, STYLE.md §7):

* :class:`LocalExecutor` (``local``, the default): chunks run one after another in this process,
  each vectorised over its samples;
* :class:`ProcessExecutor` (``processes``): a pool of local worker processes;
* :class:`DaskExecutor` (``dask``): Dask distributed, on a ``LocalCluster`` by default or on an
  existing cluster given by its scheduler address (SLURM, Kubernetes: see docs/uncertainty.md).

Memory stays bounded: at most ``2 x workers`` chunks are in flight, finished chunks go to disk,
and only the first ``fan_samples`` samples keep their trajectories (for fan charts).
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from recloop.params import RecloopInputError
from recloop.engine import DEFAULT_CHUNK, DEFAULT_REPORT_EVERY

__all__ = [
    "BACKENDS",
    "Executor",
    "LocalExecutor",
    "ProcessExecutor",
    "DaskExecutor",
    "make_executor",
    "ChunkTask",
    "run_chunk",
    "RunPlan",
    "plan_run",
    "execute_run",
    "finish_run",
    "resume_run",
    "load_plan",
    "done_chunks",
    "find_run_dir",
]

BACKENDS = ("local", "processes", "dask")
MANIFEST = "run.json"
DEFAULT_FAN_SAMPLES = 10_000
TRAJECTORY_TABLE_SAMPLES = 500  # as outcomes.trajectory_table's default

# --------------------------------------------------------------------------- executors


class Executor(ABC):
    """Runs a pure function over many arguments, yielding results as they complete.

    Subclasses implement :meth:`imap_unordered`; at most ``max_in_flight`` arguments are
    submitted at once so that memory stays bounded however many there are.
    """

    name: str = ""
    workers: int = 1

    @abstractmethod
    def imap_unordered(self, fn: Callable[[Any], Any], args: Iterable[Any], *,
                       max_in_flight: int | None = None) -> Iterator[Any]:
        """Yield ``fn(a)`` for every ``a`` in ``args``, in completion order."""

    def map(self, fn: Callable[[Any], Any], args: list[Any]) -> list[Any]:
        """``[fn(a) for a in args]`` in order (results carry no position: keyed internally)."""
        keyed = list(enumerate(args))
        out: list[Any] = [None] * len(keyed)
        for i, r in self.imap_unordered(_Keyed(fn), keyed):
            out[i] = r
        return out

    def close(self) -> None:
        """Release workers (a no-op for the in-process backend)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _limit(self, max_in_flight):
        return max(1, max_in_flight if max_in_flight is not None else 2 * self.workers)

    def _bounded(self, fn, args, max_in_flight, *, submit, wait_some, take):
        """Keep at most ``max_in_flight`` tasks submitted; yield results as they complete.

        ``submit(fn, a)`` returns a future, ``wait_some(pending)`` returns (done, still pending)
        once at least one is done, ``take(future)`` returns its result. Unstarted tasks are
        cancelled if the consumer stops early.
        """
        limit = self._limit(max_in_flight)
        it = iter(args)
        pending: set = set()
        try:
            while True:
                for a in itertools.islice(it, limit - len(pending)):
                    pending.add(submit(fn, a))
                if not pending:
                    return
                done, pending = wait_some(pending)
                for f in done:
                    yield take(f)
        finally:
            for f in pending:
                f.cancel()


@dataclass(frozen=True)
class _Keyed:
    fn: Callable[[Any], Any]

    def __call__(self, item):
        i, a = item
        return i, self.fn(a)


class LocalExecutor(Executor):
    """In-process: one chunk after another, each vectorised over its samples (the default)."""

    name = "local"

    def __init__(self):
        self.workers = 1

    def imap_unordered(self, fn, args, *, max_in_flight=None):
        for a in args:
            yield fn(a)


class ProcessExecutor(Executor):
    """A pool of local worker processes (``spawn``: safe beside threads such as Dask's)."""

    name = "processes"

    def __init__(self, workers: int | None = None):
        import concurrent.futures as cf
        import multiprocessing as mp

        self.workers = int(workers or os.cpu_count() or 1)
        self._pool = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context("spawn"))

    def imap_unordered(self, fn, args, *, max_in_flight=None):
        import concurrent.futures as cf

        return self._bounded(fn, args, max_in_flight, submit=self._pool.submit,
                             wait_some=lambda p: cf.wait(p, return_when=cf.FIRST_COMPLETED),
                             take=lambda f: f.result())

    def close(self):
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(Executor):
    """Dask distributed: a new ``LocalCluster`` by default, or the cluster at ``scheduler``.

    ``client`` reuses an existing :class:`distributed.Client` (it is not closed here).
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, *, workers: int | None = None, processes: bool = True,
                 client: Any = None):
        from distributed import Client, LocalCluster

        self._own = client is None
        self._cluster = None
        if client is not None:
            self.client = client
        elif scheduler:
            try:
                self.client = Client(scheduler, timeout="20s")
            except OSError as err:
                raise RecloopInputError([f"--scheduler: cannot reach a Dask scheduler at {scheduler} ({err})"]) from None
        else:
            n = int(workers or os.cpu_count() or 1)
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=processes,
                                         dashboard_address=":0", silence_logs=40)
            self.client = Client(self._cluster)
        info = self.client.scheduler_info()
        self.workers = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def imap_unordered(self, fn, args, *, max_in_flight=None):
        from distributed import wait

        def wait_some(pending):
            done = set(wait(list(pending), return_when="FIRST_COMPLETED").done)
            return done, pending - done

        def take(f):
            out = f.result()
            f.release()  # free the result on the worker once it is here
            return out

        return self._bounded(fn, args, max_in_flight, submit=lambda g, a: self.client.submit(g, a, pure=False),
                             wait_some=wait_some, take=take)

    def close(self):
        if self._own:
            self.client.close()
            if self._cluster is not None:
                self._cluster.close()


def make_executor(backend: str = "local", *, workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor for a backend name (``local``, ``processes``, ``dask``)."""
    problems = []
    if backend not in BACKENDS:
        problems.append(f"--backend: must be one of {', '.join(BACKENDS)}, got {backend!r}")
    if scheduler and backend != "dask":
        problems.append(f"--scheduler: only used with --backend dask, got --backend {backend}")
    if workers is not None and not 1 <= workers <= 4096:
        problems.append(f"--workers: must be in [1, 4096], got {workers}")
    if problems:
        raise RecloopInputError(problems)
    if backend == "local":
        return LocalExecutor()
    if backend == "processes":
        return ProcessExecutor(workers)
    return DaskExecutor(scheduler, workers=workers)


# --------------------------------------------------------------------------- one chunk


@dataclass(frozen=True)
class ChunkTask:
    """Everything a worker needs to run chunk ``chunk`` (global samples ``start`` .. ``stop - 1``)."""

    scenario: Any
    policy: Any
    chunk: int
    start: int
    stop: int
    seed: int
    years: float
    report_every: float
    method: str
    run_id: str
    fan_samples: int


@dataclass
class ChunkResult:
    chunk: int
    table: pa.Table
    trajectories: dict[str, np.ndarray] = field(default_factory=dict)  # only samples < fan_samples


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Simulate one chunk and build its rows of the results table (runs on a worker)."""
    from recloop.engine import SimResult, simulate_chunk
    from recloop.outcomes import to_table

    times = _times(task.years, task.report_every)
    index = np.arange(task.start, task.stop, dtype=np.int64)
    out, traj = simulate_chunk(task.scenario, task.policy, index, task.seed, years=task.years, times=times,
                               method=task.method)
    result = SimResult(out, times, {}, task.scenario, task.policy, task.seed, float(task.years))
    keep = int(np.clip(task.fan_samples - task.start, 0, index.size))
    return ChunkResult(task.chunk, to_table(result, task.run_id), {k: v[:keep] for k, v in traj.items()} if keep else {})


def _times(years: float, report_every: float) -> np.ndarray:
    return np.arange(0.0, years + 1e-9, report_every)  # as engine.simulate


# --------------------------------------------------------------------------- the chunked store


@dataclass(frozen=True)
class RunPlan:
    """A run's inputs and its cut into chunks; saved as ``DIR/run.json`` before any chunk runs."""

    run_id: str
    out_dir: str
    scenario: dict
    policy: dict
    samples: int
    seed: int
    years: float
    chunk_size: int
    report_every: float = DEFAULT_REPORT_EVERY
    method: str = "mc"
    fan_samples: int = DEFAULT_FAN_SAMPLES

    @property
    def n_chunks(self) -> int:
        return -(-self.samples // self.chunk_size)

    def chunk_range(self, c: int) -> tuple[int, int]:
        return c * self.chunk_size, min(self.samples, (c + 1) * self.chunk_size)

    def models(self):
        from recloop.policy import Policy
        from recloop.scenario import Scenario

        return Scenario.model_validate(self.scenario), Policy.model_validate(self.policy)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2)


def plan_run(scenario, policy, *, run_id: str, out_dir: str | Path, samples: int, seed: int, years: float,
             chunk_size: int = DEFAULT_CHUNK, report_every: float = DEFAULT_REPORT_EVERY, method: str = "mc",
             fan_samples: int = DEFAULT_FAN_SAMPLES) -> RunPlan:
    """Validate the options, create ``out_dir/parts`` and write the manifest atomically."""
    from recloop.engine import _check_args
    from recloop.sampling import normalize_seed

    _check_args(samples, years, chunk_size, report_every)
    problems = []
    if method not in ("mc", "sobol"):
        # sampling.py's Latin hypercube is drawn per call with n = max(index) + 1 points, so sample
        # i would depend on the chunk it falls in: refused here until it is counter-based
        problems.append(f"method: must be mc or sobol for a chunked run, got {method!r}")
    if not 0 <= fan_samples <= 1_000_000:
        problems.append(f"fan_samples: must be in [0, 1,000,000], got {fan_samples}")
    if problems:
        raise RecloopInputError(problems)
    out = Path(out_dir)
    plan = RunPlan(run_id, str(out), scenario.model_dump(mode="json"), policy.model_dump(mode="json"), int(samples),
                   normalize_seed(seed), float(years), int(chunk_size), float(report_every), method, int(fan_samples))
    (out / "parts").mkdir(parents=True, exist_ok=True)
    _atomic_write(out / MANIFEST, plan.to_json().encode())
    return plan


def load_plan(out_dir: str | Path) -> RunPlan:
    path = Path(out_dir) / MANIFEST
    if not path.exists():
        raise RecloopInputError([f"run: {out_dir} has no {MANIFEST} (not a chunked recloop run)"])
    return RunPlan(**json.loads(path.read_text()))


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _atomic_parquet(path: Path, table: pa.Table) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, tmp)
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _chunk_path(out_dir: Path, c: int) -> Path:
    return out_dir / "parts" / f"chunk-{c:05d}.parquet"


def _traj_path(out_dir: Path, c: int) -> Path:
    return out_dir / "parts" / f"traj-{c:05d}.npz"


_CHUNKS_SCHEMA = """
CREATE TABLE IF NOT EXISTS run_chunks (
    run_id VARCHAR,
    chunk INTEGER,
    first_sample BIGINT,
    samples BIGINT,
    path VARCHAR,
    created VARCHAR,
    PRIMARY KEY (run_id, chunk)
)
"""


def _catalog():
    """A short-lived connection to the run catalog (retried while another process holds it)."""
    import duckdb

    from recloop import store

    path = store.catalog_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(100):
        try:
            con = duckdb.connect(str(path))
            con.execute(_CHUNKS_SCHEMA)
            return con
        except duckdb.IOException:  # locked by another process: wait and retry
            if attempt == 99:
                raise
            time.sleep(0.1)
    raise AssertionError("unreachable")


def _register_chunk(plan: RunPlan, c: int) -> None:
    a, b = plan.chunk_range(c)
    con = _catalog()
    try:
        con.execute("INSERT OR REPLACE INTO run_chunks VALUES (?, ?, ?, ?, ?, ?)",
                    [plan.run_id, c, a, b - a, str(_chunk_path(Path(plan.out_dir), c)),
                     _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")])
    finally:
        con.close()


def _registered(run_id: str) -> set[int]:
    con = _catalog()
    try:
        return {r[0] for r in con.execute("SELECT chunk FROM run_chunks WHERE run_id = ?", [run_id]).fetchall()}
    finally:
        con.close()


def _chunk_complete(plan: RunPlan, c: int) -> bool:
    out = Path(plan.out_dir)
    p = _chunk_path(out, c)
    if not p.exists():
        return False
    a, b = plan.chunk_range(c)
    try:
        ok = pq.ParquetFile(p).metadata.num_rows == b - a
    except Exception:  # a damaged file is rerun, never trusted
        return False
    return ok and (a >= plan.fan_samples or _traj_path(out, c).exists())


def done_chunks(plan: RunPlan) -> set[int]:
    """Chunks already on disk and registered; a complete file left unregistered by a crash between
    the rename and the catalog insert is registered now; leftover temporary files are removed."""
    out = Path(plan.out_dir)
    for tmp in (out / "parts").glob(".*.tmp-*"):
        tmp.unlink(missing_ok=True)
    registered = _registered(plan.run_id)
    done = set()
    for c in range(plan.n_chunks):
        if _chunk_complete(plan, c):
            if c not in registered:
                _register_chunk(plan, c)
            done.add(c)
    return done


def execute_run(plan: RunPlan, executor: Executor | None = None, *,
                progress: Callable[[int], None] | None = None) -> int:
    """Run every chunk of ``plan`` that is not yet done; returns how many chunks ran."""
    executor = executor or LocalExecutor()
    scenario, policy = plan.models()
    out = Path(plan.out_dir)
    done = done_chunks(plan)
    if progress is not None:
        progress(sum(b - a for a, b in map(plan.chunk_range, done)))
    todo = [c for c in range(plan.n_chunks) if c not in done]
    tasks = (ChunkTask(scenario, policy, c, *plan.chunk_range(c), plan.seed, plan.years, plan.report_every,
                       plan.method, plan.run_id, plan.fan_samples) for c in todo)
    ran = 0
    for res in executor.imap_unordered(run_chunk, tasks):
        c = res.chunk
        if res.trajectories:  # written first: a registered chunk always has its fan data
            tmp = _traj_path(out, c).with_name(f".traj-{c:05d}.npz.tmp-{os.getpid()}")
            with open(tmp, "wb") as f:
                np.savez(f, **res.trajectories)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, _traj_path(out, c))
        _atomic_parquet(_chunk_path(out, c), res.table)
        _register_chunk(plan, c)
        ran += 1
        if progress is not None:
            progress(res.table.num_rows)
    return ran


def _assemble_outcomes(plan: RunPlan) -> Path:
    """Stream the parts, in sample order, into ``outcomes.parquet`` (one part in memory at a time)."""
    out = Path(plan.out_dir)
    target = out / "outcomes.parquet"
    tmp = out / f".outcomes.parquet.tmp-{os.getpid()}"
    writer = None
    try:
        for c in range(plan.n_chunks):
            t = pq.read_table(_chunk_path(out, c))
            if writer is None:
                writer = pq.ParquetWriter(tmp, t.schema)
            writer.write_table(t)
    finally:
        if writer is not None:
            writer.close()
    os.replace(tmp, target)
    return target


def _light_result(plan: RunPlan):
    """A SimResult for the summary and report: outcome columns without the inputs (about 0.4 KB a
    sample), trajectories of the first ``fan_samples`` samples only."""
    from recloop.engine import STATUS, TRAJECTORY_VARS, SimResult
    from recloop.mechanisms.physical import LIMIT_NAMES

    out = Path(plan.out_dir)
    scenario, policy = plan.models()
    f = pq.ParquetFile(out / "outcomes.parquet")
    skip = {"run_id", "seed", "scenario", "policy"}
    cols = [n for n in f.schema_arrow.names if n not in skip and not n.startswith("in:")]
    t = f.read(columns=cols)
    O: dict[str, np.ndarray] = {}
    for name in cols:
        col = t.column(name)
        if name == "status":
            O[name] = _codes(col, STATUS)
        elif name == "binding_limit":
            O[name] = _codes(col, LIMIT_NAMES)
        elif pa.types.is_boolean(col.type):
            O[name] = col.to_numpy(zero_copy_only=False).astype(bool)
        elif pa.types.is_integer(col.type):
            O[name] = col.to_numpy()
        else:
            O[name] = col.fill_null(np.nan).to_numpy().astype(np.float64)
    del t
    times = _times(plan.years, plan.report_every)
    k = min(plan.samples, plan.fan_samples)
    parts: dict[str, list[np.ndarray]] = {v: [] for v in TRAJECTORY_VARS}
    for c in range(plan.n_chunks):
        a, _ = plan.chunk_range(c)
        if a >= k:
            break
        with np.load(_traj_path(out, c)) as z:
            for v in z.files:  # TRAJECTORY_VARS, plus per-actor grids in many-actor runs
                parts.setdefault(v, []).append(z[v])
    traj = {v: (np.concatenate(p, axis=0) if p else np.zeros((0, times.size), np.float32)) for v, p in parts.items()}
    return SimResult(O, times, traj, scenario, policy, plan.seed, plan.years,
                     meta={"report_every": plan.report_every, "method": plan.method, "chunk_size": plan.chunk_size,
                           "fan_samples": k})


def _codes(col: pa.ChunkedArray, names) -> np.ndarray:
    lookup = {n: i for i, n in enumerate(names)}
    vals = col.to_pylist() if len(col) < 4096 else None
    if vals is not None:
        return np.array([lookup[v] for v in vals], dtype=np.int8)
    import pyarrow.compute as pc

    out = np.zeros(len(col), dtype=np.int8)
    for n, i in lookup.items():
        out[pc.equal(col, n).to_numpy(zero_copy_only=False)] = i
    return out


def _trajectory_table(result, k: int) -> pa.Table:
    from recloop.outcomes import trajectory_table

    sub = type(result)({"sample": result.outcomes["sample"][:k]}, result.times,
                       {v: g[:k] for v, g in result.trajectories.items()}, result.scenario, result.policy,
                       result.seed, result.years)
    return trajectory_table(sub, max_samples=k)


def finish_run(plan: RunPlan):
    """Assemble ``outcomes.parquet`` and write trajectories, summary, scenario and report; mark the
    run complete in the catalog. Returns (light SimResult, summary)."""
    from recloop import store
    from recloop.outcomes import summarize
    from recloop.report.charts import view
    from recloop.report.html import write_report

    missing = sorted(set(range(plan.n_chunks)) - done_chunks(plan))
    if missing:
        raise RecloopInputError([f"run {plan.run_id}: chunks {missing[:10]} are missing; run `recloop resume {plan.run_id}`"])
    out = Path(plan.out_dir)
    _assemble_outcomes(plan)
    result = _light_result(plan)
    k = min(TRAJECTORY_TABLE_SAMPLES, result.trajectories["paused"].shape[0])
    _atomic_parquet(out / "trajectories.parquet", _trajectory_table(result, k))
    summary = summarize(result)
    summary["run_id"] = plan.run_id
    summary["out_dir"] = str(out)
    summary["fan_samples"] = int(result.trajectories["paused"].shape[0])
    _atomic_write(out / "summary.json", json.dumps(summary, indent=2).encode())
    _atomic_write(out / "scenario.toml", result.scenario.to_toml().encode())
    write_report(view(result), out / "report.html")
    store.update_run(plan.run_id, status="complete", summary=summary)
    return result, summary


def find_run_dir(run: str) -> Path:
    """A run's folder from its id (looked up in the catalog) or its path."""
    p = Path(run)
    if (p / MANIFEST).exists():
        return p
    from recloop import store

    if store.catalog_path().exists():
        con = _catalog()
        try:
            row = con.execute("SELECT out_dir FROM runs WHERE run_id = ?", [run]).fetchone()
        finally:
            con.close()
        if row and row[0] and (Path(row[0]) / MANIFEST).exists():
            return Path(row[0])
    raise RecloopInputError([f"run: '{run}' is neither a run folder with {MANIFEST} nor a chunked run id in {store.catalog_path()}"])


def resume_run(run: str, executor: Executor | None = None, *, progress: Callable[[int], None] | None = None):
    """Finish an interrupted run: only missing chunks run; then the outputs are assembled.
    Returns (light SimResult, summary, chunks that ran)."""
    plan = load_plan(find_run_dir(run))
    ran = execute_run(plan, executor, progress=progress)
    result, summary = finish_run(plan)
    return result, summary, ran


Backend = Literal["local", "processes", "dask"]

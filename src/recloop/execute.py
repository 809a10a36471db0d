"""Execution backends and the chunked, crash-safe run store.

A run is cut into *chunks* of consecutive global sample indices. A chunk is the unit of work
(one call of :func:`recloop.engine.simulate_chunk`) and the unit of crash safety: as each chunk
completes, its rows are written to ``DIR/parts/chunk-XXXXX.parquet`` atomically (temporary file,
fsync, rename), with the run's fingerprint (run id, seed, scenario, policy and code hashes) in
the file's metadata; these parts are the run's journal. In the same loop the chunk is appended,
in sample order, to ``outcomes.parquet`` and ``trajectories.parquet`` (one compressed Parquet
writer per file, one row group per chunk: :class:`_ResultsWriter`), so finishing a run rewrites
nothing. Killing a run, even with ``kill -9``, loses at most the chunks in flight (the writers'
unclosed files are debris, removed on resume); ``recloop resume RUN`` checks that code, inputs
and every saved chunk match the run, feeds the saved chunks to new writers from their parts and
runs only the chunks that are missing; once a run is done, ``parts/`` is removed. Because sample i depends only on (seed, i), a resumed run is row for row the run
that was never interrupted, on any backend.

A run owns its folder: ``DIR/.lock`` is held (``flock``) while any process works in it, a fresh
run refuses a folder that holds another run unless told to replace it, and ``DIR/run.json``
records the provenance (:func:`provenance`).

Backends (one :class:`Executor` interface, STYLE.md §7):

* :class:`LocalExecutor` (``local``, the default): chunks run one after another in this process
  (on a worker thread, one ahead of the writing), each vectorised over its samples;
* :class:`ProcessExecutor` (``processes``): a pool of local worker processes;
* :class:`DaskExecutor` (``dask``): Dask distributed, on a ``LocalCluster`` by default or on an
  existing cluster given by its scheduler address (SLURM, Kubernetes: see docs/uncertainty.md).

Memory stays bounded: at most ``2 x workers`` chunks are in flight, finished chunks go to disk,
and only the first ``fan_samples`` samples (default 10,000) keep their trajectories (fan charts
and ``trajectories.parquet``).
"""

from __future__ import annotations

import datetime as _dt
import errno
import fcntl
import functools
import inspect
import itertools
import json
import math
import os
import shutil
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from recloop import arrowcols
from recloop.params import RecloopInputError
from recloop.engine import DEFAULT_CHUNK, DEFAULT_REPORT_EVERY
from recloop.store import atomic_write

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
    "WriteStats",
    "LightColumns",
    "resume_run",
    "load_plan",
    "done_chunks",
    "find_run_dir",
    "RunFailed",
    "check_run_options",
    "check_resumable",
    "claim_folder",
    "code_fingerprint",
    "folder_locked",
    "provenance",
    "run_lock",
]

BACKENDS = ("local", "processes", "dask")
MANIFEST = "run.json"
DEFAULT_FAN_SAMPLES = 10_000

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
    """In-process: one chunk after another, each vectorised over its samples (the default).

    The chunks run in order on one worker thread, one ahead of the caller: while the caller
    writes chunk k, chunk k + 1 is simulated (the compiled core and numpy release the GIL), so
    writing a run's results overlaps its simulation. Results come back in order; a chunk that
    raises raises here, after the chunks before it were handed over."""

    name = "local"

    def __init__(self):
        self.workers = 1

    def imap_unordered(self, fn, args, *, max_in_flight=None):
        from concurrent.futures import ThreadPoolExecutor

        from recloop.engine import LOCAL_THREAD  # the thread the engine lets use every core

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=LOCAL_THREAD)
        try:
            ahead = None
            for a in args:
                running = pool.submit(fn, a)
                if ahead is not None:
                    yield ahead.result()
                ahead = running
            if ahead is not None:
                yield ahead.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


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


def _durable_replace(tmp, target) -> None:
    """Flush ``tmp`` to disk and move it over ``target`` atomically (a reader sees all or nothing)."""
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)


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
    max_steps_per_sample: int | None = None  # passed on only to an engine that takes it


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
    extra = {} if task.max_steps_per_sample is None else {"max_steps_per_sample": task.max_steps_per_sample}
    out, traj = simulate_chunk(task.scenario, task.policy, index, task.seed, years=task.years, times=times,
                               method=task.method, **extra)
    result = SimResult(out, times, {}, task.scenario, task.policy, task.seed, float(task.years))
    keep = int(np.clip(task.fan_samples - task.start, 0, index.size))
    return ChunkResult(task.chunk, to_table(result, task.run_id), {k: v[:keep] for k, v in traj.items()} if keep else {})


def _times(years: float, report_every: float) -> np.ndarray:
    return np.arange(0.0, years + 1e-9, report_every)  # as engine.simulate


# --------------------------------------------------------------------------- provenance


#: Dependencies whose versions are recorded with every run.
KEY_DEPENDENCIES = ("numpy", "scipy", "pydantic", "pyarrow", "duckdb", "dask", "distributed")
_PROVENANCE_KEY = b"recloop.provenance"
_CHUNK_KEY = b"recloop.chunk"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> dict[str, Any]:
    """What code is running: recloop's version, the git commit when the package sits in a git
    checkout (with ``dirty`` when it has uncommitted changes), and a SHA-256 of every ``.py`` and
    bundled ``.toml`` file of the package (so an edited installation is told apart even without git)."""
    import hashlib
    import subprocess

    from importlib import metadata

    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(pkg.rglob("*")):
        if p.suffix in (".py", ".toml") and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(pkg)).encode() + b"\0" + p.read_bytes() + b"\0")
    try:
        version = metadata.version("recloop")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        version = "unknown"
    commit = dirty = None
    try:
        top = subprocess.run(["git", "-C", str(pkg), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        if top.returncode == 0:
            commit = top.stdout.strip()
            st = subprocess.run(["git", "-C", str(pkg), "status", "--porcelain", "--", "."], capture_output=True,
                                text=True, timeout=5)
            dirty = bool(st.stdout.strip()) if st.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        pass
    return {"recloop_version": version, "git_commit": commit, "git_dirty": dirty, "code_sha256": h.hexdigest()}


def input_hash(model_dump: dict) -> str:
    """SHA-256 of a scenario's or policy's canonical JSON (sorted keys): equal inputs, equal hash."""
    import hashlib

    return hashlib.sha256(json.dumps(model_dump, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def provenance(scenario_dump: dict | None = None, policy_dump: dict | None = None, *,
               command: list[str] | None = None) -> dict[str, Any]:
    """What made a run: code (see :func:`code_fingerprint`), Python and key dependency versions,
    scenario and policy hashes (when given), the command line. Stored in ``run.json``, every
    Parquet file's metadata and the catalog (every kind of run: studies, games, the lab)."""
    import platform
    from importlib import metadata

    deps: dict[str, str | None] = {}
    for name in KEY_DEPENDENCIES:
        try:
            deps[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            deps[name] = None
    return {**code_fingerprint(), "python": platform.python_version(), "platform": platform.platform(terse=True),
            "dependencies": deps,
            "scenario_sha256": None if scenario_dump is None else input_hash(scenario_dump),
            "policy_sha256": None if policy_dump is None else input_hash(policy_dump),
            "command": list(sys.argv if command is None else command),
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}


# --------------------------------------------------------------------------- run folders and locks

_LOCK_NAME = ".lock"
_HELD: dict[str, list] = {}  # folder -> [file object, depth]: the locks this process holds
_HELD_GUARD = threading.Lock()
#: What a run writes in its folder (``--replace`` removes only these, never a user's other files).
RUN_FILES = (MANIFEST, "outcomes.parquet", "trajectories.parquet", "summary.json", "scenario.toml", "report.html",
             "parts", _LOCK_NAME)


class RunFailed(RecloopInputError):
    """A run stopped by its surroundings (the disk, the file system), not by its inputs: the run is
    marked ``failed`` and keeps its finished chunks for ``recloop resume``."""


def _os_problem(what: str, path: Path, err: OSError) -> str:
    reason = err.strerror or str(err)
    if err.errno == errno.ENOSPC:
        reason = "no space left on device"
    return f"{what}: cannot write {path} ({reason})"


@contextmanager
def run_lock(out_dir: str | Path, *, what: str = "--out"):
    """Hold the run folder's exclusive lock (``DIR/.lock``, ``flock``; released by the kernel when
    the process dies, even by ``kill -9``). Re-entrant within a process; another process that
    holds it gets a one-line refusal naming the folder."""
    out = Path(out_dir).absolute()
    key = str(out)
    with _HELD_GUARD:
        if key in _HELD:
            _HELD[key][1] += 1
            held = True
        else:
            held = False
    if held:
        try:
            yield out
        finally:
            with _HELD_GUARD:
                _HELD[key][1] -= 1
        return
    try:
        f = open(out / _LOCK_NAME, "a+")
    except OSError as err:
        raise RecloopInputError([_os_problem(what, out, err)]) from None
    for attempt in range(10):  # a few tries: `recloop runs` probes locks for an instant (folder_locked)
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError:
            if attempt < 9:
                time.sleep(0.02)
    else:
        f.close()
        raise RecloopInputError([f"{what}: {out} is in use by another recloop process (its lock {out / _LOCK_NAME} "
                                 "is held); wait for it or choose another folder"]) from None
    with _HELD_GUARD:
        _HELD[key] = [f, 1]
    try:
        yield out
    finally:
        with _HELD_GUARD:
            entry = _HELD[key]
            entry[1] -= 1
            done = entry[1] == 0
            if done:
                del _HELD[key]
        if done:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
            f.close()


def folder_locked(out_dir: Path) -> bool:
    """Whether a process (this one included) holds ``out_dir``'s run lock."""
    out = Path(out_dir).absolute()
    with _HELD_GUARD:
        if str(out) in _HELD:
            return True
    lock = out / _LOCK_NAME
    if not lock.exists():
        return False
    try:
        with open(lock, "a+") as f:
            try:  # shared: enough to tell whether an exclusive lock is held
                fcntl.flock(f.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
            return False
    except OSError:
        return False


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK | os.X_OK)


def claim_folder(out_dir: str | Path, run_id: str, *, replace: bool = False) -> bool:
    """Make ``out_dir`` the folder of run ``run_id``: create it, or accept it when empty; a folder that
    holds another run is refused (naming it) unless ``replace``, which removes that run's files
    (only recloop's: :data:`RUN_FILES`). A non-empty folder that is not a run is always refused.
    Returns whether the folder was created here (so that a refusal can remove it again). Call it
    holding the folder's lock (:func:`run_lock`), as :func:`plan_run` does."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise RecloopInputError([f"--out: {out} is a file, expected a folder"])
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise RecloopInputError([_os_problem("--out", out, err)]) from None
    if not _writable(out):
        raise RecloopInputError([f"--out: {out} is not writable"])
    manifest = out / MANIFEST
    if manifest.exists():
        try:
            other = json.loads(manifest.read_text()).get("run_id", "?")
        except (OSError, ValueError):
            other = "?"
        if other == run_id:
            return created
        if not replace:
            raise RecloopInputError([f"--out: {out} holds run {other}; choose another folder, finish it with "
                                     f"`recloop resume {out}`, or pass --replace to delete it"])
        for name in RUN_FILES:
            p = out / name
            if name == _LOCK_NAME:
                continue
            if p.is_dir():
                shutil.rmtree(p)
            else:
                p.unlink(missing_ok=True)
    else:
        extra = [p.name for p in out.iterdir() if p.name != _LOCK_NAME]
        if extra:
            raise RecloopInputError([f"--out: {out} is not empty and holds no recloop run ({', '.join(sorted(extra)[:3])}"
                                     f"{', ...' if len(extra) > 3 else ''}); choose a new or empty folder"])
    return created


def remove_run_files(out_dir: str | Path, *, created: bool) -> None:
    """Remove what a run wrote (after a refusal): its files, and the folder when it was created here."""
    out = Path(out_dir)
    for name in RUN_FILES:
        p = out / name
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            try:
                p.unlink(missing_ok=True)
            except OSError:
                pass
    if created:
        try:
            out.rmdir()
        except OSError:
            pass


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
    max_steps_per_sample: int | None = None
    provenance: dict = field(default_factory=dict)

    @property
    def n_chunks(self) -> int:
        return -(-self.samples // self.chunk_size)

    def chunk_range(self, c: int) -> tuple[int, int]:
        return c * self.chunk_size, min(self.samples, (c + 1) * self.chunk_size)

    def models(self):
        from recloop.policy import Policy
        from recloop.scenario import Scenario

        return Scenario.model_validate(self.scenario), Policy.model_validate(self.policy)

    def fingerprint(self) -> dict[str, Any]:
        """What every chunk of this run must have been made with (stored in each chunk's metadata)."""
        p = self.provenance
        return {"run_id": self.run_id, "seed": self.seed, "samples": self.samples, "chunk_size": self.chunk_size,
                "years": self.years, "report_every": self.report_every, "method": self.method,
                "max_steps_per_sample": self.max_steps_per_sample,
                "scenario_sha256": p.get("scenario_sha256"), "policy_sha256": p.get("policy_sha256"),
                "code_sha256": p.get("code_sha256")}

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2)


#: Bounds of the per-sample step budget (engine steps one sample may take before it stops with
#: status "budget"; see docs/uncertainty.md).
MAX_STEPS_BOUNDS = (100, 100_000_000)


def check_run_options(*, samples, seed, years, chunk_size, report_every=DEFAULT_REPORT_EVERY, method="mc",
                      fan_samples=DEFAULT_FAN_SAMPLES, max_steps_per_sample=None) -> None:
    """Every run option at once, strictly typed (no bools for numbers, no strings for ints), one
    line per problem naming the option."""
    from recloop.engine import MAX_SAMPLES
    from recloop.sampling import MAX_SEED

    problems = []

    def integer(name, v, lo, hi):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not lo <= v <= hi:
            problems.append(f"{name}: must be an integer in [{lo:,}, {hi:,}], got {v!r}")

    integer("samples", samples, 1, MAX_SAMPLES)
    integer("seed", seed, 0, MAX_SEED)
    integer("chunk_size", chunk_size, 1, 1_000_000)
    integer("fan_samples", fan_samples, 0, 1_000_000)
    if max_steps_per_sample is not None:
        integer("max_steps_per_sample", max_steps_per_sample, *MAX_STEPS_BOUNDS)
    for name, v, lo, hi in (("years", years, 0.0, 200.0), ("report_every", report_every, 1 / 365.25, 5.0)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.floating)) or not math.isfinite(v) \
                or not (lo < v <= hi if name == "years" else lo <= v <= hi):
            problems.append(f"{name}: must be a number in {'(' if name == 'years' else '['}{lo:g}, {hi:g}], got {v!r}")
    if method not in ("mc", "sobol", "lhs"):
        # "lhs" is blocked (sampling.LHS_BLOCK rows per hypercube, drawn from (seed, block)), so
        # sample i is the same in any chunking: a chunked run may use it like the others
        problems.append(f"method: must be mc, sobol or lhs, got {method!r}")
    if problems:
        raise RecloopInputError(problems)


def plan_run(scenario, policy, *, run_id: str, out_dir: str | Path, samples: int, seed: int, years: float,
             chunk_size: int = DEFAULT_CHUNK, report_every: float = DEFAULT_REPORT_EVERY, method: str = "mc",
             fan_samples: int = DEFAULT_FAN_SAMPLES, max_steps_per_sample: int | None = None, replace: bool = False,
             command: list[str] | None = None) -> RunPlan:
    """Validate the options, claim ``out_dir`` (see :func:`claim_folder`) under its lock, create
    ``out_dir/parts`` and write the manifest atomically. Nothing is left behind when refused."""
    from recloop.policy import check_against

    check_run_options(samples=samples, seed=seed, years=years, chunk_size=chunk_size, report_every=report_every,
                      method=method, fan_samples=fan_samples, max_steps_per_sample=max_steps_per_sample)
    check_against(policy, scenario)
    out = Path(out_dir).absolute()
    sd, pd_ = scenario.model_dump(mode="json"), policy.model_dump(mode="json")
    plan = RunPlan(run_id, str(out), sd, pd_, int(samples), int(seed), float(years), int(chunk_size),
                   float(report_every), method, int(fan_samples),
                   None if max_steps_per_sample is None else int(max_steps_per_sample),
                   provenance(sd, pd_, command=command))
    if out.exists() and not out.is_dir():
        raise RecloopInputError([f"--out: {out} is a file, expected a folder"])
    created = not out.exists()
    had_lock = (out / _LOCK_NAME).exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise RecloopInputError([_os_problem("--out", out, err)]) from None
    try:
        with run_lock(out):
            claim_folder(out, run_id, replace=replace)  # under the lock: nothing of a working run is touched
            try:
                (out / "parts").mkdir(exist_ok=True)
                _atomic_write(out / MANIFEST, plan.to_json().encode())
            except OSError as err:
                raise RecloopInputError([_os_problem("--out", out, err)]) from None
    except RecloopInputError:
        if not folder_locked(out):  # refused: leave the folder as it was
            if created:
                remove_run_files(out, created=True)
            elif not had_lock:
                (out / _LOCK_NAME).unlink(missing_ok=True)
        raise
    return plan


def load_plan(out_dir: str | Path) -> RunPlan:
    """A run's plan from its folder; ``out_dir`` is where it is now (a copied or moved folder writes
    where it is, never into the folder it was copied from)."""
    path = Path(out_dir) / MANIFEST
    if not path.exists():
        raise RecloopInputError([f"run: {out_dir} has no {MANIFEST} (not a chunked recloop run)"])
    try:
        data = json.loads(path.read_text())
        data["out_dir"] = str(Path(out_dir).absolute())
        return RunPlan(**data)
    except (OSError, ValueError, TypeError) as err:
        raise RecloopInputError([f"run: {path} is damaged ({err})"]) from None


_atomic_write = atomic_write

#: Parquet options of the chunk parts, the run's journal: each lives from the moment its chunk
#: completes until the run is finished, and is read back only by a resume. Uncompressed, without
#: statistics: the cheapest Parquet pyarrow writes (about 60 ms for a 16,384-sample chunk of the
#: baseline against 120 ms with the defaults; ``python benchmarks/writing.py``).
PART_OPTIONS: dict[str, Any] = {"compression": "none", "write_statistics": False}
#: Parquet options of ``outcomes.parquet`` and ``trajectories.parquet``: snappy pages, and
#: dictionary encoding only for the string columns (ids, labels, status, binding limit), whose few
#: values repeat. The writer's default tries a dictionary on every column first: on the baseline's
#: 136 float columns that took a quarter of the outcome write, and four fifths of the trajectory
#: write, for files no smaller (benchmarks/writing.py).
FINAL_OPTIONS: dict[str, Any] = {"compression": "snappy"}


def _atomic_npz(path: Path, arrays: dict[str, Any]) -> None:
    """``np.savez`` straight into a temporary file beside ``path``, fsync, rename (no copy of the
    arrays in memory first: the fan's are about 100 MB)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _string_columns(schema: pa.Schema) -> list[str]:
    return [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]


def _atomic_parquet(path: Path, table: pa.Table) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        pq.write_table(table, tmp, use_dictionary=_string_columns(table.schema), **PART_OPTIONS)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _chunk_path(out_dir: Path, c: int) -> Path:
    return out_dir / "parts" / f"chunk-{c:05d}.parquet"


def _traj_path(out_dir: Path, c: int) -> Path:
    return out_dir / "parts" / f"traj-{c:05d}.npz"


def _with_metadata(table: pa.Table, meta: dict[bytes, dict]) -> pa.Table:
    old = table.schema.metadata or {}
    return table.replace_schema_metadata({**old, **{k: json.dumps(v, default=str).encode() for k, v in meta.items()}})


def _chunk_meta(path: Path) -> dict | None:
    try:
        md = pq.ParquetFile(path).schema_arrow.metadata or {}
        return json.loads(md[_CHUNK_KEY]) if _CHUNK_KEY in md else None
    except Exception:  # noqa: BLE001 - a damaged file is rerun, never trusted
        return None


def _chunk_complete(plan: RunPlan, c: int) -> bool:
    out = Path(plan.out_dir)
    p = _chunk_path(out, c)
    if not p.exists():
        return False
    a, b = plan.chunk_range(c)
    try:
        ok = pq.ParquetFile(p).metadata.num_rows == b - a
    except Exception:  # noqa: BLE001 - a damaged file is rerun, never trusted
        return False
    return ok and (a >= plan.fan_samples or _traj_path(out, c).exists())


def _differences(want: dict, got: dict | None, keys) -> list[str]:
    got = got or {}
    return [f"{k} {got.get(k)!r} (this run: {want.get(k)!r})" for k in keys if got.get(k) != want.get(k)]


def check_chunks(plan: RunPlan) -> None:
    """Refuse chunk files made by another run, seed, scenario, policy or code (a folder copied over,
    a chunk dropped in by hand), naming the first difference."""
    want = plan.fingerprint()
    for p in sorted((Path(plan.out_dir) / "parts").glob("chunk-*.parquet")):
        meta = _chunk_meta(p)
        if meta is None:
            continue  # damaged or unreadable: rerun, not trusted
        diff = _differences(want, meta, ("run_id", "seed", "scenario_sha256", "policy_sha256", "code_sha256",
                                         "samples", "chunk_size", "years", "report_every", "method",
                                         "max_steps_per_sample"))
        if diff:
            raise RecloopInputError([f"resume: {p} was made with {diff[0]}; it is not a chunk of this run "
                                     "(remove it, or start a new run)"])


def check_resumable(plan: RunPlan) -> None:
    """``recloop resume`` runs only with the code and inputs that started the run: the code's
    fingerprint, the scenario and policy (re-validated by today's code, hashed) and every chunk's
    metadata must match ``run.json``; the first difference is named."""
    prov = plan.provenance or {}
    now = code_fingerprint()
    if not prov:
        raise RecloopInputError([f"resume: {Path(plan.out_dir) / MANIFEST} records no provenance (made by an older "
                                 "recloop); start the run again"])
    if prov.get("code_sha256") != now["code_sha256"]:
        was = f"recloop {prov.get('recloop_version')} commit {str(prov.get('git_commit'))[:12]}"
        is_ = f"recloop {now['recloop_version']} commit {str(now['git_commit'])[:12]}"
        raise RecloopInputError([f"resume: code differs from the code that started run {plan.run_id} ({was}, code "
                                 f"{str(prov.get('code_sha256'))[:12]}; now {is_}, code {now['code_sha256'][:12]}); "
                                 "resume with that version or start a new run"])
    try:
        scenario, policy = plan.models()
    except Exception as err:  # noqa: BLE001 - today's code refuses the stored inputs
        raise RecloopInputError([f"resume: the inputs in {MANIFEST} no longer validate ({err})".splitlines()[0]]) from None
    for label, model, key in (("scenario", scenario, "scenario_sha256"), ("policy", policy, "policy_sha256")):
        h = input_hash(model.model_dump(mode="json"))
        if h != prov.get(key):
            raise RecloopInputError([f"resume: {label} '{model.name}' differs from the one that started run "
                                     f"{plan.run_id} ({label} hash {str(prov.get(key))[:12]}, now {h[:12]}: "
                                     f"{MANIFEST} was edited); start a new run"])
    check_chunks(plan)


def done_chunks(plan: RunPlan) -> set[int]:
    """Chunks already on disk, complete and made by this run; leftover temporary files are removed."""
    out = Path(plan.out_dir)
    for tmp in (out / "parts").glob(".*.tmp-*"):
        tmp.unlink(missing_ok=True)
    want = plan.fingerprint()
    done = set()
    for c in range(plan.n_chunks):
        if _chunk_complete(plan, c) and (_chunk_meta(_chunk_path(out, c)) or {}).get("run_id") == want["run_id"]:
            done.add(c)
    return done


def _engine_takes_step_budget() -> bool:
    from recloop.engine import simulate_chunk

    return "max_steps_per_sample" in inspect.signature(simulate_chunk).parameters


def _mark(plan: RunPlan, status: str, reason: str | None = None, **fields) -> None:
    from recloop import store

    try:
        store.update_run(plan.run_id, status=status, reason=reason, **fields)
    except RecloopInputError:  # the catalog is a record of runs, never a reason to lose one
        pass


@dataclass
class WriteStats:
    """What writing the results cost (filled in by :func:`execute_run` and :func:`finish_run` when
    given one): wall seconds and CPU seconds of the writing thread per phase (``parts``, the
    journal; ``outcomes`` and ``trajectories``, the finished files; on a shared machine the CPU
    seconds are the steadier measure), rows written to each finished file, and the Arrow bytes
    handed to the writers and the file bytes they made. Lets a benchmark tell writing apart from
    simulating."""

    seconds: dict[str, float] = field(default_factory=lambda: {"parts": 0.0, "outcomes": 0.0, "trajectories": 0.0})
    cpu_seconds: dict[str, float] = field(default_factory=lambda: {"parts": 0.0, "outcomes": 0.0, "trajectories": 0.0})
    rows: dict[str, int] = field(default_factory=lambda: {"outcomes": 0, "trajectories": 0})
    arrow_bytes: dict[str, int] = field(default_factory=lambda: {"parts": 0, "outcomes": 0, "trajectories": 0})
    file_bytes: dict[str, int] = field(default_factory=lambda: {"parts": 0, "outcomes": 0, "trajectories": 0})

    def add(self, phase: str, since: tuple[float, float], arrow_bytes: int = 0, rows: int = 0) -> None:
        """Count the time from ``since`` (:meth:`clock`) to now, and what was written, to ``phase``."""
        self.seconds[phase] += time.perf_counter() - since[0]
        self.cpu_seconds[phase] += time.thread_time() - since[1]
        self.arrow_bytes[phase] += arrow_bytes
        if phase in self.rows:
            self.rows[phase] += rows

    @staticmethod
    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.thread_time()

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    @property
    def total_cpu_seconds(self) -> float:
        return sum(self.cpu_seconds.values())


#: columns of the results table that the summary and report do not read (the same in every row)
_NOT_LIGHT = frozenset({"run_id", "seed", "scenario", "policy"})


def _light_names(names: Iterable[str]) -> list[str]:
    """The outcome columns of a results table, without its inputs (``in:...``) and constant labels."""
    return [n for n in names if n not in _NOT_LIGHT and not n.startswith("in:")]


def _light_columns(t: pa.Table) -> dict[str, np.ndarray]:
    """The columns of ``t`` named by :func:`_light_names` as the summary reads them: status and
    binding limit as their codes, flags as bool, counts as integers, the rest as float64 with NaN
    for null (to_table stores a non-finite value as null)."""
    from recloop.engine import STATUS
    from recloop.mechanisms.physical import LIMIT_NAMES

    O: dict[str, np.ndarray] = {}
    for name in _light_names(t.column_names):
        col = t.column(name)
        if name == "status":
            O[name] = arrowcols.codes(col, STATUS)
        elif name == "binding_limit":
            O[name] = arrowcols.codes(col, LIMIT_NAMES)
        elif pa.types.is_boolean(col.type) or pa.types.is_integer(col.type):
            O[name] = arrowcols.to_numpy(col)
        else:
            O[name] = arrowcols.to_numpy(col, null=np.nan).astype(np.float64, copy=False)
    return O


class LightColumns:
    """What :func:`finish_run` would read back from ``outcomes.parquet`` and
    ``trajectories.parquet`` (the light result: outcome columns without the inputs, about 0.4 KB a
    sample, and the kept trajectories as stored, float32), gathered chunk by chunk as a
    :class:`_ResultsWriter` appends them, with the same conversion (:func:`_light_columns`), so
    that the process that wrote a run's files does not read them back (0.5 s of a 100,000-sample
    run). Finishing reads the files back all the same, so holding them adds nothing to the
    finished run's peak memory. ``complete`` once the writer has closed both files."""

    def __init__(self) -> None:
        self.outcomes: dict[str, list[np.ndarray]] = {}
        self.trajectories: dict[str, list[np.ndarray]] = {}
        self.rows = 0
        self.complete = False

    def add(self, table: pa.Table, grids: dict[str, np.ndarray]) -> None:
        """One chunk's rows of the results table and its kept trajectory grids, in sample order."""
        for name, v in _light_columns(table).items():
            self.outcomes.setdefault(name, []).append(v)
        for name, g in grids.items():
            self.trajectories.setdefault(name, []).append(g)
        self.rows += table.num_rows

    def take(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """The outcome columns and trajectory grids, each joined across the chunks (and let go here)."""
        O = {name: np.concatenate(self.outcomes.pop(name)) for name in list(self.outcomes)}
        traj = {name: np.concatenate(self.trajectories.pop(name), axis=0) for name in list(self.trajectories)}
        return O, traj


class _ResultsWriter:
    """``outcomes.parquet`` and ``trajectories.parquet`` written while the chunks run: one
    ``ParquetWriter`` per file, one row group per chunk, appended in sample order as the chunks
    complete, so that nothing is gathered and rewritten at the end.

    A chunk that completes ahead of its turn (other backends finish out of order) is held in
    memory, at most ``hold`` of them; beyond that, and for chunks saved by an earlier process (a
    resume), its rows are read back from its part when its turn comes. The parts stay the run's
    journal: a writer's file has no footer until it is closed, so a crash leaves only debris
    (``parts/.*.tmp-*``, removed by :func:`done_chunks`), never a chunk lost. Closed after the last
    chunk, the two files are made durable under ``parts/`` (:func:`_durable_replace`), where
    :func:`finish_run` takes them."""

    def __init__(self, plan: RunPlan, start_year: float, saved: set[int], *, hold: int = 4,
                 stats: WriteStats | None = None, light: LightColumns | None = None):
        self.plan, self.saved, self.hold, self.light = plan, saved, max(0, hold), light
        self.parts = Path(plan.out_dir) / "parts"
        self.times = _times(plan.years, plan.report_every)
        self.years = start_year + self.times
        self.fan = min(plan.samples, plan.fan_samples)
        self.meta = {_PROVENANCE_KEY: json.dumps(plan.provenance, default=str).encode()}
        self.stats = stats if stats is not None else WriteStats()
        self.next = 0
        self.held: dict[int, ChunkResult] = {}
        self.tmp = {name: self.parts / f".{name}.parquet.tmp-{os.getpid()}" for name in ("outcomes", "trajectories")}
        self.writers: dict[str, pq.ParquetWriter] = {}

    def add(self, res: ChunkResult) -> None:
        """Take a chunk whose part is saved; append it and every saved chunk after it whose turn it is."""
        if res.chunk == self.next:
            self._append(res)
        elif len(self.held) < self.hold:
            self.held[res.chunk] = res
        self.drain()

    def drain(self) -> None:
        while self.next < self.plan.n_chunks and self.next in self.saved:
            res = self.held.pop(self.next) if self.next in self.held else self._from_parts(self.next)
            self._append(res)

    def _from_parts(self, c: int) -> ChunkResult:
        out = Path(self.plan.out_dir)
        table = pq.read_table(_chunk_path(out, c))
        traj: dict[str, np.ndarray] = {}
        if self.plan.chunk_range(c)[0] < self.fan:
            with np.load(_traj_path(out, c)) as z:
                traj = {v: z[v] for v in z.files}
        return ChunkResult(c, table, traj)

    def _write(self, name: str, table: pa.Table, **options) -> None:
        t0 = self.stats.clock()
        w = self.writers.get(name)
        if w is None:
            schema = table.schema.with_metadata(self.meta)
            w = self.writers[name] = pq.ParquetWriter(self.tmp[name], schema, **{**FINAL_OPTIONS, **options})
        w.write_table(table)
        self.stats.add(name, t0, table.nbytes, table.num_rows)

    def _append(self, res: ChunkResult) -> None:
        assert res.chunk == self.next, (res.chunk, self.next)  # noqa: S101 - the order is this class's invariant
        self._write("outcomes", res.table, use_dictionary=_string_columns(res.table.schema))
        grids: dict[str, np.ndarray] = {}
        if res.trajectories:
            t0 = self.stats.clock()
            a = self.plan.chunk_range(res.chunk)[0]
            n = next(iter(res.trajectories.values())).shape[0]
            cols = {"sample": arrowcols.numeric(np.repeat(np.arange(a, a + n, dtype=np.int64), self.times.size)),
                    "year": arrowcols.numeric(np.tile(self.years, n), np.float64)}
            for v, g in res.trajectories.items():
                # the engine's grids are float32: stored as they are (no widening, nothing lost)
                grids[v] = np.ascontiguousarray(g, dtype=np.float32)
                cols[v] = arrowcols.numeric(grids[v].reshape(-1), copy=False)  # shared: the light result keeps grids
            self.stats.add("trajectories", t0)
            self._write("trajectories", pa.table(cols), use_dictionary=False)
        if self.light is not None:
            self.light.add(res.table, grids)
        self.next += 1

    def close(self) -> None:
        """Close both files (after the last chunk) and make them durable as ``parts/NAME.parquet``."""
        if self.next != self.plan.n_chunks:
            raise RuntimeError(f"results writer closed at chunk {self.next} of {self.plan.n_chunks}")  # a bug
        t0 = self.stats.clock()
        if "trajectories" not in self.writers:  # no sample keeps its trajectory (fan_samples = 0): an empty table
            self.writers["trajectories"] = pq.ParquetWriter(
                self.tmp["trajectories"], pa.schema([("sample", pa.int64()), ("year", pa.float64())], metadata=self.meta))
        if "outcomes" not in self.writers:
            raise RuntimeError("results writer closed before any chunk")  # a bug: every run has a chunk
        for name in ("outcomes", "trajectories"):
            self.writers.pop(name).close()
            self.stats.file_bytes[name] += self.tmp[name].stat().st_size
            _durable_replace(self.tmp[name], self.parts / f"{name}.parquet")
        self.stats.add("outcomes", t0)
        if self.light is not None:
            self.light.complete = True

    def abort(self) -> None:
        """Drop the unfinished files (the parts keep every saved chunk)."""
        for name, w in list(self.writers.items()):
            try:
                w.close()
            except Exception:  # noqa: BLE001 - already failing; the file is removed either way
                pass
            self.writers.pop(name, None)
        for tmp in self.tmp.values():
            tmp.unlink(missing_ok=True)


def _written_results(plan: RunPlan) -> bool:
    """Whether ``parts/`` holds this run's finished outcome and trajectory files (closed by a
    :class:`_ResultsWriter`: complete, every sample, this run's provenance)."""
    parts = Path(plan.out_dir) / "parts"
    try:
        f = pq.ParquetFile(parts / "outcomes.parquet")
        meta = json.loads((f.schema_arrow.metadata or {}).get(_PROVENANCE_KEY, b"null"))
        pq.ParquetFile(parts / "trajectories.parquet")
    except Exception:  # noqa: BLE001 - missing or damaged: written again from the parts
        return False
    return f.metadata.num_rows == plan.samples and meta == json.loads(json.dumps(plan.provenance, default=str))


@contextmanager
def _saving(plan: RunPlan, saved: set[int], path: Path):
    """A file-system failure while saving becomes one line naming the file and what is saved."""
    try:
        yield
    except OSError as err:
        raise RunFailed([_os_problem("run", path, err) + f"; {len(saved)} of {plan.n_chunks} chunks are saved: "
                         f"free space, then `recloop resume {plan.out_dir}`"]) from None


def execute_run(plan: RunPlan, executor: Executor | None = None, *,
                progress: Callable[[int], None] | None = None, stats: WriteStats | None = None,
                light: LightColumns | None = None) -> int:
    """Run every chunk of ``plan`` that is not yet done, holding the folder's lock; returns how
    many chunks ran. Each completed chunk is saved as its part (the journal) and appended to the
    run's outcome and trajectory files (see :class:`_ResultsWriter`). A file-system failure (a
    full disk) raises :class:`RunFailed` with one line; the chunks saved before it stay, and
    nothing half-written is left. ``stats`` receives the time and bytes of the writing; ``light``
    (given to :func:`finish_run` next) the columns the summary reads, so that they are not read
    back."""
    executor = executor or LocalExecutor()
    scenario, policy = plan.models()
    out = Path(plan.out_dir)
    budget = plan.max_steps_per_sample if _engine_takes_step_budget() else None
    fp = plan.fingerprint()
    stats = stats if stats is not None else WriteStats()
    with run_lock(out):
        check_chunks(plan)
        done = done_chunks(plan)
        saved = set(done)
        if progress is not None:
            progress(sum(b - a for a, b in map(plan.chunk_range, done)))
        todo = [c for c in range(plan.n_chunks) if c not in done]
        tasks = (ChunkTask(scenario, policy, c, *plan.chunk_range(c), plan.seed, plan.years, plan.report_every,
                           plan.method, plan.run_id, plan.fan_samples, budget) for c in todo)
        writer = _ResultsWriter(plan, scenario.start_year, saved, hold=2 * executor.workers, stats=stats,
                                light=light)
        ran = 0
        try:
            with _saving(plan, saved, out / "parts"):
                writer.drain()  # chunks saved by an earlier process go first
            for res in executor.imap_unordered(run_chunk, tasks):
                c, rows = res.chunk, res.table.num_rows
                with _saving(plan, saved, _chunk_path(out, c)):
                    t0 = stats.clock()
                    if res.trajectories:  # written first: a complete chunk always has its fan data
                        _atomic_npz(_traj_path(out, c), res.trajectories)
                        stats.file_bytes["parts"] += _traj_path(out, c).stat().st_size
                    target = _chunk_path(out, c)
                    _atomic_parquet(target, _with_metadata(res.table, {_CHUNK_KEY: fp, _PROVENANCE_KEY: plan.provenance}))
                    stats.add("parts", t0, res.table.nbytes)
                    stats.file_bytes["parts"] += target.stat().st_size
                saved.add(c)
                ran += 1
                with _saving(plan, saved, out / "parts"):
                    writer.add(res)
                del res
                if progress is not None:
                    progress(rows)
            with _saving(plan, saved, out / "parts"):
                writer.close()
        except BaseException:
            writer.abort()
            raise
    return ran


def _light_result(plan: RunPlan, light: LightColumns | None = None):
    """A SimResult for the summary and report: outcome columns without the inputs (about 0.4 KB a
    sample), trajectories of the first ``fan_samples`` samples only; taken from ``light`` when it
    holds the whole run, else read from the finished files."""
    from recloop.engine import TRAJECTORY_VARS, SimResult

    out = Path(plan.out_dir)
    scenario, policy = plan.models()
    times = _times(plan.years, plan.report_every)
    k = min(plan.samples, plan.fan_samples)
    meta = {"report_every": plan.report_every, "method": plan.method, "chunk_size": plan.chunk_size}
    if light is not None and light.complete and light.rows == plan.samples:
        O, traj = light.take()
        if not k:  # no trajectories kept: the empty grids the parts would give (below)
            traj = {v: np.zeros((0, times.size), np.float32) for v in TRAJECTORY_VARS}
        n = next(iter(traj.values())).shape[0] if traj else 0
        return SimResult(O, times, traj, scenario, policy, plan.seed, plan.years, meta={**meta, "fan_samples": n})
    f = pq.ParquetFile(out / "outcomes.parquet")
    t = f.read(columns=_light_names(f.schema_arrow.names))
    O = _light_columns(t)
    del t
    if k and (out / "trajectories.parquet").exists():
        # a finished run, or one being finished (finish_run put the file in place): read as stored
        # (float32; older runs stored float64), without the npz parts' unzip and concatenation
        tt = pq.read_table(out / "trajectories.parquet")
        n = tt.num_rows // max(1, times.size)
        traj = {v: tt.column(v).to_numpy().astype(np.float32, copy=False).reshape(n, times.size)
                for v in tt.column_names if v not in ("sample", "year")}
        return SimResult(O, times, traj, scenario, policy, plan.seed, plan.years, meta={**meta, "fan_samples": n})
    parts: dict[str, list[np.ndarray]] = {v: [] for v in TRAJECTORY_VARS}
    for c in range(plan.n_chunks):
        a, _ = plan.chunk_range(c)
        if a >= k:
            break
        with np.load(_traj_path(out, c)) as z:
            for v in z.files:  # TRAJECTORY_VARS, plus per-actor grids in many-actor runs
                parts.setdefault(v, []).append(z[v])
    traj = {v: (np.concatenate(p, axis=0) if p else np.zeros((0, times.size), np.float32)) for v, p in parts.items()}
    return SimResult(O, times, traj, scenario, policy, plan.seed, plan.years, meta={**meta, "fan_samples": k})


def _status_counts(status: np.ndarray) -> dict[str, int]:
    """How many samples ended in each status (by label, those that occur), from the status codes."""
    from recloop.engine import STATUS

    counts = np.bincount(np.asarray(status, dtype=np.int64), minlength=len(STATUS))
    return {label: int(counts[i]) for label, i in sorted((label, i) for i, label in enumerate(STATUS)) if counts[i]}


def finish_run(plan: RunPlan, *, compact: bool = True, stats: WriteStats | None = None,
               light: LightColumns | None = None):
    """Put ``outcomes.parquet`` and ``trajectories.parquet`` in place (written while the chunks ran,
    see :func:`execute_run`; written here from the parts when that process did not close them),
    write summary, scenario and report, mark the run ``done`` in the catalog and (``compact``)
    remove ``parts/``: the finished files hold everything the parts did. ``light`` (filled by
    :func:`execute_run` in this process) spares reading the finished files back. Returns (light
    SimResult, summary)."""
    from recloop import store
    from recloop.outcomes import summarize
    from recloop.report.charts import view
    from recloop.report.html import write_report

    out = Path(plan.out_dir)
    with run_lock(out):
        missing = sorted(set(range(plan.n_chunks)) - done_chunks(plan))
        if missing:
            raise RecloopInputError([f"run {plan.run_id}: chunks {missing[:10]} are missing; "
                                     f"run `recloop resume {plan.run_id}`"])
        try:
            if not _written_results(plan):
                light = LightColumns()
                writer = _ResultsWriter(plan, plan.models()[0].start_year, set(range(plan.n_chunks)), hold=0,
                                        stats=stats, light=light)
                try:
                    writer.drain()
                    writer.close()
                except BaseException:
                    writer.abort()
                    raise
            for name in ("outcomes", "trajectories"):
                os.replace(out / "parts" / f"{name}.parquet", out / f"{name}.parquet")
            result = _light_result(plan, light)
            written = min(plan.samples, plan.fan_samples)  # each chunk keeps its samples below fan_samples
            summarized = summarize(result)
            summary = dict(summarized)  # the run's labels are added below; the report shows what summarize says
            summary["run_id"] = plan.run_id
            summary["out_dir"] = str(out)
            summary["fan_samples"] = int(result.trajectories["paused"].shape[0])
            summary["trajectory_samples"] = written
            summary["status_counts"] = _status_counts(result.outcomes["status"])
            summary["provenance"] = {k: plan.provenance.get(k) for k in
                                     ("recloop_version", "git_commit", "code_sha256", "scenario_sha256", "policy_sha256")}
            # the pages' evidence (intervals, drivers over the first worlds' inputs, anchors): recloop.report.evidence
            from recloop.report.charts import DRIVER_WORLDS
            from recloop.report.evidence import compact as compact_evidence
            from recloop.report.evidence import read_inputs

            v = view(result, inputs=read_inputs(out / "outcomes.parquet", result.scenario.uncertain_paths(),
                                                rows=DRIVER_WORLDS), summary=summarized)
            summary["evidence"] = compact_evidence(v["evidence"])
            _atomic_write(out / "summary.json", json.dumps(summary, indent=2).encode())
            _atomic_write(out / "scenario.toml", result.scenario.to_toml().encode())
            tmp = out / f".report.html.tmp-{os.getpid()}"
            try:
                write_report(v, tmp)
                os.replace(tmp, out / "report.html")
            finally:
                tmp.unlink(missing_ok=True)
        except OSError as err:
            raise RunFailed([_os_problem("run", out, err) + f"; every chunk is saved: free space, then "
                             f"`recloop resume {out}`"]) from None
        for tmp in out.glob(".*.tmp-*"):
            tmp.unlink(missing_ok=True)
        if compact:
            shutil.rmtree(out / "parts", ignore_errors=True)
        store.update_run(plan.run_id, status="done", summary=summary, out_dir=str(out), provenance=plan.provenance)
    return result, summary


def is_finished(out_dir: str | Path) -> bool:
    """A finished, compacted run: its outputs are there and its parts are gone."""
    out = Path(out_dir)
    return (out / "summary.json").exists() and (out / "outcomes.parquet").exists() and not (out / "parts").exists()


def find_run_dir(run: str) -> Path:
    """A run's folder from its path or its id (looked up in the catalog)."""
    p = Path(run)
    if (p / MANIFEST).exists():
        return p.absolute()
    if p.exists() and not p.is_dir():
        raise RecloopInputError([f"run: {p} is a file, expected a run folder or a run id"])
    from recloop import store

    rec = store.get_run(run) if "/" not in run else None
    if rec and rec.get("out_dir") and (Path(rec["out_dir"]) / MANIFEST).exists():
        return Path(rec["out_dir"])
    raise RecloopInputError([f"run: '{run}' is neither a run folder with {MANIFEST} nor a chunked run id in "
                             f"{store.catalog_path()}"])


def resume_run(run: str, executor: Executor | None = None, *, progress: Callable[[int], None] | None = None):
    """Finish an interrupted run where its folder is now: only missing chunks run, after checking
    that code, scenario, policy, seed and every saved chunk match the run (see
    :func:`check_resumable`); then the outputs are assembled. A finished run is left as it is.
    Returns (light SimResult or None, summary, chunks that ran)."""
    from recloop import store

    out = find_run_dir(run)
    with run_lock(out, what="resume"):
        plan = load_plan(out)
        if is_finished(out):  # nothing to run; the record says done (a kill after compaction left it running)
            summary = json.loads((out / "summary.json").read_text())
            rec = store.get_run(plan.run_id)
            if rec is not None and rec.get("status") != "done":
                store.update_run(plan.run_id, status="done", out_dir=str(out))
            return None, summary, 0
        check_resumable(plan)
        rec = store.get_run(plan.run_id) or {}
        scenario, policy = plan.models()
        store.record_run(plan.run_id, kind="simulate", name=scenario.name, policy=policy.name, out_dir=out,
                         samples=plan.samples, seed=plan.seed, inputs=rec.get("inputs"), status="running",
                         provenance=plan.provenance)
        try:
            light = LightColumns()
            ran = execute_run(plan, executor, progress=progress, light=light)
            result, summary = finish_run(plan, light=light)
        except KeyboardInterrupt:
            _mark(plan, "interrupted", f"interrupted; `recloop resume {out}`")
            raise
        except RunFailed as err:
            _mark(plan, "failed", err.problems[0])
            raise
        except Exception as err:
            _mark(plan, "failed", f"{type(err).__name__}: {err}".splitlines()[0])
            raise
    return result, summary, ran


Backend = Literal["local", "processes", "dask"]

"""simulate(): the recursion loop over many sampled worlds at once.

The state is a :class:`recloop.world.World`: named arrays with a leading sample axis, frozen;
each phase of the loop returns the fields it changes. Between releases the continuous state
(software efficiency, installed compute, power and fab capacity, verification capacity, hazard)
moves with a step that adapts per sample: no step may move software by more than
``max_step_oom`` or last longer than ``max_step_years`` (or overshoot the date the next training
run can start), and steps land exactly on report
times, tripwire evaluations, halt effects and training-run completions. Generations are
discrete release events; the events at the end of a step (run starts, releases, pause ends,
reports) read compute and software at that time, not at the step's start, so their dates
converge quickly as the step shrinks (see benchmarks/engine.py for the measured error).
What moves only with the deployed generation's capability (automation shares and task
weights, the verification requirement, the hazard level) is kept in the state and recomputed
at releases. Each sample's path depends only on (seed, sample index), so results
are identical whatever the chunk size, sample count or number of workers.

The loop, arrow by arrow (each arrow is a call into :mod:`recloop.mechanisms`):
deployed capability -> automation fractions and AI labour -> research input (automation)
-> software progress (software) -> potential run capability with compute (physical,
generations) and data quality (data) -> next generation built and released
(generations) -> fidelity (drift), verification (verification), hazard (risk),
detection and halts (containment, policy tripwires).
"""

from __future__ import annotations

import importlib.util
import math
import multiprocessing
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Literal

import numpy as np

from recloop.mechanisms import automation as auto
from recloop.mechanisms import data, drift, economy, generations, horizon, physical, risk, software, verification
from recloop.hooks import SingleDeveloper, actor_layer
from recloop.mechanisms.halts import apply_halts, coverage_at, end_pauses, fire_tripwires, releases
from recloop.rows import keys as _keys
from recloop.rows import pick as _pick
from recloop.params import RecloopInputError
from recloop.policy import Policy, NoHalt
from recloop.sampling import MAX_SAMPLES, draw_parameters, normalize_seed, stream_id, uniform
from recloop.scenario import REFERENCE_YEAR, Scenario
from recloop.world import STATUS, PauseKind, Status, World

__all__ = ["simulate", "SimResult", "STATUS", "Status", "World", "TRAJECTORY_VARS", "simulate_chunk", "DEFAULT_CHUNK", "DEFAULT_YEARS", "DEFAULT_REPORT_EVERY"]

# a sample's status (recloop.world.Status, with its reason): STATUS holds the labels by code
#: steps one sample may take (a typical baseline sample takes a few hundred)
DEFAULT_STEP_BUDGET = 200_000
AUTOMATION_MILESTONES = (0.2, 0.5, 0.9, 0.999)
CAPABILITY_MILESTONES = (1, 2, 3, 4, 6, 8, 10)
TRAJECTORY_VARS = {
    "effective_compute": "log10 effective training FLOP of the deployed generation (2025-algorithm FLOP)",
    "verified_capability": "log10 effective FLOP up to which verification covers the system",
    "fidelity": "alignment fidelity of the deployed generation (1 = intent preserved)",
    "automation": "mean automation fraction of the three R&D vectors",
    "progress_multiplier": "software progress rate relative to the human-only trend",
    "software_oom": "software efficiency, OOM above the start",
    "compute_flops": "log10 usable FLOP/s of the developer",
    "power_gw": "power the developer's usable compute draws, GW",
    "horizon_p50_hours": "METR 50% time horizon of the deployed generation, hours of human work (inf past 3.4e38 h)",
    "horizon_p80_hours": "METR 80% time horizon of the deployed generation, hours of human work (inf past 3.4e38 h)",
    "training_flop": "log10 physical training FLOP of the deployed generation's run",
    "training_cost_usd": "log10 hardware cost of the best run the developer could start, $ (its share of spending over the run)",
    "training_power_w": "log10 power drawn by the developer's training run, W",
    "world_output_usd": "log10 world output, $/yr",
    "synthetic_share": "synthetic share of the deployed generation's training data",
    "data_deficit": "quality deficit of the deployed generation (loss fraction)",
    "paused": "1 while a halt is in force",
    "p_catastrophe": "cumulative probability of catastrophe",
    "generation": "generations released",
    "market_share": "the developer's market share (1 for a single developer)",
}
#: Units of the report-grid variables (UDUNITS-style; "1" a pure number: fraction, probability, count).
TRAJECTORY_UNITS = {
    "effective_compute": "log10(FLOP)", "verified_capability": "log10(FLOP)", "fidelity": "1", "automation": "1",
    "progress_multiplier": "1", "software_oom": "OOM", "compute_flops": "log10(FLOP/s)", "power_gw": "GW",
    "horizon_p50_hours": "h", "horizon_p80_hours": "h", "training_flop": "log10(FLOP)",
    "training_cost_usd": "log10(USD)", "training_power_w": "log10(W)", "world_output_usd": "log10(USD/yr)",
    "synthetic_share": "1", "data_deficit": "1", "paused": "1", "p_catastrophe": "1", "generation": "1",
    "market_share": "1",
}
_EPS = 1e-9
_DAYS = 365.25
_LN10 = math.log(10.0)
# Samples simulated together: large enough that numpy's per-call overhead vanishes, small enough
# that a chunk's report grid (12 variables x 121 times x float32) stays near 100 MB.
DEFAULT_CHUNK = 16_384
#: With actors a world is A rows: a chunk holds at most this many rows (whatever chunk_size asks).
#: Measured on the 6-actor essay-cast, 16,667 worlds x 30 years: chunks of 98,304 rows spent
#: 1.3-2.1 s of system time faulting in fresh pages (15.7-16.2 s wall); 32,766-row chunks 0.01-0.14 s
#: (14.4 s); 16,386-row chunks paid more per-step overhead (15.2-15.3 s).
ACTOR_CHUNK_ROWS = 32_768
DEFAULT_YEARS = 30.0  # horizon of a run, years
DEFAULT_REPORT_EVERY = 0.25  # report grid step, years (quarterly)


@dataclass
class SimResult:
    """Outcomes per sample (column -> array), trajectories on the report grid, and run info."""

    outcomes: dict[str, np.ndarray]
    times: np.ndarray
    trajectories: dict[str, np.ndarray]  # var -> (samples, times), float32
    scenario: Scenario
    policy: Policy
    seed: int
    years: float
    meta: dict = field(default_factory=dict)

    @property
    def samples(self) -> int:
        return int(self.outcomes["sample"].size)

    def to_xarray(self, **kw):
        """A labelled dataset over (sample, time[, actor]) with units (see :mod:`recloop.export`)."""
        from recloop.export import to_xarray

        return to_xarray(self, **kw)

    def _repr_html_(self) -> str:
        from recloop.display import result_html

        return result_html(self)


def _check_args(samples, years, chunk_size, report_every):
    problems = []
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or not 1 <= samples <= MAX_SAMPLES:
        problems.append(f"samples: must be an integer in [1, {MAX_SAMPLES:,}], got {samples!r}")
    if not isinstance(years, (int, float)) or not 0 < years <= 200 or not math.isfinite(years):
        problems.append(f"years: must be in (0, 200], got {years!r}")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or not 1 <= chunk_size <= 1_000_000:
        problems.append(f"chunk_size: must be an integer in [1, 1,000,000], got {chunk_size!r}")
    if not isinstance(report_every, (int, float)) or not 1 / 365.25 <= report_every <= 5:
        problems.append(f"report_every: must be in [1/365, 5] years, got {report_every!r}")
    if problems:
        raise RecloopInputError(problems)


def simulate(
    scenario: Scenario,
    policy: Policy | None = None,
    *,
    years: float = DEFAULT_YEARS,
    samples: int = 1000,
    seed: int | None = 0,
    chunk_size: int = DEFAULT_CHUNK,
    report_every: float = DEFAULT_REPORT_EVERY,
    method: Literal["mc", "sobol", "lhs"] = "mc",
    sample_offset: int = 0,
    max_step_years: float = 0.25,
    max_step_oom: float = 0.1,
    max_steps_per_sample: int = DEFAULT_STEP_BUDGET,
    progress: Callable[[int], None] | None = None,
    engine: Literal["numpy", "compiled"] | None = None,
) -> SimResult:
    """Simulate ``samples`` worlds drawn from ``scenario`` under ``policy`` for ``years``.

    Sample i (``sample_offset + i``) depends only on (seed, i). Returns a :class:`SimResult`
    whose outcome columns are documented in :mod:`recloop.outcomes`. ``engine``: the compiled
    single-developer core (:mod:`recloop.engine_kernel`) or this numpy code; see :func:`engine_choice`.
    """
    policy = NoHalt() if policy is None else policy
    core = engine_choice(engine, scenario)
    _check_args(samples, years, chunk_size, report_every)
    seed = normalize_seed(seed)
    times = np.arange(0.0, years + 1e-9, report_every)
    parts: list[dict[str, np.ndarray]] = []
    grids: dict[str, list[np.ndarray]] = {}
    # one developer: chunks write straight into the run's report grids (no per-chunk grids to
    # allocate and no concatenation copy); with actors the per-row grids are aggregated per chunk
    full = None if scenario.actors else {  # the compiled core writes every cell: no fill
        k: np.empty((samples, times.size), np.float32) if core == "compiled"
        else np.full((samples, times.size), np.nan, dtype=np.float32) for k in TRAJECTORY_VARS}
    step = chunk_size if not scenario.actors else min(chunk_size, max(1, ACTOR_CHUNK_ROWS // len(scenario.actors)))
    bounds = [(start, min(samples, start + step)) for start in range(0, samples, step)]

    def one(b):
        start, stop = b
        index = np.arange(sample_offset + start, sample_offset + stop, dtype=np.int64)
        return simulate_chunk(scenario, policy, index, seed, years=years, times=times, method=method,
                              max_step_years=max_step_years, max_step_oom=max_step_oom,
                              max_steps_per_sample=max_steps_per_sample, engine=core,
                              grid_out=None if full is None else {k: g[start:stop] for k, g in full.items()})

    # numpy chunks on threads (its array loops release the GIL; chunks share nothing and write
    # disjoint rows, so the results are the same for any count); the compiled core spreads a
    # chunk's rows over threads itself
    threads = min(worker_threads(), len(bounds)) if core == "numpy" else 1
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="recloop-sim") if threads > 1 else None
    try:
        for (start, stop), (out, traj) in zip(bounds, pool.map(one, bounds) if pool else map(one, bounds)):
            parts.append(out)
            if full is None:
                for k, g in traj.items():  # TRAJECTORY_VARS, plus per-actor grids in many-actor runs
                    grids.setdefault(k, []).append(g)
            if progress is not None:
                progress(stop - start)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    outcomes = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    trajectories = full if full is not None else {k: np.concatenate(v, axis=0) for k, v in grids.items()}
    return SimResult(outcomes, times, trajectories, scenario, policy, seed, float(years),
                     meta={"report_every": report_every, "method": method, "chunk_size": chunk_size, "engine": core})


#: name prefix of the local executor's worker thread (recloop.execute.LocalExecutor), which runs
#: one chunk at a time and so may use every core
LOCAL_THREAD = "recloop-local"


def worker_threads() -> int:
    """Threads one simulation may use: ``RECLOOP_THREADS`` if set, else the cores this process may
    use, but one in a worker (a child process, or a thread other than the main one and the local
    executor's worker: the processes and Dask executors already spread chunks over cores)."""
    env = os.environ.get("RECLOOP_THREADS", "")
    if env:
        try:
            want = int(env)
        except ValueError:
            want = 0
        if want < 1:
            raise RecloopInputError([f"RECLOOP_THREADS: must be a whole number >= 1, got {env!r}"])
        return want
    here = threading.current_thread()
    if multiprocessing.parent_process() is not None or not (
            here is threading.main_thread() or here.name.startswith(LOCAL_THREAD)):
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


#: whether the compiled core can run (numba installed); checked without importing numba
HAVE_NUMBA = importlib.util.find_spec("numba") is not None


def engine_choice(engine=None, scenario=None) -> str:
    """Which core simulates: ``engine`` if given, else ``RECLOOP_ENGINE`` (``numpy`` or
    ``compiled``), else numpy. The compiled core is opt-in: it was measured 2.7-3.3x faster than
    the numpy engine on 100,000 x 30 years, both on two threads (benchmarks/engine.py, this
    project's 2-core machine), but a fresh install pays ~30 s of CPU to compile it once, more than
    a default 2,000-world run takes on numpy (~1 s). Scenarios with ``[[actors]]`` always run on
    numpy (the compiled core is single-developer)."""
    choice = engine if engine is not None else os.environ.get("RECLOOP_ENGINE", "") or None
    if choice not in (None, "numpy", "compiled"):
        raise RecloopInputError([f"engine: must be 'numpy' or 'compiled' (RECLOOP_ENGINE too), got {choice!r}"])
    if choice == "compiled" and not HAVE_NUMBA:
        raise RecloopInputError(["engine: 'compiled' needs numba, which is not installed; use 'numpy'"])
    if scenario is not None and scenario.actors:
        return "numpy"
    return choice or "numpy"


def _nan(n):
    return np.full(n, np.nan)


@dataclass(frozen=True, slots=True)
class StepRules:
    """Every step-size rule in one place: no step lasts longer than ``max_years`` or moves software,
    or the deployed generation's effective compute, by more than ``max_oom``; steps land exactly on
    reports, tripwire evaluations, halts taking effect and pause ends (see :meth:`next_dt`)."""

    max_years: float = 0.25
    max_oom: float = 0.1
    min_years: float = 1e-12

    def next_dt(self, w, horizon, rate, k_speed, times):
        """Each row's step (years) from the world ``w`` and the rates at the step's start."""
        t = w.t
        dt = np.minimum(self.max_years, horizon - t)
        dt = np.minimum(dt, self.max_oom / np.maximum(rate, 1e-12))
        dt = np.minimum(dt, self.max_oom / np.maximum(k_speed, 1e-12))
        k_rep, n_rep = w.k_rep, times.size
        dt = np.where(k_rep < n_rep, np.minimum(dt, times[np.minimum(k_rep, n_rep - 1)] - t), dt)
        for j in range(w.trip_next.shape[1]):
            dt = np.minimum(dt, w.trip_next[:, j] - t)
        dt = np.minimum(dt, np.where(w.pending_t > t, w.pending_t - t, dt))
        dt = np.minimum(dt, np.where(w.pending_soft_t > t, w.pending_soft_t - t, dt))
        fixed = w.paused & (w.pause_kind == PauseKind.FIXED)
        dt = np.minimum(dt, np.where(fixed, w.pause_end - t, dt))
        dt = np.minimum(dt, np.where(w.restrict_end > t, w.restrict_end - t, dt))
        at_end = (t >= horizon - _EPS) & (k_rep >= n_rep)  # inert until retired
        return np.where(at_end, 0.0, np.maximum(dt, self.min_years))


def simulate_chunk(scenario, policy, index, seed, *, years, times, method="mc",
                   max_step_years=0.25, max_step_oom=0.1, params=None, grid_out=None,
                   max_steps_per_sample=DEFAULT_STEP_BUDGET, engine=None):
    """Run one chunk of samples; returns (outcome columns, trajectory grids).

    ``params`` (path -> array of ``index.size`` values, every scenario parameter) replaces the
    draw from the scenario's distributions: sensitivity analysis feeds explicit designs this way.
    ``grid_out`` (var -> NaN-filled float32 array of shape (index.size, times.size), C-contiguous)
    receives a single developer's report grid in place. ``engine``: see :func:`engine_choice`.
    """
    if engine_choice(engine, scenario) == "compiled":
        from recloop import engine_kernel

        return engine_kernel.simulate_chunk(scenario, policy, index, seed, years=years, times=times, method=method,
                                            max_step_years=max_step_years, max_step_oom=max_step_oom, params=params,
                                            grid_out=grid_out, max_steps_per_sample=max_steps_per_sample)
    n = index.size
    P = draw_parameters(scenario, index, seed, method=method) if params is None else params
    # the actor layer: a no-op for one developer; with actors, rows are (sample, actor) pairs
    hook = actor_layer(scenario, policy, index, seed, P)
    single = isinstance(hook, SingleDeveloper)
    hook.start(float(years), times)
    if not single:
        P, index = hook.expand(P), np.repeat(index, hook.A)
        n = index.size
    rules = StepRules(max_years=max_step_years, max_oom=max_step_oom)
    lev_c, lev_v, lev_s = policy.containment, policy.verification, policy.stop
    diverted = lev_v.compute_share + lev_c.sandbox_overhead
    if diverted >= 1.0:
        raise RecloopInputError([f"policy: verification.compute_share + containment.sandbox_overhead must be < 1, got {diverted:g}"])
    trips = policy.tripwires
    detect_on = lev_c.detection_tpr > 0 or lev_c.detection_fpr > 0
    latency_years = lev_s.latency_days / _DAYS
    sandbox_latency = lev_c.sandbox_latency_days / _DAYS
    O = _new_outcomes(n, index)
    w = _initial_state(P, index, seed, trips, lev_v, scenario.start_year, hook)
    O.update(hook.new_outcomes(n))

    n_rep = times.size
    if grid_out is not None and single:  # the caller's (n, times) float32 grids, NaN-filled
        G = grid_out
    else:
        G = {k: np.full((n, n_rep), np.nan, dtype=np.float32) for k in TRAJECTORY_VARS}
    horizon = float(years)

    whole = True  # every row still in place (row i of the state is row i of O): sums need no index
    it = 0
    while w.t.size:
        it += 1
        if hook.per_actor_containment:  # scenario actors override containment levers
            rc = hook.containment_levers(w)
            lev_c, diverted, sandbox_latency, detect_on = rc.levers, rc.diverted, rc.sandbox_latency_years, rc.detection_on
        safety = hook.safety(w, lev_v.safety_effort)
        t = w.t
        now = _rates(w, t, lev_s, lev_c, lev_v, safety, diverted, sandbox_latency, hook)
        w = w.with_(pot=now.pot, run_log10=now.run_log10, m=now.m, run_cost=now.run_cost)
        dt = rules.next_dt(w, horizon, now.rate, now.k_speed, times)
        dt = hook.until_review(w, dt)  # each actor on its own clock, up to its world's next review

        w, bad = _failures(w, O, now, dt, max_steps_per_sample)
        rows = w.row
        acc = slice(None) if whole else rows
        w, old = _advance(w, O, acc, now, dt, rules, lev_c)
        t = w.t
        w = _capability_cache(w)  # automation, requirement and hazard level of the new capability
        x_rep, _, _ = physical.usable_compute(w.x, t, w.ln_pow, w.ln_world, w.p)
        x_new = hook.covert_compute(w, x_rep)
        w = w.with_(power_w=x_rep / physical.flops_per_watt(t, w.p))  # what the usable compute draws

        # ---------------- events at the new time, in the loop's order
        cat = (w.cumhaz >= w.exp_draw) & np.isnan(O["t_catastrophe"][rows])
        O["t_catastrophe"][rows[cat]] = t[cat]
        w = _milestones(w, O, dt, old, x_new, lev_v, safety)
        w = releases(w, O, x_new, lev_c, lev_v, safety, detect_on, seed, _capability_cache)
        w = fire_tripwires(w, O, trips, now, lev_s, latency_years, seed, hook)
        w = apply_halts(w, O)
        w = end_pauses(w, x_new, lev_v, lev_s, safety)
        w = apply_decision(w, O, hook.step(w, O, dt, x_new, seed, acc))  # output lost, monitoring
        w = apply_decision(w, O, hook.review(w, O, horizon))  # at a review: market shares, exits, conditional pauses
        w = _report(G, w, times, x_rep, now.rate / w.p["software.initial_rate_oom_per_year"], lev_v, safety, hook)

        # retire finished or diverged samples (compacting keeps later steps cheap)
        finished = (w.t >= horizon - _EPS) & (w.k_rep >= n_rep) | bad
        finished = hook.group_all(finished) | hook.group_any(bad)  # whole samples (groups of A rows)
        n_fin = int(finished.sum())
        # compaction copies every state array: do it when it pays (or a row is bad)
        if n_fin and (bad.any() or n_fin == finished.size or n_fin >= max(32, finished.size // 10)):
            keep = ~finished
            w = w.take(keep)
            hook.compact(keep)
            whole = False
        if it > 2_000_000:  # pragma: no cover - guard against a logic error looping forever
            raise RuntimeError("engine did not terminate")

    _finalize(O, G, times, not single, P)
    O, G = hook.aggregate(O, G)
    return O, G


def _failures(w, O, now, dt, max_steps):
    """Failures are values in a batch: a sample whose state overflowed is DIVERGED, one that used
    its step budget STEP_BUDGET; both stop (retired at the step's end), the run goes on."""
    t = w.t
    bad = ~(np.isfinite(now.rate) & np.isfinite(w.x) & np.isfinite(w.s) & np.isfinite(w.cap))
    if bad.any():
        rows = w.row[bad]
        O["status"][rows] = Status.DIVERGED
        O["t_diverged"][rows] = t[bad]
    w = w.with_(steps=w.steps + (dt > 0))
    spent = w.steps > max_steps
    if spent.any():
        O["status"][w.row[spent & ~bad]] = Status.STEP_BUDGET
        O["t_diverged"][w.row[spent & ~bad]] = t[spent & ~bad]
        bad = bad | spent
    return w, bad


def apply_decision(w, O, d):
    """Apply what the actor layer decided (a :class:`recloop.hooks.Decision`, or None): exits,
    halts sent through the stop protocol, failed stops, withdrawn halts and pauses it ends."""
    if d is None:
        return w
    ch = {}
    paused = w.paused
    if d.exit is not None:  # a pause that never ends (the actor stops developing)
        paused = paused | d.exit
        ch["pause_kind"] = np.where(d.exit, PauseKind.EXITED, w.pause_kind).astype(np.int8)
        ch["pause_start"] = np.where(d.exit, np.inf, w.pause_start)
    if d.failed is not None:
        O["failed_halts"][w.row[d.failed]] += 1
    pending_t = w.pending_t
    if d.halt is not None:
        pending_t = np.where(d.halt, d.halt_at, pending_t)
        ch["pending_resp"] = np.where(d.halt, d.halt_kind, w.pending_resp).astype(w.pending_resp.dtype)
        ch["pending_years"] = np.where(d.halt, d.halt_years, w.pending_years)
    if d.cancel is not None:
        pending_t = np.where(d.cancel, np.inf, pending_t)
    if d.resume is not None:
        paused = paused & ~d.resume
        ch["pause_end"] = np.where(d.resume, np.inf, w.pause_end)
    if paused is not w.paused:
        ch["paused"] = paused
    if pending_t is not w.pending_t:
        ch["pending_t"] = pending_t
    return w.with_(**ch) if ch else w


def _new_outcomes(n, index):
    O: dict[str, np.ndarray] = {
        "sample": index.copy(),
        "status": np.zeros(n, dtype=np.int8),
        "t_diverged": _nan(n),
        "t_takeoff_start": _nan(n), "t_superhuman": _nan(n),
        "capability_at_takeoff_start": _nan(n),
        "fidelity_at_takeoff_start": _nan(n), "gap_at_takeoff_start": _nan(n),
        "fidelity_at_superhuman": _nan(n), "gap_at_superhuman": _nan(n),
        "unverified_takeoff": np.zeros(n, bool),
        "t_no_control": _nan(n), "t_first_tripwire": _nan(n),
        "t_unaligned": _nan(n), "t_catastrophe": _nan(n),
        "halts": np.zeros(n), "failed_halts": np.zeros(n), "years_paused": np.zeros(n),
        "years_gated": np.zeros(n), "deprecations": np.zeros(n), "false_alarms": np.zeros(n),
        "bind_budget_years": np.zeros(n), "bind_fab_years": np.zeros(n), "bind_power_years": np.zeros(n),
        "bind_economy_years": np.zeros(n),
        "reached_power_ceiling": np.zeros(n, bool), "reached_fab_ceiling": np.zeros(n, bool),
        "reached_spend_ceiling": np.zeros(n, bool), "reached_efficiency_limit": np.zeros(n, bool),
        "peak_power_gw": np.zeros(n), "peak_spend_share": np.zeros(n), "peak_chip_share": np.zeros(n),
    }
    for a in AUTOMATION_MILESTONES:
        O[f"t_automation_{round(a * 100)}"] = _nan(n)
    for c in CAPABILITY_MILESTONES:
        O[f"t_capability_{c}oom"] = _nan(n)
    for name in horizon.MILESTONES:
        O[f"t_horizon_{name}"] = _nan(n)
    return O


def start_capability(P, start_year):
    """log10 effective compute (2025-algorithm FLOP) of the generation deployed at the start: its
    physical training FLOP times the algorithms' gain since 2025.0 on the historical trend."""
    return np.log10(P["compute.initial_training_flop"]) + P["software.initial_rate_oom_per_year"] * (start_year - REFERENCE_YEAR)


def _initial_state(P, index, seed, trips, lev_v, start_year, hook):
    """The world at the start; the actor layer gives each row's draw index and its compute scale
    (log10 of its share of the frontier developer's compute; none for one developer)."""
    n = index.size
    x0 = physical.initial_compute(P)
    idx, offset = hook.start_rows(index)
    zeros = np.zeros(n)
    cap = zeros.copy() if offset is None else offset.copy()
    J = len(trips)
    w = World(
        row=np.arange(n), idx=idx.copy(), t=zeros.copy(), steps=np.zeros(n, np.int64), k_rep=np.zeros(n, np.int64),
        p=dict(P), K0=start_capability(P, start_year),
        # x0 stays the frontier developer's with actors: AI labour and verification read x / x_ref
        x0=x0,
        # FLOP/s: the unit AI labour, experiment and verification compute are counted in (the reference developer)
        x_ref=np.full(n, physical.reference_compute(start_year)),
        year0=np.full(n, float(start_year)),
        exp_draw=-np.log(uniform(seed, idx, stream_id("catastrophe"))),
        s=zeros.copy(), x=x0.copy() if offset is None else x0 * np.power(10.0, offset),
        ln_fab=zeros.copy(), ln_edge=zeros.copy(), ln_pow=zeros.copy(), ln_world=zeros.copy(), ln_y=zeros.copy(),
        z_fab=zeros.copy(), z_pow=zeros.copy(), z_econ=zeros.copy(),
        cap=cap, pot=zeros.copy(), run_log10=zeros.copy(), run_cost=zeros.copy(),
        phys=np.log10(P["compute.initial_training_flop"]).astype(float), m=np.ones(n), power_w=zeros.copy(),
        fid=np.ones(n), deficit=zeros.copy(), real=np.ones(n), cumhaz=zeros.copy(),
        gen=zeros.copy(), attempt=zeros.copy(), rel_anchor=zeros.copy(),
        fid_ver=np.ones(n), cap_ver=cap.copy(), deficit_ver=zeros.copy(),
        paused=np.zeros(n, bool), pause_kind=np.full(n, PauseKind.NONE, np.int8), pause_start=zeros.copy(),
        pause_end=np.full(n, np.inf), restrict_end=np.full(n, -np.inf),
        gate=np.full(n, lev_v.release_requires_verification),
        pending_t=np.full(n, np.inf), pending_resp=np.zeros(n, np.int8), pending_years=zeros.copy(),
        pending_soft_t=np.full(n, np.inf), pending_soft_resp=np.zeros(n, np.int8), pending_soft_years=zeros.copy(),
        noc=np.zeros(n, bool), takeoff=np.zeros(n, bool),
        trip_next=np.tile(np.array([tw.cadence_years for tw in trips], dtype=float), (n, 1)).reshape(n, J),
        trip_fired=np.zeros((n, J), bool), trip_count=np.zeros((n, J)),
        kept={}, f_mean=zeros.copy(),
    )
    return _capability_cache(w)


@dataclass(frozen=True, slots=True)
class Rates:
    """What the loop reads at a step's start: research, compute, verification, hazard, potential."""

    rate: np.ndarray        # software progress, OOM/yr
    m: np.ndarray           # research input relative to the human-only trend
    m_code: np.ndarray      # research speed-up of the code vector
    d_log_m: np.ndarray     # d log10 m / dt (for the midpoint step)
    f_d: np.ndarray
    f_a: np.ndarray
    f_c: np.ndarray
    f_mean: np.ndarray
    x_u: np.ndarray         # usable FLOP/s
    g_xu: np.ndarray        # OOM/yr growth of usable compute
    acq: np.ndarray         # FLOP/s per year bought
    acq_growth: np.ndarray  # its log growth per year
    limit: np.ndarray       # physical.LIMIT_NAMES index of what binds
    world_power: np.ndarray  # the world's power ceiling binds the developer
    fab_ceiling: np.ndarray  # AI has taken all the leading-edge wafers it can
    spend: np.ndarray       # hardware spending, $/yr
    g_fab_plan: np.ndarray
    g_edge: np.ndarray
    V: np.ndarray           # verification capacity
    cov: np.ndarray         # coverage of the deployed generation
    hazard: np.ndarray      # per year
    target: np.ndarray      # what the deployed generation moves towards (OOM above the start)
    lag: np.ndarray         # build time, years
    k_speed: np.ndarray     # OOM/yr the deployed generation moves now
    real: np.ndarray        # real-data share of the run that would be started
    chip_share: np.ndarray  # share of world AI-chip output bought
    pot: np.ndarray         # the best run the developer could start now, OOM above the start (state)
    run_log10: np.ndarray   # log10 physical FLOP of that run (state)
    run_cost: np.ndarray    # $ of the year's spending that run takes (state)


def _rates(w, t, lev_s, lev_c, lev_v, safety, diverted, sandbox_latency, hook):
    """The loop's arrows at the step's start, each a call into a mechanism (reads the world only)."""
    p = w.p
    g_s, r = p["software.initial_rate_oom_per_year"], p["software.returns"]
    x0 = w.x0
    # -- physical compute and the economy: plan, fabs, spending ceiling, power
    x0b = hook.budget_x0(w)
    plan = physical.planned_acquisition(t, x0b, p)
    pp = p["compute.flops_per_dollar"] * np.power(p["compute.price_performance_growth"], t)
    cap_usd = economy.spend_cap(w.ln_y, w.z_econ, p) * (x0b / x0)
    econ = cap_usd * pp
    fab, fab_ceiling = physical.fab_output(w.ln_fab, w.ln_edge, p)
    fab = p["compute.fab_share"] * fab
    supply = hook.supply(w)  # sanctions cut supply
    fab, plan, econ = fab * supply, plan * supply, econ * supply
    g_fab, g_fab_plan, g_edge = physical.fab_growth(fab_ceiling, w.z_fab, p)
    acq = np.minimum(np.minimum(plan, econ), fab)
    dz_econ = (w.f_mean - w.z_econ) / p["economy.adoption_lag_years"]
    acq_growth = np.where(acq == fab, g_fab, np.where(acq == econ, economy.spend_cap_growth(w.z_econ, dz_econ, p)
                                                      + np.log(p["compute.price_performance_growth"]), physical.budget_growth(p)))
    limit = np.where(acq == fab, physical.FAB, np.where(acq == econ, physical.ECONOMY, physical.BUDGET))
    x_u, power_binds, world_power = physical.usable_compute(w.x, t, w.ln_pow, w.ln_world, p)
    # OOM/yr of what power can run: the developer's plan, or the world's ceiling where it binds
    g_pow = np.log(p["compute.power_growth"]) + p["compute.buildout_boost"] * w.z_pow
    eff_g = np.where(np.power(p["compute.efficiency_growth"], t) < p["compute.max_efficiency_gain"],
                     np.log(p["compute.efficiency_growth"]), 0.0)
    g_cap = np.where(world_power, physical_world_growth(w, p), g_pow) + eff_g
    # no developer buys chips its power cannot run: where power binds, it buys what keeps pace with power
    powered = np.where(power_binds, np.maximum(g_cap + p["compute.depreciation"], 0.0) * x_u, np.inf)
    limit = np.where(power_binds & (powered < acq), physical.POWER, limit).astype(np.int8)
    acq_growth = np.where(power_binds & (powered < acq), g_cap, acq_growth)
    acq = np.minimum(acq, powered)
    x_u = hook.covert_compute(w, x_u)  # a hidden defector runs only its covert clusters
    ratio = x_u / w.x_ref
    # OOM/yr of usable compute: the power limit's growth where it binds, else dX/dt / X
    g_xu = np.where(power_binds, g_cap, acq / w.x - p["compute.depreciation"]) / _LN10

    # -- automation and research input from the deployed generation
    ai_on = ~((w.paused & lev_s.halts_research) | (t < w.restrict_end))
    log_q = np.log10(p["automation.ai_labour_at_start"]) + np.log10(ratio) + w.s - g_s * t / r
    q = np.power(10.0, np.clip(log_q, -300, 300))
    kept = w.kept
    f_d, f_a, f_c, m_code, m_l, e_q = auto.research_multiplier(None, q, p, terms=kept)
    f_mean = (f_d + f_a + f_c) / 3.0
    m_l = np.where(ai_on, m_l, 1.0)
    m_code = np.where(ai_on, m_code, 1.0)
    e_q = np.where(ai_on, e_q, 0.0)
    # experiment compute against its planned trend: below it (a ceiling binds, a halt), research slows
    m_c = ratio / np.exp(physical.budget_growth(p) * t)  # 1 for the default developer on its plan
    m, w_l = software.research_input(m_l, m_c, p["software.labour_share"], p["software.compute_substitution"])
    d_log_m = w_l * e_q * (g_xu + 0.0) + (1.0 - w_l) * (g_xu - physical.budget_growth(p) / _LN10)
    rate = software.software_rate(w.s, t, m, g_s, r, p["software.parallelization"], p["software.ceiling_oom"])
    d_log_m = d_log_m + w_l * e_q * (rate - g_s / r)

    # -- verification and hazard of the deployed generation
    V = verification.capacity(t, ratio, w.s, m, p, compute_share=lev_v.compute_share, safety_effort=safety)
    cov = V / kept["req"]
    h = risk.hazard(None, w.fid, cov, p, reduction=lev_c.hazard_reduction, level_now=kept["hazard"])

    # -- the best run the developer could start now, and how the deployed generation follows it
    run_rate = generations.run_flop_per_year(x_u, diverted, p)
    growth = _LN10 * np.maximum(rate + g_xu, 0.0)
    run_years = generations.chosen_run_years(growth, run_rate, p)
    run = run_rate * run_years
    real = data.real_fraction(run, t, p)
    pot = (np.log10(run) - np.log10(p["compute.initial_training_flop"]) + w.s
           - data.capability_penalty_oom(w.deficit, p))
    target = pot
    cap_oom = hook.cap_oom(w)
    if cap_oom is not None:  # a compute cap on the generation's effective training compute
        target = np.minimum(target, cap_oom)
    target = np.where(w.gate, np.minimum(target, np.maximum(verification.verified_capability_oom(V, p), w.cap)), target)
    target = np.where(w.paused, w.cap, target)
    lag = generations.build_lag_years(m_code, run_years, sandbox_latency, lev_c.air_gap, p)
    k_speed = np.maximum(target - w.cap, 0.0) / lag
    return Rates(rate, m, m_code, d_log_m, f_d, f_a, f_c, f_mean, x_u, g_xu, acq, acq_growth, limit, world_power,
                 fab_ceiling, acq / pp, g_fab_plan, g_edge, V, cov, h, target, lag, k_speed, real,
                 acq * p["compute.fab_share"] / np.maximum(fab, 1e-300), pot, np.log10(run),
                 (acq / pp) * p["compute.training_share"] * run_years)


def physical_world_growth(w, p):
    """Log growth per year of the developer's power where the world's ceiling binds it."""
    grows = physical.world_power_w(w.ln_world, p) < p["compute.world_power_ceiling_tw"] * 1e12
    return np.where(grows, np.log(p["compute.world_power_growth"]) + p["compute.buildout_boost"] * w.z_pow, 0.0)


def _advance(w, O, acc, now, dt, rules, lev_c):
    """Move the continuous state over dt (mechanisms only); returns the new world and what the
    events compare against (capability, mean automation, coverage and time at the step's start)."""
    p = w.p
    old = {"cap": w.cap.copy(), "f_mean": now.f_mean, "cov": now.cov, "t": w.t.copy()}
    g_s, r = p["software.initial_rate_oom_per_year"], p["software.returns"]
    with np.errstate(invalid="ignore", over="ignore"):
        # software: midpoint (RK2) step; the research input at the midpoint follows from its log
        # derivative (AI labour rises 1:1 with software OOM and usable compute, experiment compute
        # with usable compute), so the step is exact on the trend and second order during takeoff.
        h_s = np.minimum(dt, rules.max_oom / np.maximum(now.rate, 1e-300))
        half = 0.5 * h_s
        s_mid = w.s + now.rate * half
        m_mid = np.power(10.0, np.log10(np.maximum(now.m, 1e-300)) + now.d_log_m * half)
        rate_mid = software.software_rate(s_mid, w.t + half, m_mid, g_s, r, p["software.parallelization"],
                                          p["software.ceiling_oom"])
        ceiling_gap = np.maximum(p["software.ceiling_oom"] - w.s, 0.0)
        ds = np.clip(np.where(s_mid >= p["software.ceiling_oom"], now.rate, rate_mid) * h_s, 0.0, ceiling_gap)
        s = w.s + ds

        x = physical.advance_compute(w.x, now.acq, now.acq_growth, p["compute.depreciation"], dt)
        boost_pow = p["compute.buildout_boost"] * w.z_pow
        ln_fab = w.ln_fab + now.g_fab_plan * dt
        ln_edge = w.ln_edge + now.g_edge * dt
        ln_pow = w.ln_pow + (np.log(p["compute.power_growth"]) + boost_pow) * dt
        ln_world = np.minimum(w.ln_world + (np.log(p["compute.world_power_growth"]) + boost_pow) * dt,
                              np.log(p["compute.world_power_ceiling_tw"] / p["compute.world_power_tw"]))
        ln_y = w.ln_y + economy.output_growth(w.z_econ, p) * dt
        z_fab = physical.advance_lag(w.z_fab, now.f_mean, p["compute.fab_lead_time_years"], dt)
        z_pow = physical.advance_lag(w.z_pow, now.f_mean, p["compute.power_lead_time_years"], dt)
        z_econ = physical.advance_lag(w.z_econ, now.f_mean, p["economy.adoption_lag_years"], dt)

        # the deployed generation follows the best run, and alignment and data follow capability gained
        cap = generations.follow(w.cap, now.target, now.lag, dt)
        # the deployed generation's physical training FLOP follows the run's through the same delay
        phys = np.where(now.k_speed > 0, generations.follow(w.phys, w.run_log10, now.lag, dt), w.phys)
        gained = cap - w.cap
        delta = drift.drift_rate(now.f_mean, now.cov, p, sandbox_catch=lev_c.sandbox_catch_rate, air_gap=lev_c.air_gap)
        fid = drift.advance_fidelity(w.fid, delta, gained)
        curation = p["data.curation_efficiency"] * now.f_d
        deficit = data.advance_deficit(w.deficit, now.real, np.maximum(w.cap, 0.0), gained, curation, p)
        real = np.where(gained > 0, now.real, w.real)
        cumhaz = w.cumhaz + now.hazard * dt
        _account(O, acc, w, now, dt, ln_y)
    new = w.with_(s=s, x=x, ln_fab=ln_fab, ln_edge=ln_edge, ln_pow=ln_pow, ln_world=ln_world, ln_y=ln_y,
                  z_fab=z_fab, z_pow=z_pow, z_econ=z_econ, cap=cap, phys=phys, fid=fid, deficit=deficit,
                  real=real, cumhaz=cumhaz, t=w.t + dt)
    return new, old


def _account(O, acc, w, now, dt, ln_y):
    """What the step adds to the outcome columns: years each limit binds, ceilings reached, peaks,
    years paused and gated (``w`` at the step's start; ``ln_y`` world output at its end)."""
    p = w.p
    O["bind_power_years"][acc] += np.where(now.limit == physical.POWER, dt, 0.0)
    O["bind_fab_years"][acc] += np.where(now.limit == physical.FAB, dt, 0.0)
    O["bind_economy_years"][acc] += np.where(now.limit == physical.ECONOMY, dt, 0.0)
    O["bind_budget_years"][acc] += np.where(now.limit == physical.BUDGET, dt, 0.0)
    # what binds is read on rows that took a step (a row waiting at the horizon decides nothing)
    moved = dt > 0
    O["reached_power_ceiling"][acc] |= moved & now.world_power & (now.limit == physical.POWER)
    O["reached_fab_ceiling"][acc] |= moved & now.fab_ceiling & (now.limit == physical.FAB)
    O["reached_spend_ceiling"][acc] |= moved & (now.limit == physical.ECONOMY)
    O["reached_efficiency_limit"][acc] |= moved & (np.power(p["compute.efficiency_growth"], w.t) >= p["compute.max_efficiency_gain"])
    O["peak_chip_share"][acc] = np.maximum(O["peak_chip_share"][acc], np.where(moved, now.chip_share, 0.0))
    O["peak_spend_share"][acc] = np.maximum(O["peak_spend_share"][acc],
                                            np.where(moved, now.spend / economy.world_output(ln_y, p), 0.0))
    O["peak_power_gw"][acc] = np.maximum(O["peak_power_gw"][acc], np.where(moved, now.x_u / physical.flops_per_watt(w.t, p) / 1e9, 0.0))
    O["years_paused"][acc] += np.where(w.paused, dt, 0.0)
    # the gate holds while verification keeps the deployed generation below the best run
    O["years_gated"][acc] += np.where(w.gate & ~w.paused & (now.target < w.pot - 1e-6), dt, 0.0)


def _capability_cache(w):
    """Keep what moves only with the deployed generation's capability (``World.kept``): the
    automation shares and task weights, the verification requirement and the hazard level;
    ``f_mean`` for the economy's adoption."""
    p = w.p
    absolute = w.K0 + w.cap
    kept = auto.capability_terms(absolute, p)
    kept["req"] = verification.required(w.cap, p)
    kept["hazard"] = risk.level(absolute, p)
    return w.with_(kept=kept, f_mean=(kept["f_data"] + kept["f_arch"] + kept["f_code"]) / 3.0)


def _milestones(w, O, dt, old, x_new, lev_v, safety):
    """Milestones the deployed generation passed during the step, dated by linear interpolation
    within the step in the milestone's own variable; returns the world with takeoff and the point
    of no control marked."""
    t, p = w.t, w.p
    moved = np.flatnonzero(w.cap > old["cap"])
    if not moved.size:
        return w
    i = moved
    rows, cap, tt, fid = w.row[i], w.cap[i], t[i], w.fid[i]
    t0, c0 = old["t"][i], old["cap"][i]
    pv = _pick(p, ("milestones.", "risk.", "drift.unaligned", "verification."), i)
    f_c = w.kept["f_code"][i]
    f_mean = w.f_mean[i]
    f_old = old["f_mean"][i]
    cov, V = coverage_at(i, w, x_new, w.m, cap, lev_v, safety, with_capacity=True)
    gap = cap - verification.verified_capability_oom(V, pv)

    def first(col, cond, v_old=None, v_new=None, thr=None):
        """Date the rows that reach ``col`` now: by linear interpolation in the milestone's own
        variable where one is given, else at the step's end; only the hits are interpolated."""
        hit = cond & np.isnan(O[col][rows])
        if hit.any():
            if v_old is None:
                date = tt[hit]
            else:
                lo, hi, level = v_old[hit], v_new[hit], thr[hit] if np.ndim(thr) else thr
                frac = np.clip((level - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0, 1.0)
                date = t0[hit] + frac * (tt[hit] - t0[hit])
            O[col][rows[hit]] = date
        return hit

    for a in AUTOMATION_MILESTONES:
        first(f"t_automation_{round(a * 100)}", f_mean >= a, f_old, f_mean, a)
    for c in CAPABILITY_MILESTONES:
        first(f"t_capability_{c}oom", cap >= c, c0, cap, c)
    thr = pv["milestones.takeoff_start_automation"]
    hit = first("t_takeoff_start", f_mean >= thr, f_old, f_mean, thr)
    takeoff, noc = w.takeoff, w.noc
    if hit.any():
        takeoff = takeoff.copy()
        takeoff[i[hit]] = True
        # the capability where mean automation crosses the threshold (a function of the parameters, not
        # of the step that crossed it), so that 'vastly superhuman' is one fixed level per world
        O["capability_at_takeoff_start"][rows[hit]] = _capability_at_automation(
            c0[hit], cap[hit], thr[hit], w.K0[i[hit]], _pick(p, ("automation.",), i[hit]))
        O["fidelity_at_takeoff_start"][rows[hit]] = fid[hit]
        O["gap_at_takeoff_start"][rows[hit]] = gap[hit]
    sup_level = O["capability_at_takeoff_start"][rows] + pv["milestones.superhuman_oom"]
    hit = first("t_superhuman", takeoff[i] & (cap >= sup_level), c0, cap, sup_level)
    if hit.any():
        O["fidelity_at_superhuman"][rows[hit]] = fid[hit]
        O["gap_at_superhuman"][rows[hit]] = gap[hit]
        O["unverified_takeoff"][rows[hit]] = cov[hit] < 1.0
    lost = (f_c >= pv["risk.no_control_automation"]) & (cov < 1.0) & ~noc[i]
    if lost.any():
        noc = noc.copy()
        noc[i[lost]] = True
        O["t_no_control"][rows[lost]] = tt[lost]
    # the horizon's capability E_h adds the reasoning gain of the release year (horizon.reasoning_gain)
    ph = _pick(p, ("horizon.",), i)
    year0 = w.year0[i]
    h_new, h_old = cap + horizon.reasoning_gain(year0 + tt, ph), c0 + horizon.reasoning_gain(year0 + t0, ph)
    for name, need in horizon.milestone_capabilities(ph, 50).items():
        level = need - w.K0[i]
        first(f"t_horizon_{name}", h_new >= level, h_old, h_new, level)
    danger = np.log10(pv["risk.danger_flop"]) - w.K0[i]
    first("t_unaligned", (fid < pv["drift.unaligned_fidelity"]) & (cap >= danger))
    return w.with_(takeoff=takeoff, noc=noc)


def _capability_at_automation(lo, hi, level, k0, pa, iterations=40):
    """The capability (OOM above the start) in [lo, hi] where mean automation equals ``level``
    (bisection: mean automation rises with capability)."""
    lo, hi = lo.copy(), hi.copy()
    w = pa["automation.width_oom"]
    mids = [np.log10(pa[f"automation.midpoint_{v}_flop"]) for v in auto.VECTORS]
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        f = sum(auto.automation_fraction(k0 + mid, m, w) for m in mids) / 3.0
        up = f < level
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
    return 0.5 * (lo + hi)


def _report(G, w, times, x_rep, mult, lev_v, safety, hook):
    """Rows that reached their next report time (and whose world's review is settled) write it."""
    t, k_rep, n_rep = w.t, w.k_rep, times.size
    land = (k_rep < n_rep) & (t >= times[np.minimum(k_rep, n_rep - 1)] - _EPS)
    land = land & hook.reviewed(w)
    if land.any():
        _record(G, w, land, x_rep, mult, lev_v, safety, hook.market_share(w))
        w = w.with_(k_rep=np.where(land, k_rep + 1, k_rep))
    return w


def _record(G, w, land, x_u, mult, lev_v, safety, share=None):
    """Write the state of the rows in ``land`` into the report grid at their report index.

    The state is the one at the new time; ``x_u`` is the developer's usable compute; ``share``
    each row's market share (None for one developer: filled once in :func:`_finalize`)."""
    rows, k_rep, t, p = w.row, w.k_rep, w.t, w.p
    every = bool(land.all())  # a single developer's rows usually land on the same report time
    i = None if every else np.flatnonzero(land)

    def sel(a):
        return a if every or not (isinstance(a, np.ndarray) and a.ndim) else a.take(i)

    n_rep = next(iter(G.values())).shape[1]
    flat = sel(rows) * n_rep + sel(k_rep)  # one index computation for every variable
    K0, cap = sel(w.K0), sel(w.cap)
    x_u = sel(x_u)
    pv = {k: p[k] for k in _keys(p, _RECORD_READS)} if every else _pick(p, _RECORD_READS, i)
    tt = sel(t)
    V = verification.capacity(tt, x_u / sel(w.x_ref), sel(w.s), sel(w.m), pv, compute_share=lev_v.compute_share,
                              safety_effort=sel(safety))
    power = sel(w.power_w) / 1e9
    values = {
        "effective_compute": K0 + cap,
        "verified_capability": K0 + verification.verified_capability_oom(V, pv),
        "fidelity": sel(w.fid),
        "automation": sel(w.f_mean),
        "progress_multiplier": sel(mult),
        "software_oom": sel(w.s),
        "compute_flops": np.log10(x_u),
        "power_gw": power,
        "horizon_p50_hours": horizon.horizon_hours(K0 + cap, pv, 50, sel(w.year0) + tt),
        "horizon_p80_hours": horizon.horizon_hours(K0 + cap, pv, 80, sel(w.year0) + tt),
        "training_flop": sel(w.phys),
        "training_cost_usd": np.log10(np.maximum(sel(w.run_cost), 1e-300)),
        "training_power_w": np.log10(power * 1e9 * pv["compute.training_share"]),
        "world_output_usd": np.log10(economy.world_output(sel(w.ln_y), pv)),
        "synthetic_share": 1.0 - sel(w.real),
        "data_deficit": sel(w.deficit),
        "paused": sel(w.paused),
        "p_catastrophe": risk.probability(sel(w.cumhaz)),
        "generation": sel(w.gen),
    }
    if share is not None:
        values["market_share"] = sel(share)
    with np.errstate(over="ignore"):  # a horizon past float32's 3.4e38 hours is stored as inf, as the compiled core does
        for name, v in values.items():
            G[name].reshape(-1)[flat] = v


_RECORD_READS = ("verification.", "compute.training_share", "economy.world_output_usd", "horizon.")


def peak_window(times) -> int:
    """Report steps in a year (at least 1): the window of the peak rise of effective compute."""
    dtr = times[1] - times[0] if times.size > 1 else 1.0
    return max(1, int(round(1.0 / dtr)))


def _finalize(O, G, times, shares_recorded, P, *, summaries=None):
    """Outcomes computed from the report grid and the final state. ``shares_recorded``: whether
    the report grid holds each row's market share (the actor layer's); falsy for one developer
    (the compiled core passes ``{}``). ``summaries``: (peak rise per row, each grid's last valid
    values) when the caller computed them (the compiled core, row by row, with the single
    developer's market share set as below); else computed here."""
    if summaries is not None:
        peak, last = summaries
    else:
        if not shares_recorded:  # one developer holds the whole market wherever the grid was written
            G["market_share"][:] = np.where(np.isnan(G["effective_compute"]), np.nan, 1.0)
        cap = G["effective_compute"].astype(np.float64)
        w = peak_window(times)
        if cap.shape[1] > w:
            gain = cap[:, w:] - cap[:, :-w]
            peak = np.nanmax(np.where(np.isnan(gain), -np.inf, gain), axis=1)
        else:
            peak = np.full(cap.shape[0], np.nan)
        last = _last_valid(G)
    O["peak_oom_per_year"] = np.where(np.isfinite(peak), peak, np.nan)
    trend = P["software.initial_rate_oom_per_year"] + np.log10(
        P["compute.investment_growth"] * P["compute.price_performance_growth"])
    O["years_in_one_year"] = O["peak_oom_per_year"] / trend
    O["takeoff_years"] = O["t_superhuman"] - O["t_takeoff_start"]
    O["takeoff_days"] = O["takeoff_years"] * _DAYS
    O["hard_takeoff"] = O["takeoff_years"] < 1.0
    O["safety_window_years"] = O["t_no_control"] - O["t_first_tripwire"]
    O["final_effective_compute"] = last["effective_compute"]
    O["final_verified_capability"] = last["verified_capability"]
    O["final_gap_oom"] = last["effective_compute"] - last["verified_capability"]
    O["final_fidelity"] = last["fidelity"]
    O["final_automation"] = last["automation"]
    O["final_compute_flops"] = last["compute_flops"]
    O["generations"] = last["generation"]
    O["synthetic_share_end"] = last["synthetic_share"]
    O["data_deficit_end"] = last["data_deficit"]
    O["p_catastrophe"] = last["p_catastrophe"]
    O["unaligned_capability"] = ~np.isnan(O["t_unaligned"])
    O["catastrophe"] = ~np.isnan(O["t_catastrophe"])
    binds = np.stack([O["bind_budget_years"], O["bind_fab_years"], O["bind_power_years"], O["bind_economy_years"]], axis=1)
    O["binding_limit"] = np.argmax(binds, axis=1).astype(np.int8)
    for k, v in P.items():
        O["in:" + k] = v


def _last_valid(G):
    out = {}
    for k, g in G.items():
        valid = ~np.isnan(g)
        idx = np.where(valid.any(axis=1), g.shape[1] - 1 - np.argmax(valid[:, ::-1], axis=1), 0)
        out[k] = g[np.arange(g.shape[0]), idx].astype(np.float64)
    return out

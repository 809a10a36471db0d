"""simulate(): the recursion loop over many sampled worlds at once.

State is a set of arrays with a leading sample axis. Between releases the continuous state
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

import math
from dataclasses import dataclass, field
from typing import Callable, Literal

import numpy as np
from scipy.special import ndtri

from recloop.mechanisms import automation as auto
from recloop.mechanisms import containment, data, drift, generations, physical, risk, software, verification
from recloop.params import RecloopInputError
from recloop.policy import Policy, NoHalt
from recloop.sampling import MAX_SAMPLES, draw_parameters, normalize_seed, stream_id, uniform
from recloop.scenario import Scenario

__all__ = ["simulate", "SimResult", "STATUS", "TRAJECTORY_VARS", "simulate_chunk", "DEFAULT_CHUNK", "DEFAULT_YEARS", "DEFAULT_REPORT_EVERY"]

STATUS = ("ok", "diverged")
RESPONSES = {"pause_until_verified": 1, "fixed_pause": 2, "verification_gate": 3, "restrict_deployment": 4}
AUTOMATION_MILESTONES = (0.2, 0.5, 0.9, 0.999)
CAPABILITY_MILESTONES = (1, 2, 3, 4, 6, 8, 10)
TRAJECTORY_VARS = {
    "effective_compute": "log10 effective training FLOP of the deployed generation",
    "verified_capability": "log10 effective FLOP up to which verification covers the system",
    "fidelity": "alignment fidelity of the deployed generation (1 = intent preserved)",
    "automation": "mean automation fraction of the three R&D vectors",
    "progress_multiplier": "software progress rate relative to the human-only trend",
    "software_oom": "software efficiency, OOM above the start",
    "compute_flops": "log10 usable FLOP/s of the developer",
    "synthetic_share": "synthetic share of the deployed generation's training data",
    "data_deficit": "quality deficit of the deployed generation (loss fraction)",
    "paused": "1 while a halt is in force",
    "p_catastrophe": "cumulative probability of catastrophe",
    "generation": "generations released",
    "market_share": "the developer's market share (1 for a single developer)",
}
_EPS = 1e-9
_DAYS = 365.25
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
    progress: Callable[[int], None] | None = None,
) -> SimResult:
    """Simulate ``samples`` worlds drawn from ``scenario`` under ``policy`` for ``years``.

    Sample i (``sample_offset + i``) depends only on (seed, i). Returns a :class:`SimResult`
    whose outcome columns are documented in :mod:`recloop.outcomes`.
    """
    policy = NoHalt() if policy is None else policy
    _check_args(samples, years, chunk_size, report_every)
    seed = normalize_seed(seed)
    times = np.arange(0.0, years + 1e-9, report_every)
    parts, grids = [], {}
    # one developer: chunks write straight into the run's report grids (no per-chunk grids to
    # allocate and no concatenation copy); with actors the per-row grids are aggregated per chunk
    full = None if scenario.actors else {
        k: np.full((samples, times.size), np.nan, dtype=np.float32) for k in TRAJECTORY_VARS}
    step = chunk_size if not scenario.actors else min(chunk_size, max(1, ACTOR_CHUNK_ROWS // len(scenario.actors)))
    for start in range(0, samples, step):
        stop = min(samples, start + step)
        index = np.arange(sample_offset + start, sample_offset + stop, dtype=np.int64)
        out, traj = simulate_chunk(scenario, policy, index, seed, years=years, times=times, method=method,
                                   max_step_years=max_step_years, max_step_oom=max_step_oom,
                                   grid_out=None if full is None else {k: g[start:stop] for k, g in full.items()})
        parts.append(out)
        if full is None:
            for k, g in traj.items():  # TRAJECTORY_VARS, plus per-actor grids in many-actor runs
                grids.setdefault(k, []).append(g)
        if progress is not None:
            progress(stop - start)
    outcomes = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    trajectories = full if full is not None else {k: np.concatenate(v, axis=0) for k, v in grids.items()}
    return SimResult(outcomes, times, trajectories, scenario, policy, seed, float(years),
                     meta={"report_every": report_every, "method": method, "chunk_size": chunk_size})


def _nan(n):
    return np.full(n, np.nan)


def simulate_chunk(scenario, policy, index, seed, *, years, times, method="mc",
                   max_step_years=0.25, max_step_oom=0.1, params=None, grid_out=None):
    """Run one chunk of samples; returns (outcome columns, trajectory grids).

    ``params`` (path -> array of ``index.size`` values, every scenario parameter) replaces the
    draw from the scenario's distributions: sensitivity analysis feeds explicit designs this way.
    ``grid_out`` (var -> NaN-filled float32 array of shape (index.size, times.size), C-contiguous)
    receives a single developer's report grid in place.
    """
    n = index.size
    P = draw_parameters(scenario, index, seed, method=method) if params is None else params
    mx = None
    if scenario.actors:  # many actors: rows are (sample, actor) pairs, see recloop.governance.actors
        from recloop.governance.actors import MultiActor

        mx = MultiActor(scenario, policy, index, seed, P)
        mx.horizon = float(years)
        P, index = mx.expand(P), np.repeat(index, mx.A)
        n = index.size
    K0 = np.log10(P["compute.initial_training_flop"])
    lev_c, lev_v, lev_s = policy.containment, policy.verification, policy.stop
    diverted = lev_v.compute_share + lev_c.sandbox_overhead
    if diverted >= 1.0:
        raise RecloopInputError([f"policy: verification.compute_share + containment.sandbox_overhead must be < 1, got {diverted:g}"])
    trips = policy.tripwires
    n_trip = len(trips)
    detect_on = lev_c.detection_tpr > 0 or lev_c.detection_fpr > 0
    latency_years = lev_s.latency_days / _DAYS
    sandbox_latency = lev_c.sandbox_latency_days / _DAYS

    # ---- outcome columns (per sample, filled in as events happen)
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
    }
    for a in AUTOMATION_MILESTONES:
        O[f"t_automation_{round(a * 100)}"] = _nan(n)
    for c in CAPABILITY_MILESTONES:
        O[f"t_capability_{c}oom"] = _nan(n)

    # ---- state
    x0 = physical.initial_compute(P)
    S = {
        "row": np.arange(n), "t": np.zeros(n), "s": np.zeros(n), "x": x0.copy(),
        "ln_fab": np.zeros(n), "ln_pow": np.zeros(n), "z_fab": np.zeros(n), "z_pow": np.zeros(n),
        "gen": np.zeros(n), "attempt": np.zeros(n), "cap": np.zeros(n), "deficit": np.zeros(n), "real": np.ones(n),
        "building": np.zeros(n, bool), "awaiting": np.zeros(n, bool), "build_cap": np.zeros(n),
        "build_left": np.zeros(n), "build_auto": np.zeros(n), "build_deficit": np.zeros(n), "build_real": np.ones(n),
        "fid": np.ones(n), "fid_ver": np.ones(n), "cap_ver": np.zeros(n), "deficit_ver": np.zeros(n),
        "cumhaz": np.zeros(n), "exp_draw": -np.log(uniform(seed, index, stream_id("catastrophe"))),
        "paused": np.zeros(n, bool), "pause_kind": np.zeros(n, np.int8), "pause_end": np.full(n, np.inf),
        "pause_start": np.zeros(n), "restrict_end": np.full(n, -np.inf), "gate": np.full(n, lev_v.release_requires_verification),
        "pending_t": np.full(n, np.inf), "pending_resp": np.zeros(n, np.int8), "pending_years": np.zeros(n),
        "noc": np.zeros(n, bool), "takeoff": np.zeros(n, bool), "k_rep": np.zeros(n, np.int64),
        "start_gap": np.zeros(n),
        "idx": index.copy(),
    }
    for j in range(n_trip):
        S[f"trip_next{j}"] = np.full(n, trips[j].cadence_years)
        S[f"trip_fired{j}"] = np.zeros(n, bool)
        S[f"trip_count{j}"] = np.zeros(n)
    for k, v in P.items():
        S["p:" + k] = v
    S["K0"] = K0
    S["x0"] = x0
    if mx is not None:
        S = mx.init_state(S, x0)
        O.update(mx.new_outcomes(n))
    _capability_cache(S, P)

    n_rep = times.size
    if grid_out is not None and mx is None:  # the caller's (n, times) float32 grids, NaN-filled
        G = grid_out
    else:
        G = {k: np.full((n, n_rep), np.nan, dtype=np.float32) for k in TRAJECTORY_VARS}
    horizon = float(years)

    def pview(st):
        return {k[2:]: v for k, v in st.items() if k.startswith("p:")}

    st = S
    whole = True  # every row still in place (row i of the state is row i of O): sums need no index
    it = 0
    while st["t"].size:
        it += 1
        p = pview(st)
        if mx is not None and mx.per_actor_containment:  # scenario actors override containment levers
            lev_c, diverted, sandbox_latency, detect_on = mx.containment_levers(st)
        safety = lev_v.safety_effort if mx is None else mx.safety(st, lev_v.safety_effort)
        t = st["t"]
        g_s = p["software.initial_rate_oom_per_year"]
        r = p["software.returns"]
        lam = p["software.parallelization"]

        # -- physical compute now
        acq, fab_binds = physical.acquisition(t, st["ln_fab"], st["x0"] if mx is None else mx.budget_x0(st), p)
        x_u, power_binds = physical.usable_compute(st["x"], t, st["ln_pow"], p)
        if mx is not None:  # sanctions cut supply; a hidden defector runs only its covert clusters
            acq = acq * st["a:supply"]
            x_u = mx.covert_compute(st, x_u)
        log_xu_ratio = np.log10(x_u / st["x0"])

        # -- automation and research input from the deployed generation
        ai_on = ~((st["paused"] & lev_s.halts_research) | (t < st["restrict_end"]))
        log_q = np.log10(p["automation.ai_labour_at_start"]) + log_xu_ratio + st["s"] - g_s * t / r
        q = np.power(10.0, np.clip(log_q, -300, 300))
        kept = {k[4:]: v for k, v in st.items() if k.startswith("cap:")}
        f_d, f_a, f_c, m_code, m, e_q = auto.research_multiplier(st["cap"], q, p, terms=kept)
        f_mean = (f_d + f_a + f_c) / 3.0
        m = np.where(ai_on, m, 1.0)
        m_code = np.where(ai_on, m_code, 1.0)
        # elasticity of m with respect to AI labour (for the midpoint step below)
        e_q = np.where(ai_on, e_q, 0.0)

        rate = software.software_rate(st["s"], t, m, g_s, r, lam, p["software.ceiling_oom"])

        # -- verification and hazard
        eff_ratio = np.power(10.0, log_xu_ratio + st["s"])
        V = verification.capacity(t, eff_ratio, m, p, compute_share=lev_v.compute_share, safety_effort=safety)
        cov = V / kept["req"]  # verification.coverage of the deployed generation
        h = risk.hazard(st["cap"], st["fid"], cov, p, reduction=lev_c.hazard_reduction, level_now=kept["hazard"])

        # -- step size
        dt = np.minimum(max_step_years, horizon - t)
        dt = np.minimum(dt, max_step_oom / np.maximum(rate, 1e-12))
        # land near the date the next training run can start: the potential capability grows at
        # most at the software rate plus the growth of compute (a bound, in OOM/yr)
        pot_speed = rate + (np.abs(physical.budget_growth(p)) + np.log(p["compute.power_growth"])
                            + p["compute.buildout_boost"]) / np.log(10.0) + 0.05
        # (only for idle rows: the gap of a row that is building or halted is not kept up to date)
        approach = (st["start_gap"] > 0) & ~st["building"] & ~st["paused"]
        dt = np.where(approach, np.minimum(dt, np.maximum(st["start_gap"] / pot_speed, 1e-3)), dt)
        k_rep = st["k_rep"]
        next_rep = times[np.minimum(k_rep, n_rep - 1)]
        dt = np.where(k_rep < n_rep, np.minimum(dt, next_rep - t), dt)
        for j in range(n_trip):
            dt = np.minimum(dt, st[f"trip_next{j}"] - t)
        running = st["building"] & ~st["paused"] & ~st["awaiting"]
        dt = np.where(running, np.minimum(dt, st["build_left"]), dt)
        dt = np.minimum(dt, np.where(st["pending_t"] > t, st["pending_t"] - t, dt))
        dt = np.minimum(dt, np.where(st["paused"] & (st["pause_kind"] == 2), st["pause_end"] - t, dt))
        dt = np.minimum(dt, np.where(st["restrict_end"] > t, st["restrict_end"] - t, dt))
        # rows already at the horizon with every report written are inert until compacted
        at_end = (t >= horizon - _EPS) & (st["k_rep"] >= n_rep)
        dt = np.where(at_end, 0.0, np.maximum(dt, 1e-12))
        if mx is not None:  # each actor on its own clock, up to its world's next review
            dt = mx.until_review(st, dt, t)

        # -- divergence: a state that overflowed (the sample stops; the run goes on)
        bad = ~(np.isfinite(rate) & np.isfinite(st["x"]) & np.isfinite(st["s"]) & np.isfinite(st["cap"]))
        if bad.any():
            rows = st["row"][bad]
            O["status"][rows] = 1
            O["t_diverged"][rows] = t[bad]

        # -- advance the continuous state (a diverged row may read inf or nan: it is retired below)
        with np.errstate(invalid="ignore", over="ignore"):
            # software: midpoint (RK2) step. The midpoint research input follows from the labour
            # elasticity: AI labour rises 1:1 with software OOM and with usable compute, and falls
            # with the human path, so the step is exact on the human-only trend and second-order
            # during takeoff. Where the floor on dt would let software jump past max_step_oom, the
            # software sub-step keeps the unfloored length: software moves on while the clock barely does.
            g_fab = np.log(p["compute.fab_output_growth"]) + p["compute.buildout_boost"] * st["z_fab"]
            g_pow = np.log(p["compute.power_growth"]) + p["compute.buildout_boost"] * st["z_pow"]
            # OOM/yr of usable compute now: the power limit's growth where it binds, else dX/dt / X
            g_xu = np.where(power_binds, g_pow + np.log(p["compute.efficiency_growth"]),
                            acq / st["x"] - p["compute.depreciation"]) / np.log(10.0)
            h_s = np.minimum(dt, max_step_oom / np.maximum(rate, 1e-300))
            half = 0.5 * h_s
            s_mid = st["s"] + rate * half
            log_m_mid = np.log10(np.maximum(m, 1e-300)) + e_q * ((rate + g_xu - g_s / r) * half)
            rate_mid = software.software_rate(s_mid, t + half, np.power(10.0, log_m_mid), g_s, r, lam,
                                              p["software.ceiling_oom"])
            # a midpoint past the ceiling reads a zero rate: there the clipped Euler step is right
            ceiling_gap = np.maximum(p["software.ceiling_oom"] - st["s"], 0.0)
            ds = np.clip(np.where(s_mid >= p["software.ceiling_oom"], rate, rate_mid) * h_s, 0.0, ceiling_gap)
            st["s"] = st["s"] + ds

            acq_growth = np.where(fab_binds, g_fab, physical.budget_growth(p))
            st["x"] = physical.advance_compute(st["x"], acq, acq_growth, p["compute.depreciation"], dt)
            st["ln_fab"] = st["ln_fab"] + g_fab * dt
            st["ln_pow"] = st["ln_pow"] + g_pow * dt
            st["z_fab"] = physical.advance_lag(st["z_fab"], f_mean, p["compute.fab_lead_time_years"], dt)
            st["z_pow"] = physical.advance_lag(st["z_pow"], f_mean, p["compute.power_lead_time_years"], dt)
            st["cumhaz"] = st["cumhaz"] + h * dt

            rows = st["row"]
            acc = slice(None) if whole else rows
            O["bind_power_years"][acc] += np.where(power_binds, dt, 0.0)
            O["bind_fab_years"][acc] += np.where(~power_binds & fab_binds, dt, 0.0)
            O["bind_budget_years"][acc] += np.where(~power_binds & ~fab_binds, dt, 0.0)
            O["years_paused"][acc] += np.where(st["paused"], dt, 0.0)
            O["years_gated"][acc] += np.where(st["awaiting"], dt, 0.0)
            st["build_left"] = np.where(running, st["build_left"] - dt, st["build_left"])
            t = st["t"] = t + dt
        # compute at the new time, for the events below (starts, releases, pause ends, reports)
        x_rep, _ = physical.usable_compute(st["x"], t, st["ln_pow"], p)
        x_new = x_rep if mx is None else mx.covert_compute(st, x_rep)

        # ---------------- events at the new time
        # catastrophe
        cat = (st["cumhaz"] >= st["exp_draw"]) & np.isnan(O["t_catastrophe"][rows])
        O["t_catastrophe"][rows[cat]] = t[cat]

        # tripwire evaluations (measured with error) -> pending halts through the stop protocol
        for j, tw in enumerate(trips):
            due = t >= st[f"trip_next{j}"] - _EPS
            if not due.any():
                continue
            d = np.flatnonzero(due)  # only the rows due are measured, drawn and written (in place)
            metric = _metric(tw.metric, st, f_d, f_a, f_c, f_mean, rate, g_s, V, p)[d]
            count = st[f"trip_count{j}"]
            if tw.error_sd > 0:
                u = uniform(seed, st["idx"][d], stream_id("tripwire:" + tw.name), count[d].astype(np.uint64))
                metric = metric + tw.error_sd * ndtri(u)
            hit = d[~st[f"trip_fired{j}"][d] & (metric >= tw.threshold)]
            count[d] += 1
            st[f"trip_next{j}"][d] += tw.cadence_years
            if hit.size:
                st[f"trip_fired{j}"][hit] = True
                fire = np.zeros(t.size, bool)
                fire[hit] = True
                if mx is not None:  # each actor's strategy decides whether it takes the halt
                    fire = mx.on_fire(st, O, fire, t, tw, x_u, rate)
                f = np.flatnonzero(fire)
                rf = rows[f]
                first = np.isnan(O["t_first_tripwire"][rf])
                O["t_first_tripwire"][rf[first]] = t[f[first]]
                resp = RESPONSES[tw.response]
                hardware = resp in (1, 2)
                delay = tw.lag_years + (latency_years if hardware else 0.0)
                ok = uniform(seed, st["idx"][f], stream_id("stop:" + tw.name)) < (lev_s.reliability if hardware else 1.0)
                O["failed_halts"][rf[~ok]] += 1
                k = f[ok & ~np.isfinite(st["pending_t"][f])]
                st["pending_t"][k] = t[k] + delay
                st["pending_resp"][k] = resp
                st["pending_years"][k] = tw.pause_years

        # halts taking effect (after the point of no control they fail)
        arrive = t >= st["pending_t"] - _EPS
        if arrive.any():
            too_late = arrive & st["noc"]
            O["failed_halts"][rows[too_late]] += 1
            eff = arrive & ~st["noc"]
            resp = st["pending_resp"]
            O["halts"][rows[eff & ((resp == 1) | (resp == 2))]] += 1
            pause = eff & ((resp == 1) | (resp == 2)) & ~st["paused"]
            st["paused"] = st["paused"] | pause
            st["pause_kind"] = np.where(pause, resp, st["pause_kind"]).astype(np.int8)
            st["pause_start"] = np.where(pause, t, st["pause_start"])
            st["pause_end"] = np.where(pause & (resp == 2), t + st["pending_years"], st["pause_end"])
            st["gate"] = st["gate"] | (eff & (resp == 3))
            st["restrict_end"] = np.where(eff & (resp == 4), t + st["pending_years"], st["restrict_end"])
            st["pending_t"] = np.where(arrive, np.inf, st["pending_t"])

        # pauses ending: fixed length, verification caught up, or the developer gives up
        if st["paused"].any():
            # verification of what is being built, read on the paused rows only
            caught_up = np.zeros(t.size, bool)
            j = np.flatnonzero(st["paused"])
            target = np.where(st["building"][j], np.maximum(st["build_cap"][j], st["cap"][j]), st["cap"][j])
            caught_up[j] = _coverage_at(j, st, t, x_new, 1.0, target, p, lev_v, safety) >= 1.0
            end = st["paused"] & (
                ((st["pause_kind"] == 2) & (t >= st["pause_end"] - _EPS))
                | ((st["pause_kind"] == 1) & caught_up)
                | (t - st["pause_start"] >= lev_s.max_pause_years - _EPS)
            )
            st["paused"] = st["paused"] & ~end
            st["pause_end"] = np.where(end, np.inf, st["pause_end"])

        # training runs completing -> release (through the verification gate, detection, drift)
        done = st["building"] & ~st["paused"] & (st["build_left"] <= _EPS)
        if done.any():
            j = np.flatnonzero(done)
            V_rel, cov_rel = np.zeros(t.size), np.zeros(t.size)
            cov_rel[j], V_rel[j] = _coverage_at(j, st, t, x_new, m, st["build_cap"][j], p, lev_v, safety, with_capacity=True)
            blocked = done & st["gate"] & (cov_rel < 1.0)
            st["awaiting"] = blocked
            rel = done & ~blocked
            if rel.any():
                _release(st, O, rel, cov_rel, p, lev_c, detect_on, seed)
                _milestones(st, O, rel, t, V_rel, p)

        # new training runs: when the potential capability clears the step
        # (a row that took no step, waiting at a review or done, decided on arrival)
        idle = ~st["building"] & ~st["paused"] & (dt > 0)
        if idle.any():
            _maybe_start(st, idle, t, x_new, m_code, f_d, f_mean, diverted, sandbox_latency, p,
                         cap_oom=None if mx is None else mx.cap_oom(st))

        if mx is not None:  # output lost, monitoring; at a review: market shares, exits, conditional pauses
            mx.step(st, O, t, dt, x_new, seed, acc)
            mx.review(st, O, t, horizon)

        # reports
        k_rep = st["k_rep"]
        land = (k_rep < n_rep) & (t >= times[np.minimum(k_rep, n_rep - 1)] - _EPS)
        if mx is not None:
            land = land & mx.reviewed(st, t)
        if land.any():
            _record(G, st, land, rows, k_rep, t, m, f_mean, rate / g_s, x_rep, p, lev_v, safety)
            st["k_rep"] = np.where(land, k_rep + 1, k_rep)

        # retire finished or diverged samples (compacting keeps later steps cheap)
        finished = (t >= horizon - _EPS) & (st["k_rep"] >= n_rep) | bad
        if mx is not None:  # retire whole samples (groups of A rows)
            finished = mx.group_all(finished) | mx.group_any(bad)
        n_fin = int(finished.sum())
        # compaction copies every state array: do it when it pays (or a row is bad)
        if n_fin and (bad.any() or n_fin == finished.size or n_fin >= max(32, finished.size // 10)):
            keep = ~finished
            st = {k: v[keep] for k, v in st.items()}
            whole = False
        if it > 2_000_000:  # pragma: no cover - guard against a logic error looping forever
            raise RuntimeError("engine did not terminate")

    _finalize(O, G, times, S, P)
    if mx is not None:
        O, G = mx.aggregate(O, G)
    return O, G


def _metric(name, st, f_d, f_a, f_c, f_mean, rate, g_s, V, p):
    cap = st["cap"]
    if name == "effective_compute":
        return st["K0"] + cap
    if name == "capability_oom":
        return cap
    if name == "automation_mean":
        return f_mean
    if name == "automation_data":
        return f_d
    if name == "automation_arch":
        return f_a
    if name == "automation_code":
        return f_c
    if name == "progress_multiplier":
        return rate / g_s
    if name == "verification_gap":
        return cap - verification.verified_capability_oom(V, p)
    raise KeyError(name)  # validated in Policy


def _maybe_start(st, idle, t, x_u, m_code, f_d, f_mean, diverted, sandbox_latency, p, cap_oom=None):
    """Start generation n+1 where the potential capability clears the deployed one by the step.

    Only the rows in ``idle`` are read; ``start_gap`` is 0 where a run is being built or a halt
    holds, and kept where an idle row is not read."""
    i = np.flatnonzero(idle)
    pi = _pick(p, _START_READS, i)
    m_code_i, cap = m_code[i], st["cap"][i]
    std = generations.run_flop(x_u[i], pi["compute.training_duration_years"], _at(diverted, i), pi)
    dur = generations.run_duration(m_code_i, std, pi)
    flop = std * (dur / pi["compute.training_duration_years"])  # same run, its actual length
    real = data.real_fraction(flop, t[i], pi)
    curation = pi["data.curation_efficiency"] * f_d[i]
    deficit = data.next_deficit(st["deficit"][i], real, st["gen"][i], curation, pi)
    pot = np.log10(flop) - st["K0"][i] + st["s"][i] - data.capability_penalty_oom(deficit, pi)
    growing = True
    if cap_oom is not None:  # a compute cap on the generation's effective training compute
        cap_i = cap_oom[i]
        growing = pot < cap_i
        pot = np.minimum(pot, cap_i)
    go = pot >= cap + pi["generations.step_oom"]
    # distance to the next start, used to size the next step (not while a cap holds pot still)
    gap = np.where(st["building"] | st["paused"], 0.0, st["start_gap"])  # an idle row not read keeps its gap
    gap[i] = np.where(growing & ~go, cap + pi["generations.step_oom"] - pot, 0.0)
    st["start_gap"] = gap
    if go.any():
        j = i[go]
        st["building"][j] = True
        st["build_cap"][j] = pot[go]
        st["build_left"][j] = generations.build_years(
            m_code_i[go], dur[go], _at(sandbox_latency, j), {"generations.prep_years": pi["generations.prep_years"][go]})
        st["build_auto"][j] = f_mean[j]
        st["build_deficit"][j] = deficit[go]
        st["build_real"][j] = real[go]


_START_READS = ("compute.training_duration_years", "compute.training_share", "compute.utilization",
                "generations.", "data.")


def _release(st, O, rel, cov_rel, p, lev_c, detect_on, seed):
    """Release the finished generation where ``rel``: drift, detection, lineage deprecation.

    Only the releasing rows are read and written (in place: no caller holds these arrays)."""
    i = np.flatnonzero(rel)
    rows = st["row"][i]
    pi = _pick(p, ("drift.",), i)
    cov = cov_rel[i]
    fid, fid_ver = st["fid"][i], st["fid_ver"][i]
    delta = drift.drift_rate(st["build_auto"][i], cov, pi, sandbox_catch=_at(lev_c.sandbox_catch_rate, i), air_gap=_at(lev_c.air_gap, i))
    fid_new = drift.next_fidelity(fid, delta)
    rollback = np.zeros(i.size, bool)
    attempt = st["attempt"][i]
    if detect_on:
        hidden = containment.hidden_objective(fid_new, fid_ver, pi)
        u = uniform(seed, st["idx"][i], stream_id("detection"), attempt.astype(np.uint64))
        flag = containment.flagged(hidden, u, tpr=_at(lev_c.detection_tpr, i), fpr=_at(lev_c.detection_fpr, i))
        O["false_alarms"][rows[flag & ~hidden]] += 1
        if lev_c.deprecate_lineage:
            rollback = flag
            O["deprecations"][rows[rollback]] += 1
    st["attempt"][i] = attempt + 1
    ship = ~rollback
    # deprecated lineage: back to the last verified generation
    cap = st["cap"][i] = np.where(rollback, st["cap_ver"][i], st["build_cap"][i])
    fid = st["fid"][i] = np.where(rollback, fid_ver, fid_new)
    deficit = st["deficit"][i] = np.where(rollback, st["deficit_ver"][i], st["build_deficit"][i])
    st["real"][i] = np.where(ship, st["build_real"][i], st["real"][i])
    st["gen"][i] = np.where(ship, st["gen"][i] + 1, st["gen"][i])
    verified = ship & (cov >= 1.0)
    st["fid_ver"][i] = np.where(verified, fid, fid_ver)
    st["cap_ver"][i] = np.where(verified, cap, st["cap_ver"][i])
    st["deficit_ver"][i] = np.where(verified, deficit, st["deficit_ver"][i])
    st["building"][i] = False
    st["awaiting"][i] = False
    _capability_cache(st, p, i)


_KEYS: dict[tuple[str, ...], tuple[int, list[str]]] = {}


def _keys(p, prefixes):
    """The parameter paths under ``prefixes`` (every scenario has the same paths: found once)."""
    hit = _KEYS.get(prefixes)
    if hit is None or hit[0] != len(p):
        hit = _KEYS[prefixes] = (len(p), [k for k in p if k.startswith(prefixes)])
    return hit[1]


def _pick(p, prefixes, i):
    """The parameters under ``prefixes``, at rows ``i``."""
    return {k: p[k].take(i) for k in _keys(p, prefixes)}


def _at(v, i):
    """Rows ``i`` of a per-row quantity; a scalar (a lever the same for every row) as it is."""
    return v[i] if isinstance(v, np.ndarray) and v.ndim else v


def _capability_cache(st, p, i=None):
    """Keep what moves only with the deployed generation's capability (``cap:*`` in the state):
    the automation shares and task weights, the verification requirement and the hazard level.
    Computed for every row at the start and for rows ``i`` at a release (or a rollback)."""
    cap = st["cap"]
    if i is not None:
        cap = cap[i]
        p = _pick(p, _CAPABILITY_READS, i)
    kept = auto.capability_terms(cap, p)
    kept["req"] = verification.required(cap, p)
    kept["hazard"] = risk.level(cap, p)
    for k, v in kept.items():
        if i is not None:  # a new array: this step's readers keep the values they were given
            full = st["cap:" + k].copy()
            full[i] = v
            v = full
        st["cap:" + k] = v


_CAPABILITY_READS = ("automation.", "risk.", "verification.required_exponent")


def _coverage_at(j, st, t, x_u, m, capability_oom, p, lev_v, safety, with_capacity=False):
    """Verification coverage of ``capability_oom`` for rows ``j`` at the new time, from usable
    compute ``x_u`` and software then (and the capacity)."""
    pv = _pick(p, ("verification.",), j)
    eff = np.power(10.0, np.log10(x_u[j] / st["x0"][j]) + st["s"][j])
    V = verification.capacity(t[j], eff, _at(m, j), pv, compute_share=lev_v.compute_share, safety_effort=_at(safety, j))
    cov = verification.coverage(V, capability_oom, pv)
    return (cov, V) if with_capacity else cov


def _milestones(st, O, rel, t, V, p):
    """Record the milestones the deployed generation passes at a release (only the rows
    that released are read)."""
    i = np.flatnonzero(rel)
    rows, cap, tt, fid = st["row"][i], st["cap"][i], t[i], st["fid"][i]
    pv = {k: p[k][i] for k in ("automation.width_oom", "automation.midpoint_data_oom", "automation.midpoint_arch_oom",
                               "automation.midpoint_code_oom", "verification.required_exponent",
                               "milestones.takeoff_start_automation", "milestones.superhuman_oom",
                               "risk.no_control_automation", "drift.unaligned_fidelity", "risk.danger_oom")}
    w = pv["automation.width_oom"]
    f_c = auto.automation_fraction(cap, pv["automation.midpoint_code_oom"], w)
    f_mean = (auto.automation_fraction(cap, pv["automation.midpoint_data_oom"], w)
              + auto.automation_fraction(cap, pv["automation.midpoint_arch_oom"], w) + f_c) / 3.0
    Vi = V[i]
    gap = cap - verification.verified_capability_oom(Vi, pv)
    cov = verification.coverage(Vi, cap, pv)

    def first(col, cond):
        hit = cond & np.isnan(O[col][rows])
        O[col][rows[hit]] = tt[hit]
        return hit

    for a in AUTOMATION_MILESTONES:
        first(f"t_automation_{round(a * 100)}", f_mean >= a)
    for c in CAPABILITY_MILESTONES:
        first(f"t_capability_{c}oom", cap >= c)
    hit = first("t_takeoff_start", f_mean >= pv["milestones.takeoff_start_automation"])
    if hit.any():
        st["takeoff"][i[hit]] = True
        O["capability_at_takeoff_start"][rows[hit]] = cap[hit]
        O["fidelity_at_takeoff_start"][rows[hit]] = fid[hit]
        O["gap_at_takeoff_start"][rows[hit]] = gap[hit]
    sup_level = O["capability_at_takeoff_start"][rows] + pv["milestones.superhuman_oom"]
    hit = first("t_superhuman", st["takeoff"][i] & (cap >= sup_level))
    if hit.any():
        O["fidelity_at_superhuman"][rows[hit]] = fid[hit]
        O["gap_at_superhuman"][rows[hit]] = gap[hit]
        O["unverified_takeoff"][rows[hit]] = cov[hit] < 1.0
    noc = (f_c >= pv["risk.no_control_automation"]) & (cov < 1.0) & ~st["noc"][i]
    if noc.any():
        st["noc"][i[noc]] = True
        O["t_no_control"][rows[noc]] = tt[noc]
    first("t_unaligned", (fid < pv["drift.unaligned_fidelity"]) & (cap >= pv["risk.danger_oom"]))


def _record(G, st, land, rows, k_rep, t, m, f_mean, mult, x_u, p, lev_v, safety):
    """Write the state of the rows in ``land`` into the report grid at their report index.

    The state is the one at the new time (the step has moved compute and software); ``x_u`` is
    the developer's own usable compute, covert or not. Only the landing rows are read."""
    every = bool(land.all())  # a single developer's rows usually land on the same report time
    i = None if every else np.flatnonzero(land)

    def sel(a):
        return a if every or not (isinstance(a, np.ndarray) and a.ndim) else a.take(i)

    n_rep = next(iter(G.values())).shape[1]
    flat = sel(rows) * n_rep + sel(k_rep)  # one index computation for every variable
    K0, cap = sel(st["K0"]), sel(st["cap"])
    x_u = sel(x_u)
    pv = {k: p[k] for k in _keys(p, ("verification.",))} if every else _pick(p, ("verification.",), i)
    eff = np.power(10.0, np.log10(x_u / sel(st["x0"])) + sel(st["s"]))
    V = verification.capacity(sel(t), eff, sel(m), pv, compute_share=lev_v.compute_share, safety_effort=sel(safety))
    values = {
        "effective_compute": K0 + cap,
        "verified_capability": K0 + verification.verified_capability_oom(V, pv),
        "fidelity": sel(st["fid"]),
        "automation": sel(f_mean),
        "progress_multiplier": sel(mult),
        "software_oom": sel(st["s"]),
        "compute_flops": np.log10(x_u),
        "synthetic_share": 1.0 - sel(st["real"]),
        "data_deficit": sel(st["deficit"]),
        "paused": sel(st["paused"]),
        "p_catastrophe": risk.probability(sel(st["cumhaz"])),
        "generation": sel(st["gen"]),
    }
    if "a:share" in st:  # a single developer's share is 1 everywhere: filled once in _finalize
        values["market_share"] = sel(st["a:share"])
    for name, v in values.items():
        G[name].reshape(-1)[flat] = v


def _finalize(O, G, times, S, P):
    """Outcomes computed from the report grid and the final state."""
    if "a:share" not in S:  # one developer holds the whole market wherever the grid was written
        G["market_share"][:] = np.where(np.isnan(G["effective_compute"]), np.nan, 1.0)
    cap = G["effective_compute"].astype(np.float64)
    dtr = times[1] - times[0] if times.size > 1 else 1.0
    w = max(1, int(round(1.0 / dtr)))
    if cap.shape[1] > w:
        gain = cap[:, w:] - cap[:, :-w]
        peak = np.nanmax(np.where(np.isnan(gain), -np.inf, gain), axis=1)
    else:
        peak = np.full(cap.shape[0], np.nan)
    O["peak_oom_per_year"] = np.where(np.isfinite(peak), peak, np.nan)
    trend = P["software.initial_rate_oom_per_year"] + np.log10(
        P["compute.investment_growth"] * P["compute.price_performance_growth"])
    O["years_in_one_year"] = O["peak_oom_per_year"] / trend
    O["takeoff_years"] = O["t_superhuman"] - O["t_takeoff_start"]
    O["takeoff_days"] = O["takeoff_years"] * _DAYS
    O["hard_takeoff"] = O["takeoff_years"] < 1.0
    O["safety_window_years"] = O["t_no_control"] - O["t_first_tripwire"]
    last = _last_valid(G)
    O["final_effective_compute"] = last["effective_compute"]
    O["final_verified_capability"] = last["verified_capability"]
    O["final_gap_oom"] = last["effective_compute"] - last["verified_capability"]
    O["final_fidelity"] = last["fidelity"]
    O["final_automation"] = last["automation"]
    O["generations"] = last["generation"]
    O["synthetic_share_end"] = last["synthetic_share"]
    O["data_deficit_end"] = last["data_deficit"]
    O["p_catastrophe"] = last["p_catastrophe"]
    O["unaligned_capability"] = ~np.isnan(O["t_unaligned"])
    O["catastrophe"] = ~np.isnan(O["t_catastrophe"])
    binds = np.stack([O["bind_budget_years"], O["bind_fab_years"], O["bind_power_years"]], axis=1)
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

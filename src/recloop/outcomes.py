"""Outcome columns (documented once), the results table, and the run summary.

Dates are decimal years after the scenario's start (``start_year`` is added in the summary and
the report). A date that was not reached by the horizon is *censored*: it is null in Parquet
and reported as "not reached" with its share in the summary, never a silent NaN.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa

from recloop.engine import AUTOMATION_MILESTONES, CAPABILITY_MILESTONES, STATUS, SimResult
from recloop.governance.actors import ACTOR_COLUMNS
from recloop.mechanisms.physical import LIMIT_NAMES

__all__ = ["COLUMNS", "to_table", "summarize", "trajectory_table", "fan"]

COLUMNS: dict[str, str] = {
    "run_id": "identifier of the run (also in the catalog)",
    "sample": "global sample index; sample i depends only on (seed, i)",
    "seed": "the run's seed",
    "scenario": "scenario name",
    "policy": "policy name",
    "status": "ok, or diverged (a finite-time singularity the step could not follow)",
    "t_diverged": "years after start at which the sample diverged (null if it did not)",
    **{f"t_automation_{round(a * 100)}": f"years until mean R&D automation reaches {a:.0%} (null: censored)" for a in AUTOMATION_MILESTONES},
    **{f"t_capability_{c}oom": f"years until the deployed generation is {c} OOM of effective compute above the start (null: censored)" for c in CAPABILITY_MILESTONES},
    "t_takeoff_start": "years until AI does most of its own engineering (milestones.takeoff_start_automation)",
    "t_superhuman": "years until capability is milestones.superhuman_oom above takeoff start (vastly superhuman)",
    "takeoff_years": "t_superhuman - t_takeoff_start (null: censored)",
    "takeoff_days": "takeoff_years in days",
    "hard_takeoff": "takeoff shorter than one year",
    "years_in_one_year": "most years of pre-automation progress (effective compute trend at start) packed into one year",
    "peak_oom_per_year": "largest rise of deployed effective compute over any one-year window, OOM",
    "capability_at_takeoff_start": "deployed capability at takeoff start, OOM above the start",
    "fidelity_at_takeoff_start": "alignment fidelity at takeoff start",
    "gap_at_takeoff_start": "verification gap at takeoff start, OOM",
    "fidelity_at_superhuman": "alignment fidelity when vastly superhuman",
    "gap_at_superhuman": "verification gap when vastly superhuman, OOM",
    "unverified_takeoff": "reached vastly superhuman capability while verification did not cover it",
    "t_no_control": "years until the point of no control: code automation past risk.no_control_automation while unverified",
    "t_first_tripwire": "years until the first tripwire fired",
    "safety_window_years": "t_no_control - t_first_tripwire: time between warning and loss of control",
    "t_unaligned": "years until unaligned capability (fidelity below drift.unaligned_fidelity above the danger level)",
    "unaligned_capability": "unaligned capability reached by the horizon",
    "p_catastrophe": "cumulative probability of catastrophe by the horizon (1 - exp(-integrated hazard))",
    "catastrophe": "a catastrophe happened in this sample's draw",
    "t_catastrophe": "years until that catastrophe",
    "halts": "halts that took effect",
    "failed_halts": "halts that failed: stop protocol unreliable, or arriving after the point of no control",
    "years_paused": "years spent paused",
    "years_gated": "years finished generations waited for verification",
    "deprecations": "lineages rolled back after adversarial detection",
    "false_alarms": "detections of a clean successor",
    "generations": "generations released by the horizon",
    "final_effective_compute": "log10 effective FLOP of the deployed generation at the horizon",
    "final_verified_capability": "log10 effective FLOP verified at the horizon",
    "final_gap_oom": "verification gap at the horizon, OOM",
    "final_fidelity": "alignment fidelity at the horizon",
    "final_automation": "mean automation at the horizon",
    "synthetic_share_end": "synthetic share of the deployed generation's training data at the horizon",
    "data_deficit_end": "data-quality deficit of the deployed generation at the horizon",
    "bind_budget_years": "years in which the budget limited compute",
    "bind_fab_years": "years in which the fab supply share limited compute",
    "bind_power_years": "years in which power limited compute",
    "binding_limit": "the limit that bound longest: budget, fab or power",
    "in:<path>": "the sampled value of each scenario parameter",
    # many actors (scenario [[actors]]; recloop.governance.actors). Per sample: each date is the
    # first actor's to reach it (the frontier), counts are summed, takeoff and final quantities are
    # the frontier actor's; each actor's own key dates are in actor_t_<date>_<name>.
    "t_<milestone> (many actors)": "with [[actors]]: the date the first actor reached the milestone (the frontier; "
                                   "null: no actor did); the actor's own dates are actor_t_superhuman_<name>, "
                                   "actor_t_takeoff_start_<name>, actor_t_no_control_<name>",
    "safety_window_years (many actors)": "with [[actors]]: first actor's t_no_control - first tripwire fired on any actor",
    "takeoff_years (many actors)": "with [[actors]]: the frontier actor's own takeoff (its t_superhuman - t_takeoff_start)",
    "frontier_actor": "index of the frontier actor: first to vastly superhuman, else most capable at the horizon",
    "output_lost": "market-share-years during which developers were halted (sum over actors)",
    "risk_share_nonmembers": "share of the integrated hazard carried by actors outside the treaty (null: no treaty or no hazard)",
    "share_nonmembers": "market share of actors outside the treaty at the horizon (null: no treaty)",
    "defections": "actors that declared a pause and built covertly",
    "covert_detected": "covert build-outs detected by monitoring",
    "breaches": "treaty members that raced openly through a mandated pause",
    "breaches_found": "open breaches found by monitoring (and sanctioned like a caught covert defector)",
    **{f"actor_{k}_<name>": v for k, v in ACTOR_COLUMNS.items()},
}

_DATE_COLUMNS = [c for c in COLUMNS if c.startswith("t_") and " " not in c]


def to_table(result: SimResult, run_id: str = "") -> pa.Table:
    """One row per sample: ids, inputs, status and outcomes, with censored dates as nulls."""
    O = result.outcomes
    n = result.samples
    cols: dict[str, pa.Array] = {
        "run_id": pa.array([run_id] * n, pa.string()),
        "sample": pa.array(O["sample"], pa.int64()),
        "seed": pa.array(np.full(n, result.seed), pa.int64()),
        "scenario": pa.array([result.scenario.name] * n, pa.string()),
        "policy": pa.array([result.policy.name] * n, pa.string()),
        "status": pa.array(np.array(STATUS)[O["status"]], pa.string()),
    }
    for k, v in O.items():
        if k in ("sample", "status") or k.startswith("in:"):
            continue
        if k == "binding_limit":
            cols[k] = pa.array(np.array(LIMIT_NAMES)[v], pa.string())
        elif v.dtype == bool:
            cols[k] = pa.array(v, pa.bool_())
        else:
            arr = np.asarray(v, dtype=np.float64)
            cols[k] = pa.array(arr, pa.float64(), mask=~np.isfinite(arr))
    for k, v in O.items():
        if k.startswith("in:"):
            cols[k] = pa.array(v, pa.float64())
    return pa.table(cols)


def _q(v: np.ndarray, qs=(10, 50, 90)) -> dict[str, float | None]:
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {f"p{q}": None for q in qs}
    return {f"p{q}": float(np.percentile(v, q)) for q in qs}


def _date_summary(v: np.ndarray, start: float) -> dict[str, Any]:
    reached = np.isfinite(v)
    out = {"reached": float(reached.mean())}
    out.update({k: (None if x is None else round(start + x, 3)) for k, x in _q(v).items()})
    return out


def summarize(result: SimResult) -> dict[str, Any]:
    """Quantiles and probabilities of the headline outcomes (dates as calendar years).

    Quantiles of a date are over the samples that reached it; ``reached`` gives that share, so a
    reader sees both how likely and when.
    """
    O = result.outcomes
    start = result.scenario.start_year
    n = result.samples
    ok = O["status"] == 0
    s: dict[str, Any] = {
        "scenario": result.scenario.name,
        "policy": result.policy.name,
        "samples": n,
        "seed": result.seed,
        "years": result.years,
        "start_year": start,
        "diverged": float((~ok).mean()),
        "milestones": {k: _date_summary(O[k], start) for k in
                       [f"t_automation_{round(a * 100)}" for a in AUTOMATION_MILESTONES]
                       + ["t_takeoff_start", "t_superhuman", "t_no_control", "t_unaligned"]},
        "takeoff": {
            "reached": float(np.isfinite(O["takeoff_years"]).mean()),
            "years": _q(O["takeoff_years"]),
            "days": _q(O["takeoff_days"]),
            "p_hard": float(np.mean(O["takeoff_years"] < 1.0)),
            "p_under_30_days": float(np.mean(O["takeoff_days"] < 30.0)),
            "years_in_one_year": _q(O["years_in_one_year"]),
            "peak_oom_per_year": _q(O["peak_oom_per_year"]),
        },
        "alignment": {
            "fidelity_at_takeoff_start": _q(O["fidelity_at_takeoff_start"]),
            "gap_at_takeoff_start_oom": _q(O["gap_at_takeoff_start"]),
            "gap_at_superhuman_oom": _q(O["gap_at_superhuman"]),
            "final_gap_oom": _q(O["final_gap_oom"]),
            "final_fidelity": _q(O["final_fidelity"]),
            "p_unverified_takeoff": float(O["unverified_takeoff"].mean()),
            "p_unaligned_capability": float(O["unaligned_capability"].mean()),
        },
        "risk": {
            "p_catastrophe_mean": float(np.mean(O["p_catastrophe"])),
            "p_catastrophe": _q(O["p_catastrophe"]),
            "p_no_control": float(np.isfinite(O["t_no_control"]).mean()),
        },
        "halts": {
            "mean_halts": float(O["halts"].mean()),
            "mean_failed_halts": float(O["failed_halts"].mean()),
            "p_any_halt": float((O["halts"] > 0).mean()),
            "years_paused": _q(O["years_paused"]),
            "mean_deprecations": float(O["deprecations"].mean()),
            "safety_window_years": _q(O["safety_window_years"]),
        },
        "data": {
            "synthetic_share_end": _q(O["synthetic_share_end"]),
            "data_deficit_end": _q(O["data_deficit_end"]),
        },
        "physical": {f"p_binding_{name}": float(np.mean(O["binding_limit"] == i)) for i, name in enumerate(LIMIT_NAMES)},
        "capability": {
            "final_effective_compute": _q(O["final_effective_compute"]),
            "generations": _q(O["generations"]),
        },
    }
    return _clean(s)


def _clean(x):
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def fan(result: SimResult, var: str, qs=(5, 25, 50, 75, 95)) -> dict[str, list[float | None]]:
    """Quantiles of a trajectory variable at each report time (for fan charts)."""
    g = result.trajectories[var].astype(np.float64)
    out = {"t": [round(result.scenario.start_year + float(t), 4) for t in result.times]}
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            vals = np.nanpercentile(g, qs, axis=0)
    for q, row in zip(qs, vals):
        out[f"p{q}"] = [None if not np.isfinite(x) else float(x) for x in row]
    return out


def trajectory_table(result: SimResult, *, max_samples: int = 500) -> pa.Table:
    """Long table (sample, year, variables) of the first ``max_samples`` samples' trajectories."""
    k = min(max_samples, result.samples)
    times = result.times
    sample = np.repeat(result.outcomes["sample"][:k], times.size)
    year = np.tile(result.scenario.start_year + times, k)
    cols = {"sample": pa.array(sample, pa.int64()), "year": pa.array(year, pa.float64())}
    for var, g in result.trajectories.items():
        cols[var] = pa.array(g[:k].reshape(-1).astype(np.float64), pa.float64())
    return pa.table(cols)

"""Outcomes, each declared once: name, unit, meaning, how it is censored, how it aggregates.

An :class:`Outcome` is the one place an outcome's meaning lives (STYLE.md 15, after the EMA
Workbench's ``ScalarOutcome``). The engine fills the columns named in :data:`COLUMNS`; the
summary, the robust comparison, the policy comparison, the claims and the games read the
declaration, so what a missing value means is decided once, per outcome:

* ``none``: defined in every world (a count, a flag of an event *by the horizon*, a quantity).
* ``horizon``: a date. Not reached by the horizon = *censored at the horizon*: the true value is
  later than the horizon; an analysis that needs a number uses the horizon as a lower bound and
  reports the censored share.
* ``takeoff``: the takeoff's length, ``t_superhuman - t_takeoff_start``. A takeoff that started
  but did not finish by the horizon is censored there: its length is at least
  ``horizon - t_takeoff_start`` (a lower bound, not 30 years); a world in which takeoff never
  started has no takeoff (undefined, left out, with its share shown).
* ``window``: the safety window, from the first tripwire to the point of no control. No tripwire
  before control was lost means *no warning*: a window of zero, not a missing value. A warning
  with control never lost by the horizon is censored there (at least ``horizon - t_first``);
  neither a warning nor a loss of control by the horizon: zero so far, censored.
* ``premise``: a yes/no outcome that is defined only where its premise happened (an
  *unverified takeoff* needs a takeoff to vastly superhuman). A world that never got there is
  censored: it is not counted as safe; shares are given among the worlds that reached the premise,
  with the censored share beside them.
* ``undefined``: a quantity with no value for a stated reason (the fidelity at superhuman in a
  world that never got there; the non-members' risk share with no treaty). Left out and counted,
  never imputed.

Aggregation across actors (scenarios with ``[[actors]]``): ``first`` (the first actor to reach a
date), ``any`` (a world-level event if any actor has it), ``sum`` (counts), ``frontier`` (the
frontier actor's value: first to vastly superhuman, else the most capable at the horizon),
``world`` (a world-level quantity computed from every actor, e.g. P(catastrophe) from the actors'
hazards combined by :data:`HAZARD_AGGREGATIONS`), ``max``. :func:`aggregate` applies a rule; the
engine's many-actor layer (:meth:`recloop.governance.actors.MultiActor.aggregate`) reads each
column's rule here and computes only the ``world`` ones itself.

Monte Carlo errors: shares carry a Wilson score interval (:func:`wilson`), medians and other
quantiles an order-statistic (distribution-free) interval (:func:`quantile_ci`), both at 95%.
Dates are decimal years after the scenario's start (``start_year`` is added in the summary).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pyarrow as pa

from recloop import arrowcols
from recloop.engine import AUTOMATION_MILESTONES, CAPABILITY_MILESTONES, STATUS, SimResult
from recloop.governance.actors import ACTOR_COLUMNS
from recloop.mechanisms import horizon as _horizon
from recloop.mechanisms.physical import LIMIT_NAMES
from recloop.world import Status

__all__ = ["Outcome", "OUTCOMES", "COLUMNS", "Censored", "outcome", "values", "aggregate", "HAZARD_AGGREGATIONS",
           "world_hazard", "wilson",
           "quantile_ci", "share_stats", "quantile_stats", "to_table", "summarize", "trajectory_table", "fan",
           "CONFIDENCE"]

Censoring = Literal["none", "horizon", "takeoff", "window", "premise", "undefined"]
Aggregate = Literal["first", "any", "sum", "frontier", "world", "max", "id"]
#: confidence level of every Monte Carlo interval recloop reports
CONFIDENCE = 0.95
_DAYS = 365.25


@dataclass(frozen=True)
class Outcome:
    """One outcome: what it measures, in which unit, what a missing value means, how actors combine."""

    name: str
    unit: str
    meaning: str
    censoring: Censoring = "none"
    aggregate: Aggregate = "frontier"
    premise: str | None = None  # for censoring == "premise": the date that must be reached

    def describe(self) -> str:
        return f"{self.meaning} [{self.unit}; censoring: {self.censoring}; across actors: {self.aggregate}]"


def _o(name, unit, meaning, censoring="none", aggregate="frontier", premise=None) -> Outcome:
    return Outcome(name, unit, meaning, censoring, aggregate, premise)


_DATE = "yr after start"
_DECLARED: list[Outcome] = [
    _o("run_id", "-", "identifier of the run (also in the catalog)", aggregate="id"),
    _o("sample", "-", "global sample index; sample i depends only on (seed, i)", aggregate="id"),
    _o("seed", "-", "the run's seed", aggregate="id"),
    _o("scenario", "-", "scenario name", aggregate="id"),
    _o("policy", "-", "policy name", aggregate="id"),
    _o("status", "-", "the sample's status, by code: " + "; ".join(f"{s.label}: {s.reason}" for s in Status)
       + " (recloop.world.Status)", aggregate="max"),
    _o("t_diverged", _DATE, "years after start at which the sample diverged (null if it did not)", "horizon", "first"),
    *[_o(f"t_automation_{round(a * 100)}", _DATE, f"years until mean R&D automation reaches {a:.0%} (null: censored)",
         "horizon", "first") for a in AUTOMATION_MILESTONES],
    *[_o(f"t_capability_{c}oom", _DATE, f"years until the deployed generation is {c} OOM of effective compute above "
         "the start (null: censored)", "horizon", "first") for c in CAPABILITY_MILESTONES],
    *[_o(f"t_horizon_{k}", _DATE, f"years until the deployed generation's METR 50% time horizon reaches {h:g} human "
         "working hours (recloop.mechanisms.horizon; null: censored)", "horizon", "first")
      for k, h in _horizon.MILESTONES.items()],
    _o("t_takeoff_start", _DATE, "years until AI does most of its own engineering (milestones.takeoff_start_automation)",
       "horizon", "first"),
    _o("t_superhuman", _DATE, "years until capability is milestones.superhuman_oom above takeoff start (vastly superhuman)",
       "horizon", "first"),
    _o("takeoff_years", "yr", "t_superhuman - t_takeoff_start (null: censored; a takeoff unfinished at the horizon "
       "lasts at least horizon - t_takeoff_start)", "takeoff"),
    _o("takeoff_days", "days", "takeoff_years in days", "takeoff"),
    _o("hard_takeoff", "yes/no", "takeoff shorter than one year (no: also when no takeoff finished by the horizon)"),
    _o("years_in_one_year", "yr/yr", "most years of pre-automation progress (effective compute trend at start) packed "
       "into one year"),
    _o("peak_oom_per_year", "OOM/yr", "largest rise of deployed effective compute over any one-year window, OOM"),
    _o("capability_at_takeoff_start", "OOM", "deployed capability at takeoff start, OOM above the start", "undefined"),
    _o("fidelity_at_takeoff_start", "1", "alignment fidelity at takeoff start", "undefined"),
    _o("gap_at_takeoff_start", "OOM", "verification gap at takeoff start, OOM", "undefined"),
    _o("fidelity_at_superhuman", "1", "alignment fidelity when vastly superhuman", "undefined"),
    _o("gap_at_superhuman", "OOM", "verification gap when vastly superhuman, OOM", "undefined"),
    _o("unverified_takeoff", "yes/no", "reached vastly superhuman capability while verification did not cover it "
       "(undecided in a world that never reached vastly superhuman: censored, not safe)", "premise", "any",
       premise="t_superhuman"),
    _o("t_no_control", _DATE, "years until the point of no control: code automation past risk.no_control_automation "
       "while unverified", "horizon", "first"),
    _o("t_first_tripwire", _DATE, "years until the first tripwire fired", "horizon", "first"),
    _o("safety_window_years", "yr", "t_no_control - t_first_tripwire: time between warning and loss of control "
       "(no warning before loss of control: 0; control not lost by the horizon: censored there)", "window", "world"),
    _o("t_unaligned", _DATE, "years until unaligned capability (fidelity below drift.unaligned_fidelity above the danger "
       "level)", "horizon", "first"),
    _o("unaligned_capability", "yes/no", "unaligned capability reached by the horizon", aggregate="any"),
    _o("p_catastrophe", "probability", "cumulative probability of catastrophe by the horizon (1 - exp(-integrated "
       "hazard); with actors the actors' integrated hazards combine by market.catastrophe_aggregation)", aggregate="world"),
    _o("catastrophe", "yes/no", "a catastrophe happened in this sample's draw (with actors: the world's one process, "
       "market.catastrophe_aggregation)", aggregate="world"),
    _o("t_catastrophe", _DATE, "years until that catastrophe", "horizon", "world"),
    _o("halts", "count", "halts that took effect", aggregate="sum"),
    _o("failed_halts", "count", "halts that failed: stop protocol unreliable, or arriving after the point of no control",
       aggregate="sum"),
    _o("years_paused", "yr", "years spent paused", aggregate="sum"),
    _o("years_gated", "yr", "years finished generations waited for verification", aggregate="sum"),
    _o("deprecations", "count", "lineages rolled back after adversarial detection", aggregate="sum"),
    _o("false_alarms", "count", "detections of a clean successor", aggregate="sum"),
    _o("generations", "count", "generations released by the horizon"),
    _o("final_effective_compute", "log10 FLOP", "log10 effective FLOP of the deployed generation at the horizon"),
    _o("final_verified_capability", "log10 FLOP", "log10 effective FLOP verified at the horizon"),
    _o("final_gap_oom", "OOM", "verification gap at the horizon, OOM"),
    _o("final_fidelity", "1", "alignment fidelity at the horizon"),
    _o("final_automation", "1", "mean automation at the horizon"),
    _o("synthetic_share_end", "1", "synthetic share of the deployed generation's training data at the horizon"),
    _o("data_deficit_end", "1", "data-quality deficit of the deployed generation at the horizon"),
    _o("bind_budget_years", "yr", "years in which the budget limited compute"),
    _o("bind_fab_years", "yr", "years in which the fab supply share limited compute"),
    _o("bind_power_years", "yr", "years in which power limited compute"),
    _o("bind_economy_years", "yr", "years in which the share of world output AI may take limited spending"),
    _o("binding_limit", "label", "the limit that bound longest: budget, fab, power or economy"),
    _o("reached_power_ceiling", "yes/no", "compute was held at the world power ceiling at some time"),
    _o("reached_fab_ceiling", "yes/no", "compute was held at the leading-edge chip ceiling at some time"),
    _o("reached_spend_ceiling", "yes/no", "spending was held at its share of world output at some time"),
    _o("reached_efficiency_limit", "yes/no", "chip energy efficiency reached its physical limit (compute.max_efficiency_gain)"),
    _o("peak_power_gw", "GW", "largest power drawn by the developer's compute over the run"),
    _o("peak_spend_share", "1", "largest share of world output spent on compute over the run"),
    _o("peak_chip_share", "1", "largest share of leading-edge chip output held over the run"),
    _o("final_compute_flops", "FLOP/s", "physical compute of the developer at the horizon"),
    # many actors (scenario [[actors]]; recloop.governance.actors)
    _o("frontier_actor", "index", "index of the frontier actor: first to vastly superhuman, else most capable at the "
       "horizon", aggregate="world"),
    _o("output_lost", "market-share-years", "market-share-years during which developers were halted (sum over actors)",
       aggregate="sum"),
    _o("risk_share_nonmembers", "1", "share of the integrated hazard carried by actors outside the treaty (null: no "
       "treaty or no hazard)", "undefined", "world"),
    _o("share_nonmembers", "1", "market share of actors outside the treaty at the horizon (null: no treaty)",
       "undefined", "world"),
    _o("defections", "count", "actors that declared a pause and built covertly", aggregate="sum"),
    _o("covert_detected", "count", "covert build-outs detected by monitoring", aggregate="sum"),
    _o("breaches", "count", "treaty members that raced openly through a mandated pause", aggregate="sum"),
    _o("breaches_found", "count", "open breaches found by monitoring (and sanctioned like a caught covert defector)",
       aggregate="sum"),
    _o("false_accusations", "count", "treaty members the verifier accused while they complied with a mandated pause "
       "(evidence model; sanctioned as if found)", aggregate="sum"),
    _o("t_detected", _DATE, "years until monitoring first found a covert project or an open breach (null: none found "
       "by the horizon, censored there)", "horizon", "first"),
]

#: every declared outcome, by name
OUTCOMES: dict[str, Outcome] = {o.name: o for o in _DECLARED}

COLUMNS: dict[str, str] = {
    **{o.name: o.meaning for o in _DECLARED},
    "in:<path>": "the sampled value of each scenario parameter",
    # many actors: per sample, each date is the first actor's to reach it (the frontier), counts are
    # summed, takeoff and final quantities are the frontier actor's (Outcome.aggregate)
    "t_<milestone> (many actors)": "with [[actors]]: the date the first actor reached the milestone (the frontier; "
                                   "null: no actor did); the actor's own dates are actor_t_superhuman_<name>, "
                                   "actor_t_takeoff_start_<name>, actor_t_no_control_<name>",
    "safety_window_years (many actors)": "with [[actors]]: first actor's t_no_control - first tripwire fired on any actor",
    "takeoff_years (many actors)": "with [[actors]]: the frontier actor's own takeoff (its t_superhuman - t_takeoff_start)",
    **{f"actor_{k}_<name>": v for k, v in ACTOR_COLUMNS.items()},
}

_DATE_COLUMNS = [o.name for o in _DECLARED if o.censoring == "horizon"]


def outcome(name: str) -> Outcome:
    """The declaration of ``name``; per-actor columns (``actor_<key>_<actor>``) get theirs from
    :data:`recloop.governance.actors.ACTOR_COLUMNS` (dates censored at the horizon)."""
    if name in OUTCOMES:
        return OUTCOMES[name]
    if name.startswith("actor_t_"):
        return _o(name, _DATE, "an actor's own date (null: censored)", "horizon", "id")
    if name.startswith("actor_"):
        return _o(name, "-", "a per-actor column (recloop.governance.actors.ACTOR_COLUMNS)", "none", "id")
    if name.startswith("in:"):
        return _o(name, "-", "a sampled scenario parameter", "none", "id")
    raise KeyError(name)


# ---------------------------------------------------------------------------- censoring
@dataclass(frozen=True)
class Censored:
    """An outcome's values as its declaration reads them.

    ``value``: a number per world (NaN where ``missing``); where ``censored`` it is a lower bound
    (the horizon for a date not reached, the time elapsed for a takeoff or a window still open).
    ``missing``: no value (undefined for a stated reason, or a yes/no outcome whose premise was not
    reached). ``rule`` says in words what was done.
    """

    name: str
    value: np.ndarray
    censored: np.ndarray
    missing: np.ndarray
    rule: str

    @property
    def censored_share(self) -> float:
        return float(self.censored.mean()) if self.value.size else 0.0

    @property
    def missing_share(self) -> float:
        return float(self.missing.mean()) if self.value.size else 0.0


def _f(O, k, n):
    return np.asarray(O[k], dtype=np.float64) if k in O else np.full(n, np.nan)


def values(name: str, O: dict[str, np.ndarray], horizon: float, *, actors: list[str] | None = None) -> Censored:
    """``name``'s values in the outcome columns ``O`` under its censoring rule (module docstring).

    ``actors`` (the scenario's actor names, in order) lets a many-actor takeoff censored at the
    horizon use the frontier actor's own takeoff start for its lower bound.
    """
    o = outcome(name)
    raw = O[name]
    n = len(raw)
    H = float(horizon)
    if o.censoring == "none":
        v = np.asarray(raw, dtype=np.float64)
        miss = ~np.isfinite(v)
        return Censored(name, v, np.zeros(n, bool), miss, "defined in every world" if not miss.any()
                        else f"no value in {miss.mean():.1%} of worlds (left out)")
    if o.censoring == "undefined":
        v = np.asarray(raw, dtype=np.float64)
        miss = ~np.isfinite(v)
        return Censored(name, np.where(miss, np.nan, v), np.zeros(n, bool), miss,
                        f"undefined in {miss.mean():.1%} of worlds (left out, not imputed)")
    if o.censoring == "horizon":
        v = np.asarray(raw, dtype=np.float64)
        cens = ~np.isfinite(v)
        return Censored(name, np.where(cens, H, v), cens, np.zeros(n, bool),
                        f"not reached by the horizon in {cens.mean():.1%} of worlds: censored at the horizon ({H:g} yr)")
    if o.censoring == "takeoff":
        scale = _DAYS if name.endswith("_days") else 1.0
        v = np.asarray(raw, dtype=np.float64) / scale
        start = _f(O, "t_takeoff_start", n)
        if actors and "frontier_actor" in O and all(f"actor_t_takeoff_start_{a}" in O for a in actors):
            per = np.stack([_f(O, f"actor_t_takeoff_start_{a}", n) for a in actors], axis=1)
            start = per[np.arange(n), np.asarray(O["frontier_actor"], dtype=np.int64)]
        done = np.isfinite(v)
        started = np.isfinite(start)
        cens = ~done & started
        miss = ~done & ~started
        out = np.where(done, v, np.where(cens, np.maximum(H - start, 0.0), np.nan)) * scale
        return Censored(name, out, cens, miss,
                        f"takeoff unfinished at the horizon in {cens.mean():.1%} of worlds (lower bound: horizon - "
                        f"takeoff start); no takeoff started in {miss.mean():.1%} (left out)")
    if o.censoring == "window":
        t_nc, t_w = _f(O, "t_no_control", n), _f(O, "t_first_tripwire", n)
        lost, warned = np.isfinite(t_nc), np.isfinite(t_w)
        end = np.where(lost, t_nc, H)
        warned_before = warned & (t_w <= end)
        v = np.where(warned_before, end - np.where(warned, t_w, 0.0), 0.0)
        cens = ~lost
        no_warning = lost & ~warned_before
        return Censored(name, v, cens, np.zeros(n, bool),
                        f"no warning before loss of control in {no_warning.mean():.1%} of worlds (window 0); control "
                        f"not lost by the horizon in {cens.mean():.1%} (censored: window so far)")
    if o.censoring == "premise":
        reached = np.isfinite(_f(O, o.premise, n))
        v = np.asarray(raw, dtype=np.float64)
        miss = ~reached
        return Censored(name, np.where(miss, np.nan, v), np.zeros(n, bool), miss,
                        f"undecided in {miss.mean():.1%} of worlds ({o.premise} not reached by the horizon: "
                        "censored, not counted as safe)")
    raise ValueError(f"unknown censoring rule {o.censoring!r} for {name}")  # pragma: no cover - declarations


def aggregate(name: str, per_actor: np.ndarray, *, frontier: np.ndarray | None = None) -> np.ndarray:
    """Combine ``per_actor`` values (samples x actors) under ``name``'s declared rule.

    ``first``: the earliest non-null date; ``any``; ``sum``; ``max``; ``frontier``: the value of
    the actor ``frontier[i]``. ``world`` outcomes are computed from every actor by the engine and
    are refused here.
    """
    rule = outcome(name).aggregate
    g = np.asarray(per_actor)
    if rule == "first":
        g = g.astype(np.float64)
        return np.where(np.isnan(g).all(axis=1), np.nan, np.nanmin(np.where(np.isnan(g), np.inf, g), axis=1))
    if rule == "any":
        return g.astype(bool).any(axis=1)
    if rule == "sum":
        return g.sum(axis=1)
    if rule == "max":
        return g.max(axis=1)
    if rule == "frontier":
        if frontier is None:
            raise ValueError(f"{name}: the frontier rule needs the frontier actor of each sample")
        return g[np.arange(g.shape[0]), np.asarray(frontier, dtype=np.int64)]
    raise ValueError(f"{name}: aggregation rule '{rule}' is not a per-actor combination")


#: How the actors' integrated hazards make the world's one catastrophe process, a declared structural
#: choice (scenario ``market.catastrophe_aggregation``; analysis.structural varies it):
HAZARD_AGGREGATIONS = {
    # default: each actor's hazard comes from its own deployed systems, drawn per actor, so the
    # actors are independent sources of the same event and the world's hazard is their sum
    "independent": "independent sources of one event: the actors' hazards add (union of Poisson processes)",
    # the other end: one common cause behind every actor's risk, so the world is exposed only as
    # much as its most exposed actor
    "max": "one common cause: the world's hazard is its most exposed actor's",
}


def world_hazard(rule: str, per_actor: np.ndarray, axis: int = 1) -> np.ndarray:
    """The world's integrated hazard from each actor's (actors along ``axis``) under ``rule``."""
    if rule == "independent":
        return per_actor.sum(axis=axis)
    if rule == "max":
        return per_actor.max(axis=axis)
    raise ValueError(f"market.catastrophe_aggregation: must be one of {sorted(HAZARD_AGGREGATIONS)}, got {rule!r}")


# ---------------------------------------------------------------------------- Monte Carlo errors
def wilson(k: int, n: int, *, confidence: float = CONFIDENCE) -> tuple[float, float] | tuple[None, None]:
    """Wilson score interval of a share k/n (Wilson 1927; as scipy.stats.binomtest's
    ``proportion_ci(method="wilson")``); (None, None) for n = 0. Closed form with scipy.special's
    normal quantile: importing scipy.stats for it cost a run about a second."""
    if n <= 0:
        return (None, None)
    from scipy.special import ndtri

    z = float(ndtri(0.5 + confidence / 2.0))
    p = k / n
    denom = 1.0 + z * z / n
    center = (p + z * z / (2.0 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denom
    # at k = 0 (k = n) the bound is 0 (1) exactly; the two terms would leave a rounding residue
    return (0.0 if k <= 0 else max(0.0, center - half), 1.0 if k >= n else min(1.0, center + half))


def _binom_ppf(a: float, n: int, q: float) -> int:
    """The a-quantile of Binomial(n, q): the least k with P(X <= k) >= a (scipy.stats.binom.ppf's
    rule, from scipy.special's bdtrik and bdtr)."""
    from scipy.special import bdtr, bdtrik

    k = math.ceil(float(bdtrik(a, n, q)))
    below = max(k - 1, 0)
    return below if float(bdtr(below, n, q)) >= a else k


def quantile_ci(v: np.ndarray, q: float = 0.5, *, confidence: float = CONFIDENCE) -> tuple[float | None, float | None]:
    """Distribution-free interval of the q-quantile: order statistics whose ranks bracket it with
    binomial probability >= ``confidence`` (values may be +inf: censored beyond the horizon)."""
    x = np.sort(np.asarray(v, dtype=np.float64)[~np.isnan(np.asarray(v, dtype=np.float64))])
    n = x.size
    if n == 0:
        return (None, None)
    a = (1.0 - confidence) / 2.0
    lo = _binom_ppf(a, n, q)              # rank (1-based) of the lower end
    hi = _binom_ppf(1.0 - a, n, q) + 1
    lo, hi = max(lo, 1), min(hi, n)

    def fin(z):
        return float(z) if np.isfinite(z) else None

    return (fin(x[lo - 1]), fin(x[hi - 1]))


def share_stats(flags: np.ndarray, mask: np.ndarray | None = None) -> dict[str, Any]:
    """Share of true flags among ``mask`` (all worlds by default), its Wilson interval and n."""
    f = np.asarray(flags, dtype=bool)
    if mask is not None:
        f = f[np.asarray(mask, dtype=bool)]
    n, k = int(f.size), int(f.sum())
    lo, hi = wilson(k, n)
    return {"share": (k / n) if n else None, "ci": [lo, hi], "n": n}


def quantile_stats(c: Censored, qs=(10, 50, 90), *, offset: float = 0.0) -> dict[str, Any]:
    """Quantiles of an outcome honest about censoring.

    ``p10/p50/p90`` are over the worlds with an exact value (not censored, not missing), as
    before; ``median_all`` is the median over every world with a value, a censored one counted
    as beyond its bound (null when more than half are censored: "after the horizon"), with its
    order-statistic interval; ``median_lower_bound`` the median with censored worlds at their
    bound (a lower bound on the true median); ``censored`` and ``missing`` give the shares.
    """
    exact = ~c.censored & ~c.missing
    v = c.value[exact]
    out: dict[str, Any] = {}
    for q in qs:
        out[f"p{q}"] = None if v.size == 0 else round(offset + float(np.percentile(v, q)), 4)
    have = ~c.missing
    allv = np.where(c.censored, np.inf, c.value)[have]
    if allv.size:
        med = float(np.median(allv)) if np.isfinite(np.median(allv)) else None
        lo, hi = quantile_ci(allv, 0.5)
        out["median_all"] = None if med is None else round(offset + med, 4)
        out["median_lower_bound"] = round(offset + float(np.median(c.value[have])), 4)
        out["median_all_ci"] = [None if x is None else round(offset + x, 4) for x in (lo, hi)]
    else:
        out["median_all"], out["median_all_ci"], out["median_lower_bound"] = None, [None, None], None
    out["censored"] = round(c.censored_share, 4)
    out["missing"] = round(c.missing_share, 4)
    out["rule"] = c.rule
    return out


# ---------------------------------------------------------------------------- tables
def to_table(result: SimResult, run_id: str = "") -> pa.Table:
    """One row per sample: ids, inputs, status and outcomes, with censored dates as nulls."""
    O = result.outcomes
    n = result.samples
    cols: dict[str, pa.Array] = {
        "run_id": arrowcols.repeated(run_id, n),
        "sample": arrowcols.numeric(O["sample"], np.int64),
        "seed": arrowcols.numeric(np.full(n, result.seed), np.int64),
        "scenario": arrowcols.repeated(result.scenario.name, n),
        "policy": arrowcols.repeated(result.policy.name, n),
        "status": arrowcols.strings(STATUS, O["status"]),
    }
    for k, v in O.items():
        if k in ("sample", "status") or k.startswith("in:"):
            continue
        if k == "binding_limit":
            cols[k] = arrowcols.strings(LIMIT_NAMES, v)
        elif v.dtype == bool:
            cols[k] = arrowcols.boolean(v)
        else:
            arr = np.asarray(v, dtype=np.float64)
            cols[k] = arrowcols.numeric(arr, valid=np.isfinite(arr))
    for k, v in O.items():
        if k.startswith("in:"):
            cols[k] = arrowcols.numeric(v, np.float64)
    return pa.table(cols)


def _q(v: np.ndarray, qs=(10, 50, 90)) -> dict[str, float | None]:
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {f"p{q}": None for q in qs}
    return {f"p{q}": float(np.percentile(v, q)) for q in qs}


def _qci(v: np.ndarray, qs=(10, 50, 90)) -> dict[str, Any]:
    """Quantiles of a quantity defined in every world, with the median's interval."""
    out: dict[str, Any] = _q(np.asarray(v, dtype=np.float64), qs)
    out["p50_ci"] = list(quantile_ci(np.asarray(v, dtype=np.float64)[np.isfinite(np.asarray(v, dtype=np.float64))]))
    return out


def _date_summary(c: Censored, start: float) -> dict[str, Any]:
    reached = ~c.censored
    st = share_stats(reached)
    out: dict[str, Any] = {"reached": st["share"], "reached_ci": st["ci"], "censored": round(c.censored_share, 4)}
    q = quantile_stats(c, offset=start)
    out.update({k: (None if x is None else round(x, 3)) for k, x in q.items() if k in ("p10", "p50", "p90")})
    out["median_all"], out["median_all_ci"] = q["median_all"], q["median_all_ci"]
    return out


def _mean_ci(v: np.ndarray) -> dict[str, Any]:
    v = np.asarray(v, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"mean": None, "ci": [None, None]}
    m = float(v.mean())
    half = 1.959963984540054 * float(v.std(ddof=1)) / math.sqrt(v.size) if v.size > 1 else float("nan")
    return {"mean": m, "ci": [m - half, m + half] if math.isfinite(half) else [None, None]}


def summarize(result: SimResult) -> dict[str, Any]:
    """Quantiles and probabilities of the headline outcomes (dates as calendar years), each with
    its Monte Carlo error and its censoring (see the module docstring).

    Quantiles of a date are over the samples that reached it; ``reached`` gives that share (with
    its Wilson interval) and ``median_all`` the median over every world, a world that did not
    reach it counted as later than the horizon (null when under half reached it).
    """
    O = result.outcomes
    start = result.scenario.start_year
    n = result.samples
    H = float(result.years)
    actors = [a.name for a in result.scenario.actors] or None
    ok = O["status"] == 0

    def c(name):
        return values(name, O, H, actors=actors)

    tk = c("takeoff_years")
    sw = c("safety_window_years")
    unv = c("unverified_takeoff")
    sup_reached = ~unv.missing
    hard = np.nan_to_num(np.asarray(O["takeoff_years"], dtype=np.float64), nan=np.inf) < 1.0
    started = ~tk.missing
    no_warning = np.isfinite(np.asarray(O["t_no_control"], float)) & (sw.value == 0.0)
    p_unv = share_stats(O["unverified_takeoff"])
    p_unv_given = share_stats(O["unverified_takeoff"], sup_reached)
    p_unal = share_stats(O["unaligned_capability"])
    p_nc = share_stats(np.isfinite(np.asarray(O["t_no_control"], float)))
    pc = _mean_ci(O["p_catastrophe"])
    s: dict[str, Any] = {
        "scenario": result.scenario.name,
        "policy": result.policy.name,
        "samples": n,
        "seed": result.seed,
        "years": result.years,
        "start_year": start,
        "diverged": float((~ok).mean()),
        "confidence": CONFIDENCE,
        "milestones": {k: _date_summary(c(k), start) for k in
                       [f"t_automation_{round(a * 100)}" for a in AUTOMATION_MILESTONES]
                       + ["t_takeoff_start", "t_superhuman", "t_no_control", "t_unaligned"]},
        "takeoff": {
            "reached": float(np.isfinite(O["takeoff_years"]).mean()),
            "reached_ci": share_stats(np.isfinite(O["takeoff_years"]))["ci"],
            "started": float(started.mean()),
            "unfinished_at_horizon": tk.censored_share,
            "years": _q(O["takeoff_years"]),
            "years_median_all": quantile_stats(tk)["median_all"],
            "years_median_all_ci": quantile_stats(tk)["median_all_ci"],
            "days": _q(O["takeoff_days"]),
            "p_hard": float(np.mean(hard)),
            "p_hard_ci": share_stats(hard)["ci"],
            "p_hard_among_started": share_stats(hard, started)["share"],
            "p_hard_among_started_ci": share_stats(hard, started)["ci"],
            "p_under_30_days": float(np.mean(np.nan_to_num(O["takeoff_days"], nan=np.inf) < 30.0)),
            "years_in_one_year": _qci(O["years_in_one_year"]),
            "peak_oom_per_year": _qci(O["peak_oom_per_year"]),
            "censoring": tk.rule,
        },
        "alignment": {
            "fidelity_at_takeoff_start": _q(O["fidelity_at_takeoff_start"]),
            "gap_at_takeoff_start_oom": _q(O["gap_at_takeoff_start"]),
            "gap_at_superhuman_oom": _q(O["gap_at_superhuman"]),
            "final_gap_oom": _qci(O["final_gap_oom"]),
            "final_fidelity": _qci(O["final_fidelity"]),
            "p_unverified_takeoff": p_unv["share"],
            "p_unverified_takeoff_ci": p_unv["ci"],
            "p_superhuman": float(sup_reached.mean()),
            "p_unverified_given_superhuman": p_unv_given["share"],
            "p_unverified_given_superhuman_ci": p_unv_given["ci"],
            "unverified_undecided": unv.missing_share,
            "p_unaligned_capability": p_unal["share"],
            "p_unaligned_capability_ci": p_unal["ci"],
            "censoring": unv.rule,
        },
        "risk": {
            "p_catastrophe_mean": pc["mean"],
            "p_catastrophe_mean_ci": pc["ci"],
            "p_catastrophe": _q(O["p_catastrophe"]),
            "p_no_control": p_nc["share"],
            "p_no_control_ci": p_nc["ci"],
        },
        "halts": {
            "mean_halts": float(O["halts"].mean()),
            "mean_failed_halts": float(O["failed_halts"].mean()),
            "p_any_halt": float((O["halts"] > 0).mean()),
            "p_any_halt_ci": share_stats(O["halts"] > 0)["ci"],
            "years_paused": _q(O["years_paused"]),
            "mean_deprecations": float(O["deprecations"].mean()),
            "safety_window_years": quantile_stats(sw),
            "p_no_warning": float(no_warning.mean()),
            "p_no_warning_ci": share_stats(no_warning)["ci"],
        },
        "data": {
            "synthetic_share_end": _q(O["synthetic_share_end"]),
            "data_deficit_end": _q(O["data_deficit_end"]),
        },
        "physical": {f"p_binding_{name}": float(np.mean(O["binding_limit"] == i)) for i, name in enumerate(LIMIT_NAMES)},
        "capability": {
            "final_effective_compute": _qci(O["final_effective_compute"]),
            "generations": _q(O["generations"]),
        },
    }
    return _clean(s)


def _clean(x):
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    return x


def fan(result: SimResult, var: str, qs=(5, 25, 50, 75, 95)) -> dict[str, list[float | None]]:
    """Quantiles of a trajectory variable at each report time (for fan charts)."""
    g = result.trajectories[var].astype(np.float64)
    out = {"t": [round(result.scenario.start_year + float(t), 4) for t in result.times]}
    if g.ndim != 2 or g.shape[0] == 0:  # no trajectories kept (e.g. --trajectory-samples 0): an empty fan
        return {**out, **{f"p{q}": [None] * len(out["t"]) for q in qs}}
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
    cols = {"sample": arrowcols.numeric(sample, np.int64), "year": arrowcols.numeric(year, np.float64)}
    for var, g in result.trajectories.items():
        cols[var] = arrowcols.numeric(g[:k].reshape(-1), np.float64)
    return pa.table(cols)

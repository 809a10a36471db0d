"""Robust policy comparison across sampled worlds: regret and satisficing.

Every policy is run on the *same* worlds: sample i draws its parameters and its events from
(seed, i) only, so the comparison is on common random numbers and a difference between policies
in world i is the policy's doing, not the dice's.

For each objective (an outcome to minimise or maximise) and each world w, the regret of policy p is
how far it falls short of the best policy in that world (Savage 1951; as used in robust decision
making, Lempert, Popper & Bankes 2003):

    regret_p(w) = |y_p(w) - best_q y_q(w)|

reported as its mean, 90th percentile and maximum over the worlds. Satisficing (Simon 1956;
the "domain criterion" of Starr 1963) is the share of worlds in which a policy meets every
criterion given (e.g. ``p_catastrophe<0.1`` and ``!unverified_takeoff``).

Censoring follows each outcome's declaration (:mod:`recloop.outcomes`): a date not reached counts
as the horizon (a lower bound); a takeoff unfinished at the horizon as the time since it started;
a safety window with no warning before loss of control as zero (never as a long window); an
outcome without a value in a world under some policy (an unverified takeoff in a world that never
got a takeoff) leaves that world out of the comparison, and the number of worlds compared is
reported. A criterion on a censored value is decided when its bound decides it (a date censored
at 30 years satisfies ``t_superhuman>20``) and is otherwise undecided; the satisficing share is
over the worlds every criterion decides, with the undecided share beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from recloop.analysis.common import Criterion, check_outcome, parse_criterion, sample_worlds
from recloop.outcomes import Censored, outcome, values
from recloop.params import RecloopInputError

__all__ = ["Objective", "parse_objective", "RobustResult", "compare_outcomes", "compare_policies", "decide",
           "needed_columns"]


def needed_columns(name: str) -> list[str]:
    """The columns ``name``'s censoring rule reads besides itself (module docstring)."""
    o = outcome(name)
    if o.censoring == "takeoff":
        return [name, "t_takeoff_start"]
    if o.censoring == "window":
        return [name, "t_no_control", "t_first_tripwire"]
    if o.censoring == "premise" and o.premise:
        return [name, o.premise]
    return [name]


def _values(name: str, cols: dict[str, np.ndarray], years: float) -> Censored:
    n = len(cols[name])
    have = {k: cols[k] for k in needed_columns(name) if k in cols}
    for k in needed_columns(name):
        have.setdefault(k, np.full(n, np.nan))
    return values(name, have, years)


def decide(c: Criterion, v: Censored) -> tuple[np.ndarray, np.ndarray]:
    """(meets the criterion, decided) per world: a censored lower bound decides ``>``/``>=`` when
    it already passes and ``<``/``<=`` when it already fails; a missing value decides nothing."""
    x = v.value
    decided = ~v.missing
    if c.op is None:
        hit = np.nan_to_num(x, nan=0.0) != 0
        decided = decided & ~v.censored
    else:
        with np.errstate(invalid="ignore"):
            hit = np.asarray(Criterion(c.text, c.name, c.op, c.value)(np.where(decided, x, np.nan)), bool)
        if c.op in (">", ">="):
            decided = decided & (~v.censored | hit)
        elif c.op in ("<", "<="):
            decided = decided & (~v.censored | ~hit)
        else:
            decided = decided & ~v.censored
    hit = hit & decided
    return (~hit & decided if c.negate else hit), decided


@dataclass(frozen=True)
class Objective:
    name: str
    sense: str  # "min" or "max"


def parse_objective(text: str) -> Objective:
    """``NAME:min`` or ``NAME:max`` (``NAME`` alone means minimise)."""
    name, _, sense = text.partition(":")
    sense = sense or "min"
    if sense not in ("min", "max"):
        raise RecloopInputError([f"--objective: '{text}': write NAME:min or NAME:max"])
    check_outcome(name, field="--objective")
    return Objective(name, sense)


@dataclass
class RobustResult:
    """One row per policy: means, regrets and the satisficing share; plus the picks."""

    rows: list[dict[str, Any]]
    objectives: list[Objective]
    criteria: list[str]
    worlds: int
    picks: dict[str, str] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def row(self, policy: str) -> dict[str, Any]:
        return next(r for r in self.rows if r["policy"] == policy)

    def to_dict(self) -> dict[str, Any]:
        return {"worlds": self.worlds, "objectives": [f"{o.name}:{o.sense}" for o in self.objectives],
                "criteria": self.criteria, "rows": self.rows, "picks": self.picks, "info": self.info}


def compare_outcomes(outcomes: dict[str, dict[str, np.ndarray]], objectives: Sequence[Objective],
                     criteria: Sequence[Criterion] = (), *, years: float = 30.0) -> RobustResult:
    """Regret and satisficing from per-policy outcome columns over the same worlds (pure)."""
    policies = list(outcomes)
    if len(policies) < 1:
        raise RecloopInputError(["--policy: give at least one policy"])
    if not objectives and not criteria:
        raise RecloopInputError(["--objective: give at least one objective or --satisfice criterion"])
    n = {len(next(iter(cols.values()))) for cols in outcomes.values()}
    if len(n) != 1:
        raise ValueError("every policy must be evaluated on the same worlds")
    worlds = n.pop()
    rows: list[dict[str, Any]] = [{"policy": p} for p in policies]
    info: dict[str, Any] = {}
    for o in objectives:
        ys, keep = [], np.ones(worlds, bool)
        for p in policies:
            v = _values(o.name, outcomes[p], years)
            ys.append(v.value)
            keep &= ~v.missing
            info[f"censored:{p}:{o.name}"] = v.censored_share
            info[f"censoring:{p}:{o.name}"] = v.rule
        info[f"worlds_compared:{o.name}"] = int(keep.sum())
        if not keep.any():
            raise RecloopInputError([f"--objective: '{o.name}' has no value in any world under every policy "
                                     f"({info[f'censoring:{policies[0]}:{o.name}']})"])
        Y = np.stack(ys)[:, keep]  # (policies, worlds compared)
        best = Y.min(axis=0) if o.sense == "min" else Y.max(axis=0)
        R = np.abs(Y - best)
        for i, r in enumerate(rows):
            r[f"{o.name}:mean"] = float(Y[i].mean())
            r[f"{o.name}:regret_mean"] = float(R[i].mean())
            r[f"{o.name}:regret_p90"] = float(np.percentile(R[i], 90))
            r[f"{o.name}:regret_max"] = float(R[i].max())
            r[f"{o.name}:best_share"] = float((R[i] == 0).mean())
    if criteria:
        for i, p in enumerate(policies):
            ok, dec = np.ones(worlds, bool), np.ones(worlds, bool)
            for c in criteria:
                hit, d = decide(c, _values(c.name, outcomes[p], years))
                ok &= hit
                dec &= d
            # a world fails as soon as one decided criterion fails, whatever the undecided ones say
            failed = np.zeros(worlds, bool)
            for c in criteria:
                hit, d = decide(c, _values(c.name, outcomes[p], years))
                failed |= d & ~hit
            decided = dec | failed
            rows[i]["satisficing"] = float((ok & dec).sum() / decided.sum()) if decided.any() else None
            rows[i]["satisficing_undecided"] = float(1.0 - decided.mean())
    picks = {}
    for o in objectives:
        picks[f"minimax regret {o.name}"] = min(rows, key=lambda r: (r[f"{o.name}:regret_max"], r[f"{o.name}:regret_mean"]))["policy"]
        picks[f"least mean regret {o.name}"] = min(rows, key=lambda r: r[f"{o.name}:regret_mean"])["policy"]
    if criteria:
        picks["most satisficing"] = max(rows, key=lambda r: -1.0 if r["satisficing"] is None else r["satisficing"])["policy"]
    return RobustResult(rows, list(objectives), [c.text for c in criteria], worlds, picks, info)


def compare_policies(scenario, policies: list, objectives: Sequence[str | Objective], satisfice: Sequence[str] = (), *,
                     samples: int = 2000, seed: int = 0, years: float = 30.0, executor=None,
                     chunk_size: int = 4096) -> RobustResult:
    """Run every policy on the same ``samples`` worlds of ``scenario`` and compare them."""
    problems = []
    objs, crits = [], []
    for o in objectives:
        try:
            objs.append(o if isinstance(o, Objective) else parse_objective(o))
        except RecloopInputError as e:
            problems += e.problems
    for c in satisfice:
        try:
            crits.append(parse_criterion(c, field="--satisfice"))
        except RecloopInputError as e:
            problems += e.problems
    names = [p.name for p in policies]
    if len(set(names)) != len(names):
        problems.append(f"--policy: policies must have distinct names, got {names}")
    if problems:
        raise RecloopInputError(problems)
    cols = sorted({k for o in objs for k in needed_columns(o.name)} | {k for c in crits for k in needed_columns(c.name)})
    outcomes = {}
    for p in policies:
        outcomes[p.name] = sample_worlds(scenario, p, samples=samples, seed=seed, years=years, columns=cols,
                                         executor=executor, chunk_size=chunk_size)
    res = compare_outcomes(outcomes, objs, crits, years=years)
    res.info.update({"scenario": scenario.name, "seed": seed, "years": years,
                     "common_random_numbers": "sample i of every policy uses (seed, i): same parameters and event draws"})
    return res

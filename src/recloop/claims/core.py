"""The claim registry's machinery: claims, evidence, the verdict rule and the flip search.

A :class:`Claim` pairs a sentence quoted verbatim from the essay with an experiment. The
experiment runs recloop and returns :class:`Evidence`: for every world in which the claim's
premise applies (its *population*), whether the claim holds in that world, plus the numbers and
the figure a reader needs. The verdict is computed from those worlds by one rule for every claim
(:func:`verdict`), never stated by hand:

* ``holds``   if the claim holds in at least :data:`HOLDS_AT` (80%) of the population;
* ``fails``   if it holds in at most :data:`FAILS_AT` (20%);
* ``depends`` otherwise (and when no world meets the premise: ``untested``).

The *flip condition* is found by scenario discovery (PRIM, :mod:`recloop.analysis.prim`) on the
sampled inputs of the population: for a claim that holds, the box of worlds where it fails; for
one that fails or depends, the box where it holds. Claims whose flip is a lever rather than a
world (the collapse lab's regime, say) add one-at-a-time findings from their own experiment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from recloop.analysis.prim import Box, prim
from recloop.engine import DEFAULT_REPORT_EVERY, DEFAULT_YEARS, SimResult, simulate
from recloop.policy import Policy, bundled_policies, parse_policy
from recloop.scenario import Scenario, bundled_scenarios, parse_scenario, read_toml

__all__ = ["HOLDS_AT", "FAILS_AT", "Claim", "Evidence", "ClaimResult", "verdict", "evaluate",
           "world_inputs", "run_cached", "clear_cache", "scenario_variant", "policy_variant", "fmt"]

HOLDS_AT = 0.8
FAILS_AT = 0.2
#: PRIM settings of the flip search: a box must hold at least this share of the population
FLIP_MIN_MASS = 0.05
FLIP_THRESHOLD = 0.8
#: flip boxes are not searched below this many worlds with the flipped outcome
FLIP_MIN_CASES = 3


@dataclass(frozen=True)
class Evidence:
    """What one experiment found.

    ``holds`` has one entry per world of the population (the worlds where the claim's premise
    applies); ``X``/``names`` are those worlds' sampled inputs (for the flip search), or None
    when the experiment's worlds are not scenario samples. ``numbers`` are the headline figures
    quoted on the page; ``figure`` is a plotly figure spec; ``population`` says in words which
    worlds were counted and ``test`` what "holds" means in one world.
    """

    holds: np.ndarray
    numbers: dict[str, float | None]
    figure: dict[str, Any]
    population: str
    test: str
    X: np.ndarray | None = None
    names: tuple[str, ...] = ()
    lever_flips: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return int(self.holds.size)

    @property
    def share(self) -> float | None:
        return float(np.mean(self.holds)) if self.holds.size else None


@dataclass(frozen=True)
class Claim:
    """One claim of the essay: the quoted sentence and the experiment that tests it."""

    id: int
    title: str
    quote: str
    experiment: str
    run: Callable[[int, int], Evidence] = field(repr=False, compare=False)
    more: tuple[str, ...] = ()  # further verbatim sentences the claim also rests on

    @property
    def quotes(self) -> tuple[str, ...]:
        return (self.quote, *self.more)


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    evidence: Evidence
    verdict: str
    flips: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        ev = self.evidence
        return {
            "id": self.claim.id, "title": self.claim.title, "quote": self.claim.quote, "more_quotes": list(self.claim.more),
            "experiment": self.claim.experiment, "population": ev.population, "test": ev.test,
            "worlds": ev.n, "holds_share": None if ev.share is None else round(ev.share, 4),
            "verdict": self.verdict, "rule": rule_text(), "numbers": _clean(ev.numbers),
            "flips": list(self.flips),
        }


def rule_text() -> str:
    return (f"holds if the claim holds in >= {HOLDS_AT:.0%} of the worlds where its premise applies, "
            f"fails if in <= {FAILS_AT:.0%}, depends otherwise")


def verdict(share: float | None) -> str:
    """The one verdict rule (module docstring)."""
    if share is None or not math.isfinite(share):
        return "untested"
    if share >= HOLDS_AT:
        return "holds"
    if share <= FAILS_AT:
        return "fails"
    return "depends"


def _clean(d):
    out = {}
    for k, v in d.items():
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            out[k] = None
        elif isinstance(v, (float, np.floating)):
            out[k] = round(float(v), 4)
        elif isinstance(v, (np.integer,)):
            out[k] = int(v)
        else:
            out[k] = v
    return out


def fmt(x: float | None, nd: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:.{nd}g}"


def _short(name: str) -> str:
    return name[3:] if name.startswith("in:") else name


def _simplify(box: Box, X: np.ndarray, y: np.ndarray, names: list[str], *, keep: float = 0.9,
              most: int = 3) -> Box:
    """Drop the box's restrictions one at a time, the least useful first, while the density stays
    at least ``keep`` times the full box's; then keep the ``most`` that matter most. Small samples
    make PRIM peel on noise; the reader needs the few limits that carry the box."""
    n, n_pos = y.size, int(y.sum())
    full = {nm: (float(X[:, j].min()), float(X[:, j].max())) for j, nm in enumerate(names)}

    def stats(limits):
        b = Box(dict(limits), 0, 0, 0, 0)
        inside = b.contains(X, names)
        k, pos = int(inside.sum()), int(y[inside].sum())
        return Box(dict(limits), pos / n_pos if n_pos else 0.0, pos / k if k else 0.0, k / n, k,
                   [nm for nm in names if limits[nm] != full[nm]])

    cur = stats(box.limits)
    floor = keep * box.density
    while cur.restricted:
        trials = []
        for nm in cur.restricted:
            lim = dict(cur.limits)
            lim[nm] = full[nm]
            trials.append(stats(lim))
        best = max(trials, key=lambda b: (b.density, b.mass))
        if best.density < floor and len(cur.restricted) <= most:
            break
        cur = best
    return cur


def flip_conditions(ev: Evidence, v: str) -> tuple[str, ...]:
    """PRIM box of the worlds where the verdict flips (see module docstring), in words."""
    out: list[str] = []
    if ev.X is not None and ev.n:
        target = ~ev.holds if v == "holds" else ev.holds
        word = "fails" if v == "holds" else "holds"
        k = int(target.sum())
        if k < FLIP_MIN_CASES:
            out.append(f"no flip among the sampled worlds ({k} of {ev.n} worlds where the claim {word})")
        elif k == ev.n:
            out.append(f"the claim {word} in every sampled world")
        else:
            r = prim(ev.X, target, list(ev.names), min_mass=FLIP_MIN_MASS, threshold=FLIP_THRESHOLD)
            full_box = r.box
            b = _simplify(full_box, ev.X, target, list(ev.names))
            lims = []
            for nm in b.restricted:
                lo, hi = b.limits[nm]
                j = list(ev.names).index(nm)
                full_lo, full_hi = float(ev.X[:, j].min()), float(ev.X[:, j].max())
                if lo > full_lo and hi < full_hi:
                    lims.append(f"{_short(nm)} in [{fmt(lo)}, {fmt(hi)}]")
                elif lo > full_lo:
                    lims.append(f"{_short(nm)} >= {fmt(lo)}")
                else:
                    lims.append(f"{_short(nm)} <= {fmt(hi)}")
            if not lims:
                out.append(f"no region found: PRIM finds no box denser than the whole population "
                           f"(the claim {word} in {r.base_density:.0%} of worlds)")
            else:
                out.append(f"{word} where {' and '.join(lims)} (PRIM, simplified to its strongest limits: "
                           f"density {b.density:.0%} vs {r.base_density:.0%} overall, coverage {b.coverage:.0%}, "
                           f"mass {b.mass:.0%}; full box: {len(full_box.restricted)} limits, density {full_box.density:.0%})")
    out.extend(ev.lever_flips)
    return tuple(out)


def evaluate(claim: Claim, samples: int, seed: int) -> ClaimResult:
    """Run one claim's experiment and compute its verdict and flip conditions."""
    ev = claim.run(samples, seed)
    v = verdict(ev.share)
    return ClaimResult(claim, ev, v, flip_conditions(ev, v))


# ------------------------------------------------------------------ helpers for experiments
def world_inputs(res: SimResult, mask: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """The sampled inputs (``in:`` columns that vary across the run) of the worlds in ``mask``."""
    O = res.outcomes
    names = [k for k in O if k.startswith("in:") and np.ptp(O[k]) > 0]
    X = np.column_stack([O[k][mask] for k in names]) if names else np.empty((int(mask.sum()), 0))
    return X, tuple(names)


_CACHE: dict[tuple, SimResult] = {}


def run_cached(scenario: Scenario, policy: Policy, samples: int, seed: int, *, years: float = DEFAULT_YEARS,
               report_every: float = DEFAULT_REPORT_EVERY) -> SimResult:
    """simulate() with an in-process cache, so claims that share worlds share the run."""
    key = (scenario.model_dump_json(), policy.model_dump_json(), samples, seed, years, report_every)
    if key not in _CACHE:
        _CACHE[key] = simulate(scenario, policy, years=years, samples=samples, seed=seed,
                               report_every=report_every)
    return _CACHE[key]


def clear_cache() -> None:
    _CACHE.clear()


def _merge(base: dict, changes: dict) -> dict:
    out = dict(base)
    for k, v in changes.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def scenario_variant(name: str, changes: dict[str, Any], *, rename: str | None = None) -> Scenario:
    """A bundled scenario with some fields replaced (nested dicts merge)."""
    data = _merge(read_toml(bundled_scenarios()[name]), changes)
    if rename:
        data["name"] = rename
    return parse_scenario(data)


def policy_variant(name: str, changes: dict[str, Any], *, rename: str) -> Policy:
    """A bundled policy with some fields replaced (nested dicts merge)."""
    data = _merge(read_toml(bundled_policies()[name]), changes) if name != "none" else dict(changes)
    data["name"] = rename
    return parse_policy(data)

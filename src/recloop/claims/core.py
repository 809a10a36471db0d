"""The claim registry's machinery: claims, evidence, the verdict rule and the flip search.

A :class:`Claim` pairs a sentence quoted verbatim from the essay with an experiment. The
experiment runs recloop and returns :class:`Evidence`: for every world in which the claim's
premise applies (its *population*), whether the claim holds in that world, plus the numbers and
the figure a reader needs. The verdict is computed from those worlds by one rule for every claim
(:func:`verdict`), never stated by hand, from the share of worlds in which the claim holds and
its 95% interval (Wilson over worlds; a bootstrap over replicates where the experiment has them):

* ``holds``   if the whole interval lies at or above :data:`HOLDS_AT` (80%);
* ``fails``   if the whole interval lies at or below :data:`FAILS_AT` (20%);
* a claim of possibility ("can", "could", "risks"; ``Evidence.mode == "can"``) holds if the whole
  interval lies at or above :data:`CAN_AT` (5% of worlds: it happens in a non-negligible share)
  and fails if the whole interval lies below it;
* ``depends`` otherwise: *decided* when the whole interval lies between the lines (the claim
  holds in some worlds and not in others), *undecided* when it straddles a line (the worlds run
  could not tell); no world meeting the premise: ``untested``; a claim the model cannot test:
  ``untestable`` (its page says why).

Sample sizes are adaptive (:func:`evaluate`): while the interval straddles a line, the experiment
is rerun on twice as many worlds, up to a cap; the result reports every step and how many worlds
it took. Where the per-world test needs a threshold that interprets the essay's words, the
experiment states it and a :class:`Sweep` shows the verdict across a range of it.

The *flip condition* is found by scenario discovery (PRIM, :mod:`recloop.analysis.prim`) on the
sampled inputs of the population: for a claim that holds, the box of worlds where it fails; for
one that fails or depends, the box where it holds. Claims whose flip is a lever rather than a
world (the collapse lab's regime, say) add one-at-a-time findings from their own experiment.

PRIM sees only sampled inputs. The *structural flips* vary what a run does not sample: each claim
lists the fixed assumptions and structural choices that bear on it (``Claim.choices``: the
generation step, the exit rule, the automation boost of verification, ...), and
:func:`structural_flips` reruns the claim's whole experiment under each other setting of each
(one at a time, on the same worlds: :func:`recloop.analysis.structural.experiment_flips`; every
run of an experiment goes through :func:`run_cached`, which applies the setting in force), on
``flip_samples`` worlds, and compares each verdict with the verdict as declared on those same
worlds. The page shows every setting's verdict with its interval and names the settings that
flip it.
"""

from __future__ import annotations

import contextvars
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from recloop.analysis import structural
from recloop.analysis.prim import Box, prim
from recloop.engine import DEFAULT_REPORT_EVERY, DEFAULT_YEARS, SimResult, simulate
from recloop.policy import Policy, bundled_policies, parse_policy
from recloop.scenario import Scenario, bundled_scenarios, parse_scenario, read_toml

__all__ = ["HOLDS_AT", "FAILS_AT", "CONFIDENCE", "CAN_AT", "Claim", "Evidence", "Sweep", "ClaimResult", "verdict", "interval",
           "decided", "evaluate", "world_inputs", "run_cached", "clear_cache", "scenario_variant", "policy_variant", "fmt",
           "claim_choices", "structural_flips", "flip_run", "firm_flip", "PENDING_CHOICES"]

HOLDS_AT = 0.8
FAILS_AT = 0.2
#: a claim of possibility holds when it happens in at least this share of worlds
CAN_AT = 0.05
#: confidence level of every claim's interval
CONFIDENCE = 0.95
#: bootstrap resamples of a replicated experiment's interval
BOOTSTRAP = 2000
#: PRIM settings of the flip search: a box must hold at least this share of the population
FLIP_MIN_MASS = 0.05
FLIP_THRESHOLD = 0.8
#: flip boxes are not searched below this many worlds with the flipped outcome
FLIP_MIN_CASES = 3
#: choices a claim names that are not declared yet (skipped, and said so on the page, until their
#: declaration is wired in): none at present
PENDING_CHOICES: dict[str, str] = {}


@dataclass(frozen=True)
class Sweep:
    """A threshold that interprets the essay's words, and the per-world test across a range of it.

    ``holds[k]`` is the per-world test (over the same population) at ``values[k]``; ``used`` is
    the value the verdict is computed at; ``words`` says which words the threshold reads.
    """

    name: str
    unit: str
    used: float | str
    values: tuple
    holds: tuple
    words: str = ""


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
    #: replicate id of each world (e.g. a lab seed) when worlds are not independent draws
    groups: np.ndarray | None = None
    sweeps: tuple[Sweep, ...] = ()
    #: why the model cannot test this claim (the verdict is then ``untestable``)
    untestable: str = ""
    #: "will" (the claim says it happens: 80%/20% lines) or "can" (it says it may: the 5% line)
    mode: str = "will"

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
    #: the structural choices and fixed assumptions that bear on the claim, as ``--vary`` reads them
    #: (``PATH`` tries halfway to each declared bound, ``PATH=a,b`` the settings given); a sampled
    #: parameter named here is pinned at each setting
    choices: tuple[str, ...] = ()
    #: the bundled scenario whose declared values the choices are read from
    scenario: str = "baseline"

    @property
    def quotes(self) -> tuple[str, ...]:
        return (self.quote, *self.more)


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    evidence: Evidence
    verdict: str
    flips: tuple[str, ...]
    interval: tuple[float | None, float | None] = (None, None)
    decided: bool = True
    samples: int = 0  # worlds requested of the last (deciding) step
    steps: tuple[dict, ...] = ()
    sweeps: tuple[dict, ...] = ()
    #: the structural flips (:func:`structural_flips`); empty when not run
    structural: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ev = self.evidence
        lo, hi = self.interval
        return {
            "id": self.claim.id, "title": self.claim.title, "quote": self.claim.quote, "more_quotes": list(self.claim.more),
            "experiment": self.claim.experiment, "population": ev.population, "test": ev.test,
            "worlds": ev.n, "holds_share": None if ev.share is None else round(ev.share, 4),
            "interval": [None if lo is None else round(lo, 4), None if hi is None else round(hi, 4)],
            "confidence": CONFIDENCE, "interval_method": "bootstrap over replicates" if ev.groups is not None else "Wilson over worlds",
            "verdict": self.verdict, "decided": self.decided, "mode": ev.mode, "rule": rule_text(ev.mode),
            "samples_run": self.samples, "adaptive_steps": list(self.steps), "thresholds": list(self.sweeps),
            "untestable": ev.untestable or None, "numbers": _clean(ev.numbers),
            "flips": list(self.flips) + list(self.structural.get("texts", [])),
            "structural_flips": self.structural or None,
        }


def rule_text(mode: str = "will") -> str:
    if mode == "can":
        return (f"a claim of possibility: holds if the whole {CONFIDENCE:.0%} interval of the share of worlds where it "
                f"happens is >= {CAN_AT:.0%}, fails if the whole interval is below {CAN_AT:.0%}, depends otherwise")
    return (f"holds if the whole {CONFIDENCE:.0%} interval of the share of worlds where the claim holds (among the "
            f"worlds where its premise applies) is >= {HOLDS_AT:.0%}, fails if it is <= {FAILS_AT:.0%}, depends "
            "otherwise (decided when the interval lies between the lines, undecided when it straddles one)")


def interval(holds: np.ndarray, groups: np.ndarray | None = None, *, seed: int = 0) -> tuple[float | None, float | None]:
    """95% interval of the share of worlds where the claim holds: Wilson over independent worlds; a
    percentile bootstrap over replicates (``groups``) when worlds share a replicate."""
    from recloop.outcomes import wilson

    h = np.asarray(holds, dtype=bool)
    if h.size == 0:
        return (None, None)
    if groups is None:
        return wilson(int(h.sum()), int(h.size), confidence=CONFIDENCE)
    g = np.asarray(groups)
    ids = np.unique(g)
    k = np.array([h[g == i].sum() for i in ids], dtype=float)
    m = np.array([(g == i).sum() for i in ids], dtype=float)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, ids.size, size=(BOOTSTRAP, ids.size))
    boot = k[pick].sum(axis=1) / m[pick].sum(axis=1)
    a = (1 - CONFIDENCE) / 2
    return (float(np.quantile(boot, a)), float(np.quantile(boot, 1 - a)))


def verdict(share: float | None, lo: float | None = None, hi: float | None = None, *, mode: str = "will") -> str:
    """The one verdict rule (module docstring); without an interval the share is taken as exact."""
    if share is None or not math.isfinite(share):
        return "untested"
    lo = share if lo is None else lo
    hi = share if hi is None else hi
    if mode == "can":
        return "holds" if lo >= CAN_AT else "fails" if hi < CAN_AT else "depends"
    if lo >= HOLDS_AT:
        return "holds"
    if hi <= FAILS_AT:
        return "fails"
    return "depends"


def decided(lo: float | None, hi: float | None, *, mode: str = "will") -> bool:
    """Whether the interval decides the verdict: it does not straddle the 20% or the 80% line
    (for a claim of possibility: the 5% line)."""
    if lo is None or hi is None:
        return True
    if mode == "can":
        return not (lo < CAN_AT <= hi)
    return not (lo < HOLDS_AT < hi or lo < FAILS_AT < hi)


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


def _sweep_rows(ev: Evidence) -> tuple[dict, ...]:
    rows = []
    for sw in ev.sweeps:
        pts = []
        for val, h in zip(sw.values, sw.holds):
            h = np.asarray(h, dtype=bool)
            sh = float(h.mean()) if h.size else None
            lo, hi = interval(h, ev.groups if ev.groups is not None and ev.groups.size == h.size else None)
            pts.append({"value": val, "holds_share": None if sh is None else round(sh, 4),
                        "interval": [None if lo is None else round(lo, 4), None if hi is None else round(hi, 4)],
                        "worlds": int(h.size), "verdict": verdict(sh, lo, hi, mode=ev.mode)})
        rows.append({"name": sw.name, "unit": sw.unit, "used": sw.used, "words": sw.words, "points": pts,
                     "verdicts": sorted({p["verdict"] for p in pts})})
    return tuple(rows)


def _r4(x):
    return None if x is None else round(float(x), 4)


def _summary(ev: Evidence, seed: int) -> dict[str, Any]:
    """What a structural flip keeps of one run of an experiment: its verdict, interval and worlds."""
    if ev.untestable:
        return {"verdict": "untestable", "decided": True, "holds_share": None, "interval": [None, None], "worlds": 0}
    lo, hi = interval(ev.holds, ev.groups, seed=seed)
    return {"verdict": verdict(ev.share, lo, hi, mode=ev.mode), "decided": decided(lo, hi, mode=ev.mode),
            "holds_share": _r4(ev.share), "interval": [_r4(lo), _r4(hi)], "worlds": ev.n}


def claim_choices(claim: Claim) -> tuple[list[structural.Choice], list[str]]:
    """The claim's choices read against its scenario's declarations (``--vary`` syntax), and the
    pending ones skipped (:data:`PENDING_CHOICES`). A sampled parameter's declared setting is
    ``"sampled"`` (every setting tried pins it); the others keep the kind
    :func:`recloop.analysis.structural.structural_choices` gives them."""
    import dataclasses

    from recloop.policy import load_policy
    from recloop.scenario import load_scenario

    from recloop.policy import policy_specs
    from recloop.scenario import market_specs, scenario_specs

    declared = {s.path for s in (*scenario_specs(), *market_specs(), *policy_specs())}
    paths = [t.partition("=")[0].strip() for t in claim.choices]
    wait = {p for p in paths if p in PENDING_CHOICES and p not in declared}
    pending = [f"{p} ({PENDING_CHOICES[p]})" for p in paths if p in wait]
    sc, po = load_scenario(claim.scenario), load_policy("none")
    parsed = structural.parse_choices([t for t, p in zip(claim.choices, paths) if p not in wait], sc, po)
    kinds = {c.path: c.kind for c in structural.structural_choices(sc, po, switches=False)}
    out = []
    for c in parsed:
        if c.where == "scenario" and not isinstance(sc.value(c.path), (int, float)):
            out.append(dataclasses.replace(c, base="sampled", kind="sampled, pinned at each setting"))
        else:
            out.append(dataclasses.replace(c, kind=kinds.get(c.path, "fixed, sourced")))
    return out, pending


_IN_FLIPS: contextvars.ContextVar[bool] = contextvars.ContextVar("recloop_claims_in_flips", default=False)


def flip_run() -> bool:
    """True while an experiment runs for :func:`structural_flips`: only its per-world verdicts are
    read, so it may skip runs that feed only its figure, numbers or threshold sweeps."""
    return _IN_FLIPS.get()


def _flip_text(v0: dict, row: dict, ch: structural.Choice, samples: int) -> str:
    def vt(d):
        return d["verdict"] + ("" if d["decided"] else " (undecided)")

    def it(d):
        lo, hi = d["interval"]
        return "n/a" if d["holds_share"] is None else f"{d['holds_share']:.0%} [{lo:.0%}, {hi:.0%}] of {d['worlds']}"

    return (f"{vt(v0)} -> {vt(row)} when {ch.path} = {row['setting']:g} ({ch.kind}; declared {_declared(ch)}): "
            f"holds in {it(row)} worlds, vs {it(v0)} as declared (the same sampled worlds; {samples:,} requested per "
            "setting)")


def _declared(ch: structural.Choice) -> str:
    return ch.base if isinstance(ch.base, str) else f"{ch.base:g}"


def structural_flips(claim: Claim, samples: int, seed: int) -> dict[str, Any]:
    """The claim's experiment rerun under each other setting of each of its choices (module
    docstring), on ``samples`` worlds: every setting's verdict and interval, and in ``texts`` the
    settings whose verdict differs from the verdict as declared on the same worlds (or a line
    saying that none does). ``flipped_by`` names the choices with a flip the worlds decide
    (:func:`firm_flip`), ``flipped_by_undecided`` those whose flips all stay within an undecided
    interval. Runs it adds to the cache are dropped after."""
    choices, pending = claim_choices(claim)
    if not choices:
        return {"samples": samples, "choices": [], "pending": pending, "texts": []} if pending else {}
    before = set(_CACHE)
    token = _IN_FLIPS.set(True)
    try:
        res = structural.experiment_flips(lambda: _summary(claim.run(samples, seed), seed), choices,
                                          lambda d: d["verdict"])
    finally:
        _IN_FLIPS.reset(token)
        for k in set(_CACHE) - before:
            del _CACHE[k]
    base = res["evidence"]
    rows = []
    for ch in choices:
        sts = [{"setting": ch.base, "declared": True, **base}]
        sts += [{"setting": t["setting"], "declared": False, **t["evidence"]} for t in res["tried"] if t["path"] == ch.path]
        rows.append({"path": ch.path, "where": ch.where, "kind": ch.kind, "declared": ch.base, "settings": sts})
    texts = [_flip_text(base, {"setting": f["setting"], **f["evidence"]}, next(c for c in choices if c.path == f["path"]),
                        samples) for f in res["flips"]]
    if not texts:
        texts = [f"no structural flip: the verdict ({base['verdict']}, {samples:,} worlds requested) is the same "
                 "under every setting tried of " + ", ".join(c.path for c in choices)]
    texts += [f"not varied yet: {p}" for p in pending]
    firm = {f["path"] for f in res["flips"] if firm_flip(base, f["evidence"])}
    return {"samples": samples, "seed": seed, "base": base, "choices": rows, "pending": pending, "texts": texts,
            "flipped_by": sorted(firm), "flipped_by_undecided": sorted({f["path"] for f in res["flips"]} - firm)}


def firm_flip(base: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether a changed verdict is a flip the worlds decide: the other setting's interval decides
    its verdict, and so does the declared one's, or the two intervals do not overlap (a declared
    verdict on a line, the other setting far past it). Otherwise an interval only reached a line."""
    if base["verdict"] == other["verdict"] or not other["decided"]:
        return False
    if base["decided"]:
        return True
    (a, b), (c, d) = base["interval"], other["interval"]
    return None not in (a, b, c, d) and (d < a or c > b)


def evaluate(claim: Claim, samples: int, seed: int, *, max_samples: int | None = None,
             flip_samples: int | None = None) -> ClaimResult:
    """Run one claim's experiment and compute its verdict, interval and flip conditions.

    Adaptive: while the interval straddles the 20% or the 80% line, rerun on twice the worlds,
    up to ``max_samples`` (default: ``samples``, no adaptation). Sample i of every run is the same
    world (it depends on (seed, i) only), so a larger run extends the smaller one. With
    ``flip_samples`` (> 0), the structural flips are run on that many worlds
    (:func:`structural_flips`).
    """
    cap = samples if max_samples is None else max(int(max_samples), samples)
    s, steps = samples, []
    while True:
        ev = claim.run(s, seed)
        if ev.untestable:
            return ClaimResult(claim, ev, "untestable", (f"not testable by the model: {ev.untestable}",), (None, None),
                               True, s, (), _sweep_rows(ev))
        lo, hi = interval(ev.holds, ev.groups, seed=seed)
        steps.append({"samples": s, "worlds": ev.n, "holds_share": None if ev.share is None else round(ev.share, 4),
                      "interval": [None if lo is None else round(lo, 4), None if hi is None else round(hi, 4)]})
        done = decided(lo, hi, mode=ev.mode)
        if done or s * 2 > cap:
            break
        s *= 2
    v = verdict(ev.share, lo, hi, mode=ev.mode)
    st = structural_flips(claim, int(flip_samples), seed) if flip_samples else {}
    return ClaimResult(claim, ev, v, flip_conditions(ev, v), (lo, hi), done, s, tuple(steps), _sweep_rows(ev), st)


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
    """simulate() with an in-process cache, so claims that share worlds share the run; the
    structural settings in force (:func:`recloop.analysis.structural.settings_in_force`) apply
    first, so every run of an experiment sees the setting a structural flip tries."""
    scenario, policy = structural.in_force(scenario, policy)
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

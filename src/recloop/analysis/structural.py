"""Structural sensitivity: the fixed choices and assumptions a run does not sample.

A scenario samples some parameters and fixes the rest; a policy fixes its levers; a scenario with
actors fixes its market rules (``market.exit_share`` and the like). A verdict that holds over the
sampled worlds can still rest on one of those fixed choices. This module varies them:

* :func:`structural_choices` lists the choices worth varying: scenario parameters fixed at a point
  value whose declared source is an assumption (``recloop.report.evidence.assumption_kind``), the
  named structural choices of the model (:data:`STRUCTURAL`: the generation step, the automation
  boost of verification), the market rules when the scenario has actors (among them the named rule
  ``market.catastrophe_aggregation``: how actors' hazards make the world's, tried at each of its
  declared options, :data:`recloop.outcomes.HAZARD_AGGREGATIONS`), and the yes/no levers
  of the policy (switches). Each numeric choice is tried at its declared value and halfway (in log
  space for log parameters) to each declared bound; a switch at both values.
* :func:`structural_sweep` runs each setting, one at a time, on the *same* worlds (sample i depends
  only on (seed, i), and pinning one parameter leaves every other parameter's draw unchanged), and
  reports the metric with its 95% interval and its change from the declared setting, largest first;
  the change carries a paired interval (mean of the world-by-world differences), and
  ``beyond_mc_error`` says whether it excludes zero.
* :func:`assumption_flips` is the claims' hook: given a function that evaluates a claim's share
  for a (scenario, policy) and the verdict rule, it names the settings under which the verdict
  changes ("holds -> depends when market.exit_share = 0"). For experiments that build their own
  scenarios, :func:`experiment_flips` runs the experiment under each setting inside
  :func:`settings_in_force`; the experiment passes each (scenario, policy) through
  :func:`in_force` before it simulates.
* :func:`structural_worlds` draws a setting of every choice per world (scenario parameters per
  row through the explicit design; market rules and levers by grouping the worlds that drew the
  same combination), so that PRIM (``recloop discover --vary``) can box structural choices beside
  sampled parameters.

Not varied here: rules that are code rather than declared parameters (how the other outcomes
aggregate over actors, declared per outcome in :mod:`recloop.outcomes`; the order of the engine's
phases). They are named in docs/uncertainty.md; making one a switch means declaring it first, as
``market.catastrophe_aggregation`` is.
"""

from __future__ import annotations

import contextvars
import difflib
import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from recloop.params import RecloopInputError

__all__ = ["STRUCTURAL", "PRIM_MARKET_RULES", "Choice", "structural_choices", "parse_choices", "apply_choice", "apply_settings",
           "Metric", "outcome_metric", "StructuralResult", "structural_sweep", "assumption_flips",
           "structural_worlds", "settings_in_force", "current_settings", "in_force", "experiment_flips"]

#: fixed choices of the model's structure, varied even when their source is not "assumption"
STRUCTURAL = ("generations.step_oom", "verification.automation_boost")
#: at most this many combinations of market rules and levers in one structural_worlds design (each
#: combination runs as its own engine call, so many small groups cost call overhead, not accuracy)
MAX_GROUPS = 1024


@dataclass(frozen=True)
class Choice:
    """One fixed choice and the settings to try; ``where`` is scenario, market or policy."""

    path: str
    where: str
    base: Any
    settings: tuple
    kind: str = "assumption"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "where": self.where, "base": self.base, "settings": list(self.settings),
                "kind": self.kind}


def _specs():
    from recloop.policy import policy_specs
    from recloop.scenario import market_specs, scenario_specs

    return ({s.path: s for s in scenario_specs()}, {s.path: s for s in market_specs()},
            {s.path: s for s in policy_specs()})


def _lever_value(policy, path):
    block, name = path.split(".", 1)
    return getattr(getattr(policy, block), name)


def _halfway(spec, v: float) -> tuple:
    lo, hi = spec.bounds
    if spec.log and lo > 0 and v > 0:
        a, b = 10 ** ((math.log10(lo) + math.log10(v)) / 2), 10 ** ((math.log10(v) + math.log10(hi)) / 2)
    else:
        a, b = (lo + v) / 2, (v + hi) / 2
    pts = sorted({float(f"{x:.4g}") for x in (a, v, b)})
    return tuple(pts)


#: the market rule a PRIM design varies by default (every combination of rules and switches is
#: its own engine call; the one-at-a-time sweep varies them all)
PRIM_MARKET_RULES = ("market.exit_share",)


def structural_choices(scenario, policy, *, switches: bool = True, market: tuple[str, ...] | None = None) -> list[Choice]:
    """The fixed choices of a scenario and policy worth varying (module docstring); ``market``
    limits the market rules to those paths (default: all of them)."""
    from recloop.report.evidence import assumption_kind

    sspecs, mspecs, pspecs = _specs()
    out = []
    for path, sp in sspecs.items():
        v = scenario.value(path)
        if not isinstance(v, (int, float)) or sp.bounds is None:
            continue
        kind = assumption_kind(sp.source)
        if kind == "assumption" or path in STRUCTURAL:
            out.append(Choice(path, "scenario", float(v), _halfway(sp, float(v)),
                              "structural" if path in STRUCTURAL else "assumption"))
    if scenario.actors:
        for path, sp in mspecs.items():
            if market is not None and path not in market:
                continue
            v = getattr(scenario.market, path.split(".", 1)[1])
            if sp.choices:  # a named rule (market.catastrophe_aggregation): every declared option
                out.append(Choice(path, "market", v, tuple(sp.choices), "structural"))
                continue
            v = float(v)
            out.append(Choice(path, "market", v, _halfway(sp, v), "market rule"))
    if switches:
        for path in pspecs:
            v = _lever_value(policy, path)
            if isinstance(v, bool):
                out.append(Choice(path, "policy", v, (False, True), "lever switch"))
    return out


def parse_choices(texts: list[str], scenario, policy) -> list[Choice]:
    """``PATH`` (settings chosen as in :func:`structural_choices`) or ``PATH=a,b,c``."""
    sspecs, mspecs, pspecs = _specs()
    known = {**sspecs, **mspecs, **pspecs}
    out, problems = [], []
    for text in texts:
        path, _, vals = text.partition("=")
        path = path.strip()
        if path not in known:
            near = difflib.get_close_matches(path, list(known), n=2)
            problems.append(f"--vary: unknown parameter or lever '{path}'" + (f" (did you mean {', '.join(near)}?)" if near else ""))
            continue
        sp = known[path]
        where = "scenario" if path in sspecs else "market" if path in mspecs else "policy"
        if where == "scenario":
            base = scenario.value(path)
            base = float(base) if isinstance(base, (int, float)) else float(base.median)
        elif where == "market":
            base = getattr(scenario.market, path.split(".", 1)[1])
            base = base if sp.choices else float(base)
        else:
            base = _lever_value(policy, path)
        if sp.choices and isinstance(base, str):  # a named rule: its declared options
            settings = tuple(v.strip() for v in vals.split(",") if v.strip()) if vals.strip() else tuple(sp.choices)
            bad = [x for x in settings if x not in sp.choices]
            if bad:
                problems.append(f"--vary: {path}: settings must be among {', '.join(sp.choices)}, got '{bad[0]}'")
                continue
            out.append(Choice(path, where, base, settings, "given"))
            continue
        if vals.strip():
            try:
                settings = tuple((v.strip().lower() == "true") if isinstance(base, bool) else float(v)
                                 for v in vals.split(",") if v.strip())
            except ValueError:
                problems.append(f"--vary: {path}: settings must be numbers separated by commas, got '{vals}'")
                continue
        elif isinstance(base, bool):
            settings = (False, True)
        elif sp.bounds is not None and isinstance(base, (int, float)):
            settings = _halfway(sp, float(base))
        else:
            problems.append(f"--vary: {path}: give the settings to try, e.g. {path}=a,b")
            continue
        if sp.bounds is not None and not isinstance(base, bool):
            lo, hi = sp.bounds
            bad = [x for x in settings if not lo <= x <= hi]
            if bad:
                problems.append(f"--vary: {path}: settings must be in [{lo:g}, {hi:g}] {sp.unit}, got {bad[0]:g}")
                continue
        out.append(Choice(path, where, base, tuple(settings), "given"))
    if problems:
        raise RecloopInputError(problems)
    return out


def _set(data: dict, path: str, value) -> None:
    block, name = path.split(".", 1)
    inner = data.setdefault(block, {})
    inner[name] = value


def apply_settings(scenario, policy, settings: dict[str, tuple[str, Any]]):
    """(scenario, policy) with the choices ``path -> (where, value)`` applied; a scenario
    parameter becomes a point value (and leaves the copula)."""
    from recloop.policy import parse_policy
    from recloop.scenario import parse_scenario

    sc_changes = {p: v for p, (w, v) in settings.items() if w in ("scenario", "market")}
    po_changes = {p: v for p, (w, v) in settings.items() if w == "policy"}
    if sc_changes:
        data = scenario.model_dump(mode="json")
        for p, v in sc_changes.items():
            _set(data, p, v)
        data["correlations"] = [c for c in data.get("correlations", []) if not set(c["params"]) & set(sc_changes)]
        scenario = parse_scenario(data, where="scenario")
    if po_changes:
        data = policy.model_dump(mode="json")
        for p, v in po_changes.items():
            _set(data, p, v)
        policy = parse_policy(data, where="policy")
    return scenario, policy


def apply_choice(scenario, policy, choice: Choice, value):
    return apply_settings(scenario, policy, {choice.path: (choice.where, value)})


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Metric:
    """What a sweep measures: the outcome columns it needs and a function of them returning
    ``{"value", "low", "high", "censored"}``; ``per_world`` (optional) gives the per-world values
    whose mean the metric is, so that a change can be measured paired, world by world."""

    name: str
    columns: tuple[str, ...]
    fn: Callable[[dict[str, np.ndarray]], dict[str, Any]] = field(compare=False)
    per_world: Callable[[dict[str, np.ndarray]], np.ndarray] | None = field(default=None, compare=False)

    def __call__(self, cols):
        return self.fn(cols)


def outcome_metric(outcome: str, *, years: float) -> Metric:
    """A yes/no outcome's share (Wilson interval), or a number's mean (normal interval) with
    dates not reached set to the horizon (their share reported as censored)."""
    from recloop.analysis.common import _censorable, check_outcome
    from recloop.report.evidence import mean_interval, share_interval

    check_outcome(outcome)

    def per_world(cols):
        y = np.asarray(cols[outcome])
        if y.dtype == bool:
            return y.astype(np.float64)
        y = y.astype(np.float64)
        miss = ~np.isfinite(y)
        if miss.any() and _censorable(outcome):
            y = np.where(miss, years * 365.25 if outcome.endswith("_days") else years, y)
        return y

    def fn(cols):
        y = np.asarray(cols[outcome])
        if y.dtype == bool:
            return {**share_interval(int(y.sum()), y.size), "censored": 0.0}
        miss = ~np.isfinite(y.astype(np.float64))
        return {**mean_interval(per_world(cols)), "censored": float(miss.mean())}

    return Metric(("share of worlds with " if outcome in ("unverified_takeoff", "unaligned_capability",
                                                          "hard_takeoff", "catastrophe") else "mean ") + outcome,
                  (outcome,), fn, per_world)


# --------------------------------------------------------------------------- the sweep


@dataclass
class StructuralResult:
    metric: str
    worlds: int
    base: dict[str, Any]
    rows: list[dict[str, Any]]
    runs: int
    censored_runs: int

    @property
    def base_text(self) -> str:
        return _text(self.base)

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "worlds": self.worlds, "base": self.base, "rows": self.rows, "runs": self.runs,
                "censored_runs": self.censored_runs}


def _text(m: dict[str, Any]) -> str:
    if m.get("value") is None:
        return "n/a"
    s = f"{m['value']:.4g}"
    if m.get("low") is not None and m.get("high") is not None:
        s += f" ({m['low']:.4g} to {m['high']:.4g})"
    return s


def _measure(scenario, policy, metric: Metric, *, samples, seed, years, executor):
    from recloop.analysis.common import sample_worlds

    cols = sample_worlds(scenario, policy, samples=samples, seed=seed, years=years, columns=list(metric.columns),
                         executor=executor)
    return metric(cols), (metric.per_world(cols) if metric.per_world is not None else None)


def _paired(v, v0) -> dict[str, Any]:
    """The change world by world (same worlds): mean of the differences with a normal interval,
    much tighter than two separate intervals when the worlds are shared."""
    from recloop.report.evidence import mean_interval

    if v is None or v0 is None or len(v) != len(v0):
        return {"value": None, "low": None, "high": None}
    d = mean_interval(np.asarray(v) - np.asarray(v0))
    if d["value"] is not None and d["low"] is None:  # one world: no spread to measure
        d["low"] = d["high"] = None
    return d


def structural_sweep(scenario, policy, choices: list[Choice], metric: Metric, *, samples: int = 400, seed: int = 0,
                     years: float = 30.0, executor=None) -> StructuralResult:
    """Each choice's settings one at a time on the same ``samples`` worlds (module docstring)."""
    if not choices:
        raise RecloopInputError(["--vary: no structural choice to vary (the scenario fixes no assumption and "
                                 "the policy has no switch); name one with --vary PATH=a,b"])
    base, base_w = _measure(scenario, policy, metric, samples=samples, seed=seed, years=years, executor=executor)
    runs, cens = samples, base.get("censored", 0.0) * samples
    rows = []
    for ch in choices:
        sts = []
        for v in ch.settings:
            if v == ch.base:
                m, w = base, base_w
            else:
                sc, po = apply_choice(scenario, policy, ch, v)
                m, w = _measure(sc, po, metric, samples=samples, seed=seed, years=years, executor=executor)
                runs += samples
                cens += m.get("censored", 0.0) * samples
            delta = (m["value"] - base["value"]) if m.get("value") is not None and base.get("value") is not None else 0.0
            pd = _paired(w, base_w) if v != ch.base else {"value": 0.0, "low": 0.0, "high": 0.0}
            beyond = pd["low"] is not None and (pd["low"] > 0 or pd["high"] < 0)
            sts.append({"setting": v, "base": v == ch.base, "value": m.get("value"), "low": m.get("low"),
                        "high": m.get("high"), "censored": m.get("censored", 0.0), "delta": delta,
                        "delta_low": pd["low"], "delta_high": pd["high"], "beyond_mc_error": bool(beyond),
                        "text": _text(m)})
        if not any(s["base"] for s in sts):  # the declared value is not among the settings: show it first
            sts.insert(0, {"setting": ch.base, "base": True, "value": base.get("value"), "low": base.get("low"),
                           "high": base.get("high"), "censored": base.get("censored", 0.0), "delta": 0.0,
                           "delta_low": 0.0, "delta_high": 0.0, "beyond_mc_error": False, "text": _text(base)})
        rows.append({**ch.to_dict(), "settings": sts, "swing": max(abs(s["delta"]) for s in sts),
                     "changes": any(s["beyond_mc_error"] for s in sts)})
    rows.sort(key=lambda r: -r["swing"])
    return StructuralResult(metric.name, samples, base, rows, runs, int(round(cens)))


def assumption_flips(evaluate: Callable[[Any, Any], Any], scenario, policy, choices: list[Choice],
                     verdict: Callable[[Any], str]) -> list[dict[str, Any]]:
    """The settings of the fixed choices under which a verdict changes.

    ``evaluate(scenario, policy)`` returns what ``verdict`` reads (a share, or an interval dict);
    the result lists, per flipping setting, ``path``, ``setting``, ``verdict``, ``base_verdict``,
    ``evidence`` (what evaluate returned) and ``text``; an empty list means no tried setting flips
    it (the page should say which were tried: :func:`structural_choices`).
    """
    base = evaluate(scenario, policy)
    v0 = verdict(base)
    out = []
    for ch in choices:
        for v in ch.settings:
            if v == ch.base:
                continue
            sc, po = apply_choice(scenario, policy, ch, v)
            ev = evaluate(sc, po)
            vv = verdict(ev)
            if vv != v0:
                out.append({"path": ch.path, "where": ch.where, "setting": v, "declared": ch.base, "verdict": vv,
                            "base_verdict": v0, "evidence": ev,
                            "text": f"{v0} -> {vv} when {ch.path} = {v} (declared {ch.base}; {ch.kind})"})
    return out


# --------------------------------------------------------------------------- the claims' hook

_ACTIVE: contextvars.ContextVar[tuple] = contextvars.ContextVar("recloop_structural_settings", default=())


@contextmanager
def settings_in_force(settings: dict[str, tuple[str, Any]]):
    """Within the block, :func:`current_settings` returns ``settings`` (path -> (where, value)).

    For experiments that build their own scenarios and policies (the claims): an experiment that
    passes each (scenario, policy) through :func:`in_force` before it simulates runs under the
    structural choice being tried, and :func:`experiment_flips` can vary the choice from outside.
    """
    token = _ACTIVE.set(tuple(settings.items()))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def current_settings() -> dict[str, tuple[str, Any]]:
    return dict(_ACTIVE.get())


def in_force(scenario, policy):
    """(scenario, policy) with the settings in force applied (unchanged outside
    :func:`settings_in_force`); a market rule applies only to a scenario with actors."""
    st = current_settings()
    if not st:
        return scenario, policy
    if not scenario.actors:
        st = {p: v for p, v in st.items() if v[0] != "market"}
    return apply_settings(scenario, policy, st) if st else (scenario, policy)


def experiment_flips(run: Callable[[], Any], choices: list[Choice], verdict: Callable[[Any], str]) -> dict[str, Any]:
    """The settings under which an experiment's verdict changes, for experiments that build
    their own worlds: ``run()`` is evaluated as declared and under each other setting of each
    choice (inside :func:`settings_in_force`); ``verdict`` reads what it returns. Returns the
    base verdict and evidence, the settings tried (path, setting, verdict, evidence) and the flips
    (same rows as :func:`assumption_flips`)."""
    base = run()
    v0 = verdict(base)
    tried, flips = [], []
    for ch in choices:
        for v in ch.settings:
            if v == ch.base:
                continue
            with settings_in_force({ch.path: (ch.where, v)}):
                ev = run()
            vv = verdict(ev)
            tried.append({"path": ch.path, "setting": v, "verdict": vv, "evidence": ev})
            if vv != v0:
                flips.append({"path": ch.path, "where": ch.where, "setting": v, "declared": ch.base, "verdict": vv,
                              "base_verdict": v0, "evidence": ev,
                              "text": f"{v0} -> {vv} when {ch.path} = {v} (declared {ch.base}; {ch.kind})"})
    return {"verdict": v0, "evidence": base, "tried": tried, "flips": flips}


# --------------------------------------------------------------------------- a design for PRIM


@dataclass(frozen=True)
class _Task:
    scenario: Any
    policy: Any
    index: np.ndarray
    params: dict
    seed: int
    years: float
    columns: tuple[str, ...]


def _run(task: _Task):
    from recloop.engine import DEFAULT_REPORT_EVERY, simulate_chunk

    times = np.arange(0.0, task.years + 1e-9, DEFAULT_REPORT_EVERY)
    out, _ = simulate_chunk(task.scenario, task.policy, task.index, task.seed, years=task.years, times=times,
                            params=task.params)
    return task.index, {c: out[c] for c in task.columns}


def structural_worlds(scenario, policy, choices: list[Choice], *, samples: int, seed: int, years: float,
                      columns: list[str], executor=None, chunk_size: int = 4096) -> dict[str, np.ndarray]:
    """``samples`` worlds, each with its own setting of every choice: columns ``in:<path>`` (the
    sampled parameters), ``as:<path>`` (the setting of each choice; switches as 0/1) and the
    requested outcome columns. World i's sampled parameters are those of a plain run (seed, i)."""
    from recloop.execute import LocalExecutor
    from recloop.sampling import draw_parameters, normalize_seed, stream_id, uniform

    seed = normalize_seed(seed)
    executor = executor or LocalExecutor()
    index = np.arange(samples, dtype=np.int64)
    picks = {}
    for ch in choices:
        u = uniform(seed, index, stream_id("structural:" + ch.path))
        picks[ch.path] = np.minimum((u * len(ch.settings)).astype(np.int64), len(ch.settings) - 1)
    row_choices = [c for c in choices if c.where == "scenario"]
    group_choices = [c for c in choices if c.where != "scenario"]
    if group_choices:
        keys = np.stack([picks[c.path] for c in group_choices], axis=1)
        combos, group = np.unique(keys, axis=0, return_inverse=True)
        group = group.reshape(-1)
        if len(combos) > MAX_GROUPS:
            raise RecloopInputError([f"--vary: {len(combos)} combinations of market rules and levers; at most "
                                     f"{MAX_GROUPS} (vary fewer switches at once)"])
    else:
        combos, group = np.zeros((1, 0), np.int64), np.zeros(samples, np.int64)
    cols = tuple(dict.fromkeys(columns))
    tasks = []
    for g, combo in enumerate(combos):
        settings = {c.path: (c.where, c.settings[int(k)]) for c, k in zip(group_choices, combo)}
        sc, po = apply_settings(scenario, policy, settings) if settings else (scenario, policy)
        rows = np.flatnonzero(group == g)
        for a in range(0, rows.size, chunk_size):
            idx = rows[a:a + chunk_size]
            P = draw_parameters(scenario, idx, seed)
            for c in row_choices:
                P[c.path] = np.asarray(c.settings, dtype=np.float64)[picks[c.path][idx]]
            tasks.append(_Task(sc, po, idx, P, seed, years, cols))
    parts = executor.map(_run, tasks)
    res: dict[str, np.ndarray] = {}
    order = np.concatenate([part[0] for part in parts])
    inv = np.empty_like(order)
    inv[order] = np.arange(order.size)
    for name in cols:
        res[name] = np.concatenate([part[1][name] for part in parts])[inv]
    drawn = draw_parameters(scenario, index, seed)
    for path in scenario.uncertain_paths():
        res["in:" + path] = drawn[path]
    for ch in choices:  # a named rule's setting as its index among ch.settings
        vals = np.asarray([float(k if isinstance(x, str) else x) for k, x in enumerate(ch.settings)], dtype=np.float64)
        res["as:" + ch.path] = vals[picks[ch.path]]
    return res

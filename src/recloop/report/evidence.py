"""What a page knows, and how well: the Monte Carlo error of each headline figure, which inputs
are sampled and which are unsourced assumptions, the inputs that drive the headline outcomes,
the physical anchors of the capability axis, and the worlds a figure leaves out.

Shared by report.html, the playground and the CLI summary (one code, three front ends); every
function reads a run's outcome columns or a scenario, never the engine's internals.

* Shares carry Wilson score intervals (:func:`recloop.outcomes.wilson`, equal to
  ``scipy.stats.binomtest(...).proportion_ci("wilson")``):
  unlike the normal interval they stay inside [0, 1] and do not collapse to a point at 0 or 1.
* Medians carry distribution-free order-statistic intervals (:func:`recloop.outcomes.quantile_ci`,
  equal to ``scipy.stats.quantile_test``'s): the
  interval of ranks a binomial(n, 1/2) puts around the median.
* Means of a bounded per-world quantity (P(catastrophe)) carry a normal interval with the
  sample standard deviation, adequate at the hundreds of worlds a page shows.
* Drivers are Spearman rank correlations between each sampled input and an outcome over the
  run's own worlds (no extra engine runs, so they come with every run and are cached with it).
  Dates not reached by the horizon rank at the horizon (they are later than every reached
  date); yes/no outcomes rank as 0/1. The interval is Fisher's z with the Bonett-Wright
  standard error 1.06/sqrt(n-3) (Bonett & Wright 2000, Psychometrika 65:23). A rank correlation
  is a screening measure: it misses non-monotone effects and interactions; ``recloop
  sensitivity`` gives Sobol indices.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from recloop.outcomes import quantile_ci, wilson

__all__ = ["LEVEL", "share_interval", "median_interval", "mean_interval", "headline_intervals",
           "assumption_kind", "input_kinds", "drivers", "DRIVER_TARGETS", "capability_anchors",
           "REPORTING_THRESHOLDS", "READABLE", "read_inputs", "compact", "pct", "readable", "fmt_interval", "fmt_share"]

#: confidence level of every interval a page shows
LEVEL = 0.95
_Z = 1.959963984540054

#: reader's names of outcome columns (the CLI summary, the report and the playground use them)
READABLE = {
    "t_automation_20": "R&D automation 20%", "t_automation_50": "R&D automation 50%",
    "t_automation_90": "R&D automation 90%", "t_automation_100": "R&D automation (almost) complete",
    "t_takeoff_start": "takeoff starts (AI does most of its own engineering)",
    "t_superhuman": "vastly superhuman", "t_no_control": "point of no control",
    "t_unaligned": "unaligned capability", "takeoff_days": "takeoff duration (days)",
    "takeoff_years": "takeoff duration (years)", "hard_takeoff": "hard takeoff (under a year)",
    "unverified_takeoff": "unverified takeoff", "unaligned_capability": "unaligned capability",
    "p_catastrophe": "P(catastrophe) by the horizon", "years_in_one_year": "peak years of progress in one year",
    "safety_window_years": "safety window (first warning to loss of control, years)",
    "years_paused": "years paused", "years_gated": "years releases waited for verification",
    "halts": "halts", "failed_halts": "failed halts", "final_effective_compute": "capability at the horizon",
    "output_lost": "output lost (market-share-years halted)",
}


def readable(name: str) -> str:
    """A reader's name for an outcome column or a parameter path (``software.returns`` ->
    ``software: returns``)."""
    if name in READABLE:
        return READABLE[name]
    if name.startswith("in:"):
        name = name[3:]
    if "." in name:
        block, p = name.split(".", 1)
        return f"{block}: {p.replace('_', ' ')}"
    return name.replace("_", " ")


# --------------------------------------------------------------------------- intervals


def share_interval(k: int, n: int, level: float = LEVEL) -> dict[str, Any]:
    """A share k/n with its Wilson score interval; ``None`` fields when n = 0."""
    if n <= 0:
        return {"value": None, "low": None, "high": None, "k": 0, "n": 0}
    low, high = wilson(int(k), int(n), confidence=level)
    return {"value": k / n, "low": low, "high": high, "k": int(k), "n": int(n)}


def median_interval(x, level: float = LEVEL) -> dict[str, Any]:
    """The median of the finite values of ``x`` with an order-statistic interval (``n`` counts
    the values used; the rest are left out and counted in ``left_out``)."""
    x = np.asarray(x, dtype=np.float64)
    v = x[np.isfinite(x)]
    out: dict[str, Any] = {"value": None, "low": None, "high": None, "n": int(v.size), "left_out": int(x.size - v.size)}
    if v.size == 0:
        return out
    out["value"] = float(np.median(v))
    if v.size >= 6:  # fewer values give no two-sided 95% interval from ranks
        out["low"], out["high"] = quantile_ci(v, 0.5, confidence=level)
    return out


def mean_interval(x, level: float = LEVEL) -> dict[str, Any]:
    """The mean of the finite values of ``x`` with a normal interval (sample standard deviation)."""
    x = np.asarray(x, dtype=np.float64)
    v = x[np.isfinite(x)]
    if v.size == 0:
        return {"value": None, "low": None, "high": None, "n": 0}
    m = float(v.mean())
    if v.size < 2:
        return {"value": m, "low": None, "high": None, "n": int(v.size)}
    from scipy.special import ndtri

    z = float(ndtri(0.5 + level / 2))
    half = z * float(v.std(ddof=1)) / math.sqrt(v.size)
    return {"value": m, "low": m - half, "high": m + half, "n": int(v.size)}


def _count(col) -> tuple[int, int]:
    col = np.asarray(col)
    if col.dtype == bool:
        return int(col.sum()), int(col.size)
    c = col.astype(np.float64)
    return int(np.isfinite(c).sum()), int(c.size)


def headline_intervals(outcomes: dict[str, np.ndarray], start_year: float) -> dict[str, dict[str, Any]]:
    """Every headline figure of a run with its 95% interval (dates as calendar years).

    Keys: ``reached:<date>`` (share of worlds that reach the date), ``median:<date>`` (median
    date over the worlds that reach it), ``median:takeoff_days``, ``share:<yes/no outcome>``,
    ``mean:p_catastrophe``. Each value has ``value``, ``low``, ``high`` and ``n`` (the worlds
    counted); medians also ``left_out`` (worlds that never reach the date, not in the median).
    """
    O = outcomes
    out: dict[str, dict[str, Any]] = {}
    for d in ("t_automation_20", "t_automation_50", "t_automation_90", "t_automation_100", "t_takeoff_start",
              "t_superhuman", "t_no_control", "t_unaligned"):
        if d not in O:
            continue
        k, n = _count(O[d])
        out[f"reached:{d}"] = share_interval(k, n)
        m = median_interval(O[d])
        for key in ("value", "low", "high"):
            if m[key] is not None:
                m[key] = start_year + m[key]
        out[f"median:{d}"] = m
    if "takeoff_days" in O:
        out["median:takeoff_days"] = median_interval(O["takeoff_days"])
    if "takeoff_years" in O:
        ty = np.asarray(O["takeoff_years"], dtype=np.float64)
        out["share:hard_takeoff"] = share_interval(int(np.sum(ty < 1.0)), ty.size)
    for b in ("unverified_takeoff", "unaligned_capability", "catastrophe"):
        if b in O:
            col = np.asarray(O[b]).astype(bool)
            out[f"share:{b}"] = share_interval(int(col.sum()), col.size)
    if "halts" in O:
        h = np.asarray(O["halts"], dtype=np.float64)
        out["share:any_halt"] = share_interval(int(np.sum(h > 0)), h.size)
    if "p_catastrophe" in O:
        out["mean:p_catastrophe"] = mean_interval(O["p_catastrophe"])
    return out


#: interval keys of :func:`headline_intervals` -> (block, value key) of a summary that carries
#: its own intervals as ``<value key>_ci`` (outcomes.summarize with per-outcome censoring)
_SUMMARY_SHARES = {
    "share:unverified_takeoff": ("alignment", "p_unverified_takeoff"),
    "share:unaligned_capability": ("alignment", "p_unaligned_capability"),
    "share:unverified_given_superhuman": ("alignment", "p_unverified_given_superhuman"),
    "share:hard_takeoff": ("takeoff", "p_hard"),
    "share:any_halt": ("halts", "p_any_halt"),
    "reached:t_no_control": ("risk", "p_no_control"),
    "mean:p_catastrophe": ("risk", "p_catastrophe_mean"),
}


def prefer_summary(iv: dict[str, dict[str, Any]], summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The intervals of ``iv``, replaced by the summary's own where it gives them (a summary
    whose values carry ``<key>_ci``: the outcomes' declared censoring rules decide what a missing
    value means there, so the pages say the same as the summary). Adds
    ``share:unverified_given_superhuman`` and ``undecided:unverified_takeoff`` when present."""
    out = dict(iv)
    for key, (block, k) in _SUMMARY_SHARES.items():
        b = summary.get(block) or {}
        ci = b.get(k + "_ci")
        if b.get(k) is None or not isinstance(ci, (list, tuple)) or len(ci) != 2:
            continue
        n = out.get(key, {}).get("n", summary.get("samples"))
        if key == "share:unverified_given_superhuman":
            sup = (summary.get("alignment") or {}).get("p_superhuman")
            n = int(round(sup * summary["samples"])) if sup is not None else n
        out[key] = {"value": b[k], "low": ci[0], "high": ci[1], "n": n, "from": "summary"}
    for d, m in (summary.get("milestones") or {}).items():
        ci = m.get("reached_ci")
        if isinstance(ci, (list, tuple)) and len(ci) == 2 and f"reached:{d}" in out:
            out[f"reached:{d}"] = {**out[f"reached:{d}"], "value": m["reached"], "low": ci[0], "high": ci[1],
                                   "from": "summary"}
    und = (summary.get("alignment") or {}).get("unverified_undecided")
    if und is not None:
        out["undecided:unverified_takeoff"] = {"value": und, "low": None, "high": None, "n": summary.get("samples")}
    return out


def fmt_share(iv: dict[str, Any] | None, nd: int = 0) -> str:
    """``12% (95% CI 10-14%)``, or ``n/a``."""
    if not iv or iv.get("value") is None:
        return "n/a"
    v, lo, hi = iv["value"], iv.get("low"), iv.get("high")
    s = pct(v, nd)
    if lo is not None and hi is not None:
        k = nd
        # one more decimal where the interval is narrower than the rounding, or its top under 1%
        while k < nd + 2 and (_bound(lo, k) == _bound(hi, k) or (k == nd and 100 * hi < 1)):
            k += 1
        s += f" (95% CI {_bound(lo, k)}-{_bound(hi, k)}%)"
    return s


def _bound(x: float, nd: int) -> str:
    return f"{100 * x:.{nd}f}"


def pct(x: float, nd: int = 0, sign: bool = True) -> str:
    """A share as a percentage; ``<1%`` for a share above 0 that would round to 0%."""
    if 0 < x < 0.005 and nd == 0:
        return "<1%" if sign else "<1"
    s = f"{100 * x:.{nd}f}"
    return s + ("%" if sign else "")


def fmt_interval(iv: dict[str, Any] | None, nd: int = 1, unit: str = "") -> str:
    """``2031.4 (95% CI 2031.1-2031.8)``, or ``n/a`` / ``not reached``."""
    if not iv or iv.get("value") is None:
        return "not reached" if iv and iv.get("n") == 0 and iv.get("left_out") else "n/a"
    f = lambda x: f"{x:,.{nd}f}" if abs(x) >= 1e4 else f"{x:.{nd}f}"  # noqa: E731 (years without a comma)
    s = f(iv["value"]) + unit
    if iv.get("low") is not None and iv.get("high") is not None:
        s += f" (95% CI {f(iv['low'])}-{f(iv['high'])}{unit})"
    return s


# --------------------------------------------------------------------------- inputs


def assumption_kind(source: str) -> str:
    """``assumption`` when the declared source starts with the word (an unsourced assumption),
    ``partly assumed`` when it names a source and also says assumption, else ``sourced``."""
    s = (source or "").strip().lower()
    if not s or s.startswith("assumption"):
        return "assumption"
    return "partly assumed" if "assumption" in s else "sourced"


def _dist_label(v) -> str:
    d = v.model_dump()
    kind = d.pop("dist")
    return kind + " " + ", ".join(f"{k}={x:g}" for k, x in d.items())


def input_kinds(scenario) -> dict[str, Any]:
    """Which scenario inputs are sampled and which are fixed, and which rest on an unsourced
    assumption (the declared ``source`` starts with "assumption")."""
    from recloop.scenario import scenario_specs

    rows = []
    for s in scenario_specs():
        v = scenario.value(s.path)
        sampled = not isinstance(v, (int, float))
        rows.append({"path": s.path, "sampled": sampled, "value": _dist_label(v) if sampled else float(v),
                     "unit": s.unit, "source": s.source, "kind": assumption_kind(s.source)})
    count = lambda pred: sum(1 for r in rows if pred(r))  # noqa: E731
    return {
        "rows": rows,
        "sampled": count(lambda r: r["sampled"]),
        "fixed": count(lambda r: not r["sampled"]),
        "assumptions": count(lambda r: r["kind"] == "assumption"),
        "assumptions_fixed": count(lambda r: r["kind"] == "assumption" and not r["sampled"]),
        "assumptions_sampled": count(lambda r: r["kind"] == "assumption" and r["sampled"]),
        "partly": count(lambda r: r["kind"] == "partly assumed"),
        "total": len(rows),
    }


# --------------------------------------------------------------------------- drivers

#: the headline outcomes whose drivers a page names
DRIVER_TARGETS = ("t_superhuman", "takeoff_days", "unverified_takeoff", "p_catastrophe")


def read_inputs(outcomes_parquet, names: list[str], *, rows: int) -> dict[str, np.ndarray]:
    """The first ``rows`` values of the ``in:<name>`` columns of a run's outcomes.parquet (a
    finished run keeps its inputs on disk, not in memory; a driver screen needs a few thousand)."""
    import pyarrow.parquet as pq

    from recloop.arrowcols import to_numpy

    f = pq.ParquetFile(outcomes_parquet)
    have = set(f.schema_arrow.names)
    cols = [f"in:{n}" for n in names if f"in:{n}" in have]
    if not cols:
        return {}
    out: dict[str, list] = {c: [] for c in cols}
    got = 0
    for batch in f.iter_batches(columns=cols, batch_size=min(rows, 65536)):
        for c in cols:
            out[c].append(to_numpy(batch.column(c)))
        got += batch.num_rows
        if got >= rows:
            break
    return {c: np.concatenate(v)[:rows].astype(np.float64) for c, v in out.items()}


def _ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing their mean rank (scipy.stats.rankdata's "average"; NaN anywhere
    gives NaN everywhere, as rankdata propagates it). numpy alone: scipy.stats costs a second
    to import, more than a report's drivers take."""
    x = np.asarray(x, dtype=np.float64)
    if np.isnan(x).any():
        return np.full(x.shape, np.nan)
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])  # first position of each distinct value
    ends = np.r_[starts[1:], xs.size]  # one past its last
    mean_rank = (starts + 1 + ends) / 2.0  # the mean of ranks starts+1 .. ends
    ranks = np.empty(x.size)
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def drivers(outcomes: dict[str, np.ndarray], inputs: dict[str, np.ndarray] | None = None, *, years: float,
            targets: Iterable[str] = DRIVER_TARGETS, top: int = 3) -> dict[str, Any]:
    """The inputs most associated with each headline outcome over the run's worlds.

    ``inputs`` maps parameter paths (or ``in:<path>`` columns) to the sampled values; by
    default the ``in:`` columns of ``outcomes``. Only inputs that vary are considered. Returns,
    per target, ``rows`` (path, rho, low, high; largest |rho| first), ``n`` and ``censored``
    (share of worlds whose date ranks at the horizon), or ``note`` where the outcome does not
    vary.
    """
    src = inputs if inputs is not None else {k: v for k, v in outcomes.items() if k.startswith("in:")}
    X = {}
    for k, v in src.items():
        v = np.asarray(v, dtype=np.float64)
        if v.size and np.all(np.isfinite(v)) and np.ptp(v) > 0:
            X[k[3:] if k.startswith("in:") else k] = v
    out: dict[str, Any] = {}
    ranked_inputs = {k: _ranks(v) for k, v in X.items()}
    for t in targets:
        if t not in outcomes:
            continue
        y = np.asarray(outcomes[t])
        y = y.astype(np.float64)
        miss = ~np.isfinite(y)
        fill = years * 365.25 if t.endswith("_days") else years
        if t.startswith("t_") or t.endswith(("_years", "_days")):
            y = np.where(miss, fill + 1.0, y)  # not reached ranks after every reached date
        elif miss.any():
            out[t] = {"rows": [], "n": int(y.size), "censored": float(miss.mean()),
                      "note": "undefined in some worlds"}
            continue
        n = y.size
        if n < 10 or np.ptp(y) == 0 or not X:
            note = ("too few worlds" if n < 10 else "does not vary across the worlds" if np.ptp(y) == 0
                    else "no sampled input varies")
            out[t] = {"rows": [], "n": int(n), "censored": float(miss.mean()) if n else 0.0, "note": note}
            continue
        ry = _ranks(y)
        ry = (ry - ry.mean()) / ry.std()
        se = 1.06 / math.sqrt(max(n - 3, 1))
        rows: list[dict[str, Any]] = []
        for k, rx in ranked_inputs.items():
            rxs = (rx - rx.mean()) / rx.std()
            rho = float(np.clip(np.mean(rxs * ry), -1.0, 1.0))
            z = math.atanh(min(max(rho, -0.999999), 0.999999))
            rows.append({"path": k, "rho": rho, "low": math.tanh(z - _Z * se), "high": math.tanh(z + _Z * se)})
        rows.sort(key=lambda r: -abs(r["rho"]))
        out[t] = {"rows": rows[:top], "n": int(n), "censored": float(miss.mean()),
                  "inputs": len(X)}
    return out


# --------------------------------------------------------------------------- capability anchors

#: governance reporting thresholds on cumulative training compute (log10 FLOP)
REPORTING_THRESHOLDS = (
    (25.0, "EU AI Act systemic-risk threshold (1e25 FLOP)"),
    (26.0, "US EO 14110 reporting threshold (1e26 FLOP, revoked 2025)"),
)


def _median_of(scenario, outcomes, path) -> float:
    col = outcomes.get("in:" + path) if outcomes else None
    if col is not None and np.size(col):
        return float(np.median(np.asarray(col, dtype=np.float64)))
    v = scenario.value(path)
    return float(v) if isinstance(v, (int, float)) else float(v.median)


def compact(ev: dict[str, Any]) -> dict[str, Any]:
    """The parts of a view's evidence a summary.json keeps (no per-input rows)."""
    return {"intervals": ev["intervals"], "drivers": ev["drivers"], "driver_worlds": ev["driver_worlds"],
            "inputs": {k: v for k, v in ev["inputs"].items() if k != "rows"},
            "assumptions_fixed": [r["path"] for r in ev["inputs"]["rows"] if r["kind"] == "assumption" and not r["sampled"]],
            "anchors": ev["anchors"], "left_out": ev["left_out"]}


def _absolute_danger(scenario, outcomes, start: float) -> float:
    from recloop.scenario import scenario_specs

    paths = {sp.path for sp in scenario_specs()}
    if "risk.danger_flop" in paths:  # absolute (log10 effective FLOP, 2025 algorithms)
        return math.log10(_median_of(scenario, outcomes, "risk.danger_flop"))
    return start + _median_of(scenario, outcomes, "risk.danger_oom")  # relative to the start (older scenarios)


_HORIZON_NAMES = {"work_day": "1 work day (8 h)", "work_week": "1 work week (40 h)",
                  "work_month": "1 work month (167 h)", "work_year": "1 work year (2,000 h)"}


def _horizon_anchors(scenario, outcomes) -> list[dict[str, Any]]:
    """METR 50% time horizons at the median world's [horizon] parameters
    (:func:`recloop.mechanisms.horizon.capability_for_horizon`, with the reasoning gain of the
    scenario's start year, the full gain for a start after its ramp); a module-level
    ``capability_anchors(scenario)`` there, if defined, replaces them."""
    import importlib

    try:
        horizon: Any = importlib.import_module("recloop.mechanisms.horizon")
    except ImportError:
        return []
    fn = getattr(horizon, "capability_anchors", None)
    if callable(fn):
        return [{"y": float(y), "label": str(lab), "kind": "horizon"} for y, lab in fn(scenario)]
    need = getattr(horizon, "capability_for_horizon", None)
    if not callable(need):
        return []
    try:
        p = {k: _median_of(scenario, outcomes, k)
             for k in ("horizon.oom_per_doubling", "horizon.p50_hours_at_1e25", "horizon.p80_ratio",
                       "horizon.reasoning_gain_oom", "horizon.reasoning_onset_year", "horizon.reasoning_ramp_years")}
    except (AttributeError, ValueError, KeyError):  # a scenario without a [horizon] block
        return []
    year = float(scenario.start_year)
    return [{"y": float(need(h, p, 50, year)), "label": f"METR 50% horizon: {_HORIZON_NAMES.get(name, name)}",
             "kind": "horizon"} for name, h in horizon.MILESTONES.items()]


def capability_anchors(scenario, outcomes: dict[str, np.ndarray] | None = None, *,
                       start: float | np.ndarray | None = None) -> list[dict[str, Any]]:
    """Physical anchors on the capability axis (log10 effective training FLOP at 2025
    algorithms): the reporting thresholds, the starting frontier, the danger level, where takeoff
    starts and where capability is vastly superhuman (median world), and METR's 50% time
    horizons (work day, week, month, year) from :mod:`recloop.mechanisms.horizon`.

    ``start`` is each world's (or the median world's) capability at the start (the capability
    fan's first column); by default log10 of ``compute.initial_training_flop``. Takeoff and
    superhuman levels are per world (``capability_at_takeoff_start`` is OOM above the world's own
    start) and then the median.
    """
    if start is None:
        start = math.log10(_median_of(scenario, outcomes, "compute.initial_training_flop"))
    st = np.asarray(start, dtype=np.float64).reshape(-1)
    s0 = float(np.median(st[np.isfinite(st)])) if np.isfinite(st).any() else float("nan")
    out: list[dict[str, Any]] = [{"y": y, "label": lab, "kind": "threshold"} for y, lab in REPORTING_THRESHOLDS]
    out.append({"y": s0, "label": f"frontier at the start ({scenario.start_year:g})", "kind": "start"})
    out.append({"y": _absolute_danger(scenario, outcomes, s0), "label": "danger level (hazard applies above it)",
                "kind": "danger"})
    if outcomes is not None and "capability_at_takeoff_start" in outcomes:
        c = np.asarray(outcomes["capability_at_takeoff_start"], dtype=np.float64)
        k = st.size if st.size > 1 else c.size
        c = c[:k]
        base = st[:c.size] if st.size > 1 else s0
        col = outcomes.get("in:milestones.superhuman_oom")
        so: Any = np.asarray(col, dtype=np.float64)[:c.size] if col is not None else None
        if so is None or so.size != c.size:  # inputs not at hand for every world: the median world's
            so = _median_of(scenario, outcomes, "milestones.superhuman_oom")
        take = base + c
        sup = take + so
        take, sup = take[np.isfinite(take)], sup[np.isfinite(sup)]
        if sup.size:
            out.append({"y": float(np.median(sup)), "label": "vastly superhuman (median world)", "kind": "superhuman"})
        if take.size:
            out.append({"y": float(np.median(take)), "label": "takeoff starts (median world)", "kind": "takeoff"})
    out.extend(_horizon_anchors(scenario, outcomes))
    return sorted((a for a in out if math.isfinite(float(a["y"]))), key=lambda a: float(a["y"]))

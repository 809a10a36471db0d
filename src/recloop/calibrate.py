"""Calibration: condition a scenario's uncertain parameters on the hindcast (ABC rejection).

Method: approximate Bayesian computation by rejection (Pritchard et al. 1999; Beaumont 2010,
"Approximate Bayesian computation in evolution and ecology"). ``samples`` worlds are drawn from
the scenario's prior and run from the data's state at ``start`` (as :func:`recloop.hindcast.hindcast`
does). Each world's distance to the record is

    d = sqrt( mean over series of ( mean over points of ((model - observed) / sd)^2 ) ),

with ``sd`` each point's own observation error (:func:`recloop.hindcast.default_series`: Epoch's
confidence grade of the estimate for training compute, cost and power; the point's 95% CI for
METR), or the series' scale where a point states none (0.15 OOM for GPU price-performance), so
every series weighs the same whatever its number of points. The tolerance is the ``accept`` quantile of the
distances; the accepted worlds (equal weights) are the posterior, and its effective sample size
is their number. A parameter counts as constrained by the record when its accepted draws differ
from its prior draws by a two-sample Kolmogorov-Smirnov test at level ``alpha`` divided by the
number of uncertain parameters (Bonferroni); the calibrated scenario replaces only those
parameters' distributions by a fit to the posterior (lognormal for a positive prior family, else
normal), and carries their posterior rank correlations as copula entries. A parameter the
record does not constrain (verification, drift, risk) keeps its prior: its posterior 90%
interval stays as wide as the prior's (``width_ratio`` near 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from recloop.hindcast import (
    STATE_PARAMS,
    TODAY,
    Series,
    _grid_index,
    _single_developer,
    _with_start,
    default_series,
    initial_state,
    model_grids,
)
from recloop.params import LogNormal, LogUniform, Normal, RecloopInputError, Uniform

__all__ = ["Calibration", "calibrate", "distances", "forecast_table", "posterior_scenario"]


@dataclass
class Calibration:
    """The result of :func:`calibrate`: tolerance, ESS, per-parameter prior/posterior quantiles."""

    method: str
    start: float
    samples: int
    accepted: int
    tolerance: float
    accept: float
    seed: int
    series: list[str]
    params: dict[str, dict[str, Any]]
    posterior: dict[str, np.ndarray] = field(repr=False)
    scenario: Any = field(repr=False, default=None)

    @property
    def ess(self) -> int:
        return self.accepted

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "start": self.start, "samples": self.samples, "accepted": self.accepted,
                "effective_sample_size": self.ess, "tolerance": self.tolerance, "accept_share": self.accept,
                "seed": self.seed, "series": self.series, "params": self.params}


def distances(grids: dict[str, np.ndarray], series: list[Series], times: np.ndarray, start: float) -> np.ndarray:
    """Distance of every sample to the observed series (see the module docstring); inf where a
    sample has no value at some observed date."""
    per = []
    for s in series:
        if s.name not in grids:
            continue
        keep = (s.dates >= start) & (s.dates <= start + times[-1] + 1e-9)
        if not keep.any():
            continue
        k = _grid_index(times, s.dates[keep], start)
        e = s.error_at(keep)
        scale = np.where(e > 0, e, s.sd)  # the point's own error where stated, else the series' scale
        r = (grids[s.name][:, k] - s.values[keep][None, :]) / scale[None, :]
        ms = np.mean(r * r, axis=1)
        per.append(np.where(np.isfinite(ms), ms, np.inf))
    if not per:
        raise RecloopInputError(["calibrate: no observed point falls inside the hindcast window"])
    return np.sqrt(np.mean(per, axis=0))


def _q(x):
    return [float(v) for v in np.percentile(x, (5, 50, 95))]


def calibrate(scenario=None, *, start: float = 2019.0, end: float = TODAY, samples: int = 20_000,
              accept: float = 0.05, seed: int = 0, series: list[Series] | None = None,
              alpha: float = 0.01, use: list[str] | None = None,
              refit: tuple[str, ...] | None = None) -> Calibration:
    """ABC rejection of ``scenario``'s uncertain parameters against ``series`` (default: the record).

    ``use`` names the series that condition the parameters (default: every series the engine has
    a value for); the others are not part of the distance. ``refit`` (parameter-path prefixes, e.g.
    ``("compute.",)``) limits which constrained parameters the calibrated scenario refits; the
    table still reports every parameter (default: every constrained parameter is refitted)."""
    from recloop.engine import simulate
    from recloop.sampling import draw_parameters
    from recloop.scenario import load_scenario

    if not 0 < accept < 1:
        raise RecloopInputError([f"--accept: must be in (0, 1), got {accept!r}"])
    if not isinstance(samples, int) or samples < 100:
        raise RecloopInputError([f"--samples: calibration needs at least 100 prior draws, got {samples!r}"])
    base = load_scenario(scenario) if scenario is None or isinstance(scenario, str) else scenario
    _single_developer(base)
    state = initial_state(start)
    sc = _with_start(base, state)
    res = simulate(sc, samples=samples, seed=seed, years=end - start, report_every=1.0 / 12.0)
    obs = default_series(start, end) if series is None else series
    grids = model_grids(res, state)
    obs = [s for s in obs if s.name in grids]  # series the engine has no value for cannot condition it
    if use is not None:
        unknown = sorted(set(use) - {s.name for s in obs})
        if unknown or not use:
            raise RecloopInputError([f"--series: must name series of the hindcast ({', '.join(s.name for s in obs)}), "
                                     f"got {', '.join(unknown) or 'none'}"])
        obs = [s for s in obs if s.name in set(use)]
    d = distances(grids, obs, res.times, start)
    if not np.isfinite(d).any():
        raise RecloopInputError(["calibrate: no prior draw has a finite distance to the record"])
    tol = float(np.quantile(d[np.isfinite(d)], accept))
    ok = d <= tol
    P = draw_parameters(sc, res.outcomes["sample"], res.seed)
    table: dict[str, dict[str, Any]] = {}
    post: dict[str, np.ndarray] = {}
    paths = sc.uncertain_paths()
    for path in paths:
        prior, x = P[path], P[path][ok]
        pq, qq = _q(prior), _q(x)
        width = pq[2] - pq[0]
        pval = float(stats.ks_2samp(x, prior).pvalue)
        table[path] = {"prior": pq, "posterior": qq,
                       "width_ratio": float((qq[2] - qq[0]) / width) if width > 0 else 1.0,
                       "ks_pvalue": pval, "constrained": bool(pval < alpha / len(paths))}
        post[path] = x
    cal = Calibration("ABC rejection", float(start), samples, int(ok.sum()), tol, accept, seed,
                      [s.name for s in obs], table, post)
    if refit is not None:
        bad = [r for r in refit if not any(p.startswith(r) for p in paths)]
        if bad or not refit:
            raise RecloopInputError([f"--refit: must be prefixes of uncertain parameters (e.g. compute.), got "
                                     f"{', '.join(bad) or 'none'}"])
        for path, row in table.items():
            row["refitted"] = bool(row["constrained"] and path.startswith(tuple(refit)))
    else:
        for row in table.values():
            row["refitted"] = row["constrained"]
    # the hindcast's start state (e.g. the 2019 training compute, sampled between the current
    # generation and the record) describes the start date, not the scenario's own start: reported,
    # never refitted into the calibrated scenario
    for path in set(STATE_PARAMS.values()) & set(table):
        table[path]["start_state"] = True
        table[path]["refitted"] = False
    cal.scenario = posterior_scenario(base, cal)
    return cal


def _fit_like(prior, x: np.ndarray, bounds):
    """A distribution of the prior's family (positive: lognormal; else normal) for posterior draws."""
    lo, hi = bounds if bounds is not None else (-math.inf, math.inf)
    p5, p95 = (float(v) for v in np.percentile(x, (5, 95)))
    if isinstance(prior, (LogNormal, LogUniform)):
        p5, p95 = max(p5, lo, 1e-300), min(p95, hi)
        if not p5 < p95:
            p95 = p5 * (1 + 1e-6)
        return LogNormal(dist="lognormal", p5=p5, p95=p95)
    mean, sd = float(np.mean(x)), float(np.std(x))
    sd = max(sd, 1e-9 * max(1.0, abs(mean)))
    # the declared bounds must contain the central 90%: shrink the sd to fit
    room = min(mean - lo, hi - mean) / 1.6449 if math.isfinite(lo) or math.isfinite(hi) else sd
    sd = max(min(sd, room * 0.999), 1e-12)
    return Normal(dist="normal", mean=mean, sd=sd)


def posterior_scenario(base, cal: Calibration):
    """``base`` with each constrained parameter's distribution replaced by its posterior fit."""
    from recloop.scenario import parse_scenario, scenario_specs

    specs = {s.path: s for s in scenario_specs()}
    d = base.model_dump(mode="json")
    changed = []
    for path, row in cal.params.items():
        if not row.get("refitted", row["constrained"]):
            continue  # the record does not constrain it (or it is not to be refitted): keep the prior
        prior = base.value(path)
        if not isinstance(prior, (Uniform, LogUniform, Normal, LogNormal)):
            continue
        block, name = path.split(".")
        d[block][name] = _fit_like(prior, cal.posterior[path], specs[path].bounds).model_dump()
        changed.append(path)
    d["correlations"] = _posterior_correlations(base, cal, changed)
    d["name"] = f"{base.name}-calibrated"
    d["description"] = (f"{base.name} conditioned on the record {cal.start:g}-{TODAY:g} by ABC rejection "
                        f"({cal.accepted} of {cal.samples} worlds, tolerance {cal.tolerance:.3g}); "
                        f"posterior fitted for: {', '.join(changed) or 'none'}")
    d["sources"] = list(d.get("sources", [])) + ["recloop calibrate (ABC rejection on the hindcast; docs/data.md)"]
    return parse_scenario(d, where="calibrated scenario")


def _posterior_correlations(base, cal: Calibration, changed: list[str], *, min_abs: float = 0.2) -> list[dict]:
    """The copula of the calibrated scenario: the prior's entries for pairs not both refitted, and
    for refitted pairs the posterior's rank correlation where |Spearman| >= ``min_abs``, as a
    Gaussian-copula rho = 2 sin(pi r_s / 6). Entries are dropped, weakest first, until the matrix
    is positive definite."""
    refit = set(changed)
    keep: list[dict[str, Any]] = [{"params": list(c.params), "rho": c.rho} for c in base.correlations
                                  if not (c.params[0] in refit and c.params[1] in refit)]
    new: list[dict[str, Any]] = []
    for i, a in enumerate(changed):
        for b in changed[i + 1:]:
            r = float(stats.spearmanr(cal.posterior[a], cal.posterior[b]).statistic)
            if math.isfinite(r) and abs(r) >= min_abs:
                new.append({"params": [a, b], "rho": round(max(-0.95, min(0.95, 2 * math.sin(math.pi * r / 6))), 3)})
    new.sort(key=lambda c: -abs(c["rho"]))
    while new:
        names = sorted({p for c in keep + new for p in c["params"]})
        pos = {n: j for j, n in enumerate(names)}
        m = np.eye(len(names))
        for c in keep + new:
            ia, ib = (pos[p] for p in c["params"])
            m[ia, ib] = m[ib, ia] = c["rho"]
        try:
            np.linalg.cholesky(m)
            break
        except np.linalg.LinAlgError:
            new.pop()
    return keep + new


def forecast_table(prior_scenario, posterior, *, samples: int = 2000, seed: int = 0) -> list[dict[str, Any]]:
    """Prior and posterior forecasts side by side: milestone dates, takeoff length, P(unverified takeoff)."""
    from recloop.engine import simulate
    from recloop.outcomes import summarize

    rows = []
    results = [simulate(s, samples=samples, seed=seed) for s in (prior_scenario, posterior)]
    sums = [summarize(r) for r in results]
    horizon_dates = [_horizon_milestones(r) for r in results]
    for name in ("work_day", "work_week", "work_month", "work_year"):
        a, b = (h[name] for h in horizon_dates)
        rows.append({"outcome": f"t_horizon_{name}", "unit": "year", "prior": a["q"], "posterior": b["q"],
                     "prior_reached": a["reached"], "posterior_reached": b["reached"]})
    for key in ("t_automation_50", "t_automation_90", "t_takeoff_start", "t_superhuman"):
        a, b = (s["milestones"][key] for s in sums)
        rows.append({"outcome": key, "unit": "year", "prior": [a["p10"], a["p50"], a["p90"]],
                     "posterior": [b["p10"], b["p50"], b["p90"]], "prior_reached": a["reached"],
                     "posterior_reached": b["reached"]})
    a, b = (s["takeoff"]["years"] for s in sums)
    rows.append({"outcome": "takeoff_years", "unit": "yr", "prior": [a["p10"], a["p50"], a["p90"]],
                 "posterior": [b["p10"], b["p50"], b["p90"]]})
    a, b = (s["alignment"]["p_unverified_takeoff"] for s in sums)
    rows.append({"outcome": "p_unverified_takeoff", "unit": "probability", "prior": [a], "posterior": [b]})
    return rows


def _horizon_milestones(result) -> dict[str, dict[str, Any]]:
    """Dates the deployed generation's 50% METR horizon first reaches a work day, week, month, year
    (the engine's ``t_horizon_*`` outcomes, calendar years; quantiles over the worlds that reach it)."""
    from recloop.mechanisms import horizon

    out = {}
    for name in horizon.MILESTONES:
        t = result.outcomes[f"t_horizon_{name}"]
        hit = np.isfinite(t)
        q = [float(result.scenario.start_year + v) for v in np.percentile(t[hit], (10, 50, 90))] if hit.any() else [None] * 3
        out[name] = {"reached": float(hit.mean()), "q": q}
    return out

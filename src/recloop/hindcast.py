"""Hindcast: start the engine from the state of the world at a past date and compare with the record.

``hindcast(scenario, start=2019.0)`` sets the scenario's initial conditions from the shipped data
(``start_year`` = the date; ``compute.initial_training_flop`` = the largest training run among
Epoch AI's notable models released before it), runs :func:`recloop.engine.simulate` to
``end`` (2026.9, today) under the scenario's uncertainty, and for every observed point of every
series reports the model's p5 / p25 / p50 / p75 / p95 at that date and whether the point falls
inside the 50% and 90% bands.

Series (:func:`default_series`; the model side in :func:`model_grids`):

* ``training_compute``: log10 FLOP of the largest training run to date; observed: the records
  set by Epoch AI's notable models after the start; model: the deployed generation's physical
  training FLOP.
* ``metr_p50`` / ``metr_p80``: log2 hours of METR's 50% / 80% time horizon; observed: METR's
  frontier (``is_sota``) agents in Time Horizon 1.1; model: the engine's ``horizon_p50_hours`` /
  ``horizon_p80_hours`` trajectories (the deployed generation's effective compute through the
  sampled ``[horizon]`` mapping).
* ``gpu_price_performance``: log10 FP32 FLOP/s per dollar of the best GPU to date (Epoch AI
  chip data; records after the start); model: the record at the start times
  ``compute.price_performance_growth`` per year.
* ``training_cost`` / ``training_power``: log10 amortised cost (2023 USD) and power (W) of the
  record training runs; model: the engine's ``training_cost_usd`` (as an amortised cost) and
  ``training_power_w`` of the run the deployed generation was trained on.

The harness itself (:func:`compare`) is a pure function of observed points and a sample grid, so
it is tested on constructed cases; the numbers of a real hindcast move with the engine.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from recloop.params import RecloopInputError

__all__ = [
    "STATE_PARAMS",
    "SERIES_UNITS",
    "TODAY",
    "HindcastResult",
    "Series",
    "SeriesResult",
    "compare",
    "default_series",
    "hindcast",
    "initial_state",
    "model_grids",
    "build_lag_years",
]

TODAY = 2026.9
QS = (5, 25, 50, 75, 95)
SERIES_UNITS = {"training_compute": "log10 FLOP", "metr_p50": "log2 hours", "metr_p80": "log2 hours",
                "gpu_price_performance": "log10 FLOP/s per USD", "training_cost": "log10 USD (2023)",
                "training_power": "log10 W"}


@dataclass(frozen=True)
class Series:
    """Observed points of one series: decimal-year dates, values (in the series' unit), labels."""

    name: str
    unit: str
    dates: np.ndarray
    values: np.ndarray
    labels: tuple[str, ...] = ()
    sd: float = 0.3  # scale of a residual in calibration's distance where a point has no stated error
    source: str = ""
    #: per point, the sd of the observation's own error in the series' unit (None: exact). The
    #: predictive band of :func:`compare` adds it to the model's spread; calibration's distance
    #: scales each residual by it.
    errors: np.ndarray | None = None

    def error_at(self, keep: np.ndarray) -> np.ndarray:
        """The observation-error sd of the points selected by the boolean mask ``keep`` (0: exact)."""
        if self.errors is None:
            return np.zeros(int(np.count_nonzero(keep)))
        return np.asarray(self.errors, dtype=np.float64)[keep]


@dataclass
class SeriesResult:
    name: str
    unit: str
    points: list[dict[str, Any]]
    coverage_50: float | None
    coverage_90: float | None
    median_width_90: float | None
    source: str = ""
    #: the same shares and width for the model's own spread (parameter uncertainty only, no
    #: observation error): the band the predictive one widens
    coverage_90_model: float | None = None
    median_width_90_model: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "unit": self.unit, "source": self.source, "points": self.points,
                "coverage_50": self.coverage_50, "coverage_90": self.coverage_90,
                "median_width_90": self.median_width_90, "coverage_90_model": self.coverage_90_model,
                "median_width_90_model": self.median_width_90_model}


@dataclass
class HindcastResult:
    scenario: str
    start: float
    end: float
    samples: int
    seed: int
    initial: dict[str, Any]
    series: dict[str, SeriesResult]
    fan: dict[str, dict[str, list]] = field(default_factory=dict)
    unmodelled: list[str] = field(default_factory=list)  # observed series the engine has no value for

    def to_dict(self) -> dict[str, Any]:
        series = {}
        for k, v in self.series.items():
            series[k] = v.to_dict()
            if k in self.fan:  # the model's fan on the report grid (t, p5, p25, p50, p75, p95), for figures
                series[k]["fan"] = self.fan[k]
        return {"scenario": self.scenario, "start": self.start, "end": self.end, "samples": self.samples,
                "seed": self.seed, "initial": self.initial, "series": series, "unmodelled": self.unmodelled}


# --------------------------------------------------------------------------- the harness (pure)


def _grid_index(times: np.ndarray, dates: np.ndarray, start: float) -> np.ndarray:
    """Report index of the last report time at or before each date (the state then in force)."""
    k = np.searchsorted(times + start, dates + 1e-9, side="right") - 1
    return np.clip(k, 0, times.size - 1)


def compare(series: Series, grid: np.ndarray, times: np.ndarray, start: float, *, seed: int = 0) -> SeriesResult:
    """Model quantiles at each observed date and the shares of points inside the 50% / 90% bands.

    ``grid`` has shape (samples, times): the model's value of the series per sample at each
    report time (NaN where a sample has no value); ``times`` are years since ``start``. Points
    before ``start`` or after the last report time are left out. Bands are closed intervals.

    The bands are posterior predictive: what the record would show if the model were true, its
    samples plus the observation's own error (``series.errors``, normal in the series' unit; one
    draw per sample from a generator seeded by ``seed``, so a run repeats exactly). Each point also
    carries the model's own band (``model_p5`` / ``model_p95``) and the result the model-only
    coverage and width."""
    grid = np.asarray(grid, dtype=np.float64)
    keep = (series.dates >= start) & (series.dates <= start + times[-1] + 1e-9)
    dates, values, errors = series.dates[keep], series.values[keep], series.error_at(keep)
    labels = [l for l, k in zip(series.labels or [""] * keep.size, keep) if k]
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 17]))
    noise = np.asarray(rng.standard_normal(grid.shape[0]))  # one standard draw per sample, scaled per point
    points: list[dict[str, Any]] = []
    in50 = in90 = in90_model = 0
    widths: list[float] = []
    widths_model: list[float] = []
    for d, v, e, lab in zip(dates, values, errors, labels):
        e = float(e)
        col = np.asarray(grid[:, _grid_index(times, np.array([d]), start)[0]], dtype=np.float64)
        ok = np.isfinite(col)
        pt: dict[str, Any] = {"date": round(float(d), 4), "observed": float(v), "label": lab, "error_sd": float(e)}
        if not ok.any():  # no sample has a value then: the point is reported, not counted
            pt.update({f"p{k}": None for k in QS})
            points.append(pt)
            continue
        m5, m95 = (float(x) for x in np.percentile(col[ok], (5, 95)))
        p5, p25, p50, p75, p95 = (float(x) for x in np.percentile(col[ok] + e * noise[ok], QS))
        pt.update({"p5": p5, "p25": p25, "p50": p50, "p75": p75, "p95": p95, "model_p5": m5, "model_p95": m95,
                   "in_50": bool(p25 <= v <= p75), "in_90": bool(p5 <= v <= p95)})
        in50 += pt["in_50"]
        in90 += pt["in_90"]
        in90_model += bool(m5 <= v <= m95)
        widths.append(p95 - p5)
        widths_model.append(m95 - m5)
        points.append(pt)
    n = sum(1 for p in points if p["p5"] is not None)
    return SeriesResult(series.name, series.unit, points,
                        coverage_50=None if n == 0 else in50 / n,
                        coverage_90=None if n == 0 else in90 / n,
                        median_width_90=None if not widths else float(np.median(widths)),
                        source=series.source,
                        coverage_90_model=None if n == 0 else in90_model / n,
                        median_width_90_model=None if not widths_model else float(np.median(widths_model)))


# --------------------------------------------------------------------------- data -> series


def _records_above(years: np.ndarray, values: np.ndarray, seed: float, start: float, end: float) -> np.ndarray:
    """Indices of the points in [start, end] that set a new maximum over ``seed`` (the start's
    value) and every earlier point in that window; of several on one date, the largest."""
    out: list[int] = []
    best = seed
    for i in np.argsort(years, kind="stable"):
        if not (start <= years[i] <= end) or not np.isfinite(values[i]) or values[i] <= best:
            continue
        best = values[i]
        if out and years[out[-1]] == years[i]:
            out.pop()
        out.append(int(i))
    return np.array(out, dtype=int)


def _records(years: np.ndarray, values: np.ndarray, since: float, end: float) -> np.ndarray:
    """Indices (into ``years``) of the running records set in [since, end] (:func:`recloop.data.frontier_series`)."""
    from recloop.data import frontier_series

    y, v = frontier_series(years, values, since=since)
    where = {(a, b): i for i, (a, b) in enumerate(zip(years, values))}
    return np.array([where[(a, b)] for a, b in zip(y, v) if a <= end], dtype=int)


#: Epoch AI's frontier models, for the run-size scatter: notable models trained from scratch that
#: ranked among this many largest by training compute when published.
FRONTIER_RANK = 5


def new_runs(m) -> np.ndarray:
    """Rows of ``epoch_models`` that are notable models trained from scratch: a fine-tune (a
    ``base_model`` is given; Epoch's compute then includes the base's, e.g. Minerva = PaLM plus
    0.2e24 FLOP) is not a new training run of the developer's."""
    return m["notable"] & (m["base_model"] == "")


def frontier_scatter_oom(start: float, end: float = TODAY) -> float:
    """The run-size scatter of frontier training runs: the residual sd (OOM) of log10 training
    compute of Epoch's frontier models (:func:`new_runs` ranked at most :data:`FRONTIER_RANK` when
    published) in [start, end] around their least-squares log-linear trend (0.32 OOM for
    2019-2026.9, 40 models). The model's developer is one smooth frontier; a record is one run of
    one lab, which lies above or below that frontier by this much, so the predictive band of the
    run-side series (compute, cost, power) adds it to each estimate's own error."""
    from recloop.data import load

    m = load("epoch_models")
    ok = new_runs(m) & (m["compute_rank_when_published"] <= FRONTIER_RANK) & (m.years >= start) & (m.years <= end)
    if np.count_nonzero(ok) < 5:
        raise RecloopInputError([f"--from: fewer than 5 frontier models in [{start:g}, {end:g}] to measure the "
                                 "run-size scatter"])
    x, y = m.years[ok], np.log10(m["training_compute_flop"][ok])
    slope, icpt = np.polyfit(x, y, 1)
    r = y - (slope * x + icpt)
    return float(np.sqrt(np.sum(r * r) / (r.size - 2)))


def launch_scatter_oom(end: float = TODAY) -> float:
    """The launch scatter of accelerator price-performance: the residual sd (OOM) of log10 dense
    16-bit FLOP/s per launch dollar of the data-centre accelerators (:func:`datacentre_accelerators`
    with a launch price) released up to ``end`` around their least-squares log-linear trend (0.14
    OOM, 9 chips 2017-2023). The model's price-performance is one smooth frontier; a record is one
    chip's launch, which lies above or below it by this much (the GPU counterpart of
    :func:`frontier_scatter_oom`). All launches count, not only those after the start: a chip
    stays on sale, and the window of a hindcast holds too few."""
    from recloop.data import load

    g = load("epoch_gpu_prices")
    ok = datacentre_accelerators(g) & np.isfinite(g["release_price_usd"]) & (g.years <= end)
    if np.count_nonzero(ok) < 5:
        raise RecloopInputError([f"--from: fewer than 5 priced data-centre accelerators up to {end:g} to measure "
                                 "the launch scatter"])
    x, y = g.years[ok], np.log10(g["tensor_16bit_flops"][ok] / g["release_price_usd"][ok])
    slope, icpt = np.polyfit(x, y, 1)
    r = y - (slope * x + icpt)
    return float(np.sqrt(np.sum(r * r) / (r.size - 2)))


def datacentre_accelerators(g) -> np.ndarray:
    """Rows of ``epoch_gpu_prices`` that are data-centre ML accelerators with a 16-bit tensor figure:
    the chips the engine's ``compute.flops_per_dollar`` (dense BF16 FLOP/s per dollar, H100-based)
    describes. Consumer GeForce cards carry a tensor figure too but are not what frontier runs use."""
    names = np.array([str(h) for h in g["hardware"]])
    return np.isfinite(g["tensor_16bit_flops"]) & ~np.char.startswith(names, "NVIDIA GeForce")


def default_series(start: float, end: float = TODAY, *, since: float | None = None) -> list[Series]:
    """The observed series the hindcast compares with, from the shipped snapshots, each point with
    its observation error (sd in the series' unit):

    * training compute, cost and power (records among :func:`new_runs`): Epoch's grade of the
      model's compute estimate (:func:`recloop.data.estimate_sd_oom`; cost and power are built from
      the same hardware count and training time, so they carry the same grade), combined with
      the frontier's run-size scatter (:func:`frontier_scatter_oom`);
    * METR horizons: the point's own 95% bootstrap CI, (log2 high - log2 low) / 3.92;
    * GPU price-performance: the launch scatter of data-centre accelerators around their trend
      (:func:`launch_scatter_oom`; the spec-sheet throughput over the list price has no error of
      its own).

    A run-side record is a run released after ``start`` that beats the start's run
    (:func:`start_run`: its compute, and the cost and power the data give a run of that compute
    then) and every run since; a GPU record is over every launch (a chip stays on sale)."""
    from recloop.data import estimate_sd_oom, load

    since = state_since(start) if since is None else float(since)

    out = []
    m = load("epoch_models")
    runs = np.flatnonzero(new_runs(m))
    grade = m["confidence"]
    scatter = frontier_scatter_oom(start, end)
    seeds = start_run(m, start, since)
    for name, col, what in (("training_compute", "training_compute_flop", "training compute"),
                            ("training_cost", "training_cost_2023usd", "amortised hardware and energy cost"),
                            ("training_power", "training_power_w", "power drawn by the training cluster")):
        ok = runs[np.isfinite(m[col][runs])]
        seed = math.log10(seeds[col]) if math.isfinite(seeds[col]) else -math.inf
        idx = ok[_records_above(m.years[ok], np.log10(m[col][ok]), seed, start, end)]
        out.append(Series(name, SERIES_UNITS[name], m.years[idx], np.log10(m[col][idx]),
                          tuple(str(x) for x in m["model"][idx]), sd=0.3,
                          source=f"epoch_models: records of the {what} among notable models trained from scratch "
                                 "(Epoch AI, CC-BY); error: Epoch's confidence grade of the compute estimate and the "
                                 f"frontier's run-size scatter ({scatter:.2f} OOM)",
                          errors=np.hypot(estimate_sd_oom(grade[idx]), scatter)))
    h = load("metr_horizons_1_1")
    sota = h["is_sota"] & (h.years >= start) & (h.years <= end)
    for q in (50, 80):
        est = h[f"p{q}_estimate_minutes"][sota] / 60.0
        lo, hi = h[f"p{q}_ci_low_minutes"][sota] / 60.0, h[f"p{q}_ci_high_minutes"][sota] / 60.0
        with np.errstate(invalid="ignore", divide="ignore"):
            err = (np.log2(hi) - np.log2(lo)) / 3.92  # a 95% interval is +-1.96 sd
        sd = float(np.nanmedian(err)) if np.isfinite(err).any() else 1.0
        err = np.where(np.isfinite(err), err, sd)  # a point without a CI: the median CI's error
        out.append(Series(f"metr_p{q}", SERIES_UNITS[f"metr_p{q}"], h.years[sota], np.log2(est),
                          tuple(h["model"][sota]), sd=sd,
                          source=f"metr_horizons_1_1: frontier agents, p{q} horizon (METR); error: the point's 95% CI",
                          errors=err))
    g = load("epoch_gpu_prices")
    dc = np.flatnonzero(datacentre_accelerators(g))  # a chip stays on sale: all launches count
    pp = np.log10(g["tensor_16bit_flops"][dc] / g["release_price_usd"][dc])
    idx = _records(g.years[dc], pp, start, end)
    launch = launch_scatter_oom(end)
    out.append(Series("gpu_price_performance", SERIES_UNITS["gpu_price_performance"], g.years[dc][idx], pp[idx],
                      tuple(str(x) for x in g["hardware"][dc][idx]), sd=0.15,
                      source="epoch_gpu_prices: record dense 16-bit tensor FLOP/s per launch dollar of data-centre "
                             f"accelerators (Epoch AI, CC-BY); error: the launch scatter of chips around their trend "
                             f"({launch:.2f} OOM)",
                      errors=np.full(idx.size, launch)))
    return [s for s in out if s.dates.size]


def _declared_run_years() -> float:
    """The engine's run length on the declared trend: 1/g (g the log growth of effective compute,
    software plus spending x price-performance), at most ``compute.max_run_years``."""
    from recloop.scenario import Compute, Software

    c, sw = Compute(), Software()  # the block declarations' defaults (point values)
    trend = float(sw.initial_rate_oom_per_year) + math.log10(  # type: ignore[arg-type]
        float(c.investment_growth) * float(c.price_performance_growth))  # type: ignore[arg-type]
    return min(1.0 / (math.log(10.0) * trend), float(c.max_run_years))  # type: ignore[arg-type]


def generation_years() -> float:
    """How long a deployed generation stays current: the declared ``generations.prep_years`` plus
    the engine's run length on the declared trend (:func:`_declared_run_years`; 0.79 yr for the
    defaults). The state of the world at a date is read from the runs released within this long
    before it (:func:`state_since`)."""
    from recloop.scenario import Generations

    return float(Generations().prep_years) + _declared_run_years()  # type: ignore[arg-type]


def state_since(start: float) -> float:
    """The earliest release that counts toward the state at ``start``: one generation earlier.

    The engine's developer at ``start`` deploys the generation it trained last; a record set more
    than a generation before is not that generation (the 2019 case: AlphaGo Zero, October 2017,
    3.4e23 FLOP, a game-playing run 1.6 OOM above the 4.5x/yr line the frontier followed from 2019;
    the record then stood for four years). The hindcast's initial conditions and the records it
    compares with (records above that state) both read from this date on."""
    return float(start) - generation_years()


def start_run(m, start: float, since: float | None = None) -> dict[str, float]:
    """The developer's run at ``start`` from Epoch's notable new runs released in [since, start)
    (default :func:`state_since`): its training compute ``F0``, the largest in the window, and the
    amortised cost and power the data give a run of that compute then: ``F0`` times the cost per
    FLOP (power per FLOP) of the largest run in the window that has a cost (power) estimate, the
    run's own where it has one (most runs lack them; cost and power per FLOP fall with run size
    and length, so the nearest in size stands in). NaN where the window has none."""
    since = state_since(start) if since is None else float(since)
    win = new_runs(m) & (m.years < start) & (m.years >= since)
    flops = m["training_compute_flop"]
    flop = float(np.max(flops[win])) if win.any() else math.nan
    out = {"training_compute_flop": flop}
    for col in ("training_cost_2023usd", "training_power_w"):
        ok = np.flatnonzero(win & np.isfinite(m[col]))
        if ok.size == 0:
            out[col] = math.nan
            continue
        i = ok[np.argmax(flops[ok])]
        out[col] = float(flop * m[col][i] / flops[i])
    return out


def initial_state(start: float, *, since: float | None = None) -> dict[str, Any]:
    """The state of the world at ``start`` from the data released in [``since``, ``start``)
    (default :func:`state_since`: the generation current at the start; ``-inf``: all history).

    * ``initial_training_flop``: the largest training run among Epoch's notable new runs;
    * ``log10_price_performance``: the best dense 16-bit tensor FLOP/s per launch dollar of a
      data-centre accelerator before it (GPU series, :func:`datacentre_accelerators`);
    * ``watts_per_pflops``: set so that the starting developer's training run draws the record
      training power before the start (Epoch's ``Training power draw``): with the run's compute
      ``F``, power ``W``, and the declared utilisation ``u`` and run length ``T`` of the starting
      generation, the run's cluster is ``F / (u T)`` FLOP/s and draws ``W``, so
      ``watts_per_pflops = W u T 1e15 / F`` (this absorbs the older hardware's efficiency and
      the shorter runs of the time);
    * ``flops_per_dollar``: set so that the starting run's amortised cost is the record amortised
      cost ``C`` before the start (Epoch's ``Training compute cost``, 2023 USD). The engine's run
      uses a cluster of ``F / (u T)`` FLOP/s (T the declared ``training_duration_years``) for the
      length it chooses, ``T_c = min(1/g, max_run_years)`` on the declared trend (g = ln 10 x
      (software rate + log10 of spending x price-performance growth), 0.44 yr for the defaults),
      and uses up capital x ``compute.depreciation`` d x ``T_c`` of it:
      ``flops_per_dollar = F d T_c / (u T C)`` (seconds per year in ``u T``).

    The declared defaults used here are the block declarations' (``recloop params``); the ceilings
    stated for a 2027 start (power capacity, fab output, world output) are left as declared: they
    do not bind a developer of 2019-2025 size, so the hindcast tests growth rates, not ceilings."""
    from recloop.data import load
    from recloop.mechanisms.physical import SECONDS_PER_YEAR
    from recloop.scenario import Compute, scenario_specs

    m = load("epoch_models")
    since = state_since(start) if since is None else float(since)
    run = start_run(m, start, since)
    if not math.isfinite(run["training_compute_flop"]):
        raise RecloopInputError([f"--from: no notable model with a training-compute estimate in [{since:g}, {start:g}) "
                                 f"(Epoch AI data starts {m.meta['first_date']})"])
    flop = run["training_compute_flop"]
    ever = new_runs(m) & (m.years < start)
    record = float(np.max(m["training_compute_flop"][ever]))
    g = load("epoch_gpu_prices")
    pb = datacentre_accelerators(g) & (g.years < start)  # the best chip on sale, whenever launched
    pp = float(np.max(np.log10(g["tensor_16bit_flops"][pb] / g["release_price_usd"][pb]))) if pb.any() else math.nan
    out: dict[str, Any] = {"start_year": float(start), "since": since, "initial_training_flop": flop,
                           "log10_price_performance": pp}
    if record > flop:  # an older record above the current generation: the start is uncertain between them
        out["initial_training_flop"] = math.sqrt(flop * record)
        out["initial_training_flop_range"] = [flop, record]
    c = Compute()  # the block declarations' defaults (point values)
    util, duration, dep = float(c.utilization), float(c.training_duration_years), float(c.depreciation)  # type: ignore[arg-type]
    run_seconds = util * duration * SECONDS_PER_YEAR  # FLOP per (FLOP/s of cluster)
    derived: dict[str, float] = {}
    watts = run["training_power_w"]
    if math.isfinite(watts):
        derived["watts_per_pflops"] = watts * run_seconds * 1e15 / flop
    cost = run["training_cost_2023usd"]
    if math.isfinite(cost):
        derived["flops_per_dollar"] = flop * dep * _declared_run_years() / (run_seconds * cost)
    bounds = {sp.path: sp.bounds for sp in scenario_specs()}
    for key, value in derived.items():
        lo, hi = bounds[STATE_PARAMS[key]] or (-math.inf, math.inf)
        if lo <= value <= hi:
            out[key] = value
        else:  # the records come from different runs (e.g. GPT-3's power against AlphaGo Zero's compute)
            out.setdefault("kept_declared", []).append(
                f"{STATE_PARAMS[key]}: {value:.3g} from the records lies outside [{lo:g}, {hi:g}]; declared value kept")
    return out


def _single_developer(scenario) -> None:
    if scenario.actors:
        raise RecloopInputError([f"scenario: '{scenario.name}' has {len(scenario.actors)} actors; the hindcast "
                                 "compares the single frontier developer with the record (use a scenario without [[actors]])"])


#: Parameters the hindcast sets from the data (see :func:`initial_state`): state key -> path.
STATE_PARAMS = {"initial_training_flop": "compute.initial_training_flop",
                "watts_per_pflops": "compute.watts_per_pflops",
                "flops_per_dollar": "compute.flops_per_dollar"}


def _with_start(scenario, state):
    """``scenario`` started at ``state["start_year"]`` with the data's initial conditions (point
    values, but the start's training compute lognormal over ``initial_training_flop_range`` where
    :func:`initial_state` gives one)."""
    from recloop.scenario import parse_scenario

    d = scenario.model_dump(mode="json")
    d["start_year"] = state["start_year"]
    fixed = {path for key, path in STATE_PARAMS.items() if key in state}
    for key, path in STATE_PARAMS.items():
        if key in state:
            block, name = path.split(".")
            d[block][name] = float(state[key])
    if "initial_training_flop_range" in state:  # sampled between the current generation and the record
        lo, hi = state["initial_training_flop_range"]
        d["compute"]["initial_training_flop"] = {"dist": "lognormal", "p5": float(lo), "p95": float(hi)}
        fixed.discard("compute.initial_training_flop")
    # a correlation naming a parameter turned into a point value would be rejected: drop those
    d["correlations"] = [c for c in d.get("correlations", []) if not fixed.intersection(c["params"])]
    return parse_scenario(d, where="hindcast scenario")


def _lagged(grid: np.ndarray, lag_years: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Each row's value ``lag_years`` (per row) earlier; before the start, the value at the start."""
    step = float(times[1] - times[0]) if times.size > 1 else 1.0
    k = np.arange(times.size)[None, :] - np.rint(np.asarray(lag_years, dtype=float) / step).astype(int)[:, None]
    return np.take_along_axis(grid, np.clip(k, 0, times.size - 1), axis=1)


def build_lag_years(result, P) -> np.ndarray:
    """Per sample, the time from starting a run to releasing its model in a human-paced world:
    ``generations.prep_years`` plus the run length the engine chooses, 1/g capped at
    ``compute.max_run_years`` (g: the log growth per year of the best run's effective compute,
    software plus usable compute, measured over the hindcast; :func:`recloop.mechanisms.generations.chosen_run_years`
    without the latency wall, which binds only beyond ~1e29 FLOP)."""
    T = result.trajectories
    ln10 = math.log(10.0)
    both = T["software_oom"].astype(np.float64) + T["compute_flops"].astype(np.float64)
    years = float(result.times[-1] - result.times[0]) if result.times.size > 1 else 1.0
    first = both[:, 0]
    last = np.array([row[np.isfinite(row)][-1] if np.isfinite(row).any() else np.nan for row in both])
    g = ln10 * np.maximum((last - first) / years, 1e-9)
    run = np.minimum(1.0 / g, P["compute.max_run_years"])
    return P["generations.prep_years"] + run


def model_grids(result, state) -> dict[str, np.ndarray]:
    """The model's value of each default series per sample and report time.

    * ``metr_p50`` / ``metr_p80``: the engine's ``horizon_p50_hours`` / ``horizon_p80_hours`` of
      the deployed generation (log2 h);
    * ``training_compute``: the engine's ``training_flop``, the deployed generation's physical
      training FLOP (it follows the best run's through the build time);
    * ``training_cost``: the engine's ``training_cost_usd`` (the hardware spending the best run
      takes) at d - L, as the amortised cost Epoch reports: the hardware the run uses up, capital x
      ``compute.depreciation`` x run length, is that spending x d / (g_b + d) on the spending plan
      (g_b = ln(investment x price-performance growth), the plan every sample follows in 2019-2026);
    * ``training_power``: the engine's ``training_power_w`` at d - L;
    * ``gpu_price_performance``: the record at the start times ``compute.price_performance_growth``
      per year."""
    from recloop.sampling import draw_parameters

    P = draw_parameters(result.scenario, result.outcomes["sample"], result.seed)
    T = result.trajectories
    times = result.times
    lag = build_lag_years(result, P)
    grids = {"training_compute": T["training_flop"].astype(np.float64),
             "metr_p50": np.log2(T["horizon_p50_hours"].astype(np.float64)),
             "metr_p80": np.log2(T["horizon_p80_hours"].astype(np.float64))}
    if math.isfinite(state.get("log10_price_performance", math.nan)):
        grow = np.log10(P["compute.price_performance_growth"])[:, None]
        grids["gpu_price_performance"] = state["log10_price_performance"] + grow * times[None, :]
    dep = P["compute.depreciation"]
    g_b = np.log(P["compute.investment_growth"] * P["compute.price_performance_growth"])
    amortised = np.log10(dep / (g_b + dep))[:, None]
    grids["training_cost"] = _lagged(T["training_cost_usd"].astype(np.float64), lag, times) + amortised
    grids["training_power"] = _lagged(T["training_power_w"].astype(np.float64), lag, times)
    return grids


#: Worlds a hindcast samples by default: the bands' edges are the fan's 5th and 95th percentiles,
#: and at 1,000 worlds their Monte Carlo error (about 0.02 OOM at the GPU points) was as large as
#: the margin of the calibrated baseline's L20 point inside its band (it fell out at 1,000 and sat
#: inside at 2,000-8,000). 4,000 worlds take about 2 s.
DEFAULT_SAMPLES = 4000


def hindcast(scenario=None, *, start: float = 2019.0, end: float = TODAY, samples: int = DEFAULT_SAMPLES, seed: int = 0,
             series: list[Series] | None = None, report_every: float = 1.0 / 12.0,
             grids: Callable | None = None, fan_samples: bool = True) -> HindcastResult:
    """Run ``scenario`` (default: the bundled baseline) from the data's state at ``start`` to ``end``."""
    from recloop.engine import simulate
    from recloop.scenario import load_scenario

    if not (isinstance(start, (int, float)) and math.isfinite(start) and 2000 <= start < end):
        raise RecloopInputError([f"--from: must be a year in [2000, {end:g}), got {start!r}"])
    scenario = load_scenario(scenario) if scenario is None or isinstance(scenario, str) else scenario
    _single_developer(scenario)
    state = initial_state(start)
    sc = _with_start(scenario, state)
    res = simulate(sc, samples=samples, seed=seed, years=end - start, report_every=report_every)
    G = (grids or model_grids)(res, state)
    out: dict[str, SeriesResult] = {}
    unmodelled: list[str] = []
    fans: dict[str, dict[str, list]] = {}
    for s in (default_series(start, end) if series is None else series):
        if s.name not in G:
            unmodelled.append(s.name)
            continue
        out[s.name] = compare(s, G[s.name], res.times, start, seed=seed)
        if fan_samples:
            with np.errstate(all="ignore"):
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    q = np.nanpercentile(G[s.name], QS, axis=0)
            fans[s.name] = {"t": [round(start + float(t), 4) for t in res.times],
                            **{f"p{k}": [None if not np.isfinite(x) else float(x) for x in row] for k, row in zip(QS, q)}}
    return HindcastResult(scenario.name, float(start), float(end), samples, seed,
                          {k: v for k, v in state.items() if not (isinstance(v, float) and not math.isfinite(v))},
                          out, fans, unmodelled)


def figure(result: HindcastResult, path) -> None:
    """Overlay each series' observed points, with their own 90% error bars, on the model's fan
    (p5-p95, p25-p75, median of the parameter spread); a point counts as inside when it lies in the
    predictive band (the fan widened by its error, :func:`compare`). PNG or SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n in result.series if n in result.fan]
    if not names:
        raise RecloopInputError(["hindcast figure: no series with model values to draw"])
    cols = 2 if len(names) > 1 else 1
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.0 * cols, 3.6 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        f, s = result.fan[name], result.series[name]
        t = np.array(f["t"])
        q = {k: np.array([np.nan if x is None else x for x in f[k]], dtype=float) for k in ("p5", "p25", "p50", "p75", "p95")}
        ax.fill_between(t, q["p5"], q["p95"], color="#9ecae1", alpha=0.5, label="model 90% (parameters)")
        ax.fill_between(t, q["p25"], q["p75"], color="#4292c6", alpha=0.5, label="model 50% (parameters)")
        ax.plot(t, q["p50"], color="#08519c", lw=1.2, label="model median")
        inside = [p for p in s.points if p.get("in_90")]
        outside = [p for p in s.points if not p.get("in_90")]
        for group, colour, lab in ((inside, "black", "observed (in predictive 90%)"),
                                   (outside, "#d62728", "observed (outside)")):
            if group:
                # the bar is the observation's own 90% error: the predictive band is the fan widened by it
                ax.errorbar([p["date"] for p in group], [p["observed"] for p in group],
                            yerr=[1.6449 * p.get("error_sd", 0.0) for p in group], fmt="o", ms=3.5, color=colour,
                            elinewidth=0.8, capsize=1.5, zorder=3, label=lab)
        cov = "n/a" if s.coverage_90 is None else f"{s.coverage_90:.0%}"
        ax.set_title(f"{name}: {len(s.points)} points, {cov} inside the predictive 90%", fontsize=9)
        ax.set_ylabel(s.unit, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=6, loc="upper left")
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    fig.suptitle(f"recloop hindcast: {result.scenario} from {result.start:g} ({result.samples} worlds, seed {result.seed})",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)

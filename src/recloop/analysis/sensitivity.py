"""Global sensitivity analysis: Sobol indices and Morris screening (SALib).

Which assumptions matter most? The pipeline is generic: a list of :class:`Factor` (name, bounds,
log scale, or a distribution) and a model that maps a design (factor name -> values) to one output
per row. For the recursion loop the factors are scenario parameters and the model is the engine on
the explicit design (``simulate_chunk(params=...)``) through any executor; the parameters not
varied sit at their scenario value (distributions at their median). Every row sees the same event
draws (common random numbers), so the outcome is a deterministic function of the factors, as the
Sobol decomposition assumes.

Where the factors range (``space``):

* ``distributions`` (the default): each uncertain parameter is drawn from the scenario's own
  distribution, by inverse CDF of the design's uniforms, with the scenario's Gaussian copula
  applied to the uniforms of each row (the correlations between two varied parameters; one naming
  a parameter held fixed is dropped). The indices then answer "which of *this scenario's*
  uncertainties matter", not "which would matter over the widest range the declarations allow".
  With correlations the indices belong to the independent uniforms behind the copula (Cholesky
  order), the usual reading of Sobol indices under a Gaussian copula (Mara & Tarantola 2012,
  "Variance-based sensitivity indices for models with dependent inputs"); treat a correlated pair
  as a group. A parameter named in ``params`` that is a point value in the scenario (a fixed
  assumption) is varied over its declared bounds, and the result says so per row (``space``).
* ``bounds``: every factor over its declared bounds (log-uniformly where ``log=True``).

Dates that a run does not reach by the horizon are set to the horizon; ``info["censored"]`` is
their share and ``info["censored_runs"]`` their number. Fixed structural choices (the market's
exit share, lever settings, the generation step) are varied by :mod:`recloop.analysis.structural`.

* Sobol (Saltelli 2010 sampling, Jansen/Saltelli estimators as in SALib): first-order S1 and
  total-order ST with bootstrap confidence intervals; ``samples`` is the base size N (a power of
  two), the model runs N x (D + 2) times.
* Morris (elementary effects, Campolongo et al. 2007 mu*): ``samples`` trajectories, the model
  runs samples x (D + 1) times; mu* ranks, sigma flags interactions or non-linearity.

Plumbing check: SALib's Ishigami function through this pipeline gives its analytic indices
(tests/analysis/test_analysis_sensitivity.py).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

import numpy as np

from recloop.params import RecloopInputError

__all__ = ["Factor", "scenario_factors", "SensitivityResult", "sobol_analysis", "morris_analysis",
           "engine_model", "scenario_sensitivity", "plot", "copula_matrix", "SPACES"]

Model = Callable[[dict[str, np.ndarray]], np.ndarray]


@dataclass(frozen=True)
class Factor:
    """One varied input: its name, range and whether it varies on a log scale; with ``dist`` (a
    scenario distribution) it is drawn from that distribution instead, clipped to ``bounds``."""

    name: str
    bounds: tuple[float, float]
    log: bool = False
    dist: Any = None

    @property
    def space(self) -> str:
        return "distribution" if self.dist is not None else "declared bounds"

    def __post_init__(self):
        lo, hi = self.bounds
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise RecloopInputError([f"{self.name}: bounds must be finite with low < high, got {self.bounds}"])
        if self.log and lo <= 0:
            raise RecloopInputError([f"{self.name}: a log-scale factor needs positive bounds, got {self.bounds}"])


SPACES = ("distributions", "bounds")


def scenario_factors(scenario, params: list[str] | None = None, *, space: str = "distributions") -> list[Factor]:
    """Factors for scenario parameters: ``params`` by path, or by default the scenario's uncertain
    ones (those given as distributions); each drawn from its distribution (``space="distributions"``,
    point values over their declared bounds) or over its declared bounds (``space="bounds"``)."""
    from recloop.scenario import scenario_specs

    if space not in SPACES:
        raise RecloopInputError([f"--space: must be one of {', '.join(SPACES)}, got {space!r}"])

    specs = {s.path: s for s in scenario_specs()}
    names = list(params) if params else scenario.uncertain_paths()
    problems = []
    if not names:
        problems.append("--params: the scenario has no uncertain parameters; name some with --params")
    for n in names:
        if n not in specs:
            near = difflib.get_close_matches(n, list(specs), n=2)
            problems.append(f"--params: unknown parameter '{n}'" + (f" (did you mean {', '.join(near)}?)" if near else ""))
        elif specs[n].bounds is None:
            problems.append(f"--params: '{n}' has no declared bounds to vary it over")
    if len(set(names)) != len(names):
        problems.append("--params: a parameter is named twice")
    if problems:
        raise RecloopInputError(problems)
    out = []
    for n in names:
        v = scenario.value(n)
        dist = None if (space == "bounds" or isinstance(v, (int, float))) else v
        lo, hi = specs[n].bounds or (math.nan, math.nan)  # every named parameter has bounds (checked above)
        out.append(Factor(n, (float(lo), float(hi)), specs[n].log, dist))
    return out


def copula_matrix(scenario, factors: list[Factor]) -> np.ndarray | None:
    """The Gaussian copula's correlation matrix among the distribution factors (in their order),
    or None when no correlation joins two of them."""
    pos = {f.name: j for j, f in enumerate(f for f in factors if f.dist is not None)}
    pairs = [(c.params, c.rho) for c in getattr(scenario, "correlations", []) if all(p in pos for p in c.params)]
    if not pairs:
        return None
    C = np.eye(len(pos))
    for (a, b), rho in pairs:
        C[pos[a], pos[b]] = C[pos[b], pos[a]] = rho
    return C


def _problem(factors: list[Factor]) -> dict[str, Any]:
    def rng(f):
        if f.dist is not None:
            return [0.0, 1.0]  # uniforms, mapped through the distribution in _values
        return [math.log10(f.bounds[0]), math.log10(f.bounds[1])] if f.log else list(f.bounds)

    return {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [rng(f) for f in factors]}


def _values(X: np.ndarray, factors: list[Factor], corr: np.ndarray | None = None) -> dict[str, np.ndarray]:
    from scipy import special

    out = {f.name: (np.power(10.0, X[:, j]) if f.log else X[:, j].copy())
           for j, f in enumerate(factors) if f.dist is None}
    dj = [j for j, f in enumerate(factors) if f.dist is not None]
    if dj:
        U = np.clip(X[:, dj], 1e-12, 1 - 1e-12)
        if corr is not None:
            try:
                chol = np.linalg.cholesky(corr)
            except np.linalg.LinAlgError:
                raise RecloopInputError(["scenario.correlations: the correlation matrix is not positive definite"]) from None
            U = np.clip(special.ndtr(special.ndtri(U) @ chol.T), 1e-15, 1 - 1e-15)
        for k, j in enumerate(dj):
            f = factors[j]
            out[f.name] = np.clip(np.asarray(f.dist.ppf(U[:, k]), dtype=np.float64), *f.bounds)
    return {f.name: out[f.name] for f in factors}


@dataclass
class SensitivityResult:
    """Indices of one output, one row per factor, ranked (most influential first)."""

    method: Literal["sobol", "morris"]
    outcome: str
    rows: list[dict[str, Any]]
    evaluations: int
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def ranking(self) -> list[str]:
        return [r["factor"] for r in self.rows]

    def index(self, factor: str, key: str) -> float:
        return next(r[key] for r in self.rows if r["factor"] == factor)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "outcome": self.outcome, "evaluations": self.evaluations,
                "info": self.info, "rows": self.rows}


def _check_model_output(y, n) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if y.size != n:
        raise ValueError(f"the model returned {y.size} values for {n} rows")
    if not np.all(np.isfinite(y)):
        raise ValueError("the model returned non-finite values; censor or drop them before the analysis")
    return y


def sobol_analysis(model: Model, factors: list[Factor], *, samples: int = 1024, seed: int = 0,
                   conf_level: float = 0.95, num_resamples: int = 200, outcome: str = "y",
                   corr: np.ndarray | None = None) -> SensitivityResult:
    """First- and total-order Sobol indices with bootstrap confidence intervals, ranked by ST."""
    from SALib.analyze import sobol as sobol_an
    from SALib.sample import sobol as sobol_sa

    if not 2 <= samples <= 2 ** 22:
        raise RecloopInputError([f"--samples: base sample size must be in [2, 4,194,304], got {samples}"])
    N = 1 << (int(samples) - 1).bit_length()  # Sobol' sequences balance at powers of two
    problem = _problem(factors)
    X = sobol_sa.sample(problem, N, calc_second_order=False, scramble=True, seed=seed)
    y = _check_model_output(model(_values(X, factors, corr)), X.shape[0])
    if np.ptp(y) == 0:
        raise RecloopInputError([f"{outcome}: the output does not vary over the design (constant {y[0]:g}); "
                                 "no sensitivity to apportion"])
    Si = sobol_an.analyze(problem, y, calc_second_order=False, conf_level=conf_level,
                          num_resamples=num_resamples, seed=seed)
    rows: list[dict[str, Any]] = [{"factor": f.name, "S1": float(Si["S1"][j]), "S1_conf": float(Si["S1_conf"][j]),
             "ST": float(Si["ST"][j]), "ST_conf": float(Si["ST_conf"][j]), "low": f.bounds[0], "high": f.bounds[1],
             "log": f.log, "space": f.space} for j, f in enumerate(factors)]
    rows.sort(key=lambda r: -r["ST"])
    return SensitivityResult("sobol", outcome, rows, int(X.shape[0]),
                             {"base_samples": N, "conf_level": conf_level, "seed": seed,
                              "output_mean": float(y.mean()), "output_sd": float(y.std())})


def morris_analysis(model: Model, factors: list[Factor], *, samples: int = 50, levels: int = 4, seed: int = 0,
                    conf_level: float = 0.95, num_resamples: int = 200, outcome: str = "y",
                    corr: np.ndarray | None = None) -> SensitivityResult:
    """Morris elementary effects (mu*, sigma) over ``samples`` trajectories, ranked by mu*."""
    from SALib.analyze import morris as morris_an
    from SALib.sample import morris as morris_sa

    if not 2 <= samples <= 100_000:
        raise RecloopInputError([f"--samples: Morris trajectories must be in [2, 100,000], got {samples}"])
    problem = _problem(factors)
    X = morris_sa.sample(problem, int(samples), num_levels=levels, seed=seed)
    y = _check_model_output(model(_values(X, factors, corr)), X.shape[0])
    Si = morris_an.analyze(problem, X, y, num_resamples=num_resamples, conf_level=conf_level, num_levels=levels,
                           seed=seed)
    rows: list[dict[str, Any]] = [{"factor": f.name, "mu_star": float(Si["mu_star"][j]), "mu_star_conf": float(Si["mu_star_conf"][j]),
             "mu": float(Si["mu"][j]), "sigma": float(Si["sigma"][j]), "low": f.bounds[0], "high": f.bounds[1],
             "log": f.log, "space": f.space} for j, f in enumerate(factors)]
    rows.sort(key=lambda r: -r["mu_star"])
    return SensitivityResult("morris", outcome, rows, int(X.shape[0]),
                             {"trajectories": int(samples), "levels": levels, "seed": seed,
                              "note": "mu* in the outcome's units per full range of each factor (log10 range for log factors; "
                                     "the unit interval of probability for a distribution factor)"})


def engine_model(scenario, policy, outcome: str, *, years: float = 30.0, seed: int = 0, executor=None,
                 chunk_size: int = 2048, noise_sample: int = 0, info: dict | None = None) -> Model:
    """The engine as a model of a design: outcome per row, censored dates at the horizon."""
    from recloop.analysis.common import check_outcome, evaluate_design

    check_outcome(outcome)

    def model(values):
        y, i = evaluate_design(values, scenario, policy, outcome, years=years, seed=seed, executor=executor,
                               chunk_size=chunk_size, noise_sample=noise_sample)
        if info is not None:
            info.update(i)
        return y

    return model


def scenario_sensitivity(scenario, policy, outcome: str, *, method: str = "sobol", samples: int | None = None,
                         params: list[str] | None = None, years: float = 30.0, seed: int = 0,
                         executor=None, chunk_size: int = 2048, space: str = "distributions") -> SensitivityResult:
    """Sensitivity of an engine outcome to scenario parameters, drawn from the scenario's
    distributions with its copula (default) or over their declared bounds (module docstring)."""
    from recloop.analysis.common import check_outcome

    problems = []
    if method not in ("sobol", "morris"):
        problems.append(f"--method: must be sobol or morris, got {method!r}")
    try:
        check_outcome(outcome)
    except RecloopInputError as e:
        problems += e.problems
    try:
        factors = scenario_factors(scenario, params, space=space)
    except RecloopInputError as e:
        problems += e.problems
    if problems:
        raise RecloopInputError(problems)
    info: dict[str, Any] = {}
    corr = copula_matrix(scenario, factors)
    model = engine_model(scenario, policy, outcome, years=years, seed=seed, executor=executor,
                         chunk_size=chunk_size, info=info)
    if method == "sobol":
        res = sobol_analysis(model, factors, samples=samples or 256, seed=seed, outcome=outcome, corr=corr)
    else:
        res = morris_analysis(model, factors, samples=samples or 50, seed=seed, outcome=outcome, corr=corr)
    res.info.update(info)
    res.info["censored_runs"] = int(round(res.info.get("censored", 0.0) * res.evaluations))
    res.info.update({"scenario": scenario.name, "policy": policy.name, "years": years, "space": space,
                     "copula": None if corr is None else [list(map(float, r)) for r in corr],
                     "fixed": "parameters not varied sit at their scenario value (distributions: median)"})
    return res


def plot(res: SensitivityResult, path: str | Path, *, top: int = 15) -> Path:
    """A horizontal bar chart of the ranked indices with their confidence intervals (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = res.rows[:top][::-1]
    names = [r["factor"] for r in rows]
    y = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(rows) + 1.5))
    if res.method == "sobol":
        h = 0.38
        ax.barh(y + h / 2, [r["ST"] for r in rows], h, xerr=[r["ST_conf"] for r in rows], label="total order ST",
                color="#1f77b4")
        ax.barh(y - h / 2, [r["S1"] for r in rows], h, xerr=[r["S1_conf"] for r in rows], label="first order S1",
                color="#ff7f0e")
        ax.set_xlabel("Sobol index (share of output variance)")
    else:
        ax.barh(y, [r["mu_star"] for r in rows], xerr=[r["mu_star_conf"] for r in rows], label="mu*", color="#1f77b4")
        ax.plot([r["sigma"] for r in rows], y, "o", color="#d62728", label="sigma")
        ax.set_xlabel(f"elementary effect on {res.outcome}")
    ax.set_yticks(y, names, fontsize=8)
    ax.legend(loc="lower right")
    space = ("scenario distributions" if res.info.get("space") == "distributions"
             else "declared bounds" if res.info.get("space") == "bounds" else "")
    cens = res.info.get("censored_runs")
    sub = ", ".join(x for x in (space, f"{cens:,} censored at the horizon" if cens is not None else "") if x)
    ax.set_title(f"Sensitivity of {res.outcome} ({res.method}, {res.evaluations:,} runs)" + (f"\n{sub}" if sub else ""),
                 fontsize=10)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

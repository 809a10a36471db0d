"""Sweeps of an experiment over real fraction, regime, curation and sample size, with plots.

Every configuration of a sweep runs with the same root seed, so configurations differ only in
their settings (common random numbers) and seed ``i`` of one configuration pairs with seed ``i``
of another, which the calibration's bootstrap uses.
"""

from __future__ import annotations

import itertools
import json
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from recloop.lab.common import LabResult, LoopSetup
from recloop.params import RecloopInputError

__all__ = ["EXPERIMENTS", "SweepResult", "charlm_grid", "plot_result", "plot_sweep", "run_one", "run_sweep",
           "validate"]

EXPERIMENTS = ("gaussian", "regression", "charlm")


def _options_parser(experiment: str) -> Callable[..., tuple[Any, LoopSetup]]:
    if experiment == "gaussian":
        from recloop.lab.gaussian import gaussian_from_options as parse
    elif experiment == "regression":
        from recloop.lab.regression import regression_from_options as parse  # type: ignore[assignment]
    elif experiment == "charlm":
        from recloop.lab.charlm import charlm_from_options as parse  # type: ignore[assignment]
    else:
        raise RecloopInputError(
            [f"lab.experiment: unknown experiment {experiment!r}; allowed: {', '.join(EXPERIMENTS)}"])
    return parse


def validate(experiment: str, options: dict[str, Any]) -> None:
    """Raise :class:`RecloopInputError` if ``options`` are not valid for ``experiment``."""
    _options_parser(experiment)(**options)


def run_one(experiment: str, options: dict[str, Any], *, seeds: int, seed: int) -> LabResult:
    """Validate ``options`` for ``experiment`` and run it."""
    if experiment == "gaussian":
        from recloop.lab.gaussian import gaussian_from_options, run_gaussian

        g_setup, loop = gaussian_from_options(**options)
        return run_gaussian(g_setup, loop, seeds=seeds, seed=seed)
    if experiment == "regression":
        from recloop.lab.regression import regression_from_options, run_regression

        r_setup, loop = regression_from_options(**options)
        return run_regression(r_setup, loop, seeds=seeds, seed=seed)
    if experiment == "charlm":
        from recloop.lab.charlm import charlm_from_options, run_charlm

        c_setup, loop = charlm_from_options(**options)
        return run_charlm(c_setup, loop, seeds=seeds, seed=seed)
    raise RecloopInputError([f"lab.experiment: unknown experiment {experiment!r}; allowed: {', '.join(EXPERIMENTS)}"])


def charlm_grid(
    *,
    real_fractions: Iterable[float] = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7),
    regimes: Iterable[str] = ("replace", "accumulate"),
    sample_sizes: Iterable[int] = (100_000,),
    curation_keeps: Iterable[float] = (0.9, 0.7),
    curation_fractions: Iterable[float] = (0.0, 0.1),
    generations: int = 10,
    **fixed: Any,
) -> list[dict[str, Any]]:
    """The calibration grid: every (p, regime, size) uncurated, plus curated replace runs at a few p."""
    grid = [
        {"real_fraction": p, "regime": r, "train_chars": n, "generations": generations, **fixed}
        for n, r, p in itertools.product(sample_sizes, regimes, real_fractions)
    ]
    grid += [
        {"real_fraction": p, "regime": "replace", "train_chars": n, "generations": generations,
         "curation_keep": q, **fixed}
        for n, q, p in itertools.product(sample_sizes, curation_keeps, curation_fractions)
    ]
    return grid


def _task(args: tuple[str, dict[str, Any], int, int]) -> LabResult:
    experiment, options, seeds, seed = args
    return run_one(experiment, options, seeds=seeds, seed=seed)


@dataclass
class SweepResult:
    """All runs of a sweep, in grid order."""

    experiment: str
    configs: list[dict[str, Any]]
    results: list[LabResult]
    seeds: int
    seed: int
    wall_s: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)

    def select(self, **where: Any) -> list[LabResult]:
        """Runs whose inputs match every ``key=value`` given."""
        return [r for r in self.results if all(r.inputs.get(k) == v for k, v in where.items())]

    def rows(self) -> list[dict[str, Any]]:
        return [row for r in self.results for row in r.rows()]

    def to_dict(self) -> dict[str, Any]:
        return {"experiment": self.experiment, "configs": self.configs, "seeds": self.seeds,
                "seed": self.seed, "wall_s": self.wall_s, "meta": self.meta,
                "results": [r.to_dict() for r in self.results]}

    def save(self, out_dir: str | Path) -> Path:
        """Write ``sweep.json`` (everything) and ``metrics.parquet`` (tidy rows)."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "sweep.json").write_text(json.dumps(self.to_dict()))
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(self.rows()), out / "metrics.parquet")
        return out

    @classmethod
    def load(cls, path: str | Path) -> SweepResult:
        p = Path(path)
        data = json.loads((p / "sweep.json" if p.is_dir() else p).read_text())
        results = [
            LabResult(experiment=d["experiment"], inputs=d["inputs"], seed=d["seed"],
                      metrics={k: np.array(v, dtype=float) for k, v in d["metrics"].items()},
                      theory={k: np.array(v, dtype=float) for k, v in d["theory"].items()},
                      units=d["units"], notes=d["notes"], wall_s=d["wall_s"])
            for d in data["results"]
        ]
        return cls(data["experiment"], data["configs"], results, data["seeds"], data["seed"],
                   data["wall_s"], data.get("meta", {}))


def run_sweep(
    experiment: str,
    configs: list[dict[str, Any]],
    *,
    seeds: int = 5,
    seed: int = 0,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run every configuration with ``seeds`` seeds; ``workers > 1`` uses worker processes."""
    if not configs:
        raise RecloopInputError(["lab.sweep: empty grid"])
    for cfg in configs:  # every configuration is checked before any runs
        validate(experiment, cfg)
    t0 = time.perf_counter()
    tasks = [(experiment, cfg, seeds, seed) for cfg in configs]
    results: list[LabResult] = []
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, res in enumerate(pool.map(_task, tasks)):
                results.append(res)
                if progress:
                    progress(i + 1, len(tasks))
    else:
        for i, t in enumerate(tasks):
            results.append(_task(t))
            if progress:
                progress(i + 1, len(tasks))
    return SweepResult(experiment, configs, results, seeds, seed, time.perf_counter() - t0)


# --------------------------------------------------------------------------- plots


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_result(result: LabResult, path: str | Path, *, metrics: Iterable[str] | None = None) -> Path:
    """One panel per metric: seed mean with the seeds' range, and the closed form where known."""
    plt = _plt()
    from matplotlib.ticker import MaxNLocator

    names = list(metrics or result.metrics)
    cols = min(3, len(names))
    rows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    g = result.generations
    for ax, name in zip(axes.ravel(), names):
        arr = result.metrics[name]
        ax.plot(g, np.nanmean(arr, 0), "o-", ms=3, label="measured (seed mean)")
        ax.fill_between(g, np.nanmin(arr, 0), np.nanmax(arr, 0), alpha=0.25, label="seed range")
        if name in result.theory:
            ax.plot(g, result.theory[name], "k--", lw=1.2, label="theory")
        ax.set_title(name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("generation")
        ax.set_ylabel(result.units.get(name, ""))
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(names):]:
        ax.axis("off")
    axes.ravel()[0].legend(fontsize=7)
    inp = result.inputs
    fig.suptitle(f"{result.experiment}: p={inp.get('real_fraction')}, {inp.get('regime')}, "
                 f"keep={inp.get('curation_keep')}, seeds={result.n_seeds}", fontsize=10)
    fig.tight_layout()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def plot_sweep(sweep: SweepResult, out_dir: str | Path, *, metrics: Iterable[str] | None = None,
               by: str = "real_fraction", **where: Any) -> list[Path]:
    """One PNG per metric: one line per value of ``by`` among the runs matching ``where``."""
    plt = _plt()
    from matplotlib.ticker import MaxNLocator

    runs = sweep.select(**where) if where else sweep.results
    if not runs:
        return []
    names = list(metrics or runs[0].metrics)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cmap = plt.get_cmap("viridis")
    paths = []
    tag = "_".join(f"{k}-{v}" for k, v in where.items()) or "all"
    for name in names:
        fig, ax = plt.subplots(figsize=(5.5, 3.8))
        for i, r in enumerate(sorted(runs, key=lambda r: r.inputs.get(by))):  # type: ignore[arg-type,return-value]
            arr = r.metrics[name]
            color = cmap(i / max(len(runs) - 1, 1))
            mean = np.nanmean(arr, 0)
            ax.plot(r.generations, mean, "o-", ms=3, color=color, label=f"{by}={r.inputs.get(by)}")
            if arr.shape[0] > 1:
                se = np.nanstd(arr, 0, ddof=1) / np.sqrt(arr.shape[0])
                ax.fill_between(r.generations, mean - 2 * se, mean + 2 * se, color=color, alpha=0.2)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("generation")
        ax.set_ylabel(f"{name} [{runs[0].units.get(name, '')}]")
        ax.set_title(f"{sweep.experiment} {name}\n{tag}; band: +-2 s.e. over {sweep.seeds} seeds",
                     fontsize=8)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        fig.tight_layout()
        p = out_dir / f"{sweep.experiment}_{name}_{tag}.png"
        fig.savefig(p, dpi=110)
        plt.close(fig)
        paths.append(p)
    return paths

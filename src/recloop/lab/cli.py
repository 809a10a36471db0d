"""Command-line commands of recloop.lab (registered by :mod:`recloop.cli`): a thin adapter.

``recloop lab gaussian|regression|charlm``, ``recloop lab sweep``, ``recloop lab calibrate``.
Every run is written under ``$RECLOOP_HOME/<run_id>/`` and recorded in the run catalog.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Optional

import typer

from recloop.params import RecloopInputError

lab_app = typer.Typer(help="Model-collapse experiments and the calibration of the collapse law.",
                      no_args_is_help=True)


def _fail(problems: list[str]) -> None:
    from recloop.cli import fail

    fail(problems)


def _guarded(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except RecloopInputError as err:
        _fail(err.problems)


def _floats(text: Optional[str], name: str) -> Optional[list[float]]:
    if text is None:
        return None
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise RecloopInputError([f"lab.{name}: expected comma-separated numbers, got {text!r}"]) from None


def _record(experiment: str, seeds: int, seed: int, inputs: dict[str, Any], summary: dict[str, Any],
            write: Callable[[Path], None]) -> tuple[str, Path]:
    from recloop import store

    run_id = store.new_run_id("lab")
    out_dir = store.home() / run_id
    out_dir.mkdir(parents=True, exist_ok=True)
    write(out_dir)
    store.record_run(run_id, kind="lab", name=f"lab.{experiment}", out_dir=out_dir, samples=seeds,
                     seed=seed, inputs=inputs, summary=summary)
    return run_id, out_dir


def _single(experiment: str, options: dict[str, Any], seeds: int, seed: int, as_json: bool, plot: bool) -> None:
    from recloop.lab.sweep import plot_result, run_one

    if seeds < 1:
        raise RecloopInputError([f"lab.seeds: must be >= 1, got {seeds}"])
    res = run_one(experiment, options, seeds=seeds, seed=seed)
    summary = res.summary()

    def write(out: Path) -> None:
        (out / "result.json").write_text(res.to_json())
        if plot:
            plot_result(res, out / f"{experiment}.png")

    run_id, out_dir = _record(experiment, seeds, seed, {**res.inputs, "seed": seed}, summary, write)
    if as_json:
        typer.echo(json.dumps({"run_id": run_id, "out_dir": str(out_dir), **summary}))
        return
    typer.echo(f"{experiment}: {seeds} seeds, {res.inputs.get('generations')} generations, "
               f"{res.wall_s:.2f} s  (run {run_id}, {out_dir})")
    for name, v in summary.items():
        if isinstance(v, dict) and "first" in v:
            th = f"  theory {v['theory_last']:.4g}" if "theory_last" in v else ""
            se = f" +- {v['last_se']:.2g}" if v.get("last_se") is not None else ""
            typer.echo(f"  {name:14s} gen 0 {v['first']:.4g} -> gen {res.generations[-1]} {v['last']:.4g}{se}{th}")


_G = typer.Option(None, "--generations", help="Generations after generation 0 [default 10].")
_P = typer.Option(None, "--real-fraction", help="Fresh real share p of each generation's data, in [0, 1] [default 0].")
_R = typer.Option(None, "--regime", help="replace | accumulate [default replace].")
_K = typer.Option(None, "--curation-keep", help="Share of synthetic samples kept by curation [default 1].")
_S = typer.Option(4, "--seeds", help="Independent seeds.")
_SEED = typer.Option(0, "--seed", help="Root seed.")
_J = typer.Option(False, "--json", help="Print the summary as JSON.")
_PL = typer.Option(True, "--plot/--no-plot", help="Write a PNG of every metric per generation.")


@lab_app.command("gaussian")
def gaussian_cmd(
    generations: Optional[int] = _G, real_fraction: Optional[float] = _P, regime: Optional[str] = _R,
    curation_keep: Optional[float] = _K, seeds: int = _S, seed: int = _SEED, as_json: bool = _J, plot: bool = _PL,
    sample_size: Optional[int] = typer.Option(None, "--sample-size", help="Samples per generation M [default 100]."),
    chains: Optional[int] = typer.Option(None, "--chains", help="Chains per seed [default 2000]."),
) -> None:
    """Gaussian fit-and-resample (Shumailov et al. 2024, Theorem 3.1) against its closed form."""
    opts = dict(generations=generations, real_fraction=real_fraction, regime=regime,
                curation_keep=curation_keep, sample_size=sample_size, chains=chains)
    _guarded(lambda: _single("gaussian", opts, seeds, seed, as_json, plot))


@lab_app.command("regression")
def regression_cmd(
    generations: Optional[int] = _G, real_fraction: Optional[float] = _P, regime: Optional[str] = _R,
    seeds: int = _S, seed: int = _SEED, as_json: bool = _J, plot: bool = _PL,
    dim: Optional[int] = typer.Option(None, "--dim", help="Features d [default 10]."),
    samples: Optional[int] = typer.Option(None, "--samples", help="Rows T per generation [default 64]."),
) -> None:
    """Linear regression on its own predictions (Gerstgrasser et al. 2024) against their formulas."""
    opts = dict(generations=generations, real_fraction=real_fraction, regime=regime, dim=dim, samples=samples)
    _guarded(lambda: _single("regression", opts, seeds, seed, as_json, plot))


@lab_app.command("charlm")
def charlm_cmd(
    generations: Optional[int] = _G, real_fraction: Optional[float] = _P, regime: Optional[str] = _R,
    curation_keep: Optional[float] = _K, seeds: int = typer.Option(3, "--seeds", help="Independent seeds."),
    seed: int = _SEED, as_json: bool = _J, plot: bool = _PL,
    corpus: Optional[str] = typer.Option(None, "--corpus", help="pydoc | shakespeare [default pydoc]."),
    train_chars: Optional[int] = typer.Option(None, "--train-chars", help="Characters per generation [default 100000]."),
    order: Optional[int] = typer.Option(None, "--order", help="Context length [default 4]."),
    curation_score: Optional[str] = typer.Option(None, "--curation-score", help="lexicon | reference | likelihood."),
) -> None:
    """Character n-gram model trained on its own output, evaluated on held-out real text."""
    opts = dict(generations=generations, real_fraction=real_fraction, regime=regime, curation_keep=curation_keep,
                corpus=corpus, train_chars=train_chars, order=order, curation_score=curation_score)
    _guarded(lambda: _single("charlm", opts, seeds, seed, as_json, plot))


def _do_sweep(experiment: str, real_fractions, regimes, sizes, keeps, generations, seeds, seed, workers,
              as_json, extra: dict[str, Any]):
    from recloop.lab.sweep import charlm_grid, plot_sweep, run_sweep

    ps = _floats(real_fractions, "real_fractions") or [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7]
    regs = [r.strip() for r in (regimes or "replace,accumulate").split(",") if r.strip()]
    ks = _floats(keeps, "curation_keeps")
    if experiment == "charlm":
        n = [int(v) for v in (_floats(sizes, "sample_sizes") or [100_000])]
        grid = charlm_grid(real_fractions=ps, regimes=regs, sample_sizes=n,
                           curation_keeps=ks if ks is not None else (0.9, 0.7),
                           generations=generations, **extra)
    else:
        key = "sample_size" if experiment == "gaussian" else "samples"
        n = [int(v) for v in (_floats(sizes, "sample_sizes") or ([100] if experiment == "gaussian" else [64]))]
        grid = [{"real_fraction": p, "regime": r, key: m, "generations": generations}
                for m in n for r in regs for p in ps]
    if seeds < 1:
        raise RecloopInputError([f"lab.seeds: must be >= 1, got {seeds}"])
    sweep = run_sweep(experiment, grid, seeds=seeds, seed=seed, workers=workers)
    summary = {"configs": len(grid), "seeds": seeds, "wall_s": round(sweep.wall_s, 2)}

    def write(out: Path) -> None:
        sweep.save(out)
        main: dict[str, Any] = ({"regime": "replace", "curation_keep": 1.0} if experiment != "regression"
                                else {"regime": "replace"})
        if experiment == "charlm":
            main["train_chars"] = n[0]
        plot_sweep(sweep, out / "plots", **main)

    run_id, out_dir = _record(f"sweep.{experiment}", seeds, seed,
                              {"experiment": experiment, "grid": grid}, summary, write)
    if as_json:
        typer.echo(json.dumps({"run_id": run_id, "out_dir": str(out_dir), **summary}))
    else:
        typer.echo(f"sweep {experiment}: {len(grid)} configurations x {seeds} seeds in {sweep.wall_s:.1f} s "
                   f"-> {out_dir}")


@lab_app.command("sweep")
def sweep_cmd(
    experiment: str = typer.Argument("charlm", help="gaussian | regression | charlm"),
    real_fractions: Optional[str] = typer.Option(None, "--real-fractions", help="Comma-separated p values."),
    regimes: Optional[str] = typer.Option(None, "--regimes", help="Comma-separated regimes."),
    sample_sizes: Optional[str] = typer.Option(None, "--sample-sizes", help="Comma-separated sample sizes."),
    curation_keeps: Optional[str] = typer.Option(None, "--curation-keeps", help="charlm: curated keep shares."),
    generations: int = typer.Option(10, "--generations"),
    seeds: int = typer.Option(5, "--seeds"), seed: int = _SEED,
    workers: int = typer.Option(1, "--workers", help="Worker processes."),
    as_json: bool = _J,
) -> None:
    """Sweep real fraction, regime, curation and sample size; writes tables and plots."""
    _guarded(lambda: _do_sweep(experiment, real_fractions, regimes, sample_sizes, curation_keeps, generations,
                               seeds, seed, workers, as_json, {}))


@lab_app.command("calibrate")
def calibrate_cmd(
    sweep_dir: Optional[Path] = typer.Option(None, "--sweep", help="Directory of a saved charlm sweep "
                                             "(default: run a small sweep now)."),
    fragment: Optional[Path] = typer.Option(None, "--fragment", help="Also write the TOML fragment here "
                                            "(e.g. src/recloop/lab/calibration.toml)."),
    train_chars: Optional[int] = typer.Option(None, "--train-chars", help="Sample size to calibrate at."),
    seeds: int = typer.Option(4, "--seeds"), seed: int = _SEED,
    generations: int = typer.Option(8, "--generations"),
    workers: int = typer.Option(1, "--workers"),
    as_json: bool = _J,
) -> None:
    """Fit kappa, curation efficiency and the threshold real fraction; write the scenario fragment."""

    def go():
        from recloop.lab.calibrate import calibrate, fragment_text, write_fragment
        from recloop.lab.sweep import SweepResult, charlm_grid, run_sweep

        if generations < 1:
            raise RecloopInputError([f"lab.generations: must be >= 1, got {generations}"])
        if sweep_dir is not None:
            if not Path(sweep_dir).exists():
                raise RecloopInputError([f"lab.calibrate.sweep: no such directory: {sweep_dir}"])
            sweep = SweepResult.load(sweep_dir)
        else:
            grid = charlm_grid(real_fractions=(0.0, 0.1, 0.3, 0.5, 0.7), regimes=("replace", "accumulate"),
                               sample_sizes=(50_000,), curation_keeps=(0.9,), curation_fractions=(0.0,),
                               generations=generations)
            sweep = run_sweep("charlm", grid, seeds=seeds, seed=seed, workers=workers)
        cal = calibrate(sweep, train_chars=train_chars)
        text = fragment_text(cal)
        summary = cal.to_dict()

        def write(out: Path) -> None:
            (out / "calibration.json").write_text(json.dumps(summary, default=str))
            (out / "calibration.toml").write_text(text)

        run_id, out_dir = _record("calibrate", sweep.seeds, sweep.seed, {"sweep": str(sweep_dir)}, summary, write)
        if fragment is not None:
            write_fragment(cal, fragment)
        if as_json:
            typer.echo(json.dumps({"run_id": run_id, "out_dir": str(out_dir), **summary}, default=str))
            return
        th = cal.threshold
        typer.echo(f"kappa = {cal.kappa:.4f} (bootstrap 90%: {cal.kappa_p5:.4f}-{cal.kappa_p95:.4f})")
        typer.echo(f"p_threshold (plateau deficit <= {th['tolerance']:g}): median {th['median']}, "
                   f"seeds {th['min']}-{th['max']}; the engine law says {th['law_p_threshold']:.3f}")
        typer.echo(f"curation_efficiency = {cal.curation_efficiency:.3f}; run {run_id} -> {out_dir}")
        typer.echo(text)

    _guarded(go)


def register(app: typer.Typer) -> None:
    """Add the ``lab`` sub-app to the main app."""
    app.add_typer(lab_app, name="lab")

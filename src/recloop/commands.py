"""Core commands: run, compare, validate, params, scenarios, policies, runs.

Thin adapters over the library: parse options, call :func:`recloop.engine.simulate`, write
results. No model logic lives here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from recloop.params import RecloopInputError
from recloop.engine import DEFAULT_CHUNK, DEFAULT_YEARS

__all__ = ["register", "run_and_write"]

_SCENARIO_HELP = "Scenario: a bundled name (see `recloop scenarios`) or a TOML file. Default: baseline."


def _check_samples(samples: int) -> None:
    from recloop.sampling import MAX_SAMPLES

    if not 1 <= samples <= MAX_SAMPLES:
        raise RecloopInputError([f"--samples: must be an integer in [1, {MAX_SAMPLES:,}], got {samples}"])


def run_and_write(scenario_spec, policy_spec, *, samples, seed, years, chunk_size, out, progress=True,
                  backend="local", scheduler=None, workers=None, executor=None):
    """Simulate chunk by chunk through an executor and write outcomes.parquet, trajectories.parquet,
    summary.json and report.html.

    Each finished chunk is written to ``OUT/parts`` and registered in the catalog as it completes,
    so an interrupted run can be finished with ``recloop resume RUN_ID`` (see :mod:`recloop.execute`).
    Returns (result, summary, out_dir); ``result`` holds the outcome columns (inputs are in
    outcomes.parquet) and the trajectories of the first ``execute.DEFAULT_FAN_SAMPLES`` samples.
    """
    from recloop import execute, store
    from recloop.policy import load_policy
    from recloop.scenario import load_scenario

    scenario = load_scenario(scenario_spec)
    policy = load_policy(policy_spec)
    _check_samples(samples)
    run_id = store.new_run_id("run")
    out_dir = Path(out) if out else store.home() / run_id
    inputs = {"scenario": scenario.model_dump(mode="json"), "policy": policy.model_dump(mode="json"),
              "samples": samples, "seed": seed, "years": years, "chunk_size": chunk_size, "backend": backend}
    own = executor is None
    executor = executor or execute.make_executor(backend, workers=workers, scheduler=scheduler)
    try:
        plan = execute.plan_run(scenario, policy, run_id=run_id, out_dir=out_dir, samples=samples, seed=seed,
                                years=years, chunk_size=chunk_size)
        store.record_run(run_id, kind="simulate", name=scenario.name, policy=policy.name, out_dir=out_dir,
                         samples=samples, seed=seed, inputs=inputs, status="running")
        if progress and sys.stderr.isatty():
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("simulating", total=samples)
                execute.execute_run(plan, executor, progress=lambda k: bar.advance(task, k))
        else:
            execute.execute_run(plan, executor)
    finally:
        if own:
            executor.close()
    result, summary = execute.finish_run(plan)
    return result, summary, out_dir


def _print_summary(summary: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    c = Console()
    s = summary
    c.print(f"[bold]recloop[/bold] {s['scenario']} / policy {s['policy']}: {s['samples']:,} worlds, seed {s['seed']}, "
            f"{s['years']:g} years from {s['start_year']:g}")
    t = Table("milestone", "reached", "p10", "p50", "p90")
    for k, m in s["milestones"].items():
        fmt = lambda x: "-" if x is None else f"{x:.1f}"  # noqa: E731
        t.add_row(k, f"{m['reached']:.0%}", fmt(m["p10"]), fmt(m["p50"]), fmt(m["p90"]))
    c.print(t)
    tk, al, rk = s["takeoff"], s["alignment"], s["risk"]
    d = tk["days"]
    c.print(f"takeoff (start -> vastly superhuman): median {d['p50'] and round(d['p50'])} days "
            f"(p10 {d['p10'] and round(d['p10'])}, p90 {d['p90'] and round(d['p90'])}); hard takeoff {tk['p_hard']:.0%}")
    c.print(f"peak years of progress in one year: median {tk['years_in_one_year']['p50'] and round(tk['years_in_one_year']['p50'], 1)}")
    c.print(f"unverified takeoff {al['p_unverified_takeoff']:.0%}, unaligned capability {al['p_unaligned_capability']:.0%}, "
            f"point of no control {rk['p_no_control']:.0%}, mean P(catastrophe) {rk['p_catastrophe_mean']:.0%}")
    c.print(f"halts {s['halts']['mean_halts']:.2f}/world (failed {s['halts']['mean_failed_halts']:.2f}); "
            f"results in {s.get('out_dir', '')}")


def register(app: typer.Typer) -> None:
    """Add the core commands to the main app."""

    @app.command()
    def run(
        scenario: Optional[str] = typer.Argument(None, help=_SCENARIO_HELP),
        policy: Optional[str] = typer.Option(None, "--policy", help="Policy: bundled name or TOML file. Default: none."),
        samples: int = typer.Option(2000, "--samples", help="Number of sampled worlds."),
        seed: int = typer.Option(0, "--seed", help="Seed; sample i depends only on (seed, i)."),
        years: float = typer.Option(DEFAULT_YEARS, "--years", help="Horizon in years."),
        chunk_size: int = typer.Option(DEFAULT_CHUNK, "--chunk-size", help="Samples simulated together (with actors, at most 32,768 actor rows per chunk)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Output folder. Default: $RECLOOP_HOME/RUN_ID."),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
        backend: str = typer.Option("local", "--backend", help="local (in-process), processes, or dask."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                                help="Dask scheduler address (tcp://host:8786); default: a LocalCluster."),
        workers: Optional[int] = typer.Option(None, "--workers", help="Workers for processes/dask. Default: CPU count."),
    ):
        """Simulate the recursion loop and write outcomes, trajectories, summary and report.

        Chunks are saved as they finish; an interrupted run is finished by `recloop resume RUN_ID`.
        """
        _check_samples(samples)
        _, summary, _ = run_and_write(scenario, policy, samples=samples, seed=seed, years=years,
                                      chunk_size=chunk_size, out=out, progress=not as_json,
                                      backend=backend, scheduler=scheduler, workers=workers)
        if as_json:
            typer.echo(json.dumps(summary, indent=2))
        else:
            _print_summary(summary)

    @app.command()
    def validate(file: Path = typer.Argument(..., help="A scenario or policy TOML file.")):
        """Check a scenario or policy file; print every problem with its field path."""
        from recloop.policy import parse_policy
        from recloop.scenario import parse_scenario, read_toml

        data = read_toml(file)
        is_policy = any(k in data for k in ("tripwires", "containment", "stop", "treaty", "monitoring",
                                            "strategies", "compliance")) or (
            "verification" in data and "compute_share" in data.get("verification", {}))
        if is_policy:
            p = parse_policy(data)
            typer.echo(f"ok: policy '{p.name}' ({len(p.tripwires)} tripwires)")
        else:
            s = parse_scenario(data)
            typer.echo(f"ok: scenario '{s.name}' ({len(s.uncertain_paths())} uncertain parameters)")

    @app.command()
    def params(
        scenario: Optional[str] = typer.Option(None, "--scenario", help=_SCENARIO_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
        salib: bool = typer.Option(False, "--salib", help="Print SALib's problem dict (JSON) of the scenario's "
                                   "uncertain parameters, as `recloop sensitivity` samples them."),
    ):
        """Every parameter with its value in the scenario, unit, bounds and source."""
        from recloop.policy import policy_specs
        from recloop.scenario import load_scenario, market_specs, scenario_specs

        s = load_scenario(scenario)
        if salib:
            from recloop.ema import salib_problem

            typer.echo(json.dumps(salib_problem(s), indent=2))
            return
        rows = []
        for sp in scenario_specs() + market_specs() + policy_specs():
            if sp.kind == "uncertainty":
                v = s.value(sp.path)
                val = v if isinstance(v, (int, float)) else v.model_dump()
            elif sp.kind == "market":
                val = getattr(s.market, sp.path.split(".", 1)[1])
            else:
                val = sp.default
            rows.append({"path": sp.path, "kind": sp.kind, "value": val, "default": sp.default, "unit": sp.unit,
                         "bounds": sp.bounds, "doc": sp.doc, "source": sp.source})
        if as_json:
            typer.echo(json.dumps(rows, indent=2, default=str))
            return
        from rich.console import Console
        from rich.table import Table

        t = Table("parameter", "value", "unit", "bounds", "source", title=f"scenario {s.name} (levers: defaults)")
        for r in rows:
            v = r["value"]
            shown = f"{v:g}" if isinstance(v, float) else (
                ", ".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else str(v))
            b = "" if r["bounds"] is None else f"[{r['bounds'][0]:g}, {r['bounds'][1]:g}]"
            t.add_row(r["path"], shown, r["unit"], b, r["source"])
        Console(width=200).print(t)

    @app.command()
    def scenarios():
        """List the bundled scenarios."""
        from recloop.scenario import bundled_scenarios, load_scenario

        for name in sorted(bundled_scenarios()):
            s = load_scenario(name)
            typer.echo(f"{name:14s} {s.description}")

    @app.command()
    def policies():
        """List the bundled policies."""
        from recloop.policy import bundled_policies, load_policy

        for name in sorted(bundled_policies()):
            p = load_policy(name)
            typer.echo(f"{name:22s} {p.description}")

    @app.command()
    def runs(limit: int = typer.Option(50, "--limit", help="How many runs to list.")):
        """List recorded runs from the DuckDB catalog ($RECLOOP_HOME/catalog.duckdb)."""
        from recloop import store

        rows = store.list_runs(limit)
        if not rows:
            typer.echo(f"no runs recorded in {store.catalog_path()}")
            return
        for r in rows:
            typer.echo(f"{r['run_id']:38s} {r['kind']:10s} {r['name'] or '':12s} {r['policy'] or '':18s} "
                       f"{r['status']:9s} {r['samples'] or '':>8} {r['out_dir'] or ''}")

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

    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= MAX_SAMPLES:
        raise RecloopInputError([f"--samples: must be an integer in [1, {MAX_SAMPLES:,}], got {samples}"])


_OPTIONS = {"samples": "--samples", "seed": "--seed", "years": "--years", "chunk_size": "--chunk-size",
            "fan_samples": "--trajectory-samples", "max_steps_per_sample": "--max-steps"}


def _as_option(problem: str) -> str:
    """``samples: ...`` -> ``--samples: ...`` (a run option's problem, named as on the command line)."""
    field, sep, rest = problem.partition(":")
    return f"{_OPTIONS[field]}{sep}{rest}" if field in _OPTIONS else problem


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) during a run: the run is marked ``interrupted``; ``hint`` says how to
    finish it."""

    def __init__(self, hint: str):
        super().__init__(hint)
        self.hint = hint


def run_and_write(scenario_spec, policy_spec, *, samples, seed, years, chunk_size, out, progress=True,
                  backend="local", scheduler=None, workers=None, executor=None, replace=False,
                  fan_samples=None, max_steps_per_sample=None, command=None):
    """Simulate chunk by chunk through an executor and write outcomes.parquet, trajectories.parquet,
    summary.json and report.html into a folder this run owns (see :func:`recloop.execute.claim_folder`).

    Every input and option is checked before anything is written: a refused run leaves no folder and
    no catalog record. Each finished chunk is written to ``OUT/parts`` as it completes, so an
    interrupted run can be finished with ``recloop resume RUN_ID`` (see :mod:`recloop.execute`);
    the catalog record says ``running``, ``done``, ``interrupted``, ``failed`` or ``refused``.
    Returns (result, summary, out_dir); ``result`` holds the outcome columns (inputs are in
    outcomes.parquet) and the trajectories of the first ``fan_samples`` samples.
    """
    from recloop import execute, store
    from recloop.policy import Policy, check_against, load_policy
    from recloop.scenario import Scenario, load_scenario

    fan_samples = execute.DEFAULT_FAN_SAMPLES if fan_samples is None else fan_samples
    problems = []
    scenario = policy = None
    try:
        scenario = scenario_spec if isinstance(scenario_spec, Scenario) else load_scenario(scenario_spec)
    except RecloopInputError as err:
        problems += err.problems
    try:
        policy = policy_spec if isinstance(policy_spec, Policy) else load_policy(policy_spec)
    except RecloopInputError as err:
        problems += err.problems
    try:
        execute.check_run_options(samples=samples, seed=seed, years=years, chunk_size=chunk_size,
                                  fan_samples=fan_samples, max_steps_per_sample=max_steps_per_sample)
    except RecloopInputError as err:
        problems += err.problems
    if scenario is not None and policy is not None:
        try:
            check_against(policy, scenario)
        except RecloopInputError as err:
            problems += err.problems
    if problems:
        raise RecloopInputError(problems)
    run_id = store.new_run_id("run")
    out_dir = (Path(out) if out else store.home() / run_id).absolute()
    created = not out_dir.exists()
    own = executor is None
    executor = executor or execute.make_executor(backend, workers=workers, scheduler=scheduler)
    try:
        plan = execute.plan_run(scenario, policy, run_id=run_id, out_dir=out_dir, samples=samples, seed=seed,
                                years=years, chunk_size=chunk_size, fan_samples=fan_samples,
                                max_steps_per_sample=max_steps_per_sample, replace=replace, command=command)
        inputs = {"scenario": plan.scenario, "policy": plan.policy, "samples": samples, "seed": seed, "years": years,
                  "chunk_size": chunk_size, "backend": backend, "fan_samples": fan_samples,
                  "max_steps_per_sample": max_steps_per_sample}
        with execute.run_lock(out_dir):
            try:
                store.record_run(run_id, kind="simulate", name=scenario.name, policy=policy.name, out_dir=out_dir,
                                 samples=samples, seed=seed, inputs=inputs, status="running",
                                 provenance=plan.provenance)
            except RecloopInputError:  # the catalog cannot be written: refused, nothing left behind
                execute.remove_run_files(out_dir, created=created)
                raise
            try:
                light = execute.LightColumns()  # what finishing needs, kept as written: nothing is read back
                if progress and sys.stderr.isatty():
                    from rich.progress import Progress

                    with Progress(transient=True) as bar:
                        task = bar.add_task("simulating", total=samples)
                        execute.execute_run(plan, executor, progress=lambda k: bar.advance(task, k), light=light)
                else:
                    execute.execute_run(plan, executor, light=light)
                result, summary = execute.finish_run(plan, light=light)
            except KeyboardInterrupt:
                saved = len(execute.done_chunks(plan))
                hint = (f"run {run_id} interrupted: {saved} of {plan.n_chunks} chunks saved in {out_dir}; "
                        f"finish it with `recloop resume {out_dir}`")
                store.update_run(run_id, status="interrupted", reason=hint)
                raise RunInterrupted(hint) from None
            except execute.RunFailed as err:
                store.update_run(run_id, status="failed", reason=err.problems[0])
                raise
            except RecloopInputError as err:  # found bad once running (the engine's own checks)
                store.update_run(run_id, status="refused", reason=err.problems[0])
                execute.remove_run_files(out_dir, created=False)
                raise
            except Exception as err:
                store.update_run(run_id, status="failed", reason=f"{type(err).__name__}: {err}".splitlines()[0])
                raise
    finally:
        if own:
            executor.close()
        if created and out_dir.exists() and not (out_dir / execute.MANIFEST).exists():
            execute.remove_run_files(out_dir, created=True)  # refused: nothing left behind
    return result, summary, out_dir


def _print_summary(summary: dict) -> None:
    """The run in readable names, every headline figure with its 95% Monte Carlo interval, the
    inputs that drive it, and what is sampled and what is assumed (recloop.report.evidence)."""
    from rich.console import Console
    from rich.table import Table

    from recloop.report.evidence import READABLE, fmt_interval, fmt_share, readable
    from recloop.report.html import driver_lines, inputs_line, unverified_text

    c = Console(width=140)
    s = summary
    ev = s.get("evidence")
    iv = ev["intervals"] if ev else {}
    c.print(f"[bold]recloop[/bold] {s['scenario']} / policy {s['policy']}: {s['samples']:,} worlds, seed {s['seed']}, "
            f"{s['years']:g} years from {s['start_year']:g}")
    fmt = lambda x: "-" if x is None else f"{x:.1f}"  # noqa: E731
    t = Table("milestone", "worlds reached (95% CI)", "p10", "median (95% CI)", "p90")
    for k, m in s["milestones"].items():
        reached = fmt_share(iv[f"reached:{k}"]) if f"reached:{k}" in iv else f"{m['reached']:.0%}"
        med = fmt_interval(iv[f"median:{k}"]) if f"median:{k}" in iv else fmt(m["p50"])
        t.add_row(READABLE.get(k, readable(k)), reached, fmt(m["p10"]), med, fmt(m["p90"]))
    c.print(t)
    tk, al, rk = s["takeoff"], s["alignment"], s["risk"]
    d = tk["days"]
    if ev:
        c.print(f"takeoff (start -> vastly superhuman): median {fmt_interval(iv['median:takeoff_days'], 0, ' days')}; "
                f"10-90% of worlds {d['p10'] and round(d['p10'])}-{d['p90'] and round(d['p90'])} days; "
                f"hard takeoff in {fmt_share(iv['share:hard_takeoff'])} of worlds")
        c.print(f"unverified takeoff in {unverified_text(iv)}, unaligned capability "
                f"{fmt_share(iv['share:unaligned_capability'])}, point of no control {fmt_share(iv['reached:t_no_control'])}, "
                f"mean P(catastrophe) {fmt_share(iv['mean:p_catastrophe'], 1)}")
    else:
        c.print(f"takeoff (start -> vastly superhuman): median {d['p50'] and round(d['p50'])} days "
                f"(p10 {d['p10'] and round(d['p10'])}, p90 {d['p90'] and round(d['p90'])}); hard takeoff {tk['p_hard']:.0%}")
        c.print(f"unverified takeoff {al['p_unverified_takeoff']:.0%}, unaligned capability {al['p_unaligned_capability']:.0%}, "
                f"point of no control {rk['p_no_control']:.0%}, mean P(catastrophe) {rk['p_catastrophe_mean']:.0%}")
    c.print(f"peak years of progress in one year: median {tk['years_in_one_year']['p50'] and round(tk['years_in_one_year']['p50'], 1)}")
    c.print(f"halts {s['halts']['mean_halts']:.2f} per world (failed {s['halts']['mean_failed_halts']:.2f})")
    if ev:
        c.print(f"[bold]what drives it[/bold] (rank correlation over {ev['driver_worlds']:,} worlds):")
        for line in driver_lines(ev):
            c.print("  " + line, highlight=False)
        c.print(inputs_line(ev), highlight=False)
        c.print("95% CI: Monte Carlo error over the sampled worlds (Wilson for shares, order statistics for medians).",
                highlight=False)
    c.print(f"results in {s.get('out_dir', '')}")


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
        replace: bool = typer.Option(False, "--replace", help="Delete the run that --out holds and start afresh "
                                                              "(without it a folder holding another run is refused)."),
        trajectory_samples: int = typer.Option(10_000, "--trajectory-samples",
                                               help="Samples whose trajectories are kept (trajectories.parquet, fan "
                                                    "charts): the first N; every sample of a smaller run."),
        max_steps: Optional[int] = typer.Option(None, "--max-steps",
                                                help="Engine steps one sample may take; a sample that needs more "
                                                     "stops with status 'budget' and the run goes on."),
    ):
        """Simulate the recursion loop and write outcomes, trajectories, summary and report.

        Chunks are saved as they finish; an interrupted run is finished by `recloop resume RUN_ID`.
        """
        import signal

        def _term(signum, frame):  # SIGTERM is an interruption like Ctrl-C: the run stays resumable
            raise KeyboardInterrupt

        old = signal.signal(signal.SIGTERM, _term)
        try:
            _, summary, _ = run_and_write(scenario, policy, samples=samples, seed=seed, years=years,
                                          chunk_size=chunk_size, out=out, progress=not as_json,
                                          backend=backend, scheduler=scheduler, workers=workers, replace=replace,
                                          fan_samples=trajectory_samples, max_steps_per_sample=max_steps)
        except RunInterrupted as err:
            typer.echo(f"interrupted: {err.hint}", err=True)
            raise typer.Exit(130) from None
        except RecloopInputError as err:  # name the options as they were typed
            raise RecloopInputError([_as_option(p) for p in err.problems]) from None
        finally:
            signal.signal(signal.SIGTERM, old)
        if as_json:
            typer.echo(json.dumps(summary, indent=2))
        else:
            _print_summary(summary)

    @app.command()
    def validate(
        file: Path = typer.Argument(..., help="A scenario or policy TOML file."),
        kind: Optional[str] = typer.Option(None, "--as", help="scenario or policy (default: told from its fields)."),
    ):
        """Check a scenario or policy file exactly as `recloop run` reads it; say which it is and print
        every problem with its field path."""
        from recloop.policy import parse_policy
        from recloop.scenario import DEFAULT_BASE, classify, parse_scenario, read_toml

        data = read_toml(file)
        if kind not in (None, "scenario", "policy"):
            raise RecloopInputError([f"--as: must be scenario or policy, got {kind!r}"])
        kinds = [kind] if kind else classify(data, where=str(file))
        said = []
        for k in kinds:
            if k == "policy":
                p = parse_policy(data)
                said.append(f"policy '{p.name}' ({len(p.tripwires)} tripwires)")
            else:
                s = parse_scenario(data, extends=True)
                base = data.get("extends", DEFAULT_BASE)
                said.append(f"scenario '{s.name}' (extends {base}; {len(s.uncertain_paths())} uncertain parameters)")
        if len(said) == 2:
            typer.echo(f"ok: {file} sets no field of either kind; it reads as {said[0]} and as {said[1]}")
        else:
            typer.echo(f"ok: {said[0]}")

    @app.command()
    def params(
        scenario: Optional[str] = typer.Option(None, "--scenario", help=_SCENARIO_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
        salib: bool = typer.Option(False, "--salib", help="Print SALib's problem dict (JSON) of the scenario's "
                                   "uncertain parameters, as `recloop sensitivity` samples them."),
    ):
        """Every parameter with its value in the scenario, unit, bounds and source."""
        from recloop.policy import policy_specs
        from recloop.scenario import (DEFAULT_BASE, bundled_scenarios, file_paths, load_scenario, market_specs,
                                      read_toml, scenario_specs)

        s = load_scenario(scenario)
        if salib:
            from recloop.ema import salib_problem

            typer.echo(json.dumps(salib_problem(s), indent=2))
            return
        if scenario is not None and str(scenario) not in bundled_scenarios():
            data = read_toml(scenario)
            base, own = str(data.get("extends", DEFAULT_BASE)), file_paths(data)
        else:
            base, own = None, None
        rows = []
        for sp in scenario_specs() + market_specs() + policy_specs():
            if sp.kind == "uncertainty":
                v = s.value(sp.path)
                val = v if isinstance(v, (int, float)) else v.model_dump()
            elif sp.kind == "market":
                val = getattr(s.market, sp.path.split(".", 1)[1])
            else:
                val = sp.default
            origin = None if own is None or sp.kind == "lever" else ("file" if sp.path in own else base)
            rows.append({"path": sp.path, "kind": sp.kind, "value": val, "default": sp.default, "unit": sp.unit,
                         "bounds": sp.bounds, "doc": sp.doc, "source": sp.source, "from": origin})
        if as_json:
            typer.echo(json.dumps(rows, indent=2, default=str))
            return
        from rich.console import Console
        from rich.table import Table

        title = f"scenario {s.name} (levers: defaults)"
        cols = ["parameter", "value", "unit", "bounds", "source"]
        if base is not None:
            title = (f"scenario {s.name} from {scenario}: extends {base}; {len(own or ())} values set in the file, "
                     f"the rest from {base} (levers: defaults)")
            cols.insert(2, "from")
        t = Table(*cols, title=title)
        for r in rows:
            v = r["value"]
            shown = f"{v:g}" if isinstance(v, float) else (
                ", ".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else str(v))
            b = "" if r["bounds"] is None else f"[{r['bounds'][0]:g}, {r['bounds'][1]:g}]"
            cells = [r["path"], shown, r["unit"], b, r["source"]]
            if base is not None:
                cells.insert(2, r["from"] or "")
            t.add_row(*cells)
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
    def runs(
        run: Optional[str] = typer.Argument(None, help="A run id: show its record in full (provenance included)."),
        limit: int = typer.Option(50, "--limit", help="How many runs to list."),
        as_json: bool = typer.Option(False, "--json", help="Print the records as JSON."),
    ):
        """List recorded runs ($RECLOOP_HOME/catalog, default ~/.local/share/recloop/catalog): status,
        the code that made each (version, commit) and its input hashes."""
        from recloop import store

        if run is not None:
            rec = store.get_run(run)
            if rec is None:
                raise RecloopInputError([f"run: no run '{run}' in {store.catalog_path()}"])
            rec = next((r for r in store.list_runs(10**9, full=True) if r["run_id"] == run), rec)
            typer.echo(json.dumps(rec, indent=2, default=str))
            return
        if not 1 <= limit <= 10**6:
            raise RecloopInputError([f"--limit: must be in [1, 1,000,000], got {limit}"])
        rows = store.list_runs(limit)
        if as_json:
            typer.echo(json.dumps(rows, indent=2, default=str))
            return
        if not rows:
            typer.echo(f"no runs recorded in {store.catalog_path()}")
            return
        for r in rows:
            prov = r.get("provenance") or {}
            code = f"{prov.get('recloop_version') or '?'}@{(prov.get('git_commit') or 'no-git')[:8]}" if prov else "-"
            inputs = (f"s:{prov['scenario_sha256'][:8]} p:{prov['policy_sha256'][:8]}"
                      if prov.get("scenario_sha256") else "")
            typer.echo(f"{r['run_id']:38s} {r['kind'] or '':10s} {r['name'] or '':12s} {r['policy'] or '':18s} "
                       f"{r['status'] or '':11s} {r['samples'] or '':>8} {code:18s} {inputs:21s} {r['out_dir'] or ''}")

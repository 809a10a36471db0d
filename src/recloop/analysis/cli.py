"""Command-line commands of recloop.analysis (registered by :mod:recloop.cli):
``sensitivity``, ``discover``, ``robust`` and ``resume``. Thin adapters over the library."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from recloop.params import RecloopInputError

_SCENARIO_HELP = "Scenario: a bundled name (see `recloop scenarios`) or a TOML file. Default: baseline."
_BACKEND_HELP = "Execution backend: local (in-process, default), processes, or dask."
_SCHEDULER_HELP = "Dask scheduler address (e.g. tcp://host:8786); default: a new LocalCluster."
_WORKERS_HELP = "Workers for the processes/dask backends. Default: the CPU count."


@contextmanager
def _errors():
    """Bad input: one line per problem on stderr, exit 2, no traceback."""
    try:
        yield
    except RecloopInputError as err:
        from recloop.cli import fail

        fail(err.problems)


def _executor(backend, scheduler, workers):
    from recloop.execute import make_executor

    return make_executor(backend, workers=workers, scheduler=scheduler)


def _out_dir(out: Optional[Path], run_id: str) -> Path:
    from recloop import store

    d = Path(out) if out else store.home() / run_id
    d.mkdir(parents=True, exist_ok=True)
    return d


def _record(run_id, kind, name, policy, out_dir, samples, seed, inputs, summary):
    from recloop import store

    try:
        store.record_run(run_id, kind=kind, name=name, policy=policy, out_dir=out_dir, samples=samples, seed=seed,
                         inputs=inputs, summary=summary)
    except Exception as err:  # noqa: BLE001 - the catalog is a convenience; never lose a result over it
        typer.echo(f"warning: run not recorded in the catalog ({err})", err=True)


def _split(params: Optional[str]) -> list[str] | None:
    return [p.strip() for p in params.split(",") if p.strip()] if params else None


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""

    @app.command()
    def sensitivity(
        scenario: Optional[str] = typer.Argument(None, help=_SCENARIO_HELP),
        outcome: str = typer.Option(..., "--outcome", help="Outcome column (see recloop.outcomes.COLUMNS), e.g. t_takeoff_start."),
        method: str = typer.Option("sobol", "--method", help="sobol (S1, ST with CIs) or morris (mu*, sigma)."),
        samples: Optional[int] = typer.Option(None, "--samples",
                                              help="Sobol: base size N (power of two; N x (D+2) runs; default 256). "
                                                   "Morris: trajectories (default 50)."),
        policy: Optional[str] = typer.Option(None, "--policy", help="Policy: bundled name or TOML file. Default: none."),
        params: Optional[str] = typer.Option(None, "--params", help="Comma-separated parameter paths to vary. "
                                                                    "Default: the scenario's uncertain parameters."),
        space: str = typer.Option("distributions", "--space",
                                  help="distributions: draw each uncertain parameter from the scenario's distribution "
                                       "with its copula (default); bounds: over the declared bounds."),
        structural: bool = typer.Option(False, "--structural",
                                        help="Also vary the fixed structural choices and assumptions one at a time "
                                             "on the same worlds (recloop.analysis.structural)."),
        vary: Optional[list[str]] = typer.Option(None, "--vary",
                                                 help="A structural choice to vary with --structural: PATH or PATH=a,b,c "
                                                      "(scenario parameter, market.* or a policy lever; repeat)."),
        worlds: int = typer.Option(400, "--worlds", help="Worlds per setting of the structural sweep."),
        years: float = typer.Option(30.0, "--years", help="Horizon in years."),
        seed: int = typer.Option(0, "--seed", help="Seed of the design and of the (common) event draws."),
        top: int = typer.Option(20, "--top", help="Rows shown in the table and the figure."),
        backend: str = typer.Option("local", "--backend", help=_BACKEND_HELP),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help=_SCHEDULER_HELP),
        workers: Optional[int] = typer.Option(None, "--workers", help=_WORKERS_HELP),
        out: Optional[Path] = typer.Option(None, "--out", help="Output folder. Default: $RECLOOP_HOME/RUN_ID."),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
    ):
        """Which assumptions matter most: Sobol or Morris indices of an outcome over declared bounds."""
        with _errors():
            from recloop import store
            from recloop.analysis import sensitivity as sens
            from recloop.policy import load_policy
            from recloop.scenario import load_scenario

            sc = load_scenario(scenario)
            po = load_policy(policy)
            choices = None
            if structural or vary:  # bad --vary is refused before anything runs
                from recloop.analysis import structural as st

                choices = st.parse_choices(vary, sc, po) if vary else st.structural_choices(sc, po)
            ex = _executor(backend, scheduler, workers)
            try:
                res = sens.scenario_sensitivity(sc, po, outcome, method=method, samples=samples, params=_split(params),
                                                years=years, seed=seed, executor=ex, space=space)
                sweep = None
                if choices is not None:
                    sweep = st.structural_sweep(sc, po, choices, st.outcome_metric(outcome, years=years),
                                                samples=worlds, seed=seed, years=years, executor=ex)
            finally:
                ex.close()
            run_id = store.new_run_id("sensitivity")
            d = _out_dir(out, run_id)
            data = res.to_dict() | {"run_id": run_id, "out_dir": str(d)}
            if sweep is not None:
                data["structural"] = sweep.to_dict()
            (d / "sensitivity.json").write_text(json.dumps(data, indent=2))
            fig = sens.plot(res, d / "sensitivity.png", top=top)
            _record(run_id, "sensitivity", sc.name, po.name, d, res.evaluations, seed,
                    {"outcome": outcome, "method": method, "samples": samples, "params": _split(params), "years": years},
                    {"ranking": res.ranking})
            if as_json:
                typer.echo(json.dumps(data, indent=2))
                return
            _print_sensitivity(res, top)
            if sweep is not None:
                _print_structural(sweep, top)
            typer.echo(f"figure {fig}; table {d / 'sensitivity.json'}")

    @app.command()
    def discover(
        scenario: Optional[str] = typer.Argument(None, help=_SCENARIO_HELP),
        fail_when: str = typer.Option("unverified_takeoff", "--fail",
                                      help="When a world counts as a failure: NAME, !NAME or NAME<VALUE "
                                           "(e.g. unverified_takeoff, 'p_catastrophe>0.2')."),
        policy: Optional[str] = typer.Option(None, "--policy", help="Policy: bundled name or TOML file. Default: none."),
        run: Optional[str] = typer.Option(None, "--run", help="Use a finished run (id or folder) instead of sampling anew."),
        samples: int = typer.Option(4000, "--samples", help="Worlds to sample."),
        seed: int = typer.Option(0, "--seed", help="Seed; sample i depends only on (seed, i)."),
        years: float = typer.Option(30.0, "--years", help="Horizon in years."),
        threshold: float = typer.Option(0.8, "--threshold", help="Density the chosen box must reach."),
        min_mass: float = typer.Option(0.05, "--min-mass", help="Smallest share of worlds a box may hold."),
        peel_alpha: float = typer.Option(0.05, "--peel-alpha", help="Share of the box peeled per step."),
        boxes: int = typer.Option(1, "--boxes", help="Boxes to find (covering: each on the worlds not yet boxed)."),
        vary: Optional[list[str]] = typer.Option(None, "--vary",
                                                 help="A fixed structural choice each world draws a setting of, so "
                                                      "boxes can restrict it: PATH or PATH=a,b,c (repeat), or 'all' "
                                                      "for recloop.analysis.structural's default list."),
        backend: str = typer.Option("local", "--backend", help=_BACKEND_HELP),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help=_SCHEDULER_HELP),
        workers: Optional[int] = typer.Option(None, "--workers", help=_WORKERS_HELP),
        out: Optional[Path] = typer.Option(None, "--out", help="Output folder. Default: $RECLOOP_HOME/RUN_ID."),
        as_json: bool = typer.Option(False, "--json", help="Print the boxes as JSON on stdout."),
    ):
        """Scenario discovery (PRIM): the boxes of parameter space where a policy fails."""
        with _errors():
            import numpy as np

            from recloop import store
            from recloop.analysis import prim as prim_mod
            from recloop.analysis.common import parse_criterion, sample_worlds

            crit = parse_criterion(fail_when, field="--fail")
            choices = []
            if run and vary:
                raise RecloopInputError(["--vary: structural choices need fresh worlds; drop --run"])
            if run:
                X, names, yc, name, pol, n = _from_run(run, crit.name)
            else:
                from recloop.policy import load_policy
                from recloop.scenario import load_scenario

                sc = load_scenario(scenario)
                po = load_policy(policy)
                names = sc.uncertain_paths()
                if not names:
                    raise RecloopInputError(["scenario: no uncertain parameters to discover boxes in"])
                ex = _executor(backend, scheduler, workers)
                try:
                    if vary:
                        from recloop.analysis import structural as st

                        choices = (st.structural_choices(sc, po, market=st.PRIM_MARKET_RULES) if vary == ["all"]
                                   else st.parse_choices(vary, sc, po))
                        cols = st.structural_worlds(sc, po, choices, samples=samples, seed=seed, years=years,
                                                    columns=[crit.name], executor=ex)
                        cols.update({"in:" + c.path: cols.pop("as:" + c.path) for c in choices})
                        names = list(dict.fromkeys(names + [c.path for c in choices]))
                    else:
                        cols = sample_worlds(sc, po, samples=samples, seed=seed, years=years,
                                             columns=["in:" + p for p in names] + [crit.name], executor=ex)
                finally:
                    ex.close()
                X = np.column_stack([cols["in:" + p] for p in names])
                yc, name, pol, n = cols[crit.name], sc.name, po.name, samples
            y = crit(yc)
            found = prim_mod.discover(X, y, names, boxes=boxes, threshold=threshold, min_mass=min_mass,
                                      peel_alpha=peel_alpha)
            run_id = store.new_run_id("discover")
            d = _out_dir(out, run_id)
            data = {"run_id": run_id, "scenario": name, "policy": pol, "fail": fail_when, "worlds": int(n),
                    "failure_share": float(y.mean()), "boxes": [r.to_dict() for r in found], "out_dir": str(d),
                    "structural": [c.to_dict() for c in choices]}
            (d / "discover.json").write_text(json.dumps(data, indent=2))
            fig = _plot_prim(found[0], d / "discover.png", fail_when)
            _record(run_id, "discover", name, pol, d, int(n), seed, {"fail": fail_when, "run": run, "threshold": threshold},
                    {"boxes": [r.box.to_dict() for r in found]})
            if as_json:
                typer.echo(json.dumps(data, indent=2))
                return
            typer.echo(f"{name} / {pol}: '{fail_when}' in {y.mean():.1%} of {n:,} worlds")
            for i, r in enumerate(found, 1):
                b = r.box
                typer.echo(f"box {i}: coverage {b.coverage:.0%}, density {b.density:.0%}, mass {b.mass:.1%} ({b.n:,} worlds)")
                kinds = {c.path: c for c in choices}
                for k in b.restricted:
                    lo, hi = b.limits[k]
                    full_lo, full_hi = X[:, names.index(k)].min(), X[:, names.index(k)].max()
                    ch = kinds.get(k)
                    if ch is not None and isinstance(ch.base, bool):
                        typer.echo(f"    {k} = {'on' if lo > 0.5 else 'off'} (fixed choice, {ch.kind}; "
                                   f"declared {'on' if ch.base else 'off'})")
                        continue
                    lo_s = "" if lo == full_lo else f"{lo:.4g} <= "
                    hi_s = "" if hi == full_hi else f" <= {hi:.4g}"
                    tag = f" (fixed choice, {ch.kind}; declared {ch.base:g})" if ch is not None else ""
                    typer.echo(f"    {lo_s}{k}{hi_s}{tag}")
            typer.echo(f"figure {fig}")

    @app.command()
    def robust(
        scenario: Optional[str] = typer.Argument(None, help=_SCENARIO_HELP),
        policies: Optional[list[str]] = typer.Option(None, "--policy", help="Policy to compare (repeat). "
                                                                           "Default: none and tripwire-pause."),
        objectives: Optional[list[str]] = typer.Option(None, "--objective", help="NAME:min or NAME:max (repeat). "
                                                                                 "Default: p_catastrophe:min."),
        satisfice: Optional[list[str]] = typer.Option(None, "--satisfice", help="Criterion every world should meet "
                                                                                "(repeat), e.g. '!unverified_takeoff'."),
        samples: int = typer.Option(2000, "--samples", help="Worlds (the same for every policy)."),
        seed: int = typer.Option(0, "--seed", help="Seed; sample i depends only on (seed, i)."),
        years: float = typer.Option(30.0, "--years", help="Horizon in years."),
        backend: str = typer.Option("local", "--backend", help=_BACKEND_HELP),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help=_SCHEDULER_HELP),
        workers: Optional[int] = typer.Option(None, "--workers", help=_WORKERS_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON on stdout."),
    ):
        """Compare policies across the same sampled worlds: regret and satisficing."""
        with _errors():
            from recloop import store
            from recloop.analysis.robust import compare_policies
            from recloop.policy import load_policy
            from recloop.scenario import load_scenario

            sc = load_scenario(scenario)
            pols = [load_policy(p) for p in (policies or ["none", "tripwire-pause"])]
            ex = _executor(backend, scheduler, workers)
            try:
                res = compare_policies(sc, pols, objectives or ["p_catastrophe:min"], satisfice or [], samples=samples,
                                       seed=seed, years=years, executor=ex)
            finally:
                ex.close()
            run_id = store.new_run_id("robust")
            data = res.to_dict() | {"run_id": run_id}
            _record(run_id, "robust", sc.name, ",".join(p.name for p in pols), None, samples, seed,
                    {"objectives": objectives, "satisfice": satisfice, "years": years}, data)
            if as_json:
                typer.echo(json.dumps(data, indent=2))
                return
            _print_robust(res, sc.name)

    @app.command()
    def resume(
        run: str = typer.Argument(..., help="Run id (from `recloop runs`) or the run's folder."),
        backend: str = typer.Option("local", "--backend", help=_BACKEND_HELP),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help=_SCHEDULER_HELP),
        workers: Optional[int] = typer.Option(None, "--workers", help=_WORKERS_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
    ):
        """Finish an interrupted `recloop run`: only the missing chunks run, each sample exactly once."""
        with _errors():
            from recloop import execute

            ex = _executor(backend, scheduler, workers)
            try:
                _, summary, ran = execute.resume_run(run, ex)
            except KeyboardInterrupt:
                typer.echo(f"interrupted: the chunks finished so far are saved; run `recloop resume {run}` again",
                           err=True)
                raise typer.Exit(130) from None
            finally:
                ex.close()
            summary["chunks_run_on_resume"] = ran
            if as_json:
                typer.echo(json.dumps(summary, indent=2))
                return
            typer.echo(f"resumed {summary['run_id']}: {ran} chunk(s) run, {summary['samples']:,} samples; "
                       f"results in {summary['out_dir']}")


def _from_run(run: str, column: str):
    """(X, names, outcome column, scenario, policy, worlds) from a finished run's outcomes.parquet."""
    import numpy as np
    import pyarrow.parquet as pq

    from recloop.execute import find_run_dir

    p = Path(run)
    d = p if (p / "outcomes.parquet").exists() else find_run_dir(run)
    f = d / "outcomes.parquet"
    if not f.exists():
        raise RecloopInputError([f"--run: {d} has no outcomes.parquet (unfinished? try `recloop resume {run}`)"])
    schema = pq.ParquetFile(f).schema_arrow.names
    ins = [c for c in schema if c.startswith("in:")]
    t = pq.read_table(f, columns=ins + [column, "scenario", "policy"])
    cols = {c: t.column(c).to_numpy() for c in ins}
    names = [c[3:] for c in ins if np.ptp(cols[c]) > 0]
    if not names:
        raise RecloopInputError([f"--run: no parameter varies in {f}"])
    X = np.column_stack([cols["in:" + n] for n in names])
    y = t.column(column)
    y = y.to_numpy(zero_copy_only=False) if y.type == "bool" else y.fill_null(np.nan).to_numpy().astype(float)
    return X, names, y, t.column("scenario")[0].as_py(), t.column("policy")[0].as_py(), t.num_rows


def _print_sensitivity(res, top):
    from rich.console import Console
    from rich.table import Table

    from recloop.report.evidence import pct, readable

    c = Console(width=140)
    cens = res.info.get("censored", 0.0)
    title = (f"{res.method} sensitivity of {readable(res.outcome)} ({res.outcome}): {res.evaluations:,} runs, "
             f"{res.info.get('censored_runs', 0):,} censored at the {res.info.get('years', 30):g}-year horizon "
             f"({pct(cens) if cens else '0%'}); inputs from "
             + ("the scenario's distributions" + (" with its copula" if res.info.get("copula") else "")
                if res.info.get("space") == "distributions" else "their declared bounds"))
    if res.method == "sobol":
        t = Table("rank", "parameter", "ST", "±", "S1", "±", "range", title=title)
        for i, r in enumerate(res.rows[:top], 1):
            t.add_row(str(i), r["factor"], f"{r['ST']:.3f}", f"{r['ST_conf']:.3f}", f"{r['S1']:.3f}",
                      f"{r['S1_conf']:.3f}", _range(r))
    else:
        t = Table("rank", "parameter", "mu*", "±", "sigma", "range", title=title)
        for i, r in enumerate(res.rows[:top], 1):
            t.add_row(str(i), r["factor"], f"{r['mu_star']:.4g}", f"{r['mu_star_conf']:.3g}", f"{r['sigma']:.4g}",
                      _range(r))
    c.print(t)


def _range(r) -> str:
    if r.get("space") == "distribution":
        return "scenario distribution"
    return f"declared bounds [{r['low']:g}, {r['high']:g}]" + (" log" if r["log"] else "")


def _delta(st) -> str:
    if st["delta_low"] is None:
        return f"{st['delta']:+.3g}"
    if st["delta"] == 0 and st["delta_low"] == 0 and st["delta_high"] == 0:
        return "none (no world changes)"
    mark = "" if st["beyond_mc_error"] else "  within MC error"
    return f"{st['delta']:+.3g} ({st['delta_low']:+.3g} to {st['delta_high']:+.3g}){mark}"


def _print_structural(sweep, top):
    from rich.console import Console
    from rich.table import Table

    c = Console(width=160)
    t = Table("structural choice", "basis", "setting", "value (95% CI)", "change vs as declared (paired 95% CI)",
              title=f"structural choices, one at a time on the same {sweep.worlds:,} worlds: {sweep.metric}")
    for row in sweep.rows[:top]:
        for k, st in enumerate(row["settings"]):
            t.add_row(row["path"] if k == 0 else "", row["kind"] if k == 0 else "",
                      str(st["setting"]) + (" (as declared)" if st["base"] else ""), st["text"],
                      "" if st["base"] else _delta(st))
    c.print(t)
    c.print(f"base ({sweep.base_text}); ranked by the largest change; "
            f"{sweep.censored_runs:,} of {sweep.runs:,} runs censored at the horizon", highlight=False)


def _print_robust(res, scenario):
    from rich.console import Console
    from rich.table import Table

    c = Console(width=160)
    cols = ["policy"]
    for o in res.objectives:
        cols += [f"{o.name} mean", "regret mean", "p90", "max", "best in"]
    if res.criteria:
        cols.append("satisficing")
    t = Table(*cols, title=f"{scenario}: {res.worlds:,} common worlds")
    for r in res.rows:
        cells = [r["policy"]]
        for o in res.objectives:
            k = o.name
            cells += [f"{r[k + ':mean']:.4g}", f"{r[k + ':regret_mean']:.4g}", f"{r[k + ':regret_p90']:.4g}",
                      f"{r[k + ':regret_max']:.4g}", f"{r[k + ':best_share']:.0%}"]
        if res.criteria:
            cells.append("undecided" if r["satisficing"] is None else f"{r['satisficing']:.1%}")
        t.add_row(*cells)
    c.print(t)
    if res.criteria:
        c.print("satisficing: " + " and ".join(res.criteria) + " (share of the worlds the criteria decide; undecided: "
                + ", ".join(f"{r['policy']} {r['satisficing_undecided']:.1%}" for r in res.rows) + ")")
    for o in res.objectives:  # what each outcome's censoring rule did (recloop.outcomes)
        c.print(f"{o.name}: {res.info.get(f'worlds_compared:{o.name}', res.worlds):,} worlds compared")
        for r in res.rows:
            note = res.info.get("censoring:" + r["policy"] + ":" + o.name, "")
            c.print(f"  {r['policy']}: {note}")
    for k, v in res.picks.items():
        c.print(f"{k}: [bold]{v}[/bold]")


def _plot_prim(r, path: Path, label: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    cov = [b.coverage for b in r.trajectory]
    den = [b.density for b in r.trajectory]
    sc = ax.scatter(cov, den, c=[len(b.restricted) for b in r.trajectory], cmap="viridis", s=18)
    ax.plot([r.box.coverage], [r.box.density], "r*", ms=14, label="chosen box (pasted)")
    ax.set_xlabel("coverage (share of failures in the box)")
    ax.set_ylabel("density (share of the box that fails)")
    ax.set_title(f"PRIM peeling trajectory: {label}")
    fig.colorbar(sc, label="restricted parameters")
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

"""``recloop data``, ``recloop hindcast`` and ``recloop calibrate``: thin adapters over
:mod:`recloop.data`, :mod:`recloop.hindcast` and :mod:`recloop.calibrate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

__all__ = ["register"]

_SCENARIO_HELP = "Scenario: a bundled name (see `recloop scenarios`) or a TOML file. Default: baseline."


def _fmt(x, digits=2):
    return "-" if x is None else f"{x:.{digits}f}"


def register(app: typer.Typer) -> None:
    from recloop.hindcast import DEFAULT_SAMPLES  # light (numpy): the default is the library's

    @app.command("data")
    def data_cmd(as_json: bool = typer.Option(False, "--json", help="Print the catalog as JSON.")):
        """List the data snapshots shipped with recloop: name, source, licence, rows, date range."""
        from recloop.data import catalog

        rows = catalog()
        if as_json:
            typer.echo(json.dumps(rows, indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        t = Table("name", "rows", "dates", "licence", "source / origin", title="recloop data snapshots")
        for r in rows:
            t.add_row(r["name"], str(r["rows"]), f"{r['first_date']} .. {r['last_date']}", r["licence"],
                      f"{r['title']}\n{r['origin']} (retrieved {r['retrieved']})")
        Console(width=160).print(t)

    @app.command()
    def hindcast(
        scenario: Optional[str] = typer.Argument(None, help=_SCENARIO_HELP),
        start: float = typer.Option(2019.0, "--from", help="Start date (decimal year): initial conditions from the data."),
        samples: int = typer.Option(DEFAULT_SAMPLES, "--samples", help="Sampled worlds."),
        seed: int = typer.Option(0, "--seed", help="Seed."),
        as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
        figure: Optional[Path] = typer.Option(None, "--figure", help="Write the fan-and-points figure (PNG/SVG)."),
    ):
        """Run the scenario from the state of the world at --from to today and compare with the record."""
        from recloop import hindcast as hc

        r = hc.hindcast(scenario, start=start, samples=samples, seed=seed)
        if figure is not None:
            hc.figure(r, figure)
        if as_json:
            typer.echo(json.dumps(r.to_dict(), indent=2))
            return
        span = r.initial.get("initial_training_flop_range")
        at_start = (f"{span[0]:.3g} .. {span[1]:.3g} FLOP (sampled: the current generation .. the record)" if span
                 else f"{r.initial['initial_training_flop']:.3g} FLOP")
        typer.echo(f"hindcast {r.scenario} from {r.start:g} to {r.end:g}: {r.samples} worlds, seed {r.seed}; "
                   f"initial training compute {at_start}; bands are posterior predictive (model plus each "
                   "point's own error)")
        for s in r.series.values():
            typer.echo(f"\n{s.name} ({s.unit}): {len(s.points)} points, inside 50% band {_fmt(s.coverage_50 and 100 * s.coverage_50, 0)}%, "
                       f"inside 90% band {_fmt(s.coverage_90 and 100 * s.coverage_90, 0)}%, median 90% width {_fmt(s.median_width_90)} "
                       f"(the model's own band: {_fmt(s.coverage_90_model and 100 * s.coverage_90_model, 0)}%, "
                       f"width {_fmt(s.median_width_90_model)})")
            for p in s.points:
                mark = "in" if p.get("in_90") else "OUT"
                typer.echo(f"  {p['date']:9.2f} {p['label'][:34]:34s} observed {p['observed']:7.2f}   "
                           f"p5 {_fmt(p['p5'])}  p50 {_fmt(p['p50'])}  p95 {_fmt(p['p95'])}  {mark}")
        if r.unmodelled:
            typer.echo(f"\nnot compared (the engine has no trajectory for them yet): {', '.join(r.unmodelled)}")
        if figure is not None:
            typer.echo(f"\nfigure: {figure}")

    @app.command()
    def calibrate(
        scenario: Optional[str] = typer.Argument(None, help=_SCENARIO_HELP),
        start: float = typer.Option(2019.0, "--from", help="Hindcast start the record is compared from."),
        samples: int = typer.Option(20_000, "--samples", help="Prior draws (ABC rejection)."),
        accept: float = typer.Option(0.05, "--accept", help="Share of draws accepted (sets the tolerance)."),
        seed: int = typer.Option(0, "--seed", help="Seed."),
        out: Path = typer.Option(Path("calibrated.toml"), "--out", help="Where to write the calibrated scenario."),
        forecast_samples: int = typer.Option(2000, "--forecast-samples", help="Worlds per forecast (prior, posterior)."),
        series: Optional[str] = typer.Option(None, "--series", help="Comma-separated series that condition the "
                                             "parameters (default: all; see docs/data.md for the bundled choice)."),
        refit: Optional[str] = typer.Option(None, "--refit", help="Comma-separated parameter-path prefixes the "
                                            "calibrated scenario may refit (default: every constrained parameter)."),
        as_json: bool = typer.Option(False, "--json", help="Print the calibration and forecasts as JSON."),
    ):
        """Condition the scenario's uncertain parameters on the hindcast (ABC rejection); write the
        calibrated scenario and print prior vs posterior forecasts."""
        from recloop import calibrate as cb
        from recloop.scenario import load_scenario

        base = load_scenario(scenario)
        use = None if series is None else [x.strip() for x in series.split(",") if x.strip()]
        prefixes = None if refit is None else tuple(x.strip() for x in refit.split(",") if x.strip())
        cal = cb.calibrate(base, start=start, samples=samples, accept=accept, seed=seed, use=use, refit=prefixes)
        out.write_text(cal.scenario.to_toml(), encoding="utf-8")
        rows = cb.forecast_table(base, cal.scenario, samples=forecast_samples, seed=seed)
        if as_json:
            typer.echo(json.dumps({"calibration": cal.to_dict(), "forecasts": rows, "out": str(out)}, indent=2))
            return
        typer.echo(f"{cal.method}: {cal.samples} prior draws from {cal.start:g}, tolerance {cal.tolerance:.3g} "
                   f"(accept {cal.accept:.0%}), effective sample size {cal.ess}; series {', '.join(cal.series)}")
        typer.echo(f"\n{'parameter':42s} {'prior p5 / p50 / p95':>32s} {'posterior p5 / p50 / p95':>32s}  width  constrained")
        for k, v in cal.params.items():
            pr = " / ".join(f"{x:.3g}" for x in v["prior"])
            po = " / ".join(f"{x:.3g}" for x in v["posterior"])
            told = ("yes, refitted" if v["refitted"] else "yes, prior kept") if v["constrained"] else "no"
            if v.get("start_state"):
                told += " (hindcast start state)"
            typer.echo(f"{k:42s} {pr:>32s} {po:>32s}  {v['width_ratio']:.2f}   {told}")
        typer.echo(f"\n{'forecast':24s} {'prior p10 / p50 / p90':>30s} {'posterior p10 / p50 / p90':>30s}")
        for r in rows:
            pr = " / ".join(_fmt(x, 3 if r["unit"] == "probability" else 1) for x in r["prior"])
            po = " / ".join(_fmt(x, 3 if r["unit"] == "probability" else 1) for x in r["posterior"])
            typer.echo(f"{r['outcome']:24s} {pr:>30s} {po:>30s}")
        typer.echo(f"\ncalibrated scenario written to {out}")

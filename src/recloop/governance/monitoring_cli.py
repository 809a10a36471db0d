"""``recloop monitoring``: detection of covert projects under a policy's verification regime
(thin adapter over :mod:`recloop.governance.detection_report`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command()
    def monitoring(
        scenario: Optional[str] = typer.Argument(None, help="Scenario: bundled name or TOML file. Default: baseline."),
        policy: str = typer.Option("none", "--policy", help="Policy (its verification_regime and monitoring blocks): bundled name or TOML file."),
        regime: Optional[str] = typer.Option(None, "--regime", help="Apply a named regime preset on top of the policy: "
                                             "intelligence-only, reporting, telemetry, full."),
        samples: int = typer.Option(2000, "--samples", help="Worlds with (and as many without) each covert project."),
        seed: int = typer.Option(0, "--seed", help="Seed."),
        years: float = typer.Option(10.0, "--years", help="Horizon in years since the covert project began."),
        out: Optional[Path] = typer.Option(None, "--out", help="Folder for monitoring.json, monitoring.txt, monitoring.png."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout."),
        wide: int = typer.Option(0, "--wide", help="Sample the evidence assumptions (evidence.WIDE) over this many draws; 0: point values."),
    ):
        """Detection-time distribution of each actor's covert project, per evidence channel and combined,
        with false accusations, covert compute at detection and covert capability reached."""
        from recloop import store
        from recloop.governance import regimes
        from recloop.governance.detection_report import format_report, monitoring_figure, monitoring_report
        from recloop.params import RecloopInputError
        from recloop.policy import load_policy
        from recloop.scenario import load_scenario

        problems = []
        if not 1 <= samples <= 1_000_000:
            problems.append(f"--samples: must be an integer in [1, 1,000,000], got {samples}")
        if not 0.0 < years <= 100.0:
            problems.append(f"--years: must be in (0, 100] yr, got {years:g}")
        if not 0 <= wide <= samples:
            problems.append(f"--wide: must be an integer in [0, --samples = {samples}], got {wide}")
        if problems:
            raise RecloopInputError(problems)
        sc = load_scenario(scenario)
        pol = load_policy(policy)
        if regime is not None:
            pol = regimes.preset_policy(regime, pol)
        rep = monitoring_report(sc, pol, samples=samples, seed=seed, years=years, wide=wide)
        out_dir = Path(out) if out else store.home() / store.new_run_id("monitoring")
        out_dir.mkdir(parents=True, exist_ok=True)
        monitoring_figure(rep, out_dir / "monitoring.png")
        rep.pop("_runs")
        table = format_report(rep)
        rep["out_dir"] = str(out_dir)
        (out_dir / "monitoring.json").write_text(json.dumps(rep, indent=2))
        (out_dir / "monitoring.txt").write_text(table + "\n")
        if as_json:
            typer.echo(json.dumps(rep, indent=2))
        else:
            typer.echo(table)
            typer.echo(f"written: {out_dir}/monitoring.json, monitoring.txt, monitoring.png")

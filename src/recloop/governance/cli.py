"""``recloop compare``: policies side by side on the same sampled worlds (thin adapter)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from recloop.engine import DEFAULT_YEARS

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command()
    def compare(
        scenario: Optional[str] = typer.Argument(None, help="Scenario: bundled name or TOML file. Default: baseline."),
        policy: list[str] = typer.Option(..., "--policy", help="Policy: bundled name or TOML file (repeat)."),
        samples: int = typer.Option(1000, "--samples", help="Sampled worlds (the same for every policy)."),
        seed: int = typer.Option(0, "--seed", help="Seed; sample i depends only on (seed, i)."),
        years: float = typer.Option(DEFAULT_YEARS, "--years", help="Horizon in years."),
        out: Optional[Path] = typer.Option(None, "--out", help="Folder for compare.json, compare.txt, compare.png."),
        as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON on stdout."),
    ):
        """Run every policy on the same worlds (common random numbers); table and figure side by side."""
        from recloop import store
        from recloop.governance.compare import compare_figure, compare_policies, format_table
        from recloop.params import RecloopInputError
        from recloop.policy import check_against, load_policy
        from recloop.scenario import load_scenario

        sc = load_scenario(scenario)
        pols = [load_policy(p) for p in policy]
        problems = []
        for spec, p in zip(policy, pols):
            if sc.actors:
                try:
                    check_against(p, sc)
                except RecloopInputError as err:
                    problems += [f"{spec}: {line}" for line in err.problems]
        if problems:
            raise RecloopInputError(problems)
        if not 1 <= samples <= 10_000_000:
            raise RecloopInputError([f"--samples: must be an integer in [1, 10,000,000], got {samples}"])
        cmp = compare_policies(sc, pols, samples=samples, seed=seed, years=years)
        out_dir = Path(out) if out else store.home() / store.new_run_id("compare")
        out_dir.mkdir(parents=True, exist_ok=True)
        table = format_table(cmp)
        (out_dir / "compare.json").write_text(json.dumps(cmp, indent=2))
        (out_dir / "compare.txt").write_text(table + "\n")
        compare_figure(cmp, out_dir / "compare.png")
        cmp["out_dir"] = str(out_dir)
        if as_json:
            typer.echo(json.dumps(cmp, indent=2))
        else:
            typer.echo(f"{cmp['scenario']}: {samples:,} worlds, seed {seed}, {years:g} years, common random numbers")
            typer.echo(table)
            typer.echo(f"written: {out_dir}/compare.json, compare.txt, compare.png")

"""Command-line commands of recloop.reference (registered by :mod:`recloop.cli`).

``recloop reference NAME [--samples N] [--seed S] [--variant V] [--json]
[--pause-at WHERE --pause-years Y] [--pause-multiplier M]``: a thin adapter over
:func:`recloop.reference.models.report`.
"""

from __future__ import annotations

import json
from typing import Optional

import typer

from recloop.params import RecloopInputError


def _pause(name: str, pause_at: Optional[str], pause_years: Optional[float], pause_multiplier: Optional[float]):
    from pydantic import ValidationError

    from recloop.params import format_validation_error
    from recloop.reference._common import Pause

    if pause_at is None and pause_multiplier is None:
        if pause_years is not None:
            raise RecloopInputError(["pause-years: needs --pause-at or --pause-multiplier"])
        return None
    fields: dict = {"years": 1.0 if pause_years is None else pause_years}
    if pause_multiplier is not None:
        fields["multiplier"] = pause_multiplier
    if pause_at is not None:
        if name == "ccf":
            text = pause_at.strip().rstrip("%").strip()
            try:
                share = float(text) / 100.0
            except ValueError:
                raise RecloopInputError([
                    f"pause-at: for ccf give the share of tasks automated in percent (e.g. 20%), got {pause_at!r}"
                ]) from None
            if pause_multiplier is not None:
                raise RecloopInputError(["pause-multiplier: not defined for ccf; use --pause-at SHARE%"])
            fields["automation"] = share
        elif name == "ai2027":
            milestone = pause_at.strip().upper()
            if milestone not in ("SC", "SAR", "SIAR"):
                raise RecloopInputError([f"pause-at: unknown milestone {pause_at!r} for ai2027; allowed: SC, SAR, SIAR"])
            fields["milestone"] = milestone
        else:
            text = pause_at.strip()
            try:
                fields["progress_years"] = 0.0 if text.upper() == "ASARA" else float(text)
            except ValueError:
                raise RecloopInputError([
                    f"pause-at: for sie give ASARA or years of progress since ASARA (a number), got {pause_at!r}"
                ]) from None
    try:
        return Pause(**fields)
    except ValidationError as err:
        raise RecloopInputError(format_validation_error(err, root=Pause, prefix="pause")) from None


def _print_text(out: dict) -> None:
    echo = typer.echo
    echo(f"{out['title']}  [variant {out['inputs']['variant']}, {out['inputs']['samples']} samples, seed {out['seed']}]")
    halted = out.get("halted")
    if out["model"] == "ccf":
        echo("p10 / p50 / p90 (None: not reached by the horizon)")
        for key, qs in out["results"].items():
            fmt = lambda v: "None" if v is None else f"{v:.2f}"  # noqa: E731
            line = f"  {key:<28} " + " / ".join(fmt(v) for v in qs.values())
            if halted is not None:
                line += "  -> halted " + " / ".join(fmt(v) for v in halted[key].values())
            echo(line)
    elif out["model"] == "sie":
        echo("P(at least X years of AI progress within M months)")
        for i, row in enumerate(out["results"]):
            line = f"  {row['years']:>5g} yr in {row['months']:>3g} mo: {row['probability']:.3f}"
            if halted is not None:
                line += f"  -> halted {halted[i]['probability']:.3f}"
            echo(line)
    else:
        echo("milestone dates (decimal years): p10 / p50 / p90")
        for name, qs in out["results"]["milestones"].items():
            line = f"  {name:<5} " + " / ".join(f"{v:.2f}" for v in qs.values())
            if halted is not None:
                line += "  -> halted " + " / ".join(f"{v:.2f}" for v in halted["milestones"][name].values())
            echo(line)
        for year, p in out["results"]["p_asi_before"].items():
            line = f"  P(ASI before {year}) = {p:.3f}"
            if halted is not None:
                line += f"  -> halted {halted['p_asi_before'][year]:.3f}"
            echo(line)
    if halted is not None:
        echo(f"pause: {out['inputs']['pause']}")


def reference(
    name: str = typer.Argument(..., help="Reference model: sie (Davidson & Houlden 2025), ai2027 (AI 2027 takeoff) or ccf (Davidson 2023)."),
    samples: int = typer.Option(100_000, "--samples", help="Monte Carlo samples (1 to 10,000,000)."),
    seed: int = typer.Option(0, "--seed", help="Seed (a non-negative integer; 0 is a seed)."),
    variant: Optional[str] = typer.Option(
        None, "--variant", help="sie: default, retraining, retraining-code, gradual; ai2027: default; "
                                "ccf: best-guess (default), conservative, aggressive, monte-carlo."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (inputs, seed, results)."),
    pause_at: Optional[str] = typer.Option(
        None, "--pause-at", help="Halt trigger: ai2027 milestone (SC, SAR, SIAR); sie: ASARA or years of progress; ccf: share automated (20%)."),
    pause_years: Optional[float] = typer.Option(None, "--pause-years", help="Pause length in years (default 1)."),
    pause_multiplier: Optional[float] = typer.Option(
        None, "--pause-multiplier", help="Halt when the software progress multiplier reaches this value."),
) -> None:
    """Run a published takeoff model as a reference preset, optionally with a halt applied."""
    from recloop.cli import fail

    try:
        _reference(name, samples, seed, variant, as_json, pause_at, pause_years, pause_multiplier)
    except RecloopInputError as err:
        fail(err.problems)


def _reference(name, samples, seed, variant, as_json, pause_at, pause_years, pause_multiplier) -> None:
    from recloop import store
    from recloop.reference.models import report

    name = name.strip().lower()
    pause = _pause(name, pause_at, pause_years, pause_multiplier) if name in ("sie", "ai2027", "ccf") else None
    out = report(name, samples=samples, seed=seed, variant=variant, pause=pause)
    run_id = store.new_run_id("reference")
    summary = {"results": out["results"]}
    if "halted" in out:
        summary["halted"] = out["halted"]
    store.record_run(run_id, kind="reference", name=name, samples=samples, seed=seed,
                     policy=json.dumps(out["inputs"]["pause"]) if "pause" in out["inputs"] else None,
                     inputs=out["inputs"], summary=summary)
    out["run_id"] = run_id
    if as_json:
        typer.echo(json.dumps(out))
    else:
        _print_text(out)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""
    app.command("reference")(reference)

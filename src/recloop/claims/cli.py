"""``recloop claims``: the essay's claims, each tested by a run (thin adapter)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command()
    def claims(
        samples: int = typer.Option(1000, "--samples", help="Worlds per experiment (the essay's cast runs half as many)."),
        seed: int = typer.Option(0, "--seed", help="Seed; the same seed gives the same table."),
        max_samples: Optional[int] = typer.Option(None, "--max-samples", help="Cap on worlds when a verdict's interval "
                                                  "straddles a line: the experiment is rerun on twice the worlds until "
                                                  "it decides or reaches the cap (default: 4 x --samples)."),
        flip_samples: Optional[int] = typer.Option(None, "--flip-samples", help="Worlds per run of the structural "
                                                   "flips (each claim's experiment rerun under each other setting of "
                                                   "its structural choices; default: --samples; 0: not run)."),
        only: Optional[list[int]] = typer.Option(None, "--claim", help="Audit only this claim (repeatable; "
                                                 "default: every claim)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Folder for claims.html and claims.json."),
        as_json: bool = typer.Option(False, "--json", help="Print the audit as JSON on stdout."),
    ):
        """Audit the essay's claims: quote, experiment, verdict from its interval, thresholds swept, flip conditions
        (PRIM over the sampled inputs, and the structural choices and fixed assumptions that flip each verdict)."""
        from recloop import store
        from recloop.claims.page import (MAX_SAMPLES, MIN_SAMPLES, audit_dict, format_table, interval_text, run_claims,
                                         write_outputs)
        from recloop.claims.registry import CLAIMS
        from recloop.params import RecloopInputError

        if not MIN_SAMPLES <= samples <= MAX_SAMPLES:
            raise RecloopInputError([f"--samples: must be an integer in [{MIN_SAMPLES}, {MAX_SAMPLES:,}], got {samples}"])
        if seed < 0:
            raise RecloopInputError([f"--seed: must be a non-negative integer, got {seed}"])
        cap = 4 * samples if max_samples is None else max_samples
        if not samples <= cap <= MAX_SAMPLES:
            raise RecloopInputError([f"--max-samples: must be an integer in [--samples ({samples}), {MAX_SAMPLES:,}], got {cap}"])
        flips = samples if flip_samples is None else flip_samples
        if flips != 0 and not MIN_SAMPLES <= flips <= MAX_SAMPLES:
            raise RecloopInputError([f"--flip-samples: must be 0 (not run) or an integer in [{MIN_SAMPLES}, "
                                     f"{MAX_SAMPLES:,}], got {flips}"])
        known = [c.id for c in CLAIMS]
        bad = [i for i in (only or []) if i not in known]
        if bad:
            raise RecloopInputError([f"--claim: {bad[0]} is not a claim; the claims are {known[0]}-{known[-1]} "
                                     f"({', '.join(map(str, known))})"])

        def progress(r, seconds):
            d = r.to_dict()
            typer.echo(f"claim {d['id']:>2}: {d['verdict']}, {interval_text(d)} ({seconds:,.0f} s)", err=True)

        ids = sorted(set(only)) if only else None
        run_id = store.new_run_id("claims")
        out_dir = Path(out) if out else store.home() / run_id
        typer.echo(f"auditing {len(ids) if ids else len(CLAIMS)} claims on {samples:,} worlds each"
                   + (f", structural flips on {flips:,}" if flips else "")
                   + " (the flips rerun each claim under each setting of its choices; --flip-samples 0 skips them)",
                   err=True)
        results = run_claims(samples, seed, ids=ids, max_samples=cap, flip_samples=flips, progress=progress)
        audit = audit_dict(results, samples=samples, seed=seed, max_samples=cap, flip_samples=flips, ids=ids)
        jp, hp = write_outputs(results, audit, out_dir)
        store.record_run(run_id, kind="claims", name="essay-claims", out_dir=out_dir, samples=samples, seed=seed,
                         inputs={"samples": samples, "seed": seed, "max_samples": cap, "flip_samples": flips,
                                 "claims": ids},
                         summary={str(c["id"]): {"verdict": c["verdict"], "holds_share": c["holds_share"],
                                                 "interval": c["interval"], "worlds": c["worlds"]}
                                  for c in audit["claims"]})
        audit["run_id"], audit["out_dir"] = run_id, str(out_dir)
        if as_json:
            typer.echo(json.dumps(audit, indent=2, ensure_ascii=False))
        else:
            typer.echo(format_table(audit))
            typer.echo(f"written: {hp}, {jp}")

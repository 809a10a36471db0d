"""Run every claim, and render the audit as a table, JSON and a self-contained HTML page."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from recloop.claims.core import ClaimResult, clear_cache, evaluate, rule_text
from recloop.claims.registry import CLAIMS

__all__ = ["run_claims", "audit_dict", "format_table", "render_html", "write_outputs", "MIN_SAMPLES", "MAX_SAMPLES"]

MIN_SAMPLES = 20
MAX_SAMPLES = 100_000


def run_claims(samples: int, seed: int, *, ids: list[int] | None = None) -> list[ClaimResult]:
    """Evaluate the claims (all, or ``ids``) on ``samples`` worlds with ``seed``."""
    try:
        return [evaluate(c, samples, seed) for c in CLAIMS if ids is None or c.id in ids]
    finally:
        clear_cache()


def audit_dict(results: list[ClaimResult], *, samples: int, seed: int) -> dict[str, Any]:
    return {"samples": samples, "seed": seed, "years": 30.0, "rule": rule_text(),
            "command": f"recloop claims --samples {samples} --seed {seed}",
            "claims": [r.to_dict() for r in results]}


def _headline(d: dict[str, Any]) -> str:
    k, v = next(iter(d["numbers"].items()))
    return f"{k} = {v}"


def format_table(audit: dict[str, Any]) -> str:
    """Plain-text table: id, claim, verdict, share of worlds, worlds, headline number."""
    head = ["#", "claim", "verdict", "holds in", "worlds"]
    rows = [[str(c["id"]), c["title"], c["verdict"],
             "n/a" if c["holds_share"] is None else f"{c['holds_share']:.0%}", str(c["worlds"])]
            for c in audit["claims"]]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    lines = ["  ".join(x.ljust(w) for x, w in zip(r, widths)) for r in [head] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"rule: {audit['rule']}; seed {audit['seed']}, {audit['samples']:,} worlds per experiment")
    return "\n".join(lines)


_CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}
.holds{background:#dff0d8}.fails{background:#f2dede}.depends{background:#fcf8e3}blockquote{color:#555;border-left:3px solid #ccc;
margin:0.5em 0;padding-left:0.8em}section{margin-top:2.5em}code{font-size:13px}"""


def render_html(audit: dict[str, Any], figures: dict[int, dict[str, Any]]) -> str:
    from recloop.report.html import plotly_js

    e = html.escape
    rows = "".join(
        f"<tr class='{c['verdict']}'><td><a href='#claim-{c['id']}'>{c['id']}</a></td><td>{e(c['title'])}</td>"
        f"<td><b>{c['verdict']}</b></td><td>{'n/a' if c['holds_share'] is None else format(c['holds_share'], '.0%')}"
        f"</td><td>{c['worlds']}</td></tr>" for c in audit["claims"])
    sections, scripts = [], []
    for c in audit["claims"]:
        nums = "".join(f"<tr><td><code>{e(k)}</code></td><td>{e(str(v))}</td></tr>" for k, v in c["numbers"].items())
        flips = "".join(f"<li>{e(f)}</li>" for f in c["flips"]) or "<li>none</li>"
        more = "".join(f"<blockquote>{e(q)}</blockquote>" for q in c["more_quotes"])
        sections.append(
            f"<section id='claim-{c['id']}'><h2>{c['id']}. {e(c['title'])}: <span class='{c['verdict']}'>"
            f"{c['verdict']}</span></h2><blockquote>{e(c['quote'])}</blockquote>{more}"
            f"<p><b>Experiment.</b> {e(c['experiment'])}</p><p><b>Worlds counted.</b> {e(c['population'])} "
            f"({c['worlds']}).</p><p><b>Holds in one world when.</b> {e(c['test'])}. It holds in "
            f"{'n/a' if c['holds_share'] is None else format(c['holds_share'], '.1%')} of them.</p>"
            f"<table>{nums}</table><p><b>Where the verdict flips.</b></p><ul>{flips}</ul>"
            f"<div id='fig-{c['id']}'></div></section>")
        scripts.append(f"Plotly.newPlot('fig-{c['id']}', {json.dumps(figures[c['id']]['data'])}, "
                       f"{json.dumps(figures[c['id']]['layout'])}, {{responsive: true}});")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>recloop: the essay's claims, audited</title>"
            f"<style>{_CSS}</style><script>{plotly_js()}</script></head><body>"
            f"<h1>The essay's claims, audited</h1><p>Every verdict below is computed from a recloop run "
            f"(seed {audit['seed']}, {audit['samples']:,} worlds per experiment, {audit['years']:g} years). "
            f"Rule: {e(audit['rule'])}. Reproduce: <code>{e(audit['command'])}</code>.</p>"
            f"<table><tr><th>#</th><th>claim</th><th>verdict</th><th>holds in</th><th>worlds</th></tr>{rows}</table>"
            + "".join(sections) + f"<script>{''.join(scripts)}</script></body></html>")


def write_outputs(results: list[ClaimResult], audit: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    jp, hp = out_dir / "claims.json", out_dir / "claims.html"
    jp.write_text(json.dumps(audit, indent=2, ensure_ascii=False))
    hp.write_text(render_html(audit, {r.claim.id: r.evidence.figure for r in results}), encoding="utf-8")
    return jp, hp

"""Run every claim, and render the audit as a table, JSON and a self-contained HTML page."""

from __future__ import annotations

import html
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from recloop.claims.core import CAN_AT, CONFIDENCE, FAILS_AT, HOLDS_AT, ClaimResult, clear_cache, evaluate, rule_text
from recloop.claims.registry import CLAIMS

__all__ = ["run_claims", "audit_dict", "format_table", "render_html", "write_outputs", "MIN_SAMPLES", "MAX_SAMPLES",
           "interval_text", "render_markdown", "structural_text"]

MIN_SAMPLES = 20
MAX_SAMPLES = 100_000


def run_claims(samples: int, seed: int, *, ids: list[int] | None = None, max_samples: int | None = None,
               flip_samples: int | None = None,
               progress: Callable[[ClaimResult, float], None] | None = None) -> list[ClaimResult]:
    """Evaluate the claims (all, or ``ids``) on ``samples`` worlds with ``seed``; an undecided
    verdict adds worlds (doubling) up to ``max_samples`` (default: no adaptation); with
    ``flip_samples`` each claim's structural choices are varied on that many worlds.
    ``progress`` is called with each result and the seconds it took, as it finishes."""
    out = []
    try:
        for c in CLAIMS:
            if ids is not None and c.id not in ids:
                continue
            t0 = time.perf_counter()
            out.append(evaluate(c, samples, seed, max_samples=max_samples, flip_samples=flip_samples))
            if progress is not None:
                progress(out[-1], time.perf_counter() - t0)
        return out
    finally:
        clear_cache()


def audit_dict(results: list[ClaimResult], *, samples: int, seed: int, max_samples: int | None = None,
               flip_samples: int | None = None, ids: list[int] | None = None) -> dict[str, Any]:
    cap = samples if max_samples is None else max(samples, max_samples)
    cmd = f"recloop claims --samples {samples} --seed {seed}" + (f" --max-samples {cap}" if cap != samples else "")
    cmd += f" --flip-samples {flip_samples or 0}" if (flip_samples or 0) != samples else ""
    cmd += "".join(f" --claim {i}" for i in ids or [])
    return {"samples": samples, "max_samples": cap, "seed": seed, "years": 30.0, "confidence": CONFIDENCE,
            "flip_samples": flip_samples or 0,
            "rule": rule_text(), "rule_possibility": rule_text("can"),
            "lines": {"holds_at": HOLDS_AT, "fails_at": FAILS_AT, "can_at": CAN_AT},
            "command": cmd, "claims": [r.to_dict() for r in results]}


def interval_text(c: dict[str, Any]) -> str:
    lo, hi = c["interval"]
    if c["holds_share"] is None or lo is None:
        return "n/a"
    return f"{c['holds_share']:.0%} [{lo:.0%}, {hi:.0%}]"


def _verdict_text(c: dict[str, Any]) -> str:
    if c["verdict"] == "depends" and not c["decided"]:
        return "depends (undecided)"
    return c["verdict"] + (" (can)" if c.get("mode") == "can" and c["verdict"] != "untestable" else "")


def _flipped_by(c: dict[str, Any]) -> str:
    st = c.get("structural_flips")
    if not st or not st.get("choices"):
        return "-"
    firm, loose = st.get("flipped_by", []), st.get("flipped_by_undecided", [])
    text = ", ".join(firm) or f"none ({len(st['choices'])} tried)"
    return text + (f"; with an undecided side: {', '.join(loose)}" if loose else "")


def _setting_text(p: dict[str, Any]) -> str:
    tag = " (declared)" if p["declared"] else ""
    v = p["verdict"] + ("" if p["decided"] else " (undecided)")
    x = p["setting"] if isinstance(p["setting"], str) else format(p["setting"], "g")
    return f"{x}{tag}: {interval_text(p)} {v}"


def structural_text(ch: dict[str, Any]) -> str:
    """One choice of a claim's structural flips in words: each setting's verdict and interval."""
    return f"{ch['path']} ({ch['kind']}): " + "; ".join(_setting_text(p) for p in ch["settings"])


def _headline(d: dict[str, Any]) -> str:
    k, v = next(iter(d["numbers"].items()))
    return f"{k} = {v}"


def format_table(audit: dict[str, Any]) -> str:
    """Plain-text table: id, claim, verdict, share of worlds, worlds, headline number."""
    head = ["#", "claim", "verdict", f"holds in [{audit.get('confidence', 0.95):.0%} interval]", "worlds", "run",
            "flipped by (structural)"]
    rows = [[str(c["id"]), c["title"], _verdict_text(c), interval_text(c), str(c["worlds"]), str(c["samples_run"]),
             _flipped_by(c)] for c in audit["claims"]]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    lines = ["  ".join(x.ljust(w) for x, w in zip(r, widths)) for r in [head] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"rule: {audit['rule']}; (can): {audit['rule_possibility']}")
    lines.append(f"seed {audit['seed']}, {audit['samples']:,} worlds per experiment, doubled while undecided up to "
                 f"{audit['max_samples']:,} ('run'; the essay's cast runs half as many)")
    if audit.get("flip_samples"):
        lines.append(f"structural flips: each claim's choices varied one at a time on {audit['flip_samples']:,} worlds "
                     "('flipped by': the choices with a setting whose verdict differs from the declared one's)")
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
        f"<td><b>{e(_verdict_text(c))}</b></td><td>{e(interval_text(c))}"
        f"</td><td>{c['worlds']}</td><td>{c['samples_run']}</td><td>{e(_flipped_by(c))}</td></tr>"
        for c in audit["claims"])
    sections, scripts = [], []
    for c in audit["claims"]:
        nums = "".join(f"<tr><td><code>{e(k)}</code></td><td>{e(str(v))}</td></tr>" for k, v in c["numbers"].items())
        flips = "".join(f"<li>{e(f)}</li>" for f in c["flips"]) or "<li>none</li>"
        more = "".join(f"<blockquote>{e(q)}</blockquote>" for q in c["more_quotes"])
        thr = ""
        for sw in c["thresholds"]:
            cells = "".join(f"<tr><td>{e(str(p['value']))}</td><td>{e(interval_text(p))}"
                            f"</td><td>{p['worlds']}</td><td>{e(p['verdict'])}</td></tr>" for p in sw["points"])
            thr += (f"<p><b>Threshold: {e(sw['name'])}</b> ({e(sw['unit'])}; used: {e(str(sw['used']))}; reads "
                    f"{e(sw['words'])}).</p><table><tr><th>value</th><th>holds in [interval]</th><th>worlds</th>"
                    f"<th>verdict</th></tr>{cells}</table>")
        steps = "; ".join(f"{st['samples']:,} worlds run: {st['worlds']} counted, {interval_text(st)}"
                          for st in c["adaptive_steps"])
        sf = c.get("structural_flips") or {}
        struct = ""
        if sf.get("choices"):
            cells = "".join(f"<tr><td><code>{e(ch['path'])}</code> ({e(ch['kind'])})</td><td>"
                            + "<br>".join(e(_setting_text(p)) for p in ch["settings"]) + "</td></tr>"
                            for ch in sf["choices"])
            struct = (f"<p><b>Structural choices and fixed assumptions</b> (varied one at a time on "
                      f"{sf['samples']:,} worlds; same worlds for every setting).</p><table><tr><th>choice</th>"
                      f"<th>setting: holds in [interval] verdict</th></tr>{cells}</table>")
        if c["verdict"] == "untestable":
            sections.append(
                f"<section id='claim-{c['id']}'><h2>{c['id']}. {e(c['title'])}: <span class='{c['verdict']}'>"
                f"{c['verdict']}</span></h2><blockquote>{e(c['quote'])}</blockquote>{more}"
                f"<p><b>Not testable by the model.</b> {e(c['untestable'])}.</p><div id='fig-{c['id']}'></div></section>")
            scripts.append(f"Plotly.newPlot('fig-{c['id']}', {json.dumps(figures[c['id']]['data'])}, "
                           f"{json.dumps(figures[c['id']]['layout'])}, {{responsive: true}});")
            continue
        sections.append(
            f"<section id='claim-{c['id']}'><h2>{c['id']}. {e(c['title'])}: <span class='{c['verdict']}'>"
            f"{c['verdict']}</span></h2><blockquote>{e(c['quote'])}</blockquote>{more}"
            f"<p><b>Experiment.</b> {e(c['experiment'])}</p><p><b>Worlds counted.</b> {e(c['population'])} "
            f"({c['worlds']}).</p><p><b>Holds in one world when.</b> {e(c['test'])}. It holds in "
            f"{e(interval_text(c))} of them ({c['confidence']:.0%} interval, {e(c['interval_method'])}); "
            f"verdict rule: {e(c['rule'])}. Worlds: {e(steps)}.</p>"
            f"<table>{nums}</table>{thr}{struct}<p><b>Where the verdict flips.</b></p><ul>{flips}</ul>"
            f"<div id='fig-{c['id']}'></div></section>")
        scripts.append(f"Plotly.newPlot('fig-{c['id']}', {json.dumps(figures[c['id']]['data'])}, "
                       f"{json.dumps(figures[c['id']]['layout'])}, {{responsive: true}});")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>recloop: the essay's claims, audited</title>"
            f"<style>{_CSS}</style><script>{plotly_js()}</script></head><body>"
            f"<h1>The essay's claims, audited</h1><p>Every verdict below is computed from a recloop run "
            f"(seed {audit['seed']}, {audit['samples']:,} worlds per experiment, doubled while undecided up to "
            f"{audit['max_samples']:,}; {audit['years']:g} years). "
            f"Rule: {e(audit['rule'])}. Claims of possibility (can): {e(audit['rule_possibility'])}. "
            f"Reproduce: <code>{e(audit['command'])}</code>.</p>"
            f"<table><tr><th>#</th><th>claim</th><th>verdict</th><th>holds in [{audit['confidence']:.0%} interval]</th>"
            f"<th>worlds counted</th><th>worlds run</th><th>flipped by (structural)</th></tr>{rows}</table>"
            + "".join(sections) + f"<script>{''.join(scripts)}</script></body></html>")


def write_outputs(results: list[ClaimResult], audit: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    jp, hp = out_dir / "claims.json", out_dir / "claims.html"
    jp.write_text(json.dumps(audit, indent=2, ensure_ascii=False))
    hp.write_text(render_html(audit, {r.claim.id: r.evidence.figure for r in results}), encoding="utf-8")
    return jp, hp


def _md(x) -> str:
    return str(x).replace("|", "\\|")


def render_markdown(audit: dict[str, Any], *, preamble: str = "") -> str:
    """docs/claims.md from an audit: the table with intervals, then one section per claim with its
    evidence, the worlds it took, the thresholds swept and where the verdict flips."""
    out = ["# The essay's claims, audited", "", preamble.strip(), "",
           "## The table", "",
           f"Reproduce: `{audit['command']}` (seed {audit['seed']}; {audit['samples']:,} worlds per experiment, doubled "
           f"while the interval straddles a line, up to {audit['max_samples']:,}; the essay's cast runs half as many). "
           f"Intervals are {audit['confidence']:.0%}. `(can)`: a claim of possibility, judged on the "
           f"{audit['lines']['can_at']:.0%} line."
           + (f" Structural flips: each claim's choices varied one at a time on {audit['flip_samples']:,} worlds."
              if audit.get("flip_samples") else ""), "",
           "| # | claim | verdict | holds in [95% interval] | worlds counted | worlds run | thresholds: verdicts across the range "
           "| flipped by (structural) |",
           "|---|---|---|---|---|---|---|---|"]
    for c in audit["claims"]:
        thr = "; ".join(f"{sw['name']}: {', '.join(sw['verdicts'])}" for sw in c["thresholds"]) or "-"
        out.append(f"| {c['id']} | {_md(c['title'])} | **{_verdict_text(c)}** | {interval_text(c)} | {c['worlds']} | "
                   f"{c['samples_run']} | {_md(thr)} | {_md(_flipped_by(c))} |")
    for c in audit["claims"]:
        out += ["", f"### {c['id']}. {c['title']}: {_verdict_text(c)}", "", f"> {c['quote']}"]
        for q in c["more_quotes"]:
            out += ["", f"> {q}"]
        out.append("")
        if c["verdict"] == "untestable":
            out += [f"- **Not testable by the model**: {c['untestable']}.",
                    "- **Experiment**: none; no stand-in is tested in its place."]
            continue
        steps = "; ".join(f"{s['samples']:,} run, {s['worlds']} counted, {interval_text(s)}" for s in c["adaptive_steps"])
        out += [f"- **Experiment**: {c['experiment']}.",
                f"- **Worlds counted**: {c['population']} ({c['worlds']}).",
                f"- **Holds in one world when**: {c['test']}; it holds in {interval_text(c)} of them "
                f"({c['interval_method']}; {'a claim of possibility' if c['mode'] == 'can' else 'a claim that it happens'}).",
                f"- **Worlds it took**: {steps}" + ("" if c["decided"] else " (cap reached: undecided)") + ".",
                "- **Evidence**: " + "; ".join(f"`{k}` = {v}" for k, v in c["numbers"].items()) + "."]
        for sw in c["thresholds"]:
            pts = ", ".join(f"{p['value']}: {interval_text(p)} {p['verdict']}" for p in sw["points"])
            out.append(f"- **Threshold** *{sw['name']}* ({sw['unit']}; used {sw['used']}; reads {sw['words']}): {pts}.")
        sf = c.get("structural_flips") or {}
        if sf.get("choices"):
            out.append(f"- **Structural choices** (one at a time, {sf['samples']:,} worlds, the same for every setting):")
            out += [f"  - {_md(structural_text(ch))}" for ch in sf["choices"]]
        out.append("- **Where the verdict flips**:")
        out += [f"  - {f}" for f in c["flips"]]
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover - regenerates docs/claims.md
    import sys

    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    cap = int(sys.argv[2]) if len(sys.argv) > 2 else 4 * samples
    flip = int(sys.argv[3]) if len(sys.argv) > 3 else samples
    res = run_claims(samples, 0, max_samples=cap, flip_samples=flip)
    a = audit_dict(res, samples=samples, seed=0, max_samples=cap, flip_samples=flip)
    Path("/tmp/claims-audit.json").write_text(json.dumps(a, indent=2, ensure_ascii=False))
    print(json.dumps(a, ensure_ascii=False)[:200])

"""A self-contained HTML report of a run: summary in words, then figures (plotly.js inlined)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from recloop.report.charts import FIGURE_TITLES, captions, compare_figures, figures

__all__ = ["write_report", "render_report", "plotly_js", "write_compare_report"]

def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _fmt_year(x):
    return "not reached" if x is None else f"{x:.1f}"


def _headline(s: dict[str, Any], actors: list[dict[str, Any]] | None = None) -> list[str]:
    m, t, a, r, h = s["milestones"], s["takeoff"], s["alignment"], s["risk"], s["halts"]
    lines = [
        f"Mean R&D automation passes 50% in {m['t_automation_50']['reached']:.0%} of worlds "
        f"(median {_fmt_year(m['t_automation_50']['p50'])}) and 90% in {m['t_automation_90']['reached']:.0%} "
        f"(median {_fmt_year(m['t_automation_90']['p50'])}).",
        f"Vastly superhuman capability is reached in {m['t_superhuman']['reached']:.0%} of worlds; "
        f"takeoff lasts a median {t['days']['p50'] if t['days']['p50'] is None else round(t['days']['p50'])} days "
        f"(10-90%: {_r(t['days']['p10'])}-{_r(t['days']['p90'])} days); it is hard (under a year) in {t['p_hard']:.0%} of worlds.",
        f"At the peak, one year holds a median {_r(t['years_in_one_year']['p50'], 1)} years of today's progress.",
        f"Takeoff is unverified in {a['p_unverified_takeoff']:.0%} of worlds; unaligned capability arises in "
        f"{a['p_unaligned_capability']:.0%}; the point of no control is passed in {r['p_no_control']:.0%}.",
        f"Mean probability of catastrophe by the horizon: {r['p_catastrophe_mean']:.0%} (a rough, assumption-driven hazard; compare policies rather than reading it as a forecast).",
        f"Halts took effect in {h['p_any_halt']:.0%} of worlds (mean {h['mean_halts']:.2f} per world, "
        f"{h['mean_failed_halts']:.2f} failed).",
    ]
    if actors:
        lead = max(actors, key=lambda a: a["leads"])
        by_share = sorted(actors, key=lambda a: -(a["mean_share"] or 0.0))
        lines.append(f"Who leads: {lead['name']} is the frontier actor in {lead['leads']:.0%} of worlds; mean market "
                     "share over the run: " + ", ".join(f"{a['name']} {_r(a['mean_share'], 2)}" for a in by_share) + ".")
    return lines


#: reader's names of the milestone columns of the summary
_MILESTONE_NAMES = {
    "t_automation_20": "R&D automation 20%", "t_automation_50": "R&D automation 50%",
    "t_automation_90": "R&D automation 90%", "t_automation_100": "R&D automation (almost) complete",
    "t_takeoff_start": "takeoff starts", "t_superhuman": "vastly superhuman",
    "t_no_control": "point of no control", "t_unaligned": "unaligned capability",
}


def _r(x, nd=0):
    if x is None:
        return "n/a"
    return f"{x:.{nd}f}"


def render_report(v: dict[str, Any], *, title: str | None = None) -> str:
    s = v["summary"]
    figs = figures(v)
    caps = captions(v)
    title = title or f"recloop: {html.escape(v['scenario'])} under policy {html.escape(v['policy'])}"
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
             ".fig{margin:1.5em 0}.cap{color:#555;font-size:.92em;max-width:60em}li{margin:.3em 0}"
             "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}</style>",
             f"<script>{plotly_js()}</script></head><body>",
             f"<h1>{title}</h1>",
             f"<p>{s['samples']:,} sampled worlds, seed {s['seed']}, {s['years']:g} years from {s['start_year']:g}. "
             "Each world draws the scenario's uncertain parameters; the figures show the spread across worlds.</p>",
             "<h2>In short</h2><ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in _headline(s, v.get("actors"))) + "</ul>"]
    for key, fig in figs.items():
        parts.append(f"<div class='fig'><div id='fig-{key}'></div><p class='cap'>{html.escape(caps[key])}</p></div>")
        parts.append(f"<script>Plotly.newPlot('fig-{key}', {json.dumps(fig['data'])}, {json.dumps(fig['layout'])}, "
                     "{responsive:true,displaylogo:false});</script>")
    parts.append("<h2>Milestones (calendar year)</h2><table><tr><th style='text-align:left'>milestone</th><th>reached</th><th>p10</th><th>p50</th><th>p90</th></tr>")
    for k, m in s["milestones"].items():
        parts.append(f"<tr><td style='text-align:left' title='{k}'>{_MILESTONE_NAMES.get(k, k)}</td><td>{m['reached']:.0%}</td><td>{_fmt_year(m['p10'])}</td>"
                     f"<td>{_fmt_year(m['p50'])}</td><td>{_fmt_year(m['p90'])}</td></tr>")
    parts.append("</table><p class='cap'>Quantiles are over the worlds that reach the milestone by the horizon.</p>")
    parts.append("<p class='cap'>Made by recloop. Every parameter, its source and its distribution: <code>recloop params</code>.</p></body></html>")
    return "\n".join(parts)


def write_report(v: dict[str, Any], path: str | Path) -> Path:
    path = Path(path)
    path.write_text(render_report(v), encoding="utf-8")
    return path


def write_compare_report(views: list[dict[str, Any]], table_html: str, path: str | Path) -> Path:
    figs = compare_figures(views)
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>recloop: policy comparison</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}</style>",
             f"<script>{plotly_js()}</script></head><body><h1>Policies compared on the same worlds</h1>", table_html]
    for key, fig in figs.items():
        parts.append(f"<div id='fig-{key}'></div><script>Plotly.newPlot('fig-{key}', {json.dumps(fig['data'])}, "
                     f"{json.dumps(fig['layout'])}, {{responsive:true}});</script>")
    parts.append("</body></html>")
    path = Path(path)
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


__all__ += ["FIGURE_TITLES"]

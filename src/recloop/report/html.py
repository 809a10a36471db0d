"""A self-contained HTML report of a run: summary in words, then figures (plotly.js inlined)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from recloop.report.charts import FIGURE_TITLES, captions, compare_figures, figures

__all__ = ["write_report", "render_report", "plotly_js", "write_compare_report", "compare_table_html", "driver_lines",
           "inputs_line", "compare_cells", "COMPARE_COLUMNS", "COMPARE_NOTE"]

def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _fmt_year(x):
    return "not reached" if x is None else f"{x:.1f}"


def _headline(s: dict[str, Any], actors: list[dict[str, Any]] | None = None,
              ev: dict[str, Any] | None = None) -> list[str]:
    """The run in a few sentences; with ``ev`` (a view's ``evidence``) every share and median
    carries its 95% Monte Carlo interval."""
    from recloop.report.evidence import fmt_interval, fmt_share

    t, h = s["takeoff"], s["halts"]
    if ev is None:
        return _headline_plain(s, actors)
    iv = ev["intervals"]
    n = s["samples"]
    sup = iv["median:t_superhuman"]
    days = iv["median:takeoff_days"]
    lines = [
        f"Mean R&D automation passes 90% in {fmt_share(iv['reached:t_automation_90'])} of worlds "
        f"(median {fmt_interval(iv['median:t_automation_90'])}).",
        f"Vastly superhuman capability is reached in {fmt_share(iv['reached:t_superhuman'])} of worlds, "
        f"median {fmt_interval(sup)}" + (f" over the {sup['n']:,} worlds that reach it" if sup["left_out"] else "")
        + f"; takeoff lasts a median {fmt_interval(days, 0, ' days')} (10-90% of worlds: "
          f"{_r(t['days']['p10'])}-{_r(t['days']['p90'])} days); it is hard (under a year) in "
          f"{fmt_share(iv['share:hard_takeoff'])} of worlds.",
        f"Takeoff is unverified in {unverified_text(iv)}; unaligned capability "
        f"arises in {fmt_share(iv['share:unaligned_capability'])}; the point of no control is passed in "
        f"{fmt_share(iv['reached:t_no_control'])}.",
        f"Mean probability of catastrophe by the horizon: {fmt_share(iv['mean:p_catastrophe'], 1)} (a rough, "
        "assumption-driven hazard; compare policies rather than reading it as a forecast).",
        f"Halts took effect in {fmt_share(iv['share:any_halt'])} of worlds (mean {h['mean_halts']:.2f} per world, "
        f"{h['mean_failed_halts']:.2f} failed).",
        f"Intervals are 95% Monte Carlo intervals over the {n:,} sampled worlds (Wilson for shares, "
        "order statistics for medians): they shrink with more worlds; the spread across worlds does not.",
    ]
    if actors:
        lines.append(_who_leads(actors))
    lines.extend(ev.get("notes", []))
    return lines


def unverified_text(iv: dict[str, Any]) -> str:
    """``69% (95% CI 66-72%) of worlds``, and among the worlds that reach vastly superhuman
    capability with the undecided share when the summary gives them."""
    from recloop.report.evidence import fmt_share, pct

    out = f"{fmt_share(iv['share:unverified_takeoff'])} of worlds"
    if "share:unverified_given_superhuman" in iv and "undecided:unverified_takeoff" in iv:
        out += (f" ({fmt_share(iv['share:unverified_given_superhuman'])} of the worlds that reach vastly superhuman "
                f"capability; undecided in the {pct(iv['undecided:unverified_takeoff']['value'])} that do not)")
    return out


def _who_leads(actors):
    lead = max(actors, key=lambda a: a["leads"])
    by_share = sorted(actors, key=lambda a: -(a["mean_share"] or 0.0))
    return (f"Who leads: {lead['name']} is the frontier actor in {lead['leads']:.0%} of worlds; mean market "
            "share over the run: " + ", ".join(f"{a['name']} {_r(a['mean_share'], 2)}" for a in by_share) + ".")


def _headline_plain(s: dict[str, Any], actors: list[dict[str, Any]] | None = None) -> list[str]:
    m, t, a, r, h = s["milestones"], s["takeoff"], s["alignment"], s["risk"], s["halts"]
    lines = [
        f"Mean R&D automation passes 50% in {m['t_automation_50']['reached']:.0%} of worlds "
        f"(median {_fmt_year(m['t_automation_50']['p50'])}) and 90% in {m['t_automation_90']['reached']:.0%} "
        f"(median {_fmt_year(m['t_automation_90']['p50'])}).",
        f"Vastly superhuman capability is reached in {m['t_superhuman']['reached']:.0%} of worlds; "
        f"takeoff lasts a median {t['days']['p50'] if t['days']['p50'] is None else round(t['days']['p50'])} days "
        f"(10-90%: {_r(t['days']['p10'])}-{_r(t['days']['p90'])} days); it is hard (under a year) in {t['p_hard']:.0%} of worlds.",
        f"Takeoff is unverified in {a['p_unverified_takeoff']:.0%} of worlds; unaligned capability arises in "
        f"{a['p_unaligned_capability']:.0%}; the point of no control is passed in {r['p_no_control']:.0%}.",
        f"Mean probability of catastrophe by the horizon: {r['p_catastrophe_mean']:.0%}.",
        f"Halts took effect in {h['p_any_halt']:.0%} of worlds (mean {h['mean_halts']:.2f} per world, "
        f"{h['mean_failed_halts']:.2f} failed).",
    ]
    if actors:
        lines.append(_who_leads(actors))
    return lines


def driver_lines(ev: dict[str, Any], *, top: int = 3) -> list[str]:
    """'What drives it' in words: per headline outcome, the inputs with the largest rank
    correlation over the run's worlds."""
    from recloop.report.evidence import pct, readable

    out = []
    for t, d in ev["drivers"].items():
        if not d["rows"]:
            out.append(f"{readable(t)}: {d.get('note', 'no driver found')}.")
            continue
        parts = [f"{readable(r['path'])} ({'+' if r['rho'] > 0 else '-'}{abs(r['rho']):.2f}, 95% CI "
                 f"{r['low']:+.2f} to {r['high']:+.2f})" for r in d["rows"][:top]]
        cens = f"; {pct(d['censored'])} of worlds never reach it and rank last" if d["censored"] else ""
        out.append(f"{readable(t)}: " + ", ".join(parts) + cens + ".")
    return out


def inputs_line(ev: dict[str, Any]) -> str:
    """Sampled against fixed inputs, and the fixed unsourced assumptions by name (a view's
    evidence or its compact form in summary.json)."""
    k = ev["inputs"]
    fixed = ev.get("assumptions_fixed")
    if fixed is None:
        fixed = [r["path"] for r in k.get("rows", []) if r["kind"] == "assumption" and not r["sampled"]]
    named = f" ({', '.join(fixed)})" if fixed else ""
    return (f"Of {k['total']} inputs, {k['sampled']} are sampled from distributions and {k['fixed']} are fixed at one "
            f"value. {k['assumptions']} rest on an unsourced assumption (their declared source starts with "
            f"\"assumption\"): {k['assumptions_sampled']} of them sampled, {k['assumptions_fixed']} fixed{named}, so "
            f"the fixed ones' uncertainty is in no interval here (recloop sensitivity --structural varies them); "
            f"{k['partly']} more cite a source and add an assumption.")


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
             "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}.assumption{color:#a94442;font-weight:600}</style>",
             f"<script>{plotly_js()}</script></head><body>",
             f"<h1>{title}</h1>",
             f"<p>{s['samples']:,} sampled worlds, seed {s['seed']}, {s['years']:g} years from {s['start_year']:g}. "
             "Each world draws the scenario's uncertain parameters; the figures show the spread across worlds.</p>",
             "<h2>In short</h2><ul>" + "".join(f"<li>{html.escape(x)}</li>"
                                                for x in _headline(s, v.get("actors"), v.get("evidence"))) + "</ul>"]
    ev = v.get("evidence")
    if ev:
        parts.append("<h2>What drives it</h2><p class='cap'>Spearman rank correlation of each sampled input with the "
                     f"outcome over {ev['driver_worlds']:,} worlds (sign: direction; a screen, not a Sobol "
                     "decomposition: <code>recloop sensitivity</code> gives those).</p><ul>"
                     + "".join(f"<li>{html.escape(x)}</li>" for x in driver_lines(ev)) + "</ul>")
        parts.append(f"<h2>What is sampled and what is assumed</h2><p>{html.escape(inputs_line(ev))}</p>"
                     + _inputs_table(ev))
    for key, fig in figs.items():
        parts.append(f"<div class='fig'><div id='fig-{key}'></div><p class='cap'>{html.escape(caps[key])}</p></div>")
        parts.append(f"<script>Plotly.newPlot('fig-{key}', {json.dumps(fig['data'])}, {json.dumps(fig['layout'])}, "
                     "{responsive:true,displaylogo:false});</script>")
    parts.append("<h2>Milestones (calendar year)</h2><table><tr><th style='text-align:left'>milestone</th><th>worlds reached (95% CI)</th><th>p10</th><th>median (95% CI)</th><th>p90</th></tr>")
    iv = ev["intervals"] if ev else {}
    from recloop.report.evidence import fmt_interval, fmt_share

    for k, m in s["milestones"].items():
        reached = fmt_share(iv[f"reached:{k}"]) if f"reached:{k}" in iv else f"{m['reached']:.0%}"
        med = fmt_interval(iv[f"median:{k}"]) if f"median:{k}" in iv else _fmt_year(m["p50"])
        parts.append(f"<tr><td style='text-align:left' title='{k}'>{_MILESTONE_NAMES.get(k, k)}</td><td>{reached}</td>"
                     f"<td>{_fmt_year(m['p10'])}</td><td>{med}</td><td>{_fmt_year(m['p90'])}</td></tr>")
    parts.append("</table><p class='cap'>Quantiles are over the worlds that reach the milestone by the horizon "
                 "(the others are not in them: see 'reached'); brackets: 95% Monte Carlo intervals.</p>")
    parts.append("<p class='cap'>Made by recloop. Every parameter, its source and its distribution: <code>recloop params</code>.</p></body></html>")
    return "\n".join(parts)


def _inputs_table(ev: dict[str, Any]) -> str:
    rows = sorted(ev["inputs"]["rows"], key=lambda r: (not r["sampled"], r["kind"] != "assumption", r["path"]))
    e = html.escape
    body = "".join(
        f"<tr><td style='text-align:left'><code>{e(r['path'])}</code></td><td style='text-align:left'>"
        f"{'sampled: ' + e(r['value']) if r['sampled'] else 'fixed at ' + format(r['value'], 'g')} {e(r['unit'])}</td>"
        f"<td style='text-align:left' class='{r['kind'].replace(' ', '-')}'>{e(r['kind'])}</td>"
        f"<td style='text-align:left;font-size:.85em'>{e(r['source'])}</td></tr>" for r in rows)
    return ("<details><summary>Every input, its distribution or value, and its source</summary><table>"
            "<tr><th style='text-align:left'>input</th><th style='text-align:left'>in this scenario</th>"
            "<th style='text-align:left'>basis</th><th style='text-align:left'>declared source</th></tr>"
            + body + "</table></details>")


def write_report(v: dict[str, Any], path: str | Path) -> Path:
    path = Path(path)
    path.write_text(render_report(v), encoding="utf-8")
    return path


#: columns of the comparison table (key, heading; {ref} is the reference policy)
COMPARE_COLUMNS = (
    ("policy", "policy"), ("unverified_takeoff", "P(unverified takeoff)"), ("p_catastrophe", "mean P(catastrophe)"),
    ("delay", "delay to vastly superhuman vs {ref} (median, years)"), ("held", "held past the horizon"),
    ("forgone", "capability forgone at the horizon (median, OOM)"),
    ("halted", "years halted (mean; with actors, summed over them)"),
    ("lost", "output lost (market-share-years halted, mean; with actors)"),
    ("driver", "top driver of unverified takeoff"),
)


def compare_cells(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The comparison rows of :func:`recloop.report.charts.compare_rows` as text cells."""
    from recloop.report.evidence import fmt_interval, fmt_share, readable

    out = []
    for r in rows:
        c = r["costs"]
        d = r["top_driver"]["unverified_takeoff"]
        ref = c.get("is_reference")
        out.append({"policy": r["policy"] + (" (reference)" if ref else ""),
                    "unverified_takeoff": fmt_share(r["unverified_takeoff"]),
                    "p_catastrophe": fmt_share(r["p_catastrophe"], 1),
                    "delay": "-" if ref else fmt_interval(c["delay_years"], 2),
                    "held": "-" if ref else fmt_share(c["held_past_horizon"]),
                    "forgone": "-" if ref else fmt_interval(c["forgone_oom"], 1),
                    "halted": fmt_interval(c["years_halted"], 2),
                    "lost": fmt_interval(c["output_lost"], 2) if c.get("output_lost") else "- (one developer)",
                    "driver": f"{readable(d['path'])} ({d['rho']:+.2f})" if d else
                    "none: the release gate rules it out by construction" if r.get("gate_by_construction")
                    else "none (does not vary)"})
    return out


COMPARE_NOTE = ("Same worlds for every policy; brackets: 95% Monte Carlo intervals. Delay: over the worlds in which "
                "both policies reach vastly superhuman capability; 'held past the horizon': the share of worlds that "
                "reach it under the reference and not under this policy. A near-zero risk is read with what it cost "
                "and what drives what is left of it.")


def compare_table_html(views: list[dict[str, Any]], *, reference: int = 0) -> str:
    """The policies side by side: risks with their intervals, what each costs against the
    reference policy on the same worlds, and what drives its unverified takeoff."""
    from recloop.report.charts import compare_rows

    e = html.escape
    cells = compare_cells(compare_rows(views, reference=reference))
    ref = views[reference]["policy"]
    head = "".join(f"<th>{e(h.format(ref=ref))}</th>" for _, h in COMPARE_COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{e(c[k])}</td>" for k, _ in COMPARE_COLUMNS) + "</tr>" for c in cells)
    return f"<table><tr>{head}</tr>{body}</table><p class='cap'>{views[0]['samples']:,} worlds. {e(COMPARE_NOTE)}</p>"


def write_compare_report(views: list[dict[str, Any]], table_html: str | None, path: str | Path) -> Path:
    figs = compare_figures(views)
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>recloop: policy comparison</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
             ".cap{color:#555;font-size:.92em}"
             "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}</style>",
             f"<script>{plotly_js()}</script></head><body><h1>Policies compared on the same worlds</h1>",
             table_html if table_html is not None else compare_table_html(views)]
    for key, fig in figs.items():
        parts.append(f"<div id='fig-{key}'></div><script>Plotly.newPlot('fig-{key}', {json.dumps(fig['data'])}, "
                     f"{json.dumps(fig['layout'])}, {{responsive:true}});</script>")
    parts.append("</body></html>")
    path = Path(path)
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


__all__ += ["FIGURE_TITLES"]

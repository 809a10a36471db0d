"""Rich display in notebooks: ``_repr_html_`` for results and summaries.

In Jupyter a :class:`recloop.engine.SimResult` shows its run (scenario, policy, worlds, seed,
horizon) and its headline outcomes as a table, and a :class:`Summary` (the dict of
:func:`recloop.outcomes.summarize`, with an HTML view) shows the milestones with their share
reached and p10 / p50 / p90 dates, the takeoff, alignment and risk figures. Everything shown is
read from ``summarize``: no figure is computed here.

Importing this module gives ``SimResult`` its ``_repr_html_`` and ``to_xarray`` methods where
``recloop.engine`` does not define them yet.
"""

from __future__ import annotations

import html
from typing import Any

from recloop.engine import SimResult

__all__ = ["Summary", "result_html", "summary", "summary_html"]


class Summary(dict):
    """The summary dict of a run (:func:`recloop.outcomes.summarize`), shown as a table in
    notebooks; it is a plain ``dict`` everywhere else (``json.dumps`` writes it as one)."""

    def _repr_html_(self) -> str:
        return summary_html(self)


def summary(result: SimResult) -> Summary:
    """``summarize(result)`` as a :class:`Summary`."""
    from recloop.outcomes import summarize

    return Summary(summarize(result))


def _num(x: Any, fmt: str = ".1f") -> str:
    return "&ndash;" if x is None else format(x, fmt)


def _pct(x: Any) -> str:
    return "&ndash;" if x is None else f"{x:.0%}"


def summary_html(s: dict[str, Any]) -> str:
    """An HTML table of a run summary: milestones, takeoff, alignment, risk and halts."""
    e = html.escape
    head = (f"<b>recloop</b> {e(str(s['scenario']))} / policy {e(str(s['policy']))}: {s['samples']:,} worlds, "
            f"seed {s['seed']}, {s['years']:g} years from {s['start_year']:g}")
    rows = "".join(
        f"<tr><td style='text-align:left'>{e(k)}</td><td>{_pct(m['reached'])}</td><td>{_num(m['p10'])}</td>"
        f"<td>{_num(m['p50'])}</td><td>{_num(m['p90'])}</td></tr>" for k, m in s["milestones"].items())
    tk, al, rk, h = s["takeoff"], s["alignment"], s["risk"], s["halts"]
    d = tk["days"]
    facts = [
        ("takeoff (start &rarr; vastly superhuman), days p10 / p50 / p90",
         f"{_num(d['p10'], '.0f')} / {_num(d['p50'], '.0f')} / {_num(d['p90'], '.0f')}"),
        ("hard takeoff (under a year)", _pct(tk["p_hard"])),
        ("peak years of progress in one year (median)", _num(tk["years_in_one_year"]["p50"])),
        ("unverified takeoff", _pct(al["p_unverified_takeoff"])),
        ("unaligned capability", _pct(al["p_unaligned_capability"])),
        ("point of no control", _pct(rk["p_no_control"])),
        ("mean P(catastrophe)", _pct(rk["p_catastrophe_mean"])),
        ("halts per world (failed)", f"{h['mean_halts']:.2f} ({h['mean_failed_halts']:.2f})"),
    ]
    fact_rows = "".join(f"<tr><td style='text-align:left'>{k}</td><td colspan='4'>{v}</td></tr>" for k, v in facts)
    return (f"<div class='recloop-summary'><p>{head}</p><table>"
            "<thead><tr><th style='text-align:left'>milestone (calendar year)</th><th>reached</th><th>p10</th>"
            f"<th>p50</th><th>p90</th></tr></thead><tbody>{rows}{fact_rows}</tbody></table></div>")


def result_html(result: SimResult) -> str:
    """A SimResult in a notebook: its run and its summary table."""
    traj = ", ".join(sorted(k for k in result.trajectories if ":" not in k))
    actors = ", ".join(a.name for a in result.scenario.actors) or "one developer"
    return (summary_html(summary(result)) +
            f"<p style='font-size:smaller'>actors: {html.escape(actors)}; trajectories ({result.times.size} report "
            f"times): {html.escape(traj)}; {len(result.outcomes)} outcome columns. "
            "<code>result.to_xarray()</code> gives the labelled dataset.</p>")

"""Figures of a run as plotly figure specs (plain dicts), shared by report.html and the playground.

Every chart is built from a *view*: a small JSON-able dict made by :func:`view` from a
:class:`~recloop.engine.SimResult` (fans, milestone samples, summary). The playground's API sends
views and figure specs; the report embeds the same specs. One chart code, two front ends.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from recloop.engine import SimResult
from recloop.outcomes import fan, summarize

__all__ = ["view", "figures", "compare_figures", "FIGURE_TITLES"]

FIGURE_TITLES = {
    "capability": "Capability against verified alignment",
    "fidelity": "Alignment fidelity of the deployed generation",
    "milestones": "When the milestones arrive",
    "takeoff": "How long takeoff lasts",
    "halts": "Halts in force",
    "data": "Data pollution: synthetic share and quality deficit",
}
_BLUE, _ORANGE, _GREEN, _RED, _GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f"
_MILESTONES = [("t_automation_20", "automation 20%"), ("t_automation_50", "automation 50%"),
               ("t_automation_90", "automation 90%"), ("t_superhuman", "vastly superhuman"),
               ("t_no_control", "point of no control")]


def _finite(v) -> list[float]:
    v = np.asarray(v, dtype=float)
    return [round(float(x), 4) for x in v[np.isfinite(v)]]


def view(result: SimResult, *, max_points: int = 4000) -> dict[str, Any]:
    """The JSON-able data behind every figure of a run."""
    start = result.scenario.start_year
    O = result.outcomes
    k = min(max_points, result.samples)
    paused = result.trajectories["paused"].astype(float)
    with np.errstate(all="ignore"):
        share_paused = np.nanmean(paused, axis=0)
    return {
        "scenario": result.scenario.name,
        "policy": result.policy.name,
        "start_year": start,
        "horizon": start + result.years,
        "summary": summarize(result),
        "fans": {v: fan(result, v) for v in ("effective_compute", "verified_capability", "fidelity",
                                            "synthetic_share", "data_deficit")},
        "paused_share": {"t": [round(start + float(t), 4) for t in result.times],
                         "y": [None if not np.isfinite(x) else float(x) for x in share_paused]},
        "milestones": {name: [start + x for x in _finite(O[name][:k])] for name, _ in _MILESTONES},
        "takeoff_days": _finite(O["takeoff_days"][:k]),
        "samples": result.samples,
    }


def _band(f, lo, hi, color, name, show):
    rgba = _rgba(color, 0.18 if lo == "p5" else 0.32)
    return [
        {"x": f["t"], "y": f[hi], "mode": "lines", "line": {"width": 0}, "hoverinfo": "skip",
         "showlegend": False, "legendgroup": name, "type": "scatter"},
        {"x": f["t"], "y": f[lo], "mode": "lines", "line": {"width": 0}, "fill": "tonexty",
         "fillcolor": rgba, "name": f"{name} {lo[1:]}-{hi[1:]}%", "showlegend": show,
         "legendgroup": name, "type": "scatter", "hoverinfo": "skip"},
    ]


def _rgba(hex_color, a):
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{a})"


def _fan_traces(f, color, name):
    traces = _band(f, "p5", "p95", color, name, True) + _band(f, "p25", "p75", color, name, True)
    traces.append({"x": f["t"], "y": f["p50"], "mode": "lines", "line": {"color": color, "width": 2.5},
                   "name": f"{name} median", "type": "scatter"})
    return traces


def _layout(title, xtitle, ytitle, **kw):
    lay = {"title": {"text": title}, "xaxis": {"title": {"text": xtitle}}, "yaxis": {"title": {"text": ytitle}},
           "margin": {"l": 60, "r": 20, "t": 50, "b": 50}, "legend": {"orientation": "h", "y": -0.2},
           "template": "plotly_white", "height": 420}
    lay.update(kw)
    return lay


def figures(v: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every figure of a run view, keyed as in FIGURE_TITLES."""
    figs: dict[str, dict[str, Any]] = {}
    figs["capability"] = {
        "data": _fan_traces(v["fans"]["effective_compute"], _BLUE, "capability")
        + _fan_traces(v["fans"]["verified_capability"], _GREEN, "verified alignment"),
        "layout": _layout(FIGURE_TITLES["capability"], "year",
                          "log10 effective training FLOP"),
    }
    figs["fidelity"] = {
        "data": _fan_traces(v["fans"]["fidelity"], _ORANGE, "fidelity"),
        "layout": _layout(FIGURE_TITLES["fidelity"], "year", "fidelity (1 = intent preserved)",
                          yaxis={"title": {"text": "fidelity (1 = intent preserved)"}, "range": [0, 1.02]}),
    }
    n = max(v["samples"], 1)
    traces = []
    for (name, label), color in zip(_MILESTONES, [_GREY, _BLUE, _ORANGE, _RED, "#9467bd"]):
        xs = sorted(v["milestones"][name])
        shown = min(n, 4000)
        ys = [(i + 1) / shown for i in range(len(xs))]
        traces.append({"x": xs, "y": ys, "mode": "lines", "line": {"shape": "hv", "color": color},
                       "name": label, "type": "scatter"})
    figs["milestones"] = {"data": traces, "layout": _layout(
        FIGURE_TITLES["milestones"], "year", "share of worlds reached (cumulative)",
        yaxis={"title": {"text": "share of worlds reached (cumulative)"}, "range": [0, 1]})}
    days = v["takeoff_days"]
    figs["takeoff"] = {
        "data": [{"x": [float(np.log10(max(d, 0.01))) for d in days], "type": "histogram", "nbinsx": 40,
                  "marker": {"color": _RED}, "name": "takeoff"}],
        "layout": _layout(FIGURE_TITLES["takeoff"] + " (takeoff start to vastly superhuman)",
                          "duration (log10 days): 1 = 10 days, 2.56 = 1 year", "worlds",
                          shapes=[{"type": "line", "x0": 2.5626, "x1": 2.5626, "y0": 0, "y1": 1, "yref": "paper",
                                   "line": {"dash": "dash", "color": _GREY}}]),
    }
    figs["halts"] = {
        "data": [{"x": v["paused_share"]["t"], "y": v["paused_share"]["y"], "type": "scatter", "mode": "lines",
                  "fill": "tozeroy", "line": {"color": _GREY}, "name": "share of worlds paused"}],
        "layout": _layout(FIGURE_TITLES["halts"], "year", "share of worlds paused",
                          yaxis={"title": {"text": "share of worlds paused"}, "range": [0, 1]}),
    }
    figs["data"] = {
        "data": _fan_traces(v["fans"]["synthetic_share"], _BLUE, "synthetic share")
        + _fan_traces(v["fans"]["data_deficit"], _RED, "quality deficit"),
        "layout": _layout(FIGURE_TITLES["data"], "year", "share / loss fraction"),
    }
    return figs


def compare_figures(views: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Side-by-side figures of several policies run on the same worlds."""
    colors = [_BLUE, _ORANGE, _GREEN, _RED, "#9467bd", "#8c564b", "#e377c2"]
    cap, fid = [], []
    for v, c in zip(views, colors):
        f = v["fans"]["effective_compute"]
        g = v["fans"]["verified_capability"]
        cap.append({"x": f["t"], "y": f["p50"], "name": f"{v['policy']}: capability", "type": "scatter",
                    "line": {"color": c, "width": 2.5}})
        cap.append({"x": g["t"], "y": g["p50"], "name": f"{v['policy']}: verified", "type": "scatter",
                    "line": {"color": c, "dash": "dot"}})
        h = v["fans"]["fidelity"]
        fid.append({"x": h["t"], "y": h["p50"], "name": v["policy"], "type": "scatter", "line": {"color": c}})
    names = [v["policy"] for v in views]
    bars = []
    for key, label in [("p_unverified_takeoff", "P(unverified takeoff)"), ("p_unaligned_capability", "P(unaligned capability)")]:
        bars.append({"x": names, "y": [v["summary"]["alignment"][key] for v in views], "type": "bar", "name": label})
    bars.append({"x": names, "y": [v["summary"]["risk"]["p_catastrophe_mean"] for v in views], "type": "bar",
                 "name": "P(catastrophe)"})
    return {
        "compare_capability": {"data": cap, "layout": _layout("Median capability (solid) and verified alignment (dotted) by policy", "year", "log10 effective FLOP")},
        "compare_fidelity": {"data": fid, "layout": _layout("Median alignment fidelity by policy", "year", "fidelity")},
        "compare_risk": {"data": bars, "layout": _layout("Risks by policy, same worlds", "policy", "probability", barmode="group")},
    }

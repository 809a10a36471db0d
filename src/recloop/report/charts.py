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

__all__ = ["view", "figures", "captions", "compare_figures", "compare_costs", "compare_rows", "evidence_view", "FIGURE_TITLES", "ACTOR_FIGURES",
           "CAPABILITY_LABEL", "VERIFIED_LABEL"]

FIGURE_TITLES = {
    "capability": "Capability against how far verification reaches",
    "fidelity": "Alignment fidelity of the deployed generation",
    "milestones": "When the milestones arrive",
    "takeoff": "How long takeoff lasts",
    "halts": "Halts in force",
    "data": "Data pollution: synthetic share and quality deficit",
    "actors": "Who leads: each actor's market share",
    "lead_over_time": "Who leads over time",
    "actor_halts": "Halts per actor",
    "detection": "Covert projects: found, and compliers falsely accused",
}
#: legend names of the capability chart's median lines (bands: 50% and 90% of worlds, in the caption)
CAPABILITY_LABEL = "capability (what the deployed generation can do), median"
VERIFIED_LABEL = "verified capability (how far verification reaches), median"
#: figures drawn only for runs with several actors (scenario ``[[actors]]``)
ACTOR_FIGURES = ("actors", "lead_over_time", "actor_halts", "detection")
_BLUE, _ORANGE, _GREEN, _RED, _GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f"
_MILESTONES = [("t_automation_20", "automation 20%"), ("t_automation_50", "automation 50%"),
               ("t_automation_90", "automation 90%"), ("t_superhuman", "vastly superhuman"),
               ("t_no_control", "point of no control")]


# takeoff durations in days and how a reader says them (the histogram's x axis is log10 days)
_DURATIONS = [(1 / 24, "1 hour"), (1, "1 day"), (7, "1 week"), (30.44, "1 month"), (91.3, "3 months"),
              (365.25, "1 year"), (1095.75, "3 years"), (3652.5, "10 years"), (10957.5, "30 years")]


def _finite(v) -> list[float]:
    v = np.asarray(v, dtype=float)
    return [round(float(x), 4) for x in v[np.isfinite(v)]]


#: worlds a driver screen ranks (rank correlations settle to ~0.02 at this size)
DRIVER_WORLDS = 20_000


def view(result: SimResult, *, max_points: int = 4000, inputs: dict[str, np.ndarray] | None = None,
         summary: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON-able data behind every figure of a run.

    ``inputs`` (``in:<path>`` -> values of the first worlds) feeds the driver screen when the
    result does not carry its inputs (a finished chunked run keeps them in outcomes.parquet).
    ``summary`` is ``summarize(result)`` when the caller has it (not computed twice).
    """
    start = result.scenario.start_year
    O = result.outcomes
    k = min(max_points, result.samples)
    paused = result.trajectories["paused"].astype(float)
    # np.nanmean without its warning where a report time has no value (a run that keeps no
    # trajectories has no rows at all): NaN there
    counted = np.sum(~np.isnan(paused), axis=0)
    share_paused = np.where(counted > 0, np.nansum(paused, axis=0) / np.maximum(counted, 1), np.nan)
    summary = summarize(result) if summary is None else summary
    return {
        "scenario": result.scenario.name,
        "policy": result.policy.name,
        "start_year": start,
        "horizon": start + result.years,
        "summary": summary,
        "fans": {v: fan(result, v) for v in ("effective_compute", "verified_capability", "fidelity",
                                            "synthetic_share", "data_deficit")},
        "paused_share": {"t": [round(start + float(t), 4) for t in result.times],
                         "y": [None if not np.isfinite(x) else float(x) for x in share_paused]},
        "milestones": {name: [start + x for x in _finite(O[name][:k])] for name, _ in _MILESTONES},
        "takeoff_days": _finite(O["takeoff_days"][:k]),
        "samples": result.samples,
        "actors": _actors_view(result),
        "lead": _lead_view(result),
        "evidence": evidence_view(result, inputs=inputs, shown=k, summary=summary),
        "paired": _paired(result, k),
    }


def _paired(result: SimResult, k: int) -> dict[str, list[float | None]]:
    """Per-world values of the first ``k`` worlds that a comparison pairs across policies run on
    the same worlds (null: not reached / not defined)."""
    O = result.outcomes

    def col(name):
        if name not in O:
            return None
        a = np.asarray(O[name][:k], dtype=np.float64)
        return [None if not np.isfinite(x) else round(float(x), 5) for x in a]

    halted = np.asarray(O["years_paused"][:k], dtype=np.float64) + np.asarray(O.get("years_gated", np.zeros(k))[:k],
                                                                               dtype=np.float64)
    return {"sample": [int(x) for x in O["sample"][:k]], "t_superhuman": col("t_superhuman"),
            "final_effective_compute": col("final_effective_compute"),
            "years_halted": [None if not np.isfinite(x) else round(float(x), 5) for x in halted],
            "output_lost": col("output_lost")}


def _start_capability(result: SimResult) -> np.ndarray | None:
    """Each fan world's capability at the start (the first column of the capability grid)."""
    g = result.trajectories.get("effective_compute")
    if g is None or g.shape[0] == 0 or g.shape[1] == 0:
        return None
    return np.asarray(g[:, 0], dtype=np.float64)


def evidence_view(result: SimResult, *, inputs: dict[str, np.ndarray] | None = None, shown: int | None = None,
                  summary: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the run's pages say about their own certainty (see :mod:`recloop.report.evidence`):
    intervals of the headline figures, inputs sampled and assumed, top drivers, capability
    anchors, and the worlds each figure leaves out."""
    from recloop.report import evidence as E

    O = result.outcomes
    n = result.samples
    if inputs is None:
        inputs = {c: O[c][:DRIVER_WORLDS] for c in O if c.startswith("in:")}
    m = min([n, DRIVER_WORLDS] + [len(v) for v in inputs.values()])
    inputs = {c: np.asarray(v)[:m] for c, v in inputs.items()}
    sub = {t: O[t][:m] for t in E.DRIVER_TARGETS if t in O}
    kinds = E.input_kinds(result.scenario)
    shown = min(n, shown or n)
    fan_worlds = int(result.trajectories["paused"].shape[0]) if "paused" in result.trajectories else n
    td = np.asarray(O["takeoff_days"][:shown], dtype=np.float64)
    notes = []
    gate = bool(getattr(result.policy.verification, "release_requires_verification", False))
    if gate:
        notes.append("Under this policy a generation is released only once verified: an unverified takeoff is "
                     "ruled out by construction for every developer that follows the gate, so its share measures "
                     "the gate's reach (who defects or stays outside), not the simulation; read the policy by "
                     "what it costs.")
    return {
        "notes": notes,
        "release_gate": gate,
        "intervals": E.prefer_summary(E.headline_intervals(O, result.scenario.start_year), summary or {}),
        "inputs": kinds,
        "drivers": E.drivers(sub, inputs, years=result.years),
        "driver_worlds": int(m),
        "anchors": E.capability_anchors(result.scenario, {**O, **inputs} if m == n else
                                        {**{c: O[c] for c in O if not c.startswith("in:")}, **inputs},
                                        start=_start_capability(result)),
        "left_out": {
            "worlds": n,
            "fan_worlds": fan_worlds,
            "points_worlds": shown,
            "no_takeoff": int(np.sum(~np.isfinite(td))),
            "diverged": int(np.sum(np.asarray(O["status"]) != 0)),
        },
    }


def _lead_view(result: SimResult) -> dict[str, Any] | None:
    """Per actor and report date: median market share, and the share of worlds in which the actor
    has the highest deployed capability (from the engine's per-actor grids), or None."""
    names = [a.name for a in result.scenario.actors]
    G = result.trajectories
    if len(names) < 2 or any(f"actor_market_share:{n}" not in G for n in names):
        return None
    caps = np.stack([G[f"actor_effective_compute:{n}"].astype(float) for n in names])  # (A, worlds, T)
    known = ~np.isnan(caps).all(axis=0)
    leader = np.argmax(np.where(np.isnan(caps), -np.inf, caps), axis=0)
    out: dict[str, Any] = {"t": [round(result.scenario.start_year + float(t), 4) for t in result.times], "actors": []}
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for a, n in enumerate(names):
                share = np.nanmedian(G[f"actor_market_share:{n}"].astype(float), axis=0)
                leads = (known & (leader == a)).sum(axis=0) / np.maximum(known.sum(axis=0), 1)
                out["actors"].append({"name": n,
                                      "median_share": [None if not np.isfinite(x) else round(float(x), 4) for x in share],
                                      "leads": [round(float(x), 4) for x in leads]})
    return out


def _mean(x) -> float | None:
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return round(float(x.mean()), 4) if x.size else None


def _actors_view(result: SimResult) -> list[dict[str, Any]] | None:
    """Per-actor summaries from the per-actor outcome columns (``actor_<q>_<name>``,
    ``frontier_actor``; see docs/governance.md), or None for a single developer.

    The engine keeps per-actor values at the horizon and averaged over the run, not per-actor
    trajectories (the run's trajectories are the frontier actor's), so "over time" is the run's
    average against its end.
    """
    actors = result.scenario.actors
    O = result.outcomes
    if len(actors) < 2 or "frontier_actor" not in O:
        return None
    front = np.asarray(O["frontier_actor"])
    strategies = getattr(result.policy, "strategies", {}) or {}
    out = []
    for a, actor in enumerate(actors):
        col = lambda q, actor=actor: np.asarray(O[f"actor_{q}_{actor.name}"], dtype=float)  # noqa: E731
        paused = col("years_paused")
        out.append({
            "name": actor.name, "kind": actor.kind, "jurisdiction": actor.jurisdiction,
            "strategy": strategies.get(actor.name, actor.strategy),
            "leads": round(float(np.mean(front == a)), 4),
            "mean_share": _mean(col("mean_share")),
            "share_end": _mean(col("share")),
            "exited": _mean(col("exited")),
            "years_paused": _mean(paused),
            "p_paused": _mean(np.where(np.isfinite(paused), paused > 1e-9, np.nan)),
            "defected": _mean(col("defected")),
            "detected": _mean(col("detected")),
            "risk_share": _mean(col("risk_share")),
            **_detection_summary(O, actor.name),
        })
    return out


def _detection_summary(O, name: str) -> dict[str, Any]:
    """What monitoring found of one actor (the evidence model's columns; absent ones read as none):
    the share of worlds in which it was falsely accused, and over the worlds in which its covert
    project was found, the median date and the median installed FLOP/s of the cluster then."""
    def get(q):
        c = O.get(f"actor_{q}_{name}")
        return None if c is None else np.asarray(c, dtype=float)

    found, when, flops, false = get("detected"), get("t_detected"), get("covert_flops_at_detection"), get("false_accused")
    hit = (found > 0) if found is not None else None

    def median(x):
        if x is None or hit is None:
            return None
        x = x[hit & np.isfinite(x)]
        return round(float(np.median(x)), 4) if x.size else None

    return {"false_accused": _mean(false) if false is not None else None,
            "t_detected_median": median(when), "covert_flops_at_detection_median": median(flops)}


def _band(f, lo, hi, color, name):
    rgba = _rgba(color, 0.18 if lo == "p5" else 0.32)
    # bands stay out of the legend (the caption reads them); clicking the median hides its bands too
    return [
        {"x": f["t"], "y": f[hi], "mode": "lines", "line": {"width": 0}, "hoverinfo": "skip",
         "showlegend": False, "legendgroup": name, "type": "scatter"},
        {"x": f["t"], "y": f[lo], "mode": "lines", "line": {"width": 0}, "fill": "tonexty",
         "fillcolor": rgba, "name": f"{name} {lo[1:]}-{hi[1:]}%", "showlegend": False,
         "legendgroup": name, "type": "scatter", "hoverinfo": "skip"},
    ]


def _rgba(hex_color, a):
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{a})"


def _fan_traces(f, color, name, label=None):
    """Median line (legend: ``label``, else ``name``) over 90% and 50% bands of worlds."""
    traces = _band(f, "p5", "p95", color, name) + _band(f, "p25", "p75", color, name)
    traces.append({"x": f["t"], "y": f["p50"], "mode": "lines", "line": {"color": color, "width": 2.5},
                   "name": label or f"{name} median", "legendgroup": name, "type": "scatter"})
    return traces


# The legend sits at the bottom of the figure (container coordinates) and the x-axis title is
# pushed above it by automargin: a legend that wraps onto more lines (narrow playground charts)
# moves the plot up instead of running into the axis title (a legend placed at a paper y of
# -0.2 did, in the data-pollution chart).
_LEGEND = {"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0.0, "xanchor": "left"}


def _layout(title, xtitle, ytitle, **kw):
    lay = {"title": {"text": title}, "xaxis": {"title": {"text": xtitle}, "automargin": True},
           "yaxis": {"title": {"text": ytitle}, "automargin": True},
           "margin": {"l": 60, "r": 20, "t": 50, "b": 20}, "legend": dict(_LEGEND),
           "template": "plotly_white", "height": 420}
    lay.update(kw)
    return lay


def _note(text):
    """A centred message on an empty chart (so that an empty chart says why it is empty)."""
    return {"text": text, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5, "showarrow": False,
            "font": {"size": 14, "color": "#555"}, "bgcolor": "rgba(255,255,255,0.85)"}


def figures(v: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every figure of a run view, keyed as in FIGURE_TITLES.

    The actor figures (:data:`ACTOR_FIGURES`) are present only when the run has several actors.
    """
    figs: dict[str, dict[str, Any]] = {}
    figs["capability"] = {
        "data": _fan_traces(v["fans"]["effective_compute"], _BLUE, "capability", CAPABILITY_LABEL)
        + _fan_traces(v["fans"]["verified_capability"], _GREEN, "verified capability", VERIFIED_LABEL),
        "layout": _layout(FIGURE_TITLES["capability"], "year", "capability: log10 effective training FLOP"),
    }
    _add_anchors(figs["capability"], (v.get("evidence") or {}).get("anchors") or [], v)
    figs["fidelity"] = {
        "data": _fan_traces(v["fans"]["fidelity"], _ORANGE, "fidelity"),
        "layout": _layout(FIGURE_TITLES["fidelity"], "year", "fidelity (1 = intent preserved)",
                          yaxis={"title": {"text": "fidelity (1 = intent preserved)"}, "range": [0, 1.02],
                                 "automargin": True}),
    }
    n = max(v["samples"], 1)
    traces = []
    for (name, label), color in zip(_MILESTONES, [_GREY, _BLUE, _ORANGE, _RED, "#9467bd"]):
        xs = sorted(v["milestones"][name])
        shown = min(n, 4000)
        ys = [(i + 1) / shown for i in range(len(xs))]
        if not xs:  # reached in no world: a line at 0 (an empty trace would drop out of the legend)
            xs, ys, label = [v["start_year"], v["horizon"]], [0.0, 0.0], f"{label} (in no world)"
        elif xs[-1] < v["horizon"]:  # flat to the horizon: the worlds not there yet are censored, not missing
            xs, ys = xs + [v["horizon"]], ys + [ys[-1]]
        traces.append({"x": xs, "y": ys, "mode": "lines", "line": {"shape": "hv", "color": color},
                       "name": label, "type": "scatter"})
    figs["milestones"] = {"data": traces, "layout": _layout(
        FIGURE_TITLES["milestones"], "year", "share of worlds reached (cumulative)",
        xaxis={"title": {"text": "year"}, "automargin": True, "range": [v["start_year"], v["horizon"]]},
        yaxis={"title": {"text": "share of worlds reached (cumulative)"}, "range": [0, 1.02], "automargin": True})}
    days = v["takeoff_days"]
    figs["takeoff"] = {
        "data": [{"x": [float(np.log10(max(d, 0.01))) for d in days], "type": "histogram", "nbinsx": 40,
                  "marker": {"color": _RED}, "name": "takeoff"}],
        "layout": _layout(FIGURE_TITLES["takeoff"] + " (takeoff start to vastly superhuman)",
                          "duration (log scale)", "worlds",
                          xaxis={"title": {"text": "duration (log scale)"}, "automargin": True,
                                 "tickvals": [round(float(np.log10(d)), 4) for d, _ in _DURATIONS],
                                 "ticktext": [t for _, t in _DURATIONS]},
                          shapes=[{"type": "line", "x0": 2.5626, "x1": 2.5626, "y0": 0, "y1": 1, "yref": "paper",
                                   "line": {"dash": "dash", "color": _GREY}}]),
    }
    if not days:
        figs["takeoff"]["layout"]["annotations"] = [_note("No world completed a takeoff within the horizon")]
    several = bool(v.get("actors"))
    ys = [y for y in v["paused_share"]["y"] if y is not None]
    paused_label = "share of worlds whose frontier actor is paused" if several else "share of worlds paused"
    figs["halts"] = {
        "data": [{"x": v["paused_share"]["t"], "y": v["paused_share"]["y"], "type": "scatter", "mode": "lines",
                  "fill": "tozeroy", "line": {"color": _GREY}, "name": "share of worlds paused"}],
        # autorange from 0 (not a fixed 0-1: plotly's maxallowed pins the range to it): a halt in force in 3% of worlds should not be a sliver at the bottom
        "layout": _layout(FIGURE_TITLES["halts"], "year", paused_label,
                          yaxis={"title": {"text": paused_label}, "automargin": True, "rangemode": "tozero",
                                 "autorangeoptions": {"minallowed": 0}, "tickformat": ".0%"},
                          showlegend=False),
    }
    if not any(y > 0 for y in ys):
        figs["halts"]["layout"]["yaxis"]["range"] = [0, 1]
        figs["halts"]["layout"]["annotations"] = [_note(f"No halt took effect in any world under policy '{v['policy']}'")]
    figs["data"] = {
        "data": _fan_traces(v["fans"]["synthetic_share"], _BLUE, "synthetic share")
        + _fan_traces(v["fans"]["data_deficit"], _RED, "quality deficit"),
        "layout": _layout(FIGURE_TITLES["data"], "year", "share / loss fraction"),
    }
    if several:  # who leads right after capability; each actor's halts beside the frontier actor's
        act = _actor_figures(v)
        if v.get("lead"):
            act["lead_over_time"] = _lead_figure(v["lead"])
        order = ["capability", "actors", "lead_over_time", "fidelity", "milestones", "takeoff", "halts",
                 "actor_halts", "detection", "data"]
        figs = {k: {**figs, **act}[k] for k in order if k in {**figs, **act}}
    return figs


_ANCHOR_COLORS = {"threshold": _GREY, "start": _GREY, "danger": _RED, "takeoff": _ORANGE, "superhuman": "#9467bd",
                  "horizon": "#17becf"}


def _add_anchors(fig: dict[str, Any], anchors: list[dict[str, Any]], v: dict[str, Any]) -> None:
    """Dashed horizontal lines with labels at the physical anchors of the capability axis (what a
    level of log10 effective FLOP means), within the range the fans reach."""
    ys = [y for tr in fig["data"] for y in (tr.get("y") or []) if y is not None]
    if not ys or not anchors:
        return
    lo, hi = min(ys), max(ys)
    pad = 0.04 * max(hi - lo, 1.0)
    shapes, notes = [], []
    for a in anchors:
        if not (lo - pad <= a["y"] <= hi + pad):
            continue
        c = _ANCHOR_COLORS.get(a["kind"], _GREY)
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": a["y"], "y1": a["y"],
                       "line": {"dash": "dash" if a["kind"] != "threshold" else "dot", "width": 1, "color": c}})
        right = a["kind"] in ("threshold", "horizon")  # governance thresholds and METR horizons label on the right
        notes.append({"xref": "paper", "x": 0.995 if right else 0.005, "y": a["y"],
                      "xanchor": "right" if right else "left", "yanchor": "bottom",
                      "text": f"{a['label']} ({a['y']:.1f})", "showarrow": False, "font": {"size": 10, "color": c},
                      "bgcolor": "rgba(255,255,255,0.75)", "borderpad": 1})
    fig["layout"]["shapes"] = fig["layout"].get("shapes", []) + shapes
    fig["layout"]["annotations"] = fig["layout"].get("annotations", []) + notes


def _lead_figure(lead: dict[str, Any]) -> dict[str, Any]:
    colors = [_BLUE, _ORANGE, _GREEN, _RED, "#9467bd", "#8c564b", "#e377c2", _GREY]
    data = []
    for a, c in zip(lead["actors"], colors * 4):
        # one legend entry per actor (solid and dotted share it); the caption says which is which
        data.append({"x": lead["t"], "y": a["median_share"], "type": "scatter", "mode": "lines",
                     "line": {"color": c, "width": 2.5}, "name": a["name"], "legendgroup": a["name"],
                     "hovertemplate": "%{y:.0%} median market share<extra>" + a["name"] + "</extra>"})
        data.append({"x": lead["t"], "y": a["leads"], "type": "scatter", "mode": "lines", "showlegend": False,
                     "line": {"color": c, "dash": "dot"}, "name": a["name"], "legendgroup": a["name"],
                     "hovertemplate": "leads in %{y:.0%} of worlds<extra>" + a["name"] + "</extra>"})
    return {"data": data, "layout": _layout(FIGURE_TITLES["lead_over_time"], "year",
                                            "market share (solid) / worlds led (dotted)",
                                            yaxis={"title": {"text": "market share (solid) / worlds led (dotted)"},
                                                   "range": [0, 1.02], "tickformat": ".0%"})}


def _pct(p: float) -> str:
    return "<1%" if 0 < p < 0.005 else f"{p:.0%}"


def _actor_figures(v: dict[str, Any]) -> dict[str, dict[str, Any]]:
    acts = v["actors"]
    names = [f"{a['name']}<br>({a['strategy']})" for a in acts]
    bars = []
    for key, label, color in [("leads", "frontier actor (share of worlds)", _RED),
                              ("mean_share", "market share, averaged over the run", _BLUE),
                              ("share_end", "market share at the horizon", "#9ecae1"),
                              ("exited", "absorbed or left the race (share of worlds)", _GREY)]:
        ys = [a[key] for a in acts]
        marker: dict[str, Any] = {"color": color}
        if key == "exited":  # context for the shares, drawn lighter than them
            marker = {"color": "rgba(0,0,0,0)", "line": {"color": _GREY, "width": 1},
                      "pattern": {"shape": "/", "fgcolor": _GREY, "size": 6}}
        bars.append({"x": names, "y": ys, "type": "bar", "name": label, "marker": marker,
                     "hovertemplate": "%{x}: %{y:.2f}<extra>" + label + "</extra>"})
    halts = [{
        "x": names, "y": [a["years_paused"] for a in acts], "type": "bar", "name": "years paused (mean over worlds)",
        "marker": {"color": _GREY},
        "text": [_pct(a["p_paused"]) + " of worlds" if a["p_paused"] is not None else "" for a in acts],
        "textposition": "outside", "cliponaxis": False,
        "customdata": [[a["p_paused"] or 0.0, a["defected"] or 0.0, a["detected"] or 0.0, a["exited"] or 0.0]
                       for a in acts],
        "hovertemplate": ("%{x}: %{y:.2f} years paused on average; paused in %{customdata[0]:.0%} of worlds, "
                          "built covertly in %{customdata[1]:.0%}, caught in %{customdata[2]:.0%}, "
                          "left the race in %{customdata[3]:.0%}<extra></extra>"),
    }]
    top = max([a["years_paused"] or 0.0 for a in acts] + [0.0])
    lay_h = _layout(FIGURE_TITLES["actor_halts"], "actor (strategy)", "years paused (mean over worlds)",
                    showlegend=False,
                    yaxis={"title": {"text": "years paused (mean over worlds)"}, "automargin": True,
                           "rangemode": "tozero", "range": [0, max(top * 1.15, 0.1)]})
    if top <= 0:
        lay_h["annotations"] = [_note(f"No actor paused in any world under policy '{v['policy']}'")]
    return {
        "detection": _detection_figure(v, names),
        "actors": {"data": bars, "layout": _layout(
            FIGURE_TITLES["actors"], "actor (strategy)", "share",
            barmode="group", yaxis={"title": {"text": "share"}, "range": [0, 1], "automargin": True})},
        "actor_halts": {"data": halts, "layout": lay_h},
    }


def _detection_figure(v: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Per actor: the share of worlds in which it built covertly, in which monitoring found it, and
    in which it was accused while complying; hover for the median date and cluster size when found."""
    acts = v["actors"]
    when = [a.get("t_detected_median") for a in acts]
    size = [a.get("covert_flops_at_detection_median") for a in acts]
    hover = [("median date found: year %.2f; cluster then: %.2g FLOP/s" % (t, f)) if t is not None and f is not None
             else "never found" for t, f in zip(when, size)]
    data = []
    for key, label, color, extra in [("defected", "built covertly during a halt", _ORANGE, None),
                                     ("detected", "found by monitoring", _GREEN, hover),
                                     ("false_accused", "accused while complying (false accusation)", _RED, None)]:
        tr: dict[str, Any] = {"x": names, "y": [a.get(key) or 0.0 for a in acts], "type": "bar", "name": label,
                              "marker": {"color": color}}
        if extra is not None:
            tr["customdata"] = extra
            tr["hovertemplate"] = "%{x}: %{y:.0%} of worlds; %{customdata}<extra>" + label + "</extra>"
        else:
            tr["hovertemplate"] = "%{x}: %{y:.0%} of worlds<extra>" + label + "</extra>"
        data.append(tr)
    lay = _layout(FIGURE_TITLES["detection"], "actor (strategy)", "share of worlds", barmode="group",
                  yaxis={"title": {"text": "share of worlds"}, "range": [0, 1], "automargin": True})
    if not any((a.get("defected") or 0) > 0 or (a.get("false_accused") or 0) > 0 for a in acts):
        lay["annotations"] = [_note(f"No actor built covertly or was accused under policy '{v['policy']}'")]
    return {"data": data, "layout": lay}


def captions(v: dict[str, Any]) -> dict[str, str]:
    """One reading note per figure of :func:`figures` (same keys), for the report and the playground."""
    several = bool(v.get("actors"))
    frontier = (" With several actors, the fans follow each world's frontier actor (first to vastly superhuman, "
                "else the most capable at the horizon).") if several else ""
    caps = {
        "capability": "Solid line: median across sampled worlds; bands: 50% and 90% of worlds. Blue is what the "
                      "deployed generation can do (log10 of its effective training compute: physical compute times "
                      "software efficiency); green is verified capability, how far verification reaches on the "
                      "same scale. Where blue runs above green, the deployed capability is unverified; green above "
                      "blue means verification has slack (it could check more than is deployed)." + frontier,
        "fidelity": "How much of the original intent each deployed generation keeps (1 = all of it). Drift "
                    "compounds from one generation to the next unless verification, the sandbox and the air gap "
                    "stop it." + frontier,
        "milestones": "For each date, the share of worlds in which the milestone has happened. Automation x% is "
                      "the mean share of AI R&D work done by AI; the point of no control is where a halt can no "
                      "longer be enforced. A curve that stays below 1 means some worlds never reach it within the "
                      "horizon.",
        "takeoff": "Time from AI doing most of its own engineering to vastly superhuman capability, on a log "
                   "scale. Left of the dashed line: a hard takeoff (under a year).",
        "halts": "Share of worlds in which a halt (a pause, or a release held until verified) is in force at "
                 "each date." + (" With several actors: the frontier actor's halts; each actor's are in "
                                 "'Halts per actor'." if several else ""),
        "data": "Blue: share of the deployed generation's training data that is synthetic (made by earlier "
                "models) as human text runs out. Red: the quality deficit, the extra training loss that synthetic "
                "data costs (a fraction of the loss; 0 = none). Lines: medians; bands: 50% and 90% of worlds.",
    }
    ev = v.get("evidence")
    if ev:
        lo = ev["left_out"]
        n = lo["worlds"]
        fans = (f" Fans are drawn from the trajectories of the first {lo['fan_worlds']:,} of {n:,} worlds."
                if lo["fan_worlds"] < n else f" Fans: all {n:,} worlds.")
        for key in ("capability", "fidelity", "data"):
            caps[key] += fans
        caps["capability"] += (" Dashed lines mark what a level means: the reporting thresholds (1e25, 1e26 FLOP), "
                               "the frontier at the start, the danger level above which the hazard applies, "
                               "where takeoff starts and capability is vastly superhuman in the median world, and "
                               "(right, teal) the capability at which METR's 50% time horizon reaches a work day, "
                               "week, month and year at the median world's horizon parameters.")
        pts = lo["points_worlds"]
        sub = f" Drawn from the first {pts:,} of {n:,} worlds." if pts < n else ""
        caps["milestones"] += sub + " No world is left out: one that never reaches a milestone keeps the curve below 1."
        caps["takeoff"] += (f" Leaves out {lo['no_takeoff']:,} of {pts:,} worlds in which takeoff did not finish "
                            "within the horizon." + sub)
        if lo["diverged"]:
            caps["capability"] += f" {lo['diverged']:,} worlds diverged (a finite-time singularity) and stop at that date."
    if several:
        caps["actors"] = ("Means over worlds, per actor (its strategy in brackets). Frontier actor: the share of "
                          "worlds in which the actor is first to vastly superhuman capability (or, if none gets "
                          "there, the most capable at the horizon). Market share follows each actor's effective "
                          "compute relative to the others'; 'averaged over the run' against 'at the horizon' shows "
                          "who gains and who falls behind ('Who leads over time' has the year-by-year paths). Hatched: the share of "
                          "worlds in which the actor fell below the exit share and was absorbed or left.")
        caps["lead_over_time"] = ("Solid: each actor's median market share across worlds at each date. Dotted: "
                                  "the share of worlds in which the actor's deployed generation is the most "
                                  "capable at that date. A pause shows as a falling solid line while a rival's "
                                  "dotted line takes over.")
        caps["detection"] = ("Per actor, the share of worlds in which it built a covert project during a halt it "
                             "was held to, in which monitoring found that project, and "
                             "in which the verification regime accused it while it complied (a false accusation, "
                             "sanctioned like a true one). Detection reads the evidence channels the policy's "
                             "verification regime grants (docs/governance.md, 'In the engine'); hover on 'found' "
                             "for the median date and the covert cluster's installed FLOP/s when found.")
        caps["actor_halts"] = ("Years each actor spent paused, averaged over worlds; the label gives the share of "
                               "worlds in which it paused at all. An actor that left the race is not counted as "
                               "paused. Hover for covert building, detection and exits.")
    return caps


def _arr(xs) -> np.ndarray:
    return np.array([np.nan if x is None else x for x in (xs or [])], dtype=np.float64)


def compare_costs(views: list[dict[str, Any]], *, reference: int = 0) -> list[dict[str, Any]]:
    """What each policy costs against ``views[reference]`` on the same worlds (paired by sample):
    the delay to vastly superhuman capability (median over worlds where both reach it, with its
    interval), the share of worlds it holds back past the horizon, the capability forgone at the
    horizon (OOM of effective compute), years halted (paused plus releases held for
    verification) and output lost (market-share-years halted; runs with several actors)."""
    from recloop.report import evidence as E

    ref = views[reference]["paired"]
    out = []
    for i, v in enumerate(views):
        p = v["paired"]
        if p["sample"] != ref["sample"]:
            raise ValueError("compare_costs: the views were not run on the same worlds")
        a, b = _arr(ref["t_superhuman"]), _arr(p["t_superhuman"])
        both = np.isfinite(a) & np.isfinite(b)
        delay = E.median_interval(np.where(both, b - a, np.nan))
        held = E.share_interval(int(np.sum(np.isfinite(a) & ~np.isfinite(b))), int(np.isfinite(a).sum()))
        forgone = E.median_interval(_arr(ref["final_effective_compute"]) - _arr(p["final_effective_compute"]))
        row = {"policy": v["policy"], "reference": views[reference]["policy"], "is_reference": i == reference,
               "worlds": len(p["sample"]),
               "delay_years": delay, "held_past_horizon": held, "forgone_oom": forgone,
               "years_halted": E.mean_interval(_arr(p["years_halted"])),
               "output_lost": E.mean_interval(_arr(p["output_lost"])) if p.get("output_lost") else None}
        out.append(row)
    return out


def compare_rows(views: list[dict[str, Any]], *, reference: int = 0) -> list[dict[str, Any]]:
    """One row per policy: risks with their intervals, costs against the reference policy, and
    the input that drives unverified takeoff most under that policy."""
    costs = compare_costs(views, reference=reference)
    rows = []
    for v, c in zip(views, costs):
        iv = v["evidence"]["intervals"]
        drv = v["evidence"]["drivers"]
        top = {}
        for t in ("unverified_takeoff", "p_catastrophe"):
            r = (drv.get(t) or {}).get("rows") or []
            top[t] = r[0] if r else None
        by_construction = bool(v["evidence"].get("release_gate")) and not top["unverified_takeoff"]
        rows.append({"policy": v["policy"], "worlds": v["samples"],
                     "unverified_takeoff": iv.get("share:unverified_takeoff"),
                     "unaligned_capability": iv.get("share:unaligned_capability"),
                     "p_catastrophe": iv.get("mean:p_catastrophe"),
                     "superhuman_reached": iv.get("reached:t_superhuman"),
                     "costs": c, "top_driver": top, "gate_by_construction": by_construction})
    return rows


def _err(ivs):
    return {"type": "data", "symmetric": False,
            "array": [0 if (i is None or i.get("high") is None) else max(i["high"] - i["value"], 0) for i in ivs],
            "arrayminus": [0 if (i is None or i.get("low") is None) else max(i["value"] - i["low"], 0) for i in ivs],
            "thickness": 1.2, "width": 4}


def compare_figures(views: list[dict[str, Any]], *, reference: int = 0) -> dict[str, dict[str, Any]]:
    """Side-by-side figures of several policies run on the same worlds: capability, fidelity,
    risks with their 95% intervals, and what each policy costs against the reference."""
    colors = [_BLUE, _ORANGE, _GREEN, _RED, "#9467bd", "#8c564b", "#e377c2"]
    cap, fid = [], []
    for v, c in zip(views, colors):
        f = v["fans"]["effective_compute"]
        g = v["fans"]["verified_capability"]
        cap.append({"x": f["t"], "y": f["p50"], "name": f"{v['policy']}: capability", "type": "scatter",
                    "line": {"color": c, "width": 2.5}})
        cap.append({"x": g["t"], "y": g["p50"], "name": f"{v['policy']}: verified capability", "type": "scatter",
                    "line": {"color": c, "dash": "dot"}})
        h = v["fans"]["fidelity"]
        fid.append({"x": h["t"], "y": h["p50"], "name": v["policy"], "type": "scatter", "line": {"color": c}})
    names = [v["policy"] for v in views]
    rows = compare_rows(views, reference=reference)
    bars = []
    for key, label in [("unverified_takeoff", "P(unverified takeoff)"), ("unaligned_capability", "P(unaligned capability)"),
                       ("p_catastrophe", "mean P(catastrophe)")]:
        ivs = [r[key] for r in rows]
        bars.append({"x": names, "y": [None if i is None else i["value"] for i in ivs], "type": "bar", "name": label,
                     "error_y": _err(ivs),
                     "hovertemplate": "%{x}: %{y:.1%}<extra>" + label + " (bars: 95% interval)</extra>"})
    cost_bars = []
    ref_name = views[reference]["policy"]
    summed = ", summed over actors" if any(v.get("actors") for v in views) else ""
    cost_keys = [("delay_years", f"median delay to vastly superhuman vs {ref_name}, years"),
                 ("years_halted", "years halted (paused + releases held), mean" + summed)]
    if all(r["costs"].get("output_lost") for r in rows):  # several actors: market-share-years halted
        cost_keys.append(("output_lost", "output lost, market-share-years halted (mean)"))
    for key, label in cost_keys:
        ivs = [r["costs"][key] for r in rows]
        cost_bars.append({"x": names, "y": [None if i is None else i["value"] for i in ivs], "type": "bar",
                          "name": label, "error_y": _err(ivs)})
    ytitle = "years (output lost: market-share-years)" if len(cost_keys) > 2 else "years"
    cost_lay = _layout(f"What each policy costs (same worlds, against {ref_name})", "policy", ytitle,
                       barmode="group", yaxis={"title": {"text": ytitle}, "automargin": True, "rangemode": "tozero"})
    cap_fig = {"data": cap, "layout": _layout("Median capability (solid) and verified capability (dotted) by policy",
                                              "year", "capability: log10 effective training FLOP")}
    # the same worlds under every policy: the first view's anchors hold for all (thresholds, start, danger)
    _add_anchors(cap_fig, [a for a in (views[0].get("evidence") or {}).get("anchors", [])
                           if a["kind"] in ("threshold", "start", "danger", "horizon")], views[0])
    return {
        "compare_capability": cap_fig,
        "compare_fidelity": {"data": fid, "layout": _layout("Median alignment fidelity by policy", "year", "fidelity")},
        "compare_risk": {"data": bars, "layout": _layout("Risks by policy, same worlds (bars: 95% intervals)", "policy",
                                                          "probability", barmode="group",
                                                          yaxis={"title": {"text": "probability"}, "automargin": True,
                                                                 "tickformat": ".0%", "rangemode": "tozero"})},
        "compare_costs": {"data": cost_bars, "layout": cost_lay},
    }

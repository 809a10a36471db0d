"""The figure specs shared by report.html and the playground: the actor ('who leads') charts appear
exactly when a run has several actors and read the engine's per-actor outcome columns; the halts
chart scales to the data; an empty chart says why it is empty."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recloop.engine import simulate
from recloop.policy import load_policy
from recloop.report.charts import ACTOR_FIGURES, FIGURE_TITLES, VERIFIED_LABEL, captions, figures, view
from recloop.report.html import render_report
from recloop.scenario import load_scenario


@pytest.fixture(scope="module")
def cast():
    return simulate(load_scenario("essay-cast"), load_policy("full-stack"), samples=80, years=12, seed=0)


@pytest.fixture(scope="module")
def single():
    return simulate(load_scenario("baseline"), load_policy("none"), samples=80, years=12, seed=0)


def test_actor_charts_present_with_actors_and_read_the_outcome_columns(cast):
    v = view(cast)
    figs = figures(v)
    assert set(figs) == set(FIGURE_TITLES)
    names = [a.name for a in cast.scenario.actors]
    O = cast.outcomes
    acts = {a["name"]: a for a in v["actors"]}
    assert list(acts) == names
    # every world has exactly one frontier actor
    assert sum(a["leads"] for a in v["actors"]) == pytest.approx(1.0, abs=1e-3)
    for i, name in enumerate(names):
        a = acts[name]
        assert a["leads"] == pytest.approx(np.mean(O["frontier_actor"] == i), abs=1e-4)
        assert a["mean_share"] == pytest.approx(np.nanmean(O[f"actor_mean_share_{name}"]), abs=1e-4)
        assert a["share_end"] == pytest.approx(np.nanmean(O[f"actor_share_{name}"]), abs=1e-4)
        assert a["years_paused"] == pytest.approx(np.mean(O[f"actor_years_paused_{name}"]), abs=1e-4)
    # state-east races (essay-cast): it never pauses; the policy's strategy is what the label shows
    assert acts["state-east"]["strategy"] == "race" and acts["state-east"]["years_paused"] == 0
    share = figs["actors"]
    assert [t["name"] for t in share["data"]][:3] == ["frontier actor (share of worlds)",
                                                      "market share, averaged over the run",
                                                      "market share at the horizon"]
    assert share["data"][0]["x"][0].startswith("frontier-a")
    assert share["data"][1]["y"] == [acts[n]["mean_share"] for n in names]
    assert figs["actor_halts"]["data"][0]["y"] == [acts[n]["years_paused"] for n in names]
    json.dumps(figs)  # JSON-able, as the API sends it
    caps = captions(v)
    assert set(caps) == set(figs)
    assert "'Who leads over time' has the year-by-year paths" in caps["actors"]  # where the paths are
    assert list(figs)[:2] == ["capability", "actors"]  # who leads comes right after capability


def test_actor_charts_absent_for_one_developer(single):
    v = view(single)
    assert v["actors"] is None
    figs = figures(v)
    assert set(figs) == set(FIGURE_TITLES) - set(ACTOR_FIGURES)
    assert set(captions(v)) == set(figs)
    page = render_report(v)
    assert "fig-actors" not in page and "Who leads" not in page


def test_the_detection_chart_reads_what_monitoring_found_of_each_actor(cast):
    """Built covertly, found and falsely accused: each actor's share of worlds from its outcome
    columns; the hover's median date is over the worlds in which its project was found."""
    v = view(cast)
    fig = figures(v)["detection"]
    names = [a.name for a in cast.scenario.actors]
    O = cast.outcomes
    assert [t["name"] for t in fig["data"]] == ["built covertly during a halt", "found by monitoring",
                                                "accused while complying (false accusation)"]
    for trace, q in zip(fig["data"], ("defected", "detected", "false_accused")):
        assert trace["y"] == pytest.approx([np.mean(O[f"actor_{q}_{n}"]) for n in names], abs=1e-4)
    acts = {a["name"]: a for a in v["actors"]}
    found_any = False
    for n in names:
        hit = O[f"actor_detected_{n}"].astype(bool)
        if hit.any():
            found_any = True
            assert acts[n]["t_detected_median"] == pytest.approx(np.median(O[f"actor_t_detected_{n}"][hit]), abs=1e-4)
        else:
            assert acts[n]["t_detected_median"] is None
    assert found_any  # under the full stack the cast's frontier labs defect and are found


def test_two_firm_has_the_actor_charts():
    r = simulate(load_scenario("two-firm"), load_policy("none"), samples=30, years=8, seed=1)
    v = view(r)
    figs = figures(v)
    assert figs["actors"]["data"][0]["x"] == ["frontier-a<br>(comply)", "frontier-b<br>(comply)"]
    # with no halt nobody pauses, and the chart says so instead of drawing nothing
    assert [a["years_paused"] for a in v["actors"]] == [0, 0]
    assert "No actor paused" in figs["actor_halts"]["layout"]["annotations"][0]["text"]
    assert "No actor built covertly" in figs["detection"]["layout"]["annotations"][0]["text"]


def test_report_embeds_the_actor_charts_with_captions(cast):
    page = render_report(view(cast))
    for key in ACTOR_FIGURES:
        assert f"id='fig-{key}'" in page and f"Plotly.newPlot('fig-{key}'" in page
    assert "Who leads: " in page  # the headline names the leader
    assert "point of no control" in page and "t_no_control" in page  # readable name, column in a tooltip


def test_halts_axis_autoranges_from_zero_and_an_empty_chart_says_why(single, cast):
    lay = figures(view(cast))["halts"]["layout"]
    assert "range" not in lay["yaxis"] and lay["yaxis"]["rangemode"] == "tozero"
    assert lay["yaxis"]["autorangeoptions"] == {"minallowed": 0}
    empty = figures(view(single))["halts"]["layout"]  # policy none: no world pauses
    assert empty["yaxis"]["range"] == [0, 1]
    assert "No halt took effect" in empty["annotations"][0]["text"]


def test_capability_chart_names_verified_capability(single):
    v = view(single)
    names = [t.get("name") for t in figures(v)["capability"]["data"] if t.get("showlegend", True)]
    assert VERIFIED_LABEL in names and "how far verification reaches" in VERIFIED_LABEL
    assert "green above blue means verification has slack" in captions(v)["capability"]


def test_legend_sits_below_the_axis_title_in_container_coordinates(single):
    for key, fig in figures(view(single)).items():
        leg = fig["layout"]["legend"]
        assert leg["yref"] == "container" and leg["yanchor"] == "bottom", key
        assert fig["layout"]["xaxis"]["automargin"] is True, key

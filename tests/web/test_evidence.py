"""What the pages know: Wilson and median intervals (closed forms), drivers on constructed cases
(direction), inputs sampled vs assumed (invariance with the declarations), capability anchors
(closed form, and the METR horizon hook), paired compare costs (constructed views)."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

from recloop.report import evidence as E
from recloop.report.charts import compare_costs
from recloop.scenario import load_scenario, parse_scenario, scenario_specs

Z = 1.959963984540054


def _wilson(k, n):
    p = k / n
    den = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / den
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n * n)) / den
    return centre - half, centre + half


@pytest.mark.parametrize("k,n", [(3, 10), (0, 50), (50, 50), (412, 1000)])
def test_share_interval_is_wilsons_closed_form(k, n):
    iv = E.share_interval(k, n)
    lo, hi = _wilson(k, n)
    assert iv["value"] == pytest.approx(k / n)
    assert iv["low"] == pytest.approx(max(lo, 0.0), abs=1e-12)
    assert iv["high"] == pytest.approx(min(hi, 1.0), abs=1e-12)
    assert 0.0 <= iv["low"] <= iv["value"] <= iv["high"] <= 1.0


def test_share_interval_of_no_worlds_is_empty_not_nan():
    assert E.share_interval(0, 0) == {"value": None, "low": None, "high": None, "k": 0, "n": 0}


def test_median_interval_is_order_statistics_that_shrink_with_worlds():
    from scipy.stats import binom

    x = np.arange(100, dtype=float)
    iv = E.median_interval(x)
    assert iv["low"] in x and iv["high"] in x and iv["low"] <= iv["value"] <= iv["high"]
    # the ranks cover the median with at least 95% probability under Binomial(n, 1/2)
    lo_rank, hi_rank = int(iv["low"]), int(iv["high"])
    assert binom.cdf(hi_rank - 1, 100, 0.5) - binom.cdf(lo_rank - 1, 100, 0.5) >= 0.95 - 1e-9
    rng = np.random.default_rng(0)
    w = [E.median_interval(rng.uniform(size=n)) for n in (100, 1600)]
    width = [v["high"] - v["low"] for v in w]
    assert width[1] < width[0] / 2.5  # ~1/sqrt(n): a 16x sample is ~4x narrower


def test_median_interval_counts_the_worlds_it_leaves_out():
    iv = E.median_interval(np.array([1.0, 2.0, np.nan, 3.0, np.nan]))
    assert iv["n"] == 3 and iv["left_out"] == 2 and iv["value"] == 2.0


def test_drivers_rank_the_input_that_moves_the_outcome_and_rank_censored_dates_last():
    rng = np.random.default_rng(1)
    n = 2000
    a, b = rng.uniform(size=n), rng.uniform(size=n)
    date = 5 + 10 * a + rng.normal(0, 0.1, n)
    date[a > 0.9] = np.nan  # the latest worlds never get there: they must rank last, not drop out
    flag = a + 0.01 * rng.normal(size=n) < 0.3
    d = E.drivers({"t_superhuman": date, "unverified_takeoff": flag}, {"in:x.a": a, "in:x.b": b}, years=30.0)
    top = d["t_superhuman"]["rows"]
    assert top[0]["path"] == "x.a" and top[0]["rho"] > 0.95
    assert abs(next(r for r in top if r["path"] == "x.b")["rho"]) < 0.1
    assert d["t_superhuman"]["censored"] == pytest.approx(np.mean(a > 0.9))
    f = d["unverified_takeoff"]["rows"][0]
    assert f["path"] == "x.a" and f["rho"] < -0.7 and f["low"] < f["rho"] < f["high"]


def test_drivers_say_when_an_outcome_does_not_vary():
    d = E.drivers({"p_catastrophe": np.zeros(50)}, {"in:x.a": np.arange(50.0)}, years=30.0)
    assert d["p_catastrophe"]["rows"] == [] and "does not vary" in d["p_catastrophe"]["note"]


@pytest.mark.parametrize("source,kind", [
    ("assumption", "assumption"), ("assumption; Hubinger et al. 2024", "assumption"),
    ("ASSUMPTION (no published estimate)", "assumption"), ("Epoch AI 2024; assumption", "partly assumed"),
    ("Villalobos et al. 2024", "sourced"), ("", "assumption")])
def test_assumption_kind_reads_the_declared_source(source, kind):
    assert E.assumption_kind(source) == kind


@pytest.mark.parametrize("name", ["baseline", "essay-cast"])
def test_input_kinds_agree_with_the_declarations(name):
    sc = load_scenario(name)
    k = E.input_kinds(sc)
    assert k["total"] == len(scenario_specs())
    assert k["sampled"] == len(sc.uncertain_paths()) and k["sampled"] + k["fixed"] == k["total"]
    assert k["assumptions"] == sum(1 for s in scenario_specs() if s.source.lower().startswith("assumption"))
    assert k["assumptions_fixed"] + k["assumptions_sampled"] == k["assumptions"]


def test_capability_anchors_sit_where_the_declarations_put_them(monkeypatch):
    from recloop.mechanisms import horizon as H

    sc = parse_scenario({"name": "t", "risk": {"danger_flop": 1e30},
                         "horizon": {"oom_per_doubling": 0.5, "p50_hours_at_1e25": 1.0, "reasoning_gain_oom": 1.0}})
    O = {"capability_at_takeoff_start": np.array([2.0, 3.0, np.nan]),
         "in:milestones.superhuman_oom": np.array([5.0, 5.0, 5.0])}
    anchors = E.capability_anchors(sc, O, start=np.array([26.0, 27.0, 26.5]))
    by = {a["kind"]: a["y"] for a in anchors if a["kind"] != "horizon"}
    assert by["start"] == pytest.approx(26.5) and by["danger"] == pytest.approx(30.0)
    # per world: takeoff at 28 and 30 (median 29), superhuman 5 OOM beyond (median 34)
    assert by["takeoff"] == pytest.approx(29.0) and by["superhuman"] == pytest.approx(34.0)
    assert [a["y"] for a in anchors if a["kind"] == "threshold"] == [25.0, 26.0]
    # METR's 50% horizons: log2 h = log2 h_ref + (E + G - 25) / oom_per_doubling, so a work day (8 h) at
    # 25 + 0.5 x 3 - G, G = 1 OOM of reasoning gain (the full gain at the 2027 start)
    hz = {a["label"].split(": ", 1)[1].split(" (")[0]: a["y"] for a in anchors if a["kind"] == "horizon"}
    assert hz["1 work day"] == pytest.approx(25 + 0.5 * 3 - 1.0)
    assert hz["1 work week"] == pytest.approx(25 + 0.5 * np.log2(40) - 1.0)
    assert H.capability_for_horizon(2000.0, {"horizon.oom_per_doubling": 0.5, "horizon.p50_hours_at_1e25": 1.0}) - 1.0 \
        == pytest.approx(hz["1 work year"])
    # a module-level capability_anchors(scenario) in recloop.mechanisms.horizon replaces them
    monkeypatch.setattr(H, "capability_anchors", lambda scenario: [(29.5, "METR 50% horizon: 1 week")], raising=False)
    hz = [a for a in E.capability_anchors(sc, O) if a["kind"] == "horizon"]
    assert hz == [{"y": 29.5, "label": "METR 50% horizon: 1 week", "kind": "horizon"}]


def _paired_view(policy, t_sup, final, halted):
    n = len(t_sup)
    return {"policy": policy, "samples": n, "paired": {
        "sample": list(range(n)), "t_superhuman": t_sup, "final_effective_compute": final,
        "years_halted": halted, "output_lost": None}}


def test_compare_costs_of_a_policy_against_itself_are_zero_and_a_shift_is_its_delay():
    t = [1.0, 2.0, 3.0, 4.0, None, 6.0, 7.0, 8.0]
    base = _paired_view("none", t, [40.0] * 8, [0.0] * 8)
    later = _paired_view("pause", [None if x is None else x + 1.5 for x in t[:-1]] + [None], [39.0] * 8, [2.0] * 8)
    same, shifted = compare_costs([base, base]), compare_costs([base, later])
    assert same[1]["delay_years"]["value"] == 0 and same[1]["held_past_horizon"]["value"] == 0
    c = shifted[1]
    assert c["delay_years"]["value"] == pytest.approx(1.5) and c["delay_years"]["n"] == 6
    assert c["held_past_horizon"]["k"] == 1 and c["held_past_horizon"]["n"] == 7
    assert c["forgone_oom"]["value"] == pytest.approx(1.0) and c["years_halted"]["value"] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="same worlds"):
        compare_costs([base, {**later, "paired": {**later["paired"], "sample": list(range(1, 9))}}])


def test_report_and_cli_summary_show_intervals_drivers_assumptions_in_readable_names(tmp_path):
    import json
    import os
    import subprocess

    env = dict(os.environ, RECLOOP_HOME=str(tmp_path / "home"))
    out = subprocess.run([sys.executable, "-m", "recloop.cli", "run", "--samples", "300", "--out", str(tmp_path / "r")],
                         capture_output=True, text=True, env=env, check=True).stdout
    assert "95% CI" in out and "what drives it" in out and "unsourced assumption" in out
    assert "vastly superhuman" in out and "t_superhuman" not in out and "p_catastrophe" not in out
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    ev = summary["evidence"]
    iv = ev["intervals"]["share:unverified_takeoff"]
    assert iv["low"] <= iv["value"] <= iv["high"] and iv["n"] == 300
    assert ev["driver_worlds"] == 300 and ev["drivers"]["unverified_takeoff"]["rows"]
    page = (tmp_path / "r" / "report.html").read_text()
    for text in ("95% CI", "What drives it", "What is sampled and what is assumed", "danger level"):
        assert text in page


def test_pages_take_the_summarys_own_intervals_where_it_gives_them():
    iv = E.headline_intervals({"unverified_takeoff": np.array([True, False, False, False])}, 2027.0)
    summary = {"samples": 4, "alignment": {"p_unverified_takeoff": 0.25, "p_unverified_takeoff_ci": [0.05, 0.7],
                                           "p_superhuman": 0.5, "p_unverified_given_superhuman": 0.5,
                                           "p_unverified_given_superhuman_ci": [0.09, 0.91],
                                           "unverified_undecided": 0.5}}
    out = E.prefer_summary(iv, summary)
    assert out["share:unverified_takeoff"]["low"] == 0.05 and out["share:unverified_takeoff"]["from"] == "summary"
    assert out["share:unverified_given_superhuman"]["n"] == 2
    assert out["undecided:unverified_takeoff"]["value"] == 0.5
    assert E.prefer_summary(iv, {"samples": 4}) == iv  # a summary without intervals changes nothing


def test_compare_costs_carry_output_lost_when_the_worlds_have_actors():
    from recloop.report.html import compare_cells

    base = _paired_view("none", [1.0, 2.0], [40.0, 40.0], [0.0, 0.0])
    pause = _paired_view("pause", [2.0, 3.0], [39.0, 39.0], [1.0, 1.0])
    base["paired"]["output_lost"], pause["paired"]["output_lost"] = [0.0, 0.0], [0.5, 1.5]
    c = compare_costs([base, pause])[1]
    assert c["output_lost"]["value"] == pytest.approx(1.0)
    one = compare_costs([_paired_view("none", [1.0], [40.0], [0.0]), _paired_view("p", [1.0], [40.0], [0.0])])[1]
    assert one["output_lost"] is None
    rows = [{"policy": "p", "unverified_takeoff": None, "p_catastrophe": None, "costs": {**one, "is_reference": False},
             "top_driver": {"unverified_takeoff": None}}]
    assert compare_cells(rows)[0]["lost"] == "- (one developer)"


def test_inputs_line_names_the_fixed_unsourced_assumptions():
    from recloop.report.html import inputs_line

    sc = load_scenario("baseline")
    ev = {"inputs": E.input_kinds(sc)}
    fixed = [s.path for s in scenario_specs()
             if s.source.lower().startswith("assumption") and s.path not in sc.uncertain_paths()]
    line = inputs_line(ev)
    assert fixed and all(p in line for p in fixed)
    assert not any(p in line for p in sc.uncertain_paths())

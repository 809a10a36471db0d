"""Closed forms of the anchored world model's mechanisms, and single-developer tests of every halt
response and containment lever (issue 13)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recloop.engine import simulate, start_capability
from recloop.mechanisms import economy, generations, physical, software
from recloop.policy import parse_policy
from recloop.scenario import Compute, Economy, load_scenario, parse_scenario


def _defaults(block, prefix):
    return {f"{prefix}.{k}": getattr(block, k) for k in type(block).model_fields}


P = {**_defaults(Compute(), "compute"), **_defaults(Economy(), "economy")}


# ----------------------------------------------------------------- closed forms


def test_research_input_ces_limits():
    labour, compute = np.array([4.0, 0.5, 9.0]), np.array([0.25, 2.0, 1.0])
    # sigma -> 1: Cobb-Douglas L^w C^(1-w)
    m, share = software.research_input(labour, compute, 0.3, 1.0)
    np.testing.assert_allclose(m, labour ** 0.3 * compute ** 0.7, rtol=1e-12)
    np.testing.assert_allclose(share, 0.3)
    # sigma -> 0: Leontief min(L, C)
    m, _ = software.research_input(labour, compute, 0.5, 1e-3)
    np.testing.assert_allclose(m, np.minimum(labour, compute), rtol=2e-3)
    # sigma -> infinity: linear w L + (1-w) C
    m, _ = software.research_input(labour, compute, 0.5, 1e6)
    np.testing.assert_allclose(m, 0.5 * labour + 0.5 * compute, rtol=1e-5)
    # on the trend path both inputs are 1 and so is research input, whatever sigma
    for sigma in (0.2, 0.7, 1.0, 2.5):
        assert software.research_input(1.0, 1.0, 0.4, sigma)[0] == pytest.approx(1.0, abs=1e-12)
    # labour share 1: compute plays no part
    assert software.research_input(3.0, 1e-9, 1.0, 0.5)[0] == pytest.approx(3.0)


def test_economy_without_ai_reduces_to_its_trend():
    ln_y = np.array([0.0, 0.3, 0.9])
    z = np.zeros(3)
    np.testing.assert_allclose(economy.spend_cap(ln_y, z, P), P["economy.max_spend_share"] * 1.1e14 * np.exp(ln_y))
    np.testing.assert_allclose(economy.output_growth(z, P), P["economy.output_growth"])
    # full adoption: the automated share and the boosted growth
    one = np.ones(3)
    np.testing.assert_allclose(economy.spend_cap(ln_y, one, P), P["economy.automated_spend_share"] * 1.1e14 * np.exp(ln_y))
    np.testing.assert_allclose(economy.output_growth(one, P), P["economy.output_growth"] + P["economy.ai_growth_boost"])


def test_engine_economy_without_ai_follows_its_trend():
    sc = parse_scenario({"name": "no-ai", "automation": {"midpoint_data_flop": 1e44, "midpoint_arch_flop": 1e44,
                                                          "midpoint_code_flop": 1e44, "width_oom": 0.05}})
    r = simulate(sc, samples=1, years=10)
    expected = np.log10(1.1e14) + 0.03 * r.times / math.log(10)
    np.testing.assert_allclose(r.trajectories["world_output_usd"][0], expected, atol=2e-6)


def test_power_ceiling_is_met_at_its_analytic_time():
    # the developer's plan P0 2^t meets its share of AI's share of world generation W0 1.025^t
    plan0, g = 5e9, math.log(2.0)
    ceiling0 = 0.2 * 0.1 * 3.4e12
    t_star = physical.analytic_ceiling_time(plan0, g, ceiling0, math.log(1.025))
    ts = np.array([t_star - 1e-6, t_star + 1e-6])
    watts, binds = physical.developer_power_w(g * ts, math.log(1.025) * ts, P)
    assert list(binds) == [False, True]
    assert watts[1] == pytest.approx(ceiling0 * 1.025 ** t_star, rel=1e-6)


def test_engine_power_in_use_reaches_the_ceiling_on_time():
    """No AI build-out, chips and spending abundant: the developer's power is its plan until the
    analytic date, then the world's ceiling, exactly."""
    sc = parse_scenario({"name": "power", "compute": {"buildout_boost": 0.0, "fab_share": 1.0, "fab_headroom": 1000.0,
                                                      "fab_output_flops_per_year": 1e25},
                         "economy": {"max_spend_share": 0.3, "automated_spend_share": 0.3}})
    r = simulate(sc, samples=1, years=12)
    t_star = physical.analytic_ceiling_time(5e9, math.log(2.0), 0.2 * 0.1 * 3.4e12, math.log(1.025))
    power = r.trajectories["power_gw"][0].astype(float)
    late = r.times > t_star + 0.5
    np.testing.assert_allclose(power[late], 0.2 * 0.1 * 3.4e3 * 1.025 ** r.times[late], rtol=1e-5)
    assert r.outcomes["reached_power_ceiling"][0]


def test_fab_ceiling_and_efficiency_limit_bind():
    out, at = physical.fab_output(np.array([0.0, 5.0]), np.array([0.0, 0.5]), P)
    assert list(at) == [False, True]
    assert out[1] == pytest.approx(P["compute.fab_output_flops_per_year"] * P["compute.fab_headroom"] * math.exp(0.5))
    fpw = physical.flops_per_watt(np.array([0.0, 100.0]), P)
    assert fpw[1] / fpw[0] == pytest.approx(P["compute.max_efficiency_gain"])


def test_run_length_is_chosen():
    p = {"compute.max_run_years": 1.25, "generations.latency_wall_years": 0.25,
         "generations.latency_wall_flop": 2e31, "generations.latency_exponent": 0.33}
    # far below the wall: 1/g, capped at the longest run
    assert generations.chosen_run_years(np.array(2.5), np.array(1e26), p) == pytest.approx(0.4)
    assert generations.chosen_run_years(np.array(0.1), np.array(1e26), p) == pytest.approx(1.25)
    # at the wall the floor solves T = T_w (R T / C_w)^a
    rate = np.array(1e33)
    t = generations.chosen_run_years(np.array(100.0), rate, p)
    assert t == pytest.approx(0.25 * (rate * t / 2e31) ** 0.33, rel=1e-9)
    # removing the wall never lengthens a run
    free = {**p, "generations.latency_wall_flop": 1e45}
    assert generations.chosen_run_years(np.array(100.0), rate, free) <= t


def test_the_deployed_generation_follows_the_best_run_with_its_lag():
    k = generations.follow(np.array([0.0]), np.array([1.0]), np.array([0.5]), 0.5)
    assert k[0] == pytest.approx(1 - math.exp(-1))
    assert generations.follow(np.array([2.0]), np.array([1.0]), np.array([0.5]), 0.5)[0] == 2.0  # never down


def test_start_capability_is_physical_flop_on_the_algorithmic_trend():
    P0 = {"compute.initial_training_flop": np.array([3e27]), "software.initial_rate_oom_per_year": np.array([0.45])}
    assert start_capability(P0, 2027.0)[0] == pytest.approx(math.log10(3e27) + 0.9)
    assert start_capability(P0, 2025.0)[0] == pytest.approx(math.log10(3e27))


# ----------------------------------------------------------------- halts and containment levers

BASE = load_scenario("baseline")
N = 400


def _run(policy_dict, n=N, seed=5):
    return simulate(BASE, parse_policy({"name": "p", **policy_dict}), samples=n, seed=seed).outcomes


def _trip(response, **kw):
    return {"name": "code", "metric": "automation_code", "threshold": 0.5, "cadence_years": 0.25,
            "response": response} | kw


NONE = _run({})


def test_verification_gate_keeps_deployed_capability_within_verification():
    pol = parse_policy({"name": "gate", "verification": {"release_requires_verification": True, "compute_share": 0.1}})
    r = simulate(BASE, pol, samples=200, seed=5)
    gap = r.trajectories["effective_compute"].astype(float) - r.trajectories["verified_capability"].astype(float)
    start_gap = gap[:, :1]
    # the deployed generation never moves past what verification covers (beyond where it started)
    assert np.nanmax(gap - np.maximum(start_gap, 0.0)) <= 1e-3
    assert not r.outcomes["unverified_takeoff"].any()
    assert (r.outcomes["years_gated"] > 0).any()


def test_tripwire_verification_gate_response_costs_time_and_cuts_unverified_takeoff():
    o = _run({"tripwires": [_trip("verification_gate")]})
    assert o["unverified_takeoff"].mean() < NONE["unverified_takeoff"].mean()
    assert np.nanmedian(o["t_superhuman"]) >= np.nanmedian(NONE["t_superhuman"])


def test_restrict_deployment_slows_progress_for_its_window():
    pol = {"tripwires": [_trip("restrict_deployment", pause_years=2.0)]}
    o = _run(pol)
    fired = ~np.isnan(o["t_first_tripwire"])
    assert fired.mean() > 0.5
    # the integrator's error on these dates: 3x their move when the step is halved, plus a day
    fine = simulate(BASE, parse_policy({"name": "p", **pol}), samples=N, seed=5, max_step_oom=0.05, max_step_years=0.125).outcomes
    tol = 3 * np.nanmax(np.abs(fine["t_superhuman"] - o["t_superhuman"])) + 1 / 365.25
    # AI labour leaves R&D for two years: superhuman comes no earlier in any world
    late, base = np.nan_to_num(o["t_superhuman"][fired], nan=99), np.nan_to_num(NONE["t_superhuman"][fired], nan=99)
    assert np.all(late >= base - tol)
    assert np.nanmedian(o["t_superhuman"]) > np.nanmedian(NONE["t_superhuman"])


def test_fixed_pause_lasts_its_length_and_counts_as_a_halt():
    o = _run({"stop": {"reliability": 1.0, "latency_days": 0.0}, "tripwires": [_trip("fixed_pause", pause_years=1.5, lag_years=0.0)]})
    fired = ~np.isnan(o["t_first_tripwire"]) & (o["t_first_tripwire"] < 28.0)
    took = fired & (o["halts"] == 1)
    np.testing.assert_allclose(o["years_paused"][took], 1.5, atol=1e-6)
    # a halt arriving after the point of no control fails, and pauses nothing
    assert (o["failed_halts"][fired & ~took] >= 1).all() and (o["years_paused"][fired & ~took] == 0).all()
    assert took.mean() > 0.5


def test_stop_reliability_zero_means_every_halt_fails():
    o = _run({"stop": {"reliability": 0.0}, "tripwires": [_trip("pause_until_verified")]})
    fired = ~np.isnan(o["t_first_tripwire"])
    assert (o["halts"] == 0).all() and (o["failed_halts"][fired] >= 1).all()
    assert o["years_paused"].max() == 0.0


def test_stop_latency_delays_the_pause():
    quick = _run({"stop": {"reliability": 1.0, "latency_days": 0.0}, "tripwires": [_trip("fixed_pause", pause_years=1.0, lag_years=0.0)]})
    slow = _run({"stop": {"reliability": 1.0, "latency_days": 180.0}, "tripwires": [_trip("fixed_pause", pause_years=1.0, lag_years=0.0)]})
    # a halt that arrives later finds more worlds past the point of no control: more fail, less is paused,
    # and unverified takeoff is no rarer (paired worlds, 3 standard errors of the difference)
    assert slow["failed_halts"].sum() >= quick["failed_halts"].sum()
    assert slow["years_paused"].sum() <= quick["years_paused"].sum() + 1e-9
    d = slow["unverified_takeoff"].astype(float) - quick["unverified_takeoff"].astype(float)
    assert d.mean() >= -3 * d.std(ddof=1) / math.sqrt(d.size) - 1e-12


def test_deprecation_rolls_back_drifted_lineages():
    pol = {"containment": {"detection_tpr": 0.9, "detection_fpr": 0.0, "deprecate_lineage": True}}
    o = _run(pol)
    assert o["deprecations"].sum() > 0
    assert o["unaligned_capability"].mean() <= NONE["unaligned_capability"].mean()
    # deprecation costs capability: the final frontier is no higher than with no rollback
    assert np.median(o["final_effective_compute"]) <= np.median(NONE["final_effective_compute"]) + 1e-6


def test_false_positives_are_counted_and_cost_capability():
    clean = _run({"containment": {"detection_tpr": 0.0, "detection_fpr": 0.0, "deprecate_lineage": True}})
    noisy = _run({"containment": {"detection_tpr": 0.5, "detection_fpr": 0.5, "deprecate_lineage": True}})
    assert noisy["false_alarms"].sum() > 0 and clean["false_alarms"].sum() == 0  # flags on lineages with no hidden objective
    assert noisy["deprecations"].sum() > 0
    assert np.mean(noisy["final_effective_compute"]) < np.mean(clean["final_effective_compute"])


def test_sandbox_cuts_drift_and_costs_compute_and_time():
    sand = _run({"containment": {"sandbox_catch_rate": 0.9, "sandbox_overhead": 0.2, "sandbox_latency_days": 30.0}})
    assert sand["unaligned_capability"].mean() < NONE["unaligned_capability"].mean()
    assert np.nanmedian(sand["t_superhuman"]) > np.nanmedian(NONE["t_superhuman"])


def test_air_gap_cuts_drift_and_costs_preparation_time():
    gap = _run({"containment": {"air_gap": 0.9}})
    assert gap["unaligned_capability"].mean() < NONE["unaligned_capability"].mean()
    assert np.nanmedian(gap["t_automation_90"]) > np.nanmedian(NONE["t_automation_90"])


def test_a_sample_that_uses_its_step_budget_stops_with_its_status_and_the_run_goes_on():
    from recloop.engine import STATUS

    r = simulate(BASE, parse_policy({"name": "p"}), samples=20, seed=0, max_steps_per_sample=60)
    status = r.outcomes["status"]
    assert (status == STATUS.index("step_budget")).all()
    assert np.isfinite(r.outcomes["t_diverged"]).all() and (r.outcomes["t_diverged"] < 30.0).all()
    full = simulate(BASE, parse_policy({"name": "p"}), samples=20, seed=0)
    assert (full.outcomes["status"] == 0).all()


def test_a_gate_called_with_a_pause_takes_effect_too():
    """Two tripwires at one threshold, one pausing and one gating: the pending pause must not swallow the gate."""
    both = _run({"tripwires": [_trip("pause_until_verified", name="pause", threshold=0.8, cadence_years=0.05),
                               _trip("verification_gate", name="gate", threshold=0.8, cadence_years=0.05)]}, n=200, seed=0)
    gate = _run({"tripwires": [_trip("verification_gate", name="gate", threshold=0.8, cadence_years=0.05)]}, n=200, seed=0)
    assert both["years_gated"].sum() > 0
    assert both["unverified_takeoff"].mean() <= gate["unverified_takeoff"].mean() + 1e-12

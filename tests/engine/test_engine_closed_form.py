"""Closed-form special cases of the recursion loop, checked exactly (or to the stated tolerance)."""

import numpy as np
import pytest

from recloop.engine import simulate
from recloop.mechanisms import automation, data, software
from recloop.mechanisms.containment import detection_over_periods
from recloop.mechanisms.physical import SECONDS_PER_YEAR

NO_AUTOMATION = {"midpoint_data_oom": 12.0, "midpoint_arch_oom": 12.0, "midpoint_code_oom": 12.0, "width_oom": 0.05}
NO_LIMITS = {"fab_share": 1.0, "fab_output_flops_per_year": 1e25, "power_gw": 1000.0}


def test_without_automation_software_follows_the_exogenous_trend_exactly(make_scenario):
    sc = make_scenario(compute=NO_LIMITS, software={"ceiling_oom": 30.0}, automation=NO_AUTOMATION)
    r = simulate(sc, samples=4, years=10)
    s = r.trajectories["software_oom"].astype(float)
    np.testing.assert_allclose(s, np.broadcast_to(0.45 * r.times, s.shape), atol=1e-6)
    np.testing.assert_allclose(r.trajectories["progress_multiplier"], 1.0, rtol=1e-6)


def test_without_automation_compute_follows_investment_times_price_performance(make_scenario):
    sc = make_scenario(compute=NO_LIMITS, software={"ceiling_oom": 30.0}, automation=NO_AUTOMATION)
    r = simulate(sc, samples=2, years=10)
    x0 = 1e27 / (0.4 * 0.4 * 0.3 * SECONDS_PER_YEAR)
    expected = np.log10(x0) + np.log(2.4 * 1.4) * r.times / np.log(10.0)
    # float32 trajectories: 1e-5 OOM is their resolution at log10 ~ 21-26
    np.testing.assert_allclose(r.trajectories["compute_flops"][0], expected, atol=2e-5)
    np.testing.assert_allclose(r.outcomes["bind_budget_years"], 10.0, atol=1e-6)


def test_pure_hyperbolic_software_loop_blows_up_at_the_analytic_time(make_scenario):
    # full automation from the start, constant compute, abundant AI labour (R = 1 + q ~ q):
    # ds/dt = g q0^lambda 10^((lambda - beta) s), which reaches infinity at 1/(g q0^lambda c ln 10)
    g, lam, r, q0 = 0.45, 0.3, 3.0, 100.0
    sc = make_scenario(
        compute={"investment_growth": 1.0, "price_performance_growth": 1.0, "depreciation": 0.0,
                 "power_gw": 1000.0, "efficiency_growth": 1.0, "fab_output_growth": 1.0},
        software={"initial_rate_oom_per_year": g, "returns": r, "parallelization": lam, "ceiling_oom": 30.0},
        automation={"midpoint_data_oom": -2.0, "midpoint_arch_oom": -2.0, "midpoint_code_oom": -2.0,
                    "width_oom": 0.05, "ai_labour_at_start": q0},
    )
    res = simulate(sc, samples=1, years=1.5, report_every=1 / 365.25)
    s = res.trajectories["software_oom"][0]
    c = lam - lam / r
    T = software.hyperbolic_blowup_time(g * q0 ** lam, c)
    t_hit = res.times[np.argmax(s >= 20.0)]
    assert t_hit == pytest.approx(T * (1 - 10 ** (-c * 20)), rel=0.01)


def test_fidelity_compounds_geometrically_with_constant_drift(make_scenario):
    base = 0.1
    sc = make_scenario(
        automation={"midpoint_data_oom": -2.0, "midpoint_arch_oom": -2.0, "midpoint_code_oom": -2.0, "width_oom": 0.05},
        drift={"base_per_generation": base, "verification_protection": 0.0},
    )
    r = simulate(sc, samples=3, years=8)
    gens = r.outcomes["generations"]
    assert (gens >= 3).all()
    np.testing.assert_allclose(r.outcomes["final_fidelity"], (1 - base) ** gens, rtol=1e-6)


def test_ces_research_input_limits():
    f = np.array([0.0, 1.0])
    out = automation.vector_research(f, ai_labour=np.array([50.0, 50.0]), rho=-0.5)
    np.testing.assert_allclose(out, [1.0, 51.0])  # at f = 1 humans add their own unit of labour
    # scarce AI labour is spread with the humans: all 1 + q units count; automation never hurts
    scarce = automation.vector_research(np.array([0.5]), ai_labour=np.array([0.2]), rho=-0.5)
    assert scarce[0] == pytest.approx(1.2)
    grid = automation.vector_research(np.linspace(0, 1, 101), ai_labour=np.full(101, 0.05), rho=-2.0)
    assert (grid >= 1.0 - 1e-12).all()
    # with abundant AI labour the unautomated share bottlenecks: R -> (1-f)^((rho-1)/rho)
    big = automation.vector_research(np.array([0.5]), ai_labour=np.array([1e12]), rho=-0.5)
    assert big[0] == pytest.approx(0.5 ** -3.0, rel=1e-3)


def test_collapse_law_fixed_points():
    p = {"data.collapse_kappa": 0.1, "data.accumulation": 0.0, "data.real_fraction_exponent": 1.0}
    e = 0.0
    for n in range(200):
        e = data.next_deficit(e, 0.25, n, 0.0, p)
    assert e == pytest.approx((1 - 0.25) * 0.1 / 0.25, rel=1e-9)
    # replace with no real data grows linearly; accumulate stays below kappa * pi^2 / 6
    e_rep = e_acc = 0.0
    for n in range(50):
        e_rep = data.next_deficit(e_rep, 0.0, n, 0.0, p)
        e_acc = data.next_deficit(e_acc, 0.0, n, 0.0, {**p, "data.accumulation": 1.0})
    assert e_rep == pytest.approx(50 * 0.1)
    assert e_acc < 0.1 * np.pi ** 2 / 6


def test_detection_over_k_periods():
    assert detection_over_periods(0.2, 3) == pytest.approx(1 - 0.8 ** 3)


def test_collapse_law_with_an_exponent_on_the_synthetic_share():
    # replace: e' = w (e + kappa) with w = (1 - p)^gamma has the fixed point w kappa / (1 - w)
    p = {"data.collapse_kappa": 0.1, "data.accumulation": 0.0, "data.real_fraction_exponent": 2.0}
    e = 0.0
    for n in range(300):
        e = data.next_deficit(e, 0.25, n, 0.0, p)
    w = 0.75 ** 2
    assert e == pytest.approx(w * 0.1 / (1 - w), rel=1e-9)

"""Closed-form special cases of the recursion loop, checked exactly (or to the stated tolerance)."""

import numpy as np
import pytest

from recloop.engine import simulate
from recloop.mechanisms import automation, data, software
from recloop.mechanisms.containment import detection_over_periods
from recloop.mechanisms.physical import SECONDS_PER_YEAR

NO_AUTOMATION = {"midpoint_data_flop": 1e44, "midpoint_arch_flop": 1e44, "midpoint_code_flop": 1e44, "width_oom": 0.05}
NO_LIMITS = {"fab_share": 1.0, "fab_output_flops_per_year": 1e25, "fab_headroom": 1000.0, "power_gw": 1000.0,
             "power_share": 1.0, "ai_power_max_share": 0.9, "world_power_tw": 50.0, "world_power_ceiling_tw": 1000.0}
NO_SPEND_LIMIT = {"max_spend_share": 0.3, "automated_spend_share": 0.3}


def test_without_automation_software_follows_the_exogenous_trend_exactly(make_scenario):
    sc = make_scenario(compute=NO_LIMITS, economy=NO_SPEND_LIMIT, software={"ceiling_oom": 30.0}, automation=NO_AUTOMATION)
    r = simulate(sc, samples=4, years=5)
    s = r.trajectories["software_oom"].astype(float)
    np.testing.assert_allclose(s, np.broadcast_to(0.45 * r.times, s.shape), atol=1e-6)
    np.testing.assert_allclose(r.trajectories["progress_multiplier"], 1.0, rtol=1e-6)


def test_without_automation_compute_follows_investment_times_price_performance(make_scenario):
    sc = make_scenario(compute=NO_LIMITS, economy=NO_SPEND_LIMIT, software={"ceiling_oom": 30.0}, automation=NO_AUTOMATION)
    r = simulate(sc, samples=2, years=5)
    x0 = 3e27 / (0.4 * 0.4 * 0.3 * SECONDS_PER_YEAR)
    expected = np.log10(x0) + np.log(2.4 * 1.4) * r.times / np.log(10.0)
    # float32 trajectories: 1e-5 OOM is their resolution at log10 ~ 21-26
    np.testing.assert_allclose(r.trajectories["compute_flops"][0], expected, atol=2e-5)
    np.testing.assert_allclose(r.outcomes["bind_budget_years"], 5.0, atol=1e-6)


def test_pure_hyperbolic_software_loop_blows_up_at_the_analytic_time(make_scenario):
    # full automation from the start, constant compute, abundant AI labour (R = 1 + q ~ q):
    # ds/dt = g q0^lambda 10^((lambda - beta) s), which reaches infinity at 1/(g q0^lambda c ln 10)
    g, lam, r, q0 = 0.45, 0.3, 3.0, 100.0
    sc = make_scenario(
        compute={"investment_growth": 1.0, "price_performance_growth": 1.0, "depreciation": 0.0,
                 "power_gw": 1000.0, "efficiency_growth": 1.0, "fab_output_growth": 1.0},
        software={"initial_rate_oom_per_year": g, "returns": r, "parallelization": lam, "ceiling_oom": 30.0,
                  "labour_share": 1.0},  # research from labour alone: the textbook hyperbolic loop
        automation={"midpoint_data_flop": 1e24, "midpoint_arch_flop": 1e24, "midpoint_code_flop": 1e24,
                    "width_oom": 0.05, "ai_labour_at_start": q0},
    )
    res = simulate(sc, samples=1, years=1.5, report_every=1 / 365.25)
    s = res.trajectories["software_oom"][0]
    c = lam - lam / r
    T = software.hyperbolic_blowup_time(g * q0 ** lam, c)
    t_hit = res.times[np.argmax(s >= 20.0)]
    assert t_hit == pytest.approx(T * (1 - 10 ** (-c * 20)), rel=0.01)


@pytest.mark.parametrize("step", [0.5, 1.0, 2.0])
def test_fidelity_decays_exponentially_in_capability_gained_whatever_the_release_step(make_scenario, step):
    """Full autonomy, no verification protection: dF/dK = -base F, so F = exp(-base * OOM gained),
    however the gain is split into releases."""
    base = 0.1
    sc = make_scenario(
        automation={"midpoint_data_flop": 1e24, "midpoint_arch_flop": 1e24, "midpoint_code_flop": 1e24, "width_oom": 0.05},
        drift={"base_per_oom": base, "verification_protection": 0.0},
        generations={"step_oom": step},
    )
    r = simulate(sc, samples=3, years=8)
    gained = r.outcomes["final_effective_compute"] - r.trajectories["effective_compute"][:, 0].astype(float)
    assert (gained > 2.0).all()
    # the grids are float32: 1e-5 relative is their resolution at log10 ~ 30
    np.testing.assert_allclose(r.outcomes["final_fidelity"], np.exp(-base * gained), rtol=3e-5)


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
    """The collapse law as an equation in capability: replace has the fixed point (1-p) kappa / p of
    the discrete law; with no real data it grows linearly in OOM; accumulating stays below kappa."""
    p = {"data.collapse_kappa": 0.1, "data.accumulation": 0.0, "data.real_fraction_exponent": 1.0}
    e = data.advance_deficit(0.0, 0.25, 0.0, 200.0, 0.0, p)
    assert e == pytest.approx((1 - 0.25) * 0.1 / 0.25, rel=1e-9)
    assert data.advance_deficit(0.0, 0.0, 0.0, 50.0, 0.0, p) == pytest.approx(50 * 0.1)
    acc = {**p, "data.accumulation": 1.0}
    e_acc, k = 0.0, 0.0
    for _ in range(500):  # accumulate: de/dK = kappa/(K+1)^2, integral kappa (1 - 1/(K+1))
        e_acc = data.advance_deficit(e_acc, 0.0, k, 0.1, 0.0, acc)
        k += 0.1
    assert e_acc < 0.1
    assert e_acc == pytest.approx(0.1 * (1 - 1 / (k + 1)), rel=0.05)


def test_collapse_law_does_not_depend_on_how_the_gain_is_split():
    p = {"data.collapse_kappa": 0.1, "data.accumulation": 0.0, "data.real_fraction_exponent": 1.0}
    one = data.advance_deficit(0.05, 0.4, 0.0, 2.0, 0.2, p)
    half = data.advance_deficit(data.advance_deficit(0.05, 0.4, 0.0, 1.0, 0.2, p), 0.4, 1.0, 1.0, 0.2, p)
    assert one == pytest.approx(half, rel=1e-12)


def test_detection_over_k_periods():
    assert detection_over_periods(0.2, 3) == pytest.approx(1 - 0.8 ** 3)


def test_collapse_law_with_an_exponent_on_the_synthetic_share():
    # replace: e' = w (e + kappa) with w = (1 - p)^gamma has the fixed point w kappa / (1 - w)
    p = {"data.collapse_kappa": 0.1, "data.accumulation": 0.0, "data.real_fraction_exponent": 2.0}
    e = data.advance_deficit(0.0, 0.25, 0.0, 300.0, 0.0, p)
    w = 0.75 ** 2
    assert e == pytest.approx(w * 0.1 / (1 - w), rel=1e-9)

"""AI 2027 takeoff forecast: closed-form phases, published figures, properties, halts."""

from __future__ import annotations

import calendar
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from recloop.params import RecloopInputError
from recloop.reference import ai2027
from recloop.reference._common import Pause, normal_blocks

# ----------------------------------------------------------------------------- closed forms


@settings(max_examples=30, deadline=None)
@given(gap=st.floats(0.01, 500), v_a=st.floats(1, 500), ratio=st.floats(1.01, 50))
def test_phase_duration_solves_the_ode(gap, v_a, ratio):
    v_b = v_a * ratio

    def rhs(t, y):  # progress grows at the multiplier, itself exponential in progress
        return [v_a * (v_b / v_a) ** (y[0] / gap)]

    hit = lambda t, y: y[0] - gap  # noqa: E731
    hit.terminal = True
    sol = solve_ivp(rhs, (0, 10 * gap / v_a), [0.0], events=hit, rtol=1e-10, atol=1e-12)
    assert float(ai2027.phase_years(gap, v_a, v_b)) == pytest.approx(sol.t_events[0][0], rel=1e-6)


def test_constant_multiplier_divides_the_gap():
    assert float(ai2027.phase_years(10.0, 5.0, 5.0)) == 2.0


def _daily_loop(gap_days, v_a, v_b):
    """The published discretisation (one-day Euler steps), for one phase."""
    t = p = 0
    while p < gap_days:
        p += v_a * (v_b / v_a) ** (p / gap_days)
        t += 1
    return t


@pytest.mark.parametrize("gap_years, v_a, v_b", [(4.0, 5, 25), (19.0, 25, 250), (95.0, 250, 2000), (0.3, 5, 25)])
def test_daily_loop_agrees_within_two_days(gap_years, v_a, v_b):
    # the loop rounds up to whole days and its Euler step uses the day's starting multiplier,
    # so it is late by at most one day each
    exact_days = 365.0 * float(ai2027.phase_years(gap_years, v_a, v_b))
    loop_days = _daily_loop(365.0 * gap_years, v_a, v_b)
    assert exact_days <= loop_days <= exact_days + 2.0


def test_sar_to_siar_formula_reproduces_the_papers_cases():
    # takeoff forecast, 'Human-only timeline from SAR to SIAR': 19 years for AMR->SAR = 5, 60 for 10
    for amr, want in ((5.0, 19.0), (10.0, 60.0)):
        inputs = ai2027.AI2027Inputs(amr_to_sar_years=amr, sc_to_sar_years=4.0)
        gaps = ai2027.human_only_gaps(inputs, np.zeros((1, 4)) + np.array([[0, 0, 5, 0]]))
        assert gaps[0, 1] == pytest.approx(want, abs=0.5)


# ----------------------------------------------------------------------------- published figures

N = 200_000
N_PUBLISHED = 5_000  # the published code: "n_sims ... Should be 5000 for full simulation"
# Kokotajlo & Lifland 2025, takeoff forecast figure: 10th/50th/90th percentiles, to the month
PUBLISHED_MONTHS = {
    "SAR": {10: (2027, 3), 50: (2027, 7), 90: (2028, 3)},
    "SIAR": {10: (2027, 5), 50: (2027, 11), 90: (2034, 1)},
    "ASI": {10: (2027, 6), 50: (2028, 4)},
}
TOL = 3.0 * math.sqrt(0.25 * (1 / N + 1 / N_PUBLISHED))  # binomial error of an empirical CDF


@pytest.fixture(scope="module")
def dates():
    out = np.empty((N, 4))
    inputs = ai2027.AI2027Inputs()
    for start, z in normal_blocks(20250403, N, 4):
        out[start:start + len(z)] = ai2027.sample_dates(inputs, z)
    return out


def _decimal(year, month):
    return year + (sum(calendar.monthrange(year, m)[1] for m in range(1, month)) + 1) / 365.0


@pytest.mark.parametrize("milestone", sorted(PUBLISHED_MONTHS))
def test_milestone_quantiles_fall_in_the_published_months(dates, milestone):
    # a published percentile q in month m means F(start of m) <= q <= F(end of m), up to the
    # Monte Carlo error of both empirical CDFs (3 standard errors) and a 1-day discretisation
    k = ai2027.MILESTONES.index(milestone)
    col = dates[:, k]
    for q, (year, month) in PUBLISHED_MONTHS[milestone].items():
        lo = _decimal(year, month) - 1 / 365
        hi = _decimal(year + (month == 12), month % 12 + 1) + 1 / 365
        assert (col < lo).mean() <= q / 100 + TOL, (milestone, q)
        assert (col < hi).mean() >= q / 100 - TOL, (milestone, q)


def test_asi_ninetieth_percentile_beyond_2100(dates):
    assert (dates[:, 3] > 2100).mean() >= 0.10 - TOL


def test_phase_durations_match_the_published_summaries(dates):
    sc_sar = dates[:, 1] - dates[:, 0]
    siar_asi = dates[:, 3] - dates[:, 2]
    # 'Time between SC and SAR: 0.3 years (15% 0 years, 90th percentile 0.95 years)'
    assert (sc_sar == 0).mean() == pytest.approx(0.15, abs=TOL)
    assert np.median(sc_sar) == pytest.approx(0.3, abs=0.05)  # published to one significant figure
    assert np.quantile(sc_sar, 0.9) == pytest.approx(0.95, abs=0.05)
    # 'Time between SIAR and ASI: 0.16 years (80% CI: 0.01 to >100)'
    assert np.median(siar_asi) == pytest.approx(0.16, abs=0.01)
    assert np.quantile(siar_asi, 0.9) > 100


# ----------------------------------------------------------------------------- properties


def test_higher_multipliers_bring_asi_earlier():
    slow = ai2027.run(samples=20_000, seed=2)
    fast = ai2027.run(ai2027.AI2027Inputs(multiplier_sar=50.0, multiplier_siar=500.0), samples=20_000, seed=2)
    assert fast.milestones["ASI"]["p50"] < slow.milestones["ASI"]["p50"]
    assert fast.p_asi_before["2028"] > slow.p_asi_before["2028"]


def test_same_seed_same_result():
    assert ai2027.run(samples=2000, seed=0) == ai2027.run(samples=2000, seed=0)
    assert ai2027.run(samples=2000, seed=0) != ai2027.run(samples=2000, seed=1)


def test_dates_are_ordered():
    z = next(normal_blocks(11, 5000, 4))[1]
    d = ai2027.sample_dates(ai2027.AI2027Inputs(), z)
    assert np.all(np.diff(d, axis=1) >= 0)


@settings(max_examples=20, deadline=None)
@given(years=st.floats(0.1, 5.0), milestone=st.sampled_from(["SC", "SAR", "SIAR"]))
def test_pause_at_a_milestone_delays_later_milestones_by_its_length(years, milestone):
    z = next(normal_blocks(4, 500, 4))[1]
    inputs = ai2027.AI2027Inputs()
    base = ai2027.sample_dates(inputs, z)
    held = ai2027.sample_dates(inputs, z, pause=Pause(milestone=milestone, years=years))
    k = ai2027.MILESTONES.index(milestone)
    np.testing.assert_allclose(held[:, : k + 1], base[:, : k + 1])
    np.testing.assert_allclose(held[:, k + 1:], base[:, k + 1:] + years)


def test_pause_on_the_multiplier_lands_in_the_right_phase():
    z = next(normal_blocks(4, 500, 4))[1]
    inputs = ai2027.AI2027Inputs()
    base = ai2027.sample_dates(inputs, z)
    held = ai2027.sample_dates(inputs, z, pause=Pause(multiplier=100.0, years=1.0))  # between SAR and SIAR
    # a SAR->SIAR phase that hits the 1,000-year cap never reaches 100x, so it is never paused
    reached = (base[:, 2] - base[:, 1]) < inputs.max_phase_years - 1e-9
    assert reached.mean() > 0.9
    np.testing.assert_allclose(held[:, :2], base[:, :2])
    np.testing.assert_allclose(held[reached, 2:], base[reached, 2:] + 1.0)
    np.testing.assert_allclose(held[~reached], base[~reached])
    never = ai2027.sample_dates(inputs, z, pause=Pause(multiplier=1e6, years=1.0))
    np.testing.assert_allclose(never, base)


def test_pause_lowers_p_asi_before_2028():
    base = ai2027.run(samples=20_000, seed=0)
    held = ai2027.run(samples=20_000, seed=0, pause=Pause(milestone="SAR", years=0.5))
    assert held.p_asi_before["2028"] < base.p_asi_before["2028"]


def test_bad_inputs():
    with pytest.raises(RecloopInputError, match="variant"):
        ai2027.run(samples=10, variant="daily")
    with pytest.raises(RecloopInputError, match="milestone"):
        ai2027.run(samples=10, pause=Pause(milestone="ASI", years=1.0))
    with pytest.raises(RecloopInputError, match="progress_years"):
        ai2027.run(samples=10, pause=Pause(progress_years=2.0, years=1.0))

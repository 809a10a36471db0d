"""Compute monitoring as evidence (issue 18) and detection per unit time (issue 16, item 5):
closed forms, directions and invariances."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recloop.governance import covert, evidence, monitoring, regimes
from recloop.governance.evidence import Evidence, Grants, simulate_evidence
from recloop.params import RecloopInputError

CHIPS = Grants(channels={"chip_accounting": 0.0}, check_years=0.01, threshold_probability=0.8)
PROJECT = covert.CovertProject(divert_share=0.1)


def _se(p, n):
    return np.sqrt(max(p * (1 - p), 1e-4) / n)


def _clock_rate(project=PROJECT, ev=None):
    ev = ev or Evidence()
    return float(ev.estimates_per_year * evidence.information_rates(np.array([0.0]), project, ev)["chip_accounting"][0])


# ---------------------------------------------------------------- closed forms
def test_one_channel_with_a_constant_likelihood_ratio_reaches_the_threshold_at_the_analytic_time():
    # expected evidence: log-LR = I t / 2 (a constant LR e^(I/2) per year); threshold at D
    g = Grants(channels={"chip_accounting": 0.0}, check_years=0.05, threshold_probability=0.8)
    run = simulate_evidence(PROJECT, g, years=20.0, samples=3, noise=False)
    ev = Evidence()
    D = np.log(4.0 / ev.prior_odds)
    want = np.ceil(2 * D / _clock_rate() / 0.05 - 1e-9) * 0.05
    assert run.distance == pytest.approx(D)
    assert np.allclose(run.times["combined"], want)


def test_one_noisy_channel_follows_the_inverse_gaussian_first_passage():
    n = 20_000
    run = simulate_evidence(PROJECT, CHIPS, years=4.0, samples=n, seed=1)
    rate, D = _clock_rate(), run.distance
    for t in (0.5, 1.0, 2.0, 4.0):
        got = run.p_detected(by=t)
        cont = float(evidence.first_passage_cdf(rate * t, D))
        # checks every 0.01 yr see the path only at the checks: the boundary is crossed later
        # by about 0.5826 sd of one check's increment (Siegmund's correction)
        disc = float(evidence.first_passage_cdf(rate * t, D + 0.5826 * np.sqrt(rate * 0.01)))
        assert disc - 3 * _se(disc, n) <= got <= cont + 3 * _se(cont, n)


def test_zero_covert_worlds_accuse_only_at_the_rate_the_threshold_implies():
    n = 40_000
    ev = Evidence()
    g = Grants(channels={"chip_accounting": 0.0}, check_years=0.01, threshold_probability=0.8)
    run = simulate_evidence(PROJECT, g, years=30.0, samples=n, seed=2, covert_present=False)
    D = run.distance
    bound = np.exp(-D)  # = prior odds / threshold odds (Wald): 0.25 / 4
    assert bound == pytest.approx(ev.prior_odds / 4.0)
    got = run.p_detected()
    tau = _clock_rate() * 30.0
    cont = float(evidence.false_alarm_cdf(tau, D))
    disc = float(evidence.false_alarm_cdf(tau, D + 0.5826 * np.sqrt(_clock_rate() * 0.01)))
    assert cont <= bound
    assert disc - 3 * _se(disc, n) <= got <= cont + 3 * _se(cont, n)
    # every channel together, any cadence: the LR is a martingale without a project, so
    # accusations never exceed the bound (checks only lower them)
    for cadence in (0.05, 1.0):
        allch = Grants(channels={c: 0.0 for c in evidence.CHANNELS}, check_years=cadence, threshold_probability=0.8,
                       registered_share=0.9)
        r0 = simulate_evidence(PROJECT, allch, years=10.0, samples=n, seed=3, covert_present=False)
        assert r0.p_detected() <= bound + 3 * _se(bound, n)
        assert r0.p_detected() > 0  # false accusations exist and are counted


def test_independent_channels_combine_no_slower_than_the_fastest():
    # accounting channels alone: the clock rates add, so the median time scales as 1 / sum
    proj = PROJECT.model_copy(update=dict(sme_divert_share=0.08, fab_h100e_per_year=1e4))
    ev = Evidence()
    rates = evidence.information_rates(np.array([0.0]), proj, ev)
    D = np.log(4.0 / ev.prior_odds)
    med = evidence.first_passage_median(D)
    alone = {c: med / rates[c][0] for c in ("chip_accounting", "sme")}
    both = med / (rates["chip_accounting"][0] + rates["sme"][0])
    assert both <= min(alone.values())
    # and in simulation, for the accounting pair and for every channel on the default project
    for chans, p in (({"chip_accounting": 0.0, "sme": 0.0}, proj), ({c: 0.0 for c in evidence.CHANNELS}, PROJECT)):
        run = simulate_evidence(p, Grants(channels=chans, check_years=0.05, registered_share=0.9), years=10.0,
                                samples=8000, seed=4)
        fastest = min(run.quantiles(c)[1] for c in chans)
        assert run.quantiles("combined")[1] <= fastest


# ---------------------------------------------------------------- directions
def _p1(project=PROJECT, grants=None, ev=None, by=2.0, n=8000):
    g = grants or Grants(channels={c: 0.0 for c in evidence.CHANNELS}, check_years=0.25, registered_share=0.9)
    return simulate_evidence(project, g, ev, years=by, samples=n, seed=7).p_detected(by=by)


def test_a_larger_covert_project_is_found_sooner():
    n = 8000
    small = covert.CovertProject(divert_share=0.03, concealed_gw_per_year=0.2, researchers=100)
    large = covert.CovertProject(divert_share=0.3, concealed_gw_per_year=3.0, researchers=2000)
    ps, pl = _p1(small, n=n), _p1(large, n=n)
    assert pl > ps + 3 * _se(ps, n)
    # the workforce leak clock alone: more workers, a shorter mean time to a leak
    assert evidence.leak_mean_years(10_000, Evidence()) < evidence.leak_mean_years(1_000, Evidence()) == pytest.approx(3.42)


def test_a_larger_estimate_error_delays_detection():
    g = Grants(channels={"chip_accounting": 0.0}, check_years=0.25)
    sharp = simulate_evidence(PROJECT, g, Evidence(chip_median_error=0.05), years=10.0, samples=8000, seed=8)
    blurred = simulate_evidence(PROJECT, g, Evidence(chip_median_error=0.15), years=10.0, samples=8000, seed=8)
    assert blurred.quantiles()[1] > sharp.quantiles()[1]
    assert blurred.p_detected(by=3.0) < sharp.p_detected(by=3.0)


def test_telemetry_under_disguise_detects_less_than_without():
    g = Grants(channels={"telemetry": 0.0}, check_years=0.05, registered_share=0.9)
    n = 8000
    plain = simulate_evidence(PROJECT, g, Evidence(telemetry_tpr=0.98), years=1.0, samples=n, seed=9)
    disguised = simulate_evidence(PROJECT, g, Evidence(telemetry_tpr=0.43), years=1.0, samples=n, seed=9)
    pp, pd = plain.p_detected(by=0.25), disguised.p_detected(by=0.25)
    assert pd < pp - 3 * _se(pp, n)


def test_channels_open_with_the_phase_of_the_agreement():
    early = Grants(channels={"chip_accounting": 0.0}, check_years=0.25)
    late = Grants(channels={"chip_accounting": 2.0}, check_years=0.25)
    e = simulate_evidence(PROJECT, early, years=6.0, samples=4000, seed=10)
    la = simulate_evidence(PROJECT, late, years=6.0, samples=4000, seed=10)
    assert la.times["combined"].min() > 2.0 and e.times["combined"].min() < 2.0


# ---------------------------------------------------------------- covert stocks
def test_covert_stocks_follow_their_lead_times_and_the_binding_limit():
    p = covert.CovertProject(divert_share=0.1, host_stock_h100e=1e6, diverted_dc_gw=0.085, concealed_gw_per_year=1.0,
                             concealed_lead_years=1.0, fab_h100e_per_year=1e5, fab_lead_years=4.0, utilization=0.5)
    t = np.array([0.0, 0.5, 2.0, 6.0])
    div, fab = covert.covert_chips_h100e(t, p)
    assert np.all(div == 1e5) and np.allclose(fab, [0, 0, 0, 2e5])
    _, cgw = covert.covert_power_gw(t, p)
    assert np.allclose(cgw, [0, 0, 1.0, 5.0])
    f = covert.covert_usable_flops(t, p)
    # at the start power binds: 0.085 GW / 1,700 W = 5e4 powered H100e of the 1e5 diverted
    assert f[0] == pytest.approx(0.5 * p.flops_per_h100e * 0.085e9 / 1700.0)
    # later the chips bind: 1e5 diverted + fab output
    assert f[-1] == pytest.approx(0.5 * p.flops_per_h100e * 3e5)
    # the engine passes its own installed compute for the stock diverted (plus the fab's 6e5 H100e)
    assert covert.covert_usable_flops(10.0, p, host_flops=2e21) == pytest.approx(0.5 * (0.1 * 2e21 + 6e5 * p.flops_per_h100e))
    # and each row's covert share, per row (installed FLOP/s: the engine applies utilisation itself)
    rows = covert.covert_installed_flops(np.array([10.0, 10.0]), p, host_flops=np.array([2e21, 2e21]),
                                         divert_share=np.array([0.1, 0.2]))
    assert np.allclose(rows, [0.1 * 2e21 + 6e5 * p.flops_per_h100e, 0.2 * 2e21 + 6e5 * p.flops_per_h100e])


# ---------------------------------------------------------------- issue 16 item 5: cadence
def test_detection_per_year_is_the_same_for_any_check_cadence():
    from recloop.engine import simulate
    from recloop.policy import Policy, Tripwire
    from recloop.scenario import load_scenario, parse_scenario

    d = load_scenario("baseline").model_dump(mode="json")
    d["actors"] = [{"name": "covert", "jurisdiction": "X", "strategy": "covert", "covert_share": 1.0},
                   {"name": "other", "jurisdiction": "X", "strategy": "race"}]
    s = parse_scenario(d)
    # declared at t = 1 (the tripwire's first evaluation); the horizon one year later
    trip = Tripwire(name="pause-at-one", metric="capability_oom", threshold=-50.0, cadence_years=1.0,
                    response="fixed_pause", pause_years=5.0, lag_years=0.0)
    q = 0.5
    n = 60_000
    got = {}
    for cadence in (0.05, 0.25, 1.0):
        mon = dict(detection="rate", registered_share=1.0, telemetry_tpr=q, accounting_rate_per_year=0.0, base_rate_per_year=0.0,
                   period_years=cadence)
        # the rate model: the same probability per year whatever the period
        assert 1 - (1 - monitoring.detection_per_period(1e20, **{k: v for k, v in mon.items() if k != "detection"})) ** (1 / cadence) == pytest.approx(q, rel=1e-12)
        r = simulate(s, Policy(tripwires=[trip], monitoring=mon), samples=n, seed=5, years=2.0)
        assert r.outcomes["actor_defected_covert"].all()
        got[cadence] = r.outcomes["actor_detected_covert"].mean()
    for p in got.values():
        assert abs(p - q) < 3 * _se(q, n)
        assert abs(p / got[0.25] - 1) < 0.02


def test_defection_weighs_the_expected_pause_of_the_response_in_force():
    # closed form: a fixed pause is its length; a pause until verified lasts until the human
    # part of verification closes the gap V (1/coverage - 1), at most max_pause_years
    T = monitoring.expected_pause_years(np.array([2, 1, 1, 1]), 0.5, coverage=np.array([0.2, 0.5, 2.0, 1e-6]),
                                        human_rate=0.5, safety_effort=2.0, human_coverage_now=np.array([1.0, 1.0, 1.0, 1.0]),
                                        max_pause_years=5.0)
    assert np.allclose(T, [0.5, 1.0, 0.0, 5.0])
    # the compute part of verification grows with effective compute: 10x short at 1 OOM/yr is a year
    T = monitoring.expected_pause_years(1, 0.5, coverage=0.1, human_rate=0.0, safety_effort=1.0, human_coverage_now=0.0,
                                        machine_coverage_now=1.0, machine_growth_oom_per_year=1.0, max_pause_years=5.0)
    assert float(T) == pytest.approx(1.0, abs=1e-9)
    # in the engine: a member weighs the pause until verified, not its (unused) pause_years
    import sys

    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from test_gov_engine import PAUSE, _treaty_world

    from recloop.engine import simulate
    from recloop.governance.monitoring import regime
    from recloop.policy import Policy

    w = _treaty_world()
    out = []
    for years in (0.01, 5.0):
        tw = PAUSE.model_copy(update={"response": "pause_until_verified", "pause_years": years})
        pol = Policy(tripwires=[tw], monitoring={**regime("none"), "detection": "rate"},
                     treaty={"members": ["US", "EU"], "sanction_cost": 0.5, "sanction_supply_cut": 0.5})
        out.append(simulate(w, pol, samples=30, seed=4, years=3).outcomes["defections"])
    assert out[0].mean() > 0  # the 0.01-year pause_years alone would leave no gain to defect for
    assert np.array_equal(out[0], out[1])


# ---------------------------------------------------------------- regimes and the game
def test_the_pause_threshold_of_the_halt_game_is_where_pausing_stops_paying():
    from recloop.games.halt import HaltGame, detection_for_pause, stage_table

    g = HaltGame()
    q = detection_for_pause(g)
    t = stage_table(g, detection=q)
    u = t.values[:, :, 0]  # row player: (race, pause) vs (pause, pause)
    assert u[0, 1] == pytest.approx(u[1, 1], abs=1e-12)
    # a regime's cost and its false accusations raise the detection a pause needs
    assert detection_for_pause(g, extra_cost=0.02) > q
    assert detection_for_pause(g, false_alarm=0.01) == pytest.approx(q + 0.01)
    assert detection_for_pause(g.model_copy(update={"sanction": 0.0})) == float("inf")


def test_stronger_regimes_detect_more_and_make_pausing_an_equilibrium():
    from recloop.games.halt import HaltGame

    game = HaltGame(sanction=1.0)
    # a small, quiet project: 60 workers, no concealed construction (leaks take decades)
    quiet = covert.CovertProject(divert_share=0.1, concealed_gw_per_year=0.0, researchers=50.0, operating_workers_per_gw=50.0)
    weak = regimes.pause_equilibrium(regimes.preset_policy("intelligence-only"), game, quiet, samples=4000)
    strong = regimes.pause_equilibrium(regimes.preset_policy("telemetry"), game, quiet, samples=4000)
    assert strong["detection_per_year"] > weak["detection_per_year"]
    assert strong["detection_needed"] > weak["detection_needed"]  # the regime costs
    assert strong["pause_is_equilibrium"] and not weak["pause_is_equilibrium"]


def test_bad_regime_input_is_a_one_line_error_naming_the_field():
    with pytest.raises(RecloopInputError, match="verification_regime: unknown preset 'nope'"):
        regimes.preset_policy("nope")
    with pytest.raises(RecloopInputError, match="threshold_probability"):
        simulate_evidence(PROJECT, Grants(channels={}, threshold_probability=1.0))
    from recloop.policy import parse_policy

    with pytest.raises(RecloopInputError, match=r"policy.verification_regime.threshold_probability: .*\[0.5, 0.9999\]"):
        parse_policy({"verification_regime": {"threshold_probability": 2.0}})


def test_same_seed_same_detection_times():
    a = simulate_evidence(PROJECT, CHIPS, years=2.0, samples=500, seed=11)
    b = simulate_evidence(PROJECT, CHIPS, years=2.0, samples=500, seed=11)
    assert all(np.array_equal(a.times[k], b.times[k]) for k in a.times)


def test_monitoring_command_prints_per_channel_and_combined(tmp_path):
    from typer.testing import CliRunner

    from recloop.cli import _register_all, app

    _register_all()
    res = CliRunner().invoke(app, ["monitoring", "essay-cast", "--policy", "treaty-monitoring", "--samples", "300",
                                   "--json", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.output)
    assert set(rep["actors"]) == {"frontier-a", "frontier-b", "fast-follower", "open-source", "state-west", "state-east"}
    a = rep["actors"]["state-east"]
    assert "telemetry" in a["channels"] and a["combined"]["p_by_horizon"] >= max(c["p_by_horizon"] for c in a["channels"].values()) - 0.05
    assert 0 <= a["false_accusation_by_horizon"] <= 1
    assert (tmp_path / "monitoring.png").stat().st_size > 0
    bad = CliRunner().invoke(app, ["monitoring", "--samples", "0"])
    assert bad.exit_code != 0


def test_a_detected_covert_cluster_is_stopped_through_the_stop_protocol():
    import sys

    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from test_gov_engine import PAUSE, _scenario

    from recloop.engine import simulate
    from recloop.policy import Policy

    s = _scenario([{"name": "c", "jurisdiction": "US", "strategy": "covert", "covert_share": 1.0},
                   {"name": "r", "jurisdiction": "US", "strategy": "unilateral_pause"}], quiet=True, jurisdictions=["US"])
    mon = {"detection": "rate", "registered_share": 1.0, "telemetry_tpr": 1.0, "accounting_rate_per_year": 0.0, "base_rate_per_year": 0.0,
           "period_years": 0.25}

    def run(stop_on, reliability):
        pol = Policy(tripwires=[PAUSE], monitoring=mon, stop={"reliability": reliability, "latency_days": 30.0},
                     treaty={"members": ["US"], "sanction_cost": 0.1, "sanction_supply_cut": 0.0, "stop_on_detection": stop_on})
        return simulate(s, pol, samples=20, seed=3, years=4).outcomes

    free, stopped, broken = run(False, 1.0), run(True, 1.0), run(True, 0.0)
    assert free["actor_detected_c"].all() and stopped["actor_detected_c"].all()
    assert np.all(free["actor_years_paused_c"] == 0)
    # found at the first check (0.5 yr), stopped 30 days later, held for the rest of the 3-year pause
    assert np.allclose(stopped["actor_years_paused_c"], 3.25 - 0.5 - 30 / 365.25, atol=0.1)
    # an unreliable stop protocol: the halt fails and is counted
    assert np.all(broken["actor_years_paused_c"] == 0) and np.all(broken["failed_halts"] >= 1)



@settings(max_examples=60, deadline=None)
@given(tau=st.floats(0.01, 200.0), d=st.floats(0.05, 8.0), dd=st.floats(0.01, 2.0))
def test_first_passage_laws_are_monotone_and_bounded(tau, d, dd):
    # more evidence, sooner; a higher threshold, later; false accusations never above exp(-D)
    assert evidence.first_passage_cdf(tau * 1.5, d) >= evidence.first_passage_cdf(tau, d) - 1e-12
    assert evidence.first_passage_cdf(tau, d + dd) <= evidence.first_passage_cdf(tau, d) + 1e-12
    fa = float(evidence.false_alarm_cdf(tau, d))
    assert 0.0 <= fa <= np.exp(-d) + 1e-12
    assert fa <= float(evidence.first_passage_cdf(tau, d)) + 1e-12


@pytest.mark.parametrize("noise", [False, True])
def test_evidence_accrues_at_the_same_rate_whatever_the_check_cadence(noise):
    # the log-LR accrued in a year does not depend on how often it is read (issue 16 item 5);
    # only a threshold rule read more often crosses a little sooner (discrete monitoring)
    n = 20_000
    got = {}
    for cadence in (0.05, 0.25, 1.0):
        g = Grants(channels={c: 0.0 for c in evidence.CHANNELS}, check_years=cadence, registered_share=0.9)
        r = simulate_evidence(PROJECT, g, years=1.0, samples=n, seed=12, noise=noise)
        got[cadence] = r.mean_log_lr
    for cadence in (0.05, 1.0):
        for c in ("chip_accounting", "telemetry", "combined"):
            assert got[cadence][c] == pytest.approx(got[0.25][c], rel=0.02 if noise else 1e-6)


def test_wide_assumptions_are_drawn_inside_their_stated_ranges_and_reproducible():
    pairs = evidence.draw_wide(Evidence(), PROJECT, 40, seed=1)
    for key, dist in evidence.WIDE.items():
        block, name = key.split(".")
        vals = np.array([getattr(e if block == "evidence" else p, name) for e, p in pairs])
        lo, hi = dist.support()
        assert np.all((vals >= lo - 1e-12) & (vals <= hi + 1e-12))
        # stratified: one draw in each fortieth of the distribution
        u = np.sort((np.log(vals) - np.log(lo)) / (np.log(hi) - np.log(lo)) if dist.dist == "loguniform"
                    else (vals - lo) / (hi - lo))
        assert np.all(np.floor(u * 40) == np.arange(40))
    g = Grants(channels={c: 0.0 for c in evidence.CHANNELS}, check_years=0.25, registered_share=0.9)
    a = evidence.simulate_wide(PROJECT, g, draws=10, years=3.0, samples=1000, seed=2)
    b = evidence.simulate_wide(PROJECT, g, draws=10, years=3.0, samples=1000, seed=2)
    assert a.times["combined"].size == 1000 and np.array_equal(a.times["combined"], b.times["combined"])
    with pytest.raises(RecloopInputError, match="draws"):
        evidence.simulate_wide(PROJECT, g, draws=0, samples=10)

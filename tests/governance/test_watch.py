"""The evidence channels in the engine (recloop.governance.watch, issue 18): closed forms, direction,
invariance to the engine's step and the check cadence, false accusations, the outputs."""

import sys

import numpy as np
import pytest

from recloop.governance import covert, evidence, watch
from recloop.governance.evidence import Evidence, Grants, false_alarm_cdf, first_passage_cdf

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from test_gov_engine import PAUSE, _scenario  # noqa: E402

N = 20_000
F = 0.1           # diverted share
HOST_FLOPS = 1e21
HOST_GW = 1.0


def _watch(channels, ev=None, check=0.01, **g):
    return watch.Watch(Grants(channels=channels, check_years=check, **g), ev or Evidence(), covert.CovertProject())


def _times(w, *, n=N, f_actual=F, f_hyp=F, length=5.0, seed=1, start=0.0, host_gw=HOST_GW):
    return watch.accusation_times(w, np.full(n, start), np.full(n, length), f_hyp=np.full(n, f_hyp),
                                  f_actual=np.full(n, f_actual), host_flops=np.full(n, HOST_FLOPS),
                                  host_gw=np.full(n, host_gw), seed=seed, index=np.arange(n), episode=np.ones(n))


def _se(p, n=N):
    return np.sqrt(max(p * (1 - p), 1e-4) / n)


# ---------------------------------------------------------------- closed forms
def test_one_accounting_channel_gives_the_inverse_gaussian_first_passage():
    """Chip accounting alone: a Brownian log-LR with drift tau/2 on the evidence clock; the
    accusation time (continuous checks) is its first passage to D, an inverse Gaussian."""
    w = _watch({"chip_accounting": 0.0})
    rate = float((-np.log1p(-F) / evidence.sigma_from_median_error(Evidence().chip_median_error)) ** 2)
    t = _times(w)
    for T in (0.5, 1.0, 2.0, 4.0):
        want = float(first_passage_cdf(rate * T, w.distance))
        got = float(np.mean(t <= T + 1e-9))
        assert abs(got - want) < 4 * _se(want) + 0.01, (T, got, want)  # 0.01: the 0.01-yr grid


def test_without_a_project_accusations_come_at_the_rate_the_threshold_implies():
    """H0 (a complier): the log-LR drifts down; it ever reaches D with probability exp(-D)
    (Wald), and by clock time tau with false_alarm_cdf."""
    w = _watch({"chip_accounting": 0.0})
    rate = float((-np.log1p(-F) / evidence.sigma_from_median_error(Evidence().chip_median_error)) ** 2)
    t = _times(w, f_actual=0.0, length=30.0)
    for T in (1.0, 5.0, 30.0):
        want = float(false_alarm_cdf(rate * T, w.distance))
        got = float(np.mean(t <= T + 1e-9))
        assert abs(got - want) < 4 * _se(want) + 0.003, (T, got, want)
    assert float(np.mean(np.isfinite(t))) <= np.exp(-w.distance) + 4 * _se(np.exp(-w.distance))


def test_channels_combine_no_slower_than_the_fastest_alone():
    """Accounting channels add their clocks; every channel together (telemetry on 90% of the
    chips) is no slower than the fastest alone. (A noisy accounting channel beside leaks alone
    can delay a leak's accusation a little: a leak late in the project no longer suffices alone.)"""
    for chans, g in (({"chip_accounting": 0.0, "satellite": 0.0}, {}),
                     ({c: 0.0 for c in evidence.CHANNELS}, dict(registered_share=0.9))):
        both = np.median(_times(_watch(chans, **g)))
        alone = [np.median(_times(_watch({c: 0.0}, **g))) for c in chans]
        assert both <= min(alone) + 1e-9, (both, alone)


def test_no_channel_accuses_nobody():
    assert np.all(np.isinf(_times(_watch({}))))


# ---------------------------------------------------------------- direction
def test_a_larger_project_is_found_sooner():
    """More chips diverted from a larger host (more power, a larger operating workforce)."""
    w = _watch({c: 0.0 for c in evidence.CHANNELS}, registered_share=0.9)
    p = [np.mean(_times(w, f_actual=f, f_hyp=f, host_gw=gw, length=2.0) <= 1.0)
         for f, gw in ((0.03, 0.3), (0.1, 1.0), (0.3, 10.0))]
    assert p[0] + 3 * _se(p[0]) < p[1] and p[1] + 3 * _se(p[1]) < p[2], p
    # accounting alone: the diverted share decides
    w = _watch({"chip_accounting": 0.0, "satellite": 0.0})
    p = [np.mean(_times(w, f_actual=f, f_hyp=f, length=2.0) <= 1.0) for f in (0.03, 0.1, 0.3)]
    assert p[0] < p[1] < p[2], p


def test_a_larger_estimate_error_delays_detection():
    ch = {"chip_accounting": 0.0}
    p = [np.mean(_times(_watch(ch, Evidence(chip_median_error=e)), length=2.0) <= 1.0) for e in (0.03, 0.07, 0.15)]
    assert p[0] > p[1] > p[2], p


def test_telemetry_under_disguise_detects_less():
    g = dict(registered_share=0.9, telemetry_reports_per_year=12.0)
    plain = _times(_watch({"telemetry": 0.0}, Evidence(telemetry_tpr=0.98), **g), length=1.0)
    disguised = _times(_watch({"telemetry": 0.0}, Evidence(telemetry_tpr=0.43), **g), length=1.0)
    assert np.mean(np.isfinite(disguised)) < np.mean(np.isfinite(plain))
    assert np.median(plain) < np.median(disguised)


# ---------------------------------------------------------------- invariance
def test_a_slower_cadence_only_delays_an_accusation_to_its_next_check():
    ch = {"chip_accounting": 0.0, "leaks": 0.0}
    fast = _times(_watch(ch, check=0.01))
    for c in (0.25, 1.0):
        slow = _times(_watch(ch, check=c))
        ok = np.isfinite(fast)
        assert np.allclose(slow[ok], np.ceil(fast[ok] / c - 1e-9) * c)
        assert np.all(slow >= fast - 1e-12)


def test_accusations_do_not_depend_on_how_rows_are_batched():
    w = _watch({"chip_accounting": 0.0, "leaks": 0.0, "energy": 0.0})
    whole = _times(w, n=2000)
    half = watch.accusation_times(w, np.zeros(1000), np.full(1000, 5.0), f_hyp=np.full(1000, F), f_actual=np.full(1000, F),
                                  host_flops=np.full(1000, HOST_FLOPS), host_gw=np.full(1000, HOST_GW), seed=1,
                                  index=np.arange(1000, 2000), episode=np.ones(1000))
    assert np.array_equal(whole[1000:], half)


def test_the_defectors_estimate_tracks_the_simulated_detection():
    """expected_detection (closed-form approximation) against accusation_times, per regime."""
    for ch, g in (({"chip_accounting": 0.0, "satellite": 0.0, "energy": 0.0, "leaks": 0.0}, {}),
                  ({"satellite": 0.0, "energy": 0.0, "leaks": 0.0}, {}),
                  ({"chip_accounting": 0.0, "leaks": 0.0, "telemetry": 0.0}, dict(registered_share=0.9))):
        w = _watch(ch, check=0.25, **g)
        t = _times(w, n=8000, length=5.0)
        for T in (0.5, 1.0, 3.0):
            est = float(watch.expected_detection(w, np.array([T]), np.array([0.0]), f=np.array([F]),
                                                 host_flops=np.array([HOST_FLOPS]), host_gw=np.array([HOST_GW]))[0])
            sim = float(np.mean(t <= T + 1e-9))
            assert abs(est - sim) < 0.2, (ch, T, est, sim)


# ---------------------------------------------------------------- in the engine
def _covert_world():
    return _scenario([{"name": "covert", "jurisdiction": "US", "strategy": "covert", "covert_share": 0.3},
                      {"name": "member", "jurisdiction": "US", "strategy": "comply"}], quiet=True, jurisdictions=["US"])


def _policy(**vr):
    """National technical means (satellites, energy, leaks) unless ``vr`` grants more."""
    from recloop.policy import Policy

    return Policy(tripwires=[PAUSE.model_copy(update={"pause_years": 3.0})], verification_regime=vr,
                  treaty={"members": ["US"], "sanction_cost": 0.1, "sanction_supply_cut": 0.5})


def test_the_engine_acts_on_the_accusation_time_whatever_its_step():
    """The accusation is drawn on the evidence's own grid from the watch's start: the engine's
    step size does not move it (the step ends there)."""
    from recloop.engine import simulate

    s, pol = _covert_world(), _policy()
    a = simulate(s, pol, samples=400, seed=2, years=2, max_step_years=0.25).outcomes
    b = simulate(s, pol, samples=400, seed=2, years=2, max_step_years=0.05).outcomes
    ta, tb = a["actor_t_detected_covert"], b["actor_t_detected_covert"]
    assert a["actor_defected_covert"].all() and 0.2 < np.mean(np.isfinite(ta)) < 1.0
    assert np.array_equal(np.isfinite(ta), np.isfinite(tb))
    assert np.allclose(ta[np.isfinite(ta)], tb[np.isfinite(tb)], atol=1e-9)


def test_the_engine_records_detection_time_covert_compute_and_capability():
    from recloop.engine import simulate

    O = simulate(_covert_world(), _policy(), samples=300, seed=3, years=2).outcomes
    found = O["actor_detected_covert"].astype(bool)
    t = O["actor_t_detected_covert"]
    assert found.any() and (~found).any()
    assert np.all(np.isfinite(t[found])) and np.all(np.isnan(t[~found]))
    assert np.all((t[found] >= 0.25 - 1e-9) & (t[found] <= 2.0 + 1e-9))  # after the declaration at 0.25
    x = O["actor_covert_flops_at_detection_covert"]
    assert np.all(x[found] > 0) and np.all(np.isnan(x[~found]))
    assert np.all(np.isfinite(O["actor_covert_capability_covert"]))  # it was hidden from 0.25 on
    # the world's date is the first detection of any actor (the member defects too where it pays)
    first = np.fmin(t, O["actor_t_detected_member"])
    np.testing.assert_array_equal(O["t_detected"][found], first[found])


def test_compliers_are_falsely_accused_at_about_the_rate_the_threshold_implies():
    """Two complying members under a 3-year mandated pause: every accusation is a false one,
    never more often than Wald's bound per watch (exp(-D)) plus false leaks."""
    from recloop.engine import simulate
    from recloop.policy import Policy

    s = _scenario([{"name": "a", "jurisdiction": "US", "strategy": "comply"},
                   {"name": "b", "jurisdiction": "US", "strategy": "comply"}], quiet=True, jurisdictions=["US"])
    pol = Policy(tripwires=[PAUSE.model_copy(update={"pause_years": 3.0})],
                 verification_regime={"chip_accounting": True, "sme_inventory": True},
                 treaty={"members": ["US"], "sanction_cost": 100.0, "sanction_supply_cut": 0.5}, stop={"reliability": 1.0})
    n = 1500
    O = simulate(s, pol, samples=n, seed=4, years=4).outcomes
    assert O["defections"].sum() == 0 and O["covert_detected"].sum() == 0
    p = O["actor_false_accused_a"].mean()
    ev = Evidence()
    bound = np.exp(-_watch({}).distance) + (1 - np.exp(-ev.false_leak_rate_per_year * 3.25))
    assert 0 < p <= bound + 4 * np.sqrt(bound / n), (p, bound)
    assert np.all(O["false_accusations"] == O["actor_false_accused_a"].astype(float) + O["actor_false_accused_b"])
    # without channels, nobody is accused
    none = Policy(tripwires=pol.tripwires, verification_regime={"energy_accounting": False, "satellite": False, "leaks": False},
                  treaty=pol.treaty, stop={"reliability": 1.0})
    assert simulate(s, none, samples=200, seed=4, years=4).outcomes["false_accusations"].sum() == 0


@pytest.mark.parametrize("field", ["telemetry", "chip_accounting"])
def test_a_stronger_regime_finds_more_in_the_engine(field):
    from recloop.engine import simulate

    s = _covert_world()
    weak = simulate(s, _policy(), samples=300, seed=5, years=2).outcomes
    strong = simulate(s, _policy(**{field: True}), samples=300, seed=5, years=2).outcomes
    if field == "telemetry":
        from recloop.policy import Policy

        strong = simulate(s, Policy(**{**_policy(telemetry=True).model_dump(), "monitoring": {"registered_share": 0.9}}),
                          samples=300, seed=5, years=2).outcomes
    assert strong["actor_detected_covert"].mean() > weak["actor_detected_covert"].mean()


def test_a_stronger_regime_never_brings_more_defections_and_leaves_fewer_undetected():
    """Direction through the defection decision: under a sanction a member weighs against its own
    estimate of the evidence, granting chip accounting and telemetry never brings more defections,
    nor more undetected ones, than national technical means alone (same worlds)."""
    from recloop.engine import simulate
    from recloop.policy import Policy

    s = _scenario([{"name": "a", "jurisdiction": "US", "strategy": "comply", "covert_share": 0.05},
                   {"name": "b", "jurisdiction": "US", "strategy": "comply", "covert_share": 0.05}],
                  quiet=True, jurisdictions=["US"])

    def run(**vr):
        pol = Policy(tripwires=[PAUSE.model_copy(update={"pause_years": 3.0})], verification_regime=vr,
                     monitoring={"registered_share": 0.9},
                     treaty={"members": ["US"], "sanction_cost": 0.3, "sanction_supply_cut": 0.5})
        return simulate(s, pol, samples=400, seed=6, years=4).outcomes

    weak, strong = run(), run(chip_accounting=True, telemetry=True)
    assert weak["defections"].mean() > 0  # national means alone leave something to deter
    assert strong["defections"].mean() <= weak["defections"].mean()
    missed = lambda O: (O["defections"] - O["covert_detected"]).mean()  # noqa: E731
    assert missed(strong) <= missed(weak)


def test_leak_increments_are_the_same_whether_rows_share_a_diverted_power_or_not():
    """_leak_hazard computes each distinct diverted power once: rows in any order and with
    repeats get exactly the increments each gets alone."""
    w = _watch({"leaks": 0.0})
    s0 = 0.01 * np.arange(300)
    s1 = s0 + 0.01
    f = np.array([0.1, 0.3, 0.1, 0.05, 0.3, 0.1])
    gw = np.array([HOST_GW, HOST_GW, HOST_GW, 2 * HOST_GW, HOST_GW, HOST_GW])
    together = watch._leak_hazard(w, f, gw, s0, s1)
    assert together.shape == (f.size, s0.size) and together.max() > 0
    for i in range(f.size):
        assert np.array_equal(together[i], watch._leak_hazard(w, f[i:i + 1], gw[i:i + 1], s0, s1)[0])

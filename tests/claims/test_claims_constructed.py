"""Constructed cases: for each claim, worlds whose verdict is known, judged by the claim's own test;
the verdict rule with intervals; the adaptive sample size. No engine numbers are pinned here."""

from __future__ import annotations

import numpy as np
import pytest

from recloop.claims import registry as R
from recloop.claims.core import CAN_AT, FAILS_AT, HOLDS_AT, Claim, Evidence, Sweep, decided, evaluate, interval, verdict
from recloop.outcomes import wilson


def _verdict(holds, mode="will"):
    h = np.asarray(holds, bool)
    lo, hi = interval(h)
    return verdict(float(h.mean()), lo, hi, mode=mode)


# ------------------------------------------------------------------ the rule
@pytest.mark.parametrize("k, n, expected", [
    (95, 100, "holds"),     # [89%, 98%]: the whole interval past 80%
    (85, 100, "depends"),   # [77%, 91%]: straddles 80%
    (50, 100, "depends"),   # inside the band: decided
    (15, 100, "depends"),   # straddles 20%
    (5, 100, "fails"),
])
def test_holds_or_fails_only_when_the_whole_interval_is_past_the_line(k, n, expected):
    holds = np.r_[np.ones(k, bool), np.zeros(n - k, bool)]
    assert _verdict(holds) == expected
    lo, hi = wilson(k, n)
    assert decided(lo, hi) == (not (lo < HOLDS_AT < hi or lo < FAILS_AT < hi))


def test_possibility_claims_use_the_five_percent_line():
    assert _verdict(np.r_[np.ones(30, bool), np.zeros(170, bool)], "can") == "holds"   # 15% [11%, 21%]
    assert _verdict(np.zeros(400, bool), "can") == "fails"                             # 0% [0%, 1%]
    assert _verdict(np.r_[np.ones(3, bool), np.zeros(47, bool)], "can") == "depends"   # 6% [2%, 16%]
    assert verdict(0.5, 0.4, 0.6, mode="can") == "holds" and CAN_AT == 0.05


def test_replicates_widen_the_interval_by_bootstrap():
    # 10 replicates of 100 worlds each: every world in a replicate agrees, so only 10 independent draws
    holds = np.repeat(np.r_[np.ones(8, bool), np.zeros(2, bool)], 100)
    groups = np.repeat(np.arange(10), 100)
    lo_w, hi_w = interval(holds)
    lo_b, hi_b = interval(holds, groups)
    assert hi_b - lo_b > 3 * (hi_w - lo_w)


def _fake(share):
    def run(samples, seed):
        k = int(round(share * samples))
        h = np.r_[np.ones(k, bool), np.zeros(samples - k, bool)]
        return Evidence(h, {"share": float(h.mean())}, {"data": [], "layout": {}}, "constructed", "constructed",
                        sweeps=(Sweep("t", "-", 1, (1, 2), (h, ~h)),))
    return Claim(99, "constructed", "q", "constructed", run)


def test_adaptive_worlds_double_until_the_interval_clears_the_line():
    r = evaluate(_fake(0.86), 100, 0, max_samples=3200)
    # 86% of 100: [78%, 91%] straddles 80%; doubling until the lower end clears it
    assert r.verdict == "holds" and r.decided
    assert [s["samples"] for s in r.steps] == [100 * 2 ** i for i in range(len(r.steps))]
    assert r.interval[0] >= HOLDS_AT and r.samples == r.steps[-1]["samples"] > 100
    capped = evaluate(_fake(0.81), 100, 0, max_samples=400)
    assert capped.verdict == "depends" and not capped.decided and capped.samples == 400
    assert [p["verdict"] for p in r.sweeps[0]["points"]] == ["holds", "fails"]


# ------------------------------------------------------------------ one constructed case per claim
def test_claim1_gap_widening():
    assert _verdict(R.judge1(np.full(200, 3.0))) == "holds"
    assert _verdict(R.judge1(np.full(200, 0.2))) == "fails"
    assert R.judge1(np.array([0.9, 1.0])).tolist() == [False, True]


def test_claim2_cycle_ratio():
    assert _verdict(R.judge2(np.full(200, 0.3))) == "holds"
    assert _verdict(R.judge2(np.full(200, 0.9))) == "fails"


def test_claim3_possibility_of_divergence():
    f = np.r_[np.full(20, 0.3), np.full(180, 0.9)]  # 10% of worlds unaligned by N+3
    assert _verdict(R.judge3(f, 0.5), "can") == "holds"
    assert _verdict(R.judge3(np.full(300, 0.9), 0.5), "can") == "fails"


def test_claim4_weeks_or_days_not_reached_counts_as_not():
    d = np.r_[np.full(30, 10.0), np.full(100, np.nan), np.full(70, 400.0)]
    assert R.judge4(np.array([59.0, 61.0, np.nan])).tolist() == [True, False, False]
    assert _verdict(R.judge4(d), "can") == "holds"


def test_claim5_obsolescence():
    exited = np.zeros(200, bool)
    assert _verdict(R.judge5(exited, np.full(200, 0.05), np.full(200, 0.5))) == "holds"   # kept 10% < 25%
    assert _verdict(R.judge5(exited, np.full(200, 0.45), np.full(200, 0.5))) == "fails"   # kept 90%
    assert R.judge5(np.array([True]), np.array([0.5]), np.array([0.5])).tolist() == [True]


def test_claim6_necessity_of_each_condition():
    full = np.ones(200, bool)
    pop, h = R.judge6(full, [np.zeros(200, bool)] * 3)
    assert pop.all() and _verdict(h) == "holds"
    pop, h = R.judge6(full, [np.zeros(200, bool), np.ones(200, bool), np.zeros(200, bool)])
    assert _verdict(h) == "fails"  # one ablation still holds: that condition was not needed
    pop, _ = R.judge6(np.r_[np.ones(5, bool), np.zeros(5, bool)], [np.zeros(10, bool)])
    assert pop.sum() == 5


def test_claim7_risk_shift():
    assert _verdict(R.judge7(np.full(200, 0.6), np.full(200, 0.4))) == "holds"
    assert _verdict(R.judge7(np.full(200, 0.41), np.full(200, 0.4))) == "fails"


def test_claim8_degrades_only_without_real_data():
    assert _verdict(R.judge8(np.full(200, 0.3), np.full(200, 0.0)), "can") == "holds"
    # degraded even with real data flowing: not the claim's mechanism
    assert _verdict(R.judge8(np.full(200, 0.3), np.full(200, 0.3)), "can") == "fails"


def test_claim9_speed_limit():
    assert _verdict(R.judge9(np.full(200, 0.5))) == "holds"
    assert _verdict(R.judge9(np.full(200, 0.99))) == "fails"


def test_claim10_fixed_share_falls_behind():
    assert _verdict(R.judge10(np.full(200, 2.0))) == "holds"
    assert _verdict(R.judge10(np.full(200, 0.0))) == "fails"


def test_claim11_moat():
    assert _verdict(R.judge11(np.full(200, 0.5), np.full(200, 0.9))) == "holds"
    assert _verdict(R.judge11(np.full(200, 0.9), np.full(200, 0.5))) == "fails"


def test_claim12_air_gap_necessary_only_if_nothing_else_prevents():
    assert _verdict(R.judge12(np.zeros(200, bool))) == "holds"
    assert _verdict(R.judge12(np.ones(200, bool))) == "fails"


def test_claim13_is_reported_untestable_not_a_stand_in():
    r = evaluate(R.claim(13), 20, 0)
    assert r.verdict == "untestable" and r.evidence.untestable and r.evidence.n == 0


def test_claim14_laggard_gain():
    assert _verdict(R.judge14(np.full(200, 0.05))) == "holds"
    assert _verdict(R.judge14(np.full(200, -0.05))) == "fails"


def test_claim15_window_closes_at_the_moment():
    assert _verdict(R.judge15(np.ones(200, bool), np.zeros(200, bool))) == "holds"
    assert _verdict(R.judge15(np.ones(200, bool), np.ones(200, bool))) == "fails"   # the moment was not too late
    assert _verdict(R.judge15(np.zeros(200, bool), np.zeros(200, bool))) == "fails"  # earlier was too late too


def test_claim16_pivot_within_budget():
    v = [np.zeros(200, bool), np.ones(200, bool)]
    assert _verdict(R.judge16(v, [np.zeros(200), np.full(200, 1.0)])) == "holds"
    assert _verdict(R.judge16(v, [np.zeros(200), np.full(200, 3.0)])) == "fails"   # verified, but too late
    assert _verdict(R.judge16(v, [np.zeros(200), np.full(200, np.inf)])) == "fails"  # never reached: not safe


def test_every_testable_claim_has_a_judge():
    assert set(R.JUDGES) == {c.id for c in R.CLAIMS} - {13}

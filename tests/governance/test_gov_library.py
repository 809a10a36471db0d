"""Governance library: presets, monitoring, stop protocols, costs (closed forms and errors)."""

import numpy as np
import pytest

from recloop.governance import costs, monitoring, presets, stop
from recloop.mechanisms.containment import detection_over_periods
from recloop.params import RecloopInputError
from recloop.policy import METRICS, Policy, Stop, check_against, parse_policy
from recloop.scenario import parse_scenario


def test_every_tripwire_preset_cites_its_source_and_mapping():
    wanted = {"anthropic-rsp-ai-rnd-4", "anthropic-rsp-ai-rnd-5", "openai-self-improvement-high",
              "openai-self-improvement-critical", "gdm-fsf-ml-rnd-acceleration", "gdm-fsf-ml-rnd-automation",
              "essay-novel-crypto-vulnerabilities", "essay-90pct-own-refactoring"}
    assert wanted <= set(presets.TRIPWIRES)
    for t in presets.TRIPWIRES.values():
        assert t.metric in METRICS and t.source and t.mapping
    assert presets.tripwire("essay-90pct-own-refactoring").threshold == 0.9
    assert presets.tripwire("anthropic-rsp-ai-rnd-4", response="fixed_pause").response == "fixed_pause"
    with pytest.raises(RecloopInputError, match="unknown preset"):
        presets.tripwire("nope")


def test_detection_over_k_periods_is_one_minus_miss_to_the_k():
    p = monitoring.detection_per_period(3e19, **monitoring.regime("chip-accounting"))
    for k in (1, 4, 12):
        assert detection_over_periods(p, k) == pytest.approx(1 - (1 - p) ** k, rel=1e-12)
    # k periods of length dt with only exponential channels = one period of length k dt
    r = monitoring.regime("chip-accounting")
    long = dict(r, period_years=r["period_years"] * 4)
    assert detection_over_periods(p, 4) == pytest.approx(monitoring.detection_per_period(3e19, **long), rel=1e-12)


def test_detection_rises_with_cluster_size_and_regime_strength():
    sizes = np.array([1e17, 1e19, 1e20, 1e21, 1e22])
    prev = None
    for name in ("none", "reporting", "chip-accounting", "telemetry"):
        p = monitoring.detection_per_period(sizes, **monitoring.regime(name))
        assert np.all(np.diff(p) >= 0)
        if prev is not None:
            assert np.all(p >= prev - 1e-15)
        prev = p
    # telemetry alone: registered_share x tpr within a year (Rahman & Tajdari 2026 disguised
    # range 0.43-0.87), whatever the period: a quarter finds 1 - 0.35^0.25
    only_tel = dict(registered_share=1.0, telemetry_tpr=0.65, accounting_rate_per_year=0.0,
                    base_rate_per_year=0.0, period_years=1.0)
    assert monitoring.detection_per_period(1e10, **only_tel) == pytest.approx(0.65)
    assert monitoring.detection_per_period(1e10, **dict(only_tel, period_years=0.25)) == pytest.approx(1 - 0.35 ** 0.25)


def test_reporting_threshold_presets():
    eu, us = monitoring.REPORTING_THRESHOLDS["eu-ai-act"], monitoring.REPORTING_THRESHOLDS["us-eo-14110"]
    assert (eu.training_flop, us.training_flop, us.cluster_flops) == (1e25, 1e26, 1e20)
    assert list(monitoring.must_report([5e24, 2e25], [0, 0], eu)) == [False, True]
    assert list(monitoring.must_report([5e25, 5e25], [5e19, 2e20], us)) == [False, True]


def test_stop_protocols_in_parallel():
    lat, rel = stop.combine(["licence-expiry"])
    assert (lat, rel) == (15.0, 0.9)
    lat, rel = stop.combine(["licence-expiry", "multi-party-switch"])
    assert rel == pytest.approx(1 - 0.1 * 0.05)
    # the fast switch acts first with 0.95; the licence only when the switch failed
    assert lat == pytest.approx((0.95 * 1.0 + 0.05 * 0.9 * 15.0) / rel)
    s = stop.stop_protocol(["multi-party-switch", "networking-cap"], max_pause_years=3.0)
    assert isinstance(s, Stop) and s.max_pause_years == 3.0 and s.reliability == pytest.approx(1 - 0.05 * 0.4)
    with pytest.raises(RecloopInputError, match="stop.mechanisms"):
        stop.combine(["teleport"])


def test_capital_moat_and_defection_arithmetic():
    c = costs.compliance_cost_share([1.0, 0.1, 0.01], fixed=0.005, proportional=0.01)
    assert c == pytest.approx([0.015, 0.06, 0.51])
    s = costs.market_shares(np.array([[27.0, 26.0]]), sensitivity=1.0)
    assert s[0] == pytest.approx([10 / 11, 1 / 11])
    # pausing alone for T while rivals grow G: s' = s / (s + (1 - s) 10^(g G T))
    assert costs.share_after_pause(0.5, 1.0, 1.0, sensitivity=1.0) == pytest.approx(1 / 11)
    gain = costs.defection_gain(0.5, 1.0, 1.0, sensitivity=1.0)
    assert gain == pytest.approx(0.5 * (0.5 - 1 / 11))
    weak = costs.expected_sanction(0.02, 4, 0.5)
    strong = costs.expected_sanction(0.5, 4, 0.5)
    assert costs.defects(gain, weak) and not costs.defects(gain, strong)


def test_bad_policy_and_scenario_files_name_the_field():
    scen = parse_scenario({"jurisdictions": [{"name": "US"}, {"name": "CN"}],
                           "actors": [{"name": "lab-a", "jurisdiction": "US"}, {"name": "prc", "jurisdiction": "CN"}]})
    pol = parse_policy({"strategies": {"lab-z": "race"}, "treaty": {"members": ["US", "EU"]}})
    with pytest.raises(RecloopInputError) as e:
        check_against(pol, scen)
    assert e.value.problems == [
        "policy.strategies.lab-z: unknown actor; scenario actors: lab-a, prc",
        "policy.treaty.members[1]: unknown jurisdiction 'EU'; scenario jurisdictions: US, CN"]
    with pytest.raises(RecloopInputError) as e:
        parse_policy({"tripwires": [{"name": "x", "metric": "iq", "threshold": 1}]})
    assert e.value.problems[0].startswith("policy.tripwires[0]: unknown metric 'iq'")
    with pytest.raises(RecloopInputError) as e:
        parse_policy({"strategies": {"lab-a": "surrender"}})
    assert e.value.problems[0].startswith("policy.strategies.lab-a:")
    with pytest.raises(RecloopInputError) as e:
        parse_scenario({"jurisdictions": [{"name": "US"}],
                        "actors": [{"name": "a", "jurisdiction": "EU"}, {"name": "a", "jurisdiction": "US"}]})
    assert e.value.problems == ["scenario.actors[0].jurisdiction: unknown jurisdiction 'EU'; declared: US",
                                "scenario.actors[1].name: duplicate actor name 'a'"]
    assert Policy().treaty is None

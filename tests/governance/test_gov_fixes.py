"""Fixes to the many-actor engine (each test failed before its fix): open breach of a treaty
pause, covert build-out only during the pause, mutual conditional pauses through the stop
protocol, per-actor milestone dates, per-actor containment."""

import numpy as np
import pytest

from recloop.engine import simulate
from recloop.outcomes import COLUMNS
from recloop.params import RecloopInputError
from recloop.policy import Policy, Tripwire
from recloop.scenario import load_scenario, parse_scenario


def _scenario(actors, *, quiet=True, jurisdictions=None, base="baseline", review_years=None):
    d = load_scenario(base).model_dump(mode="json")
    d["actors"] = actors
    if review_years is not None:
        d["market"]["review_years"] = review_years
    if jurisdictions:
        d["jurisdictions"] = [{"name": j} for j in jurisdictions]
    if quiet:  # no automation, no data penalty: capability follows compute and the human trend
        d["automation"].update(midpoint_data_flop=1e44, midpoint_arch_flop=1e44, midpoint_code_flop=1e44, width_oom=0.05)
        d["data"]["collapse_kappa"] = 0.0
        d["correlations"] = []
    return parse_scenario(d)


SURE = {"reliability": 1.0, "latency_days": 0.0}
PAUSE = Tripwire(name="pause-at-start", metric="capability_oom", threshold=-50.0, cadence_years=0.25,
                 response="fixed_pause", pause_years=3.0, lag_years=0.0)


def _mon(p):  # telemetry only: exactly p within a year of exposure (a rate, any cadence)
    return dict(detection="rate", registered_share=1.0, telemetry_tpr=p, accounting_rate_per_year=0.0, base_rate_per_year=0.0,
                period_years=0.25)


# ---------------------------------------------------------------- 1. open breach of a treaty pause
def test_a_racing_treaty_member_is_found_with_the_regimes_probability_and_sanctioned():
    s = _scenario([{"name": "racer", "jurisdiction": "US", "strategy": "race"},
                   {"name": "pauser", "jurisdiction": "US", "strategy": "unilateral_pause"}], jurisdictions=["US"])
    treaty = {"members": ["US"], "sanction_cost": 100.0, "sanction_supply_cut": 0.5}
    p, n = 0.2, 3000
    r = simulate(s, Policy(tripwires=[PAUSE], monitoring=_mon(p), treaty=treaty, stop=SURE), samples=n, seed=5, years=1.0)
    O = r.outcomes
    assert O["actor_breached_racer"].all() and not O["actor_breached_pauser"].any()
    want = 1 - (1 - p) ** 0.75  # breach from t = 0.25: exposed for 0.75 yr by the horizon
    got = O["actor_breach_found_racer"].mean()
    assert abs(got - want) < 3 * np.sqrt(want * (1 - want) / n)
    assert np.all(O["actor_sanction_cost_racer"] == np.where(O["actor_breach_found_racer"], 100.0, 0.0))
    # better detection finds more breaches; a found breach costs the racer chip supply (share)
    strong = simulate(s, Policy(tripwires=[PAUSE], monitoring=_mon(0.9), treaty=treaty, stop=SURE), samples=200, seed=5, years=3)
    weak = simulate(s, Policy(tripwires=[PAUSE], monitoring=_mon(0.0), treaty=treaty, stop=SURE), samples=200, seed=5, years=3)
    assert strong.outcomes["breaches_found"].mean() > 0.95 and weak.outcomes["breaches_found"].mean() == 0.0
    assert np.mean(strong.outcomes["actor_mean_share_racer"]) < np.mean(weak.outcomes["actor_mean_share_racer"])
    # a racer outside the treaty is in no breach
    out = simulate(s, Policy(tripwires=[PAUSE], monitoring=_mon(0.9), treaty={"members": []}, stop=SURE),
                   samples=20, seed=5, years=1)
    assert not out.outcomes["actor_breached_racer"].any()


# ---------------------------------------------------------------- 2. covert only while the pause is in force
def test_covert_build_out_lasts_only_while_the_declared_pause_is_in_force():
    s = _scenario([{"name": "covert", "jurisdiction": "X", "strategy": "covert", "covert_share": 0.3},
                   {"name": "racer", "jurisdiction": "X", "strategy": "race"}])
    short = PAUSE.model_copy(update={"pause_years": 0.5})
    none = simulate(s, Policy(), samples=30, seed=3, years=6)
    r = simulate(s, Policy(tripwires=[short], monitoring=_mon(0.0)), samples=30, seed=3, years=6)
    O = r.outcomes
    assert O["actor_defected_covert"].all() and not O["actor_detected_covert"].any()
    # after the half-year pause it runs all its compute: the gap to the racer is back near zero
    # (before the fix it ran 30% of its compute for the rest of the run, a gap of ~0.5 OOM)
    gap = O["actor_capability_racer"] - O["actor_capability_covert"]
    gap0 = none.outcomes["actor_capability_racer"] - none.outcomes["actor_capability_covert"]
    assert np.all(gap - gap0 < 0.2)
    # compute trajectory (frontier actor's path is not the covert one's): check per-row state via a long pause
    long = simulate(s, Policy(tripwires=[PAUSE], monitoring=_mon(0.0)), samples=30, seed=3, years=3)
    assert np.mean(long.outcomes["actor_capability_racer"] - long.outcomes["actor_capability_covert"]) > 0.3


def test_covert_share_is_a_declared_parameter_with_its_source():
    from recloop.scenario import Actor

    f = Actor.model_fields["covert_share"]
    assert f.json_schema_extra["unit"] and f.json_schema_extra["bounds"] == (0.0, 1.0)
    assert "ASSUMPTION" in f.json_schema_extra["source"]
    with pytest.raises(RecloopInputError) as e:
        parse_scenario({"actors": [{"name": "a", "jurisdiction": "US", "covert_share": 1.5}]})
    assert e.value.problems == ["scenario.actors[0].covert_share: must be in [0, 1] fraction of its compute, got 1.5"]


# ---------------------------------------------------------------- 3. and 5. mutual conditional pauses
def test_two_conditional_pausers_pause_together_and_resume_when_a_rival_is_found_defecting():
    s = _scenario([{"name": "a", "jurisdiction": "US", "strategy": "conditional_pause"},
                   {"name": "b", "jurisdiction": "US", "strategy": "conditional_pause"}])
    r = simulate(s, Policy(tripwires=[PAUSE], stop=SURE), samples=20, seed=2, years=4)
    for a in ("a", "b"):
        assert np.all(r.outcomes[f"actor_years_paused_{a}"] > 2.5)
    assert np.allclose(r.outcomes["actor_share_a"], 0.5)
    # a third actor that declares the pause and builds covertly: both resume once it is found
    s3 = _scenario([{"name": "a", "jurisdiction": "US", "strategy": "conditional_pause"},
                    {"name": "b", "jurisdiction": "US", "strategy": "conditional_pause"},
                    {"name": "c", "jurisdiction": "US", "strategy": "covert", "covert_share": 1.0}])
    r3 = simulate(s3, Policy(tripwires=[PAUSE], stop=SURE, monitoring=_mon(1.0)), samples=20, seed=2, years=4)
    assert r3.outcomes["actor_detected_c"].all()
    assert np.all(r3.outcomes["actor_years_paused_a"] < 0.5)


def test_a_conditional_pauser_does_not_start_because_its_only_rival_exited():
    # the rival is so small that it exits at once (share below market.exit_share)
    s = _scenario([{"name": "cond", "jurisdiction": "US", "strategy": "conditional_pause"},
                   {"name": "tiny", "jurisdiction": "US", "strategy": "race", "compute_share": 1e-3, "budget": 1e-3}])
    r = simulate(s, Policy(tripwires=[PAUSE], stop=SURE), samples=20, seed=2, years=4)
    assert r.outcomes["actor_exited_tiny"].all()
    assert np.all(r.outcomes["actor_years_paused_cond"] == 0.0)


def test_a_conditional_pause_goes_through_the_stop_protocol():
    slow = {"reliability": 1.0, "latency_days": 73.05}  # 0.2 yr
    both = _scenario([{"name": "a", "jurisdiction": "US", "strategy": "conditional_pause"},
                      {"name": "b", "jurisdiction": "US", "strategy": "conditional_pause"}])
    r = simulate(both, Policy(tripwires=[PAUSE], stop=slow), samples=30, seed=2, years=2)
    # the halt is called at t = 0.25 (mutual commitment) and reaches the chips 0.2 yr later
    for a in ("a", "b"):
        assert np.allclose(r.outcomes[f"actor_years_paused_{a}"], 2.0 - 0.45, atol=1e-6)
    # against an unconditional pauser: it decides at the first review of its world at which the
    # other is seen paused (0.45 with reviews every 0.05 yr; 0.5 with the quarterly default),
    # then the halt takes 0.2 yr to reach the chips
    for review, decided in ((0.05, 0.45), (0.25, 0.5)):
        s = _scenario([{"name": "a", "jurisdiction": "US", "strategy": "conditional_pause"},
                       {"name": "b", "jurisdiction": "US", "strategy": "unilateral_pause"}], review_years=review)
        r = simulate(s, Policy(tripwires=[PAUSE], stop=slow), samples=30, seed=2, years=2)
        assert np.allclose(r.outcomes["actor_years_paused_a"], 2.0 - decided - 0.2, atol=1e-6)
    never = simulate(both, Policy(tripwires=[PAUSE], stop={"reliability": 0.0}), samples=30, seed=2, years=2)
    assert np.all(never.outcomes["actor_years_paused_a"] == 0.0) and np.all(never.outcomes["failed_halts"] == 2)


# ---------------------------------------------------------------- 4. per-actor milestone dates
def test_per_actor_dates_and_headline_dates_are_the_first_actor_to_reach_them():
    s = _scenario([{"name": "small", "jurisdiction": "US", "compute_share": 0.8, "budget": 0.8, "strategy": "race"},
                   {"name": "big", "jurisdiction": "US", "strategy": "race"}], quiet=False, base="aggressive")
    r = simulate(s, Policy(), samples=60, seed=1, years=15)
    O = r.outcomes
    for d in ("t_superhuman", "t_takeoff_start", "t_no_control"):
        per = np.stack([O[f"actor_{d}_small"], O[f"actor_{d}_big"]], axis=1)
        first = np.where(np.isnan(per).all(axis=1), np.nan, np.nanmin(np.where(np.isnan(per), np.inf, per), axis=1))
        assert np.array_equal(O[d], first, equal_nan=True), d
        assert f"actor_{d}_<name>" in COLUMNS
    # the actors' dates differ (the headline is not simply one actor's)
    assert not np.array_equal(O["actor_t_no_control_big"], O["actor_t_no_control_small"], equal_nan=True)
    assert "first actor" in COLUMNS["t_<milestone> (many actors)"]


# ---------------------------------------------------------------- 6. per-actor containment
def test_an_actor_can_override_the_policys_containment():
    actors = [{"name": "lab", "jurisdiction": "US", "strategy": "race"},
              {"name": "oss", "jurisdiction": "US", "strategy": "race", "containment": {"air_gap": 0.0}}]
    s = _scenario(actors, quiet=False, base="aggressive")
    same = _scenario([dict(a, containment=None) if a["name"] == "oss" else a for a in actors], quiet=False, base="aggressive")
    pol = Policy(containment={"air_gap": 0.9})
    r = simulate(s, pol, samples=40, seed=4, years=12)
    r0 = simulate(same, pol, samples=40, seed=4, years=12)
    # the lab's drift is the same; the collective without an air gap drifts more
    assert np.mean(r.outcomes["actor_risk_share_oss"]) > np.mean(r0.outcomes["actor_risk_share_oss"])
    assert s.actors[1].containment_overrides() == {"air_gap": 0.0}
    with pytest.raises(RecloopInputError) as e:
        parse_scenario({"actors": [{"name": "a", "jurisdiction": "US", "containment": {"air_gap": 2.0, "sandbox": 1}}]})
    assert "scenario.actors[0].containment.air_gap: must be in [0, 1] fraction, got 2.0" in e.value.problems
    assert any(p.startswith("scenario.actors[0].containment.sandbox: unknown field") for p in e.value.problems)
    big = _scenario([{"name": "a", "jurisdiction": "US", "containment": {"sandbox_overhead": 0.5}}])
    with pytest.raises(RecloopInputError, match=r"scenario.actors\[0\].containment.sandbox_overhead"):
        simulate(big, Policy(verification={"compute_share": 0.6}), samples=2, years=1)

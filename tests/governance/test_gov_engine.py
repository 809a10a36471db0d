"""Many actors in the engine: closed forms, the essay's mechanisms, determinism, and the
single-developer engine left untouched."""

import numpy as np
import pytest

from recloop.engine import simulate
from recloop.governance.costs import defection_gain
from recloop.params import RecloopInputError
from recloop.policy import Policy, Tripwire
from recloop.scenario import load_scenario, parse_scenario


def _scenario(actors, *, quiet=False, jurisdictions=None, base="baseline"):
    d = load_scenario(base).model_dump(mode="json")
    d["actors"] = actors
    if jurisdictions:
        d["jurisdictions"] = [{"name": j} for j in jurisdictions]
    if quiet:  # no automation, no data penalty: capability follows compute and the human trend
        d["automation"].update(midpoint_data_flop=1e44, midpoint_arch_flop=1e44, midpoint_code_flop=1e44, width_oom=0.05)
        d["data"]["collapse_kappa"] = 0.0
        d["software"]["labour_share"] = 1.0  # research from labour alone (no experiment-compute advantage)
        d["generations"]["latency_wall_flop"] = 1e40  # the same run length for every actor
        d["correlations"] = []
    return parse_scenario(d)


SURE = {"reliability": 1.0, "latency_days": 0.0}  # a stop protocol that always works at once
PAUSE = Tripwire(name="pause-at-start", metric="capability_oom", threshold=-50.0, cadence_years=0.25,
                 response="fixed_pause", pause_years=3.0, lag_years=0.0)


def test_two_racing_actors_match_the_closed_form_share():
    """Both race, no automation: the capability gap stays log10(c1/c2) and the share is c1/(c1+c2)."""
    s = _scenario([{"name": "big", "jurisdiction": "US", "compute_share": 1.0, "budget": 1.0, "strategy": "race"},
                   {"name": "small", "jurisdiction": "US", "compute_share": 0.25, "budget": 0.25, "strategy": "race"}],
                  quiet=True)
    r = simulate(s, Policy(), samples=40, seed=3, years=8)
    O = r.outcomes
    assert np.allclose(O["actor_capability_big"] - O["actor_capability_small"], np.log10(4.0), atol=1e-9)
    assert np.allclose(O["actor_share_big"], 0.8, atol=1e-9)
    assert np.allclose(O["actor_share_big"] + O["actor_share_small"], 1.0)


def test_a_firm_pausing_alone_while_its_rival_races_loses_share():
    actors = [{"name": "pauser", "jurisdiction": "US", "strategy": "unilateral_pause"},
              {"name": "racer", "jurisdiction": "US", "strategy": "race"}]
    s = _scenario(actors, quiet=True)
    none = simulate(s, Policy(), samples=40, seed=1, years=6)
    paused = simulate(s, Policy(tripwires=[PAUSE], stop=SURE), samples=40, seed=1, years=6)
    assert np.allclose(none.outcomes["actor_share_pauser"], 0.5)
    P = paused.outcomes
    # paused for the 3 years, or until it fell so far behind that it was absorbed (essay: 'obsolescence')
    held = P["actor_years_paused_pauser"] >= 3.0 - 1e-9
    assert np.all(held | P["actor_exited_pauser"]) and P["actor_exited_pauser"].any()
    assert np.all(paused.outcomes["actor_years_paused_racer"] == 0.0)
    # the pauser earns less over the run in every world (its final share can recover: chips
    # bought during the pause make its next generation large, the compute overhang)
    assert np.all(paused.outcomes["actor_mean_share_pauser"] < 0.5)
    assert np.mean(paused.outcomes["actor_mean_share_pauser"]) < 0.25
    # the condition under which it does not: when the rival pauses too, shares stay equal
    both = simulate(s, Policy(tripwires=[PAUSE], strategies={"racer": "unilateral_pause"}, stop=SURE), samples=40, seed=1, years=6)
    assert np.allclose(both.outcomes["actor_share_pauser"], 0.5)


def test_a_conditional_pauser_does_not_pause_while_a_rival_races():
    actors = [{"name": "cond", "jurisdiction": "US", "strategy": "conditional_pause"},
              {"name": "racer", "jurisdiction": "US", "strategy": "race"}]
    s = _scenario(actors, quiet=True)
    r = simulate(s, Policy(tripwires=[PAUSE], stop=SURE), samples=20, seed=2, years=4)
    assert np.all(r.outcomes["actor_years_paused_cond"] == 0.0)
    r2 = simulate(s, Policy(tripwires=[PAUSE], strategies={"racer": "unilateral_pause"}, stop=SURE), samples=20, seed=2, years=4)
    assert np.all(r2.outcomes["actor_years_paused_cond"] > 2.0)


def _treaty_world():
    return _scenario([{"name": "lab-us", "jurisdiction": "US", "strategy": "comply"},
                      {"name": "lab-eu", "jurisdiction": "EU", "strategy": "comply"}],
                     quiet=True, jurisdictions=["US", "EU"])


def _treaty(regime, sanction_cost):
    from recloop.governance.monitoring import regime as reg

    return Policy(tripwires=[PAUSE.model_copy(update={"pause_years": 1.0})], monitoring={**reg(regime), "detection": "rate"},
                  treaty={"members": ["US", "EU"], "sanction_cost": sanction_cost, "sanction_supply_cut": 0.5})


def test_a_treaty_without_monitoring_is_defected_from_once_the_gain_exceeds_the_expected_sanction():
    s = _treaty_world()
    weak = simulate(s, _treaty("none", 0.5), samples=30, seed=4, years=3)
    strong = simulate(s, _treaty("telemetry", 0.5), samples=30, seed=4, years=3)
    # without monitoring, P(detect in a year) = 1 - exp(-0.05) ~ 0.05; the expected sanction
    # 0.05 x 0.5 = 0.024 share-years is below the gain of building on during the pause
    assert weak.outcomes["defections"].mean() == 2.0
    assert strong.outcomes["defections"].mean() == 0.0
    # a sanction large enough restores compliance even without monitoring: gain < P x sanction
    cheap = simulate(s, _treaty("none", 50.0), samples=30, seed=4, years=3)
    assert cheap.outcomes["defections"].mean() == 0.0
    # the gain the members weighed is the closed form at their share and growth
    assert defection_gain(0.5, 0.45, 1.0, sensitivity=1.0) > 0.05 * 0.5


def test_covert_detection_over_k_periods_matches_one_minus_miss_to_the_k():
    p = 0.2
    s = _scenario([{"name": "covert", "jurisdiction": "X", "strategy": "covert", "covert_share": 1.0},
                   {"name": "other", "jurisdiction": "X", "strategy": "race"}], quiet=True)
    mon = dict(detection="rate", registered_share=1.0, telemetry_tpr=p, accounting_rate_per_year=0.0, base_rate_per_year=0.0,
               period_years=0.25)
    n, years = 3000, 1.0
    r = simulate(s, Policy(tripwires=[PAUSE], monitoring=mon), samples=n, seed=5, years=years)
    # telemetry_tpr is a probability within a year (a rate): declared at t = 0.25, the effort is
    # exposed for 0.75 yr by the horizon, whatever the check cadence
    want = 1 - (1 - p) ** 0.75
    got = r.outcomes["actor_detected_covert"].mean()
    assert abs(got - want) < 3 * np.sqrt(want * (1 - want) / n)


def test_risk_moves_to_non_members_as_members_pause():
    actors = [{"name": "lab-a", "jurisdiction": "US", "strategy": "comply"},
              {"name": "lab-b", "jurisdiction": "EU", "strategy": "comply"},
              {"name": "outsider", "jurisdiction": "XX", "strategy": "race", "compute_share": 0.5, "budget": 0.5}]
    s = _scenario(actors, jurisdictions=["US", "EU", "XX"], base="aggressive")
    treaty = {"members": ["US", "EU"], "sanction_cost": 100.0}
    trip = Tripwire(name="code-90", metric="automation_code", threshold=0.5, response="pause_until_verified")
    free = simulate(s, Policy(treaty=treaty), samples=200, seed=6, years=15)
    halt = simulate(s, Policy(treaty=treaty, tripwires=[trip], stop={"reliability": 1.0, "max_pause_years": 10.0}),
                    samples=200, seed=6, years=15)
    f, h = free.outcomes, halt.outcomes
    assert np.nanmean(h["risk_share_nonmembers"]) > np.nanmean(f["risk_share_nonmembers"])
    assert np.mean(h["share_nonmembers"]) > np.mean(f["share_nonmembers"])


def test_actor_runs_do_not_depend_on_chunk_size_and_keep_the_single_columns():
    s = _scenario([{"name": "a", "jurisdiction": "US", "strategy": "race"},
                   {"name": "b", "jurisdiction": "CN", "compute_share": 0.3, "budget": 0.3, "strategy": "covert"}])
    pol = Policy(tripwires=[PAUSE], stop=SURE)
    r1 = simulate(s, pol, samples=24, seed=9, years=5, chunk_size=24)
    r2 = simulate(s, pol, samples=24, seed=9, years=5, chunk_size=7)
    for k, v in r1.outcomes.items():
        assert np.array_equal(v, r2.outcomes[k], equal_nan=True), k
    single = simulate(load_scenario("baseline"), pol, samples=4, seed=9, years=5)
    assert set(single.outcomes) <= set(r1.outcomes)
    assert r1.trajectories["effective_compute"].shape == (24, r1.times.size)


def test_unknown_actor_in_a_policy_is_a_clear_error():
    s = _treaty_world()
    with pytest.raises(RecloopInputError, match=r"policy.strategies.lab-cn: unknown actor"):
        simulate(s, Policy(strategies={"lab-cn": "race"}), samples=2, years=1)
    with pytest.raises(RecloopInputError, match=r"policy.treaty.members\[0\]: unknown jurisdiction 'CN'"):
        simulate(s, Policy(treaty={"members": ["CN"]}), samples=2, years=1)

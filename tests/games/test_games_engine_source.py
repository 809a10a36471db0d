"""The halt game on the simulation engine: payoff tables from simulated worlds (EnginePayoffSource).

Small samples keep this fast; the assertions are about structure (dominance, equilibria, error
scaling, determinism), not exact figures, so they hold while the engine is tuned.
"""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from recloop.games import engine_source as E
from recloop.games.equilibria import dominated, nash_margin, pure_nash
from recloop.params import RecloopInputError
from recloop.scenario import load_scenario

N = 150


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("two-firm")


def test_tables_on_common_random_numbers_are_deterministic_for_a_seed(scenario):
    p = E.EngineHalt(years=10.0)
    src = E.regime_source("none", p, scenario=scenario, samples=60)
    E.clear_cache()
    a = src.table(seed=7)
    E.clear_cache()  # rerun the engine, do not read the cache
    b = E.regime_source("none", p, scenario=scenario, samples=60).table(seed=7)
    assert np.array_equal(a.values, b.values) and np.array_equal(a.samples, b.samples)
    c = src.table(seed=8)
    assert not np.array_equal(a.values, c.values)
    # common random numbers: (race, race) and (pause, pause) see the same worlds, so a
    # deviation gain's paired error is smaller than the two payoffs' errors combined
    gain, se = a.deviation_gain(a.index(("race", "pause")), 0, a.strategies[0].index("pause"))
    assert se < np.hypot(a.se[a.index(("race", "pause")) + (0,)], a.se[a.index(("pause", "pause")) + (0,)])


def test_without_stake_or_sanctions_racing_dominates_pausing(scenario):
    # the essay's dilemma with nothing at stake: a pause only hands market share to the rival
    p = E.EngineHalt(stake=0.0, sanction=0.0)
    t = E.regime_source("none", p, scenario=scenario, samples=N).table(seed=1)
    for player in (0, 1):
        assert dominated(t, player, strict=True) == [t.strategies[player].index("pause")]
    assert [e.describe(t)["play"] for e in pure_nash(t)] == [[{"race": 1.0}, {"race": 1.0}]]
    m = nash_margin(t, ("pause", "pause"))
    assert m.value < -3 * m.se  # not an equilibrium, well beyond the noise
    # and payoffs have the documented parts: the catastrophe term vanishes with stake 0
    parts = E.regime_source("none", p, scenario=scenario, samples=N).payoff_parts(("race", "race"), 1)
    assert np.all(parts["catastrophe"] == 0.0) and np.all(parts["sanction"] == 0.0)
    assert np.all(parts["market"] >= 0.0) and np.all(parts["market"] <= p.years + 1e-9)


def test_high_detection_and_sanction_make_pausing_an_equilibrium(scenario):
    weak = E.regime_source("monitoring", E.EngineHalt(sanction=4.0), scenario=scenario, detection=0.0,
                           samples=N).table(seed=2)
    assert not nash_margin(weak, ("pause", "pause")).holds()
    p = E.EngineHalt(sanction=50.0)
    t = E.regime_source("monitoring", p, scenario=scenario, detection=1.0, samples=N).table(seed=2)
    m = nash_margin(t, ("pause", "pause"))
    assert m.holds(z=3.0)
    assert [e.describe(t)["play"] for e in pure_nash(t)] == [[{"pause": 1.0}, {"pause": 1.0}]]
    # comply (the engine's treaty member) with certain detection and a heavy fine also holds
    c = E.regime_source("monitoring", p, scenario=scenario, detection=1.0, strategies=["race", "comply"],
                        samples=N).table(seed=2)
    assert nash_margin(c, ("comply", "comply")).holds(z=2.0)


def test_error_bars_shrink_with_samples(scenario):
    p = E.EngineHalt()
    small = E.regime_source("none", p, scenario=scenario, samples=50).table(seed=3)
    large = E.regime_source("none", p, scenario=scenario, samples=400).table(seed=3)
    ratio = np.median(large.se / small.se)
    assert ratio < 0.6  # sqrt(50/400) = 0.35 in expectation
    assert ratio > 0.15


@pytest.mark.slow  # a study: 3 regimes x 9 profiles x 6 lever points on the engine (~45 s on 2 cores)
def test_detection_lever_is_monotone_and_found_by_the_search(scenario):
    p = E.EngineHalt()
    out = E.study(scenario, p, actors=["frontier-a", "frontier-b"], strategies=["race", "pause", "conditional"],
                  samples=N, seed=0, lever_points=6, lever_tol=0.02)
    assert out["regimes"]["none"]["pause_is_equilibrium"] is False
    mon = out["regimes"]["monitoring"]["min_detection"]
    rec = out["regimes"]["reciprocity"]
    assert out["regimes"]["reciprocity"]["target"] == ["conditional", "conditional"]
    assert mon["value"] is not None and 0.0 < mon["value"] < 1.0
    assert mon["low"] <= mon["value"] <= (mon["high"] if mon["high"] is not None else 1.0)
    # reciprocity (the leader pauses only while the follower visibly pauses) needs less detection
    assert rec["min_detection"]["value"] is not None and rec["min_detection"]["value"] < mon["value"]


def test_bad_names_are_one_line_errors_naming_the_field(scenario):
    with pytest.raises(RecloopInputError) as err:
        E.EnginePayoffSource(scenario, E.regime_policy("none"), actors=["frontier-a", "ghost"],
                             strategies=["race", "hold"])
    assert any(x.startswith("halt.actors: unknown actor 'ghost'") for x in err.value.problems)
    assert any(x.startswith("halt.strategies: unknown strategy 'hold'") for x in err.value.problems)
    with pytest.raises(RecloopInputError):
        E.EnginePayoffSource(load_scenario("baseline"), E.regime_policy("none"), actors=["a"], strategies=["race"])


def _run(args):
    from recloop.cli import _register_all, app

    _register_all()
    return CliRunner().invoke(app, args)


@pytest.mark.parametrize("args, field", [
    (["--actors", "frontier-a,ghost"], "halt.actors"),
    (["--actors", "frontier-a"], "halt.actors"),
    (["--strategies", "race,hold"], "halt.strategies"),
    (["--detection", "1.5"], "halt.detection"),
    (["--samples", "1"], "halt.samples"),
    (["--lever-points", "1"], "halt.lever_points"),
    (["--lever-tol", "0"], "halt.lever_tol"),
])
def test_cli_bad_input_exits_2_with_one_line(args, field):
    r = _run(["game", "halt", "two-firm", *args])
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {field}"), r.stderr
    assert "Traceback" not in r.output


def test_cli_engine_json():
    r = _run(["game", "halt", "two-firm", "--actors", "frontier-a,frontier-b", "--strategies", "race,pause",
              "--samples", "60", "--seed", "1", "--lever-points", "3", "--lever-tol", "0.1", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert set(out["regimes"]) == {"none", "monitoring"}  # no conditional: no reciprocity regime
    none = out["regimes"]["none"]
    assert none["target"] == ["pause", "pause"] and none["pause_is_equilibrium"] is False
    rows = none["table"]["profiles"]
    assert len(rows) == 4 and all(len(r["se"]) == 2 and min(r["se"]) > 0 for r in rows)
    assert out["regimes"]["monitoring"]["min_detection"]["value"] is not None
    # the self-contained game stays the default without a scenario
    r = _run(["game", "halt", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["scenario"].startswith("self-contained")

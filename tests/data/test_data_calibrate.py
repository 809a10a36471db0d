"""Calibration (ABC rejection): distance closed forms, a planted-parameter recovery, parameters the
data cannot tell keep their prior, and the calibrated scenario is a valid scenario file."""

from __future__ import annotations

import json

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from recloop import calibrate as cb
from recloop import hindcast as hc
from recloop.data import cli as data_cli
from recloop.engine import simulate
from recloop.params import RecloopInputError
from recloop.scenario import load_scenario, parse_scenario

TIMES = np.arange(0.0, 8.0 + 1e-9, 1 / 12)


def _s(name, dates, values, sd):
    return hc.Series(name, "u", np.asarray(dates, float), np.asarray(values, float), sd=sd)


def test_distance_closed_form():
    dates = 2019 + np.array([1.0, 2.0, 3.0])
    k = hc._grid_index(TIMES, dates, 2019.0)
    row = np.zeros(TIMES.size)
    row[k] = [1.0, 2.0, 3.0]
    grids = {"a": np.vstack([row, row + 0.5, row - 1.0]), "b": np.vstack([row, row, row])}
    series = [_s("a", dates, [1.0, 2.0, 3.0], 0.5), _s("b", dates, [1.0, 2.0, 3.0], 1.0)]
    d = cb.distances(grids, series, TIMES, 2019.0)
    # sample 0 exact; sample 1 one sd off in a, exact in b: sqrt((1 + 0) / 2); sample 2: sqrt((4 + 0) / 2)
    assert d == pytest.approx([0.0, np.sqrt(0.5), np.sqrt(2.0)])
    grids["a"][1, k[0]] = np.nan
    assert np.isinf(cb.distances(grids, series, TIMES, 2019.0)[1])


def _planted_scenario(invest):
    return parse_scenario({
        "name": "planted",
        "compute": {"investment_growth": invest},
        "drift": {"base_per_oom": {"dist": "uniform", "low": 0.02, "high": 0.3}},
    })


def test_planted_parameter_is_recovered_within_its_posterior_interval():
    truth = 3.0
    state = hc.initial_state(2019.0)
    world = simulate(hc._with_start(_planted_scenario(truth), state), samples=1, seed=0, years=hc.TODAY - 2019.0,
                     report_every=1 / 12)
    grid = hc.model_grids(world, state)["training_compute"][0]
    dates = 2019.0 + world.times[6::6]  # every half year from mid-2019
    k = hc._grid_index(world.times, dates, 2019.0)
    planted = [_s("training_compute", dates, grid[k], 0.1)]
    prior = _planted_scenario({"dist": "uniform", "low": 1.5, "high": 4.5})
    cal = cb.calibrate(prior, samples=3000, accept=0.03, seed=1, series=planted)
    row = cal.params["compute.investment_growth"]
    assert row["posterior"][0] <= truth <= row["posterior"][2]
    assert row["width_ratio"] < 0.5  # the data tell it
    # the record says nothing about drift: its posterior is as wide as its prior
    assert cal.params["drift.base_per_oom"]["width_ratio"] > 0.8
    assert cal.params["compute.investment_growth"]["constrained"]
    assert not cal.params["drift.base_per_oom"]["constrained"]
    assert cal.ess == cal.accepted == int(0.03 * 3000)
    # the calibrated scenario keeps the prior where the data are silent and narrows the rest
    assert cal.scenario.drift.base_per_oom == prior.drift.base_per_oom
    post = cal.scenario.compute.investment_growth
    assert post.dist == "normal" and abs(post.mean - truth) < 0.5


def test_calibrated_scenario_round_trips_through_toml(tmp_path):
    cal = cb.calibrate(samples=400, accept=0.1, seed=0)
    path = tmp_path / "cal.toml"
    path.write_text(cal.scenario.to_toml())
    again = load_scenario(path)
    assert again == cal.scenario
    assert again.name == "baseline-calibrated" and "ABC rejection" in again.description
    # verification and risk are assumptions the record cannot move: kept as in the prior
    base = load_scenario("baseline")
    assert again.verification == base.verification and again.risk == base.risk


def test_only_the_named_series_condition_the_parameters():
    # conditioned on the training-compute records alone, the horizon mapping keeps its prior exactly
    # (the METR points are not in the distance), while spending growth is told
    cal = cb.calibrate(samples=2000, accept=0.05, seed=0, use=["training_compute"])
    assert cal.series == ["training_compute"]
    assert not cal.params["horizon.oom_per_doubling"]["constrained"]
    assert cal.scenario.horizon == load_scenario("baseline").horizon
    with pytest.raises(RecloopInputError, match="--series: must name series of the hindcast"):
        cb.calibrate(samples=200, use=["stock_prices"])


def test_bad_options_are_one_line():
    with pytest.raises(RecloopInputError, match=r"--accept: must be in \(0, 1\)"):
        cb.calibrate(samples=200, accept=1.5)
    with pytest.raises(RecloopInputError, match="at least 100 prior draws"):
        cb.calibrate(samples=10)


def test_calibrate_command_writes_a_loadable_scenario_and_prints_both_forecasts(tmp_path):
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """test group"""

    data_cli.register(app)
    out = tmp_path / "c.toml"
    res = CliRunner().invoke(app, ["calibrate", "--samples", "300", "--accept", "0.1", "--forecast-samples", "100",
                                   "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert body["calibration"]["method"] == "ABC rejection"
    assert body["calibration"]["effective_sample_size"] == 30
    names = [r["outcome"] for r in body["forecasts"]]
    assert {"t_automation_50", "t_superhuman", "takeoff_years", "p_unverified_takeoff", "t_horizon_work_month"} <= set(names)
    assert load_scenario(out).name == "baseline-calibrated"


def _plant(param, truth, prior, series_name, sd):
    """Observations from one world with ``param = truth`` (every other parameter a point)."""
    block, name = param.split(".")
    state = hc.initial_state(2019.0)
    world = simulate(hc._with_start(parse_scenario({"name": "planted", block: {name: truth}}), state), samples=1,
                     seed=0, years=hc.TODAY - 2019.0, report_every=1 / 12)
    grid = hc.model_grids(world, state)[series_name][0]
    dates = 2019.0 + world.times[6::6]
    k = hc._grid_index(world.times, dates, 2019.0)
    return parse_scenario({"name": "planted-prior", block: {name: prior}}), [_s(series_name, dates, grid[k], sd)]


@pytest.mark.parametrize("param, truth, prior, series_name, sd", [
    ("compute.investment_growth", 2.0, {"dist": "uniform", "low": 1.5, "high": 4.5}, "training_compute", 0.1),
    ("compute.investment_growth", 4.0, {"dist": "uniform", "low": 1.5, "high": 4.5}, "training_compute", 0.1),
    ("horizon.oom_per_doubling", 0.5, {"dist": "lognormal", "p5": 0.3, "p95": 1.5}, "metr_p50", 0.3),
    ("horizon.oom_per_doubling", 1.0, {"dist": "lognormal", "p5": 0.3, "p95": 1.5}, "metr_p50", 0.3),
])
def test_planted_values_across_the_prior_are_recovered(param, truth, prior, series_name, sd):
    scenario, planted = _plant(param, truth, prior, series_name, sd)
    cal = cb.calibrate(scenario, samples=2000, accept=0.05, seed=2, series=planted)
    row = cal.params[param]
    assert row["posterior"][0] <= truth <= row["posterior"][2], row
    assert row["width_ratio"] < 0.6 and row["constrained"]


def test_posterior_correlations_are_carried_and_positive_definite():
    cal = cb.calibrate(samples=4000, accept=0.05, seed=0)
    sc = cal.scenario
    refit = [k for k, v in cal.params.items() if v["refitted"]]
    names = sorted({p for c in sc.correlations for p in c.params})
    m = np.eye(len(names))
    for c in sc.correlations:
        a, b = names.index(c.params[0]), names.index(c.params[1])
        m[a, b] = m[b, a] = c.rho
    np.linalg.cholesky(m)  # raises if not positive definite
    # a pair with a strong posterior rank correlation is in the copula with the same sign
    from scipy import stats

    strong = [(a, b) for i, a in enumerate(refit) for b in refit[i + 1:]
              if abs(stats.spearmanr(cal.posterior[a], cal.posterior[b]).statistic) > 0.4]
    for a, b in strong:
        entry = next(c for c in sc.correlations if set(c.params) == {a, b})
        assert np.sign(entry.rho) == np.sign(stats.spearmanr(cal.posterior[a], cal.posterior[b]).statistic)


def test_bundled_calibrated_baseline_narrows_only_what_the_record_tells():
    """The bundled file (recloop calibrate baseline --series training_compute,training_cost,
    training_power,metr_p50,metr_p80 --refit compute.,horizon.reasoning) keeps every baseline
    distribution except the compute parameters the record constrains (spending growth and
    price-performance) and the reasoning gain, which no fit has used METR's reasoning-era agents
    for; the horizon map's slope and intercept keep the fit's distributions."""
    import math

    cal, base = load_scenario("baseline-calibrated"), load_scenario("baseline")
    assert cal.name == "baseline-calibrated" and "ABC rejection" in cal.description
    post, prior = cal.compute.investment_growth, base.compute.investment_growth
    assert math.log(post.p95 / post.p5) < math.log(prior.p95 / prior.p5)  # narrower on the log scale it is drawn on
    assert cal.software == base.software and cal.verification == base.verification
    refitted = {"investment_growth", "price_performance_growth"}
    assert cal.compute.model_copy(update={k: getattr(base.compute, k) for k in refitted}) == base.compute
    reasoning = {"reasoning_gain_oom", "reasoning_ramp_years"}
    assert cal.horizon.model_copy(update={k: getattr(base.horizon, k) for k in reasoning}) == base.horizon
    assert cal.horizon.reasoning_gain_oom.median > base.horizon.reasoning_gain_oom.median


def test_the_hindcast_start_state_is_reported_but_never_refitted():
    # the 2019 training compute is sampled between the current generation and the record; the
    # record narrows it, but it describes 2019, not the calibrated scenario's own start
    cal = cb.calibrate(samples=600, accept=0.1, seed=0, use=["training_compute"])
    row = cal.params["compute.initial_training_flop"]
    assert row["start_state"] and not row["refitted"]
    assert cal.scenario.value("compute.initial_training_flop") == load_scenario("baseline").value("compute.initial_training_flop")

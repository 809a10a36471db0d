"""The hindcast harness on constructed cases, its JSON shape, and its initial conditions.

Engine numbers are not pinned: they move with the engine. What is tested: a model that
reproduces a series exactly covers every point; one far off covers none; shifting model and
data together changes nothing; the initial state is read from the data."""

from __future__ import annotations

import json

import numpy as np
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from recloop import data as D
from recloop import hindcast as hc
from recloop.data import cli as data_cli
from recloop.params import RecloopInputError

TIMES = np.arange(0.0, 8.0 + 1e-9, 1 / 12)


def _series(dates, values, name="s"):
    return hc.Series(name, "u", np.asarray(dates, float), np.asarray(values, float), tuple(f"p{i}" for i in range(len(dates))))


def _truth_grid(fn, n=50, noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    return fn(TIMES)[None, :] + noise * rng.standard_normal((n, TIMES.size))


def test_a_model_that_reproduces_the_series_exactly_covers_every_point():
    def f(t):
        return 20 + 0.5 * t
    dates = 2019 + np.array([0.0, 1.0, 2.5, 4.0, 7.0])
    s = _series(dates, f(dates - 2019))
    r = hc.compare(s, _truth_grid(f), TIMES, 2019.0)
    assert r.coverage_50 == 1.0 and r.coverage_90 == 1.0
    assert r.median_width_90 == 0.0
    assert [p["p50"] for p in r.points] == pytest.approx(list(s.values))


def test_a_model_far_from_the_data_covers_nothing():
    dates = 2019 + np.array([1.0, 2.0, 3.0])
    s = _series(dates, [100.0, 100.0, 100.0])
    r = hc.compare(s, _truth_grid(lambda t: t, noise=1.0), TIMES, 2019.0)
    assert r.coverage_50 == 0.0 and r.coverage_90 == 0.0


def test_band_shares_match_the_band_definitions_on_a_wide_normal_fan():
    # observations at the model's own quantiles: p50 is inside both, p10 only inside 90%, p1 neither
    n = 20_000
    grid = np.random.default_rng(1).standard_normal((n, TIMES.size))
    dates = 2019 + np.array([1.0, 2.0, 3.0])
    s = _series(dates, [0.0, -1.2816, -2.3263])
    r = hc.compare(s, grid, TIMES, 2019.0)
    assert [p["in_50"] for p in r.points] == [True, False, False]
    assert [p["in_90"] for p in r.points] == [True, True, False]
    assert r.coverage_50 == pytest.approx(1 / 3) and r.coverage_90 == pytest.approx(2 / 3)
    assert all(p["p5"] <= p["p25"] <= p["p50"] <= p["p75"] <= p["p95"] for p in r.points)


@settings(max_examples=30, deadline=None)
@given(shift=st.floats(-50, 50), seed=st.integers(0, 1000))
def test_shifting_model_and_data_together_changes_no_coverage(shift, seed):
    rng = np.random.default_rng(seed)
    grid = rng.standard_normal((200, TIMES.size)) + TIMES[None, :]
    dates = 2019 + np.sort(rng.uniform(0, 8, 6))
    obs = dates - 2019 + rng.normal(0, 1.2, 6)
    a = hc.compare(_series(dates, obs), grid, TIMES, 2019.0)
    b = hc.compare(_series(dates, obs + shift), grid + shift, TIMES, 2019.0)
    assert (a.coverage_50, a.coverage_90) == (b.coverage_50, b.coverage_90)


def test_points_outside_the_window_are_left_out_and_dates_read_the_state_then():
    grid = np.tile(np.arange(TIMES.size, dtype=float), (3, 1))
    s = _series([2018.5, 2019.0 + 1.5 / 12, 2030.0], [0.0, 1.0, 0.0])
    r = hc.compare(s, grid, TIMES, 2019.0)
    assert len(r.points) == 1
    assert r.points[0]["p50"] == 1.0  # 1.5 months in: the report of month 1 is in force


def test_lagged_reads_each_row_its_own_lag_earlier():
    times = np.arange(0.0, 1.0 + 1e-9, 0.25)
    grid = np.tile(np.arange(5, dtype=float), (3, 1))
    out = hc._lagged(grid, np.array([0.0, 0.25, 0.6]), times)
    assert out.tolist() == [[0, 1, 2, 3, 4], [0, 0, 1, 2, 3], [0, 0, 0, 1, 2]]  # 0.6 yr: 2 steps


def _start_flop(res, scenario):
    from recloop.sampling import draw_parameters

    return np.log10(draw_parameters(scenario, res.outcomes["sample"], res.seed)["compute.initial_training_flop"])


def test_the_start_state_reproduces_the_data_records_at_the_start():
    """Closed form: watts_per_pflops and flops_per_dollar are set so that the starting run draws the
    power, and costs the amortised cost, that the data give a run of its compute at the start (the
    power and cost per FLOP of the largest run in the window that has them: ResNeXt-101 32x48d for
    2019), up to the engine's chosen run length for the cost."""
    from recloop.engine import simulate
    from recloop.scenario import Compute, load_scenario

    state = hc.initial_state(2019.0)
    m = D.load("epoch_models")
    run = hc.start_run(m, 2019.0)
    assert state["watts_per_pflops"] > 0 and state["flops_per_dollar"] > 0
    sc = hc._with_start(load_scenario("baseline"), state)
    res = simulate(sc, samples=200, seed=0, years=hc.TODAY - 2019.0, report_every=1 / 12)
    g = hc.model_grids(res, state)
    f0 = _start_flop(res, sc)
    per_flop_w = np.log10(run["training_power_w"] / run["training_compute_flop"])
    assert g["training_power"][:, 0] - f0 == pytest.approx(np.full(f0.size, per_flop_w), abs=1e-5)
    per_flop_c = np.log10(run["training_cost_2023usd"] / run["training_compute_flop"])
    d = Compute()
    assert np.all(np.abs(g["training_cost"][:, 0] - f0 - per_flop_c)
                  <= np.log10(d.max_run_years / d.training_duration_years) + 1e-6)
    # nothing released before one build time has passed: the run-side series hold their start
    assert np.all(np.diff(g["training_power"], axis=1)[:, :3] == 0.0)


def test_the_start_compute_is_sampled_between_the_current_generation_and_the_record():
    m = D.load("epoch_models")
    s = hc.initial_state(2019.0)
    lo, hi = s["initial_training_flop_range"]
    since = hc.state_since(2019.0)
    assert since == pytest.approx(2019.0 - hc.generation_years())
    win = hc.new_runs(m) & (m.years < 2019.0) & (m.years >= since)
    assert lo == m["training_compute_flop"][win].max() == pytest.approx(8.74e21, rel=1e-3)  # ResNeXt-101 32x48d
    assert hi == pytest.approx(3.41e23)  # AlphaGo Zero, October 2017
    sc = hc._with_start(__import__("recloop.scenario", fromlist=["x"]).load_scenario("baseline"), s)
    v = sc.value("compute.initial_training_flop")
    assert v.p5 == lo and v.p95 == hi
    # where the record is the current generation the start is a point
    s23 = hc.initial_state(2023.5)
    assert "initial_training_flop_range" not in s23 and s23["initial_training_flop"] == pytest.approx(2.1e25)


def test_records_are_runs_above_the_start_run():
    series = {s.name: s for s in hc.default_series(2019.0)}
    run = hc.start_run(D.load("epoch_models"), 2019.0)
    for name, col in (("training_compute", "training_compute_flop"), ("training_power", "training_power_w")):
        v = series[name].values
        assert v[0] > np.log10(run[col]) and np.all(np.diff(v) > 0) and np.all(series[name].dates >= 2019.0)
    assert series["training_compute"].labels[:2] == ("Megatron-BERT", "T5-11B")


def test_build_lag_closed_form():
    """On a path gaining 1 OOM/yr the chosen run is 1/ln(10) years; the lag adds the preparation."""
    import types

    times = np.arange(0.0, 4.0 + 1e-9, 0.25)
    traj = {"software_oom": np.tile(0.4 * times, (2, 1)), "compute_flops": np.tile(20.0 + 0.6 * times, (2, 1))}
    res = types.SimpleNamespace(trajectories=traj, times=times)
    P = {"generations.prep_years": np.array([0.4, 0.0]), "compute.max_run_years": np.array([1.25, 0.2])}
    lag = hc.build_lag_years(res, P)
    assert lag == pytest.approx([0.4 + 1 / np.log(10.0), 0.2])  # second: capped at the longest run


def test_deployed_generation_series_read_the_engine_trajectories():
    from recloop.engine import simulate
    from recloop.scenario import load_scenario

    state = hc.initial_state(2019.0)
    sc = hc._with_start(load_scenario("baseline"), state)
    res = simulate(sc, samples=100, seed=0, years=hc.TODAY - 2019.0, report_every=1 / 12)
    g = hc.model_grids(res, state)
    assert np.array_equal(g["metr_p50"], np.log2(res.trajectories["horizon_p50_hours"].astype(np.float64)))
    assert np.array_equal(g["metr_p80"], np.log2(res.trajectories["horizon_p80_hours"].astype(np.float64)))
    # physical FLOP of the deployed generation: its absolute effective compute less the software of
    # its run's start; at the start it is the data's frontier run plus what the first step gained
    assert np.all(g["training_compute"][:, 0] >= _start_flop(res, sc) - 1e-6)
    assert np.all(np.diff(g["training_compute"], axis=1) >= -1e-4)  # never shrinks


def test_initial_state_is_the_largest_new_run_of_the_current_generation():
    m = D.load("epoch_models")
    for start in (2019.0, 2023.0):
        s = hc.initial_state(start)
        win = hc.new_runs(m) & (m.years < start) & (m.years >= hc.state_since(start))
        lo = s.get("initial_training_flop_range", [s["initial_training_flop"]])[0]
        assert lo == m["training_compute_flop"][win].max()
        assert s["start_year"] == start
    assert hc.initial_state(2023.5)["initial_training_flop"] == pytest.approx(2.1e25)  # GPT-4
    # a fine-tune is not a new run: Minerva (PaLM plus 0.2e24 FLOP, mid-2022) is not the 2023 state
    assert hc.initial_state(2023.0)["initial_training_flop"] == pytest.approx(2.578e24)  # GPT-3.5


def test_fine_tunes_are_not_new_runs():
    m = D.load("epoch_models")
    runs = hc.new_runs(m)
    names = {str(x): bool(r) for x, r in zip(m["model"], runs)}
    assert names["PaLM (540B)"] and not names["Minerva (540B)"] and not names["FLAN 137B"]
    assert not np.any(runs & ~m["notable"])
    labels = {lab for s in hc.default_series(2019.0) if s.name.startswith("training_") for lab in s.labels}
    assert "Minerva (540B)" not in labels and "FLAN 137B" not in labels


def test_the_predictive_band_adds_the_observation_error_closed_form():
    # a model that is certain (every sample equal) and an observation error sd e: the predictive
    # band is the normal's, value +- 1.645 e (90%) and +- 0.674 e (50%)
    e = 0.5
    dates = 2019 + np.array([1.0, 3.0])
    s = hc.Series("s", "u", dates, np.array([20.0, 20.0]), ("a", "b"), errors=np.array([e, e]))
    grid = np.full((40_000, TIMES.size), 20.0)
    r = hc.compare(s, grid, TIMES, 2019.0)
    for p in r.points:
        assert p["p95"] - 20.0 == pytest.approx(1.6449 * e, abs=0.02)
        assert 20.0 - p["p5"] == pytest.approx(1.6449 * e, abs=0.02)
        assert p["p75"] - p["p25"] == pytest.approx(2 * 0.6745 * e, abs=0.02)
        assert p["model_p5"] == p["model_p95"] == 20.0
    assert r.median_width_90_model == 0.0 and r.median_width_90 == pytest.approx(2 * 1.6449 * e, abs=0.03)
    # a point 2 sd off lies outside the predictive band; 1 sd off inside
    s2 = hc.Series("s", "u", dates, np.array([20.0 + 2 * e, 20.0 + e]), ("a", "b"), errors=np.array([e, e]))
    r2 = hc.compare(s2, grid, TIMES, 2019.0)
    assert [p["in_90"] for p in r2.points] == [False, True]
    assert r2.coverage_90_model == 0.0


def test_without_an_observation_error_the_predictive_band_is_the_models_own():
    grid = np.random.default_rng(3).standard_normal((5_000, TIMES.size))
    dates = 2019 + np.array([1.0, 2.0])
    r = hc.compare(_series(dates, [0.0, 1.0]), grid, TIMES, 2019.0)
    for p in r.points:
        assert p["p5"] == p["model_p5"] and p["p95"] == p["model_p95"]
    assert r.coverage_90 == r.coverage_90_model and r.median_width_90 == r.median_width_90_model


def test_observation_errors_come_from_their_sources():
    series = {s.name: s for s in hc.default_series(2019.0)}
    scatter = hc.frontier_scatter_oom(2019.0)
    assert scatter == pytest.approx(0.32, abs=0.01)  # regression pin: 40 frontier models, 2019-2025
    tc = series["training_compute"]
    grade = dict(zip(tc.labels, tc.errors))
    # GPT-4 is graded Speculative (30x), PaLM Confident (3x)
    assert grade["GPT-4"] == pytest.approx(np.hypot(np.log10(30) / 1.6448536269514722, scatter))
    assert grade["PaLM (540B)"] == pytest.approx(np.hypot(np.log10(3) / 1.6448536269514722, scatter))
    metr = series["metr_p50"]
    h = D.load("metr_horizons_1_1")
    sota = h["is_sota"] & (h.years >= 2019.0)
    want = (np.log2(h["p50_ci_high_minutes"][sota]) - np.log2(h["p50_ci_low_minutes"][sota])) / 3.92
    assert metr.errors == pytest.approx(want)
    launch = hc.launch_scatter_oom()
    assert launch == pytest.approx(0.14, abs=0.01)  # regression pin: 9 priced data-centre accelerators, 2017-2023
    assert series["gpu_price_performance"].errors == pytest.approx(launch)


def test_launch_scatter_is_the_residual_sd_around_the_trend():
    # closed form on the shipped chips: the residual sd of a least-squares line, n - 2 degrees of freedom
    g = D.load("epoch_gpu_prices")
    ok = hc.datacentre_accelerators(g) & np.isfinite(g["release_price_usd"])
    x, y = g.years[ok], np.log10(g["tensor_16bit_flops"][ok] / g["release_price_usd"][ok])
    r = y - np.polyval(np.polyfit(x, y, 1), x)
    assert hc.launch_scatter_oom() == pytest.approx(np.sqrt(np.sum(r * r) / (r.size - 2)))
    with pytest.raises(RecloopInputError, match="launch scatter"):
        hc.launch_scatter_oom(2018.0)


def test_estimate_grades_read_as_90_percent_factors():
    sd = D.estimate_sd_oom(["Confident", "Likely", "Speculative", "Unknown", ""])
    assert sd[:3] == pytest.approx(np.log10([3.0, 10.0, 30.0]) / 1.6448536269514722)
    assert sd[3] == sd[4] == sd[1]  # ungraded: read as Likely


def test_bad_start_is_one_line():
    with pytest.raises(RecloopInputError) as e:
        hc.hindcast(start=2030.0, samples=10)
    assert e.value.problems == ["--from: must be a year in [2000, 2026.9), got 2030.0"]
    with pytest.raises(RecloopInputError, match="no notable model"):
        hc.initial_state(1900.0)


def test_full_pipeline_with_a_model_that_reproduces_the_data_covers_everything():
    series = hc.default_series(2019.0)

    def exact(result, state):  # every sample's value = the observed point, held until the next
        out = {}
        for s in series:
            k = hc._grid_index(result.times, s.dates, 2019.0)
            row = np.full(result.times.size, np.nan)
            row[k] = s.values
            out[s.name] = np.tile(row, (result.samples, 1))
        return out

    r = hc.hindcast(samples=20, series=series, grids=exact)
    assert set(r.series) == {s.name for s in series}
    assert all(s.coverage_90 == 1.0 and s.coverage_50 == 1.0 for s in r.series.values())


def test_hindcast_json_has_the_documented_shape():
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """test group"""

    data_cli.register(app)
    res = CliRunner().invoke(app, ["hindcast", "--from", "2019", "--samples", "200", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["start"] == 2019.0 and out["initial"]["initial_training_flop"] > 0
    assert {"training_compute", "metr_p50", "metr_p80", "gpu_price_performance", "training_cost",
            "training_power"} <= set(out["series"])
    assert out["unmodelled"] == []
    assert out["initial"]["watts_per_pflops"] > 0 and out["initial"]["flops_per_dollar"] > 0
    for s in out["series"].values():
        assert 0.0 <= s["coverage_50"] <= s["coverage_90"] <= 1.0
        assert s["points"]
        for p in s["points"]:
            assert {"date", "observed", "p5", "p50", "p95"} <= set(p)
            assert p["p5"] <= p["p50"] <= p["p95"]
        assert set(s["fan"]) == {"t", "p5", "p25", "p50", "p75", "p95"} and len(s["fan"]["t"]) == len(s["fan"]["p50"])
    bad = CliRunner().invoke(app, ["hindcast", "--from", "1800", "--samples", "10"])
    assert bad.exit_code != 0


def test_figure_is_written(tmp_path):
    r = hc.hindcast(samples=50)
    path = tmp_path / "h.png"
    hc.figure(r, path)
    assert path.stat().st_size > 10_000 and path.read_bytes()[:4] == b"\x89PNG"


def test_a_scenario_with_actors_is_refused_in_one_line():
    with pytest.raises(RecloopInputError) as e:
        hc.hindcast("two-firm", samples=10)
    (msg,) = e.value.problems
    assert "actors" in msg and "two-firm" in msg


def test_hindcast_command_prints_every_point_and_writes_the_figure(tmp_path):
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """test group"""

    data_cli.register(app)
    fig = tmp_path / "fig.png"
    res = CliRunner().invoke(app, ["hindcast", "--samples", "100", "--figure", str(fig)])
    assert res.exit_code == 0, res.output
    n = sum(len(s.points) for s in hc.hindcast(samples=100).series.values())
    assert res.stdout.count(" observed ") == n
    assert fig.exists() and fig.stat().st_size > 10_000


def test_a_start_value_outside_its_declared_bounds_keeps_the_declared_value_and_says_so():
    # for 2018 the window's largest run with a power estimate is AmoebaNet-A (K40 GPUs, a week):
    # the implied watts per PFLOP/s, 1.4e5, leaves [1, 1e5] and is not used
    s = hc.initial_state(2018.0)
    assert "watts_per_pflops" not in s
    assert any(n.startswith("compute.watts_per_pflops:") and "declared value kept" in n for n in s["kept_declared"])
    r = hc.hindcast(start=2018.0, samples=20)
    assert "training_power" in r.series


def test_a_past_start_runs_at_the_human_only_software_trend():
    """Direction: in 2019 AI automated none of its own R&D, so from the data's 2019 state software
    progresses at about the historical trend (a progress multiplier near 1, as at the declared 2027
    start: 1.00), not at a few per cent of it (today's engine: 0.03). Either fix in section 3.3 passes
    (the engine now dates its reference developer by the declared trend)."""
    from recloop.engine import simulate
    from recloop.scenario import load_scenario

    res = simulate(hc._with_start(load_scenario("baseline"), hc.initial_state(2019.0)), samples=200, seed=0,
                   years=1.0, report_every=1 / 12)
    assert 0.5 <= float(np.median(res.trajectories["progress_multiplier"][:, 0])) <= 2.0


@pytest.fixture(scope="module")
def calibrated_hindcast():
    return hc.hindcast("baseline-calibrated", start=2019.0, seed=0)  # the default sample count, as a user runs it


def test_the_cli_samples_as_many_worlds_as_the_library_by_default():
    import inspect

    from recloop.cli import _register_all, app

    _register_all()
    cmd = next(c for c in app.registered_commands if c.callback.__name__ == "hindcast")
    assert inspect.signature(cmd.callback).parameters["samples"].default.default == hc.DEFAULT_SAMPLES == 4000


@pytest.mark.parametrize("name", ["training_compute", "training_cost", "training_power", "metr_p50", "metr_p80",
                                  "gpu_price_performance"])
def test_the_calibrated_baseline_covers_80_percent_of_each_series_in_its_90_percent_band(calibrated_hindcast, name):
    """Issue 17's target, per series, on the bundled calibrated baseline from 2019 (4,000 worlds, the
    default):
    at least 80% of the points inside the posterior-predictive 90% band. GPU price-performance meets
    it at the band's edge (the L20 lies at its 5th percentile: 2 of 3 at 400 and 1,000 worlds), docs/data.md 3.3."""
    s = calibrated_hindcast.series[name]
    assert s.median_width_90 is not None and s.median_width_90_model is not None
    assert s.median_width_90_model <= s.median_width_90 + 1e-9  # the observation error only widens
    assert s.coverage_90 >= 0.8, f"{name}: {s.coverage_90:.0%} inside the 90% band"

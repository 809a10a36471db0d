"""The EMA Workbench adapter: recloop's uncertainties, levers and outcomes as an EMA model, and
recloop's PRIM against the Workbench's on the same data."""

import json
import math
import random
import warnings

import numpy as np
import pytest
from typer.testing import CliRunner

ema = pytest.importorskip("ema_workbench")
pd = pytest.importorskip("pandas")

from ema_workbench.analysis import prim as ema_prim  # noqa: E402

from recloop.analysis.common import evaluate_design  # noqa: E402
from recloop.analysis.prim import prim  # noqa: E402
from recloop.ema import ema_model, ema_name, salib_problem  # noqa: E402
from recloop.params import RecloopInputError  # noqa: E402
from recloop.policy import load_policy  # noqa: E402
from recloop.scenario import load_scenario, scenario_specs  # noqa: E402

YEARS = 12.0
pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def baseline():
    return load_scenario("baseline")


def _experiments(model, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ema.SequentialEvaluator(model) as ev:
            return ev.perform_experiments(**kw)


def test_model_declares_the_scenarios_uncertainties_the_levers_and_outcomes(baseline):
    m = ema_model(baseline, years=YEARS)
    specs = {s.path: s for s in scenario_specs()}
    names = {u.name for u in m.uncertainties}
    assert names == {ema_name(p, log=specs[p].log) for p in baseline.uncertain_paths()}
    # a log-uniform uncertainty is varied over log10 of the scenario's own range
    log_paths = [p for p in baseline.uncertain_paths() if specs[p].log]
    for p in log_paths:
        lo, hi = baseline.value(p).support()
        u = m.uncertainties[ema_name(p, log=True)]
        assert (u.lower_bound, u.upper_bound) == pytest.approx((math.log10(max(lo, specs[p].bounds[0])),
                                                                math.log10(min(hi, specs[p].bounds[1]))))
    assert "containment__air_gap" in {lv.name for lv in m.levers}
    kinds = {o.name: o.kind for o in m.outcomes}
    assert kinds["p_catastrophe"] == ema.ScalarOutcome.MINIMIZE and kinds["t_superhuman"] == ema.ScalarOutcome.INFO


def test_each_experiment_is_the_engine_on_that_experiments_inputs(baseline):
    """EMA's Latin hypercube drives the engine: row i of its results is recloop's evaluate_design
    on row i's inputs (same fixed parameters, same common random numbers)."""
    m = ema_model(baseline, load_policy("tripwire-pause"), levers=[], outcomes=["p_catastrophe", "t_superhuman"],
                  years=YEARS, seed=3)
    exp, out = _experiments(m, scenarios=12, uncertainty_sampling=ema.Samplers.LHS)
    specs = {s.path: s for s in scenario_specs()}
    # 10 ** x as the adapter computes it (Python's pow on one float): numpy's vector pow can differ
    # in the last bit, and a near-tie world can then take the other branch of a tripwire
    values = {p: (np.array([10.0 ** float(x) for x in exp[ema_name(p, log=True)]]) if specs[p].log
                  else exp[ema_name(p)].to_numpy()) for p in baseline.uncertain_paths()}
    # one world at a time, as EMA runs them: a batch of 12 may round a near-tie world's last bit
    # differently (numpy's vector math), and one such world can take the other branch of a tripwire
    for outcome in ("p_catastrophe", "t_superhuman"):
        y = np.concatenate([evaluate_design({p: v[i:i + 1] for p, v in values.items()}, baseline,
                                            load_policy("tripwire-pause"), outcome, years=YEARS, seed=3)[0]
                            for i in range(len(exp))])
        np.testing.assert_allclose(out[outcome], y, rtol=1e-12, atol=0)


def test_levers_reach_the_engine_and_the_optimiser_finds_the_direction(baseline):
    """hazard_reduction scales the hazard down: in every sampled world more reduction never raises
    P(catastrophe), and EMA's optimiser over that lever alone drives it towards its upper bound."""
    m = ema_model(baseline, levers=["containment.hazard_reduction"], outcomes={"p_catastrophe": "minimize"},
                  years=YEARS)
    lo = ema.Policy("lo", containment__hazard_reduction=0.0)
    hi = ema.Policy("hi", containment__hazard_reduction=0.9)
    exp, out = _experiments(m, scenarios=6, policies=[lo, hi])
    by = {name: out["p_catastrophe"][exp["policy"].to_numpy() == name] for name in ("lo", "hi")}
    assert np.all(by["hi"] <= by["lo"]) and np.any(by["hi"] < by["lo"]), by
    ref = ema.Scenario("ref", **{u.name: (u.lower_bound + u.upper_bound) / 2 for u in m.uncertainties})
    # the optimiser (platypus) draws from Python's and numpy's global generators: seeded here so
    # the search is the same on every run (unseeded, 24 evaluations can stop short of 0.8)
    random.seed(0)
    np.random.seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ema.SequentialEvaluator(m) as ev:
            front = ev.optimize(nfe=24, searchover="levers", epsilons=[1e-4], reference=ref, population_size=8)
    assert front["containment__hazard_reduction"].max() > 0.8, front


def _planted(n=2000, d=5, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, (n, d))
    y = ((X[:, 0] > 0.6) & (X[:, 2] < 0.5)) ^ (rng.uniform(size=n) < 0.05)  # a box in x0, x2; 5% noise
    return X, y, [f"x{j}" for j in range(d)]


def test_recloop_prim_peels_as_the_workbenchs_prim():
    """Same data, same peel_alpha and mass_min, the Workbench's 'original' objective (the density
    in the box, which is recloop's): the two peeling trajectories agree step by step up to the
    quantile convention (numpy's linear quantile against EMA's get_quantile), which moves the cut
    by at most a world or two per peel; both choose a box on x0 and x2 only, near the planted one."""
    X, y, names = _planted()
    ours = prim(X, y, names, peel_alpha=0.05, min_mass=0.05, threshold=0.8, paste=False)
    theirs = ema_prim.Prim(pd.DataFrame(X, columns=names), y.astype(int), threshold=0.8, peel_alpha=0.05,
                           paste_alpha=0.05, mass_min=0.05,
                           obj_function=ema_prim.PRIMObjectiveFunctions.ORIGINAL).find_box()
    t = theirs.peeling_trajectory
    k = ours.chosen + 1
    assert len(t) >= k
    n_ours = np.array([b.n for b in ours.trajectory[:k]])
    n_theirs = t["n"].to_numpy()[:k]
    assert np.max(np.abs(n_ours - n_theirs)) <= 2
    pos_ours = np.array([round(b.density * b.n) for b in ours.trajectory[:k]])
    pos_theirs = np.round(t["density"].to_numpy()[:k] * n_theirs)
    assert np.max(np.abs(pos_ours - pos_theirs)) <= 4
    # the box each picks at the threshold: same restricted dimensions, limits within one peel
    assert sorted(ours.trajectory[ours.chosen].restricted) == ["x0", "x2"]
    lims = theirs.box_lims[ours.chosen]
    assert set(names[j] for j in range(5) if (lims.iloc[0, j], lims.iloc[1, j]) != (X[:, j].min(), X[:, j].max())) == {"x0", "x2"}
    ob = ours.trajectory[ours.chosen].limits
    assert abs(ob["x0"][0] - lims["x0"].iloc[0]) < 0.05 and abs(ob["x2"][1] - lims["x2"].iloc[1]) < 0.05
    assert abs(ob["x0"][0] - 0.6) < 0.05  # and near the planted edge


def test_workbench_prim_runs_on_recloop_experiments(baseline):
    m = ema_model(baseline, levers=[], outcomes=["t_superhuman"], years=YEARS)
    exp, out = _experiments(m, scenarios=60)
    y = out["t_superhuman"] < YEARS / 2  # early superhuman capability
    assert 0 < y.mean() < 1
    x = exp[[u.name for u in m.uncertainties]]
    box = ema_prim.Prim(x, y.astype(int), threshold=0.5, peel_alpha=0.1).find_box()
    assert box.density >= y.mean() and box.coverage > 0


def test_bad_names_are_refused_with_their_field(baseline):
    with pytest.raises(RecloopInputError) as err:
        ema_model(baseline, uncertainties=["software.nope"], levers=["stop.nope"], outcomes={"p_catastrophe": "least"})
    text = "\n".join(err.value.problems)
    assert "uncertainties: unknown scenario parameter 'software.nope'" in text
    assert "levers: unknown policy lever 'stop.nope'" in text
    assert "outcomes.p_catastrophe: kind must be minimize, maximize or info, got 'least'" in text


def test_params_salib_prints_salibs_problem(baseline, tmp_path, monkeypatch):
    from SALib.sample import sobol as sobol_sample

    from recloop.cli import _register_all, app

    monkeypatch.setenv("RECLOOP_HOME", str(tmp_path))
    _register_all()
    r = CliRunner().invoke(app, ["params", "--salib"])
    assert r.exit_code == 0, r.output
    problem = json.loads(r.output)
    assert problem == json.loads(json.dumps(salib_problem(baseline)))
    assert problem["names"] == baseline.uncertain_paths() and problem["num_vars"] == len(problem["names"])
    specs = {s.path: s for s in scenario_specs()}
    for name, (lo, hi), log in zip(problem["names"], problem["bounds"], problem["log10"]):
        b = specs[name].bounds
        assert (lo, hi) == pytest.approx((math.log10(b[0]), math.log10(b[1])) if log else b)
    X = sobol_sample.sample(problem, 8, calc_second_order=False)
    assert X.shape == (8 * (problem["num_vars"] + 2), problem["num_vars"])

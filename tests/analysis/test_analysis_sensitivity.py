"""Sensitivity: the Ishigami plumbing check (analytic indices), Morris on a linear model, the
engine on an explicit design, and the documented errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from SALib.test_functions import Ishigami

from recloop.analysis.sensitivity import Factor, morris_analysis, scenario_factors, scenario_sensitivity, sobol_analysis
from recloop.params import RecloopInputError
from recloop.policy import load_policy
from recloop.scenario import load_scenario

# Ishigami & Homma 1990 with a = 7, b = 0.1 (Saltelli et al. 2008, Global Sensitivity Analysis, §4.7)
A, B = 7.0, 0.1
_V = A**2 / 8 + B * math.pi**4 / 5 + B**2 * math.pi**8 / 18 + 0.5
_V1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
_V2 = A**2 / 8
_V13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)
ANALYTIC = {"x1": (_V1 / _V, (_V1 + _V13) / _V), "x2": (_V2 / _V, _V2 / _V), "x3": (0.0, _V13 / _V)}


def _ishigami(values):
    return Ishigami.evaluate(np.column_stack([values["x1"], values["x2"], values["x3"]]), A=A, B=B)


def test_ishigami_gives_analytic_sobol_indices():
    factors = [Factor(n, (-math.pi, math.pi)) for n in ("x1", "x2", "x3")]
    res = sobol_analysis(_ishigami, factors, samples=2**13, seed=1)
    assert res.evaluations == 2**13 * 5
    for name, (s1, st) in ANALYTIC.items():
        assert res.index(name, "S1") == pytest.approx(s1, abs=0.03), name
        assert res.index(name, "ST") == pytest.approx(st, abs=0.03), name
        # the bootstrap intervals are honest: the analytic value lies within ~2 half-widths
        assert abs(res.index(name, "ST") - st) <= 2 * res.index(name, "ST_conf") + 0.005
    assert res.ranking == ["x1", "x2", "x3"]  # by total order: 0.558, 0.442, 0.244


def test_log_factor_is_sampled_log_uniformly():
    seen = {}

    def model(values):
        seen["x"] = values["x"]
        return np.log10(values["x"]) + 0.1 * values["y"]

    res = sobol_analysis(model, [Factor("x", (1e-3, 1e3), log=True), Factor("y", (0.0, 1.0))], samples=512, seed=0)
    x = seen["x"]
    assert x.min() >= 1e-3 and x.max() <= 1e3
    assert np.mean(x < 1.0) == pytest.approx(0.5, abs=0.05)  # log-uniform: half the mass below the geometric mid
    assert res.ranking[0] == "x"


def test_morris_ranks_a_linear_model_by_its_coefficients():
    coef = {"a": 5.0, "b": -2.0, "c": 0.5, "d": 0.0}
    factors = [Factor(k, (0.0, 1.0)) for k in coef]
    res = morris_analysis(lambda v: sum(c * v[k] for k, c in coef.items()), factors, samples=40, seed=0)
    assert res.ranking == ["a", "b", "c", "d"]
    for k, c in coef.items():  # elementary effects of a linear model are its coefficients, exactly
        assert res.index(k, "mu_star") == pytest.approx(abs(c), abs=1e-9)
        assert res.index(k, "sigma") == pytest.approx(0.0, abs=1e-9)


def test_engine_sensitivity_ignores_a_parameter_the_outcome_does_not_read():
    """risk.base_hazard scales the hazard only; the automation date cannot depend on it."""
    sc, po = load_scenario("baseline"), load_policy("none")
    res = scenario_sensitivity(sc, po, "t_automation_50", samples=32, seed=0, years=20,
                               params=["risk.base_hazard", "automation.midpoint_code_flop", "software.returns"])
    assert res.evaluations == 32 * 5
    assert res.index("risk.base_hazard", "ST") == pytest.approx(0.0, abs=1e-12)
    assert res.index("risk.base_hazard", "S1") == pytest.approx(0.0, abs=1e-12)
    assert res.ranking[-1] == "risk.base_hazard"
    assert 0.0 <= res.info["censored"] <= 1.0 and res.info["diverged"] == 0.0


def test_default_factors_are_the_uncertain_parameters_drawn_from_their_distributions():
    sc = load_scenario("baseline")
    f = {x.name: x for x in scenario_factors(sc)}
    assert set(f) == set(sc.uncertain_paths())
    assert all(x.space == "distribution" for x in f.values())
    assert f["software.returns"].dist == sc.value("software.returns")
    b = {x.name: x for x in scenario_factors(sc, space="bounds")}
    assert b["software.returns"].log and b["software.returns"].bounds == (0.1, 10.0) and b["software.returns"].dist is None
    # a fixed assumption named explicitly has no distribution: it varies over its declared bounds
    from recloop.scenario import scenario_specs

    spec = next(s for s in scenario_specs() if s.bounds is not None and s.path not in sc.uncertain_paths())
    (fixed,) = scenario_factors(sc, [spec.path])
    assert fixed.space == "declared bounds" and fixed.bounds == tuple(spec.bounds)
    with pytest.raises(RecloopInputError, match="--space"):
        scenario_factors(sc, space="box")


def test_distribution_design_follows_the_scenario_distributions_and_copula():
    """Gaussian copula closed form: Spearman's rho_s = (6/pi) asin(rho/2) (Kruskal 1958)."""
    import math

    from scipy.stats import spearmanr

    from recloop.analysis.sensitivity import copula_matrix
    from recloop.scenario import parse_scenario

    rho = 0.8
    sc = parse_scenario({"name": "t", "software": {"returns": {"dist": "uniform", "low": 0.5, "high": 2.0}},
                         "risk": {"base_hazard": {"dist": "loguniform", "low": 0.01, "high": 1.0}},
                         "correlations": [{"params": ["software.returns", "risk.base_hazard"], "rho": rho}]})
    factors = scenario_factors(sc)
    corr = copula_matrix(sc, factors)
    seen = {}

    def model(v):
        seen.update(v)
        return v["software.returns"] + np.log10(v["risk.base_hazard"])

    sobol_analysis(model, factors, samples=2048, seed=3, corr=corr)
    r, h = seen["software.returns"], seen["risk.base_hazard"]
    assert 0.5 <= r.min() and r.max() <= 2.0 and 0.01 <= h.min() and h.max() <= 1.0  # not the declared bounds
    assert np.mean(h < 0.1) == pytest.approx(0.5, abs=0.03)  # log-uniform: half the mass below the geometric mid
    assert spearmanr(r, h)[0] == pytest.approx(6 / math.pi * math.asin(rho / 2), abs=0.03)


def test_censored_runs_are_counted():
    sc, po = load_scenario("baseline"), load_policy("none")
    res = scenario_sensitivity(sc, po, "t_superhuman", method="morris", samples=3, seed=0, years=3,
                               params=["software.returns", "software.initial_rate_oom_per_year"])
    assert res.evaluations == 3 * 3
    assert res.info["censored_runs"] == round(res.info["censored"] * res.evaluations)
    assert res.info["censored_runs"] > 0 and res.info["space"] == "distributions"


def test_bad_input_names_every_problem():
    sc, po = load_scenario("baseline"), load_policy("none")
    with pytest.raises(RecloopInputError) as e:
        scenario_sensitivity(sc, po, "t_takeof_start", method="fast", params=["software.return"])
    text = "\n".join(e.value.problems)
    assert "--method" in text and "did you mean t_takeoff_start" in text and "did you mean software.returns" in text
    with pytest.raises(RecloopInputError, match="undefined"):
        scenario_sensitivity(sc, po, "fidelity_at_superhuman", samples=4, years=1, params=["software.returns"])

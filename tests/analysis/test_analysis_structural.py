"""Structural sensitivity: fixed choices applied, swept on common worlds, and boxed by PRIM.

Closed forms (a constructed evaluate whose verdict flips at a known setting), directions (the
release gate and verification's automation boost never raise unverified takeoff on the same
worlds) and invariances (a world's sampled parameters do not depend on the structural design)."""

from __future__ import annotations

import numpy as np
import pytest

from recloop.analysis import structural as st
from recloop.params import RecloopInputError
from recloop.policy import load_policy
from recloop.sampling import draw_parameters
from recloop.scenario import load_scenario


@pytest.fixture(scope="module")
def base():
    return load_scenario("baseline"), load_policy("none")


def test_default_choices_are_the_fixed_assumptions_structural_choices_and_switches(base):
    sc, po = base
    ch = {c.path: c for c in st.structural_choices(sc, po)}
    assert {p for p in st.STRUCTURAL if p not in sc.uncertain_paths()} <= set(ch)
    assert ch["verification.release_requires_verification"].settings == (False, True)
    assert not any(p in ch for p in sc.uncertain_paths())  # sampled parameters are PRIM's and Sobol's already
    assert not any(p.startswith("market.") for p in ch)  # one developer: no market rules
    for c in ch.values():
        assert c.base in c.settings
    cast = load_scenario("essay-cast")
    assert "market.exit_share" in {c.path for c in st.structural_choices(cast, po)}


def test_apply_choice_pins_a_point_value_and_leaves_the_rest(base):
    sc, po = base
    sc2, po2 = st.apply_choice(sc, po, st.Choice("software.returns", "scenario", None, ()), 2.0)
    assert sc2.value("software.returns") == 2.0 and "software.returns" not in sc2.uncertain_paths()
    assert sc2.value("risk.base_hazard") == sc.value("risk.base_hazard") and po2 == po
    _, po3 = st.apply_choice(sc, po, st.Choice("verification.release_requires_verification", "policy", False, ()), True)
    assert po3.verification.release_requires_verification is True


def test_parse_choices_refuses_unknown_paths_and_settings_out_of_bounds(base):
    sc, po = base
    with pytest.raises(RecloopInputError, match=r"--vary: unknown parameter or lever 'generations.step_om' \(did you mean"):
        st.parse_choices(["generations.step_om"], sc, po)
    with pytest.raises(RecloopInputError, match=r"--vary: generations.step_oom: settings must be in \[0.1, 4\]"):
        st.parse_choices(["generations.step_oom=0.5,9"], sc, po)
    (c,) = st.parse_choices(["market.exit_share=0,0.05"], sc, po)
    assert c.where == "market" and c.settings == (0.0, 0.05)


def test_assumption_flips_names_the_setting_where_a_constructed_verdict_changes(base):
    sc, po = base
    choice = st.Choice("generations.step_oom", "scenario", 1.0, (0.5, 1.0, 3.0))

    def evaluate(s, p):  # a "share" that is a known function of the choice
        return s.value("generations.step_oom") / 4.0

    flips = st.assumption_flips(evaluate, sc, po, [choice], lambda x: "holds" if x <= 0.5 else "fails")
    assert [(f["setting"], f["base_verdict"], f["verdict"]) for f in flips] == [(3.0, "holds", "fails")]
    assert "holds -> fails when generations.step_oom = 3.0" in flips[0]["text"]


def test_sweep_directions_on_common_worlds(base):
    sc, po = base
    # automation_boost is sampled in the baseline: the sweep pins it at 0 (the essay's reading) and at 0.75
    choices = [st.Choice("verification.release_requires_verification", "policy", False, (False, True)),
               *st.parse_choices(["verification.automation_boost=0,0.75"], sc, po),
               st.Choice("risk.max_multiplier", "scenario", 10.0, (10.0, 1000.0))]
    res = st.structural_sweep(sc, po, choices, st.outcome_metric("unverified_takeoff", years=30.0), samples=300, seed=2)
    by = {r["path"]: {s["setting"]: s for s in r["settings"] if not (s["base"] and r["path"] == choices[1].path)}
          for r in res.rows}
    gate = by["verification.release_requires_verification"]
    assert gate[True]["value"] == 0.0  # a release gate: no unverified deployment reaches superhuman
    assert gate[True]["beyond_mc_error"] and gate[True]["delta_high"] < 0
    # the hazard's cap is read by the hazard only: no world's unverified takeoff changes (paired: exactly 0)
    cap = by["risk.max_multiplier"][1000.0]
    assert cap["delta"] == 0.0 and cap["delta_low"] == 0.0 and cap["delta_high"] == 0.0 and not cap["beyond_mc_error"]
    boost = by["verification.automation_boost"]
    assert boost[0.75]["value"] <= boost[0.0]["value"]  # same worlds: more verification never adds takeoffs
    assert res.runs == 300 * 5  # the base, one gate setting, two boost settings, one hazard cap
    assert res.rows[0]["swing"] >= res.rows[-1]["swing"]


def test_structural_worlds_keep_each_worlds_sampled_parameters_and_record_the_settings(base):
    sc, po = base
    choices = [st.Choice("verification.release_requires_verification", "policy", False, (False, True)),
               st.Choice("generations.step_oom", "scenario", 1.0, (0.5, 1.0, 2.0))]
    cols = st.structural_worlds(sc, po, choices, samples=240, seed=4, years=30.0, columns=["unverified_takeoff"])
    drawn = draw_parameters(sc, np.arange(240), 4)
    for p in sc.uncertain_paths():
        assert np.array_equal(cols["in:" + p], drawn[p])
    assert set(np.unique(cols["as:generations.step_oom"])) == {0.5, 1.0, 2.0}
    gated = cols["as:verification.release_requires_verification"] == 1.0
    assert 0 < gated.sum() < 240 and not cols["unverified_takeoff"][gated].any()


def _cli(*args, tmp_path):
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, RECLOOP_HOME=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "recloop.cli", *args], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout) if "--json" in args else r.stdout


def test_sensitivity_cli_varies_structural_choices_and_counts_censored_runs(tmp_path):
    out = _cli("sensitivity", "--outcome", "t_superhuman", "--method", "morris", "--samples", "2", "--years", "4",
               "--params", "software.returns", "--vary", "generations.step_oom=0.5,2", "--worlds", "60",
               "--json", tmp_path=tmp_path)
    assert out["info"]["space"] == "distributions" and out["info"]["censored_runs"] > 0
    (row,) = out["structural"]["rows"]
    assert row["path"] == "generations.step_oom" and [s["setting"] for s in row["settings"]] == [1.0, 0.5, 2.0]
    assert row["settings"][0]["base"]  # the declared value first
    assert out["structural"]["runs"] == 60 * 3  # the declared setting and the two others
    text = _cli("sensitivity", "--outcome", "t_superhuman", "--method", "morris", "--samples", "2", "--years", "4",
                "--params", "software.returns", tmp_path=tmp_path)
    text = " ".join(text.split())  # rich wraps the title
    assert "censored at the 4-year horizon" in text and "scenario's distributions" in text


def test_discover_cli_boxes_a_structural_switch(tmp_path):
    out = _cli("discover", "--fail", "unverified_takeoff", "--samples", "400", "--vary",
               "verification.release_requires_verification", "--json", tmp_path=tmp_path)
    assert out["structural"][0]["path"] == "verification.release_requires_verification"
    # a gated world never takes off unverified, so every failure box keeps the gate off
    lim = out["boxes"][0]["box"]["restricted"].get("verification.release_requires_verification")
    assert lim is not None and lim[1] == 0.0


def test_experiment_flips_reach_experiments_that_build_their_own_worlds(base):
    """An experiment that passes its (scenario, policy) through in_force runs under the setting
    being tried; outside the context nothing changes."""
    sc, po = base

    def experiment():
        s, p = st.in_force(load_scenario("baseline"), load_policy("none"))
        return 1.0 if p.verification.release_requires_verification else s.value("generations.step_oom") / 10

    assert st.in_force(sc, po) == (sc, po)
    choices = [st.Choice("verification.release_requires_verification", "policy", False, (False, True)),
               st.Choice("generations.step_oom", "scenario", 1.0, (0.5, 1.0, 2.0)),
               st.Choice("market.exit_share", "market", 0.01, (0.0, 0.01))]  # one developer: no market, no effect
    out = st.experiment_flips(experiment, choices, lambda x: "holds" if x >= 0.8 else "fails")
    assert out["verdict"] == "fails" and len(out["tried"]) == 4
    assert [(f["path"], f["setting"]) for f in out["flips"]] == [("verification.release_requires_verification", True)]
    assert st.current_settings() == {}


def test_a_bad_vary_is_one_line_naming_the_option_before_anything_runs(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, RECLOOP_HOME=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "recloop.cli", "sensitivity", "--outcome", "t_superhuman", "--vary",
                        "generations.step_om=1,2"], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("error: --vary: unknown parameter or lever 'generations.step_om' (did you mean "
                           "generations.step_oom")
    assert not list(tmp_path.glob("sensitivity-*"))  # refused before any run was recorded


def test_prim_boxes_a_switch_and_a_setting_beside_a_sampled_parameter():
    """Planted: failures exactly where the switch is off and u < 0.3, on a three-setting choice's
    lowest setting; PRIM's quantile peeling handles the discrete columns (ties peel whole)."""
    from recloop.analysis.prim import prim

    rng = np.random.default_rng(5)
    n = 6000
    u, s, k = rng.uniform(size=n), rng.integers(0, 2, n).astype(float), rng.choice([0.5, 1.0, 2.0], n)
    y = (s == 0) & (u < 0.3) & (k == 0.5)
    r = prim(np.column_stack([u, s, k]), y, ["u", "switch", "step"], threshold=0.95, min_mass=0.01)
    b = r.box
    assert set(b.restricted) == {"u", "switch", "step"}
    assert b.limits["switch"][1] == 0.0 and b.limits["step"][1] == 0.5
    assert b.limits["u"][1] == pytest.approx(0.3, abs=0.02) and b.density >= 0.95 and b.coverage >= 0.9

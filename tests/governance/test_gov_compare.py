"""recloop compare, the bundled policies and the essay's cast."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from recloop.cli import _register_all, app
from recloop.governance.compare import compare_policies, format_table
from recloop.governance.presets import TRIPWIRES
from recloop.outcomes import to_table
from recloop.policy import check_against, load_policy
from recloop.scenario import load_scenario

BUNDLED = ["voluntary-pause", "rsp-tripwires", "treaty-monitoring", "full-stack"]


def test_bundled_policies_fit_the_cast_and_copy_their_presets():
    cast = load_scenario("essay-cast")
    assert len(cast.actors) == 6 and {a.kind for a in cast.actors} == {"firm", "open_source", "state"}
    outside = [a.name for a in cast.actors if a.jurisdiction not in load_policy("treaty-monitoring").treaty.members]
    assert outside == ["state-east"]
    for name in BUNDLED:
        pol = load_policy(name)
        check_against(pol, cast)
        for t in pol.tripwires:
            if t.name in TRIPWIRES:
                assert t == TRIPWIRES[t.name]


def test_compare_uses_common_random_numbers_and_reports_every_actor():
    cast = load_scenario("essay-cast")
    pols = [load_policy(None), load_policy("voluntary-pause"), load_policy("full-stack")]
    cmp = compare_policies(cast, pols, samples=40, seed=2, years=12)
    none, vol, full = cmp["policies"]
    assert none["delay_years"] == 0.0 and all(a["private_gain"] == 0.0 for a in none["actors"].values())
    assert set(full["actors"]) == {a.name for a in cast.actors}
    shares = sum(a["share"] for a in full["actors"].values())
    assert shares == pytest.approx(1.0)
    assert full["p_unverified_takeoff"] <= none["p_unverified_takeoff"]
    # the voluntary pauser is the only one who pauses
    assert vol["actors"]["frontier-a"]["years_paused"] > 0
    assert all(v["years_paused"] == 0 for k, v in vol["actors"].items() if k != "frontier-a")
    assert "frontier-a: private gain vs no halt" in format_table(cmp)


def test_actor_columns_reach_the_results_table():
    from recloop.engine import simulate

    r = simulate(load_scenario("essay-cast"), load_policy("treaty-monitoring"), samples=6, seed=1, years=5)
    t = to_table(r)
    for c in ("actor_share_state-east", "risk_share_nonmembers", "output_lost", "defections"):
        assert c in t.column_names
    assert np.allclose(sum(r.outcomes[f"actor_share_{a.name}"] for a in r.scenario.actors), 1.0)


def test_compare_cli_writes_table_figure_and_json(tmp_path):
    _register_all()
    res = CliRunner().invoke(app, ["compare", "essay-cast", "--policy", "none", "--policy", "treaty-monitoring",
                                   "--samples", "12", "--years", "6", "--out", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    cmp = json.loads(res.output)
    assert [p["policy"] for p in cmp["policies"]] == ["none", "treaty-monitoring"]
    assert (tmp_path / "compare.png").stat().st_size > 10_000 and (tmp_path / "compare.txt").exists()


def test_compare_cli_names_bad_policy_fields(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[strategies]\nlab-x = "race"\n[treaty]\nmembers = ["Atlantis"]\n'
                   '[[tripwires]]\nname = "t"\nmetric = "iq"\nthreshold = 1\n')
    _register_all()
    res = CliRunner().invoke(app, ["compare", "essay-cast", "--policy", str(bad), "--samples", "2"])
    assert res.exit_code != 0
    assert "policy.tripwires[0]: unknown metric 'iq'" in str(res.exception) + res.output
    bad.write_text('name = "bad"\n[strategies]\nlab-x = "race"\n[treaty]\nmembers = ["Atlantis"]\n')
    res = CliRunner().invoke(app, ["compare", "essay-cast", "--policy", str(bad), "--samples", "2"])
    msg = str(res.exception) + res.output
    assert "policy.strategies.lab-x: unknown actor" in msg
    assert "policy.treaty.members[0]: unknown jurisdiction 'Atlantis'" in msg

"""The two-firm halt game, the lever search, and the `recloop game` commands."""

import json

import numpy as np
import pytest

from recloop.games import design, halt
from recloop.games.equilibria import nash_margin, pure_nash
from recloop.games.payoffs import PayoffTable


def _flip_monitoring(p):
    # pause is a Nash equilibrium iff u(race, pause) - q S <= u(pause, pause)
    t = halt.stage_table(p, detection=0.0)
    return (t.payoff(("race", "pause"))[0] - t.payoff(("pause", "pause"))[0]) / p.sanction


def _flip_reciprocity(p):
    # deviation to racing against a conditional rival: w u(R,P) + (1-w) u(R,R) - qS = u(P,P),
    # w = (1-d)/(1-d(1-q)); solved by bisection on the closed form
    t = halt.stage_table(p, detection=0.0)
    rp, rr, pp = (t.payoff(x)[0] for x in (("race", "pause"), ("race", "race"), ("pause", "pause")))
    lo, hi = 0.0, 1.0
    for _ in range(60):
        q = 0.5 * (lo + hi)
        w = (1 - p.discount) / (1 - p.discount * (1 - q))
        if w * rp + (1 - w) * rr - q * p.sanction > pp:
            lo = q
        else:
            hi = q
    return hi


def test_pause_is_an_equilibrium_only_with_monitoring():
    p = halt.HaltGame()
    none = halt.regime_table("none", p)
    assert [e.describe(none)["play"] for e in pure_nash(none)] == [[{"race": 1.0}, {"race": 1.0}]]
    assert none.payoff(("pause", "pause"))[0] > none.payoff(("race", "race"))[0]  # a dilemma
    assert nash_margin(halt.regime_table("monitoring", p), ("pause", "pause")).holds()
    assert nash_margin(halt.regime_table("reciprocity", p), ("conditional", "conditional")).holds()
    assert not nash_margin(halt.regime_table("reciprocity", p, detection=0.0),
                           ("conditional", "conditional")).holds()


def test_minimal_detection_matches_the_closed_form():
    p = halt.HaltGame()
    mon = design.minimal_lever(lambda q: halt.regime_table("monitoring", p, detection=q), ("pause", "pause"),
                               lo=0.0, hi=1.0, tol=1e-9)
    assert mon.value == pytest.approx(_flip_monitoring(p), abs=1e-8)
    rec = design.minimal_lever(lambda q: halt.regime_table("reciprocity", p, detection=q),
                               ("conditional", "conditional"), lo=0.0, hi=1.0, tol=1e-9)
    assert rec.value == pytest.approx(_flip_reciprocity(p), abs=1e-8)
    assert rec.value < mon.value  # reciprocity lowers the detection a halt needs
    assert mon.low == mon.value == mon.high  # exact payoffs: no uncertainty


def test_lever_search_on_simulated_payoffs_brackets_the_exact_answer():
    p = halt.HaltGame()
    exact = _flip_monitoring(p)

    def simulated(q):
        t = halt.HaltPayoffSource(p, samples=20_000, detection=q).table(seed=4)
        return t.values, t.se  # the (tables, standard errors) form of the interface

    res = design.minimal_lever(simulated, ("race", "pause")[1:] * 2, lo=0.0, hi=0.3, points=16,
                               strategies=(halt.ACTIONS, halt.ACTIONS))
    assert res.low <= exact <= res.high
    assert res.low < res.value < res.high


def test_simulated_stage_game_converges_to_the_closed_form():
    p = halt.HaltGame()
    t = halt.HaltPayoffSource(p, samples=50_000).table(seed=9)
    exact = halt.stage_table(p)
    assert np.all(np.abs(t.values - exact.values) <= 4 * t.se)


def test_ess_criterion_on_a_symmetric_game():
    # hawk-dove-like: the sanction s turns pause into a strict symmetric equilibrium at s > 2
    def game(s):
        return PayoffTable.symmetric([[0.0, 3.0 - s], [1.0, 1.0]], ["race", "pause"])

    res = design.minimal_lever(game, ("pause", "pause"), lo=0.0, hi=5.0, criterion="ess", tol=1e-9)
    assert res.value == pytest.approx(2.0, abs=1e-8)


def _run(args):
    from typer.testing import CliRunner

    from recloop.cli import _register_all, app

    _register_all()
    return CliRunner().invoke(app, args)


@pytest.fixture(autouse=True)
def _catalog(tmp_path, monkeypatch):
    monkeypatch.setenv("RECLOOP_HOME", str(tmp_path))


def test_cli_abs2016_json_keys_and_errors():
    r = _run(["game", "abs2016", "--teams", "3", "--enmity", "0.5", "--mu", "2", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    for k in ("no_information", "private", "public"):
        assert 0.0 <= out[k]["p_disaster"] <= 1.0
    assert out["private"]["p_disaster"] == pytest.approx(0.25)
    for bad in (["--teams", "1"], ["--enmity", "1.5"], ["--enmity", "-0.1"]):
        r = _run(["game", "abs2016", *bad])
        assert r.exit_code == 2
        assert r.stderr.startswith("error: ") and "Traceback" not in r.output


def test_cli_han2020_and_halt():
    r = _run(["game", "han2020", "--p-risk", "0.6", "--race", "short", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["zone"] == "dilemma"
    assert set(out["stationary"]) == {"SAFE", "UNSAFE"}
    for bad in (["--p-risk", "2"], ["--p-detect", "-1"], ["--race", "medium"]):
        assert _run(["game", "han2020", *bad]).exit_code == 2
    r = _run(["game", "halt", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["regimes"]["none"]["pause_is_equilibrium"] is False
    assert out["regimes"]["monitoring"]["min_detection_for_pause"] == pytest.approx(0.085, abs=1e-3)
    assert _run(["game", "halt", "--detection", "3"]).exit_code == 2
    assert _run(["game", "halt", "some-scenario"]).exit_code == 2

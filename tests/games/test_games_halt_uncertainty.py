"""The halt game's payoff weights as declared uncertainties: equilibria over draws (issue 16 item 6)."""

from __future__ import annotations

import numpy as np
import pytest

from recloop.games import halt
from recloop.games.engine_source import EngineHalt, EngineHaltUncertainty, study, study_over_uncertainty
from recloop.scenario import load_scenario


def _point(**kw):
    p = halt.HaltGame(**kw)
    return halt.HaltGameUncertainty(**{k: getattr(p, k) for k in halt.HaltGameUncertainty.model_fields})


def test_every_weight_is_declared_with_unit_bounds_and_source():
    for name, f in halt.HaltGameUncertainty.model_fields.items():
        extra = f.json_schema_extra
        assert extra["unit"] and extra["bounds"] and extra["source"], name
        assert "assumption" in extra["source"] or "essay" in extra["source"], name
        lo, hi = getattr(halt.HaltGameUncertainty(), name).support()
        assert extra["bounds"][0] <= lo < hi <= extra["bounds"][1], name


def test_point_weights_reduce_to_the_point_game():
    out = halt.equilibria_over_uncertainty(_point(), draws=50)
    assert out["regimes"]["none"]["share_pause_equilibrium"] == 0.0      # the default game is a dilemma
    assert out["regimes"]["monitoring"]["share_pause_equilibrium"] == 1.0
    assert out["regimes"]["reciprocity"]["share_strict"] == 0.0          # conditional vs pause: a tie on path


def test_monitoring_equilibrium_follows_its_closed_form_in_every_draw():
    u = halt.HaltGameUncertainty()
    W = halt.draw_weights(u, 300, seed=2)
    out = halt.equilibria_over_uncertainty(u, draws=300, seed=2)
    eq = []
    for i in range(300):
        p = halt.HaltGame(**{k: float(W[k][i]) for k in W})
        t = halt.stage_table(p, detection=0.0)
        gain = t.payoff(("race", "pause"))[0] - t.payoff(("pause", "pause"))[0]
        eq.append(gain - p.detection * p.sanction <= 1e-12)  # deviation gain net of the expected sanction
    assert out["regimes"]["monitoring"]["share_pause_equilibrium"] == pytest.approx(np.mean(eq))
    lo, hi = out["regimes"]["monitoring"]["interval"]
    assert lo <= np.mean(eq) <= hi


def test_a_larger_sanction_never_lowers_the_share():
    lo = halt.equilibria_over_uncertainty(halt.HaltGameUncertainty(sanction=0.5), draws=400, seed=1)
    hi = halt.equilibria_over_uncertainty(halt.HaltGameUncertainty(sanction=5.0), draws=400, seed=1)
    for r in ("monitoring", "reciprocity"):  # same draws of every other weight
        assert hi["regimes"][r]["share_pause_equilibrium"] >= lo["regimes"][r]["share_pause_equilibrium"]


def test_draw_i_depends_only_on_seed_and_i():
    a = halt.draw_weights(halt.HaltGameUncertainty(), 10, seed=7)
    b = halt.draw_weights(halt.HaltGameUncertainty(), 40, seed=7)
    for k in a:
        assert np.array_equal(a[k], b[k][:10])


def test_engine_reweighting_equals_the_study_at_those_weights():
    sc = load_scenario("two-firm")
    kw = dict(actors=["frontier-a", "frontier-b"], strategies=["race", "pause", "conditional"], samples=40, seed=3)
    p = EngineHalt()
    for loss in (5.0, 200.0):
        point = EngineHaltUncertainty(catastrophe_loss=loss, stake=p.stake, sanction=p.sanction)
        over = study_over_uncertainty(sc, p, point, draws=3, **kw)
        direct = study(sc, EngineHalt(catastrophe_loss=loss), lever_points=2, lever_tol=0.5, **kw)
        for regime, r in direct["regimes"].items():
            if r["target"] is None:
                continue
            share = over["regimes"][regime]["share_pause_equilibrium"]
            assert share == (1.0 if r["pause_is_equilibrium"] else 0.0), (loss, regime)
            assert over["regimes"][regime]["margin_median"] == pytest.approx(r["margin"], abs=1e-9)


def test_engine_payoffs_read_only_outcomes_defined_in_every_world():
    """Censoring in the games (issue 16 item 4): the payoff reads no date or premise outcome, so no
    world's payoff rests on an imputed value."""
    from recloop.games.engine_source import EnginePayoffSource, regime_policy
    from recloop.outcomes import outcome

    sc = load_scenario("two-firm")
    src = EnginePayoffSource(sc, regime_policy("monitoring"), actors=["frontier-a", "frontier-b"],
                             strategies=["race", "pause"], samples=8)
    cols = src.outcomes(("race", "pause"), 0)
    for k in cols:
        assert outcome(k).censoring == "none", k
        assert np.all(np.isfinite(cols[k])), k

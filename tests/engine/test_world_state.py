"""The engine's typed frozen state, the actor layer's decisions, the codes as enums, and the
world-level catastrophe aggregation as a declared structural choice (issue 13 items 8-10)."""

import ast
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from recloop import engine
from recloop.engine import apply_decision, simulate
from recloop.hooks import Decision, SingleDeveloper
from recloop.mechanisms.halts import RESPONSES, Response
from recloop.outcomes import HAZARD_AGGREGATIONS, OUTCOMES, world_hazard
from recloop.params import RecloopInputError
from recloop.policy import load_policy
from recloop.scenario import load_scenario, market_specs, parse_scenario
from recloop.world import STATUS, PauseKind, Status, World

SRC = Path(engine.__file__).parent


def _world(n=4, trips=()):
    P = engine.draw_parameters(load_scenario("baseline"), np.arange(n), 0)
    return engine._initial_state(P, np.arange(n), 0, trips, load_policy("none").verification, 2027.0, SingleDeveloper())


def test_world_is_frozen_and_take_keeps_every_field_at_the_kept_rows():
    w = _world(5, load_policy("tripwire-pause").tripwires)
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.t = np.ones(5)  # type: ignore[misc]
    keep = np.array([True, False, True, False, True])
    k = w.take(keep)
    for f in dataclasses.fields(World):
        a, b = getattr(w, f.name), getattr(k, f.name)
        if isinstance(a, dict):
            assert set(a) == set(b)
            for key in a:
                np.testing.assert_array_equal(b[key], a[key][keep])
        else:
            assert b.shape[0] == 3 and b.shape[1:] == a.shape[1:], f.name
            np.testing.assert_array_equal(b, a[keep])
    assert k.trip_next.shape == (3, len(load_policy("tripwire-pause").tripwires))


def test_phases_return_a_new_world_and_leave_the_old_one_as_it_was():
    w = _world(3)
    before = {f.name: np.copy(getattr(w, f.name)) for f in dataclasses.fields(World) if not isinstance(getattr(w, f.name), dict)}
    lev = load_policy("none")
    now = engine._rates(w, w.t, lev.stop, lev.containment, lev.verification, 1.0, 0.0, 0.0, SingleDeveloper())
    w1 = w.with_(pot=now.pot, run_log10=now.run_log10, m=now.m, run_cost=now.run_cost)
    O = engine._new_outcomes(3, np.arange(3))
    w2, _ = engine._advance(w1, O, slice(None), now, np.full(3, 0.1), engine.StepRules(), lev.containment)
    assert np.all(w2.t == 0.1) and np.all(w2.s > 0)
    for name, v in before.items():  # nothing wrote into the world the phases were given
        np.testing.assert_array_equal(getattr(w, name), v, err_msg=name)


def test_decisions_are_applied_by_the_engine_in_their_stated_order():
    w = _world(4)
    O = {"failed_halts": np.zeros(4)}
    exit_ = np.array([True, False, False, False])
    halt = np.array([False, True, False, False])
    d = Decision(exit=exit_, halt=halt, halt_at=np.full(4, 2.5), halt_kind=np.full(4, Response.FIXED_PAUSE, np.int8),
                 halt_years=np.full(4, 0.5), failed=np.array([False, False, True, False]), resume=exit_)
    w2 = apply_decision(w, O, d)
    # an exit is a pause of kind EXITED that never ends; a resume after it ends the pause (exits first)
    assert w2.pause_kind[0] == PauseKind.EXITED and w2.pause_start[0] == np.inf and not w2.paused[0]
    assert w2.pending_t[1] == 2.5 and w2.pending_resp[1] == Response.FIXED_PAUSE and w2.pending_years[1] == 0.5
    assert w2.pending_resp.dtype == np.int8 and np.isinf(w2.pending_t[[0, 2, 3]]).all()
    assert O["failed_halts"].tolist() == [0, 0, 1, 0]
    assert not w.paused.any() and np.isinf(w.pending_t).all()  # the old world is untouched
    assert apply_decision(w, O, None) is w


def test_the_engine_imports_no_governance_module():
    for name in ("engine.py", "hooks.py", "world.py", "mechanisms/halts.py"):
        tree = ast.parse((SRC / name).read_text())
        mods = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        mods += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in mods if "governance" in m], name


def test_the_actor_layer_never_writes_engine_fields():
    # the layer's own state is ActorState (self.state); the World it is given is frozen, and its
    # source assigns no World field (an assignment to w.<field> would raise at run time anyway)
    src = (SRC / "governance" / "actors.py").read_text()
    tree = ast.parse(src)
    targets = [t for n in ast.walk(tree) if isinstance(n, (ast.Assign, ast.AugAssign))
               for t in (n.targets if isinstance(n, ast.Assign) else [n.target])]
    for t in targets:
        base = t.value if isinstance(t, ast.Subscript) else t
        base = base.value if isinstance(base, ast.Subscript) else base
        if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
            assert base.value.id != "w", ast.unparse(t)


def test_codes_are_enums_with_reasons():
    assert STATUS == ("ok", "diverged", "step_budget") and [s.label for s in Status] == list(STATUS)
    assert all(s.reason for s in Status) and all(k.reason for k in PauseKind) and all(r.reason for r in Response)
    # a pausing response starts the pause of the same code
    assert PauseKind.UNTIL_VERIFIED == RESPONSES["pause_until_verified"] and PauseKind.FIXED == RESPONSES["fixed_pause"]
    assert {r for r in Response if r.hardware} == {Response.PAUSE_UNTIL_VERIFIED, Response.FIXED_PAUSE}


def test_step_budget_status_is_the_enum_code():
    r = simulate(load_scenario("aggressive"), load_policy("none"), samples=20, seed=1, max_steps_per_sample=30, engine="numpy")
    assert (r.outcomes["status"] == Status.STEP_BUDGET).all()


# ---------------------------------------------------------------- catastrophe aggregation (item 10)
def test_world_hazard_closed_forms():
    h = np.array([[0.1, 0.3], [0.0, 0.0], [2.0, 0.5]])
    np.testing.assert_allclose(world_hazard("independent", h), [0.4, 0.0, 2.5])
    np.testing.assert_allclose(world_hazard("max", h), [0.3, 0.0, 2.0])
    # independent sources: P(world) = 1 - prod(1 - p_actor)
    p = -np.expm1(-h)
    np.testing.assert_allclose(-np.expm1(-world_hazard("independent", h)), 1 - np.prod(1 - p, axis=1))
    with pytest.raises(ValueError, match="catastrophe_aggregation"):
        world_hazard("mean", h)


def test_catastrophe_aggregation_is_a_declared_named_choice():
    spec = {s.path: s for s in market_specs()}["market.catastrophe_aggregation"]
    assert spec.default == "independent" and set(spec.choices) == set(HAZARD_AGGREGATIONS)
    assert spec.source and spec.doc
    for name in ("p_catastrophe", "catastrophe", "t_catastrophe"):
        assert OUTCOMES[name].aggregate == "world"
    from recloop.analysis.structural import apply_choice, parse_choices, structural_choices

    sc, po = load_scenario("two-firm"), load_policy("none")
    ch = {c.path: c for c in structural_choices(sc, po)}["market.catastrophe_aggregation"]
    assert ch.base == "independent" and ch.settings == ("independent", "max")
    sc2, _ = apply_choice(sc, po, ch, "max")
    assert sc2.market.catastrophe_aggregation == "max"
    assert parse_choices(["market.catastrophe_aggregation=max"], sc, po)[0].settings == ("max",)
    with pytest.raises(Exception, match="must be among"):
        parse_choices(["market.catastrophe_aggregation=mean"], sc, po)
    d = sc.model_dump(mode="json")
    d["market"]["catastrophe_aggregation"] = "mean"
    with pytest.raises(RecloopInputError, match=r"scenario\.market\.catastrophe_aggregation: .*'independent' or 'max', got 'mean'"):
        parse_scenario(d, where="scenario")


def test_max_aggregation_never_raises_world_risk_and_touches_nothing_else():
    d = load_scenario("two-firm").model_dump(mode="json")
    ind = simulate(parse_scenario(d), load_policy("none"), samples=80, seed=4, years=20)
    d["market"]["catastrophe_aggregation"] = "max"
    mx = simulate(parse_scenario(d), load_policy("none"), samples=80, seed=4, years=20)
    a, b = ind.outcomes, mx.outcomes
    assert np.all(b["p_catastrophe"] <= a["p_catastrophe"] + 1e-15)
    assert b["p_catastrophe"].mean() < a["p_catastrophe"].mean()  # two exposed actors: strictly less
    # a world that had no catastrophe under the summed hazard has none under the larger one either
    assert not np.any(b["catastrophe"] & ~a["catastrophe"])
    for k in ("t_superhuman", "t_takeoff_start", "final_effective_compute", "halts", "actor_t_superhuman_frontier-b"):
        np.testing.assert_array_equal(a[k], b[k])


def test_multi_actor_aggregation_reads_each_outcomes_declared_rule(monkeypatch):
    import recloop.outcomes as oc

    seen = []
    real = oc.aggregate

    def spy(name, per_actor, *, frontier=None):
        seen.append(name)
        return real(name, per_actor, frontier=frontier)

    monkeypatch.setattr(oc, "aggregate", spy)
    r = simulate(load_scenario("two-firm"), load_policy("none"), samples=10, seed=0, years=5)
    world = {k for k, o in OUTCOMES.items() if o.aggregate in ("world", "id")}
    per_row = [k for k in r.outcomes if k in OUTCOMES and k not in world]
    assert per_row and set(per_row) <= set(seen)
    assert not set(seen) & world

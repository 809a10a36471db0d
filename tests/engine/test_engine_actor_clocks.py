"""Each actor steps on its own clock; the actors of a world meet only at its reviews."""

import numpy as np

from recloop.engine import simulate
from recloop.scenario import load_scenario, parse_scenario


def _world(actors, **market):
    d = load_scenario("baseline").model_dump(mode="json")
    d["actors"] = actors
    d["market"].update(market)
    return parse_scenario(d)


A = {"name": "a", "jurisdiction": "US", "strategy": "race"}
B = {"name": "b", "jurisdiction": "US", "strategy": "race", "compute_share": 0.3, "budget": 0.3}


def test_an_uncoupled_actor_follows_the_single_developer_exactly():
    # no revenue effect and no exits: nothing the rival does reaches actor a, and actor 0 draws
    # the single developer's numbers. With one shared clock the rival's events cut a's steps, so
    # a's path moved with the rival; on its own clock it is the single developer's, bit for bit.
    one = simulate(load_scenario("baseline"), samples=200, seed=5, engine="numpy")  # the actor layer runs on numpy
    two = simulate(_world([A, B], revenue_elasticity=0.0, exit_share=0.0), samples=200, seed=5)
    np.testing.assert_array_equal(two.outcomes["actor_t_superhuman_a"], one.outcomes["t_superhuman"])
    np.testing.assert_array_equal(two.trajectories["actor_effective_compute:a"], one.trajectories["effective_compute"])
    # and the rival really is different (a smaller developer, later)
    assert np.nanmedian(two.outcomes["actor_t_superhuman_b"]) > np.nanmedian(one.outcomes["t_superhuman"])


def test_shares_are_settled_at_reviews_and_sum_to_one_in_every_report():
    for review in (0.05, 0.25, 1.0):
        r = simulate(_world([A, B], review_years=review), samples=40, seed=2, years=10)
        total = r.trajectories["actor_market_share:a"] + r.trajectories["actor_market_share:b"]
        np.testing.assert_allclose(total, 1.0, atol=1e-5)
        # between reviews a share is held: with yearly reviews it changes only at whole years
        if review == 1.0:
            a = r.trajectories["actor_market_share:a"]
            moved = np.flatnonzero(np.any(np.diff(a, axis=1) != 0, axis=0)) + 1
            np.testing.assert_allclose(r.times[moved] % 1.0, 0.0, atol=1e-9)

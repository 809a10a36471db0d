"""Per-actor paths on the report grid ("who leads over time")."""

import numpy as np

from recloop.engine import simulate
from recloop.report.charts import captions, figures, view
from recloop.scenario import load_scenario


def test_each_actor_has_its_own_share_and_capability_path_and_shares_sum_to_one():
    sc = load_scenario("essay-cast")
    r = simulate(sc, samples=60, years=12, seed=1)
    names = [a.name for a in sc.actors]
    shares = np.stack([r.trajectories[f"actor_market_share:{n}"].astype(float) for n in names])
    assert shares.shape == (len(names), 60, r.times.size)
    np.testing.assert_allclose(np.nansum(shares, axis=0), 1.0, atol=1e-5)
    for n in names:
        assert np.isfinite(r.trajectories[f"actor_effective_compute:{n}"]).all()


def test_the_lead_figure_exists_only_with_several_actors_and_its_shares_are_fractions():
    many = view(simulate(load_scenario("essay-cast"), samples=40, years=10))
    one = view(simulate(load_scenario(), samples=40, years=10))
    assert one["lead"] is None and "lead_over_time" not in figures(one)
    fig = figures(many)["lead_over_time"]
    assert "lead_over_time" in captions(many)
    leads = np.array([a["leads"] for a in many["lead"]["actors"]])
    np.testing.assert_allclose(leads.sum(axis=0), 1.0, atol=1e-9)  # one leader per world and date
    assert len(fig["data"]) == 2 * len(many["lead"]["actors"])


def test_a_single_developer_holds_the_whole_market():
    r = simulate(load_scenario(), samples=20, years=5)
    assert (r.trajectories["market_share"] == 1.0).all()

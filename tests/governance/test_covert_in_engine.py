"""The covert project as a physical stock in the engine's many-actor layer (issue 18 item 1)."""

import numpy as np
import pytest

from recloop.governance import covert


def test_the_diverted_chips_keep_their_share_of_the_hosts_power_then_concealed_capacity_adds():
    p = covert.CovertProject()
    host, watts = np.array([1e21]), np.array([2e9])  # 1e21 FLOP/s drawing 2 GW
    at0 = covert.covert_installed_flops(np.array([0.0]), p, host_flops=host, divert_share=np.array([0.3]), host_watts=watts)
    assert at0[0] == pytest.approx(0.3e21)  # the diverted chips, with their own share of the power
    # chips, not power, bound once concealed data centres are built: still the diverted stock without a fab
    later = covert.covert_installed_flops(np.array([5.0]), p, host_flops=host, divert_share=np.array([0.3]), host_watts=watts)
    assert later[0] == pytest.approx(0.3e21)
    # a covert fab adds chips after its lead time, powered by the concealed capacity built meanwhile
    fab = covert.CovertProject(fab_h100e_per_year=1e6)
    grown = covert.covert_installed_flops(np.array([0.0, 3.9, 6.0]), fab, host_flops=np.full(3, 1e21),
                                          divert_share=np.full(3, 0.3), host_watts=np.full(3, 2e9))
    assert grown[0] == pytest.approx(grown[1]) and grown[2] > grown[1]


def test_a_larger_covert_share_runs_more_covert_compute():
    p = covert.CovertProject()
    t = np.array([1.0, 1.0])
    f = covert.covert_installed_flops(t, p, host_flops=np.array([1e21, 1e21]), divert_share=np.array([0.1, 0.5]),
                                      host_watts=np.array([2e9, 2e9]))
    assert f[1] > f[0]


def test_a_covert_defector_runs_a_physical_stock_in_essay_cast():
    from recloop.engine import simulate
    from recloop.policy import load_policy
    from recloop.scenario import load_scenario

    o = simulate(load_scenario("essay-cast"), load_policy("treaty-monitoring"), samples=60, seed=1).outcomes
    assert o["defections"].sum() > 0
    assert (o["covert_detected"] <= o["defections"] + 1e-9).all()

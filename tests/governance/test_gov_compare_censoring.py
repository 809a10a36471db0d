"""Policy comparison reads each outcome's censoring rule (issue 16 item 4)."""

from __future__ import annotations

import pytest

from recloop.governance.compare import compare_policies, format_table
from recloop.policy import load_policy
from recloop.scenario import load_scenario


def test_compare_window_and_unverified_takeoff_follow_their_rules():
    cmp = compare_policies(load_scenario("baseline"), [load_policy("none"), load_policy("tripwire-pause")],
                           samples=200, seed=1)
    none, trip = cmp["policies"]
    # no tripwire can fire under none: every world that lost control did so without warning (window 0)
    assert none["safety_window_years"] == 0.0
    assert trip["safety_window_years"] > none["safety_window_years"]
    for p in (none, trip):
        # the unconditional share is the conditional one times the share that reached the premise
        assert p["p_unverified_takeoff"] == pytest.approx(p["p_unverified_given_superhuman"] * p["p_superhuman"])
        lo, hi = p["ci"]["p_unverified_takeoff"]
        assert lo <= p["p_unverified_takeoff"] <= hi
    assert "[" in format_table(cmp)

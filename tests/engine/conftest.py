import pytest

from recloop.scenario import parse_scenario


def point_scenario(**blocks):
    """A scenario with point values only (overrides per block)."""
    return parse_scenario({"name": "test", **blocks})


@pytest.fixture
def make_scenario():
    return point_scenario

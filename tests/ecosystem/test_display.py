"""Notebook display: results and summaries show the figures summarize() computed, nothing else."""

import json

import pytest

from recloop.engine import SimResult, simulate
from recloop.outcomes import summarize
from recloop.policy import load_policy
from recloop.scenario import load_scenario


@pytest.fixture(scope="module")
def result():
    return simulate(load_scenario("baseline"), load_policy("tripwire-pause"), samples=200, years=20, seed=5)


def test_summary_is_the_summarize_dict_with_an_html_view(result):
    from recloop.display import Summary, summary

    s = summary(result)
    assert isinstance(s, Summary) and isinstance(s, dict)
    assert json.dumps(s, sort_keys=True) == json.dumps(summarize(result), sort_keys=True)
    page = s._repr_html_()
    for name, m in s["milestones"].items():
        assert f"<td style='text-align:left'>{name}</td><td>{m['reached']:.0%}</td>" in page
        if m["p50"] is not None:
            assert f"<td>{m['p50']:.1f}</td>" in page
    assert f"{s['risk']['p_catastrophe_mean']:.0%}" in page and "tripwire-pause" in page


def test_results_get_repr_html_and_to_xarray(result):
    import recloop.display  # noqa: F401

    page = result._repr_html_()
    assert page.startswith("<div class='recloop-summary'>") and "200 worlds" in page
    assert "effective_compute" in page
    pytest.importorskip("xarray")
    ds = result.to_xarray()
    assert ds.sizes["sample"] == 200 and ds.attrs["policy"] == "tripwire-pause"
    assert callable(SimResult.to_xarray)

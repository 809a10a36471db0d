"""The playground in a real browser: Debian's chromium, headless, driven by Playwright.

Load the page, move a slider and see the chart change, switch the policy, compare policies,
upload a broken TOML and see the error, share the view by its URL, download the scenario; a
screenshot is saved (and, with RECLOOP_UPDATE_FIGURES=1, copied to docs/figures/playground.png).
"""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

import pytest

from recloop.policy import policy_specs
from recloop.report.charts import CAPABILITY_LABEL
from recloop.scenario import scenario_specs

pytestmark = pytest.mark.browser

DOCS_FIGURE = Path(__file__).resolve().parents[2] / "docs" / "figures" / "playground.png"
FAST = "samples=200&years=15"
TIMEOUT = 60_000  # ms; a loaded 2-core CI machine


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def _open(page, live_server, hash_: str) -> None:
    page.goto(f"{live_server.url}/#{hash_}")
    _wait_draws(page, 1)


def _wait_draws(page, n: int) -> None:
    page.wait_for_function(f"Number(document.body.dataset.draws || 0) >= {n}", timeout=TIMEOUT)


def _draws(page) -> int:
    return page.evaluate("window.recloop.draws")


def _trace_y(page, fig: str, name: str):
    return page.evaluate(f"document.getElementById('fig-{fig}').data.find(t => t.name === {name!r}).y")


def test_page_loads_with_controls_from_the_declarations(page, live_server):
    _open(page, live_server, f"preset=baseline&policy=none&{FAST}")
    bounded = [s for s in scenario_specs() if s.bounds is not None]
    assert page.locator(".param[data-kind=u]").count() == len(bounded)
    levers = [s for s in policy_specs() if s.bounds is not None or isinstance(s.default, bool)]
    assert page.locator(".param[data-kind=l]").count() == len(levers)
    returns = page.locator(".param[data-path='software.returns'][data-kind=u]")
    tip = returns.get_attribute("title")
    spec = next(s for s in scenario_specs() if s.path == "software.returns")
    assert spec.source in tip and spec.unit in tip and "log scale" in tip
    for key in ("capability", "milestones", "halts", "data"):
        assert page.locator(f"#fig-{key} .main-svg").count() > 0
    assert page.locator("#headline li").count() >= 5
    assert page.errors == []


def test_slider_redraws_the_chart_and_lands_in_the_url(page, live_server):
    _open(page, live_server, f"preset=baseline&policy=none&{FAST}")
    before = _trace_y(page, "capability", CAPABILITY_LABEL)
    n = _draws(page)
    page.locator("#u-software-returns").fill("950")  # near the top of its log scale
    _wait_draws(page, n + 1)
    page.wait_for_function("window.recloop.timings.length >= 1", timeout=TIMEOUT)
    after = _trace_y(page, "capability", CAPABILITY_LABEL)
    assert after != before
    assert page.locator(".param[data-path='software.returns'][data-kind=u]").get_attribute("class").count("pinned") == 1
    assert "set.software.returns=" in page.url
    ms = page.evaluate("window.recloop.timings[window.recloop.timings.length - 1].ms")
    assert 0 < ms < TIMEOUT
    assert "redrawn" in page.locator("#status").inner_text()

    # the URL is the whole state: a second page opened on it draws the same figure
    other = page.context.new_page()
    other.goto(page.url)
    _wait_draws(other, 1)
    assert _trace_y(other, "capability", CAPABILITY_LABEL) == after
    assert other.locator("#u-software-returns").input_value() == "950"
    other.close()


def test_policy_switch_shows_halts(page, live_server):
    _open(page, live_server, f"preset=aggressive&policy=none&{FAST}")
    assert max(y or 0 for y in _trace_y(page, "halts", "share of worlds paused")) == 0
    n = _draws(page)
    page.select_option("#policy", "tripwire-pause")
    _wait_draws(page, n + 1)
    assert max(y or 0 for y in _trace_y(page, "halts", "share of worlds paused")) > 0
    assert "tripwire-pause" in page.locator("#status").inner_text()
    assert "automates-90pct-of-own-code" in page.locator("#tripwires").inner_text()
    assert "policy=tripwire-pause" in page.url


def test_compare_view_puts_policies_side_by_side(page, live_server):
    _open(page, live_server, f"preset=baseline&policy=none&{FAST}")
    n = _draws(page)
    page.click("#tab-compare")
    _wait_draws(page, n + 1)
    names = page.evaluate("document.getElementById('fig-compare_risk').data[0].x")
    assert names == ["none", "tripwire-pause"]
    assert page.locator(".compare-headlines h3").count() == 2
    assert "tab=compare" in page.url
    # risks with their intervals beside what each policy costs against the no-halt policy
    assert page.evaluate("document.getElementById('fig-compare_risk').data[0].error_y.array.length") == 2
    table = page.locator("#compare-table table")
    assert table.locator("tbody tr").count() == 2
    text = table.inner_text()
    assert "none (reference)" in text and "95% CI" in text and "delay to vastly superhuman vs none" in text
    assert page.locator("#fig-compare_costs").count() == 1


def test_run_view_says_what_it_knows(page, live_server):
    _open(page, live_server, f"preset=baseline&policy=none&{FAST}")
    assert "95% CI" in page.locator("#headline").inner_text()
    assert page.locator("#drivers li").count() == 4
    assert "unsourced assumption" in page.locator("#inputs").inner_text()
    labels = page.evaluate("document.getElementById('fig-capability').layout.annotations.map(a => a.text)")
    assert any(t.startswith("danger level") for t in labels) and any("vastly superhuman" in t for t in labels)
    assert "Leaves out" in page.locator("figure[data-key=takeoff] figcaption").inner_text()
    # every slider of an unsourced assumption carries the mark, and no other does
    from recloop.report.evidence import assumption_kind

    marked = [s.path for s in scenario_specs() + policy_specs()
              if (s.bounds is not None or isinstance(s.default, bool)) and assumption_kind(s.source) == "assumption"]
    assert page.locator(".param .assumed").count() == len(marked) > 0


def test_broken_toml_upload_shows_the_field_and_good_upload_loads(page, live_server, tmp_path):
    _open(page, live_server, f"preset=baseline&policy=none&{FAST}")
    problems = page.locator("#problems")
    assert problems.is_hidden()
    page.set_input_files("#upload", files=[{"name": "broken.toml", "mimeType": "text/plain",
                                            "buffer": b"[software]\nreturns = 50\n[compute]\nwatts = 3\n"}])
    problems.wait_for(state="visible", timeout=TIMEOUT)
    text = problems.inner_text()
    assert "broken.toml was not loaded" in text
    assert "scenario.software.returns: must be in [0.1, 10]" in text
    assert "scenario.compute.watts: unknown field" in text
    page.set_input_files("#upload", files=[{"name": "syntax.toml", "mimeType": "text/plain", "buffer": b"[software\n"}])
    page.wait_for_function("document.getElementById('problems').innerText.includes('syntax.toml: not valid TOML')",
                           timeout=TIMEOUT)
    n = _draws(page)
    page.set_input_files("#upload", files=[{"name": "mine.toml", "mimeType": "text/plain",
                                            "buffer": b'name = "mine"\n[software]\nreturns = 3.0\n'}])
    _wait_draws(page, n + 1)
    assert problems.is_hidden()
    assert page.locator("#preset option:checked").inner_text() == "uploaded: mine"
    assert page.locator(".param[data-path='software.returns'][data-kind=u] output").inner_text() == "3"
    # the uploaded world downloads again as TOML
    with page.expect_download(timeout=TIMEOUT) as dl:
        page.click("#download")
    path = tmp_path / "download.toml"
    dl.value.save_as(path)
    data = tomllib.loads(path.read_text())
    assert data["name"] == "mine" and data["software"]["returns"] == 3.0
    assert page.errors == []


def test_screenshot_of_the_playground(page, live_server, tmp_path):
    # one pinned slider, set through the URL as a shared link would
    _open(page, live_server, "preset=baseline&policy=tripwire-pause&samples=1000&years=30&set.software.returns=2.512")
    assert page.locator("#u-software-returns").input_value() == "700"
    shot = tmp_path / "playground.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 50_000  # a page of charts, not a blank one
    # the docs' copy is refreshed on request only, so a test run leaves the checkout clean
    if os.environ.get("RECLOOP_UPDATE_FIGURES") == "1" and DOCS_FIGURE.parent.is_dir():
        shutil.copyfile(shot, DOCS_FIGURE)
        assert DOCS_FIGURE.stat().st_size == shot.stat().st_size


# Overlaps a reader would stumble on, measured on the drawn SVG: the legend against the x-axis
# title and tick labels, and the legend running out of the figure.
_OVERLAPS = """() => {
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const out = [];
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const svg = gd.querySelector('.main-svg').getBoundingClientRect();
    const leg = gd.querySelector('g.legend');
    const xt = gd.querySelector('.g-xtitle text');
    const ticks = [...gd.querySelectorAll('.xtick text')].map(t => t.getBoundingClientRect());
    if (xt && ticks.some(t => hit(t, xt.getBoundingClientRect()))) out.push(gd.id + ': x title on tick labels');
    if (!leg) continue;
    const L = leg.getBoundingClientRect();
    if (xt && hit(L, xt.getBoundingClientRect())) out.push(gd.id + ': legend on the x-axis title');
    if (ticks.some(t => hit(L, t))) out.push(gd.id + ': legend on tick labels');
    if (L.bottom > svg.bottom + 1 || L.left < svg.left - 1 || L.right > svg.right + 1) out.push(gd.id + ': legend cut off');
  }
  return out;
}"""


def test_report_draws_every_figure_including_who_leads_without_overlaps(browser, tmp_path):
    from recloop.engine import simulate
    from recloop.policy import load_policy
    from recloop.report.charts import figures, view
    from recloop.report.html import write_report
    from recloop.scenario import load_scenario

    v = view(simulate(load_scenario("essay-cast"), load_policy("full-stack"), samples=150, years=15, seed=0))
    path = write_report(v, tmp_path / "report.html")
    keys = list(figures(v))
    assert {"actors", "actor_halts"} <= set(keys)
    for width in (1200, 560):  # a wide report, and a narrow window where legends wrap
        context = browser.new_context(viewport={"width": width, "height": 900})
        pg = context.new_page()
        errors = []
        pg.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        pg.goto(path.as_uri())
        for key in keys:
            pg.locator(f"#fig-{key} .main-svg").first.wait_for(timeout=TIMEOUT)
        bars = pg.evaluate("document.getElementById('fig-actors').querySelectorAll('.bars .point').length")
        assert bars >= 6 * 3  # six actors, leads and two shares at least (zero-height bars are drawn too)
        assert pg.evaluate(_OVERLAPS) == [], width
        assert errors == []
        context.close()


def test_actor_charts_come_and_go_with_the_actors(page, live_server):
    _open(page, live_server, "preset=essay-cast&policy=full-stack&samples=150&years=15")
    assert page.locator("#fig-actors .main-svg").count() > 0
    assert page.locator("#fig-actor_halts .main-svg").count() > 0
    names = page.evaluate("document.getElementById('fig-actors').data[0].x")
    assert [n.split("<br>")[0] for n in names] == ["frontier-a", "frontier-b", "fast-follower", "open-source",
                                                  "state-west", "state-east"]
    caption = page.locator("figure[data-key=actors] figcaption").inner_text()
    assert "Frontier actor" in caption
    assert any(t.startswith("Who leads") for t in page.locator("#headline li").all_inner_texts())
    assert page.evaluate(_OVERLAPS) == []
    n = _draws(page)
    page.select_option("#preset", "baseline")  # one developer: no empty actor charts left behind
    _wait_draws(page, n + 1)
    assert page.locator("#fig-actors").count() == 0 and page.locator("#fig-actor_halts").count() == 0
    assert page.locator("#fig-capability .main-svg").count() > 0
    assert page.errors == []

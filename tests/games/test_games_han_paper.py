"""Han, Pereira, Santos & Lenaerts 2020 (JAIR 69; arXiv:1907.12393): checks against sources.

What could be read: the paper's title page and abstract (stored ar5iv/arXiv copies), and an
independent public replication of its DSAIR model (PaoloBova/gh-pages-example, payoffs.py and
analysis_dsair.py). The paper's body, its captions and its figures could NOT be read, so no
value here is read off a figure. The "golden" values are (a) the replication's formulas and
defaults, (b) the paper's closed-form zone boundaries 1 - 1/s and 1 - 1/(3s), located in the
stationary distribution the paper plots, and (c) regression pins of recloop's own outputs,
labelled as such. See docs/games.md (Han section).
"""

import numpy as np
import pytest

from recloop.games import han2020 as H


def _replication_matrix(b, c, s, p, big_b, w):
    """PaoloBova/gh-pages-example payoffs_sr followed by payoffs_lr, transcribed independently."""
    pi_aa, pi_ab, pi_ba, pi_bb = -c + b / 2, -c + b / (s + 1), s * b / (s + 1), b / 2
    return np.array([[pi_aa + big_b / (2 * w), pi_ab],
                     [p * (s * big_b / w + pi_ba), p * (s * big_b / (2 * w) + pi_bb)]])


@pytest.mark.parametrize("w", [10.0, 100.0, 1.0e6])
@pytest.mark.parametrize("s", [1.0, 1.5, 2.7, 5.0])
@pytest.mark.parametrize("p", [0.0, 0.33, 1.0])
def test_matrix_matches_the_independent_replication(w, s, p):
    got = H.payoff_matrix(b=4, c=1, prize=1e4, steps=w, speed=s, p_risk=1 - p)
    np.testing.assert_allclose(got, _replication_matrix(4, 1, s, p, 1e4, w), rtol=1e-13, atol=1e-13)


def test_defaults_match_the_replication_figure_grid():
    # build_DSAIR defaults: b=4, c=1, B=1e4, W=100, beta=0.01, Z=100; W range [10, 1e6]
    d = H.Han2020()
    assert (d.b, d.c, d.prize, d.steps, d.beta, d.population) == (4.0, 1.0, 1e4, 100.0, 0.01, 100)
    assert H.RACES == {"short": 100.0, "long": 1.0e6}


@pytest.mark.parametrize("s", [1.5, 2.0, 3.0, 5.0])
def test_short_race_stationary_switch_sits_at_one_minus_one_over_3s(s):
    """The paper's selection boundary, located in the stationary distribution it plots.

    Short race with the replication's values (b=4, c=1, B=1e4, W=100, Z=100, beta=0.01). The
    p_r at which the stationary frequency of SAFE crosses 1/2 is found on a 0.001 grid. It sits
    within 0.0007 of 1 - 1/(3s) for these s (shifts: b and c against B/W = 100 move the
    large-Z boundary by about -0.003, the finite Z = 100 correction by about +0.003). The
    tolerance 0.002 is twice the grid step plus that measured shift: far tighter than anything a
    figure could be read to (a pixel of a [0, 1] axis is about 0.003), loose enough not to pin
    the grid. The switch is sharp (SAFE below 0.01 at 0.05 under it, above 0.99 at 0.05 over it),
    as the abstract describes the short race (UNSAFE "bound to win").
    """
    grid = np.round(np.arange(0.5, 1.0005, 0.001), 6)
    safe = np.array([H.stationary(speed=s, p_risk=pr)["SAFE"] for pr in grid])
    cross = grid[np.argmax(safe >= 0.5)]
    paper = 1 - 1 / (3 * s)
    assert cross == pytest.approx(paper, abs=0.002)
    assert H.stationary(speed=s, p_risk=paper - 0.05)["SAFE"] < 0.01
    assert H.stationary(speed=s, p_risk=min(paper + 0.05, 1.0))["SAFE"] > 0.99


@pytest.mark.parametrize("s", [1.0, 1.5, 2.0, 3.0, 5.0])
def test_short_race_collective_boundary_near_one_minus_one_over_s(s):
    # b, c shift it by at most 0.02 here (largest at s = 1: 0.019 vs 0)
    got = H.zone_boundaries(speed=s)["collective"]
    assert got == pytest.approx(1 - 1 / s, abs=0.02)


def test_regression_pins_of_recloop_outputs_not_paper_values():
    # recloop's own numbers (docs/games.md), NOT read from the paper: s = 1.5, Z = 100, beta = 0.01
    short = [H.stationary(speed=1.5, p_risk=pr)["SAFE"] for pr in (0.3, 0.6, 0.85)]
    long_ = [H.stationary(speed=1.5, steps=1e6, p_risk=pr)["SAFE"] for pr in (0.3, 0.6, 0.85)]
    np.testing.assert_allclose(short, [0.0, 0.0, 0.99973], atol=1e-5)
    np.testing.assert_allclose(long_, [0.32270, 0.47901, 0.61391], atol=1e-5)


def _replication_pfo_matrix(b, c, s, p, big_b, w, f):
    """The replication's payoffs_sr_pfo_extension followed by payoffs_lr, transcribed independently."""
    pi_aa, pi_ab = -c + b / 2, (1 - f) * b / (s + 1) + f * b - c
    pi_ba, pi_bb = (1 - f) * s * b / (s + 1), (1 - f * f) * b / 2
    return np.array([[pi_aa + big_b / (2 * w), pi_ab],
                     [p * (s * big_b / w + pi_ba), p * (s * big_b / (2 * w) + pi_bb)]])


@pytest.mark.parametrize("w", [100.0, 1.0e6])
@pytest.mark.parametrize("f", [0.0, 0.3, 1.0])
def test_reprimand_matrix_matches_the_replication(w, f):
    got = H.payoff_matrix(b=4, c=1, prize=1e4, steps=w, speed=1.5, p_risk=0.4, p_detect=f)
    np.testing.assert_allclose(got, _replication_pfo_matrix(4, 1, 1.5, 0.6, 1e4, w, f), rtol=1e-13, atol=1e-13)


def test_without_reprimand_the_long_race_never_asks_to_promote_risk():
    zones = {H.classify(pr, H.zone_boundaries(steps=1e6, speed=s, finite=fin))
             for s in np.linspace(1.0, 5.0, 41) for pr in np.linspace(0, 1, 101) for fin in (False, True)}
    assert "over-caution" not in zones


def test_with_reprimand_the_long_race_has_the_abstracts_region_where_risk_taking_should_be_promoted():
    """The abstract: in the long race 'certain conditions require the promotion of risk-taking'.

    Closed form in the long race's limit (B/W -> 0), b = 4, c = 1, s = 1.5, p_fo = 1/2:
    SAFE is collectively better iff 1 - p_r > (b/2 - c) / ((1 - p_fo^2) b/2) = 2/3, i.e. p_r > 1/3;
    selection favours SAFE for every p_r (SS + SU = 2.8 > (UU + US)/(1 - p_r) = 2.7). So for
    p_r in (0, 1/3) SAFE is selected although UNSAFE is better for all: over-caution. With
    B/W = 0.01 (W = 1e6) the boundary moves by 1e-3. In the short race (W = 100) the prize
    dominates and the same reprimand leaves no such region.
    """
    lim = H.zone_boundaries(steps=1e12, speed=1.5, p_detect=0.5)
    assert lim["collective"] == pytest.approx(1 / 3, abs=1e-9)
    assert lim["selection"] == 0.0
    long_ = H.zone_boundaries(steps=1e6, speed=1.5, p_detect=0.5)
    assert long_["collective"] == pytest.approx(1 / 3, abs=2e-3)
    for pr in (0.05, 0.2, 0.3):
        assert H.classify(pr, long_) == "over-caution"
        # and selection shows it: SAFE is the more abundant strategy there
        st = H.stationary(steps=1e6, speed=1.5, p_detect=0.5, p_risk=pr)
        assert st["SAFE"] > st["UNSAFE"]
    assert H.classify(0.5, long_) == "compliance"
    short_zones = {H.classify(pr, H.zone_boundaries(steps=100, speed=s, p_detect=0.5))
                   for s in np.linspace(1.0, 5.0, 41) for pr in np.linspace(0, 1, 101)}
    assert "over-caution" not in short_zones

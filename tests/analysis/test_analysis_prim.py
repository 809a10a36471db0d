"""PRIM: recovery of a planted box, properties of the peeling trajectory, covering, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recloop.analysis.prim import discover, prim
from recloop.params import RecloopInputError

NAMES = [f"x{i}" for i in range(5)]


def _planted(seed, n=5000):
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n, 5))
    y = (X[:, 0] > 0.2) & (X[:, 0] < 0.6) & (X[:, 2] > 0.5) & (X[:, 2] < 0.9)
    return X, y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recovers_a_planted_box(seed):
    X, y = _planted(seed)
    r = prim(X, y, NAMES, threshold=0.95)
    b = r.box
    assert set(b.restricted) == {"x0", "x2"}
    assert b.limits["x0"] == pytest.approx((0.2, 0.6), abs=0.03)
    assert b.limits["x2"] == pytest.approx((0.5, 0.9), abs=0.03)
    assert b.coverage >= 0.95 and b.density >= 0.95
    assert b.mass == pytest.approx(0.16, abs=0.02)  # the planted box holds 0.4 x 0.4 of the worlds


def test_recovers_the_box_through_label_noise():
    X, y = _planted(3)
    flip = np.random.default_rng(9).uniform(size=y.size) < 0.05
    r = prim(X, y ^ flip, NAMES, threshold=0.9)
    assert set(r.box.restricted) == {"x0", "x2"}
    assert r.box.limits["x0"] == pytest.approx((0.2, 0.6), abs=0.06)
    assert r.box.limits["x2"] == pytest.approx((0.5, 0.9), abs=0.06)


def test_covering_finds_two_boxes():
    X, y = _planted(4)
    y2 = y | ((X[:, 1] > 0.8) & (X[:, 4] < 0.2))
    found = discover(X, y2, NAMES, boxes=2, threshold=0.9)
    assert [set(r.box.restricted) for r in found] == [{"x0", "x2"}, {"x1", "x4"}]
    assert sum(r.box.coverage for r in found) == pytest.approx(1.0, abs=0.08)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(60, 400), p=st.floats(0.05, 0.9))
def test_trajectory_invariants(seed, n, p):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = rng.uniform(size=n) < p
    if not y.any():
        y[0] = True
    r = prim(X, y, ["a", "b", "c"], min_mass=0.1)
    masses = [b.mass for b in r.trajectory]
    assert masses[0] == 1.0 and all(a >= b for a, b in zip(masses, masses[1:]))
    assert r.trajectory[0].coverage == 1.0 and r.trajectory[0].density == pytest.approx(y.mean())
    for b in r.trajectory + [r.box]:
        inside = b.contains(X, r.names)
        assert inside.sum() == b.n and b.n >= 1
        assert b.density == pytest.approx(y[inside].mean())
        assert b.coverage == pytest.approx(y[inside].sum() / y.sum())
    assert all(b.mass >= 0.1 - 1.0 / n for b in r.trajectory)
    assert r.box.density >= r.trajectory[r.chosen].density  # pasting never lowers the density


def test_errors():
    X, y = _planted(0, 200)
    with pytest.raises(RecloopInputError, match="no sampled world"):
        prim(X, np.zeros(200, bool), NAMES)
    with pytest.raises(RecloopInputError) as e:
        prim(X, y, NAMES, min_mass=2.0, threshold=0.0)
    assert len(e.value.problems) == 2

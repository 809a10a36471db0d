"""The collapse law, its calibration and the scenario fragment."""

import math
import tomllib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recloop.lab.calibrate import PACKAGE_FRAGMENT, calibrate, fragment_text, law_curve
from recloop.lab.common import LabResult
from recloop.lab.sweep import SweepResult


@given(kappa=st.floats(1e-3, 1.0), p=st.floats(0.01, 0.99), c=st.floats(0.0, 0.9))
@settings(max_examples=30, deadline=None)
def test_law_closed_forms(kappa, p, c):
    G = 30
    n = np.arange(G + 1)
    k = kappa * (1 - c)
    rep = law_curve(kappa, p, G, c=c)
    assert np.allclose(rep, k * (1 - p) / p * (1 - (1 - p) ** n))
    assert rep[-1] <= (1 - p) * k / p + 1e-12  # the plateau e* bounds the path
    assert np.allclose(law_curve(kappa, 0.0, G, c=c), k * n)
    acc = law_curve(kappa, p, G, a=1.0, c=c)
    assert np.allclose(acc[1:], (1 - p) * k * np.cumsum(1.0 / n[1:] ** 2))
    assert acc[-1] < (1 - p) * k * math.pi ** 2 / 6
    # in between, each step is the a-weighted mix of the two updates from the same state
    mid = law_curve(kappa, p, G, a=0.25, c=c)
    n0 = np.arange(G)
    step_rep = (1 - p) * (mid[:-1] + k)
    step_acc = mid[:-1] + (1 - p) * k / (n0 + 1) ** 2
    assert np.allclose(mid[1:], 0.75 * step_rep + 0.25 * step_acc)


def _fake_sweep(kappa, ps, seeds=6, G=8, noise=0.004):
    rng = np.random.default_rng(0)
    results = []
    for p in ps:
        base = law_curve(kappa, p, G)
        d = base + noise * rng.standard_normal((seeds, G + 1)) * (np.arange(G + 1) > 0)
        inputs = {"real_fraction": p, "regime": "replace", "curation_keep": 1.0, "train_chars": 1000,
                  "corpus": "fake", "order": 4, "curation_score": "lexicon"}
        results.append(LabResult("charlm", inputs, 0, {"deficit": d, "ce": 2 * (1 + d)}))
    return SweepResult("charlm", [r.inputs for r in results], results, seeds, 0)


def test_calibration_recovers_kappa_and_threshold():
    kappa = 0.08
    sweep = _fake_sweep(kappa, [0.0, 0.2, 0.4, 0.6, 0.8], G=40)
    cal = calibrate(sweep, n_boot=300)
    assert cal.kappa_p5 < kappa < cal.kappa_p95
    assert cal.kappa == pytest.approx(kappa, rel=0.02)
    assert cal.law_fits["engine"]["r2"] > 0.99
    # law plateau (1-p) kappa / p <= 0.05  <=>  p >= kappa / (0.05 + kappa)
    p_thr = kappa / (0.05 + kappa)
    assert cal.threshold["law_p_threshold"] == pytest.approx(p_thr, rel=0.03)
    assert cal.threshold["median"] == pytest.approx(p_thr, abs=0.08)
    doc = tomllib.loads(fragment_text(cal))
    k = doc["data"]["collapse_kappa"]
    assert k["dist"] == "lognormal" and k["p5"] < cal.kappa < k["p95"]
    assert 0.0 <= doc["data"]["curation_efficiency"] <= 1.0
    assert doc["provenance"]["experiment"] == "charlm"


def test_shipped_fragment_is_valid():
    doc = tomllib.loads(PACKAGE_FRAGMENT.read_text())
    k = doc["data"]["collapse_kappa"]
    assert k["dist"] == "lognormal" and 0 < k["p5"] < k["p95"]
    assert 0.0 <= doc["data"]["curation_efficiency"] <= 1.0
    for key in ("experiment", "corpus", "seeds", "date"):
        assert key in doc["provenance"]

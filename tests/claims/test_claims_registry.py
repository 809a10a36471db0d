"""The registry: sixteen claims, quotes verbatim from the essay, and the verdict rule's closed form."""

from __future__ import annotations

from pathlib import Path

import pytest

from recloop.claims import CLAIMS, FAILS_AT, HOLDS_AT, verdict

ESSAY = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "recursion-loop-essay.txt"


def test_sixteen_claims_with_unique_ids_and_experiments():
    assert [c.id for c in CLAIMS] == list(range(1, 17))
    for c in CLAIMS:
        assert c.title and c.experiment and callable(c.run)
        assert all(q.strip() for q in c.quotes), c.id


@pytest.mark.skipif(not ESSAY.exists(), reason="the essay lives outside the repository (shared/reference)")
def test_every_quote_is_verbatim_from_the_essay():
    text = ESSAY.read_text(encoding="utf-8")
    for c in CLAIMS:
        for q in c.quotes:
            assert q in text, f"claim {c.id}: not verbatim: {q[:60]}..."


@pytest.mark.parametrize("share, expected", [
    (1.0, "holds"), (HOLDS_AT, "holds"), (HOLDS_AT - 1e-9, "depends"), (0.5, "depends"),
    (FAILS_AT + 1e-9, "depends"), (FAILS_AT, "fails"), (0.0, "fails"), (None, "untested"), (float("nan"), "untested"),
])
def test_verdict_rule_thresholds(share, expected):
    assert verdict(share) == expected

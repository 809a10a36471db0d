"""The essay's claims, audited: each quoted claim, the recloop experiment that tests it, and a
verdict computed from the run (``recloop claims``; docs/claims.md)."""

from recloop.claims.core import FAILS_AT, HOLDS_AT, Claim, ClaimResult, Evidence, verdict
from recloop.claims.registry import CLAIMS, claim

__all__ = ["CLAIMS", "claim", "Claim", "ClaimResult", "Evidence", "verdict", "HOLDS_AT", "FAILS_AT"]

"""Hardware stop protocols: how a halt decision reaches the chips, with latency and reliability.

Mechanisms from Sastry, Heim et al. 2024 ("Computing power and the governance of AI", s.5:
networking caps, renewable on-chip licences, multi-party start switches), Kulp et al. 2024
(RAND, "Hardware-enabled governance mechanisms") and Aarne, Fist & Withers 2024 (CNAS, "Secure,
governable chips"). None is deployed at scale; latencies follow from how each works, the
reliabilities are assumptions (tampering, firmware bugs, exemptions) stated as such.

Several mechanisms in parallel: the halt takes effect when the first working one acts, so
reliability = 1 - prod(1 - r_i) and the latency is its expected value given success, over the
mechanisms sorted by latency. The result is a :class:`recloop.policy.Stop` lever block.
"""

from __future__ import annotations

from dataclasses import dataclass

from recloop.params import RecloopInputError
from recloop.policy import Stop

__all__ = ["StopMechanism", "MECHANISMS", "combine", "stop_protocol"]


@dataclass(frozen=True)
class StopMechanism:
    name: str
    latency_days: float
    reliability: float
    source: str


MECHANISMS: dict[str, StopMechanism] = {
    "licence-expiry": StopMechanism(
        "licence-expiry", 15.0, 0.9,
        "Sastry, Heim et al. 2024; Kulp et al. 2024: chips need a licence renewed every period "
        "(30 days here) or stop; a halt = not renewing, so the mean latency is half a period. "
        "Reliability: assumption (stockpiled licences, firmware tampering)"),
    "multi-party-switch": StopMechanism(
        "multi-party-switch", 1.0, 0.95,
        "Sastry, Heim et al. 2024: large runs need several parties' keys to start and continue; "
        "withdrawing a key stops the run within about a day. Reliability: assumption"),
    "networking-cap": StopMechanism(
        "networking-cap", 0.0, 0.6,
        "Sastry, Heim et al. 2024; Aarne et al. 2024: interconnect limits built into the chip stop "
        "large clusters from forming at all (no latency), but training can be spread over many "
        "small clusters at a cost, so it stops a frontier run only partly. Reliability: assumption"),
    "manual": StopMechanism(
        "manual", 30.0, 0.7,
        "no hardware mechanism: an order to stop carried out by the operator; assumption"),
}


def combine(names: list[str]) -> tuple[float, float]:
    """(latency_days, reliability) of mechanisms used in parallel."""
    unknown = [n for n in names if n not in MECHANISMS]
    if unknown or not names:
        raise RecloopInputError([f"stop.mechanisms: unknown or empty {unknown or names}; allowed: {', '.join(MECHANISMS)}"])
    mech = sorted((MECHANISMS[n] for n in names), key=lambda m: m.latency_days)
    miss, p_ok, mean = 1.0, 0.0, 0.0
    for m in mech:
        first = miss * m.reliability  # this one acts and all faster ones failed
        mean += first * m.latency_days
        p_ok += first
        miss *= 1.0 - m.reliability
    return mean / p_ok if p_ok > 0 else 0.0, p_ok


def stop_protocol(names: list[str], **other) -> Stop:
    """A :class:`Stop` lever block from named mechanisms (other Stop fields pass through)."""
    latency, reliability = combine(names)
    return Stop(latency_days=round(latency, 6), reliability=round(reliability, 6), **other)

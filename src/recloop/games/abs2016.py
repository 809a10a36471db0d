"""Armstrong, Bostrom & Shulman (2016), "Racing to the precipice: a model of artificial
intelligence development", AI & Society 31(2):201-206.

The model. n teams race to build the first AI. Team i has capability c_i, drawn independently
and uniformly on [0, mu], and chooses a safety level s_i in [0, 1]. The team with the highest
score c_i - s_i wins; its AI is safe with probability s_i and a disaster (worth 0 to everyone)
otherwise. A safe AI of one's own is worth 1; a safe AI of another team is worth 1 - e, where e
in [0, 1] is the enmity between teams. mu measures how much capability matters relative to
risk-taking. Three information regimes: no team knows any capability (not even its own); each
team knows only its own; every team knows every capability.

The symmetric equilibria below are derived in recloop from that model (the derivations are in
docs/games.md) and checked two ways in the tests: against Monte Carlo estimates of P(disaster),
and by numerically searching for a profitable deviation from the equilibrium strategy.

* No information: every team takes the same safety s. A team lowering its safety by d wins
  with probability P(d) with P'(0) = 1/mu for any n, so the first-order condition
  e s / mu = 1/n gives s = min(1, mu / (n e)).
* Private information: a team of capability c takes s(c) = min(1, c / (1 + (n - 1) e)), from the
  first-order condition s'(c) + (n - 1) e s(c) / c = 1 (its solution regular at c = 0).
* Public information: only the leader's safety matters. The runner-up, behind by
  D = c_(1) - c_(2), would overtake by cutting its own safety to s_1 - D and prefers that to the
  leader's safe win iff s_1 - D > (1 - e) s_1; so the leader takes s_1 = min(1, D / e).
  D / mu ~ Beta(1, n), the gap between the top two of n uniform draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recloop.games.payoffs import normalise_seed
from recloop.params import Block, param

__all__ = [
    "ABS2016",
    "REGIMES",
    "deviation_gain",
    "monte_carlo",
    "p_disaster",
    "safety",
    "summary",
]

REGIMES = ("no_information", "private", "public")

_SRC = "Armstrong, Bostrom & Shulman 2016, AI & Society 31:201, section 2 (model set-up)"


class ABS2016(Block):
    """Inputs of the ABS race (the model's own units: capability and safety on one score scale)."""

    teams: int = param(2, unit="teams", bounds=(2, 1000), doc="Number of teams racing.", source=_SRC)
    enmity: float = param(0.5, unit="1", bounds=(0.0, 1.0),
                          doc="Enmity e: a rival's safe AI is worth 1 - e (own safe AI worth 1).", source=_SRC)
    mu: float = param(1.0, unit="safety units", bounds=(1e-9, 1e6), log=True,
                      doc="Capability range: capabilities uniform on [0, mu]; larger means skill "
                          "matters more than risk-taking.", source=_SRC)


def _check(p: ABS2016 | None, kw) -> ABS2016:
    return p if p is not None else ABS2016(**kw)


def safety(regime: str, capability, *, teams: int, enmity: float, mu: float, runner_up=None) -> np.ndarray:
    """Equilibrium safety of a team with ``capability`` under ``regime``.

    ``public`` needs ``runner_up`` (the second-highest capability) and gives the *leader's*
    safety; the other teams do not affect the outcome there.
    """
    c = np.asarray(capability, dtype=float)
    e, n = float(enmity), int(teams)
    if regime == "no_information":
        s = 1.0 if e == 0 else min(1.0, mu / (n * e))
        return np.full_like(c, s)
    if regime == "private":
        return np.minimum(1.0, c / (1.0 + (n - 1) * e))
    if regime == "public":
        if runner_up is None:
            raise ValueError("public information needs the runner-up's capability")
        gap = c - np.asarray(runner_up, dtype=float)
        if e == 0:
            return np.ones_like(gap)
        return np.minimum(1.0, gap / e)
    raise ValueError(f"regime must be one of {', '.join(REGIMES)}; got {regime!r}")


def p_disaster(regime: str, p: ABS2016 | None = None, **kw) -> float:
    """Closed-form probability of an AI disaster in the symmetric equilibrium of ``regime``."""
    p = _check(p, kw)
    n, e, mu = p.teams, p.enmity, p.mu
    if regime == "no_information":
        return float(1.0 - safety("no_information", 0.0, teams=n, enmity=e, mu=mu))
    if regime == "private":
        # the winner is the most capable team: density n c^(n-1) / mu^n on [0, mu]
        cap = 1.0 + (n - 1) * e  # capability above which a team takes full safety
        m = min(mu, cap)
        expected_s = n * m ** (n + 1) / ((n + 1) * cap * mu**n) + (1.0 - (m / mu) ** n)
        return float(1.0 - expected_s)
    if regime == "public":
        if e == 0:
            return 0.0
        a = e / mu  # the gap at which the leader reaches full safety, in units of mu
        # E[min(1, X / a)] for X ~ Beta(1, n): (1 - (1 - a)_+^(n+1)) / ((n + 1) a)
        expected_s = (1.0 - max(0.0, 1.0 - a) ** (n + 1)) / ((n + 1) * a)
        return float(1.0 - expected_s)
    raise ValueError(f"regime must be one of {', '.join(REGIMES)}; got {regime!r}")


@dataclass(frozen=True)
class MonteCarlo:
    p_disaster: float
    se: float
    samples: int


def monte_carlo(regime: str, p: ABS2016 | None = None, *, samples: int = 200_000, seed=0, **kw) -> MonteCarlo:
    """P(disaster) from simulated races: capabilities drawn, equilibrium safety applied, the
    winner found by score, the disaster drawn as a Bernoulli event."""
    p = _check(p, kw)
    rng = np.random.default_rng(normalise_seed(seed))
    n, e, mu = p.teams, p.enmity, p.mu
    c = rng.uniform(0.0, mu, size=(samples, n))
    if regime == "public":
        order = np.sort(c, axis=1)
        s = np.ones_like(c)  # teams other than the leader stay out of the race: full safety
        lead = np.argmax(c, axis=1)
        s[np.arange(samples), lead] = safety("public", order[:, -1], teams=n, enmity=e, mu=mu,
                                             runner_up=order[:, -2])
    else:
        s = safety(regime, c, teams=n, enmity=e, mu=mu)
    winner = np.argmax(c - s, axis=1)
    s_win = s[np.arange(samples), winner]
    disaster = rng.uniform(size=samples) >= s_win
    m = disaster.mean()
    return MonteCarlo(float(m), float(np.sqrt(m * (1 - m) / samples)), samples)


def deviation_gain(regime: str, capability: float, deviation: np.ndarray, p: ABS2016 | None = None, *,
                   samples: int = 100_000, seed=0, **kw) -> np.ndarray:
    """Expected utility of team 0 playing safety ``deviation`` (an array of candidates) instead
    of its equilibrium safety, minus its equilibrium utility, when the others play the
    equilibrium. Estimated on common random numbers; an equilibrium has no positive entry (up to
    Monte Carlo error). ``capability`` is team 0's own capability (ignored without information,
    where team 0 does not know it and it is drawn).

    Public information: team 0 is the runner-up at ``capability`` below a leader at ``mu``; the
    deviations are its safety levels (the leader's best reply is fixed by the formula).
    """
    p = _check(p, kw)
    n, e, mu = p.teams, p.enmity, p.mu
    rng = np.random.default_rng(normalise_seed(seed))
    dev = np.atleast_1d(np.asarray(deviation, dtype=float))
    if regime == "public":
        s_lead = float(safety("public", mu, teams=n, enmity=e, mu=mu, runner_up=capability))
        # runner-up at capability c with safety x wins iff c - x > mu - s_lead
        wins = capability - dev > mu - s_lead
        u_dev = np.where(wins, dev, (1 - e) * s_lead)
        u_eq = (1 - e) * s_lead  # at equilibrium the runner-up does not overtake
        return u_dev - u_eq
    others = rng.uniform(0.0, mu, size=(samples, n - 1))
    s_others = safety(regime, others, teams=n, enmity=e, mu=mu)
    best_other = np.max(others - s_others, axis=1)
    who = np.argmax(others - s_others, axis=1)
    s_best_other = s_others[np.arange(samples), who]
    own_c = rng.uniform(0.0, mu, size=samples) if regime == "no_information" else np.full(samples, capability)

    def utility(x):
        win = own_c - x > best_other
        return np.where(win, x, (1 - e) * s_best_other).mean()

    s_eq = safety(regime, own_c, teams=n, enmity=e, mu=mu)
    u_eq = np.where(own_c - s_eq > best_other, s_eq, (1 - e) * s_best_other).mean()
    return np.array([utility(x) for x in dev]) - u_eq


def summary(p: ABS2016 | None = None, **kw) -> dict:
    """Equilibrium safety and P(disaster) of each regime (the ``recloop game abs2016`` output)."""
    p = _check(p, kw)
    n, e, mu = p.teams, p.enmity, p.mu
    out: dict = {"inputs": {"teams": n, "enmity": e, "mu": mu}}
    s0 = float(safety("no_information", 0.0, teams=n, enmity=e, mu=mu))
    out["no_information"] = {"safety": s0, "p_disaster": p_disaster("no_information", p),
                             "rule": "every team: s = min(1, mu / (n e))"}
    out["private"] = {"safety_at_mu": float(safety("private", mu, teams=n, enmity=e, mu=mu)),
                      "p_disaster": p_disaster("private", p),
                      "rule": "team of capability c: s = min(1, c / (1 + (n - 1) e))"}
    out["public"] = {"p_disaster": p_disaster("public", p),
                     "rule": "leader, ahead by D: s = min(1, D / e); others do not contest"}
    return out

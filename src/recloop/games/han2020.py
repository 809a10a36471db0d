"""Han, Pereira, Santos & Lenaerts (2020), "To regulate or not: a social dynamics analysis of
an idealised AI race", Journal of Artificial Intelligence Research 69:881-921
(preprint arXiv:1907.12393).

The race (the paper's DSAIR model). Two developers meet in a race of W development steps.
Each round a SAFE developer pays c for safety and advances one step; an UNSAFE developer
skips the precautions and advances s > 1 steps. Each round the market benefit b is shared in
proportion to speed; whoever completes the W steps first takes the prize B, shared on a tie.
An UNSAFE developer's AI causes a disaster with probability p_r, in which case it loses its
payoff (p = 1 - p_r is the probability that no disaster occurs). Per-round average payoffs
of the row player (the paper's payoff matrix; section number unverified):

    SAFE   vs SAFE   : -c + b/2 + B/(2W)
    SAFE   vs UNSAFE : -c + b/(s+1)                 (the UNSAFE rival wins the prize)
    UNSAFE vs SAFE   : p (s b/(s+1) + s B/W)
    UNSAFE vs UNSAFE : p (b/2 + s B/(2W))

Populations of Z developers learn by Fermi imitation at intensity of selection beta; with rare
mutations the stationary distribution over monomorphic states follows from fixation
probabilities (:mod:`recloop.games.evolution`). UNSAFE is favoured by selection iff it is
risk-dominant (for large Z), and SAFE is collectively preferred iff SAFE-SAFE pays more than
UNSAFE-UNSAFE. When the prize dominates (short races, B/W >> b, c) the two boundaries are
p_r = 1 - 1/(3s) (selection) and p_r = 1 - 1/s (collective preference), which split the
(s, p_r) plane into the paper's three zones:

* p_r > 1 - 1/(3s): SAFE is both selected and preferred (compliance, no regulation needed);
* 1 - 1/s < p_r < 1 - 1/(3s): UNSAFE is selected although SAFE is preferred (the dilemma,
  where regulation helps);
* p_r < 1 - 1/s: UNSAFE is both selected and preferred (innovation; regulating would cost).

Being found out (p_fo, the abstract's "being reprimanded for unsafe behaviour"). Each round an
UNSAFE developer is found out with probability p_fo and loses that round's benefit to its
rival. Against SAFE: UNSAFE keeps (1 - p_fo) s b/(s+1) and SAFE gets (1 - p_fo) b/(s+1) + p_fo b;
between two UNSAFE developers each is found independently, so a round pays (1 - p_fo)^2 b/2 +
(1 - p_fo) p_fo b = (1 - p_fo^2) b/2. The prize terms are unchanged. This is the per-round form
of the replication's ``payoffs_sr_pfo_extension`` (same entries). With p_fo = 0 it is the
matrix above. In the long race (W = 1e6, the prize per round negligible) it opens the region the
abstract describes, where SAFE is selected although UNSAFE is collectively better, i.e. where
regulation should *promote* risk-taking ("over-caution" in ``classify``): with b = 4, c = 1,
s = 1.5 and p_fo = 0.5 it covers p_r in (0, 1/3). Without p_fo the matrix has no such region.

Provenance (see docs/games.md, Han section). The paper's body could not be read:
the stored ar5iv/arXiv copies (arXiv:1907.12393 v2) yield only the title page and abstract. The
matrix above and the defaults below were therefore cross-checked against an independent public
replication of the DSAIR model (PaoloBova/gh-pages-example, ``payoffs.py``: ``payoffs_sr`` gives
the per-round matrix [[b/2 - c, b/(s+1) - c], [s b/(s+1), b/2]] and ``payoffs_lr`` adds the prize,
B/(2W), s B/W and s B/(2W), and multiplies the UNSAFE row by p; its ``build_DSAIR`` defaults are
b=4, c=1, B=1e4, W=100, beta=0.01, Z=100, s in [1, 5], p in [0, 1]). Every entry and every
default agrees; nothing here was changed by that check. Not verified against the paper itself:
its section and equation numbers, its figure captions and the stationary distributions in its
figures. tests/games/test_games_han_paper.py pins all of this.

recloop extension (labelled as such; not the paper's equations): a CONDITIONAL developer plays
SAFE, but once the co-player's UNSAFE play is found out (weight p_fo over the race) it
races UNSAFE too for the rest of it. Against UNSAFE it thus earns the SAFE-vs-UNSAFE payoff with
weight 1 - p_fo and the UNSAFE-vs-UNSAFE payoff with weight p_fo.
"""

from __future__ import annotations

import numpy as np

from recloop.games.evolution import small_mutation_limit
from recloop.games.payoffs import PayoffTable
from recloop.params import Block, param

__all__ = [
    "Han2020",
    "RACES",
    "ZONES",
    "classify",
    "limit_boundaries",
    "payoff_matrix",
    "stationary",
    "summary",
    "zone_boundaries",
]

_SRC = ("Han, Pereira, Santos & Lenaerts 2020, JAIR 69:881, DSAIR model (section number unverified; "
        "matrix cross-checked against the replication PaoloBova/gh-pages-example)")
_SRC_FIG = ("Han et al. 2020 (JAIR 69) figure values as recalled by recloop; agree with the defaults of the "
            "independent DSAIR replication PaoloBova/gh-pages-example (build_DSAIR: b=4, c=1, B=1e4, W=100, "
            "beta=0.01, Z=100); the paper's own captions not checked (its body was not readable)")

# W for the two time-scales (the replication's stated range is W in [10, 1e6]; 100 is its default
# and 1e6 its upper end): a race won in a few steps (the prize dominates the per-round
# benefits) and one won over a very long horizon (the per-round benefits dominate).
RACES = {"short": 100.0, "long": 1.0e6}


class Han2020(Block):
    """Inputs of the Han et al. AI race game (payoffs in the paper's abstract units)."""

    b: float = param(4.0, unit="payoff/round", bounds=(0.0, 1e6), doc="Market benefit per round, shared by speed.",
                     source=_SRC_FIG)
    c: float = param(1.0, unit="payoff/round", bounds=(0.0, 1e6), doc="Cost of safety precautions per round.",
                     source=_SRC_FIG)
    prize: float = param(1.0e4, unit="payoff", bounds=(0.0, 1e12), log=True,
                         doc="B: prize for reaching AI supremacy first.", source=_SRC_FIG)
    steps: float = param(100.0, unit="rounds", bounds=(1.0, 1e12), log=True,
                         doc="W: development steps to supremacy (short race 100, long race 1e6).", source=_SRC_FIG)
    speed: float = param(1.5, unit="1", bounds=(1.0, 100.0),
                         doc="s: steps per round of an UNSAFE developer relative to a SAFE one.", source=_SRC)
    p_risk: float = param(0.5, unit="probability", bounds=(0.0, 1.0),
                          doc="p_r: probability that an UNSAFE developer's AI causes a disaster.", source=_SRC)
    p_detect: float = param(0.0, unit="probability", bounds=(0.0, 1.0),
                            doc="p_fo: probability per round that UNSAFE play is found out; the round's "
                                "benefit goes to the rival (it also drives the CONDITIONAL extension).",
                            source="Han et al. 2020 abstract ('being reprimanded for unsafe behaviour'); per-round "
                                   "form as the replication's payoffs_sr_pfo_extension (PaoloBova/gh-pages-example)")
    population: int = param(100, unit="developers", bounds=(2, 100_000), doc="Z: population size.",
                            source=_SRC_FIG)
    beta: float = param(0.01, unit="1/payoff", bounds=(0.0, 1e3),
                        doc="Intensity of selection of the Fermi imitation rule.", source=_SRC_FIG)


STRATEGIES2 = ("SAFE", "UNSAFE")
STRATEGIES3 = ("SAFE", "UNSAFE", "CONDITIONAL")


def _p(p: Han2020 | None, kw) -> Han2020:
    return p if p is not None else Han2020(**kw)


def payoff_matrix(p: Han2020 | None = None, *, conditional: bool = False, **kw) -> np.ndarray:
    """Per-round payoff matrix of the row player (SAFE, UNSAFE[, CONDITIONAL])."""
    p = _p(p, kw)
    q = 1.0 - p.p_risk
    # Averaged payoffs of the DSAIR race (the paper's model section; entry for entry as in the
    # replication's payoffs_sr + payoffs_lr, see the module docstring): the per-round benefit
    # and cost plus the prize share per round, the UNSAFE row scaled by p = 1 - p_r.
    ss, su, us1, uu1 = _entries(p)
    us, uu = q * us1, q * uu1
    if not conditional:
        return np.array([[ss, su], [us, uu]])
    f = p.p_detect
    cu = (1 - f) * su + f * uu  # CONDITIONAL against UNSAFE
    uc = (1 - f) * us + f * uu  # UNSAFE against CONDITIONAL
    return np.array([[ss, su, ss], [us, uu, uc], [ss, cu, ss]])


def _entries(p: Han2020) -> tuple[float, float, float, float]:
    """SS, SU, and US and UU before the survival factor 1 - p_r, with the reprimand p_fo."""
    b, c, big_b, w, s, f = p.b, p.c, p.prize, p.steps, p.speed, p.p_detect
    ss = -c + b / 2 + big_b / (2 * w)
    su = -c + (1 - f) * b / (s + 1) + f * b
    us1 = (1 - f) * s * b / (s + 1) + s * big_b / w
    uu1 = (1 - f * f) * b / 2 + s * big_b / (2 * w)
    return ss, su, us1, uu1


def table(p: Han2020 | None = None, *, conditional: bool = False, **kw) -> PayoffTable:
    """The game as a :class:`PayoffTable` (for the generic equilibrium analysis)."""
    names = STRATEGIES3 if conditional else STRATEGIES2
    return PayoffTable.symmetric(payoff_matrix(p, conditional=conditional, **kw), names)


def zone_boundaries(p: Han2020 | None = None, *, finite: bool = False, **kw) -> dict[str, float]:
    """Values of p_r at which the game changes character, for the given b, c, B, W, s.

    ``collective``: above it SAFE-SAFE pays more than UNSAFE-UNSAFE. ``selection``: above it
    selection favours SAFE over UNSAFE, i.e. rho(S->U) < rho(U->S); with ``finite`` the exact
    finite-population condition (Z - 2)(UU - SS) + Z (US - SU) < 0, otherwise the large-Z limit
    (risk dominance, UU + US < SS + SU). Every payoff is linear in p = 1 - p_r, so each boundary
    solves a linear equation; values are clipped to [0, 1].
    """
    p = _p(p, kw)
    ss, su, us1, uu1 = _entries(p)  # US = q * us1, UU = q * uu1
    q_coll = ss / uu1
    z = p.population
    wz, wz2 = (z, z - 2) if finite else (1.0, 1.0)
    q_sel = (wz2 * ss + wz * su) / (wz2 * uu1 + wz * us1)
    clip = lambda v: float(min(1.0, max(0.0, v)))  # noqa: E731
    return {"collective": clip(1.0 - q_coll), "selection": clip(1.0 - q_sel)}


def limit_boundaries(speed: float) -> dict[str, float]:
    """The boundaries when the prize dominates (B/W >> b, c): 1 - 1/s and 1 - 1/(3s)."""
    return {"collective": 1.0 - 1.0 / speed, "selection": 1.0 - 1.0 / (3.0 * speed)}


#: what each zone means for regulation (the paper's three zones, plus the long race's fourth)
ZONES = {
    "compliance": "SAFE is selected and collectively preferred: no regulation needed",
    "dilemma": "UNSAFE is selected although SAFE is preferred: regulation helps",
    "innovation": "UNSAFE is selected and preferred: regulating would cost",
    "over-caution": "SAFE is selected although UNSAFE is preferred: regulation should promote risk-taking",
}


def classify(p_risk: float, boundaries: dict[str, float]) -> str:
    """The zone of ``p_risk``: compliance, dilemma, innovation, or over-caution (SAFE selected
    although UNSAFE is collectively better: the case where risk-taking should be encouraged)."""
    safe_selected = p_risk > boundaries["selection"]
    safe_preferred = p_risk > boundaries["collective"]
    if safe_selected and safe_preferred:
        return "compliance"
    if safe_preferred:
        return "dilemma"
    if safe_selected:
        return "over-caution"
    return "innovation"


def stationary(p: Han2020 | None = None, *, conditional: bool = False, **kw) -> dict[str, float]:
    """Small-mutation stationary distribution over SAFE, UNSAFE (and CONDITIONAL)."""
    p = _p(p, kw)
    sm = small_mutation_limit(payoff_matrix(p, conditional=conditional), population=p.population, beta=p.beta)
    names = STRATEGIES3 if conditional else STRATEGIES2
    return {n: float(v) for n, v in zip(names, sm.stationary)}


def summary(p: Han2020 | None = None, **kw) -> dict:
    """Zone boundaries, the zone of the given p_r, and stationary distributions (the CLI output)."""
    p = _p(p, kw)
    bounds = zone_boundaries(p)
    a2 = payoff_matrix(p)
    welfare = {"SAFE": float(a2[0, 0]), "UNSAFE": float(a2[1, 1])}
    return {
        "inputs": p.model_dump(),
        "boundaries": {
            "large_population": bounds,
            "finite_population": zone_boundaries(p, finite=True),
            "prize_dominant_limit": limit_boundaries(p.speed),
        },
        "zone": classify(p.p_risk, bounds),
        "payoff_matrix": {"strategies": list(STRATEGIES2), "rows": a2.tolist()},
        "monomorphic_welfare": welfare,
        "stationary": stationary(p),
        "stationary_with_conditional": stationary(p, conditional=True),
    }

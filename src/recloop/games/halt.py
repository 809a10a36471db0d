"""A self-contained halt game: two firms choose to race, pause, or pause conditionally.

This is recloop's stand-in payoff model until the simulation engine supplies payoffs through
the same :class:`~recloop.games.payoffs.PayoffSource` interface. It follows the essay's
"Strategic Game Theory of Voluntary Halts" (unilateral restraint loses market share; a halt
needs compute-monitored enforcement and reciprocity) and the structure of Han et al. 2020
(racing is faster and riskier; found-out racers are sanctioned; conditional strategies).

One period (a year), payoffs in units of one firm's annual market value:

* market: equal shares (1 each) when both do the same; a firm that pauses while the rival
  races loses ``share_loss`` of its value to the rival;
* compliance: a pausing firm pays ``compliance_cost`` (verification, safety work);
* catastrophe: each racing firm adds hazard ``hazard_race`` (pausing: ``hazard_pause``); a
  catastrophe, with probability 1 - prod(1 - h_i), costs each firm ``stake * catastrophe_loss``;
* monitoring: a racing firm is detected with probability ``detection`` and pays ``sanction``.

Three regimes answer the docs study's question: *none* (no detection; race or pause),
*monitoring* (detection and sanctions; race or pause) and *reciprocity* (monitoring plus a
conditional strategy that pauses until the rival is detected racing, then races for good;
the infinitely repeated game with discount factor ``discount``,
:func:`recloop.games.equilibria.repeated_with_monitoring`).

The defaults are illustrative, chosen so that the one-shot game without monitoring is a
prisoner's dilemma, as the essay argues; they are not calibrated. :class:`HaltGameUncertainty`
declares every weight as a wide distribution ("assumption") and
:func:`equilibria_over_uncertainty` reports, per regime, the share of weight draws in which
pausing is an equilibrium, with its interval, instead of a verdict at one point.
"""

from __future__ import annotations

import numpy as np

from recloop.games.equilibria import repeated_with_monitoring
from recloop.games.payoffs import PayoffSource, PayoffTable, estimate_table, normalise_seed
from recloop.params import Block, LogUniform, Uncertain, Uniform, param

__all__ = ["HaltGame", "HaltGameUncertainty", "HaltPayoffSource", "REGIMES", "detection_for_pause", "draw_weights",
           "equilibria_over_uncertainty", "regime_table", "stage_table"]

_ESSAY = "recursion-loop essay, 'The Strategic Game Theory of Voluntary Halts' (qualitative)"
_ILLUS = "illustrative default (recloop); not calibrated"

REGIMES = ("none", "monitoring", "reciprocity")
ACTIONS = ("race", "pause")


class HaltGame(Block):
    """Inputs of the two-firm halt game (one period = one year)."""

    share_loss: float = param(0.3, unit="annual market value", bounds=(0.0, 1.0),
                              doc="Value a firm loses to a racing rival while it pauses alone.",
                              source=f"{_ESSAY}; {_ILLUS}")
    compliance_cost: float = param(0.05, unit="annual market value", bounds=(0.0, 1.0),
                                   doc="Cost of a pause: verification and safety work.", source=_ILLUS)
    hazard_race: float = param(0.01, unit="1/yr", bounds=(0.0, 1.0),
                               doc="Catastrophe hazard added by a racing firm.", source=_ILLUS)
    hazard_pause: float = param(0.001, unit="1/yr", bounds=(0.0, 1.0),
                                doc="Catastrophe hazard added by a pausing firm.", source=_ILLUS)
    catastrophe_loss: float = param(20.0, unit="annual market value", bounds=(0.0, 1e6), log=True,
                                    doc="Disutility of a catastrophe to a firm with stake 1.", source=_ILLUS)
    stake: float = param(1.0, unit="1", bounds=(0.0, 100.0),
                         doc="Weight of the catastrophe in each firm's payoff (its stake in the world).",
                         source=_ILLUS)
    detection: float = param(0.2, unit="probability/yr", bounds=(0.0, 1.0),
                             doc="Probability that a racing firm is detected by compute monitoring.",
                             source="DESIGN.md levers: compute monitoring; " + _ILLUS)
    sanction: float = param(2.0, unit="annual market value", bounds=(0.0, 1e6),
                            doc="Sanction paid by a detected racing firm.", source=_ILLUS)
    discount: float = param(0.9, unit="1/yr", bounds=(0.0, 0.999),
                            doc="Per-year discount factor of the repeated game (reciprocity).", source=_ILLUS)


def _expected(p: HaltGame, a: int, b: int, detection: float) -> float:
    """Firm playing action a against action b (0 race, 1 pause): expected one-year payoff."""
    market = 1.0 + (p.share_loss if (a == 0 and b == 1) else -p.share_loss if (a == 1 and b == 0) else 0.0)
    h = lambda x: p.hazard_race if x == 0 else p.hazard_pause  # noqa: E731
    p_cat = 1.0 - (1.0 - h(a)) * (1.0 - h(b))
    cost = p.compliance_cost if a == 1 else 0.0
    sanction = detection * p.sanction if a == 0 else 0.0
    return market - cost - p.stake * p.catastrophe_loss * p_cat - sanction


def detection_for_pause(p: HaltGame | None = None, *, extra_cost: float = 0.0, false_alarm: float = 0.0, **kw) -> float:
    """The detection probability per year at and above which mutual pause is a Nash equilibrium
    of the stage game (inf: never; 0: always), in closed form.

    Pause against pause beats racing against a pauser when
    ``(q - f) sanction >= share_loss + compliance_cost + extra_cost - stake L (1 - h_p)(h_r - h_p)``:
    ``extra_cost`` is a verification regime's cost to a pausing firm, ``f`` the regime's false-
    accusation probability per year (a pausing firm falsely accused pays the sanction too).
    """
    p = p if p is not None else HaltGame(**kw)
    need = (p.share_loss + p.compliance_cost + extra_cost
            - p.stake * p.catastrophe_loss * (1.0 - p.hazard_pause) * (p.hazard_race - p.hazard_pause))
    if need <= 0:
        return 0.0
    if p.sanction <= 0:
        return float("inf")
    return float(false_alarm + need / p.sanction)


def stage_table(p: HaltGame | None = None, *, detection: float | None = None, **kw) -> PayoffTable:
    """Exact expected one-year payoffs of race/pause (``detection`` overrides the declared one)."""
    p = p if p is not None else HaltGame(**kw)
    q = p.detection if detection is None else float(detection)
    a = np.array([[_expected(p, i, j, q) for j in range(2)] for i in range(2)])
    return PayoffTable.symmetric(a, ACTIONS, players=("firm_a", "firm_b"))


def regime_table(regime: str, p: HaltGame | None = None, *, detection: float | None = None,
                 stage: PayoffTable | None = None, **kw) -> PayoffTable:
    """The game under a regime: ``none``, ``monitoring`` or ``reciprocity``.

    ``stage`` (optional) is an estimated stage table to use instead of the exact one (for
    example from :class:`HaltPayoffSource`); it must have been built with the same detection.
    """
    p = p if p is not None else HaltGame(**kw)
    q = p.detection if detection is None else float(detection)
    if regime == "none":
        q = 0.0
    elif regime not in REGIMES:
        raise ValueError(f"regime must be one of {', '.join(REGIMES)}; got {regime!r}")
    base = stage if stage is not None else stage_table(p, detection=q)
    if regime == "reciprocity":
        return repeated_with_monitoring(base, cooperate="pause", punish="race", detection=q,
                                        discount=p.discount)
    return base


class HaltPayoffSource(PayoffSource):
    """The stage game played out in sampled worlds (catastrophe and detection drawn per sample).

    It stands where the engine's payoff source will stand: same interface, payoffs per sample,
    common random numbers across profiles. Its mean converges to :func:`stage_table`.
    """

    def __init__(self, p: HaltGame | None = None, *, samples: int = 20_000, detection: float | None = None):
        self.p = p if p is not None else HaltGame()
        self.samples = int(samples)
        self.detection = self.p.detection if detection is None else float(detection)

    @property
    def players(self):
        return ("firm_a", "firm_b")

    @property
    def strategies(self):
        return (ACTIONS, ACTIONS)

    def simulate_profile(self, profile, seed):
        p = self.p
        rng = np.random.default_rng(normalise_seed(seed))
        u_cat = rng.uniform(size=self.samples)
        u_det = rng.uniform(size=(self.samples, 2))
        acts = [ACTIONS.index(a) for a in profile]
        h = [p.hazard_race if x == 0 else p.hazard_pause for x in acts]
        cat = u_cat < 1.0 - (1.0 - h[0]) * (1.0 - h[1])
        out = np.empty((self.samples, 2))
        for i, (a, b) in enumerate([(acts[0], acts[1]), (acts[1], acts[0])]):
            market = 1.0 + (p.share_loss if (a == 0 and b == 1) else -p.share_loss if (a == 1 and b == 0) else 0.0)
            cost = p.compliance_cost if a == 1 else 0.0
            caught = (u_det[:, i] < self.detection) if a == 0 else np.zeros(self.samples, bool)
            out[:, i] = market - cost - p.stake * p.catastrophe_loss * cat - p.sanction * caught
        return out

    def table(self, *, seed=0, keep_samples: bool = True) -> PayoffTable:
        return estimate_table(self.simulate_profile, self.strategies, seed=seed, players=self.players,
                              keep_samples=keep_samples)


# ---------------------------------------------------------------------------- weights as uncertainties
_ASSUME = "assumption (no published estimate); sampled wide"


class HaltGameUncertainty(Block):
    """The halt game's payoff weights as declared uncertainties (issue 16 item 6).

    Each weight has the unit and bounds of :class:`HaltGame` and a wide distribution: none is
    calibrated, so equilibria are reported over draws of all of them together, not at one point.
    A field given as a number is held fixed.
    """

    share_loss: Uncertain = param(Uniform(dist="uniform", low=0.05, high=0.6), unit="annual market value",
                                  bounds=(0.0, 1.0), doc="Value a firm loses to a racing rival while it pauses alone.",
                                  source=f"{_ESSAY}; {_ASSUME}")
    compliance_cost: Uncertain = param(LogUniform(dist="loguniform", low=0.005, high=0.3), unit="annual market value",
                                       bounds=(0.0, 1.0), doc="Cost of a pause: verification and safety work.", source=_ASSUME)
    hazard_race: Uncertain = param(LogUniform(dist="loguniform", low=0.001, high=0.05), unit="1/yr", bounds=(0.0, 1.0),
                                   doc="Catastrophe hazard added by a racing firm.", source=_ASSUME)
    hazard_pause: Uncertain = param(LogUniform(dist="loguniform", low=0.0001, high=0.005), unit="1/yr", bounds=(0.0, 1.0),
                                    doc="Catastrophe hazard added by a pausing firm.", source=_ASSUME)
    catastrophe_loss: Uncertain = param(LogUniform(dist="loguniform", low=1.0, high=1000.0), unit="annual market value",
                                        bounds=(0.0, 1e6), log=True, doc="Disutility of a catastrophe to a firm with stake 1.",
                                        source=_ASSUME)
    stake: Uncertain = param(LogUniform(dist="loguniform", low=0.1, high=10.0), unit="1", bounds=(0.0, 100.0),
                             doc="Weight of the catastrophe in each firm's payoff.", source=_ASSUME)
    detection: Uncertain = param(Uniform(dist="uniform", low=0.05, high=0.9), unit="probability/yr", bounds=(0.0, 1.0),
                                 doc="Probability that a racing firm is detected by compute monitoring.",
                                 source="DESIGN.md levers: compute monitoring; " + _ASSUME)
    sanction: Uncertain = param(LogUniform(dist="loguniform", low=0.1, high=20.0), unit="annual market value",
                                bounds=(0.0, 1e6), doc="Sanction paid by a detected racing firm.", source=_ASSUME)
    discount: Uncertain = param(Uniform(dist="uniform", low=0.5, high=0.99), unit="1/yr", bounds=(0.0, 0.999),
                                doc="Per-year discount factor of the repeated game (reciprocity).", source=_ASSUME)


def draw_weights(u: HaltGameUncertainty, draws: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``draws`` weight sets: draw i depends only on (seed, i) (counter-based uniforms, inverse CDF)."""
    from recloop.sampling import normalize_seed, stream_id, uniform

    seed = normalize_seed(seed)
    idx = np.arange(int(draws), dtype=np.int64)
    out = {}
    for name in HaltGameUncertainty.model_fields:
        v = getattr(u, name)
        if isinstance(v, (int, float)):
            out[name] = np.full(idx.size, float(v))
        else:
            out[name] = np.asarray(v.ppf(uniform(seed, idx, stream_id("halt-weight:" + name))), dtype=float)
    return out


def equilibria_over_uncertainty(u: HaltGameUncertainty | None = None, *, draws: int = 2000, seed: int = 0,
                                tol: float = 1e-12) -> dict:
    """Share of weight draws in which pausing is an equilibrium, per regime, with its Wilson interval.

    For each draw the game is solved exactly (:func:`regime_table`). ``strict`` counts draws where
    the target is a strict equilibrium (margin > ``tol``): under reciprocity the conditional profile
    is at best weak, because switching from conditional to unconditional pause changes nothing on
    the path of play (margin 0 by construction). ``drivers``: for each weight, the share of draws
    with pausing an equilibrium in the lowest and highest third of its draws (monitoring regime).
    """
    from recloop.games.equilibria import nash_margin
    from recloop.outcomes import wilson

    u = u if u is not None else HaltGameUncertainty()
    W = draw_weights(u, draws, seed)
    targets = {"none": ("pause", "pause"), "monitoring": ("pause", "pause"), "reciprocity": ("conditional", "conditional")}
    margins = {r: np.empty(draws) for r in REGIMES}
    for i in range(draws):
        p = HaltGame(**{k: float(W[k][i]) for k in W})
        for r in REGIMES:
            margins[r][i] = nash_margin(regime_table(r, p), targets[r]).value
    out: dict = {"draws": int(draws), "seed": int(seed), "confidence": 0.95,
                 "inputs": u.model_dump(mode="json"),
                 "regimes": {}}
    for r in REGIMES:
        m = margins[r]
        eq = m >= -tol
        k = int(eq.sum())
        strict = m > tol
        lo, hi = wilson(k, draws)
        slo, shi = wilson(int(strict.sum()), draws)
        out["regimes"][r] = {"target": list(targets[r]), "share_pause_equilibrium": k / draws,
                             "interval": [lo, hi], "share_strict": float(strict.mean()), "strict_interval": [slo, shi],
                             "margin_median": float(np.median(m)),
                             "margin_p10_p90": [float(np.percentile(m, 10)), float(np.percentile(m, 90))]}
    eq = margins["monitoring"] >= -tol
    drivers = {}
    for k_, v in W.items():
        if np.ptp(v) == 0:
            continue
        lo_t, hi_t = np.quantile(v, [1 / 3, 2 / 3])
        drivers[k_] = {"low_third": float(eq[v <= lo_t].mean()), "high_third": float(eq[v >= hi_t].mean())}
    out["drivers_monitoring"] = dict(sorted(drivers.items(), key=lambda kv: -abs(kv[1]["high_third"] - kv[1]["low_third"])))
    return out

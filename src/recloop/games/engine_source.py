"""The halt game played on the simulation engine: payoff tables from simulated worlds.

:class:`EnginePayoffSource` runs :func:`recloop.engine.simulate` once per strategy profile of
the chosen actors, every profile on the same seed (common random numbers: the same sampled
worlds, the same catastrophe and detection draws), and turns each actor's outcome columns into
a per-sample payoff, in market-share-years (one unit = the whole market's value for a year):

    u_a = H * mean_share_a * (1 - compliance_cost_a)      market value earned over the horizon
          - stake_a * catastrophe_loss * p_catastrophe     catastrophe disutility, by the actor's stake
          - sanction_cost * detected_a                     treaty sanction on a caught covert defector
          - sanction_cost * P(breach found)                treaty sanction on a member that races openly

* ``mean_share_a`` (engine column ``actor_mean_share_<a>``): the actor's market share averaged
  over the horizon H, so ``H * mean_share_a`` is the share-years it earned. Pauses, exits and a
  detected defector's chip-supply cut (``treaty.sanction_supply_cut``) act through it.
* ``compliance_cost_a`` (``actor_compliance_cost_<a>``): the share of its budget spent on
  compliance, charged on the revenue it earned.
* ``p_catastrophe`` (``p_catastrophe``): the world's probability of catastrophe over the horizon,
  from every actor's hazard (the expected value, not the 0/1 event: same mean, less noise). A
  catastrophe hits every actor; ``stake`` weights it in each chosen actor's payoff.
* ``detected_a`` (``actor_detected_<a>``): the actor's covert build-out was found by monitoring;
  it then pays the treaty's ``sanction_cost`` (the engine cuts its supply but books the fine
  only in the defection decision, so the fine is charged here).

* open breach (derived here): the engine sanctions only a *declared* defector that monitoring
  finds (strategies ``covert``, and ``comply`` when it defects); ``race`` ignores treaties and is
  never sanctioned there. A treaty member that races is in breach of the mandated pause, so the
  payoff charges it the expected fine ``sanction_cost * (1 - (1 - q)^W)``: q is the monitoring's
  probability per year of finding a reference-size cluster (``monitoring.reference_cluster_flops``)
  and W = ``breach_years`` the years in which the breach can be found. It is charged in every
  world (the study's tripwire fires in most of them) and the engine does not cut a racer's chip
  supply (``treaty.sanction_supply_cut`` applies to caught covert defectors only).

Why race and not covert is the study's defection: in the engine a covert defector runs only its
covert clusters (``covert_share`` of its compute) until it is caught, for the rest of the run,
not only during the pause; with weak monitoring covert is therefore worse than pausing (it is
self-defeating, not deterred), so it is offered as a strategy but is not the deviation that
binds.

:func:`regime_policy` builds the policies of the worked study (docs/games.md): a pause tripwire
and no treaty (``none``); a treaty with compute monitoring that detects a covert effort with
probability ``detection`` per year and fines it (``monitoring``); the same plus the treaty's
reciprocal supply cut, with the conditional strategy available (``reciprocity``).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np

from recloop.games.payoffs import PayoffSource, PayoffTable, estimate_table, normalise_seed
from recloop.params import Block, LogUniform, RecloopInputError, Uncertain, param

__all__ = ["ALIASES", "EngineHalt", "EngineHaltUncertainty", "EnginePayoffSource", "study_over_uncertainty", "REGIMES", "REGIME_STRATEGIES", "clear_cache",
           "engine_strategy", "regime_policy", "regime_source", "study", "with_detection"]

_ILLUS = "illustrative default (recloop); not calibrated"

#: short names accepted for the engine's strategies (recloop.policy.STRATEGIES)
ALIASES = {"pause": "unilateral_pause", "conditional": "conditional_pause"}

REGIMES = ("none", "monitoring", "reciprocity")
#: the strategies each regime of the worked study offers both firms
REGIME_STRATEGIES = {
    "none": ("race", "pause"),
    "monitoring": ("race", "pause"),
    "reciprocity": ("race", "pause", "conditional"),
}

# The pause tripwire of the study: the essay's structural condition 2 (as in the bundled
# treaty-monitoring and voluntary-pause policies).
_TRIPWIRE = dict(
    name="essay-90pct-own-refactoring", metric="automation_code", threshold=0.9, cadence_years=0.25,
    error_sd=0.03, lag_years=0.02, response="pause_until_verified", pause_years=0.5,
    source="the essay, 'Standardized Capability Thresholds' (structural condition 2): "
           "'automate 90% of its own software refactoring tasks'",
    mapping="refactoring is code work -> code-vector automation fraction >= 0.9; "
            "response: 'a mandatory verification pause'")


class EngineHalt(Block):
    """Payoff parameters and study levers of the halt game on the engine."""

    years: float = param(20.0, unit="yr", bounds=(1.0, 100.0),
                         doc="Horizon of each simulated world: the length of the game.",
                         source="recloop choice: covers takeoff in most baseline worlds")
    catastrophe_loss: float = param(20.0, unit="market-share-years", bounds=(0.0, 1e6), log=True,
                                    doc="Disutility of a catastrophe to an actor with stake 1, in years of the whole market's value.",
                                    source=f"as recloop.games.halt.HaltGame; {_ILLUS}")
    stake: float = param(1.0, unit="1", bounds=(0.0, 100.0),
                         doc="Weight of the catastrophe in each chosen actor's payoff (its stake in the world).",
                         source=_ILLUS)
    detection: float = param(0.5, unit="probability/yr", bounds=(0.0, 1.0),
                             doc="Probability per year that monitoring finds a covert effort (regimes with monitoring).",
                             source="DESIGN.md levers: compute monitoring; the telemetry preset finds a 1e20 FLOP/s cluster with ~0.9/yr; " + _ILLUS)
    sanction: float = param(4.0, unit="market-share-years", bounds=(0.0, 1e6),
                            doc="Fine paid by a detected defector (treaty.sanction_cost).",
                            source=f"as recloop.games.halt.HaltGame; {_ILLUS}")
    supply_cut: float = param(0.5, unit="fraction", bounds=(0.0, 1.0),
                              doc="Share of a detected defector's chip supply cut off under reciprocity (treaty.sanction_supply_cut).",
                              source="treaty-monitoring policy (export controls, cloud denial); " + _ILLUS)
    breach_years: float = param(1.0, unit="yr", bounds=(0.0, 30.0),
                                doc="Years in which monitoring can find a treaty member's open racing through a mandated pause.",
                                source="recloop derivation (the engine does not sanction race); " + _ILLUS)
    compliance_fixed_cost: float = param(0.0, unit="frontier budget share", bounds=(0.0, 1.0),
                                         doc="Fixed yearly compliance cost of a covered actor (policy compliance.fixed_cost).",
                                         source="essay, 'Capital Moat Solidification'; " + _ILLUS)


def engine_strategy(name: str) -> str:
    """The engine's name for a strategy (``pause`` and ``conditional`` are short names)."""
    return ALIASES.get(name, name)


def with_detection(policy, detection: float):
    """``policy`` with compute monitoring that finds a covert effort with ``detection`` per year.

    The channels of :mod:`recloop.governance.monitoring` reduce to telemetry on every chip with
    a true-positive rate ``detection`` within a year (no accounting, no base rate; the engine's
    detection is a rate, whatever the check cadence), so ``detection`` is exactly the
    probability per year.
    """
    q = float(detection)
    if not 0.0 <= q <= 1.0:
        raise RecloopInputError([f"halt.detection: must be in [0, 1] probability/yr, got {detection!r}"])
    mon = policy.monitoring.model_copy(update=dict(detection="rate", registered_share=1.0, telemetry_tpr=q,
                                                   accounting_rate_per_year=0.0, base_rate_per_year=0.0))
    return policy.model_copy(update={"monitoring": mon})


def regime_policy(regime: str, p: EngineHalt | None = None, *, detection: float | None = None,
                  members: Sequence[str] = ("US",)):
    """The policy of one regime of the worked study (``none``, ``monitoring``, ``reciprocity``)."""
    from recloop.policy import Policy

    p = p if p is not None else EngineHalt()
    if regime not in REGIMES:
        raise RecloopInputError([f"halt.regime: must be one of {', '.join(REGIMES)}, got {regime!r}"])
    data: dict = {"name": f"halt-{regime}", "tripwires": [_TRIPWIRE],
                  "stop": {"latency_days": 30.0, "reliability": 0.7},
                  "compliance": {"fixed_cost": p.compliance_fixed_cost},
                  # no channel finds anything unless the regime monitors
                  "monitoring": {"detection": "rate", "base_rate_per_year": 0.0}}
    if regime != "none":
        data["treaty"] = {"name": "halt-treaty", "members": list(members), "sanction_cost": p.sanction,
                          "sanction_supply_cut": p.supply_cut if regime == "reciprocity" else 0.0}
    pol = Policy.model_validate(data)
    if regime != "none":
        pol = with_detection(pol, p.detection if detection is None else detection)
    return pol


# per-run outcome columns, cached: profiles that cannot read a lever need not be rerun
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 512


def clear_cache() -> None:
    """Forget the cached engine runs."""
    _CACHE.clear()


class EnginePayoffSource(PayoffSource):
    """Payoffs of the chosen actors' strategy profiles, from worlds simulated by the engine.

    ``scenario`` must declare ``[[actors]]``; ``actors`` names the players (the others keep
    their scenario or policy strategy); ``strategies`` is one list for every player or one list
    per player, in the engine's names (:data:`recloop.policy.STRATEGIES`) or the short names
    ``pause`` and ``conditional``. ``stakes`` (actor -> stake) overrides ``payoff.stake``.
    Each profile is one :func:`~recloop.engine.simulate` call of ``samples`` worlds over
    ``payoff.years`` with the seed derived from the table's seed: the same for every profile.
    """

    def __init__(self, scenario, policy, *, actors: Sequence[str], strategies: Sequence,
                 payoff: EngineHalt | None = None, stakes: Mapping[str, float] | None = None,
                 samples: int = 500, where: str = "halt"):
        from recloop.policy import STRATEGIES, check_against

        self.scenario, self.policy = scenario, policy
        self.p = payoff if payoff is not None else EngineHalt()
        self.samples = int(samples)
        problems = []
        names = [a.name for a in scenario.actors]
        actors = [str(a) for a in actors]
        if not names:
            problems.append(f"{where}.scenario: '{scenario.name}' declares no [[actors]]; "
                            "the engine game needs a scenario with actors (e.g. two-firm)")
        else:
            for a in actors:
                if a not in names:
                    problems.append(f"{where}.actors: unknown actor {a!r}; scenario actors: {', '.join(names)}")
            if len(set(actors)) != len(actors):
                problems.append(f"{where}.actors: an actor is named twice in {', '.join(actors)}")
        if len(actors) < 1:
            problems.append(f"{where}.actors: name at least one actor")
        per = [list(strategies)] * len(actors) if strategies and isinstance(strategies[0], str) else \
            [list(s) for s in strategies]
        if len(per) != len(actors):
            problems.append(f"{where}.strategies: one strategy list per actor ({len(actors)}), got {len(per)}")
        allowed = ", ".join(list(STRATEGIES) + [f"{k} (= {v})" for k, v in ALIASES.items()])
        for s in {x for lst in per for x in lst}:
            if engine_strategy(s) not in STRATEGIES:
                problems.append(f"{where}.strategies: unknown strategy {s!r}; allowed: {allowed}")
        for lst in per:
            if len({engine_strategy(x) for x in lst}) != len(lst) or not lst:
                problems.append(f"{where}.strategies: each player needs distinct strategies, got {', '.join(lst)}")
                break
        stakes = dict(stakes or {})
        for a, v in stakes.items():
            if a not in actors:
                problems.append(f"{where}.stakes: unknown actor {a!r}; players: {', '.join(actors)}")
            elif not 0.0 <= float(v) <= 100.0:
                problems.append(f"{where}.stakes.{a}: must be in [0, 100], got {v!r}")
        if problems:
            raise RecloopInputError(problems)
        check_against(policy, scenario)
        self._players = tuple(actors)
        self._strategies = tuple(tuple(lst) for lst in per)
        self.stakes = np.array([float(stakes.get(a, self.p.stake)) for a in actors])
        members = set(policy.treaty.members) if policy.treaty is not None else set()
        self._members = {a.name for a in scenario.actors if a.jurisdiction in members}
        self._scenario_key = hashlib.sha1(scenario.model_dump_json().encode()).hexdigest()

    @property
    def players(self):
        return self._players

    @property
    def strategies(self):
        return self._strategies

    # ------------------------------------------------------------------ engine runs
    def _policy_for(self, profile):
        strat = dict(self.policy.strategies)
        strat.update({a: engine_strategy(s) for a, s in zip(self._players, profile)})
        return self.policy.model_copy(update={"strategies": strat})

    def _key(self, policy, seed_int):
        # Only a declared defector (covert, or comply when it defects) or a treaty member that
        # races (an open breach, found by monitoring and sanctioned) reads monitoring and the
        # fine; without one the run does not depend on them and a cached run is reused.
        everyone = [policy.strategies.get(a.name, a.strategy) for a in self.scenario.actors]
        reads_levers = any(s in ("covert", "comply", "race") for s in everyone)
        drop = None if reads_levers else {"monitoring": True, "treaty": {"sanction_cost", "sanction_supply_cut"}}
        pol = policy.model_dump_json(exclude=drop) if drop else policy.model_dump_json()
        return (self._scenario_key, hashlib.sha1(pol.encode()).hexdigest(), self.samples,
                float(self.p.years), seed_int)

    def outcomes(self, profile: tuple[str, ...], seed) -> dict[str, np.ndarray]:
        """The engine's outcome columns this payoff reads, for one profile (cached per run)."""
        from recloop.engine import simulate

        ss = normalise_seed(seed)
        seed_int = int(ss.generate_state(1, np.uint64)[0] & np.uint64(0x7FFF_FFFF_FFFF_FFFF))
        policy = self._policy_for(profile)
        key = self._key(policy, seed_int)
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        res = simulate(self.scenario, policy, years=self.p.years, samples=self.samples, seed=seed_int)
        o = res.outcomes
        cols = {"p_catastrophe": np.asarray(o["p_catastrophe"], float)}
        for a in self._players:
            for q in ("mean_share", "compliance_cost", "detected"):
                cols[f"actor_{q}_{a}"] = np.asarray(o[f"actor_{q}_{a}"], float)
        _CACHE[key] = cols
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
        return cols

    def breach_probability(self) -> float:
        """P(a treaty member's open race is found): 1 - (1 - q)^breach_years, q per year."""
        from recloop.governance.monitoring import detection_per_period

        if self.policy.treaty is None:
            return 0.0
        m = self.policy.monitoring
        p = float(detection_per_period(m.reference_cluster_flops, registered_share=m.registered_share,
                                       telemetry_tpr=m.telemetry_tpr, accounting_rate_per_year=m.accounting_rate_per_year,
                                       base_rate_per_year=m.base_rate_per_year, period_years=m.period_years))
        q_year = 1.0 - (1.0 - p) ** (1.0 / m.period_years)
        return float(1.0 - (1.0 - q_year) ** self.p.breach_years)

    def payoff_parts(self, profile: tuple[str, ...], seed) -> dict[str, np.ndarray]:
        """Per-sample payoff components, each ``(samples, players)``: market, catastrophe, sanction."""
        o = self.outcomes(tuple(profile), seed)
        H = self.p.years
        pc = np.nan_to_num(o["p_catastrophe"], nan=0.0)
        treaty = self.policy.treaty
        sanction = treaty.sanction_cost if treaty is not None else 0.0
        breach = sanction * self.breach_probability()
        market, cat, sanc = [], [], []
        for k, (a, s) in enumerate(zip(self._players, profile)):
            share = np.nan_to_num(o[f"actor_mean_share_{a}"], nan=0.0)
            cost = np.nan_to_num(o[f"actor_compliance_cost_{a}"], nan=0.0)
            market.append(H * share * (1.0 - cost))
            cat.append(self.stakes[k] * self.p.catastrophe_loss * pc)
            fine = sanction * np.nan_to_num(o[f"actor_detected_{a}"], nan=0.0)
            if engine_strategy(s) == "race" and a in self._members:
                fine = fine + breach
            sanc.append(fine)
        return {"market": np.stack(market, axis=1), "catastrophe": np.stack(cat, axis=1),
                "sanction": np.stack(sanc, axis=1)}

    def simulate_profile(self, profile, seed):
        parts = self.payoff_parts(tuple(profile), seed)
        return parts["market"] - parts["catastrophe"] - parts["sanction"]

    def table(self, *, seed=0, keep_samples: bool = True) -> PayoffTable:
        return estimate_table(self.simulate_profile, self.strategies, seed=seed, players=self.players,
                              keep_samples=keep_samples)


def regime_source(regime: str, p: EngineHalt | None = None, *, scenario=None,
                  actors: Sequence[str] = ("frontier-a", "frontier-b"), strategies: Sequence[str] | None = None,
                  detection: float | None = None, samples: int = 500) -> EnginePayoffSource:
    """The payoff source of one regime of the worked study on a scenario (default ``two-firm``)."""
    from recloop.scenario import load_scenario

    p = p if p is not None else EngineHalt()
    scenario = load_scenario("two-firm") if scenario is None else scenario
    juris = sorted({a.jurisdiction for a in scenario.actors if a.name in set(actors)}) or ["US"]
    pol = regime_policy(regime, p, detection=detection, members=juris)
    return EnginePayoffSource(scenario, pol, actors=actors,
                              strategies=list(strategies or REGIME_STRATEGIES[regime]), payoff=p, samples=samples)


def _target(regime: str, strategies: Sequence[str]) -> tuple[str, str] | None:
    """The both-pause profile whose stability a regime asks about, among ``strategies``.

    Without reciprocity: both pause (``pause``/``unilateral_pause``, else ``comply``). With it:
    both pause conditionally (mutual conditional commitment: the engine's ``conditional_pause``
    pauses when its halt is called and the other pauses or is conditional itself, and resumes
    when the other is seen racing or found defecting).
    """
    eng = {engine_strategy(s): s for s in strategies}
    if regime == "reciprocity" and "conditional_pause" in eng:
        return (eng["conditional_pause"], eng["conditional_pause"])
    for s in ("unilateral_pause", "comply"):
        if s in eng:
            return (eng[s], eng[s])
    return None


def study(scenario, p: EngineHalt | None = None, *, actors: Sequence[str], strategies: Sequence[str],
          samples: int = 500, seed: int = 0, lever_points: int = 11, lever_tol: float = 0.005) -> dict:
    """The three regimes of the halt study on ``scenario``, as a JSON-ready dict.

    ``none`` and ``monitoring`` offer ``strategies`` without ``conditional``; ``reciprocity``
    (only when ``conditional`` is chosen) offers all of them. For each: the payoff table (with
    standard errors), the pure equilibria, whether the target both-pause profile is a Nash
    equilibrium (its margin with a paired standard error) and, with monitoring, the smallest
    detection probability per year that makes it one (:func:`recloop.games.design.minimal_lever`,
    range at +-2 standard errors).
    """
    from recloop.games import design
    from recloop.games.equilibria import mixed_nash, nash_margin, pure_nash, welfare_report

    p = p if p is not None else EngineHalt()
    chosen = list(strategies)
    juris = sorted({a.jurisdiction for a in scenario.actors if a.name in set(actors)}) or ["US"]
    base = [s for s in chosen if engine_strategy(s) != "conditional_pause"]
    with_cond = any(engine_strategy(s) == "conditional_pause" for s in chosen)
    # validate names once, with one line per problem (field paths)
    EnginePayoffSource(scenario, regime_policy("none", p), actors=actors, strategies=chosen, payoff=p, samples=samples)
    out: dict = {"scenario": scenario.name, "actors": list(actors), "samples": samples, "seed": seed,
                 "inputs": p.model_dump(), "regimes": {}}
    for regime in REGIMES:
        strat = chosen if regime == "reciprocity" else base
        if (regime == "reciprocity" and not with_cond) or len(strat) < 1:
            continue

        def source(q: float | None, regime=regime, strat=strat) -> EnginePayoffSource:
            return EnginePayoffSource(scenario, regime_policy(regime, p, detection=q, members=juris), actors=actors,
                                      strategies=strat, payoff=p, samples=samples)

        src = source(None)
        t = src.table(seed=seed)
        target = _target(regime, strat)
        row: dict = {"strategies": list(strat), "target": None if target is None else list(target),
                     "pure_equilibria": [e.describe(t)["play"] for e in pure_nash(t)],
                     "welfare": welfare_report(t, mixed_nash(t)) if t.n_players == 2 else None,
                     "breach_probability": src.breach_probability(),
                     "pause_is_equilibrium": None, "margin": None, "margin_se": None, "min_detection": None,
                     "table": t.to_dict()}
        if target is not None:
            m = nash_margin(t, target)
            row.update(pause_is_equilibrium=m.holds(), margin=m.value + 0.0, margin_se=m.se)
            if regime != "none":
                res = design.minimal_lever(lambda q, src_of=source: src_of(q).table(seed=seed),  # type: ignore[misc]
                                           target,
                                           lo=0.0, hi=1.0, points=lever_points, tol=lever_tol)
                row["min_detection"] = {"value": res.value, "low": res.low, "high": res.high, "z": res.z}
        out["regimes"][regime] = row
    return out


def figures(out, *, samples: int = 2000, seed: int = 0) -> dict:
    """The engine study's figures (docs/games.md): ``python -m recloop.games.engine_source [OUTDIR]``.

    Writes ``games-engine-halt.png`` (equilibrium margin of the target profile against the
    detection probability, per regime, +-2 paired standard errors) and
    ``games-engine-payoffs.png`` (the payoff tables without monitoring and with it at the
    declared detection); returns the study dict.
    """
    from pathlib import Path

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from recloop.games.equilibria import nash_margin
    from recloop.scenario import load_scenario

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sc = load_scenario("two-firm")
    p = EngineHalt()
    actors = [a.name for a in sc.actors[:2]]
    res = study(sc, p, actors=actors, strategies=["race", "pause", "conditional"], samples=samples, seed=seed,
                lever_points=21, lever_tol=0.002)
    qs = np.linspace(0.0, 1.0, 41)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for (regime, label), col in zip([("none", "no monitoring"), ("monitoring", "monitoring + fine"),
                                     ("reciprocity", "monitoring + reciprocity")], ["C0", "C1", "C2"]):
        r = res["regimes"][regime]
        target = tuple(r["target"])
        ms = []
        for q in qs:
            src = regime_source(regime, p, scenario=sc, actors=actors, detection=q, samples=samples,
                                strategies=r["strategies"])
            m = nash_margin(src.table(seed=seed), target)
            ms.append((m.value, m.se))
        margins = np.array(ms)
        ax.plot(qs, margins[:, 0], color=col, label=f"{label}: {'/'.join(target)}")
        ax.fill_between(qs, margins[:, 0] - 2 * margins[:, 1], margins[:, 0] + 2 * margins[:, 1], color=col, alpha=0.2)
        lev = r["min_detection"]
        if lev and lev["value"] is not None:
            ax.axvline(lev["value"], color=col, ls="--", lw=0.8)
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xlabel("detection probability per year (compute monitoring)")
    ax.set_ylabel("equilibrium margin (market-share-years)")
    ax.set_title(f"Two-firm halt game on the engine ({samples} worlds/profile, CRN, ±2 se)", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(out / "games-engine-halt.png", dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, regime, q in [(axes[0], "none", None), (axes[1], "monitoring", p.detection)]:
        src = regime_source(regime, p, scenario=sc, actors=actors, detection=q, samples=samples)
        t = src.table(seed=seed)
        labels = ["/".join(t.names(i)) for i in t.profiles()]
        x = np.arange(len(labels))
        for k, (name, col) in enumerate(zip(t.players, ["C0", "C3"])):
            v = [t.values[i + (k,)] for i in t.profiles()]
            e = [0.0 if t.se is None else 2 * t.se[i + (k,)] for i in t.profiles()]
            ax.bar(x + (k - 0.5) * 0.38, v, 0.38, yerr=e, color=col, label=name, capsize=3)
        ax.set_xticks(x, labels)
        ax.axhline(0, color="k", lw=0.6)
        ax.set_title(f"{regime}" + ("" if q is None else f" (detection {q:g}/yr, fine {p.sanction:g})"), fontsize=10)
    axes[0].set_ylabel("payoff (market-share-years over 20 yr)")
    axes[0].legend(fontsize=8)
    fig.suptitle("Payoffs from simulated worlds (row/column profile; ±2 se)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "games-engine-payoffs.png", dpi=110)
    plt.close(fig)
    return res


if __name__ == "__main__":  # pragma: no cover - regenerates the docs' figures
    import json
    import sys

    result = figures(sys.argv[1] if len(sys.argv) > 1 else "docs/figures")
    print(json.dumps({r: {k: v for k, v in x.items() if k not in ("table", "welfare")}
                      for r, x in result["regimes"].items()}, indent=1, default=float))


# ---------------------------------------------------------------------------- weights as uncertainties
_ASSUME = "assumption (no published estimate); sampled wide"


class EngineHaltUncertainty(Block):
    """The engine game's payoff weights as declared uncertainties (issue 16 item 6).

    Catastrophe loss, stake and sanction enter the payoff linearly and (for the strategies race,
    pause and conditional) the engine's runs do not read them, so each draw reweights the same
    simulated worlds: no rerun. A field given as a number is held fixed.
    """

    catastrophe_loss: Uncertain = param(LogUniform(dist="loguniform", low=1.0, high=1000.0), unit="market-share-years",
                                        bounds=(0.0, 1e6), log=True,
                                        doc="Disutility of a catastrophe to an actor with stake 1.", source=_ASSUME)
    stake: Uncertain = param(LogUniform(dist="loguniform", low=0.1, high=10.0), unit="1", bounds=(0.0, 100.0),
                             doc="Weight of the catastrophe in each chosen actor's payoff.", source=_ASSUME)
    sanction: Uncertain = param(LogUniform(dist="loguniform", low=0.1, high=40.0), unit="market-share-years",
                                bounds=(0.0, 1e6), doc="Fine paid by a detected defector or a found breach.", source=_ASSUME)


def study_over_uncertainty(scenario, p: EngineHalt | None = None, u: EngineHaltUncertainty | None = None, *,
                           actors: Sequence[str], strategies: Sequence[str], samples: int = 500, seed: int = 0,
                           draws: int = 2000, tol: float = 1e-12) -> dict:
    """Per regime, the share of weight draws in which the target profile is a Nash equilibrium
    (Wilson interval over draws), on one set of simulated worlds per profile.

    Each profile's payoff components (market, catastrophe, sanction; :meth:`EnginePayoffSource.payoff_parts`)
    are averaged once at the declared weights ``p``; draw j rescales the catastrophe part by
    ``(loss_j * stake_j) / (p.catastrophe_loss * p.stake)`` and the sanction part by
    ``sanction_j / p.sanction``. The sanction is held at ``p.sanction`` (and said so) when an actor
    plays ``comply`` or ``covert``, whose decisions in the engine read it.
    """
    from recloop.games.equilibria import nash_margin
    from recloop.outcomes import wilson
    from recloop.sampling import normalize_seed, stream_id, uniform

    p = p if p is not None else EngineHalt()
    u = u if u is not None else EngineHaltUncertainty()
    idx = np.arange(int(draws), dtype=np.int64)
    s0 = normalize_seed(seed)
    W = {}
    for name in EngineHaltUncertainty.model_fields:
        v = getattr(u, name)
        W[name] = (np.full(idx.size, float(v)) if isinstance(v, (int, float))
                   else np.asarray(v.ppf(uniform(s0, idx, stream_id("engine-halt-weight:" + name))), dtype=float))
    chosen = list(strategies)
    reads = {engine_strategy(s) for s in chosen} & {"comply", "covert"} or any(
        a.strategy in ("comply", "covert") for a in scenario.actors if a.name not in set(actors))
    notes = []
    if reads:
        W["sanction"] = np.full(idx.size, p.sanction)
        notes.append("sanction held at its declared value: an actor plays comply or covert, whose engine decisions read it")
    juris = sorted({a.jurisdiction for a in scenario.actors if a.name in set(actors)}) or ["US"]
    base = [s for s in chosen if engine_strategy(s) != "conditional_pause"]
    with_cond = any(engine_strategy(s) == "conditional_pause" for s in chosen)
    cat_scale = (W["catastrophe_loss"] * W["stake"]) / max(p.catastrophe_loss * p.stake, 1e-300)
    san_scale = W["sanction"] / p.sanction if p.sanction > 0 else np.ones(idx.size)
    if p.sanction <= 0:
        notes.append("sanction not rescaled: the declared sanction is 0")
    out: dict = {"scenario": scenario.name, "actors": list(actors), "samples": samples, "seed": seed, "draws": int(draws),
                 "confidence": 0.95, "inputs": u.model_dump(mode="json"), "notes": notes, "regimes": {}}
    for regime in REGIMES:
        strat = chosen if regime == "reciprocity" else base
        if (regime == "reciprocity" and not with_cond) or not strat:
            continue
        target = _target(regime, strat)
        if target is None:
            continue
        src = EnginePayoffSource(scenario, regime_policy(regime, p, members=juris), actors=actors, strategies=strat,
                                 payoff=p, samples=samples)
        shape = tuple(len(s) for s in src.strategies) + (len(src.players),)
        M, C, S = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        sub = normalise_seed(seed)
        for prof in np.ndindex(*shape[:-1]):
            names = tuple(src.strategies[k][i] for k, i in enumerate(prof))
            parts = src.payoff_parts(names, sub)
            M[prof], C[prof], S[prof] = (parts[k].mean(axis=0) for k in ("market", "catastrophe", "sanction"))
        margins = np.empty(idx.size)
        for j in range(idx.size):
            t = PayoffTable(src.strategies, M - cat_scale[j] * C - san_scale[j] * S, players=src.players)
            margins[j] = nash_margin(t, target).value
        eq = margins >= -tol
        lo, hi = wilson(int(eq.sum()), idx.size)
        strict = margins > tol
        slo, shi = wilson(int(strict.sum()), idx.size)
        drivers = {}
        for k_, v in W.items():
            if np.ptp(v) == 0:
                continue
            a, b = np.quantile(v, [1 / 3, 2 / 3])
            drivers[k_] = {"low_third": float(eq[v <= a].mean()), "high_third": float(eq[v >= b].mean())}
        out["regimes"][regime] = {"target": list(target), "share_pause_equilibrium": float(eq.mean()), "interval": [lo, hi],
                                  "share_strict": float(strict.mean()), "strict_interval": [slo, shi],
                                  "margin_median": float(np.median(margins)),
                                  "margin_p10_p90": [float(np.percentile(margins, 10)), float(np.percentile(margins, 90))],
                                  "drivers": drivers}
    return out

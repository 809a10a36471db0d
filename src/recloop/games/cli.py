"""Command-line commands of recloop.games (registered by :mod:`recloop.cli`): ``recloop game ...``.

Thin adapters: every number comes from the library functions; bad input is one ``error:`` line
on stderr and exit status 2.
"""

from __future__ import annotations

import json
from typing import Optional

import typer
from pydantic import ValidationError

from recloop.params import format_validation_error


def _fail(problems: list[str]) -> None:
    """One ``error:`` line per problem on stderr, exit status 2 (whether or not run via main())."""
    from recloop.cli import fail

    fail(problems)


def _build(model, prefix: str, **values):
    try:
        return model(**values)
    except ValidationError as err:
        _fail(format_validation_error(err, root=model, prefix=prefix))


def _record(name: str, inputs: dict, summary: dict) -> None:
    from recloop import store

    try:
        store.record_run(store.new_run_id("game"), kind="game", name=name, inputs=inputs, summary=summary)
    except Exception as err:  # the catalog is a convenience: never fail a computation over it  # noqa: BLE001
        typer.echo(f"warning: run not recorded in the catalog ({err})", err=True)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def abs2016(
    teams: int = typer.Option(2, "--teams", help="Number of teams racing (>= 2)."),
    enmity: float = typer.Option(0.5, "--enmity", help="Enmity e in [0, 1]."),
    mu: float = typer.Option(1.0, "--mu", help="Capability range mu (> 0): how much skill matters."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Armstrong, Bostrom & Shulman 2016: equilibrium safety and P(disaster) in three regimes."""
    from recloop.games import abs2016 as model

    p = _build(model.ABS2016, "abs2016", teams=teams, enmity=enmity, mu=mu)
    out = model.summary(p)
    _record("abs2016", out["inputs"], {r: out[r]["p_disaster"] for r in model.REGIMES})
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    typer.echo(f"ABS 2016 race: n={teams} teams, enmity e={enmity:g}, capability range mu={mu:g}")
    for r in model.REGIMES:
        typer.echo(f"  {r:15s} P(disaster) = {_fmt(out[r]['p_disaster'])}   ({out[r]['rule']})")


def han2020(
    p_risk: float = typer.Option(0.5, "--p-risk", help="p_r: disaster probability of UNSAFE, in [0, 1]."),
    p_detect: float = typer.Option(0.0, "--p-detect", help="p_fo: probability per round that UNSAFE play is found out (its round benefit goes to the rival), in [0, 1]."),
    race: str = typer.Option("short", "--race", help="short (W=100) or long (W=1e6)."),
    speed: float = typer.Option(1.5, "--speed", help="s: speed advantage of UNSAFE (>= 1)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Han, Pereira, Santos & Lenaerts 2020: zone boundaries and stationary distributions."""
    from recloop.games import han2020 as model

    if race not in model.RACES:
        _fail([f"han2020.race: must be one of {', '.join(model.RACES)}, got {race!r}"])
    p = _build(model.Han2020, "han2020", p_risk=p_risk, p_detect=p_detect, speed=speed,
               steps=model.RACES[race])
    out = model.summary(p)
    out["race"] = race
    _record("han2020", out["inputs"], {"zone": out["zone"], "stationary": out["stationary"]})
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    b = out["boundaries"]["large_population"]
    lim = out["boundaries"]["prize_dominant_limit"]
    typer.echo(f"Han et al. 2020 AI race ({race}: W={p.steps:g}), s={speed:g}, p_r={p_risk:g}, p_fo={p_detect:g}")
    typer.echo(f"  SAFE collectively preferred for p_r > {_fmt(b['collective'])}   (limit 1 - 1/s = {_fmt(lim['collective'])})")
    typer.echo(f"  SAFE favoured by selection for p_r > {_fmt(b['selection'])}   (limit 1 - 1/(3s) = {_fmt(lim['selection'])})")
    typer.echo(f"  zone at p_r={p_risk:g}: {out['zone']} ({model.ZONES[out['zone']]})")
    st = ", ".join(f"{k} {_fmt(v)}" for k, v in out["stationary"].items())
    st3 = ", ".join(f"{k} {_fmt(v)}" for k, v in out["stationary_with_conditional"].items())
    typer.echo(f"  stationary (Z={p.population}, beta={p.beta:g}): {st}")
    typer.echo(f"  with CONDITIONAL (recloop extension): {st3}")


def halt(
    scenario: Optional[str] = typer.Argument(None, help="Scenario with [[actors]] (bundled name or file, e.g. "
                                             "'two-firm'): the game on the simulation engine. Without it: the "
                                             "self-contained closed-form two-firm game."),
    actors: Optional[str] = typer.Option(None, "--actors", help="Comma-separated actor names (two; with a "
                                         "scenario, default its first two actors)."),
    strategies: str = typer.Option("race,pause,conditional", "--strategies",
                                   help="Comma-separated strategies: race, pause, conditional (and, with a "
                                   "scenario, the engine's unilateral_pause, conditional_pause, comply, covert)."),
    detection: Optional[float] = typer.Option(None, "--detection", help="Detection probability in [0, 1] (per year)."),
    sanction: Optional[float] = typer.Option(None, "--sanction", help="Sanction (annual market values; with a "
                                             "scenario, market-share-years)."),
    samples: int = typer.Option(500, "--samples", help="Worlds per strategy profile (with a scenario)."),
    seed: int = typer.Option(0, "--seed", help="Seed (with a scenario): every profile on the same worlds."),
    draws: int = typer.Option(2000, "--draws", help="Draws of the payoff weights (declared as uncertainties: "
                              "recloop.games.halt.HaltGameUncertainty, engine_source.EngineHaltUncertainty); 0: the "
                              "point game only."),
    lever_points: int = typer.Option(11, "--lever-points", help="With a scenario: detection probabilities "
                                     "scanned in [0, 1] for the smallest that makes pausing an equilibrium."),
    lever_tol: float = typer.Option(0.005, "--lever-tol", help="With a scenario: the bisection between scanned "
                                    "points stops at this width (detection probability)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Is pausing an equilibrium? Without monitoring, with monitoring, with monitoring + reciprocity;
    at the declared point and over draws of the uncertain payoff weights."""
    if isinstance(draws, bool) or not 0 <= draws <= 1_000_000:
        _fail([f"halt.draws: must be an integer in [0, 1,000,000], got {draws!r}"])
    if scenario is not None:
        _halt_engine(scenario, actors, strategies, detection, sanction, samples, seed, as_json, draws,
                     lever_points=lever_points, lever_tol=lever_tol)
        return
    from recloop.games import design
    from recloop.games import halt as model
    from recloop.games.equilibria import mixed_nash, nash_margin, pure_nash, welfare_report

    names = [a.strip() for a in (actors or "firm_a,firm_b").split(",") if a.strip()]
    if len(names) != 2:
        _fail([f"halt.actors: the two-firm game has two actors, got {len(names)}"])
    chosen = [s.strip() for s in strategies.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in ("race", "pause", "conditional")]
    if unknown or "pause" not in chosen or "race" not in chosen:
        _fail(["halt.strategies: choose among race, pause, conditional, "
                                 f"including race and pause; got {strategies!r}"])
    kw = {k: v for k, v in {"detection": detection, "sanction": sanction}.items() if v is not None}
    p = _build(model.HaltGame, "halt", **kw)
    out: dict = {"scenario": "self-contained two-firm game", "actors": names, "inputs": p.model_dump(), "regimes": {}}
    for regime in model.REGIMES:
        if regime == "reciprocity" and "conditional" not in chosen:
            continue
        t = model.regime_table(regime, p)
        t = type(t)(t.strategies, t.values, t.se, t.samples, tuple(names))
        target = ("conditional", "conditional") if regime == "reciprocity" else ("pause", "pause")
        m = nash_margin(t, target)
        eq = mixed_nash(t)
        lever = None
        if regime != "none":
            res = design.minimal_lever(lambda q, r=regime: model.regime_table(r, p, detection=q),  # type: ignore[misc]
                                       target,
                                       lo=0.0, hi=1.0)
            lever = res.value
        out["regimes"][regime] = {
            "target": list(target),
            "pause_is_equilibrium": m.holds(),
            "margin": m.value + 0.0,  # no negative zero on ties
            "pure_equilibria": [e.describe(t)["play"] for e in pure_nash(t)],
            "welfare": welfare_report(t, eq),
            "min_detection_for_pause": lever,
            "table": t.to_dict(),
        }
    if draws:
        out["over_uncertainty"] = model.equilibria_over_uncertainty(draws=draws, seed=seed)
    _record("halt", {"scenario": "two-firm", **out["inputs"]},
            {r: v["pause_is_equilibrium"] for r, v in out["regimes"].items()})
    if as_json:
        typer.echo(json.dumps(out, indent=2, default=float))
        return
    typer.echo(f"Two-firm halt game ({', '.join(names)}), detection={p.detection:g}, sanction={p.sanction:g}")
    for regime, r in out["regimes"].items():
        flip = "" if r["min_detection_for_pause"] is None else f"; needs detection >= {_fmt(r['min_detection_for_pause'])}"
        typer.echo(f"  {regime:12s} pause an equilibrium: {'yes' if r['pause_is_equilibrium'] else 'no'}"
                   f" (margin {_fmt(r['margin'])}){flip}")
    _print_uncertain(out.get("over_uncertainty"))


def _print_uncertain(u) -> None:
    if not u:
        return
    typer.echo(f"over {u['draws']:,} draws of the payoff weights (declared uncertainties, seed {u['seed']}):")
    for regime, r in u["regimes"].items():
        lo, hi = r["interval"]
        typer.echo(f"  {regime:12s} {'/'.join(r['target'])} an equilibrium in {r['share_pause_equilibrium']:.1%} of draws "
                   f"[{lo:.1%}, {hi:.1%}]; strict in {r['share_strict']:.1%}")
    for note in u.get("notes", []):
        typer.echo(f"  note: {note}")


def _halt_engine(scenario_name, actors, strategies, detection, sanction, samples, seed, as_json, draws=0, *,
                 lever_points=11, lever_tol=0.005) -> None:
    """``recloop game halt SCENARIO``: the three regimes with payoffs from the engine."""
    from recloop.games import engine_source as E
    from recloop.params import RecloopInputError
    from recloop.scenario import load_scenario

    problems = []
    if isinstance(samples, bool) or not 2 <= samples <= 1_000_000:
        problems.append(f"halt.samples: must be an integer in [2, 1,000,000], got {samples!r}")
    if seed < 0:
        problems.append(f"halt.seed: must be >= 0, got {seed}")
    if isinstance(lever_points, bool) or not 2 <= lever_points <= 1001:
        problems.append(f"halt.lever_points: must be an integer in [2, 1001], got {lever_points!r}")
    if not 0 < lever_tol < 1:
        problems.append(f"halt.lever_tol: must be in (0, 1), got {lever_tol!r}")
    if problems:
        _fail(problems)
    try:
        sc = load_scenario(scenario_name)
    except RecloopInputError as err:
        _fail(err.problems)
    if not sc.actors:
        _fail([f"halt.scenario: '{scenario_name}' declares no [[actors]]; the engine game needs actors "
               "(e.g. the bundled two-firm)"])
    names = ([a.strip() for a in actors.split(",") if a.strip()] if actors is not None
             else [a.name for a in sc.actors[:2]])
    if len(names) != 2:
        _fail([f"halt.actors: name two actors, got {len(names)} ({', '.join(names) or 'none'})"])
    chosen = [s.strip() for s in strategies.split(",") if s.strip()]
    kw = {k: v for k, v in {"detection": detection, "sanction": sanction}.items() if v is not None}
    p = _build(E.EngineHalt, "halt", **kw)
    try:
        out = E.study(sc, p, actors=names, strategies=chosen, samples=samples, seed=seed, lever_points=lever_points,
                      lever_tol=lever_tol)
        if draws:
            out["over_uncertainty"] = E.study_over_uncertainty(sc, p, actors=names, strategies=chosen, samples=samples,
                                                               seed=seed, draws=draws)
    except RecloopInputError as err:
        _fail(err.problems)
    _record("halt", {"scenario": sc.name, "actors": names, "strategies": chosen, "samples": samples,
                     "seed": seed, **out["inputs"]},
            {r: v["pause_is_equilibrium"] for r, v in out["regimes"].items()})
    if as_json:
        typer.echo(json.dumps(out, indent=2, default=float))
        return
    typer.echo(f"Halt game on the engine: scenario {sc.name}, {', '.join(names)}; {samples} worlds per profile, "
               f"seed {seed}, {p.years:g} years; detection={p.detection:g}/yr, sanction={p.sanction:g} share-years")
    for regime, r in out["regimes"].items():
        if r["target"] is None:
            typer.echo(f"  {regime:12s} no target profile among {', '.join(r['strategies'])}; "
                       f"pure equilibria: {r['pure_equilibria']}")
            continue
        lev = r["min_detection"]
        flip = ""
        if lev is not None:
            v = "none in [0, 1]" if lev["value"] is None else _fmt(lev["value"])
            lo = "-" if lev["low"] is None else _fmt(lev["low"])
            hi = "never" if lev["high"] is None else _fmt(lev["high"])
            flip = f"; needs detection >= {v} (range {lo} to {hi})"
        typer.echo(f"  {regime:12s} {'/'.join(r['target'])} an equilibrium: {'yes' if r['pause_is_equilibrium'] else 'no'}"
                   f" (margin {_fmt(r['margin'])} +- {_fmt(r['margin_se'])}){flip}")
    _print_uncertain(out.get("over_uncertainty"))


def register(app: typer.Typer) -> None:
    """Add the ``game`` sub-app (abs2016, han2020, halt) to the main app."""
    game = typer.Typer(name="game", help="Strategic analysis: race models and halt games.",
                       no_args_is_help=True)
    game.command("abs2016")(abs2016)
    game.command("han2020")(han2020)
    game.command("halt")(halt)
    app.add_typer(game, name="game")

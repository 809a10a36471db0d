"""recloop as an EMA Workbench model (the ``prim`` extra: ``pip install 'recloop[prim]'``).

The EMA Workbench (Kwakkel 2017, "The Exploratory Modeling Workbench", Environmental Modelling &
Software 96) speaks the field's vocabulary that recloop's types follow: *uncertainties* (what the
world is), *levers* (what policy chooses), *outcomes* (what we measure). :func:`ema_model` maps
recloop's onto it, so the Workbench's samplers (Monte Carlo, Latin hypercube, Sobol, full
factorial), its optimisers (many-objective search over levers) and its scenario discovery (PRIM
with quasi-p-values, CART, dimensional stacking) run on the recursion loop:

* uncertainties: the scenario's uncertain parameters (those given as distributions, or the paths
  named), each a ``RealParameter`` over the range the scenario's distribution spans (its support,
  clipped to the declared bounds); a parameter declared ``log=True`` is varied as ``log10_<name>``
  over the log10 of that range, so a uniform sampler draws it log-uniformly;
* levers: the policy's declared levers (default: every non-log real lever and every yes/no
  lever of :func:`recloop.policy.policy_specs`), over their declared bounds, around ``policy``;
* outcomes: ``ScalarOutcome`` per named outcome column of :mod:`recloop.outcomes`, censored dates
  at the horizon (as ``recloop sensitivity`` does); the kind (minimise / maximise / info) as asked.

EMA names must be Python identifiers: a parameter ``compute.growth_oom_per_year`` is the EMA
variable ``compute__growth_oom_per_year``. Each EMA experiment is one engine world on common
random numbers (the event draws of sample ``noise_sample``), so an outcome is a function of the
experiment's inputs alone, as EMA's optimisers and PRIM assume.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np

from recloop.params import ParamSpec, RecloopInputError

if TYPE_CHECKING:  # pragma: no cover
    from ema_workbench import Model

__all__ = ["DEFAULT_OUTCOMES", "ema_model", "ema_name", "salib_problem"]

#: Outcomes an EMA model reports unless told otherwise, with the direction a policy wants.
DEFAULT_OUTCOMES: dict[str, str] = {
    "p_catastrophe": "minimize",
    "unverified_takeoff": "minimize",
    "t_superhuman": "info",
    "takeoff_years": "info",
    "final_gap_oom": "minimize",
    "years_paused": "minimize",
}


def ema_name(path: str, *, log: bool = False) -> str:
    """The EMA variable name of a parameter path (an identifier; ``log10_`` for log-scale ones)."""
    return ("log10_" if log else "") + path.replace(".", "__").replace("-", "_")


def _require():
    try:
        import ema_workbench
    except ImportError:  # pragma: no cover - depends on the install
        raise RecloopInputError(["ema: needs the EMA Workbench; install it with pip install 'recloop[prim]'"]) from None
    return ema_workbench


def _range(spec: ParamSpec, value: Any) -> tuple[float, float]:
    if isinstance(value, (int, float)):  # a point value: vary it over its declared bounds
        if spec.bounds is None:
            raise RecloopInputError([f"uncertainties: '{spec.path}' has no declared bounds to vary it over"])
        return float(spec.bounds[0]), float(spec.bounds[1])
    lo, hi = value.support()
    if spec.bounds is not None:
        lo, hi = max(lo, spec.bounds[0]), min(hi, spec.bounds[1])
    return float(lo), float(hi)


def _real(ema, spec: ParamSpec, lo: float, hi: float):
    if spec.log:
        if lo <= 0:
            raise RecloopInputError([f"{spec.path}: a log-scale parameter needs a positive range, got [{lo:g}, {hi:g}]"])
        return ema.RealParameter(ema_name(spec.path, log=True), math.log10(lo), math.log10(hi))
    return ema.RealParameter(ema_name(spec.path), lo, hi)


def ema_model(scenario, policy=None, *, uncertainties: Iterable[str] | None = None,
              levers: Iterable[str] | None = None, outcomes: dict[str, str] | Iterable[str] | None = None,
              years: float = 30.0, seed: int = 0, noise_sample: int = 0, name: str = "recloop") -> Model:
    """An ``ema_workbench.Model`` of ``scenario`` under ``policy`` (see the module docstring).

    ``outcomes``: names, or name -> "minimize" / "maximize" / "info"; default :data:`DEFAULT_OUTCOMES`.
    """
    ema = _require()
    from recloop.analysis.common import check_outcome, fixed_parameters
    from recloop.policy import NoHalt, Policy, check_against, policy_specs
    from recloop.scenario import scenario_specs

    policy = NoHalt() if policy is None else policy
    uspecs = {s.path: s for s in scenario_specs()}
    lspecs = {s.path: s for s in policy_specs()}
    problems = []
    unames = list(uncertainties) if uncertainties is not None else scenario.uncertain_paths()
    for p in unames:
        if p not in uspecs:
            problems.append(f"uncertainties: unknown scenario parameter '{p}'")
    if levers is None:
        lnames = [p for p, s in lspecs.items() if (isinstance(s.default, bool) or (s.bounds is not None and not s.log))]
    else:
        lnames = list(levers)
        problems += [f"levers: unknown policy lever '{p}'" for p in lnames if p not in lspecs]
    kinds = dict(outcomes) if isinstance(outcomes, dict) else (
        {o: "info" for o in outcomes} if outcomes is not None else dict(DEFAULT_OUTCOMES))
    for o, k in kinds.items():
        try:
            check_outcome(o, field="outcomes")
        except RecloopInputError as err:
            problems += err.problems
        if k not in ("minimize", "maximize", "info"):
            problems.append(f"outcomes.{o}: kind must be minimize, maximize or info, got {k!r}")
    if problems:
        raise RecloopInputError(problems)

    unc = [_real(ema, uspecs[p], *_range(uspecs[p], scenario.value(p))) for p in unames]
    lev = []
    for p in lnames:
        s = lspecs[p]
        if isinstance(s.default, bool):
            lev.append(ema.BooleanParameter(ema_name(p)))
        elif s.bounds is not None:
            lev.append(_real(ema, s, *s.bounds))
        else:
            raise RecloopInputError([f"levers: '{p}' has no declared bounds to vary it over"])
    paths = {ema_name(p, log=uspecs[p].log): (p, uspecs[p].log) for p in unames}
    paths.update({ema_name(p, log=lspecs[p].log): (p, lspecs[p].log) for p in lnames})
    base = fixed_parameters(scenario)
    policy_data = policy.model_dump(mode="json")
    times = np.arange(0.0, years + 1e-9, 0.25)
    index = np.array([noise_sample], dtype=np.int64)

    def run(**kw) -> dict[str, float]:
        from recloop.analysis.common import censor
        from recloop.engine import simulate_chunk

        P = dict(base)
        pol = {k: (dict(v) if isinstance(v, dict) else v) for k, v in policy_data.items()}
        for key, value in kw.items():
            path, log = paths[key]
            v = 10.0 ** value if log else value
            if path in uspecs:
                P[path] = float(v)
            else:
                block, field = path.split(".", 1)
                pol[block][field] = bool(v) if isinstance(lspecs[path].default, bool) else float(v)
        pobj = Policy.model_validate(pol)
        check_against(pobj, scenario)
        out, _ = simulate_chunk(scenario, pobj, index, seed, years=years, times=times,
                                params={k: np.array([v], dtype=np.float64) for k, v in P.items()})
        return {o: float(censor(o, np.asarray(out[o], dtype=np.float64), years, field="outcomes")[0][0]) for o in kinds}

    model = ema.Model(name, function=run)
    model.uncertainties = unc
    model.levers = lev
    kind_of = {"minimize": ema.ScalarOutcome.MINIMIZE, "maximize": ema.ScalarOutcome.MAXIMIZE,
               "info": ema.ScalarOutcome.INFO}
    model.outcomes = [ema.ScalarOutcome(o, kind=kind_of[k]) for o, k in kinds.items()]
    return model


def salib_problem(scenario, params: list[str] | None = None) -> dict[str, Any]:
    """SALib's problem dict of what ``recloop sensitivity`` varies: the scenario's uncertain
    parameters (or ``params``) over their declared bounds; a log-scale parameter's bounds are
    log10 of its declared ones (the design is raised to the power of ten before it runs)."""
    from recloop.analysis.sensitivity import _problem, scenario_factors

    factors = scenario_factors(scenario, params, space="bounds")  # SALib samples bounds, not recloop's copula
    problem = _problem(factors)
    problem["log10"] = [f.log for f in factors]  # recloop's own key; SALib ignores keys it does not use
    return problem

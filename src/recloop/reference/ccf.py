"""Davidson (2023), "What a compute-centric framework says about takeoff speeds" (Open
Philanthropy; interactive model takeoffspeeds.com, code github.com/epoch-research/ftm, read for
the method only): the core of the model as a reference preset, vectorised over samples.

The core kept here (report, Part 1 and the takeoffspeeds.com "How the model works" page):

- *Effective compute* = physical hardware (FLOP/yr) x software efficiency; the largest training
  run is a growing fraction of it.
- *Task automation from training requirements.* A task is automatable once the largest training
  run reaches its requirement. Requirements are spread log-linearly between quantiles set by the
  full-automation requirement ``T`` and the FLOP gap ``G`` (the run that automates 20% of tasks is
  ``T / G``; 50% at ``T / G^(4/7)``; 10%, 5%, 0% at ``T / G^(8.5/7, 9.5/7, 10.5/7)``). R&D tasks
  need ``goods_vs_rnd`` times less. Running an automated task costs runtime FLOP per human-year,
  spread the same way with its own gap.
- *Runtime/training trade-off* (takeoffspeeds.com best guess: on, exponent 1.5, at most 30x). A
  task whose training requirement is ``r`` can be done by the current largest run ``R`` once
  ``r < 30 R``, at runtime cost ``runtime(r) (r / R)^1.5`` (never below 1 FLOP per human-year):
  an under-trained model thinks longer, an over-trained one less. Each task then has its own
  runtime cost, so labour and compute are allocated over a grid of ``tasks`` equally weighted tasks
  (100, as published) with the closed form in ``allocate`` (derived below, not the published
  solver). With the trade-off off (``runtime_training_tradeoff = 0``) the core is the pooled one
  of simplification 1, unchanged.
- *Production.* Goods, hardware R&D and software R&D each combine a non-cognitive input (capital;
  for software R&D, experiment compute ``hardware^0.4``) with cognitive output by an outer CES;
  cognitive output is a CES (substitution parameter -0.5) over equally weighted tasks, done by
  human labour or, once automatable, by AI compute. Weights are set so the initial shares match
  the report's (cognitive 50% of goods, 70% of hardware R&D; experiments 30% of software R&D).
- *R&D feedback.* Hardware price-performance and software grow semi-endogenously:
  ``X(t+dt)/X(t) = (I_cum(t+dt)/I_cum(t)) ** (returns/lambda * ceiling_penalty)`` with
  ``I_cum = sum (R&D input)^lambda dt`` (lambda: parallelisation penalty), the ceiling penalty
  falling linearly in log space to 0 at the ceiling. New chips use the price-performance of
  ``hardware_delay`` years earlier; hardware depreciates.
- *Investment.* The shares of GWP spent on compute, of compute on training, and of labour/compute
  on R&D grow exponentially to ceilings, faster after "wake-up" (6% of tasks automated); before
  wake-up training spending stops growing past $4B.

Every default and preset value is read from ``ftm_presets.toml`` beside this module, a copy of
the takeoffspeeds.com presets (epoch-research/ftm, website/src/js/presets.js, commit 99dc907).

Simplifications (stated; each is why recloop's figures may differ from takeoffspeeds.com):

1. *With the trade-off off: pooled allocation.* All automated tasks share one runtime cost, that
   of the marginal (hardest) automatable task; labour and AI labour are then allocated optimally
   over a continuum of equally weighted tasks in closed form: with ``a`` the automatable share,
   ``L`` labour and ``E`` AI labour (compute / runtime), output is ``L + E`` while
   ``E < a (L + E)``, else ``(a^(1-rho) E^rho + (1-a)^(1-rho) L^rho)^(1/rho)``.
2. *Automated share* (the headline's measure): the share of tasks AI compute performs in that
   allocation; pooled, ``min(a, E / (L + E))`` and "100%" is read as at least 99% (all but one of
   the published 100-task grid); on the task grid, the tasks where AI does more than 10x the
   labour input (as published) and "100%" is all of them.
3. No compute-only "task 0" (the published code's 1% compute share of cognitive work), no
   requirements steepness (best guess 0), TFP applied to final output only.

Headline (report, Part 0 summary; takeoffspeeds.com): years from 20% to 100% of tasks automated
(best guess "about 3 years"), years from 20% automation to AGI (100% automatable), date of 100%.
"""

from __future__ import annotations

import importlib.util
import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from recloop.params import Block, RecloopInputError, param
from recloop.reference._common import Pause, check_samples, normal_blocks

__all__ = ["CCFInputs", "CCFResult", "FTM_PRESETS", "PRESETS", "UNCERTAIN", "VARIANTS", "allocate", "automatable_fraction",
           "run", "simulate", "task_grid"]

_SRC = "Davidson 2023, 'What a compute-centric framework says about takeoff speeds' (Open Philanthropy)"


def _load_presets() -> dict:
    """The takeoffspeeds.com presets shipped with recloop (``ftm_presets.toml``)."""
    text = resources.files("recloop.reference").joinpath("ftm_presets.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


FTM_PRESETS = _load_presets()
_SOURCE = FTM_PRESETS["source"]
_WEB = (f"takeoffspeeds.com best guess ({_SOURCE['repository'].removeprefix('https://github.com/')}, "
        f"{_SOURCE['path']} at {_SOURCE['commit'][:7]}; recloop/reference/ftm_presets.toml)")
_CAL = f"Davidson 2023 best guess / conservative / aggressive ({_SOURCE['path']}; shared/CALIBRATION.md)"
_BG = FTM_PRESETS["best-guess"]

VARIANTS = ("best-guess", "conservative", "aggressive", "monte-carlo")
_SECONDS_PER_YEAR = 365 * 24 * 3600.0

# (automated share, OOMs of gap/7 below the full requirement): the report's requirements quantiles
_KNOT_Q = np.array([0.0, 0.05, 0.1, 0.2, 0.5, 1.0])
_KNOT_K = np.array([10.5, 9.5, 8.5, 7.0, 4.0, 0.0])

#: recloop field -> ftm parameter name (presets.js), for every field whose value comes from the file
FTM_NAMES = {
    "full_automation_flop": "full_automation_requirements_training",
    "flop_gap": "flop_gap_training",
    "software_returns": "software_returns",
    "parallelisation_penalty": "rnd_parallelization_penalty",
    "software_ceiling": "software_ceiling",
    "hardware_delay": "hardware_delay",
    "compute_depreciation": "compute_depreciation",
    "goods_vs_rnd_training": "goods_vs_rnd_requirements_training",
    "runtime_flop_per_second": "full_automation_requirements_runtime",
    "runtime_gap": "flop_gap_runtime",
    "goods_vs_rnd_runtime": "goods_vs_rnd_requirements_runtime",
    "runtime_training_tradeoff": "runtime_training_tradeoff",
    "runtime_training_max_tradeoff": "runtime_training_max_tradeoff",
    "labour_substitution": "labour_substitution_goods",
    "capital_substitution_goods": "capital_substitution_goods",
    "capital_substitution_rnd": "capital_substitution_rnd",
    "experiments_substitution": "research_experiments_substitution_software",
    "experiments_efficiency": "compute_software_rnd_experiments_efficiency",
    "hardware_returns": "hardware_returns",
    "hardware_ceiling": "hardware_performance_ceiling",
    "rampup_trigger": "rampup_trigger",
    "money_cap_training": "money_cap_training_before_wakeup",
}


def _bg(field: str) -> float:
    return float(_BG[FTM_NAMES[field]])


class CCFInputs(Block):
    """Parameters of the compute-centric framework core (defaults: the takeoffspeeds.com best
    guess, read from ``ftm_presets.toml``)."""

    # -- the seven parameters with published conservative/aggressive values (CALIBRATION.md)
    full_automation_flop: float = param(
        _bg("full_automation_flop"), unit="FLOP", bounds=(1e26, 1e45), log=True,
        doc="Effective training FLOP of the first AI that can automate 100% of cognitive tasks.",
        source=f"{_CAL} (1e36 / 1e40 / 1e33); {_WEB}")
    flop_gap: float = param(
        _bg("flop_gap"), unit="x", bounds=(1.0001, 1e12), log=True,
        doc="Ratio of the training requirement for 100% automation to that for 20%.",
        source=f"{_CAL} (1e4 / 1e8 / 10); {_WEB}")
    software_returns: float = param(
        _bg("software_returns"), unit="1", bounds=(0.05, 20.0), log=True,
        doc="Returns to software R&D: doublings of software per doubling of cumulative (penalised) R&D input.",
        source=f"{_CAL} (1.25 / 0.8 / 5); {_WEB}")
    parallelisation_penalty: float = param(
        _bg("parallelisation_penalty"), unit="1", bounds=(0.05, 1.0),
        doc="lambda: R&D input counts as input^lambda (parallel work duplicates effort).",
        source=f"{_CAL} (0.7 / 0.2 / 0.99); {_WEB}")
    software_ceiling: float = param(
        _bg("software_ceiling"), unit="x 2022 software", bounds=(10.0, 1e20), log=True,
        doc="Ceiling on software efficiency relative to 2022.",
        source=f"{_CAL} (1e12 / 1e8 / 1e16); {_WEB}")
    hardware_delay: float = param(
        _bg("hardware_delay"), unit="yr", bounds=(0.0, 5.0),
        doc="Delay between a hardware R&D advance and chips with it being bought.",
        source=f"{_CAL} (1 / 2.5 / 0.01); {_WEB}")
    compute_depreciation: float = param(
        _bg("compute_depreciation"), unit="1/yr", bounds=(0.0, 0.9),
        doc="Share of the hardware stock lost per year.",
        source=f"{_CAL} (0.2 / 0.1 / 0.3); {_WEB}")
    # -- fixed at the best guess
    goods_vs_rnd_training: float = param(
        _bg("goods_vs_rnd_training"), unit="x", bounds=(1.0, 1e4), log=True,
        doc="R&D tasks need this many times less training FLOP than goods tasks.", source=_WEB)
    runtime_flop_per_second: float = param(
        _bg("runtime_flop_per_second"), unit="FLOP/s", bounds=(1e7, 1e23), log=True,
        doc="Runtime FLOP/s for AI to do the work of one human on the hardest task (x seconds per year "
            "= FLOP per human-year).", source=_WEB)
    runtime_gap: float = param(
        _bg("runtime_gap"), unit="x", bounds=(1.0001, 1e6), log=True,
        doc="Runtime FLOP gap between the 100% and the 20% task.", source=_WEB)
    goods_vs_rnd_runtime: float = param(
        _bg("goods_vs_rnd_runtime"), unit="x", bounds=(1.0, 1e6), log=True,
        doc="R&D tasks need this many times less runtime FLOP than goods tasks.", source=_WEB)
    runtime_training_tradeoff: float = param(
        _bg("runtime_training_tradeoff"), unit="1", bounds=(0.0, 10.0),
        doc="Runtime/training trade-off exponent: a task needing training r runs on the largest run R at "
            "runtime(r) (r/R)^this. 0 turns the trade-off off (pooled core, simplification 1).", source=_WEB)
    runtime_training_max_tradeoff: float = param(
        _bg("runtime_training_max_tradeoff"), unit="x", bounds=(1.0, 1e6), log=True,
        doc="With the trade-off on, a task is automatable once its training requirement is below this "
            "many times the largest run.", source=_WEB)
    tasks: int = param(
        100, unit="tasks", bounds=(2, 10_000),
        doc="Equally weighted tasks per sector in the allocation when the trade-off is on.",
        source="epoch-research/ftm ftm/core/model.py (n_labour_tasks = 100)")
    labour_substitution: float = param(
        _bg("labour_substitution"), unit="rho", bounds=(-10.0, 0.99),
        doc="CES substitution parameter between tasks (goods and R&D; equal in all three presets).",
        source=_WEB)
    capital_substitution_goods: float = param(
        _bg("capital_substitution_goods"), unit="rho", bounds=(-10.0, 0.99),
        doc="CES substitution parameter between capital and cognitive output in goods.", source=_WEB)
    capital_substitution_rnd: float = param(
        _bg("capital_substitution_rnd"), unit="rho", bounds=(-10.0, 0.99),
        doc="Same for hardware R&D (multiplied by the parallelisation penalty, as published).", source=_WEB)
    experiments_substitution: float = param(
        _bg("experiments_substitution"), unit="rho", bounds=(-10.0, 0.99),
        doc="CES substitution parameter between experiment compute and cognitive output in software R&D.",
        source=_WEB)
    experiments_efficiency: float = param(
        _bg("experiments_efficiency"), unit="1", bounds=(0.0, 1.0),
        doc="Experiment compute for software R&D = hardware ** this.", source=_WEB)
    hardware_returns: float = param(
        _bg("hardware_returns"), unit="1", bounds=(0.1, 50.0), doc="Returns to hardware R&D.", source=_WEB)
    hardware_ceiling: float = param(
        _bg("hardware_ceiling"), unit="FLOP/$", bounds=(1e18, 1e40), log=True,
        doc="Ceiling on hardware price-performance.", source=_WEB)
    rampup_trigger: float = param(
        _bg("rampup_trigger"), unit="share of tasks", bounds=(0.0, 1.0),
        doc="Automated share at which investment in AI 'wakes up'.", source=_WEB)
    money_cap_training: float = param(
        _bg("money_cap_training"), unit="$ (2022)", bounds=(1e6, 1e15), log=True,
        doc="Before wake-up, the training share stops growing once a run costs this much.", source=_WEB)
    t_start: float = param(2022.0, unit="year", bounds=(2000.0, 2100.0), doc="First simulated year.",
                           source="epoch-research/ftm config.yml (t_start)")
    t_end: float = param(2100.0, unit="year", bounds=(2001.0, 2300.0), doc="Last simulated year.",
                         source="epoch-research/ftm config.yml (t_end)")
    t_step: float = param(0.1, unit="yr", bounds=(0.01, 1.0), doc="Fixed time step.",
                          source="epoch-research/ftm config.yml (t_step)")


#: preset values of the seven uncertain parameters (presets.js; the same as CALIBRATION.md)
UNCERTAIN = ("full_automation_flop", "flop_gap", "software_returns", "parallelisation_penalty",
             "software_ceiling", "hardware_delay", "compute_depreciation")
PRESETS: dict[str, dict[str, float]] = {
    v: {k: float(FTM_PRESETS[v][FTM_NAMES[k]]) for k in UNCERTAIN} for v in ("best-guess", "conservative", "aggressive")
}
_LOG = {"full_automation_flop", "flop_gap", "software_returns", "software_ceiling"}
_Z95 = 1.6448536269514722

# fixed initial conditions and investment paths (best guess; 2022 values), from the same file
_GWP0 = float(_BG["initial_gwp"])                                  # $
_POP0 = float(_BG["initial_population"])                           # workers
_RUN0 = float(_BG["initial_biggest_training_run"])                 # FLOP, largest training run
_HW_PROD0 = float(_BG["initial_hardware_production"])              # FLOP/yr of hardware produced
_BUYABLE0 = float(_BG["initial_buyable_hardware_performance"])     # FLOP/yr per $
_HW_STOCK_RATIO = float(_BG["ratio_hardware_to_initial_hardware_production"])
_CAPITAL_GROWTH0 = float(_BG["initial_capital_growth"])
_LABOUR_GROWTH = float(_BG["labour_growth"])
_TFP_GROWTH = float(_BG["tfp_growth"])
_CUM_RATIO = {"hw": float(_BG["ratio_initial_to_cumulative_input_hardware_rnd"]),
              "sw": float(_BG["ratio_initial_to_cumulative_input_software_rnd"])}
# initial income shares the production weights are set to match
_SHARE_CAPITAL_GOODS = 1.0 - float(_BG["initial_cognitive_share_goods"])
_SHARE_CAPITAL_HW = 1.0 - float(_BG["initial_cognitive_share_hardware_rnd"])
_SHARE_EXPERIMENTS_SW = float(_BG["initial_experiment_share_software_rnd"])
# not presets but constants of the published code (ftm/core/model.py): investment rate and the
# 2020 R&D shares of GWP that only set the scale of R&D inputs
_INVEST = 0.2
_RND_GWP = {"hw": 0.2e-2, "sw": 0.02e-2}


def _frac(key: str, ftm: str) -> tuple:
    init = _BG.get(f"initial_frac_{ftm}")
    return (None if init is None else float(init), float(_BG[f"frac_{ftm}_growth"]),
            float(_BG[f"frac_{ftm}_growth_rampup"]), float(_BG[f"frac_{ftm}_ceiling"]))


# (initial, growth, growth after wake-up, ceiling)
_FRACS = {
    "gwp_compute": _frac("gwp_compute", "gwp_compute"),
    "compute_training": _frac("compute_training", "compute_training"),
    "capital_hw": _frac("capital_hw", "capital_hardware_rnd"),
    "labour_hw": _frac("labour_hw", "labour_hardware_rnd"),
    "compute_hw": _frac("compute_hw", "compute_hardware_rnd"),
    "labour_sw": _frac("labour_sw", "labour_software_rnd"),
    "compute_sw": _frac("compute_sw", "compute_software_rnd"),
}


def automatable_fraction(log10_run, log10_top, log10_gap):
    """Share of tasks whose requirement is at most the run (log-linear between the report's
    quantiles of the requirements distribution). All arguments broadcast."""
    x = (np.asarray(log10_top) - np.asarray(log10_run)) * 7.0 / np.asarray(log10_gap)  # in gap/7 units
    return np.interp(-x, -_KNOT_K, _KNOT_Q)


def _runtime_at(a, log10_top, log10_gap):
    """log10 runtime requirement of the task at automatable share ``a`` (same quantile shape)."""
    k = np.interp(a, _KNOT_Q, _KNOT_K)
    return log10_top - k * log10_gap / 7.0


def _cognitive(labour, ai, a, rho):
    """Output of equally weighted tasks, labour on any task, AI labour only on the automatable
    share ``a``, allocated optimally (closed form; see the module docstring)."""
    pooled = labour + ai
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a_c = np.clip(a, 1e-12, 1.0)
        rest = np.clip(1.0 - a, 0.0, 1.0)
        split = (a_c ** (1 - rho) * np.maximum(ai, 1e-300) ** rho
                 + np.where(rest > 0, rest ** (1 - rho) * np.maximum(labour, 1e-300) ** rho, 0.0)) ** (1.0 / rho)
    scarce = ai < a * pooled
    out = np.where(a <= 0, labour, np.where(scarce, pooled, split))
    return out, np.where(a <= 0, 0.0, np.minimum(a, ai / pooled))


def allocate(labour, compute, log_eta, n_auto, rho):
    """Optimal split of labour ``L`` and compute ``C`` over ``N`` equally weighted tasks (CES with
    substitution parameter ``rho`` across tasks), task ``j`` producing ``l_j + eta_j c_j``.

    ``log_eta``: ``(n, N)`` natural log of compute's productivity per task (human-years per FLOP,
    1 / runtime cost), non-increasing along the task axis (harder tasks cost more); ``n_auto``:
    ``(n,)`` number of automatable tasks (the first ``n_auto`` may use compute). Returns cognitive
    output (in human-labour units: ``L`` when nothing is automatable) and the share of tasks where
    compute supplies more than 10x the labour input (the published measure of "automated").

    Closed form (recloop's derivation). With ``s = 1/(1-rho)`` the first-order conditions give: the
    tasks above a critical task ``m`` use labour only and all have the same input ``y``; task ``m``
    may mix; the tasks below use compute only with inputs ``y (eta_j/eta_m)^s``. The budgets then
    give ``y = (L + eta_m C) / D_m`` with ``D_m = N - m + eta_m^(1-s) Z_m``, ``Z_m = sum_{j<m}
    eta_j^(s-1)``, labour on task ``m`` ``L - (N-1-m) y`` and compute ``C - y eta_m^(-s) Z_m``, and
    output ``N^(1-1/rho) (L + eta_m C) D_m^(1/rho - 1)``. ``m`` is the first task whose labour is
    not negative. If its compute would be negative (the boundary falls between tasks), or if no
    automatable task qualifies (compute abundant), tasks below the boundary ``b`` use compute only
    and the rest labour only: output ``N (N^-1 (C^rho Z_b^(1-rho) + (N-b)^(1-rho) L^rho))^(1/rho)``.
    With one runtime cost for all automatable tasks this is the pooled closed form of
    ``_cognitive`` on an ``N``-task grid (tested)."""
    n, big_n = log_eta.shape
    s = 1.0 / (1.0 - rho)
    labour = np.asarray(labour, dtype=float)
    compute = np.asarray(compute, dtype=float)
    n_auto = np.asarray(n_auto)
    w = np.exp((s - 1.0) * log_eta)                      # eta_j^(s-1)
    z_in = np.cumsum(w, axis=1)                          # Z_(m+1)
    z = z_in - w                                         # Z_m
    eta = np.exp(log_eta)
    m = np.arange(big_n)
    d = (big_n - m) + z / w                              # D_m (eta_m^(1-s) = 1 / w_m)
    y = (labour[:, None] + eta * compute[:, None]) / d
    ok = (labour[:, None] - (big_n - 1 - m) * y >= 0) & (m < n_auto[:, None])
    has = ok.any(axis=1)
    first = ok.argmax(axis=1)
    rows = np.arange(n) * big_n
    at = rows + first
    y_m, eta_m, z_m, w_m, d_m = y.ravel()[at], eta.ravel()[at], z.ravel()[at], w.ravel()[at], d.ravel()[at]
    lab = labour - (big_n - 1 - first) * y_m
    comp = compute - y_m * z_m / (w_m * eta_m)           # eta_m^(-s) = 1 / (w_m eta_m)
    mixed = has & (comp >= 0)
    b = np.where(has, first, n_auto)
    z_b = z_in.ravel()[rows + np.maximum(b - 1, 0)]      # Z_b (b = 0: unused)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out_mixed = big_n ** (1 - 1 / rho) * (labour + eta_m * compute) * d_m ** (1 / rho - 1)
        rest = big_n - b
        inner = (np.where(b > 0, compute ** rho * z_b ** (1 - rho), 0.0)
                 + np.where(rest > 0, rest ** (1 - rho) * labour ** rho, 0.0))
        # no compute task: labour alone, exactly (the human-only economy)
        out_split = np.where(b > 0, big_n * (inner / big_n) ** (1 / rho), labour)
    out = np.where(mixed, out_mixed, out_split)
    count = np.where(mixed, first + (eta_m * comp > 10 * lab), b)
    return out, count / big_n


def _ces2(x, y, alpha, rho):
    return (alpha * x ** rho + (1 - alpha) * y ** rho) ** (1.0 / rho)


def _alpha(x0, y0, share_x, rho):
    """Weight on x so that x's income share is ``share_x`` at (x0, y0)."""
    odds = share_x / (1 - share_x) * (y0 / x0) ** rho
    return odds / (1 + odds)


@dataclass(frozen=True)
class Trajectory:
    """Per-sample milestone years (``nan``: not reached by ``t_end``)."""

    automation_20: np.ndarray      # automated share of goods tasks first >= 20%
    automation_100: np.ndarray     # ... >= 99% (one task of the published 100-task grid)
    sub_agi: np.ndarray            # automatable share >= 20%
    agi: np.ndarray                # automatable share = 100% (run >= full requirement)
    wake_up: np.ndarray
    paused: np.ndarray             # bool: a pause fired
    final_software: np.ndarray
    final_gwp: np.ndarray


def task_grid(log10_top, log10_gap, tasks: int) -> np.ndarray:
    """log10 requirements of ``tasks`` equally spaced tasks (shares 0 .. 1), interpolated
    log-linearly between the report's quantiles, as the published grid; ``(n, tasks)``."""
    k = np.interp(np.linspace(0.0, 1.0, tasks), _KNOT_Q, _KNOT_K)
    return np.asarray(log10_top, dtype=float)[..., None] - k * (np.asarray(log10_gap, dtype=float)[..., None] / 7.0)


# investment shares, in the order of the rows of the stacked state
_FRAC_KEYS = ("gwp_compute", "compute_training", "capital_hw", "labour_hw", "compute_hw", "labour_sw", "compute_sw")
_GROWTH = np.array([[_FRACS[k][1]] for k in _FRAC_KEYS])
_GROWTH_UP = np.array([[_FRACS[k][2]] for k in _FRAC_KEYS])
_CEILING = np.array([[_FRACS[k][3]] for k in _FRAC_KEYS])


def simulate(params: dict[str, np.ndarray], inputs: CCFInputs | None = None, *,
             pause: Pause | None = None, record: list | None = None, compiled: bool | None = None) -> Trajectory:
    """Run the core model for arrays of the seven uncertain parameters (``UNCERTAIN``; each an
    array of the same length, one entry per sample); the others come from ``inputs``.

    ``compiled``: use the compiled kernel (``_ccf_kernel``, numba; the default where numba is
    installed) or the vectorised numpy code (``False``; the default without numba). The two agree
    to 1e-9 (tested).

    ``record``: if a list is given, a dict of per-step arrays is appended to it at each step
    (for tests and plots)."""
    inputs = inputs or CCFInputs()
    if compiled is None:
        compiled = HAVE_NUMBA
    if compiled:
        return _simulate_compiled(params, inputs, pause=pause, record=record)
    return _simulate_numpy(params, inputs, pause=pause, record=record)


#: whether the compiled kernel can run (numba installed); checked without importing numba
HAVE_NUMBA = importlib.util.find_spec("numba") is not None


def _pause_trigger(pause: Pause | None):
    if pause is None or not pause.active:
        return None
    if pause.milestone is not None or pause.progress_years is not None or pause.multiplier is not None:
        raise RecloopInputError(["pause: for ccf give an automation share (--pause-at 20%, 50%, ...)"])
    return pause.automation


def _simulate_compiled(params, inputs: CCFInputs, *, pause: Pause | None, record: list | None) -> Trajectory:
    if not HAVE_NUMBA:
        raise RecloopInputError(["compiled: numba is not installed; use compiled=False"])
    from recloop.reference import _ccf_kernel  # numba is imported on first use, not with recloop

    p = {k: np.ascontiguousarray(params[k], dtype=float) for k in UNCERTAIN}
    n = p["full_automation_flop"].shape[0]
    dt = inputs.t_step
    steps = int(round((inputs.t_end - inputs.t_start) / dt))
    trigger = _pause_trigger(pause)
    pause_years = pause.years if pause is not None and trigger is not None else 0.0
    k: Any = _ccf_kernel
    c = np.zeros(k.N_CONSTANTS)
    hw0 = _HW_PROD0 * _HW_STOCK_RATIO
    rt_top_g = math.log10(inputs.runtime_flop_per_second * _SECONDS_PER_YEAR)
    values = {
        k.C_HW0: hw0, k.C_CAPITAL0: _GWP0 * _INVEST / (math.exp(_CAPITAL_GROWTH0) - 1.0), k.C_POP0: _POP0,
        k.C_GWP0: _GWP0, k.C_FRAC_GWP0: (_HW_PROD0 / _BUYABLE0) / _GWP0, k.C_RUN0: _RUN0,
        k.C_RND_HW0: _GWP0 * _RND_GWP["hw"], k.C_RND_SW0: _GWP0 * _RND_GWP["sw"], k.C_CUM_HW: _CUM_RATIO["hw"],
        k.C_CUM_SW: _CUM_RATIO["sw"], k.C_BUY0: _BUYABLE0, k.C_HW_RETURNS: inputs.hardware_returns,
        k.C_HW_CEIL: math.log(inputs.hardware_ceiling), k.C_INVEST: _INVEST,
        k.C_LABOUR_G: math.exp(_LABOUR_GROWTH * dt), k.C_TFP_G: math.exp(_TFP_GROWTH * dt),
        k.C_RAMPUP: inputs.rampup_trigger, k.C_MONEY_CAP: inputs.money_cap_training,
        k.C_EXP_EFF: inputs.experiments_efficiency, k.C_RHO_L: inputs.labour_substitution,
        k.C_RHO_G: inputs.capital_substitution_goods, k.C_RHO_HW: inputs.capital_substitution_rnd,
        k.C_RHO_SW: inputs.experiments_substitution, k.C_SHARE_G: _SHARE_CAPITAL_GOODS,
        k.C_SHARE_HW: _SHARE_CAPITAL_HW, k.C_SHARE_SW: _SHARE_EXPERIMENTS_SW, k.C_RT_TOP_G: rt_top_g,
        k.C_RT_TOP_R: rt_top_g - math.log10(inputs.goods_vs_rnd_runtime), k.C_RT_GAP: math.log10(inputs.runtime_gap),
        k.C_K_TR: inputs.runtime_training_tradeoff, k.C_LOG_MAX: math.log10(inputs.runtime_training_max_tradeoff),
        k.C_FULL: 1.0 if inputs.runtime_training_tradeoff > 0 else 0.99, k.C_DT: dt, k.C_T0: inputs.t_start,
        k.C_PAUSE_AT: np.nan if trigger is None else trigger, k.C_PAUSE_YEARS: pause_years,
        k.C_TOP_R_SHIFT: math.log10(inputs.goods_vs_rnd_training),
    }
    for idx, v in values.items():
        c[idx] = v
    fr_init = np.array([_FRACS[key][0] if _FRACS[key][0] is not None else 0.0 for key in _FRAC_KEYS])
    grid_k = np.interp(np.linspace(0.0, 1.0, int(inputs.tasks)), _KNOT_Q, _KNOT_K)
    marks = np.empty((4, n))
    wake = np.empty(n)
    paused = np.empty(n, dtype=np.bool_)
    final_sw = np.empty(n)
    final_gwp = np.empty(n)
    trace = np.empty((n, steps + 1, len(k.TRACE)) if record is not None else (0, 1, len(k.TRACE)))
    k.kernel(np.log10(p["full_automation_flop"]), np.log10(p["flop_gap"]), p["software_returns"],
             p["parallelisation_penalty"], p["software_ceiling"], np.rint(p["hardware_delay"] / dt).astype(np.int64),
             p["compute_depreciation"], c, fr_init, _GROWTH[:, 0].copy(), _GROWTH_UP[:, 0].copy(),
             _CEILING[:, 0].copy(), _KNOT_Q, _KNOT_K, grid_k, bool(inputs.runtime_training_tradeoff > 0), steps,
             marks, wake, paused, final_sw, final_gwp, trace)
    if record is not None:
        for i in range(steps + 1):
            row: dict[str, Any] = {name: trace[:, i, j].copy() for j, name in enumerate(k.TRACE)}
            row["t"] = float(trace[0, i, 0]) if n else inputs.t_start + i * dt
            record.append(row)
    return Trajectory(automation_20=marks[0], automation_100=marks[1], sub_agi=marks[2], agi=marks[3],
                      wake_up=wake, paused=paused, final_software=final_sw, final_gwp=final_gwp)


def _simulate_numpy(params: dict[str, np.ndarray], inputs: CCFInputs, *,
                    pause: Pause | None = None, record: list | None = None) -> Trajectory:
    """The vectorised numpy form of the model (all samples as arrays).

    The state is stacked so that one numpy call advances every sample and every sector: rows
    (hardware, software) for R&D, (goods, hardware R&D, software R&D) for production, the seven
    investment shares; a step is one numpy call per quantity for all samples and sectors."""
    p = {k: np.asarray(params[k], dtype=float) for k in UNCERTAIN}
    n = p["full_automation_flop"].shape[0]
    dt = inputs.t_step
    steps = int(round((inputs.t_end - inputs.t_start) / dt))
    lam = p["parallelisation_penalty"]
    trigger = _pause_trigger(pause)
    pause_years = pause.years if pause is not None and trigger is not None else 0.0
    rho_l = inputs.labour_substitution
    # outer CES of (goods, hardware R&D, software R&D); hardware R&D's is scaled by the penalty
    rho3 = np.stack([np.full(n, inputs.capital_substitution_goods), inputs.capital_substitution_rnd * lam,
                     np.full(n, inputs.experiments_substitution)])
    inv_rho3 = 1.0 / rho3

    top_g = np.log10(p["full_automation_flop"])
    top_r = top_g - math.log10(inputs.goods_vs_rnd_training)
    gap = np.log10(p["flop_gap"])
    rt_top_g = math.log10(inputs.runtime_flop_per_second * _SECONDS_PER_YEAR)
    rt_top_r = rt_top_g - math.log10(inputs.goods_vs_rnd_runtime)
    rt_gap = math.log10(inputs.runtime_gap)
    top3 = np.stack([top_g, top_r, top_r])
    rt_top3 = np.array([[rt_top_g], [rt_top_r], [rt_top_r]])
    # the runtime/training trade-off: per-task runtime costs on the task grid
    tradeoff = inputs.runtime_training_tradeoff > 0
    full = 0.99  # pooled: "100%" is all but one task of the published 100-task grid
    if tradeoff:
        full = 1.0
        n_tasks = int(inputs.tasks)
        k_tr = inputs.runtime_training_tradeoff
        log_max = math.log10(inputs.runtime_training_max_tradeoff)
        grid3 = task_grid(top3, gap, n_tasks)                          # (3, n, tasks) training
        # log10 runtime at the run R: rt_j + k (tr_j - log10 R), floored at 0 (1 FLOP/human-year)
        base3 = task_grid(np.broadcast_to(rt_top3, (3, n)), rt_gap, n_tasks) + k_tr * grid3
        neg_ln10 = -math.log(10.0)

    # ---- initial state
    hardware = np.full(n, _HW_PROD0 * _HW_STOCK_RATIO)
    capital = np.full(n, _GWP0 * _INVEST / (math.exp(_CAPITAL_GROWTH0) - 1.0))
    labour = _POP0  # the same in every sample: plain floats
    tfp = 1.0
    gwp = np.full(n, _GWP0)
    frac = np.empty((len(_FRAC_KEYS), n))
    for j, key in enumerate(_FRAC_KEYS):
        if _FRACS[key][0] is not None:
            frac[j] = _FRACS[key][0]
    frac[0] = (_HW_PROD0 / _BUYABLE0) / _GWP0
    frac[1] = _RUN0 / hardware  # software starts at 1
    ret = np.stack([inputs.hardware_returns / lam, p["software_returns"] / lam])
    rnd_in = np.stack([np.full(n, _GWP0 * _RND_GWP["hw"]), np.full(n, _GWP0 * _RND_GWP["sw"])])
    cum = rnd_in ** lam / (np.array([[_CUM_RATIO["hw"]], [_CUM_RATIO["sw"]]]) * lam)
    # hardware: price-performance at t=0 is ahead of buyable chips by the delay, growing at the
    # first step's rate (closed form of the first R&D update)
    log_g0 = np.log1p(_CUM_RATIO["hw"] * lam * dt) * ret[0]
    delay = np.rint(p["hardware_delay"] / dt).astype(int)
    log_perf0 = math.log(_BUYABLE0) + delay * log_g0
    # R&D levels in logs: (price-performance, software), each with a ceiling penalty falling
    # linearly from its start to 0 at the ceiling
    level = np.stack([log_perf0, np.zeros(n)])
    ceiling = np.stack([np.full(n, math.log(inputs.hardware_ceiling)), np.log(p["software_ceiling"])])
    span = ceiling - level
    software = np.ones(n)
    dmax = int(delay.max()) if n else 0
    ring = np.empty((dmax + 1, n))
    ring[0] = level[0]
    rows = np.arange(n)
    keep = 1 - p["compute_depreciation"]
    log_buy0 = math.log(_BUYABLE0)
    labour_growth = math.exp(_LABOUR_GROWTH * dt)
    tfp_growth = math.exp(_TFP_GROWTH * dt)

    alpha = None
    scale = None
    awake = np.zeros(n, dtype=bool)
    # milestone years, rows (20% automated, 100% automated, 20% automatable, 100% automatable)
    marks = np.full((4, n), np.nan)
    thresholds = np.array([[0.2], [full], [0.2], [1.0]])
    twake = np.full(n, np.nan)
    pause_start = np.full(n, np.nan)
    run_cap = np.full(n, np.inf)
    prev_auto = np.zeros(n)
    buy = np.full(n, _BUYABLE0)
    zero_n = np.zeros(n)

    for i in range(steps + 1):
        t = inputs.t_start + i * dt
        if i > 0:
            # ---- R&D: semi-endogenous growth of price-performance and software
            add = rnd_in ** lam * dt
            if trigger is not None:
                paused_now = (t >= pause_start) & (t < pause_start + pause_years)
                add = np.where(paused_now, 0.0, add)
            new_cum = cum + add
            level = np.minimum(level + np.log(new_cum / cum) * ret * ((ceiling - level) / span), ceiling)
            cum = new_cum
            software = np.exp(level[1])
            ring[i % (dmax + 1)] = level[0]
            # ---- investment shares
            awake = prev_auto >= inputs.rampup_trigger
            twake = np.where(np.isnan(twake) & awake, t, twake)
            old_train = frac[1]
            frac = np.minimum(frac * np.exp(dt * np.where(awake, _GROWTH_UP, _GROWTH)), _CEILING)
            money = hardware * old_train / buy
            frac[1] = np.where((money > inputs.money_cap_training) & ~awake, old_train, frac[1])
            # ---- inputs
            back = i - delay
            if i >= dmax:
                log_buy = ring[back % (dmax + 1), rows]
            else:
                log_buy = np.where(back >= 0, ring[np.maximum(back, 0) % (dmax + 1), rows], log_buy0 + i * log_g0)
            buy = np.exp(log_buy)
            hardware = hardware * keep ** dt + gwp * frac[0] * dt * buy
            capital = capital + gwp * _INVEST * dt
            labour = labour * labour_growth
            tfp = tfp * tfp_growth
        compute = hardware * software
        run = compute * frac[1]
        if trigger is not None:
            run = np.minimum(run, run_cap)
        log_run = np.log10(run)

        # ---- automation, for (goods, hardware R&D, software R&D) at once
        lab3 = labour * np.stack([1 - frac[3] - frac[5], frac[3], frac[5]])
        comp3 = compute * np.stack([1 - frac[4] - frac[6] - frac[1], frac[4], frac[6]])
        if tradeoff:
            lr = log_run[:, None]
            n3 = (grid3 < lr + log_max).sum(axis=2)                       # automatable with the trade-off
            a_g = (grid3[0] < lr).sum(axis=1) / n_tasks                   # ... and without it
            if n3.any():
                log_eta = neg_ln10 * np.maximum(base3 - k_tr * lr, 0.0)
                cog3, auto3 = allocate(lab3.ravel(), comp3.ravel(), log_eta.reshape(3 * n, n_tasks), n3.ravel(), rho_l)
                cog3 = cog3.reshape(3, n)
                auto_g = auto3[:n]
            else:  # nothing automatable: human labour alone
                cog3, auto_g = lab3, zero_n
        else:
            a3 = automatable_fraction(log_run, top3, gap)
            rt3 = 10.0 ** _runtime_at(a3, rt_top3, rt_gap)
            cog3, auto3 = _cognitive(lab3, comp3 / rt3, a3, rho_l)
            a_g, auto_g = a3[0], auto3[0]
        k3 = np.stack([capital * (1 - frac[2]), capital * frac[2], hardware ** inputs.experiments_efficiency])
        if alpha is None:  # weights matching the initial shares
            shares = np.array([[_SHARE_CAPITAL_GOODS], [_SHARE_CAPITAL_HW], [_SHARE_EXPERIMENTS_SW]])
            alpha = _alpha(k3, cog3, shares, rho3)
        y3 = tfp * (alpha * k3 ** rho3 + (1 - alpha) * cog3 ** rho3) ** inv_rho3
        if scale is None:
            scale = np.stack([_GWP0 / y3[0], rnd_in[0] / y3[1], rnd_in[1] / y3[2]])
        y3 = y3 * scale
        gwp = y3[0]
        rnd_in = y3[1:]

        # ---- milestones
        hit = np.stack([auto_g, auto_g, a_g, a_g]) >= thresholds
        marks = np.where(np.isnan(marks) & hit, t, marks)
        if trigger is not None:
            fire = np.isnan(pause_start) & (auto_g >= trigger)
            pause_start = np.where(fire, t + dt, pause_start)
            run_cap = np.where(fire, run, run_cap)
            ended = t + dt >= pause_start + pause_years
            run_cap = np.where(ended, np.inf, run_cap)
        prev_auto = auto_g
        if record is not None:
            record.append({"t": t, "automated": auto_g, "automatable": a_g, "run": run, "software": software,
                           "hardware": hardware, "gwp": gwp, "buyable": buy,
                           "labour_goods": lab3[0], "cognitive_goods": cog3[0], "log_perf": level[0].copy()})
    return Trajectory(automation_20=marks[0], automation_100=marks[1], sub_agi=marks[2], agi=marks[3],
                      wake_up=twake, paused=~np.isnan(pause_start), final_software=software, final_gwp=gwp)


def _two_piece(name: str, z: np.ndarray) -> np.ndarray:
    """Monte Carlo draw of one uncertain parameter: median at the best guess, the conservative and
    aggressive values at the 5th/95th percentiles on their sides (log scale for scale parameters).
    recloop's construction from the three published presets, not the paper's own distributions."""
    best, lo_v, hi_v = (PRESETS[v][name] for v in ("best-guess", "conservative", "aggressive"))
    f = np.log if name in _LOG else (lambda x: x)
    finv = np.exp if name in _LOG else (lambda x: x)
    b, c, a = f(best), f(lo_v), f(hi_v)
    # z > 0 moves toward the aggressive value, z < 0 toward the conservative one
    x = np.where(z >= 0, b + z * (a - b) / _Z95, b - z * (c - b) / _Z95)
    extra: Any = CCFInputs.model_fields[name].json_schema_extra
    lo_b, hi_b = extra["bounds"]
    return np.clip(finv(x), lo_b, hi_b)


def _params(variant: str, inputs: CCFInputs, z: np.ndarray) -> dict[str, np.ndarray]:
    m = z.shape[0]
    if variant == "monte-carlo":
        return {k: _two_piece(k, z[:, j]) for j, k in enumerate(UNCERTAIN)}
    if variant == "best-guess":
        return {k: np.full(m, float(getattr(inputs, k))) for k in UNCERTAIN}
    return {k: np.full(m, v) for k, v in PRESETS[variant].items()}


@dataclass(frozen=True)
class CCFResult:
    variant: str
    samples: int
    seed: int
    metrics: dict[str, dict[str, float | None]]
    reached: dict[str, float]
    pause: dict | None = None

    def as_dict(self) -> dict:
        out = {"variant": self.variant, "samples": self.samples, "seed": self.seed,
               "metrics": self.metrics, "reached": self.reached}
        if self.pause is not None:
            out["pause"] = self.pause
        return out


METRICS = {
    "years_20_to_100_automation": "years from 20% to 100% of tasks automated (headline)",
    "years_20_automation_to_agi": "years from 20% of tasks automated to AGI (100% automatable)",
    "year_100_automation": "year 100% of tasks are automated",
    "year_20_automation": "year 20% of tasks are automated",
}


def run(inputs: CCFInputs | None = None, *, samples: int = 10_000, seed: int = 0, variant: str = "best-guess",
        pause: Pause | None = None, quantiles: tuple[int, ...] = (10, 50, 90)) -> CCFResult:
    """Run the core model: a preset (every sample the same point) or ``monte-carlo`` over the
    seven uncertain parameters. Returns percentiles of the headline metrics (``None`` where fewer
    than that share of samples reach the milestones by ``t_end``) and the share reaching each."""
    inputs = inputs or CCFInputs()
    samples = check_samples(samples)
    if variant not in VARIANTS:
        raise RecloopInputError([f"variant: unknown variant {variant!r} for ccf; allowed: {', '.join(VARIANTS)}"])
    if pause is not None and pause.active and (
            pause.milestone is not None or pause.progress_years is not None or pause.multiplier is not None):
        raise RecloopInputError(["pause: for ccf give an automation share (--pause-at 20%, 50%, ...)"])
    # a preset is one point: simulate it once and report it for every sample
    n_sim = samples if variant == "monte-carlo" else 1
    cols: dict[str, list] = {k: [] for k in METRICS}
    for _, z in normal_blocks(seed, n_sim, len(UNCERTAIN)):
        tr = simulate(_params(variant, inputs, z), inputs, pause=pause)
        cols["years_20_to_100_automation"].append(tr.automation_100 - tr.automation_20)
        cols["years_20_automation_to_agi"].append(tr.agi - tr.automation_20)
        cols["year_100_automation"].append(tr.automation_100)
        cols["year_20_automation"].append(tr.automation_20)
    metrics: dict[str, dict[str, float | None]] = {}
    reached = {}
    for k, parts in cols.items():
        vals = np.concatenate(parts)
        ok = ~np.isnan(vals)
        reached[k] = float(ok.mean())
        # unreached counts as +inf (later than the horizon): a percentile exists only if enough reach
        srt = np.sort(np.where(ok, vals, np.inf))
        entry = {}
        for q in quantiles:
            v = srt[min(len(srt) - 1, int(math.ceil(q / 100 * len(srt))) - 1)] if len(srt) else np.inf
            entry[f"p{q}"] = round(float(v), 4) if np.isfinite(v) else None
        metrics[k] = entry
    return CCFResult(variant=variant, samples=samples, seed=int(seed), metrics=metrics, reached=reached,
                     pause=pause.describe() if pause is not None and pause.active else None)

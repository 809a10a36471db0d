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
- *Production.* Goods, hardware R&D and software R&D each combine a non-cognitive input (capital;
  for software R&D, experiment compute ``hardware^0.4``) with cognitive output by an outer CES;
  cognitive output is a CES (substitution parameter -0.5) over a continuum of equally weighted
  tasks, done by human labour or, once automatable, by AI compute. Weights are set so the initial
  shares match the report's (cognitive 50% of goods, 70% of hardware R&D; experiments 30% of
  software R&D).
- *R&D feedback.* Hardware price-performance and software grow semi-endogenously:
  ``X(t+dt)/X(t) = (I_cum(t+dt)/I_cum(t)) ** (returns/lambda * ceiling_penalty)`` with
  ``I_cum = sum (R&D input)^lambda dt`` (lambda: parallelisation penalty), the ceiling penalty
  falling linearly in log space to 0 at the ceiling. New chips use the price-performance of
  ``hardware_delay`` years earlier; hardware depreciates.
- *Investment.* The shares of GWP spent on compute, of compute on training, and of labour/compute
  on R&D grow exponentially to ceilings, faster after "wake-up" (6% of tasks automated); before
  wake-up training spending stops growing past $4B.

Simplifications (stated; each is why recloop's figures may differ from takeoffspeeds.com):

1. *Pooled allocation instead of the per-task allocation solver.* All automated tasks share one
   runtime cost, that of the marginal (hardest) automatable task; labour and AI labour are then
   allocated optimally over equally weighted tasks in closed form: with ``a`` the automatable
   share, ``L`` labour and ``E`` AI labour (compute / runtime), output is ``L + E`` while
   ``E < a (L + E)``, else ``(a^(1-rho) E^rho + (1-a)^(1-rho) L^rho)^(1/rho)``. The published
   code solves the allocation over 100 discrete tasks with task-specific runtime costs.
2. *Automated share* (the headline's measure): the share of tasks AI compute performs in that
   allocation, ``min(a, E / (L + E))``; "100%" is read as at least 99% (all but one of the
   published 100-task grid). The published code counts tasks where AI does >10x the labour input.
3. No compute-only "task 0", no runtime/training trade-off (its best-guess weight is 0 anyway),
   no requirements steepness (best guess 0), TFP applied to final output only.

Headline (report, Part 0 summary; takeoffspeeds.com): years from 20% to 100% of tasks automated
(best guess "about 3 years"), years from 20% automation to AGI (100% automatable), date of 100%.
"""

from __future__ import annotations

import math
from typing import Any
from dataclasses import dataclass

import numpy as np

from recloop.params import Block, RecloopInputError, param
from recloop.reference._common import Pause, check_samples, normal_blocks

__all__ = ["CCFInputs", "CCFResult", "PRESETS", "UNCERTAIN", "VARIANTS", "automatable_fraction", "run", "simulate"]

_SRC = "Davidson 2023, 'What a compute-centric framework says about takeoff speeds' (Open Philanthropy)"
_WEB = "takeoffspeeds.com best-guess parameters (epoch-research/ftm, website/src/js/best-guess-parameters.js)"
_CAL = "Davidson 2023 best guess / conservative / aggressive (shared/CALIBRATION.md)"

VARIANTS = ("best-guess", "conservative", "aggressive", "monte-carlo")
_SECONDS_PER_YEAR = 365 * 24 * 3600.0

# (automated share, OOMs of gap/7 below the full requirement): the report's requirements quantiles
_KNOT_Q = np.array([0.0, 0.05, 0.1, 0.2, 0.5, 1.0])
_KNOT_K = np.array([10.5, 9.5, 8.5, 7.0, 4.0, 0.0])


class CCFInputs(Block):
    """Parameters of the compute-centric framework core (defaults: Davidson's best guess)."""

    # -- the seven parameters with published conservative/aggressive values (CALIBRATION.md)
    full_automation_flop: float = param(
        1e36, unit="FLOP", bounds=(1e26, 1e45), log=True,
        doc="Effective training FLOP of the first AI that can automate 100% of cognitive tasks.",
        source=f"{_CAL} (1e36 / 1e40 / 1e33); {_WEB}")
    flop_gap: float = param(
        1e4, unit="x", bounds=(1.0001, 1e12), log=True,
        doc="Ratio of the training requirement for 100% automation to that for 20%.",
        source=f"{_CAL} (1e4 / 1e8 / 10); {_WEB}")
    software_returns: float = param(
        1.25, unit="1", bounds=(0.05, 20.0), log=True,
        doc="Returns to software R&D: doublings of software per doubling of cumulative (penalised) R&D input.",
        source=f"{_CAL} (1.25 / 0.8 / 5); {_WEB}")
    parallelisation_penalty: float = param(
        0.7, unit="1", bounds=(0.05, 1.0),
        doc="lambda: R&D input counts as input^lambda (parallel work duplicates effort).",
        source=f"{_CAL} (0.7 / 0.2 / 0.99); {_WEB}")
    software_ceiling: float = param(
        1e12, unit="x 2022 software", bounds=(10.0, 1e20), log=True,
        doc="Ceiling on software efficiency relative to 2022.",
        source=f"{_CAL} (1e12 / 1e8 / 1e16); {_WEB}")
    hardware_delay: float = param(
        1.0, unit="yr", bounds=(0.0, 5.0),
        doc="Delay between a hardware R&D advance and chips with it being bought.",
        source=f"{_CAL} (1 / 2.5 / 0.01); {_WEB}")
    compute_depreciation: float = param(
        0.2, unit="1/yr", bounds=(0.0, 0.9),
        doc="Share of the hardware stock lost per year.",
        source=f"{_CAL} (0.2 / 0.1 / 0.3); {_WEB}")
    # -- fixed at the best guess
    goods_vs_rnd_training: float = param(
        3.0, unit="x", bounds=(1.0, 1e4), log=True,
        doc="R&D tasks need this many times less training FLOP than goods tasks.", source=_WEB)
    runtime_flop_per_year: float = param(
        5.256e23, unit="FLOP per human-year", bounds=(1e15, 1e30), log=True,
        doc="Runtime FLOP for AI to do one human-year of the hardest task (1.67e16 FLOP/s).", source=_WEB)
    runtime_gap: float = param(
        10.0, unit="x", bounds=(1.0001, 1e6), log=True,
        doc="Runtime FLOP gap between the 100% and the 20% task.", source=_WEB)
    goods_vs_rnd_runtime: float = param(
        100.0, unit="x", bounds=(1.0, 1e6), log=True,
        doc="R&D tasks need this many times less runtime FLOP than goods tasks.", source=_WEB)
    labour_substitution: float = param(
        -0.5, unit="rho", bounds=(-10.0, 0.99),
        doc="CES substitution parameter between tasks (goods and R&D).", source=_WEB)
    capital_substitution_goods: float = param(
        -0.4, unit="rho", bounds=(-10.0, 0.99),
        doc="CES substitution parameter between capital and cognitive output in goods.", source=_WEB)
    capital_substitution_rnd: float = param(
        -0.25, unit="rho", bounds=(-10.0, 0.99),
        doc="Same for hardware R&D (multiplied by the parallelisation penalty, as published).", source=_WEB)
    experiments_substitution: float = param(
        -0.01, unit="rho", bounds=(-10.0, 0.99),
        doc="CES substitution parameter between experiment compute and cognitive output in software R&D.",
        source=_WEB)
    experiments_efficiency: float = param(
        0.4, unit="1", bounds=(0.0, 1.0),
        doc="Experiment compute for software R&D = hardware ** this.", source=_WEB)
    hardware_returns: float = param(
        5.2, unit="1", bounds=(0.1, 50.0), doc="Returns to hardware R&D.", source=_WEB)
    hardware_ceiling: float = param(
        1e26, unit="FLOP/$", bounds=(1e18, 1e40), log=True,
        doc="Ceiling on hardware price-performance.", source=_WEB)
    rampup_trigger: float = param(
        0.06, unit="share of tasks", bounds=(0.0, 1.0),
        doc="Automated share at which investment in AI 'wakes up'.", source=_WEB)
    money_cap_training: float = param(
        4e9, unit="$ (2022)", bounds=(1e6, 1e15), log=True,
        doc="Before wake-up, the training share stops growing once a run costs this much.", source=_WEB)
    t_start: float = param(2022.0, unit="year", bounds=(2000.0, 2100.0), doc="First simulated year.", source=_WEB)
    t_end: float = param(2100.0, unit="year", bounds=(2001.0, 2300.0), doc="Last simulated year.", source=_WEB)
    t_step: float = param(0.1, unit="yr", bounds=(0.01, 1.0), doc="Fixed time step.", source=_WEB)


#: preset values of the seven uncertain parameters (CALIBRATION.md, Davidson 2023)
UNCERTAIN = ("full_automation_flop", "flop_gap", "software_returns", "parallelisation_penalty",
             "software_ceiling", "hardware_delay", "compute_depreciation")
PRESETS: dict[str, dict[str, float]] = {
    "best-guess": {"full_automation_flop": 1e36, "flop_gap": 1e4, "software_returns": 1.25,
                   "parallelisation_penalty": 0.7, "software_ceiling": 1e12, "hardware_delay": 1.0,
                   "compute_depreciation": 0.2},
    "conservative": {"full_automation_flop": 1e40, "flop_gap": 1e8, "software_returns": 0.8,
                     "parallelisation_penalty": 0.2, "software_ceiling": 1e8, "hardware_delay": 2.5,
                     "compute_depreciation": 0.1},
    "aggressive": {"full_automation_flop": 1e33, "flop_gap": 10.0, "software_returns": 5.0,
                   "parallelisation_penalty": 0.99, "software_ceiling": 1e16, "hardware_delay": 0.01,
                   "compute_depreciation": 0.3},
}
_LOG = {"full_automation_flop", "flop_gap", "software_returns", "software_ceiling"}
_Z95 = 1.6448536269514722

# fixed initial conditions and investment paths (takeoffspeeds.com best guess; 2022 values)
_GWP0 = 8.5e13              # $
_POP0 = 4e9                 # workers
_RUN0 = 3e24                # FLOP, largest training run
_HW_PROD0 = 1e28            # FLOP/yr of hardware produced
_BUYABLE0 = 1.5e17          # FLOP/yr per $
_HW_STOCK_RATIO = 2.0
_INVEST = 0.2
_CAPITAL_GROWTH0 = 0.0275
_LABOUR_GROWTH = _TFP_GROWTH = 0.01
_RND_GWP = {"hw": 0.2e-2, "sw": 0.02e-2}
_CUM_RATIO = {"hw": 0.047, "sw": 0.2}
# (initial, growth, growth after wake-up, ceiling)
_FRACS = {
    "gwp_compute": (None, 0.19, 0.19, 0.1),
    "compute_training": (None, 0.547528364331348, 1.1, 0.1),
    "capital_hw": (0.002, 0.01, 0.14, 0.03),
    "labour_hw": (0.002, 0.01, 0.14, 0.03),
    "compute_hw": (0.002, 0.01, 0.67, 0.2),
    "labour_sw": (0.0002, 0.18, 0.22, 0.03),
    "compute_sw": (0.0002, 0.18, 0.67, 0.2),
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


def simulate(params: dict[str, np.ndarray], inputs: CCFInputs | None = None, *,
             pause: Pause | None = None, record: list | None = None) -> Trajectory:
    """Run the core model for arrays of the seven uncertain parameters (``UNCERTAIN``; each an
    array of the same length, one entry per sample); the others come from ``inputs``.

    ``record``: if a list is given, a dict of per-step arrays is appended to it at each step
    (for tests and plots; slow)."""
    inputs = inputs or CCFInputs()
    p = {k: np.asarray(params[k], dtype=float) for k in UNCERTAIN}
    n = p["full_automation_flop"].shape[0]
    dt = inputs.t_step
    steps = int(round((inputs.t_end - inputs.t_start) / dt))
    lam = p["parallelisation_penalty"]
    trigger = None
    if pause is not None and pause.active:
        if pause.milestone is not None or pause.progress_years is not None or pause.multiplier is not None:
            raise RecloopInputError(["pause: for ccf give an automation share (--pause-at 20%, 50%, ...)"])
        trigger = pause.automation
    pause_years = pause.years if pause is not None and trigger is not None else 0.0
    rho_l = inputs.labour_substitution
    rho_g = inputs.capital_substitution_goods
    rho_h = inputs.capital_substitution_rnd * lam  # as published: scaled by the penalty
    rho_s = inputs.experiments_substitution

    top_g = np.log10(p["full_automation_flop"])
    top_r = top_g - math.log10(inputs.goods_vs_rnd_training)
    gap = np.log10(p["flop_gap"])
    rt_top_g = math.log10(inputs.runtime_flop_per_year)
    rt_top_r = rt_top_g - math.log10(inputs.goods_vs_rnd_runtime)
    rt_gap = math.log10(inputs.runtime_gap)

    # ---- initial state
    hardware = np.full(n, _HW_PROD0 * _HW_STOCK_RATIO)
    software = np.ones(n)
    capital = np.full(n, _GWP0 * _INVEST / (math.exp(_CAPITAL_GROWTH0) - 1.0))
    labour = np.full(n, _POP0)
    tfp = np.ones(n)
    gwp = np.full(n, _GWP0)
    frac = {k: np.full(n, v[0]) for k, v in _FRACS.items() if v[0] is not None}
    frac["gwp_compute"] = np.full(n, (_HW_PROD0 / _BUYABLE0) / _GWP0)
    frac["compute_training"] = _RUN0 / (hardware * software)
    r_hw = inputs.hardware_returns / lam
    r_sw = p["software_returns"] / lam
    cum = {}
    rnd_in = {}
    for key in ("hw", "sw"):
        rnd_in[key] = np.full(n, _GWP0 * _RND_GWP[key])
        cum[key] = rnd_in[key] ** lam / (_CUM_RATIO[key] * lam)
    # hardware: price-performance at t=0 is ahead of buyable chips by the delay, growing at the
    # first step's rate (closed form of the first R&D update)
    log_g0 = np.log1p(_CUM_RATIO["hw"] * lam * dt) * r_hw
    delay = np.rint(p["hardware_delay"] / dt).astype(int)
    log_perf0 = math.log(_BUYABLE0) + delay * log_g0
    log_perf = log_perf0.copy()
    dmax = int(delay.max()) if n else 0
    ring = np.empty((dmax + 1, n))
    ring[0] = log_perf
    log_sw_ceiling = np.log(p["software_ceiling"])
    log_hw_ceiling = math.log(inputs.hardware_ceiling)
    rows = np.arange(n)

    alpha = None
    scale = None
    awake = np.zeros(n, dtype=bool)
    nan = np.full(n, np.nan)
    t20, t100, tsub, tagi, twake = nan.copy(), nan.copy(), nan.copy(), nan.copy(), nan.copy()
    pause_start = nan.copy()
    run_cap = np.full(n, np.inf)
    prev_auto = np.zeros(n)

    log_buy: np.ndarray  # bound at the end of each step, read by the next
    for i in range(steps + 1):
        t = inputs.t_start + i * dt
        paused_now = (t >= pause_start) & (t < pause_start + pause_years)
        if i > 0:
            # ---- R&D: semi-endogenous growth of price-performance and software
            grow = ~paused_now
            for key, ret in (("hw", r_hw), ("sw", r_sw)):
                new_cum = cum[key] + np.where(grow, rnd_in[key] ** lam * dt, 0.0)
                if key == "hw":
                    pen = (log_hw_ceiling - log_perf) / (log_hw_ceiling - log_perf0)
                    log_perf = np.minimum(log_perf + np.log(new_cum / cum[key]) * ret * pen, log_hw_ceiling)
                else:
                    log_sw = np.log(software)
                    pen = (log_sw_ceiling - log_sw) / log_sw_ceiling
                    software = np.exp(np.minimum(log_sw + np.log(new_cum / cum[key]) * ret * pen, log_sw_ceiling))
                cum[key] = new_cum
            ring[i % (dmax + 1)] = log_perf
            # ---- investment shares
            awake = prev_auto >= inputs.rampup_trigger
            twake = np.where(np.isnan(twake) & awake, t, twake)
            old_train = frac["compute_training"]
            for key, (_, g, g_up, ceil) in _FRACS.items():
                frac[key] = np.minimum(frac[key] * np.exp(dt * np.where(awake, g_up, g)), ceil)
            money = hardware * old_train / np.exp(log_buy)  # noqa: F821 - bound at the end of the previous step
            frac["compute_training"] = np.where((money > inputs.money_cap_training) & ~awake,
                                                old_train, frac["compute_training"])
            # ---- inputs
            back = i - delay
            log_buy = np.where(back >= 0, ring[np.maximum(back, 0) % (dmax + 1), rows],
                               math.log(_BUYABLE0) + i * log_g0)
            hardware = hardware * (1 - p["compute_depreciation"]) ** dt + gwp * frac["gwp_compute"] * dt * np.exp(log_buy)
            capital = capital + gwp * _INVEST * dt
            labour = labour * math.exp(_LABOUR_GROWTH * dt)
            tfp = tfp * math.exp(_TFP_GROWTH * dt)
        else:
            log_buy = np.full(n, math.log(_BUYABLE0))
        compute = hardware * software
        run = np.minimum(compute * frac["compute_training"], run_cap)
        log_run = np.log10(run)

        # ---- automation
        a_g = automatable_fraction(log_run, top_g, gap)
        a_r = automatable_fraction(log_run, top_r, gap)
        rt_g = 10.0 ** _runtime_at(a_g, rt_top_g, rt_gap)
        rt_r = 10.0 ** _runtime_at(a_r, rt_top_r, rt_gap)
        f_hw, f_sw = frac["compute_hw"], frac["compute_sw"]
        f_goods_c = 1 - f_hw - f_sw - frac["compute_training"]
        l_hw, l_sw = labour * frac["labour_hw"], labour * frac["labour_sw"]
        l_goods = labour - l_hw - l_sw
        cog_g, auto_g = _cognitive(l_goods, compute * f_goods_c / rt_g, a_g, rho_l)
        cog_h, _ = _cognitive(l_hw, compute * f_hw / rt_r, a_r, rho_l)
        cog_s, _ = _cognitive(l_sw, compute * f_sw / rt_r, a_r, rho_l)
        k_g = capital * (1 - frac["capital_hw"])
        k_h = capital * frac["capital_hw"]
        k_s = hardware ** inputs.experiments_efficiency
        if alpha is None:  # weights matching the initial shares
            alpha = (_alpha(k_g, cog_g, 0.5, rho_g), _alpha(k_h, cog_h, 0.3, rho_h), _alpha(k_s, cog_s, 0.3, rho_s))
        y_g = tfp * _ces2(k_g, cog_g, alpha[0], rho_g)
        y_h = tfp * _ces2(k_h, cog_h, alpha[1], rho_h)
        y_s = tfp * _ces2(k_s, cog_s, alpha[2], rho_s)
        if scale is None:
            scale = (_GWP0 / y_g, rnd_in["hw"] / y_h, rnd_in["sw"] / y_s)
        gwp = y_g * scale[0]
        rnd_in = {"hw": y_h * scale[1], "sw": y_s * scale[2]}

        # ---- milestones
        t20 = np.where(np.isnan(t20) & (auto_g >= 0.2), t, t20)
        t100 = np.where(np.isnan(t100) & (auto_g >= 0.99), t, t100)
        tsub = np.where(np.isnan(tsub) & (a_g >= 0.2), t, tsub)
        tagi = np.where(np.isnan(tagi) & (a_g >= 1.0), t, tagi)
        if trigger is not None:
            fire = np.isnan(pause_start) & (auto_g >= trigger)
            pause_start = np.where(fire, t + dt, pause_start)
            run_cap = np.where(fire, run, run_cap)
            ended = t + dt >= pause_start + pause_years
            run_cap = np.where(ended, np.inf, run_cap)
        prev_auto = auto_g
        if record is not None:
            record.append({"t": t, "automated": auto_g, "automatable": a_g, "run": run, "software": software,
                           "hardware": hardware, "gwp": gwp, "buyable": np.exp(log_buy),
                           "labour_goods": l_goods, "cognitive_goods": cog_g, "log_perf": log_perf.copy()})
    return Trajectory(automation_20=t20, automation_100=t100, sub_agi=tsub, agi=tagi, wake_up=twake,
                      paused=~np.isnan(pause_start), final_software=software, final_gwp=gwp)


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

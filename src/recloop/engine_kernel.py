"""Compiled single-developer engine core (numba): :func:`recloop.engine.simulate_chunk` for a
scenario without ``[[actors]]``, one sample (row) at a time in plain scalar loops.

The numpy engine is the reference; this module restates its arithmetic in the same order, so
that a row follows the same path: the same adaptive step
rules (:class:`recloop.engine.StepRules`), the same phases in the same order (rates, advance,
catastrophe, milestones, releases, tripwires, halts, pause ends, report) and the same
counter-based draws (the SplitMix64 hash of :func:`recloop.sampling.uniform` and Cephes' ``ndtri``,
as scipy computes it, restated below). Each row runs its own steps to the horizon, so nothing is
compacted and nothing is allocated per step; what does not change within a row (logs of its
parameters, the growth rates they imply) is computed once per row.

What differs from the numpy engine, and why (tests/engine/test_engine_kernel.py measures it):

- the last bits of some values. The kernel evaluates the same expressions with fewer
  transcendentals: a power of 10 or of a per-row constant as one exp of a hoisted log
  (``10 ** x`` as ``exp(x ln 10)``, ``ppg ** t`` as ``exp(t ln ppg)``), a log of a quantity whose
  log is already known taken from it (``log10(m)`` from ``ln m``, ``ln(ratio / e^(g t))`` as
  ``ln ratio - g t``), a CES aggregate raised to a second power as one exp of its log, and
  automation's logistic share and both of its CES weights from one exp and one log1p (the same
  function as numpy's ``0.5 (1 + tanh(z / 2))``). Each is exact in real arithmetic and differs in
  the last bit or two of a double (about 1e-15 relative): every outcome and report cell of the
  bundled scenarios and policies agrees with the numpy engine to 1e-9 in all but the rows whose
  path passes a tie within that last bit (a release threshold, which limit binds), which take
  the other branch there and then differ by the engine's own step error (about 1% in a date). The
  numpy engine's results move the same way between CPUs with and without numpy's SIMD loops;
- a row whose last step ends exactly at the horizon stops there. The numpy engine keeps such a row
  in its arrays, at dt = 0, until enough rows have finished to compact; those zero steps change no
  reported quantity, so outcomes agree.

Rows run on several threads (:func:`threads_for`; numba releases the GIL): each row writes only
its own cells, so the results are the same, bit for bit, for any thread count, chunk size or
sample offset.

The compiled code is cached on disk (numba ``cache=True``): a fresh install pays the compile
(about 30 s of CPU, 70 s wall on the 2-core box under load) once; loading the cached code
takes about a second. This module, and numba, are imported on the first compiled chunk, not with
recloop.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

from recloop import libm_cores

libm_cores.bind()  # exp, log, pow: glibc's cores, not its errno wrappers (before any kernel is linked)

# ---------------------------------------------------------------------------- parameter rows
#: scenario parameters the kernel reads, in the order of the rows of its parameter matrix
PARAMS = (
    "compute.initial_training_flop", "compute.max_run_years", "compute.utilization", "compute.training_share",
    "compute.investment_growth", "compute.price_performance_growth", "compute.flops_per_dollar",
    "compute.depreciation", "compute.fab_share", "compute.fab_output_flops_per_year", "compute.fab_output_growth",
    "compute.fab_headroom", "compute.leading_edge_growth", "compute.power_gw", "compute.power_growth",
    "compute.power_share", "compute.world_power_tw", "compute.world_power_growth", "compute.ai_power_max_share",
    "compute.world_power_ceiling_tw", "compute.watts_per_pflops", "compute.efficiency_growth",
    "compute.max_efficiency_gain", "compute.power_lead_time_years", "compute.fab_lead_time_years",
    "compute.buildout_boost", "economy.world_output_usd", "economy.output_growth", "economy.ai_growth_boost",
    "economy.adoption_lag_years", "economy.max_spend_share", "economy.automated_spend_share",
    "software.initial_rate_oom_per_year", "software.returns", "software.parallelization", "software.ceiling_oom",
    "software.labour_share", "software.compute_substitution", "automation.midpoint_data_flop",
    "automation.midpoint_arch_flop", "automation.midpoint_code_flop", "automation.width_oom",
    "automation.substitution_rho", "automation.bottleneck_rho", "automation.ai_labour_at_start",
    "generations.step_oom", "generations.prep_years", "generations.air_gap_prep_cost",
    "generations.latency_wall_flop", "generations.latency_wall_years", "generations.latency_exponent",
    "data.real_stock_tokens", "data.real_stock_growth", "data.max_epochs", "data.tokens_per_parameter",
    "data.collapse_kappa", "data.accumulation", "data.real_fraction_exponent", "data.curation_efficiency",
    "data.loss_compute_exponent", "drift.base_per_oom", "drift.autonomy_exponent", "drift.verification_protection",
    "drift.unaligned_fidelity", "drift.hidden_objective_drift", "verification.required_exponent",
    "verification.human_coverage_at_start", "verification.human_rate", "verification.compute_coverage_at_start",
    "verification.automation_boost", "risk.danger_flop", "risk.base_hazard", "risk.capability_elasticity",
    "risk.max_multiplier", "risk.no_control_automation", "milestones.takeoff_start_automation",
    "milestones.superhuman_oom", "horizon.oom_per_doubling", "horizon.p50_hours_at_1e25", "horizon.p80_ratio",
    "horizon.reasoning_gain_oom", "horizon.reasoning_onset_year", "horizon.reasoning_ramp_years",
)
(P_C0, P_MAX_RUN, P_UTIL, P_TRAIN_SHARE, P_INVEST_G, P_PP_G, P_FPD, P_DEP, P_FAB_SHARE, P_FAB_OUT, P_FAB_G,
 P_FAB_HEAD, P_EDGE_G, P_POWER_GW, P_POWER_G, P_POWER_SHARE, P_WORLD_TW, P_WORLD_G, P_AI_MAX_SHARE, P_WORLD_CEIL,
 P_WPP, P_EFF_G, P_EFF_MAX, P_POW_LEAD, P_FAB_LEAD, P_BOOST, P_Y0, P_Y_G, P_Y_AI, P_ADOPT_LAG, P_S0, P_S1,
 P_GS, P_R, P_LAM, P_CEIL, P_LAB_SHARE, P_SIGMA, P_MID_D, P_MID_A, P_MID_C, P_WIDTH, P_RHO, P_RHO_B, P_Q0,
 P_STEP, P_PREP, P_AIRGAP_COST, P_WALL_FLOP, P_WALL_YEARS, P_WALL_EXP, P_STOCK, P_STOCK_G, P_EPOCHS, P_TPP,
 P_KAPPA, P_ACC, P_GAMMA, P_CURATION, P_LOSS_EXP, P_DRIFT_BASE, P_DRIFT_EXP, P_DRIFT_PROT, P_UNALIGNED, P_HIDDEN,
 P_NU, P_H0, P_HR, P_VC0, P_VBOOST, P_DANGER, P_HAZ0, P_HAZ_EL, P_HAZ_MAX, P_NOC, P_TAKEOFF, P_SUPER, P_OPD,
 P_H50, P_H80, P_R_GAIN, P_R_ONSET, P_R_RAMP) = range(83)
assert len(PARAMS) == 83

# ---------------------------------------------------------------------------- outcome rows
AUTOMATION = (0.2, 0.5, 0.9, 0.999)
CAPABILITY = (1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0)
#: outcome columns the loop writes, in the order of the rows of the kernel's outcome matrix
OUTCOMES = (
    "status", "t_diverged", "t_takeoff_start", "t_superhuman", "capability_at_takeoff_start",
    "fidelity_at_takeoff_start", "gap_at_takeoff_start", "fidelity_at_superhuman", "gap_at_superhuman",
    "unverified_takeoff", "t_no_control", "t_first_tripwire", "t_unaligned", "t_catastrophe", "halts",
    "failed_halts", "years_paused", "years_gated", "deprecations", "false_alarms", "bind_budget_years",
    "bind_fab_years", "bind_power_years", "bind_economy_years", "reached_power_ceiling", "reached_fab_ceiling",
    "reached_spend_ceiling", "reached_efficiency_limit", "peak_power_gw", "peak_spend_share", "peak_chip_share",
    "t_automation_20", "t_automation_50", "t_automation_90", "t_automation_100",
    "t_capability_1oom", "t_capability_2oom", "t_capability_3oom", "t_capability_4oom", "t_capability_6oom",
    "t_capability_8oom", "t_capability_10oom",
    "t_horizon_work_day", "t_horizon_work_week", "t_horizon_work_month", "t_horizon_work_year",
)
(O_STATUS, O_T_DIV, O_T_TAKEOFF, O_T_SUPER, O_CAP_TAKEOFF, O_FID_TAKEOFF, O_GAP_TAKEOFF, O_FID_SUPER, O_GAP_SUPER,
 O_UNVERIFIED, O_T_NOC, O_T_TRIP, O_T_UNALIGNED, O_T_CAT, O_HALTS, O_FAILED, O_PAUSED_Y, O_GATED_Y, O_DEPREC,
 O_FALSE, O_BIND_BUDGET, O_BIND_FAB, O_BIND_POWER, O_BIND_ECON, O_REACH_POWER, O_REACH_FAB, O_REACH_SPEND,
 O_REACH_EFF, O_PEAK_POWER, O_PEAK_SPEND, O_PEAK_CHIP, O_AUTO0, O_AUTO1, O_AUTO2, O_AUTO3, O_CAP0, O_CAP1, O_CAP2,
 O_CAP3, O_CAP4, O_CAP5, O_CAP6, O_HOR0, O_HOR1, O_HOR2, O_HOR3) = range(46)
assert len(OUTCOMES) == 46
#: METR milestone task lengths (hours), in the order of ``horizon.MILESTONES``
HORIZON_HOURS = (8.0, 40.0, 2000.0 / 12.0, 2000.0)

# ---------------------------------------------------------------------------- levers, tripwires
(L_MAX_YEARS, L_MAX_OOM, L_MIN_YEARS, L_HORIZON, L_DIVERTED, L_SANDBOX_LAT, L_AIR_GAP, L_SANDBOX_CATCH, L_HAZ_RED,
 L_TPR, L_FPR, L_DETECT_ON, L_DEPRECATE, L_COMPUTE_SHARE, L_SAFETY, L_GATE0, L_HALTS_RESEARCH, L_LATENCY,
 L_RELIABILITY, L_MAX_PAUSE, L_X_REF, L_MAX_STEPS, L_START_YEAR) = range(23)
N_LEVERS = 23
#: report-grid variables in the order of the kernel's tuple of grids (the wrapper maps them by name)
GRIDS = ("effective_compute", "verified_capability", "fidelity", "automation", "progress_multiplier", "software_oom",
         "compute_flops", "power_gw", "horizon_p50_hours", "horizon_p80_hours", "training_cost_usd",
         "training_power_w", "world_output_usd", "synthetic_share", "data_deficit", "paused", "p_catastrophe",
         "generation", "market_share", "training_flop")
#: the grids summarize_rows reads by position
G_CAP, G_SHARE = GRIDS.index("effective_compute"), GRIDS.index("market_share")
(T_METRIC, T_THRESHOLD, T_CADENCE, T_ERROR_SD, T_LAG, T_RESPONSE, T_PAUSE_YEARS) = range(7)
N_TRIP = 7
METRIC_CODES = {"effective_compute": 0, "horizon_p50_hours": 1, "horizon_p80_hours": 2, "capability_oom": 3,
                "automation_mean": 4, "automation_data": 5, "automation_arch": 6, "automation_code": 7,
                "progress_multiplier": 8, "verification_gap": 9}
# Response (recloop.engine.Response)
PAUSE_UNTIL_VERIFIED, FIXED_PAUSE, VERIFICATION_GATE, RESTRICT_DEPLOYMENT = 1, 2, 3, 4
# physical.LIMIT_NAMES
BUDGET, FAB, POWER, ECONOMY = 0, 1, 2, 3

_EPS = 1e-9
_LN10 = math.log(10.0)
_LN_TINY = math.log(1e-300)  # ln of the engine's floor for a multiplier (np.maximum(m, 1e-300))
_SPY = 365.25 * 86400.0
_REF_SHARE = 0.05  # verification.REFERENCE_SHARE
_BIG = 1.7976931348623157e308  # np.nan_to_num's stand-in for +inf

# ---------------------------------------------------------------------------- counter-based draws
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, fastmath=False)  # not inherited from a fastmath caller
def uniform(seed, index, stream, counter):
    """:func:`recloop.sampling.uniform` for one draw (all arguments uint64)."""
    key = _mix(seed * _GOLD + stream)
    z = _mix(key ^ (index * _GOLD))
    z = _mix(z + counter * _M2 + _GOLD)
    return (np.float64(z >> _S11) + 0.5) * (1.0 / 9007199254740992.0)


# Cephes ndtri (Moshier), as scipy.special.ndtri computes it
_NP0 = np.array([-5.99633501014107895267E1, 9.80010754185999661536E1, -5.66762857469070293439E1,
                 1.39312609387279679503E1, -1.23916583867381258016E0])
_NQ0 = np.array([1.95448858338141759834E0, 4.67627912898881538453E0, 8.63602421390890590575E1,
                 -2.25462687854119370527E2, 2.00260212380060660359E2, -8.20372256168333339912E1,
                 1.59056225126211695515E1, -1.18331621121330003142E0])
_NP1 = np.array([4.05544892305962419923E0, 3.15251094599893866154E1, 5.71628192246421288162E1,
                 4.40805073893200834700E1, 1.46849561928858024014E1, 2.18663306850790267539E0,
                 -1.40256079171354495875E-1, -3.50424626827848203418E-2, -8.57456785154685413611E-4])
_NQ1 = np.array([1.57799883256466749731E1, 4.53907635128879210584E1, 4.13172038254672030440E1,
                 1.50425385692907503408E1, 2.50464946208309415979E0, -1.42182922854787788574E-1,
                 -3.80806407691578277194E-2, -9.33259480895457427372E-4])
_NP2 = np.array([3.23774891776946035970E0, 6.91522889068984211695E0, 3.93881025292474443415E0,
                 1.33303460815807542389E0, 2.01485389549179081538E-1, 1.23716634817820021358E-2,
                 3.01581553508235416007E-4, 2.65806974686737550832E-6, 6.23974539184983293730E-9])
_NQ2 = np.array([6.02427039364742014255E0, 3.67983563856160859403E0, 1.37702099489081330271E0,
                 2.16236993594496635890E-1, 1.34204006088543189037E-2, 3.28014464682127739104E-4,
                 2.89247864745380683936E-6, 6.79019408009981274425E-9])
_S2PI = 2.50662827463100050242E0
_EXPM2 = 0.13533528323661269189  # exp(-2)


@njit(cache=True, inline="always")
def _polevl(x, c):
    ans = c[0]
    for i in range(1, c.shape[0]):
        ans = ans * x + c[i]
    return ans


@njit(cache=True, inline="always")
def _p1evl(x, c):
    ans = x + c[0]
    for i in range(1, c.shape[0]):
        ans = ans * x + c[i]
    return ans


@njit(cache=True, fastmath=False)  # not inherited from a fastmath caller
def ndtri(y0):
    """Inverse of the standard normal CDF (Cephes ``ndtri``, the algorithm scipy.special.ndtri runs)."""
    if y0 == 0.0:
        return -np.inf
    if y0 == 1.0:
        return np.inf
    if y0 < 0.0 or y0 > 1.0 or y0 != y0:
        return np.nan
    code = 1
    y = y0
    if y > 1.0 - _EXPM2:
        y = 1.0 - y
        code = 0
    if y > _EXPM2:
        y = y - 0.5
        y2 = y * y
        x = y + y * (y2 * _polevl(y2, _NP0) / _p1evl(y2, _NQ0))
        return x * _S2PI
    x = math.sqrt(-2.0 * math.log(y))
    x0 = x - math.log(x) / x
    z = 1.0 / x
    if x < 8.0:
        x1 = z * _polevl(z, _NP1) / _p1evl(z, _NQ1)
    else:
        x1 = z * _polevl(z, _NP2) / _p1evl(z, _NQ2)
    x = x0 - x1
    if code != 0:
        x = -x
    return x


# ---------------------------------------------------------------------------- numpy's min/max/clip
@njit(cache=True, inline="always")
def _mx(a, b):  # np.maximum: NaN propagates
    if a != a:
        return a
    if b != b:
        return b
    return a if a >= b else b


@njit(cache=True, inline="always")
def _mn(a, b):  # np.minimum
    if a != a:
        return a
    if b != b:
        return b
    return a if a <= b else b


@njit(cache=True, inline="always")
def _clip(x, lo, hi):
    return _mn(_mx(x, lo), hi)


@njit(cache=True, inline="always")
def _pow10(x):
    """10 ** x as one exp (libm's pow costs about twice an exp; equal to the last bit or two)."""
    return math.exp(_LN10 * x)


@njit(cache=True, inline="always")
def _safe_rho(rho):
    return -1e-4 if abs(rho) < 1e-4 else rho


@njit(cache=True, inline="always")
def _vector(f, wh, wa, q, q_rho, rho, inv_rho):
    """automation._vector_terms for one vector: (ln(R/L_h), elasticity). The log, not R/L_h:
    the caller raises it to two powers (R/L_h itself and R/L_h ** rho_b), each one exp."""
    f = _clip(f, 0.0, 1.0)
    ai = wa * q_rho
    total = wh + ai
    if q * (1.0 - f) < f:
        return math.log1p(q), q / (1.0 + q)
    share = ai / total if total > 0 else 1.0
    return inv_rho * math.log(total), share


@njit(cache=True, inline="always")
def _software_rate(s, t, log_m, rate0, lam, beta, log_rate0, ceiling):
    """software.rate from log10 of the research multiplier (at least -300, as log10(max(m, 1e-300)))."""
    x = s - rate0 * t
    log_rate = log_rate0 + lam * log_m - beta * x
    rate = _pow10(_mn(log_rate, 300.0))
    return rate * _clip(ceiling - s, 0.0, 1.0)


@njit(cache=True, inline="always")
def _boost(ln_m, vboost):
    """verification.capacity's (research multiplier)^b from ln m; at m <= 1 it is 1 ** b, 1 exactly."""
    if ln_m > 0.0 or ln_m != ln_m:
        return math.exp(vboost * ln_m), True
    return 1.0, False


@njit(cache=True, inline="always")
def _capacity(t, ratio, boost, boosted, h0, hr_safety, vc_share, p10bs):
    """verification.capacity; ``hr_safety`` = human_rate * safety, ``vc_share`` =
    compute_coverage_at_start * (compute_share / REFERENCE_SHARE), ``p10bs`` = 10 ** (b * s),
    ``boost`` from :func:`_boost` (multiplied only where it is not 1 exactly)."""
    human = h0 + hr_safety * t
    if boosted:
        human = human * boost
    machine = vc_share * ratio * p10bs
    return human + machine


@njit(cache=True, inline="always")
def _reasoning(year, gain, onset, ramp):
    """horizon.reasoning_gain: the reasoning gain (OOM of E) at calendar year ``year``."""
    return gain * _clip((year - onset) / ramp, 0.0, 1.0)


@njit(cache=True, inline="always")
def _when(t0, tt, v_old, v_new, thr):
    frac = _clip((thr - v_old) / (v_new - v_old if v_new > v_old else 1.0), 0.0, 1.0)
    return t0 + frac * (tt - t0)


@njit(cache=True, inline="always")
def _first(out, col, i, cond, date):
    if cond and out[col, i] != out[col, i]:
        out[col, i] = date
        return True
    return False


@njit(cache=True, inline="always")
def _logistic_weights(z, one_m_rho):
    """automation's logistic share f = 1 / (1 + e^-z) and its CES task weights (1 - f)^(1-rho),
    f^(1-rho), from e^-|z| and log1p(e^-|z|) (the two logs of a logistic share need no more)."""
    u = math.exp(-abs(z))
    l1p = math.log1p(u)
    if z >= 0.0:
        ln_f, ln_1mf = -l1p, -z - l1p
    else:
        ln_f, ln_1mf = z - l1p, -l1p
    return _logistic_from(z, u), math.exp(one_m_rho * ln_1mf), math.exp(one_m_rho * ln_f)


@njit(cache=True, inline="always")
def _logistic_from(z, u):
    """1 / (1 + e^-z) from u = e^-|z| (no overflow either side)."""
    return 1.0 / (1.0 + u) if z >= 0.0 else u / (1.0 + u)


@njit(cache=True, inline="always")
def _logistic(z):
    """automation's share at logit z: 1 / (1 + e^-z); 0.5 (1 + tanh(z / 2)), the same function."""
    return _logistic_from(z, math.exp(-abs(z)))


@njit(cache=True, inline="always")
def _cap_cache(absolute, cap, lmid_d, lmid_a, lmid_c, width, one_m_rho, nu, log_danger, haz0, haz_el, haz_max,
               d_base, d_exp):
    """engine._capability_cache: automation shares and task weights, requirement, hazard level, f_mean."""
    f_d, wh_d, wa_d = _logistic_weights((absolute - lmid_d) / width, one_m_rho)
    f_a, wh_a, wa_a = _logistic_weights((absolute - lmid_a) / width, one_m_rho)
    f_c, wh_c, wa_c = _logistic_weights((absolute - lmid_c) / width, one_m_rho)
    req = _pow10(nu * cap)
    above = absolute - log_danger
    if above >= 0.0:
        hz_level = haz0 * _mn(_pow10(haz_el * _clip(above, 0.0, 50.0)), haz_max)
    else:
        hz_level = 0.0
    f_mean = (f_d + f_a + f_c) / 3.0
    d_now = d_base * math.pow(_clip(f_mean, 0.0, 1.0), d_exp)  # drift per OOM at this automation
    return f_d, f_a, f_c, wh_d, wa_d, wh_a, wa_a, wh_c, wa_c, req, hz_level, f_mean, d_now


@njit(cache=True, fastmath=False)  # not inherited from a fastmath caller
def _capability_at_automation(lo, hi, level, k0, lmid_d, lmid_a, lmid_c, width):
    """engine._capability_at_automation for one row: the capability in [lo, hi] where mean
    automation equals ``level`` (40 bisection steps)."""
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        e = k0 + mid
        f = (_logistic((e - lmid_d) / width) + _logistic((e - lmid_a) / width) + _logistic((e - lmid_c) / width)) / 3.0
        if f < level:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# ---------------------------------------------------------------------------- the chunk
@njit(cache=True, error_model="numpy", fastmath={"contract", "arcp"})
def _row(i, P, idx, x0v, K0v, expv, times, lev, trips, streams, seed, out, G, tstate):
    n_rep = times.shape[0]
    n_trips = trips.shape[0]
    seed_u = np.uint64(seed)
    row_u = np.uint64(idx[i])
    # -- the row's parameters, and what follows from them alone (hoisted out of the step)
    c0 = P[P_C0, i]
    x0 = x0v[i]
    K0 = K0v[i]
    exp_draw = expv[i]
    max_run, ts, util = P[P_MAX_RUN, i], P[P_TRAIN_SHARE, i], P[P_UTIL, i]
    ppg, fpd, dep = P[P_PP_G, i], P[P_FPD, i], P[P_DEP, i]
    fab_share, fab_out0 = P[P_FAB_SHARE, i], P[P_FAB_OUT, i]
    power_gw, power_share, world_tw = P[P_POWER_GW, i], P[P_POWER_SHARE, i], P[P_WORLD_TW, i]
    ai_max, world_ceil_tw, wpp = P[P_AI_MAX_SHARE, i], P[P_WORLD_CEIL, i], P[P_WPP, i]
    eff_growth, eff_max = P[P_EFF_G, i], P[P_EFF_MAX, i]
    pow_lead, fab_lead, bb = P[P_POW_LEAD, i], P[P_FAB_LEAD, i], P[P_BOOST, i]
    y0, y_g, y_ai, adopt_lag = P[P_Y0, i], P[P_Y_G, i], P[P_Y_AI, i], P[P_ADOPT_LAG, i]
    s0 = P[P_S0, i]
    s1 = _mx(P[P_S1, i], s0)
    g_s, r, lam, ceil_s = P[P_GS, i], P[P_R, i], P[P_LAM, i], P[P_CEIL, i]
    w_lab, sigma = P[P_LAB_SHARE, i], P[P_SIGMA, i]
    width = P[P_WIDTH, i]
    rho = _safe_rho(P[P_RHO, i])
    rho_b = _safe_rho(P[P_RHO_B, i])
    step_oom, prep_years, airgap_cost = P[P_STEP, i], P[P_PREP, i], P[P_AIRGAP_COST, i]
    wall_flop, wall_years, wall_exp = P[P_WALL_FLOP, i], P[P_WALL_YEARS, i], P[P_WALL_EXP, i]
    stock, stock_g, epochs, tpp = P[P_STOCK, i], P[P_STOCK_G, i], P[P_EPOCHS, i], P[P_TPP, i]
    kappa, acc, gamma, cur_eff, loss_exp = P[P_KAPPA, i], P[P_ACC, i], P[P_GAMMA, i], P[P_CURATION, i], P[P_LOSS_EXP, i]
    d_base, d_exp, d_prot = P[P_DRIFT_BASE, i], P[P_DRIFT_EXP, i], P[P_DRIFT_PROT, i]
    unaligned_fid, hidden_drift = P[P_UNALIGNED, i], P[P_HIDDEN, i]
    nu, h0, hr, vc0, vboost = P[P_NU, i], P[P_H0, i], P[P_HR, i], P[P_VC0, i], P[P_VBOOST, i]
    haz0, haz_el, haz_max = P[P_HAZ0, i], P[P_HAZ_EL, i], P[P_HAZ_MAX, i]
    noc_auto, takeoff_auto, super_oom = P[P_NOC, i], P[P_TAKEOFF, i], P[P_SUPER, i]
    opd, h50, h80 = P[P_OPD, i], P[P_H50, i], P[P_H80, i]
    r_gain, r_onset, r_ramp = P[P_R_GAIN, i], P[P_R_ONSET, i], P[P_R_RAMP, i]

    max_years, max_oom, min_years, horizon = lev[L_MAX_YEARS], lev[L_MAX_OOM], lev[L_MIN_YEARS], lev[L_HORIZON]
    diverted, sandbox_lat, air_gap = lev[L_DIVERTED], lev[L_SANDBOX_LAT], lev[L_AIR_GAP]
    sandbox_catch, haz_red = lev[L_SANDBOX_CATCH], lev[L_HAZ_RED]
    detect_on, deprecate = lev[L_DETECT_ON] > 0.0, lev[L_DEPRECATE] > 0.0
    compute_share, safety = lev[L_COMPUTE_SHARE], lev[L_SAFETY]
    halts_research = lev[L_HALTS_RESEARCH] > 0.0
    latency_years, reliability, max_pause = lev[L_LATENCY], lev[L_RELIABILITY], lev[L_MAX_PAUSE]
    x_ref = lev[L_X_REF]
    year0 = lev[L_START_YEAR]
    max_steps = lev[L_MAX_STEPS]
    log_tpr = math.log1p(-_mn(lev[L_TPR], 1 - 1e-12))
    log_fpr = math.log1p(-_mn(lev[L_FPR], 1 - 1e-12))
    stream_detection = streams[n_trips, 0]

    g_b = math.log(P[P_INVEST_G, i] * ppg)  # physical.budget_growth
    g_b10 = g_b / _LN10
    ln_ppg = math.log(ppg)
    fab_ceil0 = math.log(P[P_FAB_HEAD, i])
    g_fab_plan0 = math.log(P[P_FAB_G, i])
    g_edge0 = math.log(P[P_EDGE_G, i] * ppg)
    ln_pg = math.log(P[P_POWER_G, i])
    ln_wpg = math.log(P[P_WORLD_G, i])
    ln_eff = math.log(eff_growth)
    w0 = world_tw * 1e12
    world_ceil_w = world_ceil_tw * 1e12
    ln_world_max = math.log(world_ceil_tw / world_tw)
    power_w0 = power_gw * 1e9
    share_ai = power_share * ai_max
    fpw0 = 1e15 / wpp
    log_q0 = math.log10(P[P_Q0, i])
    lmid_d = math.log10(P[P_MID_D, i])
    lmid_a = math.log10(P[P_MID_A, i])
    lmid_c = math.log10(P[P_MID_C, i])
    one_m_rho = 1.0 - rho
    inv_rho = 1.0 / rho
    inv_rho_b = 1.0 / rho_b
    # software.research_input's constants
    rho_s = 1.0 - 1.0 / sigma
    near_cd = abs(rho_s) < 1e-6
    safe = 1.0 if near_cd else rho_s
    ln_w = math.log(w_lab)
    ln_1w = math.log1p(-w_lab)
    beta = lam / r
    log_rate0 = math.log10(g_s)
    g_s_r = g_s / r
    log_c0 = math.log10(c0)
    log10_y0 = math.log10(y0)
    ln_wall_years, ln_wall_flop = math.log(wall_years), math.log(wall_flop)
    run_share = ts * _mx(1.0 - diverted, 0.0)
    ln_run_rate0 = math.log(x_ref * run_share * util * _SPY)
    wall_a = _mn(wall_exp, 0.99)
    wall_inv = 1.0 / (1.0 - wall_a)
    prep = prep_years * (1.0 + air_gap * airgap_cost)
    hr_safety = hr * safety
    vc_share = vc0 * (compute_share / _REF_SHARE)
    log_danger = math.log10(P[P_DANGER, i])
    danger = log_danger - K0
    slope = 1.0 / opd
    log2_h50 = math.log2(h50)
    hor_level0 = 25.0 + opd * (math.log2(HORIZON_HOURS[0] / 1.0) - log2_h50) - K0
    hor_level1 = 25.0 + opd * (math.log2(HORIZON_HOURS[1] / 1.0) - log2_h50) - K0
    hor_level2 = 25.0 + opd * (math.log2(HORIZON_HOURS[2] / 1.0) - log2_h50) - K0
    hor_level3 = 25.0 + opd * (math.log2(HORIZON_HOURS[3] / 1.0) - log2_h50) - K0
    gamma_one = gamma == 1.0

    # -- the state (engine._initial_state)
    t = 0.0
    s = 0.0
    x = x0
    ln_fab = 0.0
    ln_edge = 0.0
    ln_pow = 0.0
    ln_world = 0.0
    ln_y = 0.0
    z_fab = 0.0
    z_pow = 0.0
    z_econ = 0.0
    gen = 0.0
    attempt = 0.0
    cap = 0.0
    pot = 0.0
    rel_anchor = 0.0
    deficit = 0.0
    real = 1.0
    fid = 1.0
    fid_ver = 1.0
    cap_ver = 0.0
    deficit_ver = 0.0
    cumhaz = 0.0
    run_cost = 0.0
    paused = False
    pause_kind = 0
    pause_end = np.inf
    pause_start = 0.0
    restrict_end = -np.inf
    gate = lev[L_GATE0] > 0.0
    # halts waiting to take effect: one carried by the stop protocol (a pause) and one not (a gate,
    # a restriction), each in its own slot
    pending_t = np.inf
    pending_resp = 0
    pending_years = 0.0
    soft_t = np.inf
    soft_resp = 0
    soft_years = 0.0
    noc = False
    takeoff = False
    k_rep = 0
    steps = 0
    phys = log_c0  # log10 physical training FLOP of the deployed generation
    for j in range(n_trips):
        tstate[i, j, 0] = trips[j, T_CADENCE]  # next evaluation
        tstate[i, j, 1] = 0.0  # fired
        tstate[i, j, 2] = 0.0  # evaluations so far

    # -- capability cache (engine._capability_cache)
    (f_d, f_a, f_c, wh_d, wa_d, wh_a, wa_a, wh_c, wa_c, req, hz_level, f_mean, d_now) = _cap_cache(
        K0 + cap, cap, lmid_d, lmid_a, lmid_c, width, one_m_rho, nu, log_danger, haz0,
        haz_el, haz_max, d_base, d_exp)

    # quantities at the step's start that the previous step's end computed (exactly the same
    # expressions of the same state): power, efficiency, world output, 10^(b s)
    world_w = _mn(w0 * math.exp(ln_world), world_ceil_w)
    plan_w = power_w0 * math.exp(ln_pow)
    eff_pow = math.exp(ln_eff * t)
    Y = y0 * math.exp(ln_y)
    p10bs = _pow10(vboost * s)

    dt_prev = -1.0  # the dt the factors below were computed for (none yet)
    decay = a_fab = a_pow = a_econ = 0.0
    it = 0
    while True:
        it += 1
        # ================= rates at the step's start (engine._rates)
        exp_gbt = math.exp(g_b * t)
        plan = x0 * (g_b + dep) * exp_gbt
        pp = fpd * math.exp(ln_ppg * t)
        share_now = s0 + (s1 - s0) * _clip(z_econ, 0.0, 1.0)
        cap_usd = share_now * Y  # * (x0 / x0), which is 1 exactly
        econ = cap_usd * pp
        fab_plan = ln_fab
        fab_ceiling_ln = fab_ceil0 + ln_edge
        fab_at_ceiling = fab_ceiling_ln < fab_plan
        fab = fab_share * (fab_out0 * math.exp(_mn(fab_plan, fab_ceiling_ln)))
        boost_fab = bb * z_fab
        g_fab_plan = g_fab_plan0 + boost_fab
        g_edge = g_edge0 + boost_fab
        g_fab = (g_edge0 if fab_at_ceiling else g_fab_plan0) + boost_fab
        acq = _mn(_mn(plan, econ), fab)
        dz_econ = (f_mean - z_econ) / adopt_lag
        if acq == fab:
            acq_growth = g_fab
            limit = FAB
        elif acq == econ:
            acq_growth = (y_g + y_ai * z_econ) + (s1 - s0) * dz_econ / share_now + ln_ppg
            limit = ECONOMY
        else:
            acq_growth = g_b
            limit = BUDGET
        # usable compute: power
        ceil_w = share_ai * world_w
        watts = _mn(plan_w, ceil_w)
        world_power = ceil_w < plan_w
        fpw = fpw0 * _mn(eff_pow, eff_max)
        capc = watts * fpw
        x_u = _mn(x, capc)
        power_binds = capc < x
        g_pow = ln_pg + bb * z_pow
        eff_g = ln_eff if eff_pow < eff_max else 0.0
        if world_power:
            g_cap = (ln_wpg + bb * z_pow if world_w < world_ceil_w else 0.0) + eff_g
        else:
            g_cap = g_pow + eff_g
        if power_binds:
            powered = _mx(g_cap + dep, 0.0) * x_u
            if powered < acq:
                limit = POWER
                acq_growth = g_cap
            acq = _mn(acq, powered)
        ratio = x_u / x_ref
        g_xu = (g_cap if power_binds else acq / x - dep) / _LN10

        # automation and research input
        ai_on = not ((paused and halts_research) or (t < restrict_end))
        ln_ratio = math.log(ratio)
        log_q = log_q0 + ln_ratio / _LN10 + s - g_s * t / r
        lq = _clip(log_q, -300.0, 300.0)
        qq = _mx(_pow10(lq), 1e-300)
        q_rho = math.exp(rho * (_LN10 * lq))
        lr_d, e_d = _vector(f_d, wh_d, wa_d, qq, q_rho, rho, inv_rho)
        lr_a, e_a = _vector(f_a, wh_a, wa_a, qq, q_rho, rho, inv_rho)
        lr_c, e_c = _vector(f_c, wh_c, wa_c, qq, q_rho, rho, inv_rho)
        w_d, w_a, w_c = math.exp(rho_b * lr_d), math.exp(rho_b * lr_a), math.exp(rho_b * lr_c)
        total = w_d + w_a + w_c
        ln_l = _mx(inv_rho_b * math.log(total / 3.0), _LN_TINY)
        e_q = (w_d * e_d + w_a * e_a + w_c * e_c) / total if total > 0 else 0.0
        if e_q != e_q:
            e_q = 1.0
        elif e_q == np.inf:
            e_q = _BIG
        elif e_q == -np.inf:
            e_q = -_BIG
        m_code = math.exp(lr_c)
        if not ai_on:
            ln_l = 0.0
            m_code = 1.0
            e_q = 0.0
        ln_c = _mx(ln_ratio - g_b * t, _LN_TINY)
        a_ = safe * ln_l + ln_w
        b_ = safe * ln_c + ln_1w
        top = _mx(a_, b_)
        # exp(0) is 1 exactly: only the smaller term's exp is computed
        if a_ >= b_:
            ln_sum = top + math.log(1.0 + math.exp(b_ - top))
        elif b_ > a_:
            ln_sum = top + math.log(math.exp(a_ - top) + 1.0)
        else:
            ln_sum = top + math.log(math.exp(a_ - top) + math.exp(b_ - top))
        if near_cd:
            ln_m = w_lab * ln_l + (1.0 - w_lab) * ln_c
            w_l = w_lab
        else:
            ln_m = ln_sum / safe
            w_l = math.exp(a_ - ln_sum)
        ln_m = _mn(ln_m, 690.0)  # the research multiplier m = e^ln_m
        d_log_m = w_l * e_q * (g_xu + 0.0) + (1.0 - w_l) * (g_xu - g_b10)
        log_m = _mx(ln_m, _LN_TINY) / _LN10
        rate = _software_rate(s, t, log_m, g_s, lam, beta, log_rate0, ceil_s)
        d_log_m = d_log_m + w_l * e_q * (rate - g_s_r)

        # verification and hazard of the deployed generation
        boost, boosted = _boost(ln_m, vboost)
        V = _capacity(t, ratio, boost, boosted, h0, hr_safety, vc_share, p10bs)
        cov = V / req
        exposure = 0.5 * ((1.0 - _clip(fid, 0.0, 1.0)) + (1.0 - _clip(cov, 0.0, 1.0)))
        hazard = hz_level * exposure * (1.0 - haz_red)

        # the best run, and how the deployed generation follows it
        run_rate = x_u * run_share * util * _SPY
        growth = _LN10 * _mx(rate + g_xu, 0.0)
        best = _mn(1.0 / _mx(growth, 1e-9), max_run)
        ln_run_rate = ln_ratio + ln_run_rate0  # ln(x_u * run_share * util * seconds per year)
        run_years = _mx(best, math.exp(wall_inv * (ln_wall_years + wall_a * (ln_run_rate - ln_wall_flop))))
        run = run_rate * run_years
        stock_now = stock * math.exp(stock_g * t) * epochs
        need = math.sqrt(run * tpp / 6.0)
        real_now = _mn(1.0, stock_now / need)
        run_log10 = math.log10(run)
        pot = run_log10 - log_c0 + s
        if deficit != 0.0:  # log10(1) is 0 exactly
            pot = pot - math.log10(1.0 + deficit) / loss_exp
        else:
            pot = pot - 0.0 / loss_exp
        target = pot
        if gate:
            target = _mn(target, _mx(math.log10(_mx(V, 1e-300)) / nu, cap))
        if paused:
            target = cap
        lag = prep / _mx(m_code, 1.0) + run_years + sandbox_lat
        k_speed = _mx(target - cap, 0.0) / lag
        run_cost = (acq / pp) * ts * run_years
        spend = acq / pp
        chip_share = acq * fab_share / _mx(fab, 1e-300)

        # ================= step size (engine.StepRules.next_dt)
        dt = _mn(max_years, horizon - t)
        dt = _mn(dt, max_oom / _mx(rate, 1e-12))
        dt = _mn(dt, max_oom / _mx(k_speed, 1e-12))
        if k_rep < n_rep:
            dt = _mn(dt, times[k_rep] - t)
        for j in range(n_trips):
            dt = _mn(dt, tstate[i, j, 0] - t)
        if pending_t > t:
            dt = _mn(dt, pending_t - t)
        if soft_t > t:
            dt = _mn(dt, soft_t - t)
        if paused and pause_kind == FIXED_PAUSE:
            dt = _mn(dt, pause_end - t)
        if restrict_end > t:
            dt = _mn(dt, restrict_end - t)
        if t >= horizon - _EPS and k_rep >= n_rep:
            dt = 0.0
        else:
            dt = _mx(dt, min_years)

        bad = not (math.isfinite(rate) and math.isfinite(x) and math.isfinite(s) and math.isfinite(cap))
        if bad:
            out[O_STATUS, i] = 1.0
            out[O_T_DIV, i] = t
        # bounded work: a row that used its step budget stops with its status
        if dt > 0:
            steps += 1
        if steps > max_steps:
            if not bad:
                out[O_STATUS, i] = 2.0
                out[O_T_DIV, i] = t
            bad = True

        # ================= advance (engine._advance)
        old_cap = cap
        old_fmean = f_mean
        old_t = t
        h_s = _mn(dt, max_oom / _mx(rate, 1e-300))
        half = 0.5 * h_s
        s_mid = s + rate * half
        log_m_mid = _mx(log_m + d_log_m * half, -300.0)
        rate_mid = _software_rate(s_mid, t + half, log_m_mid, g_s, lam, beta, log_rate0, ceil_s)
        ceiling_gap = _mx(ceil_s - s, 0.0)
        ds = _clip((rate if s_mid >= ceil_s else rate_mid) * h_s, 0.0, ceiling_gap)
        s = s + ds

        if dt != dt_prev:  # factors of dt alone: the same dt (most steps last max_years) reuses them
            dt_prev = dt
            decay = math.exp(-dep * dt)
            a_fab = -math.expm1(-dt / fab_lead)
            a_pow = -math.expm1(-dt / pow_lead)
            a_econ = -math.expm1(-dt / adopt_lag)
        kk = acq_growth + dep
        gain = (math.exp(acq_growth * dt) - decay) / kk if abs(kk) > 1e-12 else dt
        x = x * decay + acq * gain
        boost_pow = bb * z_pow
        ln_fab = ln_fab + g_fab_plan * dt
        ln_edge = ln_edge + g_edge * dt
        ln_pow = ln_pow + (ln_pg + boost_pow) * dt
        ln_world = _mn(ln_world + (ln_wpg + boost_pow) * dt, ln_world_max)
        ln_y = ln_y + (y_g + y_ai * z_econ) * dt
        z_fab = z_fab + (f_mean - z_fab) * a_fab
        z_pow = z_pow + (f_mean - z_pow) * a_pow
        z_econ = z_econ + (f_mean - z_econ) * a_econ

        gap_k = _mx(target - cap, 0.0)
        approach = -math.expm1(-dt / _mx(lag, 1e-9))  # generations.follow's factor, shared
        cap_new = cap + gap_k * approach
        if k_speed > 0:  # the deployed generation's physical training FLOP follows the run's
            phys = phys + _mx(run_log10 - phys, 0.0) * approach
        gained = cap_new - cap
        verified_part = 1.0 - d_prot * _clip(cov, 0.0, 1.0)
        delta = _clip(d_now * verified_part * (1.0 - sandbox_catch) * (1.0 - air_gap), 0.0, 50.0)
        fid = fid * math.exp(-delta * _mx(gained, 0.0))
        curation = cur_eff * f_d
        synthetic = 1.0 - real_now if gamma_one else math.pow(1.0 - real_now, gamma)
        inc = synthetic * kappa * (1.0 - curation)
        a_d = (1.0 - acc) * (1.0 - synthetic)
        b_d = (1.0 - acc) * inc
        b_acc = acc * inc
        n_gained = _mx(cap, 0.0)
        if deficit == 0.0 and inc == 0.0 and math.isfinite(a_d) and math.isfinite(gained):
            moved_e = 0.0  # nothing to decay and nothing added: 0 exactly
        elif a_d > 1e-12:
            ddecay = math.exp(-a_d * gained)
            fixed = b_d / _mx(a_d, 1e-300)
            moved_e = (deficit - fixed) * ddecay + fixed
        else:
            moved_e = deficit + b_d * gained
        if b_acc != 0.0 or not math.isfinite(gained):
            moved_e = moved_e + b_acc * (1.0 / (n_gained + 1.0) - 1.0 / (n_gained + gained + 1.0))
        deficit = _mx(moved_e, 0.0)
        if gained > 0:
            real = real_now
        cap = cap_new
        cumhaz = cumhaz + hazard * dt

        if limit == POWER:
            out[O_BIND_POWER, i] += dt
        elif limit == FAB:
            out[O_BIND_FAB, i] += dt
        elif limit == ECONOMY:
            out[O_BIND_ECON, i] += dt
        else:
            out[O_BIND_BUDGET, i] += dt
        if dt > 0:
            if world_power and limit == POWER:
                out[O_REACH_POWER, i] = 1.0
            if fab_at_ceiling and limit == FAB:
                out[O_REACH_FAB, i] = 1.0
            if limit == ECONOMY:
                out[O_REACH_SPEND, i] = 1.0
            if eff_pow >= eff_max:
                out[O_REACH_EFF, i] = 1.0
            Y = y0 * math.exp(ln_y)
            out[O_PEAK_CHIP, i] = _mx(out[O_PEAK_CHIP, i], chip_share)
            out[O_PEAK_SPEND, i] = _mx(out[O_PEAK_SPEND, i], spend / Y)
            out[O_PEAK_POWER, i] = _mx(out[O_PEAK_POWER, i], x_u / fpw / 1e9)
        else:
            Y = y0 * math.exp(ln_y)
            out[O_PEAK_CHIP, i] = _mx(out[O_PEAK_CHIP, i], 0.0)
            out[O_PEAK_SPEND, i] = _mx(out[O_PEAK_SPEND, i], 0.0)
            out[O_PEAK_POWER, i] = _mx(out[O_PEAK_POWER, i], 0.0)
        if paused:
            out[O_PAUSED_Y, i] += dt
        if gate and not paused and target < pot - 1e-6:
            out[O_GATED_Y, i] += dt
        t = t + dt

        # capability cache at the new capability (an unchanged capability keeps its cache)
        if cap != old_cap:
            (f_d, f_a, f_c, wh_d, wa_d, wh_a, wa_a, wh_c, wa_c, req, hz_level, f_mean, d_now) = _cap_cache(
                K0 + cap, cap, lmid_d, lmid_a, lmid_c, width, one_m_rho, nu, log_danger, haz0,
                haz_el, haz_max, d_base, d_exp)

        # usable compute at the new time (what the events and the report read)
        # (and, carried to the next step's start, the same expressions of the same state)
        world_w = _mn(w0 * math.exp(ln_world), world_ceil_w)
        plan_w = power_w0 * math.exp(ln_pow)
        eff_pow = math.exp(ln_eff * t)
        p10bs = _pow10(vboost * s)
        watts_new = _mn(plan_w, share_ai * world_w)
        fpw_new = fpw0 * _mn(eff_pow, eff_max)
        x_new = _mn(x, watts_new * fpw_new)
        ratio_new = x_new / x_ref
        # verification capacity at the new time with the step's research input (what milestones,
        # releases, pause ends and the report read: AI-assisted alignment everywhere)
        V1 = _capacity(t, ratio_new, boost, boosted, h0, hr_safety, vc_share, p10bs)
        lv1_done = False
        lv1 = 0.0

        # ================= events at the new time
        if cumhaz >= exp_draw and out[O_T_CAT, i] != out[O_T_CAT, i]:
            out[O_T_CAT, i] = t

        # milestones (engine._milestones)
        if cap > old_cap:
            cov_new = V1 / req
            lv1 = math.log10(_mx(V1, 1e-300)) / nu
            lv1_done = True
            gap = cap - lv1
            _first(out, O_AUTO0, i, f_mean >= AUTOMATION[0], _when(old_t, t, old_fmean, f_mean, AUTOMATION[0]))
            _first(out, O_AUTO1, i, f_mean >= AUTOMATION[1], _when(old_t, t, old_fmean, f_mean, AUTOMATION[1]))
            _first(out, O_AUTO2, i, f_mean >= AUTOMATION[2], _when(old_t, t, old_fmean, f_mean, AUTOMATION[2]))
            _first(out, O_AUTO3, i, f_mean >= AUTOMATION[3], _when(old_t, t, old_fmean, f_mean, AUTOMATION[3]))
            for kc in range(7):
                c = CAPABILITY[kc]
                _first(out, O_CAP0 + kc, i, cap >= c, _when(old_t, t, old_cap, cap, c))
            if _first(out, O_T_TAKEOFF, i, f_mean >= takeoff_auto, _when(old_t, t, old_fmean, f_mean, takeoff_auto)):
                takeoff = True
                out[O_CAP_TAKEOFF, i] = _capability_at_automation(old_cap, cap, takeoff_auto, K0, lmid_d, lmid_a,
                                                                  lmid_c, width)
                out[O_FID_TAKEOFF, i] = fid
                out[O_GAP_TAKEOFF, i] = gap
            sup_level = out[O_CAP_TAKEOFF, i] + super_oom
            if _first(out, O_T_SUPER, i, takeoff and cap >= sup_level, _when(old_t, t, old_cap, cap, sup_level)):
                out[O_FID_SUPER, i] = fid
                out[O_GAP_SUPER, i] = gap
                out[O_UNVERIFIED, i] = 1.0 if cov_new < 1.0 else 0.0
            if f_c >= noc_auto and cov_new < 1.0 and not noc:
                noc = True
                out[O_T_NOC, i] = t
            # the horizon's capability adds the reasoning gain of the release year
            h_new = cap + _reasoning(year0 + t, r_gain, r_onset, r_ramp)
            h_old = old_cap + _reasoning(year0 + old_t, r_gain, r_onset, r_ramp)
            _first(out, O_HOR0, i, h_new >= hor_level0, _when(old_t, t, h_old, h_new, hor_level0))
            _first(out, O_HOR1, i, h_new >= hor_level1, _when(old_t, t, h_old, h_new, hor_level1))
            _first(out, O_HOR2, i, h_new >= hor_level2, _when(old_t, t, h_old, h_new, hor_level2))
            _first(out, O_HOR3, i, h_new >= hor_level3, _when(old_t, t, h_old, h_new, hor_level3))
            _first(out, O_T_UNALIGNED, i, fid < unaligned_fid and cap >= danger, t)

        # releases (mechanisms.halts.releases)
        if cap >= rel_anchor + step_oom - 1e-12:
            cov_rel = V1 / req
            rollback = False
            if detect_on:
                s_rel = cap - rel_anchor
                tpr = -math.expm1(s_rel * log_tpr)
                fpr = -math.expm1(s_rel * log_fpr)
                hidden = 1.0 - fid / _mx(fid_ver, 1e-12) > hidden_drift
                u = uniform(seed_u, row_u, stream_detection, np.uint64(attempt))
                flag = (u < tpr) if hidden else (u < fpr)
                if flag and not hidden:
                    out[O_FALSE, i] += 1.0
                if deprecate:
                    rollback = flag and cap_ver < cap
                    if rollback:
                        out[O_DEPREC, i] += 1.0
            attempt = attempt + 1.0
            if rollback:
                cap = cap_ver
                fid = fid_ver
                deficit = deficit_ver
            else:
                gen = gen + 1.0
            rel_anchor = cap
            if not rollback and cov_rel >= 1.0:
                fid_ver = fid
                cap_ver = cap
                deficit_ver = deficit
            if rollback:
                (f_d, f_a, f_c, wh_d, wa_d, wh_a, wa_a, wh_c, wa_c, req, hz_level, f_mean, d_now) = _cap_cache(
                    K0 + cap, cap, lmid_d, lmid_a, lmid_c, width, one_m_rho, nu, log_danger, haz0,
                    haz_el, haz_max, d_base, d_exp)

        # tripwires (mechanisms.halts.fire_tripwires): the metric reads the step start's rate and V
        for j in range(n_trips):
            if not (t >= tstate[i, j, 0] - _EPS):
                continue
            code = int(trips[j, T_METRIC])
            if code == 0:
                metric = K0 + cap
            elif code == 1 or code == 2:
                e_h = K0 + cap + _reasoning(year0 + t, r_gain, r_onset, r_ramp)
                metric = math.exp2(log2_h50 + (e_h - 25.0) * slope) * (1.0 if code == 1 else h80)
            elif code == 3:
                metric = cap
            elif code == 4:
                metric = (f_d + f_a + f_c) / 3.0
            elif code == 5:
                metric = f_d
            elif code == 6:
                metric = f_a
            elif code == 7:
                metric = f_c
            elif code == 8:
                metric = rate / g_s
            else:
                metric = cap - math.log10(_mx(V, 1e-300)) / nu
            count = tstate[i, j, 2]
            sd = trips[j, T_ERROR_SD]
            if sd > 0:
                u = uniform(seed_u, row_u, streams[j, 0], np.uint64(count))
                metric = metric + sd * ndtri(u)
            hit = tstate[i, j, 1] == 0.0 and metric >= trips[j, T_THRESHOLD]
            tstate[i, j, 2] = count + 1.0
            tstate[i, j, 0] = tstate[i, j, 0] + trips[j, T_CADENCE]
            if not hit:
                continue
            tstate[i, j, 1] = 1.0
            if out[O_T_TRIP, i] != out[O_T_TRIP, i]:
                out[O_T_TRIP, i] = t
            resp = int(trips[j, T_RESPONSE])
            hardware = resp == PAUSE_UNTIL_VERIFIED or resp == FIXED_PAUSE
            delay = trips[j, T_LAG] + (latency_years if hardware else 0.0)
            ok = uniform(seed_u, row_u, streams[j, 1], np.uint64(0)) < (reliability if hardware else 1.0)
            if not ok:
                out[O_FAILED, i] += 1.0
            elif hardware:
                if not math.isfinite(pending_t):
                    pending_t = t + delay
                    pending_resp = resp
                    pending_years = trips[j, T_PAUSE_YEARS]
            elif not math.isfinite(soft_t):
                soft_t = t + delay
                soft_resp = resp
                soft_years = trips[j, T_PAUSE_YEARS]

        # halts taking effect (mechanisms.halts.apply_halts): the stop protocol's slot, then the other
        for slot in range(2):
            if slot == 0:
                s_t, s_resp, s_years = pending_t, pending_resp, pending_years
            else:
                s_t, s_resp, s_years = soft_t, soft_resp, soft_years
            if not (t >= s_t - _EPS):
                continue
            if noc:
                out[O_FAILED, i] += 1.0
            else:
                if s_resp == PAUSE_UNTIL_VERIFIED or s_resp == FIXED_PAUSE:
                    out[O_HALTS, i] += 1.0
                    if not paused:
                        paused = True
                        pause_kind = s_resp
                        pause_start = t
                        if s_resp == FIXED_PAUSE:
                            pause_end = t + s_years
                if s_resp == VERIFICATION_GATE:
                    gate = True
                if s_resp == RESTRICT_DEPLOYMENT:
                    restrict_end = t + s_years
            if slot == 0:
                pending_t = np.inf
            else:
                soft_t = np.inf

        # pauses ending (mechanisms.halts.end_pauses)
        if paused:
            caught_up = V1 / _pow10(nu * _mx(pot, cap)) >= 1.0
            end = ((pause_kind == FIXED_PAUSE and t >= pause_end - _EPS)
                   or (pause_kind == PAUSE_UNTIL_VERIFIED and caught_up)
                   or (t - pause_start >= max_pause - _EPS))
            if end:
                paused = False
                pause_end = np.inf

        # report (engine._report, engine._record)
        if k_rep < n_rep and t >= times[min(k_rep, n_rep - 1)] - _EPS:
            k = k_rep
            power = x_new / fpw_new / 1e9  # the power the usable compute draws
            E = K0 + cap
            G[0][i, k] = E
            if not lv1_done:
                lv1 = math.log10(_mx(V1, 1e-300)) / nu
            G[1][i, k] = K0 + lv1
            G[2][i, k] = fid
            G[3][i, k] = f_mean
            G[4][i, k] = rate / g_s
            G[5][i, k] = s
            G[6][i, k] = math.log10(x_new)
            G[7][i, k] = power
            hh = math.exp2(log2_h50 + (E + _reasoning(year0 + t, r_gain, r_onset, r_ramp) - 25.0) * slope)
            G[8][i, k] = hh * 1.0
            G[9][i, k] = hh * h80
            G[10][i, k] = math.log10(_mx(run_cost, 1e-300))
            G[11][i, k] = math.log10(power * 1e9 * ts)
            G[12][i, k] = log10_y0 + ln_y / _LN10
            G[13][i, k] = 1.0 - real
            G[14][i, k] = deficit
            G[15][i, k] = 1.0 if paused else 0.0
            G[16][i, k] = -math.expm1(-cumhaz)
            G[17][i, k] = gen
            G[18][i, k] = 1.0
            G[19][i, k] = phys
            k_rep = k_rep + 1

        if (t >= horizon - _EPS and k_rep >= n_rep) or bad:
            break
        if it > 2_000_000:  # pragma: no cover - guard against a logic error looping forever
            raise RuntimeError("engine kernel did not terminate")
    # report times the row never reached (it diverged) hold NaN, so the grids need no fill beforehand
    for k in range(k_rep, n_rep):
        for g in G:
            g[i, k] = np.nan
    return it


@njit(cache=True, error_model="numpy", nogil=True)
def run_rows(lo, hi, P, idx, x0v, K0v, expv, times, lev, trips, streams, seed, out, G, tstate):
    """Rows lo..hi-1 of the chunk; returns the steps they took. Without the GIL, so threads can
    run disjoint row ranges of the same arrays at once (a row writes only its own cells)."""
    steps = 0
    for i in range(lo, hi):
        steps += _row(i, P, idx, x0v, K0v, expv, times, lev, trips, streams, seed, out, G, tstate)
    return steps


@njit(cache=True, error_model="numpy", nogil=True)
def summarize_rows(lo, hi, G, w, last, peak):
    """What :func:`recloop.engine._finalize` reads from the report grids, for rows lo..hi-1, in
    place of its whole-chunk numpy passes (their temporaries cost a chunk more than the rows
    themselves): ``last[v, i]``, grid v's last non-NaN cell of row i (its first cell, NaN, if none);
    ``peak[i]``, the largest rise of effective compute over ``w`` report steps (float64 of the
    float32 cells; NaN where there is none, or it is not finite). The single developer's market
    share is 1 wherever effective compute was written, NaN elsewhere, as ``_finalize`` sets it."""
    cap = G[G_CAP]
    share = G[G_SHARE]
    n_rep = cap.shape[1]
    for i in range(lo, hi):
        for k in range(n_rep):
            share[i, k] = np.nan if cap[i, k] != cap[i, k] else 1.0
        for v in range(len(G)):
            g = G[v]
            val = np.float64(g[i, 0])
            for k in range(n_rep - 1, -1, -1):
                if g[i, k] == g[i, k]:
                    val = np.float64(g[i, k])
                    break
            last[v, i] = val
        best = -np.inf
        for k in range(n_rep - w):
            gain = np.float64(cap[i, k + w]) - np.float64(cap[i, k])
            if gain > best:  # NaN never compares greater: skipped, as nanmax over NaN -> -inf
                best = gain
        peak[i] = best if (n_rep > w and math.isfinite(best)) else np.nan


def threads_for(n_rows: int) -> int:
    """How many threads the compiled core runs a chunk on: :func:`recloop.engine.worker_threads`
    (``RECLOOP_THREADS``, else the usable cores, one in a worker), never more than one per 256 rows."""
    from recloop.engine import worker_threads

    return max(1, min(worker_threads(), n_rows // 256))


def run_chunk_rows(threads, *args):
    """Every row of a chunk, on ``threads`` threads taking blocks of rows in turn (rows differ in
    their step counts, so small blocks keep the threads equally busy); the results do not depend
    on the thread count."""
    return _on_threads(run_rows, args[1].shape[0], threads, *args)


def _on_threads(fn, n, threads, *args):
    """``fn(lo, hi, *args)`` over rows 0..n-1 in blocks taken in turn by ``threads`` threads; the
    sum of what it returns."""
    if threads <= 1:
        return fn(0, n, *args)
    block = max(64, n // (16 * threads))
    starts = range(0, n, block)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return sum(r or 0 for r in pool.map(lambda lo: fn(lo, min(lo + block, n), *args), starts))



# ---------------------------------------------------------------------------- the Python side
#: row-steps taken by the last chunk (benchmarks read it)
STATS = {"row_steps": 0}

def simulate_chunk(scenario, policy, index, seed, *, years, times, method="mc", max_step_years=0.25,
                   max_step_oom=0.1, params=None, grid_out=None, max_steps_per_sample=200_000, threads=None):
    """:func:`recloop.engine.simulate_chunk` for a single developer (no ``[[actors]]``), compiled.

    Same arguments and results. ``threads``: how many threads run the chunk's rows (default
    :func:`threads_for`); the results are the same for any count."""
    from recloop import engine
    from recloop.mechanisms import physical
    from recloop.mechanisms.halts import RESPONSES
    from recloop.params import RecloopInputError
    from recloop.sampling import draw_parameters, stream_id, uniform as np_uniform

    if scenario.actors:  # pragma: no cover - the dispatcher never sends actors here
        raise ValueError("the compiled engine core runs single-developer scenarios only")
    n = index.size
    P = draw_parameters(scenario, index, seed, method=method) if params is None else params
    lev_c, lev_v, lev_s = policy.containment, policy.verification, policy.stop
    diverted = lev_v.compute_share + lev_c.sandbox_overhead
    if diverted >= 1.0:
        raise RecloopInputError([f"policy: verification.compute_share + containment.sandbox_overhead must be < 1, got {diverted:g}"])
    trips = policy.tripwires
    lev = np.zeros(N_LEVERS)
    lev[L_MAX_YEARS], lev[L_MAX_OOM], lev[L_MIN_YEARS] = max_step_years, max_step_oom, engine.StepRules().min_years
    lev[L_HORIZON] = float(years)
    lev[L_DIVERTED] = diverted
    lev[L_SANDBOX_LAT] = lev_c.sandbox_latency_days / engine._DAYS
    lev[L_AIR_GAP], lev[L_SANDBOX_CATCH], lev[L_HAZ_RED] = lev_c.air_gap, lev_c.sandbox_catch_rate, lev_c.hazard_reduction
    lev[L_TPR], lev[L_FPR] = lev_c.detection_tpr, lev_c.detection_fpr
    lev[L_DETECT_ON] = float(lev_c.detection_tpr > 0 or lev_c.detection_fpr > 0)
    lev[L_DEPRECATE] = float(bool(lev_c.deprecate_lineage))
    lev[L_COMPUTE_SHARE], lev[L_SAFETY] = lev_v.compute_share, lev_v.safety_effort
    lev[L_GATE0] = float(bool(lev_v.release_requires_verification))
    lev[L_HALTS_RESEARCH] = float(bool(lev_s.halts_research))
    lev[L_LATENCY], lev[L_RELIABILITY], lev[L_MAX_PAUSE] = lev_s.latency_days / engine._DAYS, lev_s.reliability, lev_s.max_pause_years
    lev[L_X_REF] = physical.reference_compute(scenario.start_year)
    lev[L_MAX_STEPS] = float(max_steps_per_sample)
    lev[L_START_YEAR] = float(scenario.start_year)
    tw = np.zeros((len(trips), N_TRIP))
    streams = np.zeros((len(trips) + 1, 2), dtype=np.uint64)
    for j, w in enumerate(trips):
        tw[j] = (METRIC_CODES[w.metric], w.threshold, w.cadence_years, w.error_sd, w.lag_years,
                 int(RESPONSES[w.response]), w.pause_years)
        streams[j] = (stream_id("tripwire:" + w.name), stream_id("stop:" + w.name))
    streams[len(trips), 0] = stream_id("detection")

    Pm = np.empty((len(PARAMS), n))
    for k, name in enumerate(PARAMS):
        Pm[k] = P[name]
    x0 = np.ascontiguousarray(physical.initial_compute(P), dtype=float)
    K0 = np.ascontiguousarray(engine.start_capability(P, scenario.start_year), dtype=float)
    exp_draw = -np.log(np_uniform(seed, index, stream_id("catastrophe")))

    O = engine._new_outcomes(n, index)
    missing = set(O) - set(OUTCOMES) - {"sample"}
    if missing:  # pragma: no cover - an outcome added to the numpy engine but not here
        raise RuntimeError(f"engine_kernel: outcomes not written by the compiled core: {sorted(missing)}")
    out = np.empty((len(OUTCOMES), n))
    for k, name in enumerate(OUTCOMES):
        out[k] = O[name]
    n_rep = times.size
    if set(GRIDS) != set(engine.TRAJECTORY_VARS):  # pragma: no cover - a variable added to one engine only
        raise RuntimeError(f"engine_kernel: report variables differ from the numpy engine's: "
                           f"{sorted(set(GRIDS) ^ set(engine.TRAJECTORY_VARS))}")
    if grid_out is not None:
        G = grid_out
    else:  # every cell is written by the kernel (NaN where a row never reached the time)
        G = {k: np.empty((n, n_rep), dtype=np.float32) for k in engine.TRAJECTORY_VARS}
    grids = tuple(np.ascontiguousarray(G[k]) for k in GRIDS)
    if any(g is not G[k] for g, k in zip(grids, GRIDS)):  # pragma: no cover
        raise ValueError("grid_out: every grid must be a C-contiguous float32 array")
    tstate = np.zeros((n, max(1, len(trips)), 3))
    threads = threads_for(n) if threads is None else threads
    steps = run_chunk_rows(threads, Pm, np.ascontiguousarray(index, dtype=np.int64),
                           x0, K0, exp_draw, np.ascontiguousarray(times, dtype=float), lev, tw, streams, int(seed),
                           out, grids, tstate)
    for k, name in enumerate(OUTCOMES):
        O[name] = out[k].astype(O[name].dtype)
    last = np.empty((len(GRIDS), n))
    peak = np.empty(n)
    _on_threads(summarize_rows, n, threads, grids, engine.peak_window(times), last, peak)
    engine._finalize(O, G, times, {}, P, summaries=(peak, dict(zip(GRIDS, last))))
    STATS["row_steps"] = int(steps)
    return O, G

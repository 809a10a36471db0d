"""Compiled form of ``recloop.reference.ccf.simulate`` (numba): the same model, one sample at a
time in plain loops, so that a single simulation costs microseconds per step instead of one numpy
call per quantity. ``ccf.simulate`` uses it when numba is importable and falls back to the
vectorised numpy code otherwise (this module, and numba, are imported on first use);
``tests/reference/test_reference_ccf.py`` holds the two to 1e-9 of each other. The model, its
sources and its simplifications are documented in ``ccf``; this module only restates its
arithmetic, in the same order.

The compiled code is cached on disk (numba ``cache=True``), so a fresh install pays the compile
(a few seconds) once.
"""

from __future__ import annotations

import math

import numpy as np

try:  # pragma: no cover - exercised through ccf.simulate
    from numba import njit

    from recloop import libm_cores

    libm_cores.bind()  # exp, log, pow: glibc's cores, not its errno wrappers
    AVAILABLE = True
except ImportError:  # pragma: no cover
    AVAILABLE = False

    def njit(*_args, **_kwargs):  # type: ignore[no-redef]  # plain Python then; ccf never calls them
        return lambda f: f

# indices of the constants vector (built by ccf._kernel_constants)
(C_HW0, C_CAPITAL0, C_POP0, C_GWP0, C_FRAC_GWP0, C_RUN0, C_RND_HW0, C_RND_SW0, C_CUM_HW, C_CUM_SW, C_BUY0,
 C_HW_RETURNS, C_HW_CEIL, C_INVEST, C_LABOUR_G, C_TFP_G, C_RAMPUP, C_MONEY_CAP, C_EXP_EFF, C_RHO_L, C_RHO_G,
 C_RHO_HW, C_RHO_SW, C_SHARE_G, C_SHARE_HW, C_SHARE_SW, C_RT_TOP_G, C_RT_TOP_R, C_RT_GAP, C_K_TR, C_LOG_MAX,
 C_FULL, C_DT, C_T0, C_PAUSE_AT, C_PAUSE_YEARS, C_TOP_R_SHIFT) = range(37)
N_CONSTANTS = 37
#: columns of the optional per-step trace
TRACE = ("t", "automated", "automatable", "run", "software", "hardware", "gwp", "buyable", "labour_goods",
         "cognitive_goods", "log_perf")


@njit(cache=True)
def pooled(labour, ai, a, rho):
    """``ccf._cognitive`` for one sector of one sample."""
    if a <= 0.0:
        return labour, 0.0
    pool = labour + ai
    if ai < a * pool:
        out = pool
    else:
        a_c = min(max(a, 1e-12), 1.0)
        rest = min(max(1.0 - a, 0.0), 1.0)
        tail = rest ** (1 - rho) * max(labour, 1e-300) ** rho if rest > 0 else 0.0
        out = (a_c ** (1 - rho) * max(ai, 1e-300) ** rho + tail) ** (1.0 / rho)
    return out, min(a, ai / pool)


@njit(cache=True)
def tasks(labour, compute, base, log_run, k_tr, n_auto, rho):
    """``ccf.allocate`` for one sector of one sample (stops at the critical task); task m's
    log productivity is ``-ln 10 max(base_m - k_tr log10 R, 0)``."""
    big_n = base.shape[0]
    s = 1.0 / (1.0 - rho)
    z = 0.0  # Z_m
    b = n_auto
    for m in range(n_auto):
        log_eta = -math.log(10.0) * max(base[m] - k_tr * log_run, 0.0)
        w = math.exp((s - 1.0) * log_eta)
        eta = math.exp(log_eta)
        d = (big_n - m) + z / w
        y = (labour + eta * compute) / d
        lab = labour - (big_n - 1 - m) * y
        if lab >= 0:
            comp = compute - y * z / (w * eta)
            if comp >= 0:
                out = big_n ** (1 - 1 / rho) * (labour + eta * compute) * d ** (1 / rho - 1)
                count = m + (1 if eta * comp > 10 * lab else 0)
                return out, count / big_n
            b = m
            break
        z += w
    if b == 0:
        return labour, 0.0
    rest = big_n - b
    inner = compute ** rho * z ** (1 - rho) + (rest ** (1 - rho) * labour ** rho if rest > 0 else 0.0)
    return big_n * (inner / big_n) ** (1 / rho), b / big_n


@njit(cache=True)
def interp_knots(x, xp, fp):
    return np.interp(x, xp, fp)


@njit(cache=True)
def kernel(top_g, gap, sw_returns, lam, sw_ceiling, delay, depreciation, c, fr_init, fr_g, fr_up, fr_ceil,
           knot_q, knot_k, grid_k, tradeoff, steps, marks, wake, paused, final_sw, final_gwp, trace):
    n = top_g.shape[0]
    n_tasks = grid_k.shape[0]
    dt = c[C_DT]
    neg_kk = -knot_k
    tr_g = np.empty(n_tasks)
    tr_r = np.empty(n_tasks)
    base_g = np.empty(n_tasks)
    base_r = np.empty(n_tasks)
    frac = np.empty(7)
    lab3 = np.empty(3)
    comp3 = np.empty(3)
    k3 = np.empty(3)
    cog3 = np.empty(3)
    alpha = np.empty(3)
    scale = np.empty(3)
    rho3 = np.empty(3)
    shares = np.array([c[C_SHARE_G], c[C_SHARE_HW], c[C_SHARE_SW]])
    pause_at = c[C_PAUSE_AT]
    has_pause = not math.isnan(pause_at)
    for q in range(n):
        lam_q = lam[q]
        top_r = top_g[q] - c[C_TOP_R_SHIFT]
        gap_q = gap[q]
        if tradeoff:
            for j in range(n_tasks):
                tr_g[j] = top_g[q] - grid_k[j] * (gap_q / 7.0)
                tr_r[j] = top_r - grid_k[j] * (gap_q / 7.0)
                base_g[j] = (c[C_RT_TOP_G] - grid_k[j] * (c[C_RT_GAP] / 7.0)) + c[C_K_TR] * tr_g[j]
                base_r[j] = (c[C_RT_TOP_R] - grid_k[j] * (c[C_RT_GAP] / 7.0)) + c[C_K_TR] * tr_r[j]
        rho3[0] = c[C_RHO_G]
        rho3[1] = c[C_RHO_HW] * lam_q
        rho3[2] = c[C_RHO_SW]
        hardware = c[C_HW0]
        capital = c[C_CAPITAL0]
        labour = c[C_POP0]
        tfp = 1.0
        gwp = c[C_GWP0]
        for j in range(7):
            frac[j] = fr_init[j]
        frac[0] = c[C_FRAC_GWP0]
        frac[1] = c[C_RUN0] / hardware
        ret_h = c[C_HW_RETURNS] / lam_q
        ret_s = sw_returns[q] / lam_q
        rnd_h = c[C_RND_HW0]
        rnd_s = c[C_RND_SW0]
        cum_h = rnd_h ** lam_q / (c[C_CUM_HW] * lam_q)
        cum_s = rnd_s ** lam_q / (c[C_CUM_SW] * lam_q)
        log_g0 = math.log1p(c[C_CUM_HW] * lam_q * dt) * ret_h
        d = delay[q]
        lv_h = math.log(c[C_BUY0]) + d * log_g0
        lv_s = 0.0
        ceil_h = c[C_HW_CEIL]
        ceil_s = math.log(sw_ceiling[q])
        span_h = ceil_h - lv_h
        span_s = ceil_s
        software = 1.0
        ring = np.empty(d + 1)
        ring[0] = lv_h
        keep = (1 - depreciation[q]) ** dt
        log_buy0 = math.log(c[C_BUY0])
        buy = c[C_BUY0]
        m0 = m1 = m2 = m3 = np.nan
        twake = np.nan
        pause_start = np.nan
        run_cap = np.inf
        prev_auto = 0.0
        for i in range(steps + 1):
            t = c[C_T0] + i * dt
            if i > 0:
                add_h = rnd_h ** lam_q * dt
                add_s = rnd_s ** lam_q * dt
                if has_pause and t >= pause_start and t < pause_start + c[C_PAUSE_YEARS]:
                    add_h = 0.0
                    add_s = 0.0
                new_h = cum_h + add_h
                new_s = cum_s + add_s
                lv_h = min(lv_h + math.log(new_h / cum_h) * ret_h * ((ceil_h - lv_h) / span_h), ceil_h)
                lv_s = min(lv_s + math.log(new_s / cum_s) * ret_s * ((ceil_s - lv_s) / span_s), ceil_s)
                cum_h = new_h
                cum_s = new_s
                software = math.exp(lv_s)
                ring[i % (d + 1)] = lv_h
                awake = prev_auto >= c[C_RAMPUP]
                if math.isnan(twake) and awake:
                    twake = t
                old_train = frac[1]
                for j in range(7):
                    frac[j] = min(frac[j] * math.exp(dt * (fr_up[j] if awake else fr_g[j])), fr_ceil[j])
                money = hardware * old_train / buy
                if money > c[C_MONEY_CAP] and not awake:
                    frac[1] = old_train
                back = i - d
                log_buy = ring[back % (d + 1)] if back >= 0 else log_buy0 + i * log_g0
                buy = math.exp(log_buy)
                hardware = hardware * keep + gwp * frac[0] * dt * buy
                capital = capital + gwp * c[C_INVEST] * dt
                labour = labour * c[C_LABOUR_G]
                tfp = tfp * c[C_TFP_G]
            compute = hardware * software
            run = compute * frac[1]
            if has_pause:
                run = min(run, run_cap)
            log_run = math.log10(run)
            lab3[0] = labour * (1 - frac[3] - frac[5])
            lab3[1] = labour * frac[3]
            lab3[2] = labour * frac[5]
            comp3[0] = compute * (1 - frac[4] - frac[6] - frac[1])
            comp3[1] = compute * frac[4]
            comp3[2] = compute * frac[6]
            if tradeoff:
                # requirements ascend along the grid: count until the first one out of reach
                n_plain = 0
                while n_plain < n_tasks and tr_g[n_plain] < log_run:
                    n_plain += 1
                a_g = n_plain / n_tasks
                for sector in range(3):
                    tr = tr_g if sector == 0 else tr_r
                    base = base_g if sector == 0 else base_r
                    n_auto = 0
                    while n_auto < n_tasks and tr[n_auto] < log_run + c[C_LOG_MAX]:
                        n_auto += 1
                    out, share = tasks(lab3[sector], comp3[sector], base, log_run, c[C_K_TR], n_auto, c[C_RHO_L])
                    cog3[sector] = out
                    if sector == 0:
                        auto_g = share
            else:
                for sector in range(3):
                    top = top_g[q] if sector == 0 else top_r
                    x = (top - log_run) * 7.0 / gap_q
                    a = interp_knots(-x, neg_kk, knot_q)
                    rt_top = c[C_RT_TOP_G] if sector == 0 else c[C_RT_TOP_R]
                    rt = 10.0 ** (rt_top - interp_knots(a, knot_q, knot_k) * c[C_RT_GAP] / 7.0)
                    out, share = pooled(lab3[sector], comp3[sector] / rt, a, c[C_RHO_L])
                    cog3[sector] = out
                    if sector == 0:
                        a_g = a
                        auto_g = share
            k3[0] = capital * (1 - frac[2])
            k3[1] = capital * frac[2]
            k3[2] = hardware ** c[C_EXP_EFF]
            if i == 0:
                for sector in range(3):
                    odds = shares[sector] / (1 - shares[sector]) * (cog3[sector] / k3[sector]) ** rho3[sector]
                    alpha[sector] = odds / (1 + odds)
            y0 = tfp * (alpha[0] * k3[0] ** rho3[0] + (1 - alpha[0]) * cog3[0] ** rho3[0]) ** (1.0 / rho3[0])
            y1 = tfp * (alpha[1] * k3[1] ** rho3[1] + (1 - alpha[1]) * cog3[1] ** rho3[1]) ** (1.0 / rho3[1])
            y2 = tfp * (alpha[2] * k3[2] ** rho3[2] + (1 - alpha[2]) * cog3[2] ** rho3[2]) ** (1.0 / rho3[2])
            if i == 0:
                scale[0] = c[C_GWP0] / y0
                scale[1] = rnd_h / y1
                scale[2] = rnd_s / y2
            gwp = y0 * scale[0]
            rnd_h = y1 * scale[1]
            rnd_s = y2 * scale[2]
            if math.isnan(m0) and auto_g >= 0.2:
                m0 = t
            if math.isnan(m1) and auto_g >= c[C_FULL]:
                m1 = t
            if math.isnan(m2) and a_g >= 0.2:
                m2 = t
            if math.isnan(m3) and a_g >= 1.0:
                m3 = t
            if has_pause:
                if math.isnan(pause_start) and auto_g >= pause_at:
                    pause_start = t + dt
                    run_cap = run
                if t + dt >= pause_start + c[C_PAUSE_YEARS]:
                    run_cap = np.inf
            prev_auto = auto_g
            if trace.shape[0] > 0:
                row = trace[q, i]
                row[0] = t
                row[1] = auto_g
                row[2] = a_g
                row[3] = run
                row[4] = software
                row[5] = hardware
                row[6] = gwp
                row[7] = buy
                row[8] = lab3[0]
                row[9] = cog3[0]
                row[10] = lv_h
        marks[0, q] = m0
        marks[1, q] = m1
        marks[2, q] = m2
        marks[3, q] = m3
        wake[q] = twake
        paused[q] = not math.isnan(pause_start)
        final_sw[q] = software
        final_gwp[q] = gwp

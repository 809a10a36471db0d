"""Evidence channels: likelihood ratios per unit time against the prior odds of a covert project
(issue 18, item 2).

An analyst tests H1 "this covert project exists" against H0 "it does not". Each channel turns
what it observes into a log-likelihood ratio (log-LR) that accrues over time; independent
channels add. The posterior log odds are ``ln(prior_odds) + sum_c L_c(t)``; at each check (the
regime's cadence) the analyst accuses when the posterior probability reaches the declared
threshold. Accusations in worlds without a covert project are false alarms, and are counted.

Channel kinds
-------------
* **Accounting channels** (chip stock / export records, energy consumption, satellite imagery
  of data-centre capacity, SME / lithography inventories). The analyst re-estimates a quantity
  whose declared value hides a covert share f; the estimate's log error is normal with the
  median absolute error m of the source (sd ``sigma = m / 0.6745``). The discrepancy the
  project causes is ``delta = -ln(1 - f)``. With ``n`` independent estimates a year the log-LR is
  a Brownian motion on the *evidence clock* ``tau(t) = int n (delta/sigma)^2 dt`` with drift
  ``+tau/2`` under H1 and ``-tau/2`` under H0 and variance ``tau`` (the log-LR of a normal shift).
  ``n = 0`` means one estimate at the start (the AI Futures model's static accounting).
* **Workforce leaks** (whistle-blowers, defectors, human intelligence). Under H1 credible leaks
  arrive with the hazard of the AI Futures Project's Gamma time-to-detection, whose mean falls
  with the log of the workforce N, ``mu(N) = A / log10(N)^B`` (fitted on twelve covert nuclear
  programmes: 6.95 yr at 100 workers, 3.42 yr at 1,000, Gamma scale 3.88 yr), on top of false
  leaks at ``false_leak_rate_per_year`` that occur under both hypotheses. Before the first leak
  the log-LR is ``-H1(t)`` (the survival of the leak clock, as in the AI Futures model); the
  first leak adds ``ln((h1 + r0) / r0)``; the channel then closes.
* **On-chip telemetry** (hardware-enabled mechanisms: FlexHEG usage reporting, location
  verification). Registered chips in the covert cluster whose telemetry still works report the
  workload ``telemetry_reports_per_year`` times a year; a report is flagged as training with
  probability ``fpr + w (tpr - fpr)`` under H1 (w: share of the cluster's compute reporting) and
  ``fpr`` under H0. Rahman & Tajdari 2026 (arXiv:2606.19262): 98.2% accuracy overall, 43-87%
  under adversarial disguise (default tpr 0.65, the middle of that range; fpr 1.8%).

Closed forms (tested): for accounting channels alone the time to the threshold is the first
passage of a unit Brownian motion with drift 1/2 to ``D = ln(threshold_odds / prior_odds)`` on
the evidence clock, an inverse Gaussian with mean ``2 D`` and shape ``D^2``
(:func:`first_passage_cdf`); under H0 the probability of ever accusing is ``exp(-D)``
(``prior_odds / threshold_odds``, Wald's identity: the LR is a martingale under H0), and by
clock time ``tau`` it is :func:`false_alarm_cdf`. Checks at discrete times can only lower both.

The time grid is the regime's check cadence; every increment is exact for any interval
(Brownian and Poisson increments), so evidence accrues at the same rate whatever the cadence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special  # scipy.stats is imported where used: `recloop --help` stays light

from recloop.governance import covert
from recloop.params import Block, LogUniform, RecloopInputError, Uniform, param

__all__ = [
    "ACCOUNTING",
    "CHANNELS",
    "Evidence",
    "EvidenceRun",
    "Grants",
    "false_alarm_cdf",
    "first_passage_cdf",
    "first_passage_median",
    "information_rates",
    "leak_constants",
    "leak_mean_years",
    "sigma_from_median_error",
    "WIDE",
    "draw_wide",
    "simulate_evidence",
    "simulate_wide",
]

_AIF = "AI Futures Project covert-compute model, parameter documentation (Joshuaclymer/ai_futures_model)"
_MAD = 0.6744897501960817  # median |Z| of a standard normal

#: channels in the order they are reported
CHANNELS = ("chip_accounting", "energy", "satellite", "sme", "leaks", "telemetry")
ACCOUNTING = ("chip_accounting", "energy", "satellite", "sme")


class Evidence(Block):
    """How good the evidence is (the intelligence apparatus and the hardware; uncertainties)."""

    prior_odds: float = param(
        0.25, unit="odds", bounds=(1e-4, 100.0), log=True,
        doc="Prior odds that the covert project exists, before any evidence.",
        source=_AIF + ": prior_odds_of_covert_project = 0.25 ('rough estimate')")
    chip_median_error: float = param(
        0.07, unit="fraction", bounds=(0.001, 1.0), log=True,
        doc="Median relative error of the estimate of the actor's AI-chip stock.",
        source=_AIF + ": 7%, half the ~15% median error of US estimates of weapons stockpiles 1960-2025")
    energy_median_error: float = param(
        0.05, unit="fraction", bounds=(0.001, 1.0), log=True,
        doc="Median relative error of the estimate of the host's energy consumption.",
        source=_AIF + ": 5% on datacenter energy consumption")
    satellite_median_error: float = param(
        0.05, unit="fraction", bounds=(0.001, 1.0), log=True,
        doc="Median relative error of satellite estimates of declared data-centre capacity.",
        source=_AIF + ": 5% for unconcealed facilities")
    sme_median_error: float = param(
        0.07, unit="fraction", bounds=(0.001, 1.0), log=True,
        doc="Median relative error of the estimate of the host's lithography-scanner (SME) inventory.",
        source=_AIF + ": 7% (concentrated supply chain, servicing records)")
    estimates_per_year: float = param(
        1.0, unit="1/yr", bounds=(0.0, 52.0),
        doc="Independent re-estimates per year of each accounted quantity (0: one estimate at the start).",
        source="assumption; the AI Futures model makes one static estimate of chips, SME and satellite capacity and re-draws energy each step")
    leak_mean_years_100: float = param(
        6.95, unit="yr", bounds=(0.5, 50.0),
        doc="Mean time to a credible leak for a covert project of 100 workers.",
        source=_AIF + ": mean_detection_time_for_100_workers, fitted on 12 covert nuclear programmes")
    leak_mean_years_1000: float = param(
        3.42, unit="yr", bounds=(0.2, 50.0),
        doc="Mean time to a credible leak for a covert project of 1,000 workers.",
        source=_AIF + ": mean_detection_time_for_1000_workers")
    leak_scale_years: float = param(
        3.88, unit="yr", bounds=(0.1, 20.0),
        doc="Scale of the Gamma time-to-leak (variance = scale x mean).",
        source=_AIF + ": variance_of_detection_time_given_num_workers = 3.88, used as the Gamma scale")
    false_leak_rate_per_year: float = param(
        0.01, unit="1/yr", bounds=(1e-4, 10.0), log=True,
        doc="Rate of credible-looking but false leaks, under either hypothesis.",
        source="assumption; the AI Futures model gives a leak a fixed LR of 100, which a true-leak hazard "
               "of ~1/yr implies at ~0.01 false leaks a year; sample wide")
    telemetry_tpr: float = param(
        0.65, unit="probability", bounds=(0.0, 1.0),
        doc="Probability a telemetry report from a disguised covert training cluster is flagged as training.",
        source="Rahman & Tajdari 2026, arXiv:2606.19262: 43-87% under adversarial disguise (98.2% undisguised)")
    telemetry_fpr: float = param(
        0.018, unit="probability", bounds=(1e-4, 0.5), log=True,
        doc="Probability a report from a cluster doing declared, permitted work is flagged as training.",
        source="Rahman & Tajdari 2026, arXiv:2606.19262: 98.2% accuracy overall (1 - 0.982)")


@dataclass(frozen=True)
class Grants:
    """Which channels a regime grants and from when (years after the agreement starts), the
    check cadence, the accusation threshold and the share of chips with telemetry."""

    channels: dict
    check_years: float = 0.25
    threshold_probability: float = 0.8
    registered_share: float = 0.0
    telemetry_reports_per_year: float = 12.0


def sigma_from_median_error(median_error):
    """Sd of the log error whose median absolute value is ``median_error``."""
    return np.asarray(median_error, dtype=float) / _MAD


def _discrepancy(f):
    return -np.log1p(-np.clip(np.asarray(f, dtype=float), 0.0, 1.0 - 1e-12))


def first_passage_cdf(tau, distance):
    """P(log-LR reaches ``distance`` by evidence-clock time ``tau``) under H1 (drift +1/2)."""
    tau = np.maximum(np.asarray(tau, dtype=float), 1e-300)
    d = np.asarray(distance, dtype=float)
    r = np.sqrt(tau)
    out = special.ndtr((tau / 2 - d) / r) + np.exp(d + special.log_ndtr((-tau / 2 - d) / r))
    return np.where(d <= 0, 1.0, np.clip(out, 0.0, 1.0))


def false_alarm_cdf(tau, distance):
    """P(log-LR reaches ``distance`` by clock time ``tau``) under H0 (drift -1/2); -> exp(-D)."""
    tau = np.maximum(np.asarray(tau, dtype=float), 1e-300)
    d = np.asarray(distance, dtype=float)
    r = np.sqrt(tau)
    out = special.ndtr((-tau / 2 - d) / r) + np.exp(-d + special.log_ndtr((tau / 2 - d) / r))
    return np.where(d <= 0, 1.0, np.clip(out, 0.0, 1.0))


def first_passage_median(distance):
    """Median evidence-clock time to the threshold: the median of an inverse Gaussian with
    mean 2D and shape D^2."""
    d = float(distance)
    mean, shape = 2.0 * d, d * d
    from scipy import stats

    return float(stats.invgauss.median(mean / shape, scale=shape))


def leak_constants(ev: Evidence):
    """(A, B) of mu(N) = A / log10(N)^B through the two declared means (100 and 1,000 workers)."""
    b = np.log(ev.leak_mean_years_100 / ev.leak_mean_years_1000) / np.log(3.0 / 2.0)
    return ev.leak_mean_years_100 * 2.0 ** b, b


def leak_mean_years(workers, ev: Evidence):
    """Mean time to a credible leak for ``workers`` workers (inf for one worker or fewer)."""
    a, b = leak_constants(ev)
    n = np.asarray(workers, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 1.0, a / np.power(np.log10(np.maximum(n, 1.0 + 1e-12)), b), np.inf)


def _leak_cum_hazard(t, workers, ev: Evidence):
    """Cumulative hazard H1 of the Gamma leak clock on a fine grid ``t`` (workforce may vary):
    each sub-interval adds -ln S(t2)/S(t1) of the Gamma for its midpoint workforce."""
    from scipy import stats

    mid_n = 0.5 * (workers[1:] + workers[:-1])
    mu = leak_mean_years(mid_n, ev)
    k = np.where(np.isfinite(mu), mu / ev.leak_scale_years, np.inf)
    with np.errstate(invalid="ignore"):
        lo = stats.gamma.logsf(t[:-1], a=np.where(np.isfinite(k), k, 1.0), scale=ev.leak_scale_years)
        hi = stats.gamma.logsf(t[1:], a=np.where(np.isfinite(k), k, 1.0), scale=ev.leak_scale_years)
    dh = np.where(np.isfinite(k), lo - hi, 0.0)
    return np.concatenate([[0.0], np.cumsum(np.maximum(dh, 0.0))])


def information_rates(t, project: covert.CovertProject, ev: Evidence):
    """Per accounting channel, the information rate n (delta/sigma)^2 per year at ``t`` (or,
    with ``estimates_per_year = 0``, the information of the one estimate at the start)."""
    t = np.asarray(t, dtype=float)
    div, fab = covert.covert_chips_h100e(t, project)
    dgw, cgw = covert.covert_power_gw(t, project)
    covert_gw = np.minimum(dgw + cgw, (div + fab) * project.watts_per_h100e / 1e9)
    delta = {
        # the stock declared is the host's minus what was diverted (fab chips were never declared)
        "chip_accounting": _discrepancy(div / project.host_stock_h100e),
        "energy": _discrepancy(covert_gw / project.national_power_gw),
        "satellite": _discrepancy(dgw / project.declared_dc_gw),
        "sme": _discrepancy(np.full(t.shape, project.sme_divert_share)),
    }
    err = {"chip_accounting": ev.chip_median_error, "energy": ev.energy_median_error,
           "satellite": ev.satellite_median_error, "sme": ev.sme_median_error}
    return {c: (delta[c] / sigma_from_median_error(err[c])) ** 2 for c in ACCOUNTING}


@dataclass
class EvidenceRun:
    """Detection times (years since the project began; inf: not by the horizon) per channel
    alone and combined, in worlds with the project (H1) or without it (H0)."""

    times: dict
    check_times: np.ndarray
    covert: bool
    horizon: float
    distance: float
    #: mean log-LR per channel at the horizon (the evidence accrued, whatever the cadence)
    mean_log_lr: dict | None = None

    def p_detected(self, key="combined", by=None):
        by = self.horizon if by is None else by
        return float(np.mean(self.times[key] <= by + 1e-9))

    def quantiles(self, key="combined", qs=(0.1, 0.5, 0.9)):
        """Quantiles of the detection time (inf where fewer than that share are detected)."""
        t = np.sort(self.times[key])
        n = t.size
        return [float(t[min(n - 1, max(0, int(np.ceil(q * n)) - 1))]) for q in qs]


def simulate_evidence(project: covert.CovertProject, grants: Grants, ev: Evidence | None = None, *,
                      years: float = 10.0, samples: int = 4000, seed: int = 0, covert_present: bool = True,
                      noise: bool = True, fine_years: float = 0.01) -> EvidenceRun:
    """Posterior paths of ``samples`` worlds, checked every ``grants.check_years``.

    ``covert_present``: worlds with the project (H1) or without it (H0, false alarms only);
    the analyst's hypothesis is the same project either way. ``noise=False`` follows the
    expected log-LR (drift only, leaks and telemetry at their expected rates): the deterministic
    path whose time to threshold has a closed form. Stocks are integrated on a grid of at most
    ``fine_years`` (the same whatever the cadence).
    """
    ev = ev if ev is not None else Evidence()
    problems = []
    if not 0.0 < grants.threshold_probability < 1.0:
        problems.append(f"verification_regime.threshold_probability: must be in (0, 1), got {grants.threshold_probability!r}")
    if not 0.0 < grants.check_years <= years:
        problems.append(f"monitoring.period_years: must be in (0, {years:g}] yr, got {grants.check_years!r}")
    if not 1 <= samples <= 10_000_000:
        problems.append(f"samples: must be in [1, 10,000,000], got {samples!r}")
    if problems:
        raise RecloopInputError(problems)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 18, int(covert_present)]))
    dt = grants.check_years
    K = int(np.floor(years / dt + 1e-9))
    sub = max(2, int(np.ceil(dt / fine_years - 1e-9)))
    checks = dt * np.arange(1, K + 1)
    fine = np.linspace(0.0, K * dt, K * sub + 1)
    thr = np.log(grants.threshold_probability / (1.0 - grants.threshold_probability))
    start = np.log(ev.prior_odds)
    distance = thr - start
    s = 1.0 if covert_present else -1.0
    ch = grants.channels

    def on(c, t):
        return (c in ch) and (t >= ch[c] - 1e-12)

    # accounting channels: evidence-clock increments per check interval
    rates = information_rates(fine, project, ev)
    dtau = {}
    for c in ACCOUNTING:
        if c not in ch:
            continue
        if ev.estimates_per_year > 0:
            r = ev.estimates_per_year * rates[c] * (fine >= ch[c] - 1e-12)
            cum = np.concatenate([[0.0], np.cumsum(0.5 * (r[1:] + r[:-1]) * np.diff(fine))])
            dtau[c] = np.diff(cum[::sub])
        else:
            # one estimate, made at the first check after the channel opens, of the stocks then
            k0 = int(np.searchsorted(checks, ch[c] - 1e-12))
            inc = np.zeros(K)
            if k0 < K:
                inc[k0] = float(rates[c][(k0 + 1) * sub])
            dtau[c] = inc

    # leaks: the Gamma leak clock of the (time-varying) workforce
    H1 = _leak_cum_hazard(fine, covert.covert_workforce(fine, project), ev) if "leaks" in ch else None
    r0 = ev.false_leak_rate_per_year
    # telemetry: the share of the cluster's compute that reports
    div, fab = covert.covert_chips_h100e(fine, project)
    w = grants.registered_share * (1.0 - project.tamper_share) * div / np.maximum(div + fab, 1e-300)
    q0 = ev.telemetry_fpr
    q1 = q0 + w * (ev.telemetry_tpr - q0)
    n_rep = grants.telemetry_reports_per_year

    L = {c: np.zeros(samples) for c in CHANNELS}
    times = {c: np.full(samples, np.inf) for c in CHANNELS + ("combined",)}
    leak_open = np.ones(samples, bool)
    if H1 is not None:
        # first leak: under H1 the earlier of a true leak (cumulative hazard H1) and a false one
        u_true = rng.exponential(size=samples)  # drawn in H0 worlds too: the same stream layout
        e_true = np.interp(u_true, H1, fine, right=np.inf) if covert_present else np.full(samples, np.inf)
        e_false = rng.exponential(1.0 / r0, size=samples)
        e_leak = np.minimum(e_true, e_false) if noise else np.full(samples, np.inf)
    for k in range(K):
        t0, t1 = k * dt, (k + 1) * dt
        seg = slice(k * sub, (k + 1) * sub + 1)
        for c, inc in dtau.items():
            d = inc[k]
            if d > 0:
                L[c] += s * d / 2 + (np.sqrt(d) * rng.standard_normal(samples) if noise else 0.0)
            elif noise:
                rng.standard_normal(samples)  # same stream layout whatever the channel's information
        if H1 is not None:
            h_seg = H1[seg]
            if noise:
                ev_now = leak_open & (e_leak <= t1)
                # before the leak the log-LR is -H1(t); at the leak it jumps by ln((h1 + r0) / r0)
                te = np.clip(e_leak, t0, t1)
                H_at = np.interp(np.where(ev_now, te, t1), fine, H1)
                eps = 1e-6
                h_at = (np.interp(te + eps, fine, H1) - np.interp(np.maximum(te - eps, 0.0), fine, H1)) / (2 * eps)
                L["leaks"] = np.where(leak_open, -H_at + np.where(ev_now, np.log((np.maximum(h_at, 0.0) + r0) / r0), 0.0),
                                      L["leaks"])
                leak_open = leak_open & ~ev_now
            else:
                # expected log-LR: E[dL] = (h1 + r0) ln((h1 + r0)/r0) - h1 under H1
                h = np.diff(h_seg) / np.diff(fine[seg])
                rate = ((h + r0) * np.log((h + r0) / r0) - h) if covert_present else (r0 * np.log((h + r0) / r0) - h)
                L["leaks"] += float(np.sum(rate * np.diff(fine[seg])))
        if "telemetry" in ch and n_rep > 0 and grants.registered_share > 0 and t1 > ch["telemetry"] + 1e-12:
            a = max(t0, ch["telemetry"])
            qa = float(np.mean(q1[seg]))
            lam = n_rep * (t1 - a)
            q = qa if covert_present else q0
            up, down = np.log(qa / q0), np.log((1.0 - qa) / (1.0 - q0))
            if noise:
                F = rng.poisson(lam * q, size=samples)
                G = rng.poisson(lam * (1.0 - q), size=samples)
                L["telemetry"] += F * up + G * down
            else:
                L["telemetry"] += lam * (q * up + (1.0 - q) * down)
        total = start + sum(L.values())
        for c in CHANNELS:
            if c in ch:
                hit = (start + L[c] >= thr) & ~np.isfinite(times[c])
                times[c][hit] = t1
        hit = (total >= thr) & ~np.isfinite(times["combined"])
        times["combined"][hit] = t1
    times = {c: v for c, v in times.items() if c in ch or c == "combined"}
    mean = {c: float(np.mean(L[c])) for c in CHANNELS if c in ch}
    mean["combined"] = float(sum(mean.values()))
    return EvidenceRun(times=times, check_times=checks, covert=covert_present, horizon=K * dt, distance=float(distance),
                       mean_log_lr=mean)


#: The assumptions (sources say "assumption" or "rough estimate") that ``recloop monitoring --wide``
#: samples, each over the range stated here (the only place it is stated): prior odds around the
#: AI Futures model's 0.25; independent re-estimates a year; false leaks; telemetry under disguise
#: (Rahman & Tajdari 2026's 43-87%) and its false positives; tampering; the concealed build rate;
#: the covert research workforce.
WIDE = {
    "evidence.prior_odds": LogUniform(dist="loguniform", low=0.05, high=1.0),
    "evidence.estimates_per_year": LogUniform(dist="loguniform", low=0.25, high=4.0),
    "evidence.false_leak_rate_per_year": LogUniform(dist="loguniform", low=0.001, high=0.1),
    "evidence.telemetry_tpr": Uniform(dist="uniform", low=0.43, high=0.87),
    "evidence.telemetry_fpr": LogUniform(dist="loguniform", low=0.005, high=0.05),
    "covert.tamper_share": Uniform(dist="uniform", low=0.0, high=1.0),
    "covert.concealed_gw_per_year": LogUniform(dist="loguniform", low=0.2, high=5.0),
    "covert.researchers": LogUniform(dist="loguniform", low=100.0, high=3000.0),
}


def draw_wide(ev: Evidence, project: covert.CovertProject, draws: int, seed: int):
    """``draws`` (Evidence, CovertProject) pairs with the :data:`WIDE` assumptions sampled
    (stratified: one draw per equal-probability stratum of each, randomly paired)."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 181]))
    out: list[tuple[dict[str, float], dict[str, float]]] = [({}, {}) for _ in range(draws)]
    for key, dist in WIDE.items():
        u = (rng.permutation(draws) + rng.uniform(size=draws)) / draws
        vals = dist.ppf(u)
        block, name = key.split(".")
        for j in range(draws):
            out[j][0 if block == "evidence" else 1][name] = float(vals[j])
    return [(ev.model_copy(update=e), project.model_copy(update=c)) for e, c in out]


def simulate_wide(project: covert.CovertProject, grants: Grants, ev: Evidence | None = None, *, draws: int = 20,
                  years: float = 10.0, samples: int = 4000, seed: int = 0, covert_present: bool = True) -> EvidenceRun:
    """:func:`simulate_evidence` over ``draws`` samples of the :data:`WIDE` assumptions, the
    worlds split evenly between them and pooled."""
    ev = ev if ev is not None else Evidence()
    if not 1 <= draws <= samples:
        raise RecloopInputError([f"draws: must be an integer in [1, samples = {samples}], got {draws!r}"])
    sizes = np.full(draws, samples // draws)
    sizes[: samples % draws] += 1
    runs = [simulate_evidence(p, grants, e, years=years, samples=int(n), seed=int(seed) * 1000 + j, covert_present=covert_present)
            for j, ((e, p), n) in enumerate(zip(draw_wide(ev, project, draws, seed), sizes))]
    times = {k: np.concatenate([r.times[k] for r in runs]) for k in runs[0].times}
    means = [r.mean_log_lr or {} for r in runs]
    mean = {k: float(np.average([m[k] for m in means], weights=sizes)) for k in means[0]}
    return EvidenceRun(times=times, check_times=runs[0].check_times, covert=covert_present, horizon=runs[0].horizon,
                       distance=float(np.mean([r.distance for r in runs])), mean_log_lr=mean)

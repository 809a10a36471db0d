"""The evidence channels in the engine: when the verifier accuses each watched actor (issue 18).

The many-actor layer (:mod:`recloop.governance.actors`) watches an actor from the moment a
mandated pause applies to it: a member that declared the pause and builds covertly (a true
covert project), a member racing openly through it (an open breach), and every member that
complies (no project: any accusation is false). For each it draws one accusation time from the
evidence model of :mod:`recloop.governance.evidence` under the policy's verification regime
(:func:`recloop.governance.regimes.grants`), and acts on it when the actor's clock gets there.

The verifier's hypothesis is the project the actor would run if it defected: ``f_hyp`` of its
chips diverted (its own ``covert_share``, or the project default where it has none), with the
share of the power those chips drew (the engine's covert stock,
:func:`recloop.governance.covert.covert_installed_flops`). What the evidence does depends on the
project the actor really runs (``f_actual``: the same for a defector, ~all of its chips for an
open breach, 0 for a complier). Per accounting channel an estimate of the declared quantity
is ``N(delta_A, sigma^2)`` in log terms and the log-likelihood ratio of the hypothesis is
``(delta_H y - delta_H^2 / 2) / sigma^2``: drift ``n (delta_H delta_A - delta_H^2 / 2) / sigma^2``
and variance ``n delta_H^2 / sigma^2`` a year (``+tau/2`` when the hypothesis is true,
``-tau/2`` when there is no project, as in :mod:`recloop.governance.evidence`). Leaks and
telemetry reports are jumps (first credible leak; flagged or clean reports, Poisson in time).

Every path is simulated on its own grid of ``fine_years`` from the moment the watch starts,
independent of the engine's steps: the diffusive part is checked for a crossing inside each cell
by the Brownian-bridge probability ``exp(-2 a b / v)`` (``a``, ``b``: distances to the threshold
at the cell's ends, ``v``: its variance), so the first passage is found in continuous time; the
jumps land at the end of their cell. The verifier accuses at its first check (every
``monitoring.period_years`` since the start of the run) after the posterior first reaches the
threshold. So neither the engine's step nor the chunking moves an accusation; a slower check
cadence can only delay one.

Random draws are counter-based per (seed, row, stream, episode, cell): the same world draws the
same evidence whatever else runs beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from recloop.governance import covert, evidence
from recloop.sampling import stream_id, uniform

__all__ = ["Watch", "accusation_times", "expected_detection", "FINE_YEARS", "BREACH_SHARE"]

#: the evidence grid (years): an accusation is dated to within this
FINE_YEARS = 0.01
#: the share of its chips an open breach runs against the pause (nothing is hidden)
BREACH_SHARE = 0.99
_EPISODE = np.uint64(1 << 24)  # cells per watch episode in the counter (at most 16 million)
_MAX_CELLS = 1 << 22            # rows x cells simulated at once


@dataclass(frozen=True)
class Watch:
    """What the verifier has: the regime's channels and rule, the evidence's quality and the
    covert project's build-out (the project's scale comes from each row)."""

    grants: evidence.Grants
    ev: evidence.Evidence
    project: covert.CovertProject

    @property
    def distance(self) -> float:
        """ln(threshold odds / prior odds): the log-LR the verifier needs to accuse."""
        p = self.grants.threshold_probability
        return float(np.log(p / (1.0 - p)) - np.log(self.ev.prior_odds))


def _disc(f):
    return -np.log1p(-np.clip(np.asarray(f, dtype=float), 0.0, 1.0 - 1e-12))


def _channels(watch: Watch, f_hyp, f_actual, host_gw):
    """Per granted accounting channel: (opens at, delta_H, delta_A, sigma), each (n,)."""
    p, ev, ch = watch.project, watch.ev, watch.grants.channels
    host = np.maximum(host_gw, 1e-12)
    # the diverted chips are missing from the declared stock; their power from the declared
    # data-centre capacity (satellites) and appears in the host's electricity use (energy)
    sat = np.maximum(p.declared_dc_gw, host)
    nat = np.maximum(p.national_power_gw, host)
    sme_a = np.where(f_actual > 0, p.sme_divert_share, 0.0)
    spec = {"chip_accounting": (f_hyp, f_actual, ev.chip_median_error),
            "satellite": (f_hyp * host / sat, f_actual * host / sat, ev.satellite_median_error),
            "energy": (f_hyp * host / nat, f_actual * host / nat, ev.energy_median_error),
            "sme": (np.full(host.shape, p.sme_divert_share), sme_a, ev.sme_median_error)}
    out = {}
    for c in evidence.ACCOUNTING:
        if c in ch:
            fh, fa, err = spec[c]
            out[c] = (ch[c], _disc(fh), _disc(fa), float(evidence.sigma_from_median_error(err)))
    return out


def _telemetry(watch: Watch, f_hyp, f_actual, host_flops, s_mid):
    """(flagged-report probability hypothesised, actual) per cell: the share of the cluster's
    compute on registered chips whose telemetry works (a covert fab's chips are unregistered)."""
    p, ev, g = watch.project, watch.ev, watch.grants
    div = f_hyp[:, None] * host_flops[:, None] / p.flops_per_h100e
    fab = p.fab_h100e_per_year * np.maximum(s_mid[None, :] - p.fab_lead_years, 0.0)
    w = g.registered_share * (1.0 - p.tamper_share) * div / np.maximum(div + fab, 1e-300)
    q0 = ev.telemetry_fpr
    qh = q0 + w * (ev.telemetry_tpr - q0)
    qa = np.where((f_actual > 0)[:, None], qh, q0)
    return qh, qa


def _leak_hazard(watch: Watch, f_hyp, host_gw, s0, s1):
    """Cumulative-hazard increments of the Gamma leak clock per cell (n, K) for the hypothesised
    project's workforce (at the cell's midpoint)."""
    ev, p = watch.ev, watch.project
    # the increments depend on a row only through its diverted power: rows that share it share
    # them (the Gamma tail is the costly part), so each distinct value is computed once
    gw, row = np.unique(np.asarray(f_hyp * host_gw, dtype=float), return_inverse=True)
    mid = 0.5 * (s0 + s1)
    n = covert.covert_workforce(mid[None, :], p, diverted_gw=gw[:, None])
    mu = evidence.leak_mean_years(n, ev)
    k = np.where(np.isfinite(mu), mu / ev.leak_scale_years, 1.0)
    with np.errstate(divide="ignore"):
        lo = np.log(special.gammaincc(k, s0[None, :] / ev.leak_scale_years))
        hi = np.log(special.gammaincc(k, s1[None, :] / ev.leak_scale_years))
    dH = np.where(np.isfinite(mu), np.maximum(np.nan_to_num(lo - hi, nan=0.0, posinf=0.0), 0.0), 0.0)
    return np.broadcast_to(dH, (gw.size, s0.size))[row.reshape(-1)]


def _poisson(u, lam):
    """Poisson(lam) counts by inversion of the uniforms ``u`` (element-wise)."""
    lam = np.broadcast_to(lam, u.shape)
    if lam.size == 0 or float(lam.max()) > 8.0:
        from scipy import stats

        return stats.poisson.ppf(u, lam)
    n = np.zeros(u.shape)
    p = np.exp(-lam)
    c = p.copy()
    for j in range(1, 60):
        more = u > c
        if not more.any():
            break
        n += more
        p = p * lam / j
        c = c + p
    return n


def accusation_times(watch: Watch, start, length, *, f_hyp, f_actual, host_flops, host_gw, seed, index, episode,
                     fine_years: float = FINE_YEARS):
    """When the verifier accuses each row (years since the run's start; inf: not within
    ``length`` years of ``start``, when the watch ends).

    ``start`` (n,): when the watch began; ``f_hyp``, ``f_actual``: hypothesised and actual
    diverted shares; ``host_flops``, ``host_gw``: the actor's installed FLOP/s and the power they
    drew when it began; ``index``, ``episode``: the rows' draw indices and watch counts."""
    start = np.asarray(start, dtype=float)
    n = start.size
    out = np.full(n, np.inf)
    if n == 0 or not watch.grants.channels:
        return out
    K = max(1, int(np.ceil(float(np.max(length)) / fine_years - 1e-9)))
    step = max(1, _MAX_CELLS // K)
    for a in range(0, n, step):
        sl = slice(a, a + step)
        out[sl] = _accuse(watch, start[sl], np.asarray(length, float)[sl], np.asarray(f_hyp, float)[sl],
                          np.asarray(f_actual, float)[sl], np.asarray(host_flops, float)[sl],
                          np.asarray(host_gw, float)[sl], seed, np.asarray(index)[sl], np.asarray(episode)[sl],
                          K, fine_years)
    return out


def _accuse(watch, start, length, f_hyp, f_actual, host_flops, host_gw, seed, index, episode, K, fine):
    g, ev = watch.grants, watch.ev
    n = start.size
    s0 = fine * np.arange(K)
    s1 = s0 + fine
    t_mid = start[:, None] + (s0 + fine / 2)[None, :]
    live = s0[None, :] < length[:, None] - 1e-12
    cells = (np.asarray(episode, np.uint64)[:, None] * _EPISODE + np.arange(K, dtype=np.uint64)[None, :])
    idx = np.asarray(index, np.uint64)[:, None]

    def u(name, counter=cells):
        return uniform(seed, idx, stream_id("evidence:" + name), counter)

    drift = np.zeros((n, K))
    var = np.zeros((n, K))
    jump = np.zeros((n, K))
    n_est = ev.estimates_per_year
    for c, (opens, dh, da, sig) in _channels(watch, f_hyp, f_actual, host_gw).items():
        on = t_mid >= opens - 1e-12
        mean = ((dh * da - dh * dh / 2.0) / sig**2)[:, None]
        info = (dh * dh / sig**2)[:, None]
        if n_est > 0:
            drift += on * (n_est * fine) * mean
            var += on * (n_est * fine) * info
        else:
            # one estimate, when the channel first opens in the watch: a Gaussian jump
            first = on & ~np.concatenate([np.zeros((n, 1), bool), on[:, :-1]], axis=1)
            jump += first * (mean + np.sqrt(info) * special.ndtri(u("once:" + c)))
    if "leaks" in g.channels:
        on = t_mid >= g.channels["leaks"] - 1e-12
        dH = _leak_hazard(watch, f_hyp, host_gw, s0, s1) * on
        H = np.cumsum(dH, axis=1)
        r0 = ev.false_leak_rate_per_year
        # the first credible leak: a true one (the actual project's leak clock) or a false one
        e_true = -np.log(u("leak_true", np.asarray(episode, np.uint64)[:, None]))
        true_cell = np.where((f_actual > 0)[:, None] & (H >= e_true), np.arange(K)[None, :], K).min(axis=1)
        e_false = -np.log(u("leak_false", np.asarray(episode, np.uint64)[:, None]))[:, 0] / r0
        false_cell = np.minimum(np.floor(e_false / fine), K).astype(int)
        leak = np.minimum(true_cell, false_cell)
        k = np.arange(K)[None, :]
        before = k <= leak[:, None]
        # before the leak the log-LR falls with the hypothesised clock's survival; the leak
        # adds ln((h + r0) / r0), h the hypothesised hazard then; the channel then closes
        drift -= dH * before
        h_at = np.take_along_axis(dH, np.minimum(leak, K - 1)[:, None], axis=1)[:, 0] / fine
        jump += (k == leak[:, None]) * np.log((h_at + r0) / r0)[:, None]
    if "telemetry" in g.channels and g.registered_share > 0 and g.telemetry_reports_per_year > 0:
        on = t_mid >= g.channels["telemetry"] - 1e-12
        qh, qa = _telemetry(watch, f_hyp, f_actual, host_flops, s0 + fine / 2)
        q0 = ev.telemetry_fpr
        lam = g.telemetry_reports_per_year * fine * on
        flagged = _poisson(u("telemetry_flagged"), lam * qa)
        clean = _poisson(u("telemetry_clean"), lam * (1.0 - qa))
        jump += flagged * np.log(qh / q0) + clean * np.log((1.0 - qh) / (1.0 - q0))
    dx = drift + np.sqrt(var) * special.ndtri(u("accounting"))
    X = np.cumsum(dx, axis=1)
    J = np.cumsum(jump, axis=1)
    need = watch.distance
    end = X + J
    pre = end - jump                   # at the cell's end, before its jumps
    beg = pre - dx                     # at the cell's start
    a, b = need - beg, need - pre
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        cross = np.where((var > 0) & (a > 0) & (b > 0), np.exp(-2.0 * a * b / np.where(var > 0, var, 1.0)), 0.0)
    hit = live & ((pre >= need) | (end >= need) | (u("bridge") < cross))
    first = np.argmax(hit, axis=1)
    t_cross = start + (first + 1) * fine
    period = g.check_years
    t_acc = np.ceil(t_cross / period - 1e-9) * period
    return np.where(hit.any(axis=1), t_acc, np.inf)


def expected_detection(watch: Watch, years, start, *, f, host_flops, host_gw):
    """The defector's estimate of P(accused within ``years`` of ``start``) if it builds the
    project ``f`` (n,): the accounting channels and telemetry as one Brownian motion with their
    drift and variance (a report's jump in its mean and second moment), first passage in closed
    form, and the first credible leak as an alarm of its own. Tested against
    :func:`accusation_times` in tests/governance/test_watch.py."""
    g, ev = watch.grants, watch.ev
    T = np.maximum(np.asarray(years, dtype=float), 0.0)
    start = np.asarray(start, dtype=float)
    f = np.asarray(f, dtype=float)
    mu = np.zeros(f.shape)
    v = np.zeros(f.shape)
    # estimates_per_year = 0: one estimate in the window (1/T a year)
    n_est = ev.estimates_per_year if ev.estimates_per_year > 0 else 1.0 / np.maximum(T, 1e-9)
    for opens, dh, _, sig in _channels(watch, f, f, host_gw).values():
        dur = np.clip(start + T - np.maximum(start, opens), 0.0, None) / np.maximum(T, 1e-12)
        mu += dur * n_est * (dh * dh / 2.0) / sig**2
        v += dur * n_est * dh * dh / sig**2
    if "telemetry" in g.channels and g.registered_share > 0 and g.telemetry_reports_per_year > 0:
        qh, _ = _telemetry(watch, f, f, host_flops, np.array([0.0]))
        qh = qh[:, 0]
        q0 = ev.telemetry_fpr
        up, down = np.log(qh / q0), np.log((1.0 - qh) / (1.0 - q0))
        dur = np.clip(start + T - np.maximum(start, g.channels["telemetry"]), 0.0, None) / np.maximum(T, 1e-12)
        rate = g.telemetry_reports_per_year * dur
        mu += rate * (qh * up + (1.0 - qh) * down)
        v += rate * (qh * up * up + (1.0 - qh) * down * down)
    D = watch.distance
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        sd = np.sqrt(v * T)
        z1 = (mu * T - D) / np.where(sd > 0, sd, 1.0)
        z2 = (-mu * T - D) / np.where(sd > 0, sd, 1.0)
        p = special.ndtr(z1) + np.exp(np.minimum(2.0 * mu * D / np.where(v > 0, v, 1.0), 700.0) + special.log_ndtr(z2))
    p = np.where(sd > 0, np.clip(np.nan_to_num(p, nan=0.0), 0.0, 1.0), 0.0)
    if "leaks" in g.channels:
        grid = np.linspace(0.0, 1.0, 65)
        s = grid[None, :] * T[:, None]
        n = covert.covert_workforce(0.5 * (s[:, 1:] + s[:, :-1]), watch.project, diverted_gw=(f * host_gw)[:, None])
        m = evidence.leak_mean_years(n, ev)
        k = np.where(np.isfinite(m), m / ev.leak_scale_years, 1.0)
        with np.errstate(divide="ignore"):
            dH = np.log(special.gammaincc(k, s[:, :-1] / ev.leak_scale_years)) \
                - np.log(special.gammaincc(k, s[:, 1:] / ev.leak_scale_years))
        H = np.where(np.isfinite(m), np.nan_to_num(dH, nan=0.0, posinf=0.0), 0.0).sum(axis=1)
        p = 1.0 - (1.0 - p) * np.exp(-H)
    return p

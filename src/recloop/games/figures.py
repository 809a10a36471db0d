"""Regenerate the figures of docs/games.md: ``python -m recloop.games.figures [OUTDIR]``."""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from recloop.games import abs2016 as A  # noqa: E402
from recloop.games import design, halt  # noqa: E402
from recloop.games import han2020 as H  # noqa: E402


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    # 1. ABS: P(disaster) vs mu, closed form and Monte Carlo
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    mus = np.linspace(0.05, 4, 80)
    for ax, (n, e) in zip(axes, [(2, 1.0), (5, 0.5)]):
        for r, col in zip(A.REGIMES, ["C0", "C1", "C2"]):
            ax.plot(mus, [A.p_disaster(r, teams=n, enmity=e, mu=m) for m in mus], color=col, label=r)
            pts = mus[::10]
            mc = [A.monte_carlo(r, teams=n, enmity=e, mu=m, samples=20000, seed=1).p_disaster for m in pts]
            ax.plot(pts, mc, "o", color=col, ms=4)
        ax.set_title(f"n={n}, e={e}")
        ax.set_xlabel("mu (capability range)")
    axes[0].set_ylabel("P(disaster)")
    axes[0].legend()
    fig.suptitle("ABS 2016: closed form (lines) and Monte Carlo (dots, 20k races)")
    fig.tight_layout()
    fig.savefig(out / "games-abs2016.png", dpi=110)

    # 2. Han: stationary frequency of SAFE over (s, p_r), short and long races, with boundaries
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    ss = np.linspace(1, 5, 41)
    prs = np.linspace(0, 1, 41)
    for ax, race in zip(axes, ["short", "long"]):
        grid = np.array([[H.stationary(speed=s, p_risk=pr, steps=H.RACES[race])["SAFE"] for s in ss] for pr in prs])
        im = ax.pcolormesh(ss, prs, grid, vmin=0, vmax=1, cmap="RdYlGn", shading="auto")
        b = [H.zone_boundaries(speed=s, steps=H.RACES[race]) for s in ss]
        ax.plot(ss, [x["collective"] for x in b], "k--", label="SAFE collectively preferred above")
        ax.plot(ss, [x["selection"] for x in b], "k-", label="SAFE selected above")
        ax.set_title(f"{race} race (W={H.RACES[race]:g})")
        ax.set_xlabel("speed s")
    axes[0].set_ylabel("p_r")
    axes[0].legend(loc="lower right", fontsize=7)
    fig.colorbar(im, ax=axes, label="stationary frequency of SAFE")
    fig.savefig(out / "games-han2020.png", dpi=110, bbox_inches="tight")

    # 3. Halt study: equilibrium margin of pausing vs detection probability
    p = halt.HaltGame()
    qs = np.linspace(0, 0.3, 121)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for regime, target, label in [("none", ("pause", "pause"), "no monitoring"),
                                  ("monitoring", ("pause", "pause"), "monitoring + sanction"),
                                  ("reciprocity", ("conditional", "conditional"), "monitoring + reciprocity")]:
        def race_margin(t, target=target):
            # loss from deviating to racing (in the reciprocity game pause ties with conditional on
            # the path of play, so the overall margin is capped at 0; plot the binding deviation)
            return -t.deviation_gain(t.index(target), 0, t.strategies[0].index("race"))[0]
        ax.plot(qs, [race_margin(halt.regime_table(regime, p, detection=q)) for q in qs], label=label)
    # Monte Carlo band for reciprocity (simulated stage game, 20k worlds, CRN)
    sim = []
    for q in qs[::8]:
        st = halt.HaltPayoffSource(p, samples=20000, detection=q).table(seed=4)
        t = halt.regime_table("reciprocity", p, detection=q, stage=st)
        g, se = t.deviation_gain(t.index(("conditional", "conditional")), 0, 0)
        sim.append((q, -g, se))
    band = np.array(sim)
    ax.errorbar(band[:, 0], band[:, 1], yerr=2 * band[:, 2], fmt="o", ms=3, color="C2", label="reciprocity, simulated (±2 se)")
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xlabel("detection probability per year")
    ax.set_ylabel("loss from deviating to race (annual market value)")
    ax.set_ylim(-0.4, 0.6)
    ax.legend(fontsize=8)
    ax.set_title("Two-firm halt game: when is pausing an equilibrium?")
    fig.tight_layout()
    fig.savefig(out / "games-halt.png", dpi=110)

    mon = design.minimal_lever(lambda q: halt.regime_table("monitoring", p, detection=q), ("pause", "pause"), lo=0, hi=1)
    rec = design.minimal_lever(lambda q: halt.regime_table("reciprocity", p, detection=q), ("conditional", "conditional"), lo=0, hi=1)
    def simq(q): return halt.regime_table("reciprocity", p, detection=q, stage=halt.HaltPayoffSource(p, samples=20000, detection=q).table(seed=4))
    recs = design.minimal_lever(simq, ("conditional", "conditional"), lo=0, hi=0.2, points=21)
    def simm(q): return halt.HaltPayoffSource(p, samples=20000, detection=q).table(seed=4)
    mons = design.minimal_lever(simm, ("pause", "pause"), lo=0, hi=0.3, points=31)
    print("flip monitoring exact", mon.value, "sim", mons.value, mons.low, mons.high)
    print("flip reciprocity exact", rec.value, "sim", recs.value, recs.low, recs.high)
    print(halt.stage_table(p, detection=0).values[..., 0])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/figures"))

"""Latin hypercube sampling is chunk- and count-invariant (issue 16 item 7), and stratified per block."""

from __future__ import annotations

import numpy as np

from recloop.engine import simulate
from recloop.sampling import LHS_BLOCK, _qmc_uniforms, draw_parameters
from recloop.scenario import load_scenario


def test_lhs_sample_i_does_not_depend_on_chunks_or_sample_count():
    sc = load_scenario("baseline")
    a = simulate(sc, samples=300, seed=4, years=3, method="lhs", chunk_size=37)
    b = simulate(sc, samples=300, seed=4, years=3, method="lhs", chunk_size=300)
    c = simulate(sc, samples=120, seed=4, years=3, method="lhs", chunk_size=120)
    for k in a.outcomes:
        if k.startswith("in:"):
            assert np.array_equal(a.outcomes[k], b.outcomes[k]), k
            assert np.array_equal(a.outcomes[k][:120], c.outcomes[k]), k
    assert np.array_equal(a.outcomes["t_automation_20"], b.outcomes["t_automation_20"], equal_nan=True)


def test_every_complete_block_is_a_latin_hypercube():
    u = _qmc_uniforms("lhs", 9, np.arange(2 * LHS_BLOCK), 5)
    for blk in (u[:LHS_BLOCK], u[LHS_BLOCK:]):
        strata = np.floor(blk * LHS_BLOCK).astype(int)
        for j in range(5):  # one point in each of the LHS_BLOCK strata of every dimension
            assert np.array_equal(np.sort(strata[:, j]), np.arange(LHS_BLOCK))


def test_lhs_rows_drawn_out_of_order_match_the_run():
    sc = load_scenario("baseline")
    idx = np.array([700, 3, 255, 256])
    P = draw_parameters(sc, idx, 2, method="lhs")
    Q = draw_parameters(sc, np.arange(701), 2, method="lhs")
    for k in P:
        assert np.array_equal(P[k], Q[k][idx]), k

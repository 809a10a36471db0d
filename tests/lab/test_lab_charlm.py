"""The character model trained on its own output, on pydoc_data.topics (CI-sized)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recloop.lab.charlm import CharLMSetup, charlm_from_options, run_charlm
from recloop.lab.common import LoopSetup
from recloop.lab.corpus import load_corpus
from recloop.lab.ngram import NGramLM
from recloop.params import RecloopInputError

SMALL = CharLMSetup(train_chars=50_000, eval_chars=5_000)


@pytest.fixture(scope="module")
def collapse():
    return run_charlm(SMALL, LoopSetup(generations=5), seeds=2, seed=0)


def test_fully_synthetic_replace_degrades_every_generation(collapse):
    ce = collapse.mean("ce")
    assert np.all(np.diff(ce) > 0), ce
    assert collapse.mean("deficit")[-1] > 0.2
    # diversity and the tail go with it
    assert collapse.mean("distinct4")[-1] < collapse.mean("distinct4")[0]
    assert collapse.mean("rare_survival")[-1] < 0.3
    assert collapse.mean("valid_words")[-1] < collapse.mean("valid_words")[0]


def test_rare_contexts_degrade_first(collapse):
    rare, common = collapse.mean("ce_rare"), collapse.mean("ce_common")
    # in absolute and in relative terms, the first generation hurts rare contexts most
    assert rare[1] - rare[0] > 2 * (common[1] - common[0])
    assert rare[1] / rare[0] > common[1] / common[0]


def test_enough_real_data_plateaus(collapse):
    res = run_charlm(SMALL, LoopSetup(generations=5, real_fraction=0.5), seeds=2, seed=0)
    d = res.mean("deficit")
    assert d[-1] < 0.25 * collapse.mean("deficit")[-1]
    assert abs(d[-1] - d[-3]) < 0.03  # flat by the last generations
    assert d[-1] < 0.12


def test_accumulate_grows_more_slowly_than_replace(collapse):
    acc = run_charlm(SMALL, LoopSetup(generations=5, regime="accumulate"), seeds=1, seed=0)
    assert acc.mean("deficit")[-1] < 0.5 * collapse.mean("deficit")[-1]


def test_same_seed_same_result():
    a = run_charlm(SMALL, LoopSetup(generations=2), seeds=1, seed=5)
    b = run_charlm(SMALL, LoopSetup(generations=2), seeds=1, seed=5)
    for k in a.metrics:
        np.testing.assert_array_equal(a.metrics[k], b.metrics[k])


@given(order=st.integers(0, 5), start=st.integers(0, 300_000), n=st.integers(500, 5_000))
@settings(max_examples=15, deadline=None)
def test_witten_bell_probabilities_sum_to_one(order, start, n):
    corpus = load_corpus("pydoc")
    x = corpus.pool[start:start + n]
    m = NGramLM.fit(x, np.arange(len(x)), order=order, vocab=corpus.vocab.size)
    # a history from the held-out text followed by every possible next character
    hist = corpus.heldout[100:100 + order]
    V = corpus.vocab.size
    seqs = np.concatenate([np.tile(hist, (V, 1)), np.arange(V)[:, None]], axis=1)
    lp = np.array([m.logprob(s)[-1] for s in seqs])
    assert np.exp(lp).sum() == pytest.approx(1.0, abs=1e-9)
    assert np.all(np.isfinite(lp))


def test_vocab_round_trip():
    corpus = load_corpus("pydoc")
    text = "def f(x):\n    return x"
    assert corpus.vocab.decode(corpus.vocab.encode(text)) == text


def test_bad_input():
    with pytest.raises(RecloopInputError, match="lab.charlm.order"):
        charlm_from_options(order=0)
    with pytest.raises(RecloopInputError, match="lab.charlm.corpus"):
        charlm_from_options(corpus="wikipedia")
    with pytest.raises(RecloopInputError, match="train_chars"):
        run_charlm(CharLMSetup(train_chars=10_000_000), LoopSetup(generations=1), seeds=1)

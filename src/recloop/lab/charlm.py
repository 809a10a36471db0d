"""A character-level language model trained on its own output, on real text.

Generation 0 is a Witten-Bell n-gram model (:mod:`recloop.lab.ngram`) fitted to ``train_chars``
characters of real text. Each later generation is fitted to ``(1 - p) * train_chars`` characters
sampled from its predecessor (optionally curated: sample ``1/keep`` times as much and keep the
best-scoring streams) plus ``p * train_chars`` characters of fresh real text; under accumulate it
sees everything so far. Per generation we measure, on real held-out text the models never train
on:

* ``ce``: cross-entropy in bits per character, overall and on the rarest and commonest quarter of
  held-out positions (``ce_rare``, ``ce_common``; rarity is the count of the position's
  ``rarity_order``-character context in the real pool);
* ``deficit``: ``ce_n / ce_0 - 1``, the fractional increase in held-out loss over the real-data
  model of the same size, the quantity the engine's collapse law tracks;

and on ``eval_chars`` characters the model generates:

* ``distinct4``: distinct 4-grams over all 4-grams (diversity);
* ``valid_words``: share of generated words found in the corpus's lexicon;
* ``rare_survival``: share of the words seen 1-2 times in generation 0's training text that
  still occur in generation n's training text (tail loss, Shumailov et al. 2024).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from typing import Any, Literal

import numpy as np

from recloop.lab.common import LabResult, LoopSetup, build, seed_streams
from recloop.lab.corpus import Corpus, load_corpus, words_of
from recloop.lab.ngram import NGramLM, context_keys
from recloop.params import Block, RecloopInputError, param

__all__ = ["CharLMSetup", "run_charlm"]


class CharLMSetup(Block):
    """Corpus, model and sampling settings of the character-model loop."""

    corpus: Literal["pydoc", "shakespeare"] = param(
        "pydoc", unit="", choices=("pydoc", "shakespeare"),
        doc="Real text: pydoc_data.topics (stdlib) or the shakespeare 0.6 package's plays.",
        source="DESIGN.md, corpora for the collapse lab",
    )
    order: int = param(4, unit="characters", bounds=(1, 7),
                       doc="Context length of the n-gram model (order + 1 = n).",
                       source="chosen: lowest held-out cross-entropy on pydoc at 1e5 characters")
    train_chars: int = param(100_000, unit="characters", bounds=(2_000, 50_000_000), log=True,
                             doc="Training-set size of every generation (new data per generation "
                                 "under accumulate).", source="experiment design")
    stream_chars: int = param(200, unit="characters", bounds=(20, 100_000), log=True,
                              doc="Length of each sampled text (the unit the curation filter keeps "
                                  "or drops) and of each real chunk drawn.",
                              source="experiment design")
    eval_chars: int = param(20_000, unit="characters", bounds=(1_000, 10_000_000), log=True,
                            doc="Generated characters on which diversity and word metrics are measured.",
                            source="experiment design")
    curation_score: Literal["reference", "lexicon", "likelihood"] = param(
        "lexicon", unit="", choices=("reference", "lexicon", "likelihood"),
        doc="Score of the curation filter: 'reference' = mean log-likelihood of a stream under "
            "a verifier fitted to real data (the generation-0 model); "
            "'lexicon' = share of valid words (a rule-based checker); 'likelihood' = the model's "
            "own mean log-likelihood (self-scoring, perplexity filtering).",
        source="experiment design; the essay's data-curation vector",
    )
    rarity_order: int = param(3, unit="characters", bounds=(1, 7),
                              doc="Context length used to split held-out positions into rare and common.",
                              source="experiment design")


def _draw_real(corpus: Corpus, rng: np.random.Generator, n_chars: int, chunk: int,
               slots: np.ndarray, cursor: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Fresh real text: the next unused chunks of a per-seed permutation of the pool."""
    n = int(math.ceil(n_chars / chunk))
    if n == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    take = np.take(slots, np.arange(cursor[0], cursor[0] + n), mode="wrap")
    cursor[0] += n
    idx = (take[:, None] * chunk + np.arange(chunk)[None, :]).ravel()
    x = corpus.pool[idx][:n_chars]
    pos = np.tile(np.arange(chunk), n)[:n_chars]
    return x, pos


def _distinct(ids: np.ndarray, n: int, V: int) -> float:
    """Distinct n-grams over n-grams, within each row of a (streams, length) array."""
    L = ids.shape[1]
    if L < n:
        return float("nan")
    key = np.zeros((ids.shape[0], L - n + 1), dtype=np.int64)
    for j in range(n):
        key = key * V + ids[:, j: L - n + 1 + j]
    return len(np.unique(key)) / key.size


def _stream_words(corpus: Corpus, streams: np.ndarray) -> list[list[str]]:
    """Words of each stream, without the cut words at both ends."""
    text = corpus.vocab.decode(streams.ravel())
    L = streams.shape[1]
    return [words_of(text[i * L:(i + 1) * L])[1:-1] for i in range(streams.shape[0])]


def _lexicon_scores(corpus: Corpus, words: list[list[str]]) -> np.ndarray:
    lex = corpus.lexicon
    return np.array([sum(w in lex for w in ws) / len(ws) if ws else 0.0 for ws in words])


def _rarity_masks(corpus: Corpus, k: int) -> tuple[np.ndarray, np.ndarray]:
    V = corpus.vocab.size
    pool_keys = context_keys(corpus.pool, np.arange(len(corpus.pool)), k, V)[k]
    table, counts = np.unique(pool_keys[pool_keys >= 0], return_counts=True)
    held_keys = context_keys(corpus.heldout, np.arange(len(corpus.heldout)), k, V)[k]
    i = np.minimum(np.searchsorted(table, held_keys), len(table) - 1)
    c = np.where(table[i] == held_keys, counts[i], 0)
    c = np.where(held_keys >= 0, c, -1)
    ok = c >= 0
    lo, hi = np.quantile(c[ok], [0.25, 0.75])
    return ok & (c <= lo), ok & (c >= hi)


def run_charlm(
    setup: CharLMSetup | None = None,
    loop: LoopSetup | None = None,
    *,
    seeds: int = 3,
    seed: int = 0,
) -> LabResult:
    """Run the character-model generation loop for ``seeds`` independent seeds."""
    setup = setup or CharLMSetup()
    loop = loop or LoopSetup()
    t0 = time.perf_counter()
    corpus = load_corpus(setup.corpus)
    V, K, N, L, G = corpus.vocab.size, setup.order, setup.train_chars, setup.stream_chars, loop.generations
    if N > len(corpus.pool):
        raise RecloopInputError([
            f"lab.charlm.train_chars: at most the corpus pool, {len(corpus.pool)} characters, got {N}"])
    n_real = int(round(loop.real_fraction * N))
    n_syn = N - n_real
    keep_streams = int(math.ceil(n_syn / L))
    cand_streams = int(math.ceil(keep_streams / loop.curation_keep))
    eval_streams = int(math.ceil(setup.eval_chars / L))
    n_slots = len(corpus.pool) // L
    rare, common = _rarity_masks(corpus, setup.rarity_order)
    held = corpus.heldout
    names = ("ce", "ce_rare", "ce_common", "deficit", "distinct4", "valid_words", "rare_survival")
    out = {k: np.full((seeds, G + 1), np.nan) for k in names}
    reused = False
    for s, ss in enumerate(seed_streams(seed, seeds)):
        gens = ss.spawn(G + 1)
        rng = np.random.default_rng(gens[0])
        slots, cursor = rng.permutation(n_slots), [0]
        x, pos = _draw_real(corpus, rng, N, L, slots, cursor)
        rare_words = {w for w, c in Counter(corpus.words(x)).items() if c <= 2}
        for g in range(G + 1):
            if g > 0:
                rng = np.random.default_rng(gens[g])
            model = NGramLM.fit(x, pos, order=K, vocab=V)
            if g == 0:
                verifier = model
            lp = -model.logprob(held) / math.log(2)
            out["ce"][s, g] = lp.mean()
            out["ce_rare"][s, g] = lp[rare].mean()
            out["ce_common"][s, g] = lp[common].mean()
            present = set(corpus.words(x))
            out["rare_survival"][s, g] = len(rare_words & present) / max(len(rare_words), 1)
            n_draw = max(cand_streams if g < G else 0, eval_streams)
            streams = model.sample(rng, n_draw, L, x, pos)
            ev = streams[:eval_streams]
            out["distinct4"][s, g] = _distinct(ev, 4, V)
            ev_words = [w for ws in _stream_words(corpus, ev) for w in ws]
            out["valid_words"][s, g] = (sum(w in corpus.lexicon for w in ev_words) / len(ev_words)
                                        if ev_words else np.nan)
            if g == G:
                break
            cand = streams[:cand_streams]
            if cand_streams > keep_streams:
                flat_pos = np.tile(np.arange(L), cand_streams)
                if setup.curation_score == "lexicon":
                    score = _lexicon_scores(corpus, _stream_words(corpus, cand))
                elif setup.curation_score == "likelihood":
                    score = model.logprob(cand.ravel(), flat_pos).reshape(cand_streams, L).mean(1)
                else:
                    # a verifier that knows real text (like a reward model trained on human data)
                    ref = verifier.logprob(cand.ravel(), flat_pos)
                    score = ref.reshape(cand_streams, L).mean(1)
                # stable ranking; ties keep sampling order
                cand = cand[np.sort(np.argsort(-score, kind="stable")[:keep_streams])]
            syn = cand[:keep_streams].ravel()[:n_syn]
            syn_pos = np.tile(np.arange(L), keep_streams)[:n_syn]
            real, real_pos = _draw_real(corpus, rng, n_real, L, slots, cursor)
            reused |= cursor[0] > n_slots
            new_x = np.concatenate([syn, real])
            new_pos = np.concatenate([syn_pos, real_pos])
            if loop.regime == "replace":
                x, pos = new_x, new_pos
            else:
                x, pos = np.concatenate([x, new_x]), np.concatenate([pos, new_pos])
    out["deficit"] = out["ce"] / out["ce"][:, :1] - 1.0
    return LabResult(
        experiment="charlm",
        inputs={**setup.model_dump(), **loop.model_dump(), "seeds": seeds},
        seed=seed,
        metrics=out,
        units={"ce": "bits/char", "ce_rare": "bits/char", "ce_common": "bits/char",
               "deficit": "fraction of generation-0 loss", "distinct4": "share",
               "valid_words": "share", "rare_survival": "share"},
        notes={"corpus_chars": corpus.chars, "vocab": V, "heldout_chars": len(held),
               "rare_positions": int(rare.sum()), "common_positions": int(common.sum()),
               "real_pool_reused": reused},
        wall_s=time.perf_counter() - t0,
    )


def charlm_from_options(**values: Any) -> tuple[CharLMSetup, LoopSetup]:
    setup_keys, loop_keys = set(CharLMSetup.model_fields), set(LoopSetup.model_fields)
    unknown = set(values) - setup_keys - loop_keys
    if unknown:
        raise RecloopInputError([f"lab.charlm.{k}: unknown option" for k in sorted(unknown)])
    setup = build(CharLMSetup, "lab.charlm", {k: v for k, v in values.items() if k in setup_keys})
    loop = build(LoopSetup, "lab", {k: v for k, v in values.items() if k in loop_keys})
    return setup, loop  # type: ignore[return-value]

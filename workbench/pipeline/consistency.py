"""Swapped roles and reversed directions the stance model cannot see.

A cross-encoder trained on NLI reads "The Rovers defeated the Falcons" against "The Falcons
defeated the Rovers" as the same words, so as support. Two narrow, checkable patterns catch
such one-fact swaps when the claim reuses the evidence's wording:

* **exchanged arguments**: two names that both sentences contain appear in opposite order
  around the same connecting words ("A defeated the B" / "B defeated the A", "from A to B" /
  "from B to A"). Symmetric connections ("A and B", "A met B", "A married B") are skipped, and
  so is any change of wording between the names (a passive, another verb): only a literal
  exchange counts.
* **reversed direction**: the claim's content words are all in the evidence except one, and
  that one is the direction-opposite of an evidence word the claim lacks ("rose" / "fell").

Where either holds, the pair's supports and refutes probabilities are exchanged: the model's
confidence that the two speak of the same fact is kept, its direction corrected. Everything
else passes through untouched, so ordinary paraphrase and unrelated evidence are unaffected.
"""

from __future__ import annotations

import re

import numpy as np

_TOKEN = re.compile(r"[A-Za-z][\w'-]*|\d[\d.,]*")
_ARTICLES = {"the", "a", "an"}
# connections under which exchanging the two names changes nothing
_SYMMETRIC = {
    "and", "or", "nor", "with", "&", "vs", "v", "versus", "between", "plus", "met", "meets",
    "married", "marries", "divorced", "drew", "tied", "played", "plays", "faced", "faces",
    "fought", "debated", "merged", "partnered", "collaborated", "bordered", "borders",
    "neighbours", "neighbors", "resembles", "resembled", "equals", "equalled", "like",
    "alongside", "together", "both", "each", "other", ",", "same", "as",
}  # fmt: skip
_MAX_LINK = 8  # connecting words between the two names: a local relation, not a paragraph
_DIRECTIONS = [
    ("rose", "fell"), ("rise", "fall"), ("rises", "falls"), ("risen", "fallen"),
    ("increased", "decreased"), ("increase", "decrease"), ("increases", "decreases"),
    ("grew", "shrank"), ("gained", "lost"), ("won", "lost"), ("win", "lose"), ("wins", "loses"),
    ("up", "down"), ("higher", "lower"), ("more", "fewer"), ("more", "less"),
    ("above", "below"), ("before", "after"), ("earlier", "later"), ("import", "export"),
    ("imports", "exports"), ("imported", "exported"), ("entered", "left"),
    ("opened", "closed"), ("raised", "lowered"), ("approved", "rejected"),
    ("accepted", "rejected"), ("allowed", "banned"), ("supported", "opposed"),
    ("inside", "outside"), ("north", "south"), ("east", "west"), ("largest", "smallest"),
    ("highest", "lowest"), ("first", "last"), ("maximum", "minimum"), ("gain", "loss"),
    ("profit", "loss"), ("surplus", "deficit"), ("expanded", "contracted"),
]  # fmt: skip
_OPPOSITE: dict[str, set[str]] = {}
for _a, _b in _DIRECTIONS:
    _OPPOSITE.setdefault(_a, set()).add(_b)
    _OPPOSITE.setdefault(_b, set()).add(_a)
_FUNCTION = _ARTICLES | {
    "of", "in", "on", "at", "to", "by", "for", "from", "is", "was", "were", "are", "be", "been",
    "has", "had", "have", "it", "its", "their", "this", "that", "during", "per", "cent",
}  # fmt: skip


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _names(tokens: list[str]) -> list[tuple[int, int, str]]:
    """Runs of capitalised tokens (start, end, text), a sentence's first word excluded unless
    the run continues past it ("The Falcons" -> "Falcons"; "Chile exported" -> "Chile")."""
    out, i = [], 0
    while i < len(tokens):
        if tokens[i][0].isupper() and tokens[i].lower() not in _ARTICLES:
            j = i
            while j + 1 < len(tokens) and tokens[j + 1][0].isupper():
                j += 1
            out.append((i, j + 1, " ".join(tokens[i : j + 1])))
            i = j + 1
        else:
            i += 1
    return out


def _link(tokens: list[str], end: int, start: int) -> tuple[str, ...]:
    """The words connecting two names, lower-cased, articles dropped."""
    return tuple(t.lower() for t in tokens[end:start] if t.lower() not in _ARTICLES)


def _exchanged(evidence: list[str], claim: list[str]) -> bool:
    ev_names = {text: (s, e) for s, e, text in _names(evidence)}
    cl_names = _names(claim)
    for i, (_, e1, a) in enumerate(cl_names):
        for s2, _e2, b in cl_names[i + 1 :]:
            if a == b or a not in ev_names or b not in ev_names:
                continue
            a_start, b_end = ev_names[a][0], ev_names[b][1]
            if b_end > a_start:  # the evidence must have b before a
                continue
            claim_link, ev_link = _link(claim, e1, s2), _link(evidence, b_end, a_start)
            if (
                claim_link
                and claim_link == ev_link
                and len(claim_link) <= _MAX_LINK
                and not _SYMMETRIC & set(claim_link)
            ):
                return True
    return False


def _reversed(evidence: list[str], claim: list[str]) -> bool:
    ev = {t.lower() for t in evidence}
    content = [t.lower() for t in claim if t.lower() not in _FUNCTION]
    missing = [t for t in content if t not in ev]
    if len(missing) != 1 or len(content) < 3:
        return False
    opposite = _OPPOSITE.get(missing[0], set())
    claim_words = {t.lower() for t in claim}
    return any(o in ev and o not in claim_words for o in opposite)


def is_swap(evidence: str, claim: str) -> bool:
    """True when the claim exchanges two of the evidence's names around the same words, or
    reverses one of its directions with every other content word kept."""
    ev, cl = _tokens(evidence), _tokens(claim)
    return _exchanged(ev, cl) or _reversed(ev, cl)


def correct_swaps(pairs: list[tuple[str, str]], probs: np.ndarray) -> np.ndarray:
    """probs (n, 3: supports, refutes, neutral) with supports and refutes exchanged for the
    (evidence, claim) pairs that are swaps and that the model read as support."""
    out = probs.copy()
    for i, (evidence, claim) in enumerate(pairs):
        if out[i, 0] > out[i, 1] and is_swap(evidence, claim):
            out[i, [0, 1]] = out[i, [1, 0]]
    return out

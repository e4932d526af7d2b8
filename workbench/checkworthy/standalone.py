"""Make an extracted sentence stand alone as a claim: a leading pronoun that leans on the sentence
before it is replaced by the document's subject, when that sentence names the subject.

The subject is the proper name the document mentions most (a run of capitalised words that does
not merely start a sentence), preferring names in the title: for a news article that is the
country, person or body it is about.
"""

from __future__ import annotations

import re
from collections import Counter

_NAME = re.compile(r"\b(?:[A-Z][\w'’-]*[a-z][\w'’-]*)(?:\s+(?:of\s+)?[A-Z][\w'’-]*[a-z][\w'’-]*)*")
_OPENERS = "\"'“‘("
_LEADING_PRONOUN = re.compile(r"^(It|He|She|They)\b")
# "It remains to be seen", "It is likely that": an expletive it, with nothing to resolve
_EXPLETIVE_IT = re.compile(
    r"^It(?:’s|'s|\s+(?:remains|seems|appears|is|was|isn’t|wasn’t|takes|took|matters|will be"
    r"|would be|may be|might be|could be|has been|had been)\b)"
)
_POSSESSIVE = re.compile(r"^(Its|His|Her|Their)\b")
_NOT_NAMES = frozenset(
    "The A An This That These Those It He She They We I In On At For And But Or If As "
    "While When After Before Under Over Additionally However Meanwhile".split()
)


def _starts_sentence(text: str, start: int) -> bool:
    """Whether text[start] begins a sentence: only opening quotes or brackets, then spaces, lie
    between it and the text's start, a newline, or a sentence end followed by a space.

    Looks back from start only, so scanning a long document stays linear."""
    i = start
    while i > 0 and text[i - 1] in _OPENERS:
        i -= 1
    j = i
    while j > 0 and text[j - 1].isspace():
        j -= 1
    return j == 0 or "\n" in text[j:i] or (j < i and text[j - 1] in ".!?")


def _names(text: str) -> list[str]:
    """Proper-name phrases in text, skipping a capitalised word that only starts a sentence."""
    out = []
    for match in _NAME.finditer(text):
        words = match.group(0).split()
        start = match.start()
        if _starts_sentence(text, start):
            if words[0] in _NOT_NAMES or len(words) == 1 and words[0].lower() == words[0]:
                words = words[1:]
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        if words:
            out.append(re.sub(r"[’']s$", "", " ".join(words)))
    return out


def document_subject(title: str, text: str) -> str | None:
    """The name the document is most about, or None when it names nobody."""
    counts = Counter(name for name in _names(text) if name not in _NOT_NAMES)
    for name in _names(title):
        counts[name] += 2
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def stand_alone(sentence: str, previous: str | None, subject: str | None) -> str:
    """The sentence with a leading pronoun resolved to subject when previous names it."""
    if not subject or not previous or subject not in previous or sentence.startswith(subject):
        return sentence
    possessive = _POSSESSIVE.match(sentence)
    if possessive:
        return f"{subject}’s" + sentence[possessive.end() :]
    pronoun = _LEADING_PRONOUN.match(sentence)
    if pronoun and not _EXPLETIVE_IT.match(sentence):
        return subject + sentence[pronoun.end() :]
    return sentence

"""Stage 2: split stored text into sentences with exact character offsets.

pysbd decides where sentences end; offsets are then aligned on the stored text by counting
non-whitespace characters, so `text[start:end] == sentence` holds for any input, even where
the splitter alters or drops characters.

pysbd's time grows with the square of its input ("ok. " * N: 53 s at 128 KB, 215 s at 256 KB,
all of it inside the index's write lock), so no piece it sees is longer than MAX_PIECE_CHARS:
longer pieces are first cut in one linear pass, after the last sentence end in each window.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..model.documents import Sentence

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_NON_SPACE = re.compile(r"\S")
_FALLBACK = re.compile(r"[^.!?]*[.!?]+[\"')\]]*|[^.!?]+$")

# ". The" after a word (not an abbreviation: checked in code), a 3+ digit number or a bracket;
# group 1 = the word or number, group 2 = the white space to cut at
_OBVIOUS = re.compile(
    r"(?:\b([A-Za-z][a-z]+|\d{3,})[\"')\]]?|[)\]])[.!?]+[\"')\]]*(\s+)(?=[\"'(\[]?[A-Z])"
)
# terminal punctuation followed by white space (or a line break) inside a piece: pysbd decides
_AMBIGUOUS = re.compile(r"[.!?\u2026][\"')\]]*\s")

MAX_SENTENCE_CHARS = 2000  # longer runs (tables, PDFs without punctuation) are cut at spaces
# The most pysbd is given at once: 1,000 characters cost it ~15 ms even in its worst patterns,
# about what the same text costs as ordinary sentences, so segmenting stays linear overall.
MAX_PIECE_CHARS = 1000

# the last sentence end (punctuation, closing quotes, white space) / white space in a window
_LAST_END = re.compile(r".*[.!?\u2026][\"')\]]*\s", re.DOTALL)
_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    from pysbd.lang.english import English

    return frozenset(a.strip().lower() for a in English.Abbreviation.ABBREVIATIONS)


def _presplit(paragraph: str) -> list[str]:
    """Cut at unambiguous boundaries: a word that is no known abbreviation (or a year, or a
    closing bracket), then . ! or ? (and closing quotes), white space, and a capital letter.

    pysbd costs ~2 ms per sentence (hundreds of regexes per call) - as much as embedding it -
    and is only needed where a piece still holds an ambiguous period (Dr. / U.S. / 5 p.m. /
    lists), so only such pieces go to pysbd.
    """
    pieces, start = [], 0
    for match in _OBVIOUS.finditer(paragraph):
        word = match.group(1)
        if word and word.lower() in _abbreviations():
            continue
        pieces.append(paragraph[start : match.start(2)])
        start = match.end(2)
    pieces.append(paragraph[start:])
    return pieces


def _pysbd(text: str) -> list[str]:
    try:
        return _segmenter().segment(text)
    except Exception:  # noqa: BLE001 - pysbd can fail on odd input; a regex split is enough
        return _FALLBACK.findall(text) or [text]


def _chunks(piece: str, limit: int) -> Iterator[str]:
    """Consecutive parts of `piece`, none longer than `limit`, each cut after the last sentence
    end in the second half of its window (else the last white space, else at the limit).

    Starting the search half-way guarantees progress of limit/2 per window, so one pass is
    linear, and the parts join back into exactly `piece`.
    """
    limit = max(1, limit)
    start, half = 0, limit // 2
    while len(piece) - start > limit:
        window = piece[start + half : start + limit]
        match = _LAST_END.match(window) or _LAST_SPACE.match(window)
        cut = start + half + (match.end() if match else len(window))
        yield piece[start:cut]
        start = cut
    yield piece[start:]


def _split(paragraph: str, max_piece: int = MAX_PIECE_CHARS) -> list[str]:
    out: list[str] = []
    for piece in _presplit(paragraph):
        if _AMBIGUOUS.search(piece.rstrip()) or "\n" in piece.strip():
            for chunk in _chunks(piece, max_piece):
                if chunk.strip():
                    out.extend(_pysbd(chunk))
        elif piece.strip():
            out.append(piece)
    return out


def _align(text: str, offset: int, pieces: list[str]) -> list[tuple[int, int]]:
    """Map splitter pieces back onto `text` by non-whitespace character counts."""
    positions = [m.start() for m in _NON_SPACE.finditer(text)]
    spans, used = [], 0
    for index, piece in enumerate(pieces):
        count = sum(1 for ch in piece if not ch.isspace())
        if index == len(pieces) - 1:
            count = len(positions) - used  # the last piece takes whatever is left
        count = min(count, len(positions) - used)
        if count <= 0:
            continue
        first, last = positions[used], positions[used + count - 1]
        spans.append((offset + first, offset + last + 1))
        used += count
    return spans


def _cap(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut an over-long span at whitespace so no sentence exceeds `limit` characters."""
    spans = []
    while end - start > limit:
        cut = text.rfind(" ", start + 1, start + limit)
        cut = cut if cut > start else start + limit
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        spans.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))
    return spans


def segment(
    text: str, max_chars: int = MAX_SENTENCE_CHARS, max_piece: int = MAX_PIECE_CHARS
) -> list[Sentence]:
    """Sentences of `text`, in order, stripped, non-overlapping, with exact offsets, in time
    linear in the text (the splitter never sees more than `max_piece` characters at once)."""
    sentences: list[Sentence] = []
    cursor = 0
    bounds = [m.start() for m in _PARAGRAPH.finditer(text)] + [len(text)]
    for bound in bounds:
        paragraph = text[cursor:bound]
        if paragraph.strip():
            for start, end in _align(paragraph, cursor, _split(paragraph, max_piece)):
                for s, e in _cap(text, start, end, max_chars):
                    sentences.append(Sentence(s, e, text[s:e]))
        match = _PARAGRAPH.match(text, bound)
        cursor = match.end() if match else bound
    return sentences

"""PDF files (.pdf): the text of every page via pypdf, its lines joined into running text.

pypdf gives a page as the lines it is laid out in; a line break there is where the line ran out
of width, not where a sentence ended, so the lines are joined before segmentation:

- A line is joined to the next with a space, unless there is a paragraph break between them: a
  blank line; a line ending a sentence (. ! ? : or an ellipsis, closing quotes allowed) that is
  short (under SHORT_LINE of the page's usual line length) or followed by a more indented line;
  a short line followed by one starting with a capital or a digit (a heading, a paragraph's last
  line) unless it ends with a comma, a hyphen or a small word such as "the"; a line starting
  with a list bullet. A kept break is one newline; pages are separated by a blank line unless
  the page ends mid-sentence and the next page starts in lower case (one running paragraph).
- A word split at a line end ("govern-" / "ment") loses the hyphen (soft hyphenation), except
  where the hyphen is real: the text before it is a number or the text after it starts with a
  capital or a digit ("1990-" / "1995", "Franco-" / "Prussian", "COVID-" / "19"), the word
  already holds a hyphen ("state-of-the-" / "art"), or the piece before it is a prefix English
  always hyphenates (KEEP_HYPHEN: "self-" / "defence"). The document itself decides first: if
  the joined word ("ceasefire") or the hyphenated one ("cease-fire") is written elsewhere in it,
  the more frequent spelling wins. A line ending in an unspaced dash or "/" (a URL) is joined
  without a space.

The joined text is the stored text, so evidence offsets point into it as for any other format.

The date: the PDF's own metadata - Info CreationDate, XMP CreateDate, XMP dc:date, Info ModDate,
XMP ModifyDate, the first plausible one (not before 1993, when PDF appeared, nor in the future)
- else the first full date written on the first page with text (2024-01-02, 2 January 2024,
January 2, 2024, Jan. 2 2024; all-numeric 01/02/2024 is ambiguous and skipped). Never the file's
modification time: that is when it was copied, not when it was written.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ...errors import WorkbenchError
from ...model.documents import SourceDocument
from ..normalize import normalize_text
from .base import document_reader, make_document, quiet_libraries
from .files import display_path, path_doc_id, read_bounded

SHORT_LINE = 0.6  # a line shorter than this share of the page's usual length ends a paragraph
# prefixes that keep their hyphen at a line end ("self-" / "defence"); not "co", "ex", "pre" or
# "pro": soft hyphens split "co-hort", "ex-ample", "pre-vious", "pro-duction" as often
KEEP_HYPHEN = frozenset({"self", "non", "quasi", "half", "all"})
# a short line ending in one of these is a wrapped line, not a heading or a paragraph's end
_SMALL_WORDS = frozenset(
    "a an and as at by for from in into of on or the to with than that".split()
)
FIRST_PDF_DATE = dt.date(1993, 1, 1)  # PDF 1.0; an earlier metadata date is a wrong clock

_SENTENCE_END = re.compile(r"[.!?:\u2026][\"')\]]*$")
_BULLET = re.compile(  # a list item: a bullet sign, "1." "2)" "(3)", "a)" "(b)"
    r"(?:[\u2022\u25aa\u25e6\u2023\u25cf\u25a0\u25cb\u27a2\u25ba*\u00b7]|\(?\d{1,2}[.)]|\(?[a-z]\))\s"
)
_HYPHENATED_END = re.compile(r"(\S*?)([^\W\d_]+)-$")  # (rest of the word, letters before "-")
_LEADING_WORD = re.compile(r"[^\W\d_]+")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_UNSPACED_END = re.compile(r"\S[-\u2013\u2014/]$")  # "1990-", "word\u2014", "https://a.org/"


# -- lines into running text ----------------------------------------------------------------
def _usual_length(lines: list[str]) -> int:
    """The length of a full line on this page: the 80th percentile of its lines' lengths."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    return lengths[min(len(lengths) - 1, int(len(lengths) * 0.8))] if lengths else 0


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _starts_upper(text: str) -> bool:
    first = text.lstrip("\"'([")[:1]
    return first.isupper() or first.isdigit()


def _breaks(prev: str, line: str, usual: int) -> bool:
    """Whether a paragraph ends between two non-blank lines of a page."""
    if _BULLET.match(line.lstrip()):
        return True
    before = prev.strip()
    short = len(before) < SHORT_LINE * usual
    if _SENTENCE_END.search(before):
        return short or _indent(line) > _indent(prev)
    if short and _starts_upper(line.strip()):
        last = before.rsplit(None, 1)[-1].lower()
        return not (before.endswith((",", "-", ";")) or last in _SMALL_WORDS)
    return False


def _vocabulary(text: str) -> Counter:
    """Lower-cased words (hyphenated ones whole) written within the lines of the text."""
    return Counter(word.lower() for word in _WORDS.findall(text))


def _keep_hyphen(word: str, prefix: str, after: str, words: Counter) -> bool:
    """Whether a hyphen ending a line (after `prefix`, the word's last letters) is a real one."""
    piece = _LEADING_WORD.match(after)
    if piece is None:
        return True  # "COVID-" / "19", "pre-" / "(1990)": not a word split
    second = piece.group()
    joined = words[(prefix + second).lower()]
    hyphenated = words[f"{prefix}-{second}".lower()]
    if joined != hyphenated:
        return hyphenated > joined  # the document's own spelling
    if "-" in word or second[0].isupper():
        return True  # "state-of-the-" / "art", "Franco-" / "Prussian"
    return prefix.lower() in KEEP_HYPHEN


def _glue(text: str, line: str, words: Counter) -> str:
    """text + the next line of its paragraph."""
    split = _HYPHENATED_END.search(text)
    if split is not None and (split.start() == 0 or text[split.start() - 1].isspace()):
        rest, prefix = split.groups()
        word = rest + prefix
        if _keep_hyphen(word, prefix, line, words):
            return text + line
        return text[:-1] + line
    if _UNSPACED_END.search(text):
        return text + line  # "1990-" / "1995", "word\u2014" / "word", "https://a.org/" / "b"
    return f"{text} {line}"


def _paragraphs(page: str, words: Counter) -> list[str]:
    """A page's paragraphs, each one line of running text."""
    lines = page.split("\n")
    usual = _usual_length(lines)
    paragraphs: list[str] = []
    current, prev = "", ""
    for line in lines:
        if not line.strip():
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current and not _breaks(prev, line, usual):
            current = _glue(current, line.strip(), words)
        else:
            if current:
                paragraphs.append(current)
            current = line.strip()
        prev = line
    if current:
        paragraphs.append(current)
    return paragraphs


def join_lines(pages: list[str]) -> str:
    """The pages' text as running text: paragraphs on one line each, pages a blank line apart
    (see the module docstring for the rules)."""
    pages = [normalize_text(page) for page in pages]
    words = _vocabulary("\n".join(pages))
    out = ""
    for page in pages:
        paragraphs = _paragraphs(page, words)
        if not paragraphs:
            continue
        first = paragraphs[0]
        if out and not _SENTENCE_END.search(out) and first[:1].islower():
            out = _glue(out, first, words)  # the page break fell inside a sentence
            paragraphs = paragraphs[1:]
        text = "\n".join(paragraphs)
        out = f"{out}\n\n{text}" if out and text else out or text
    return out


# -- dates ----------------------------------------------------------------------------------
_MONTHS = {
    name: number
    for number, month in enumerate(
        "january february march april may june july august september october november "
        "december".split(),
        start=1,
    )
    for name in (month, month[:3], "sept" if number == 9 else month[:3])
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_TEXT_DATES = [
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
]
_METADATA_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")  # D:20240102..., 2024-01-02T...


def _day(year: str, month: str, day: str) -> dt.date | None:
    month_number = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
    try:
        return dt.date(int(year), month_number or 0, int(day))
    except ValueError:
        return None


def _tomorrow() -> dt.date:
    return dt.date.today() + dt.timedelta(days=1)  # a creator's time zone may be ahead


def metadata_date(value: object) -> str | None:
    """An ISO date from a PDF date ("D:20240102030405Z"), an XMP date or a datetime; None
    when it has no full date or the date is implausible (before 1993, or in the future)."""
    match = _METADATA_DATE.search(str(value or ""))
    date = _day(*match.groups()) if match else None
    if date is None or not FIRST_PDF_DATE <= date <= _tomorrow():
        return None
    return date.isoformat()


def text_date(text: str) -> str | None:
    """The first full date written in the text (not in the future), ISO; None if none."""
    found = []
    for pattern in _TEXT_DATES:
        for match in pattern.finditer(text):
            date = _day(match["year"], match["month"], match["day"])
            if date is not None and dt.date(1800, 1, 1) <= date <= _tomorrow():
                found.append((match.start(), date))
                break
    return min(found)[1].isoformat() if found else None


def _quietly(get: Callable[[], object]) -> object:
    """One metadata field; a malformed one is as good as missing (the text is still read)."""
    try:
        return get()
    except Exception:  # noqa: BLE001 - pypdf raises many types for odd metadata
        return None


def read_metadata(reader) -> tuple[str | None, str | None]:
    """(title, date) from the Info dictionary and the XMP packet, each None when absent."""
    meta = _quietly(lambda: reader.metadata)
    xmp = _quietly(lambda: reader.xmp_metadata)
    title = _quietly(lambda: meta.title) if meta is not None else None
    candidates = [
        _quietly(lambda: meta.creation_date_raw) if meta is not None else None,
        _quietly(lambda: xmp.xmp_create_date) if xmp is not None else None,
        _quietly(lambda: (xmp.dc_date or [None])[0]) if xmp is not None else None,
        _quietly(lambda: meta.modification_date_raw) if meta is not None else None,
        _quietly(lambda: xmp.xmp_modify_date) if xmp is not None else None,
    ]
    date = next((d for d in map(metadata_date, candidates) if d), None)
    return (str(title) if title else None), date


@document_reader(".pdf")
def load_pdf(path: Path, data: bytes | None = None) -> SourceDocument:
    """Text of every page via pypdf, lines joined into paragraphs, pages a blank line apart."""
    from pypdf import PdfReader

    name = display_path(path)
    data = read_bounded(path) if data is None else data
    try:
        with quiet_libraries():
            reader = PdfReader(io.BytesIO(data))
            pages = [page.extract_text() or "" for page in reader.pages]
            title, date = read_metadata(reader)
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        raise WorkbenchError(f"{name} could not be read as a PDF ({exc}); skipped it.") from exc
    text = join_lines(pages)
    if not text.strip():
        raise WorkbenchError(
            f"{name} has no extractable text (a scanned PDF needs OCR first); skipped it."
        )
    if date is None:
        date = text_date(next(normalize_text(p) for p in pages if p.strip()))
    return make_document(path_doc_id(path), text, title, date, name)

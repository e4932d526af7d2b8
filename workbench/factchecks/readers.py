"""Reading fact-checks from files: schema.org ClaimReview, CSV/TSV tables, CheckThat! TSV.

Every reader returns the fact-checks it could read and the problems it met, each naming its line
(or object), so one bad row is reported and the rest are imported. A file that cannot be read
at all (missing, not UTF-8, no known columns) raises FactCheckFileError with one sentence.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ..errors import WorkbenchError
from ..model.dates import parse_date
from ..model.factchecks import FactCheck
from ..pipeline.normalize import normalize_text

MAX_CLAIM_CHARS = 2000  # a fact-checked claim longer than this is a page, not a claim
SUFFIXES = (".json", ".jsonld", ".html", ".htm", ".csv", ".tsv")
# Column names understood in a table (lower-cased, spaces and dashes as underscores).
COLUMNS = {
    "claim": ("claim", "claim_reviewed", "claimreviewed", "vclaim", "statement", "text"),
    "rating": ("rating", "verdict", "label", "textual_rating", "textualrating", "alternatename"),
    "url": ("url", "link", "review_url"),
    "date": ("date", "date_published", "datepublished", "review_date"),
    "publisher": ("publisher", "author", "source", "site"),
    "title": ("title", "headline"),
}


class FactCheckFileError(WorkbenchError):
    """A fact-check file that cannot be read at all."""


@dataclass
class ReadResult:
    """What one file gave: its fact-checks, and one sentence per row or object skipped."""

    path: str
    factchecks: list[FactCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_factchecks(path: str | os.PathLike) -> ReadResult:
    """The fact-checks in one file, by its suffix (see SUFFIXES)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise FactCheckFileError(
            f"{path} is not a fact-check file this workbench reads; give ClaimReview JSON "
            "(.json, .jsonld), a web page with ClaimReview markup (.html) or a table (.csv, .tsv)."
        )
    text = _read_text(path)
    result = ReadResult(str(path))
    if suffix in (".json", ".jsonld"):
        _from_json(text, result, where="")
    elif suffix in (".html", ".htm"):
        blocks = _ld_json_blocks(text)
        if not blocks:
            raise FactCheckFileError(
                f'{path} has no <script type="application/ld+json"> block; give a page with '
                "ClaimReview markup."
            )
        for number, block in enumerate(blocks, start=1):
            _from_json(block, result, where=f"script block {number}: ")
    else:
        _from_table(text, "\t" if suffix == ".tsv" else ",", result)
    return result


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise FactCheckFileError(f"The fact-check file {path} does not exist.")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FactCheckFileError(f"{path} is not UTF-8 text; save it as UTF-8.") from exc
    except OSError as exc:
        raise FactCheckFileError(f"{path} cannot be read ({exc.strerror}).") from exc


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):  # {"@type": "Organization", "name": ...}
        value = value.get("name") or value.get("url") or ""
    if isinstance(value, list):
        value = next((_clean(v) for v in value if _clean(v)), "")
    return " ".join(normalize_text(str(value)).split())


def make_factcheck(fields: dict, where: str) -> tuple[FactCheck | None, str | None]:
    """A FactCheck from raw fields, or (None, why) when the row cannot be one."""
    claim = _clean(fields.get("claim"))
    if not claim:
        return None, f"{where}no claim text; skipped."
    if len(claim) > MAX_CLAIM_CHARS:
        return (
            None,
            f"{where}the claim is {len(claim)} characters long (over {MAX_CLAIM_CHARS}); skipped.",
        )
    raw_date = _clean(fields.get("date"))
    date = parse_date(raw_date) if raw_date else None
    if raw_date and date is None:
        return None, f"{where}the date {raw_date!r} is not a YYYY-MM-DD date; skipped."
    url = _clean(fields.get("url")) or None
    if url and not url.lower().startswith(("http://", "https://")):
        return None, f"{where}the url {url!r} is not a web address; skipped."
    return (
        FactCheck(
            claim=claim,
            rating=_clean(fields.get("rating")),
            url=url,
            publisher=_clean(fields.get("publisher")) or None,
            date=date,
            title=_clean(fields.get("title")) or None,
        ),
        None,
    )


# -- ClaimReview JSON and JSON-LD ---------------------------------------------------------------


def _types(node: dict) -> set[str]:
    kind = node.get("@type") or ()
    kinds = [kind] if isinstance(kind, str) else list(kind)
    return {str(k).rsplit("/", 1)[-1].lower() for k in kinds}


def _claim_reviews(node: object) -> Iterator[dict]:
    """Every ClaimReview object in a JSON value (top level, a list, @graph or nested)."""
    if isinstance(node, list):
        for item in node:
            yield from _claim_reviews(item)
    elif isinstance(node, dict):
        if "claimreview" in _types(node):
            yield node
            return
        for value in node.values():
            if isinstance(value, (dict, list)):
                yield from _claim_reviews(value)


def _rating(review: dict) -> str:
    rating = review.get("reviewRating")
    if isinstance(rating, list):
        rating = rating[0] if rating else None
    if isinstance(rating, dict):
        return (
            _clean(rating.get("alternateName"))
            or _clean(rating.get("name"))
            or (_clean(rating.get("ratingValue")))
        )
    return _clean(rating)


def _from_json(text: str, result: ReadResult, where: str) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FactCheckFileError(
            f"{result.path}: {where}not valid JSON (line {exc.lineno}: {exc.msg})."
        ) from exc
    reviews = list(_claim_reviews(data))
    if not reviews and not where:
        raise FactCheckFileError(
            f'{result.path} holds no ClaimReview object ("@type": "ClaimReview"); give '
            "schema.org ClaimReview JSON."
        )
    for number, review in enumerate(reviews, start=1):
        item = review.get("itemReviewed") if isinstance(review.get("itemReviewed"), dict) else {}
        fields = {
            "claim": review.get("claimReviewed") or item.get("text") or item.get("name"),
            "rating": _rating(review),
            "url": review.get("url"),
            "date": review.get("datePublished"),
            "publisher": review.get("publisher") or review.get("author"),
            "title": review.get("headline") or review.get("name"),
        }
        factcheck, problem = make_factcheck(fields, f"{result.path}: {where}ClaimReview {number}: ")
        _keep(result, factcheck, problem)


class _LdJson(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        kind = (dict(attrs).get("type") or "").strip().lower()
        self._inside = tag == "script" and kind == "application/ld+json"
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.blocks[-1] += data


def _ld_json_blocks(html: str) -> list[str]:
    parser = _LdJson()
    parser.feed(html)
    return [b for b in parser.blocks if b.strip()]


# -- tables ------------------------------------------------------------------------------------


def _column_map(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in header]
    found = {}
    for field_name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in names:
                found[field_name] = names.index(alias)
                break
    return found


def _from_table(text: str, delimiter: str, result: ReadResult) -> None:
    """CSV/TSV with a header row. A CheckThat! 2020 verified-claims TSV (vclaim_id, vclaim,
    title) is read without CSV quoting: its claims may start with a literal quote."""
    first = text.split("\n", 1)[0]
    checkthat = delimiter == "\t" and first.lower().startswith("vclaim_id")
    if checkthat:
        rows: Iterator[list[str]] = (line.split("\t") for line in text.splitlines())
    else:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(rows, None)
    columns = _column_map(header or [])
    if "claim" not in columns:
        raise FactCheckFileError(
            f"{result.path} has no claim column; give a header row with claim, rating, url, "
            "date and publisher columns (or a CheckThat! vclaim_id/vclaim/title TSV)."
        )
    if "rating" not in columns and not checkthat:
        raise FactCheckFileError(
            f"{result.path} has no rating column; add one (the verdict each claim was given)."
        )
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        fields = {name: row[i] if i < len(row) else "" for name, i in columns.items()}
        line = getattr(rows, "line_num", number)  # csv: the row's last line (quoted newlines)
        factcheck, problem = make_factcheck(fields, f"{result.path} line {line}: ")
        _keep(result, factcheck, problem)


def _keep(result: ReadResult, factcheck: FactCheck | None, problem: str | None) -> None:
    if factcheck is not None:
        result.factchecks.append(factcheck)
    else:
        result.problems.append(problem or "")

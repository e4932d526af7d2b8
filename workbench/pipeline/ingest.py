"""Stage 1: turn files and records into normalised documents with metadata.

Supported: .txt, .md, .html/.htm (trafilatura, falling back to BeautifulSoup), .pdf (pypdf),
.jsonl and .csv (one document per record: id, title, text, date, url; text required).
Every document's text is normalised (see normalize.py) before it is stored, so offsets
computed later refer to exactly the text that is shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import WorkbenchError
from .normalize import normalize_text

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".csv"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | {".pdf"}
MAX_FILE_MB = 100  # default per-file limit; WORKBENCH_MAX_FILE_MB overrides it


def max_file_bytes() -> int:
    """The largest file `add` reads (bytes): WORKBENCH_MAX_FILE_MB, else MAX_FILE_MB."""
    try:
        return int(float(os.environ.get("WORKBENCH_MAX_FILE_MB", MAX_FILE_MB)) * 1_000_000)
    except ValueError:
        return MAX_FILE_MB * 1_000_000


_DATE_LINE = re.compile(r"\A\s*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


@dataclass
class SourceDocument:
    """A document ready to be segmented: normalised text plus its metadata."""

    doc_id: str
    text: str
    title: str
    date: str | None = None
    source: str = ""
    url: str | None = None
    explicit_id: bool = False  # True when the id came from the record itself

    @property
    def content_hash(self) -> str:
        """Hash of everything stored for the document; equal hash means nothing changed."""
        payload = json.dumps(
            [self.text, self.title, self.date, self.source, self.url], ensure_ascii=False
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def parse_date(value: object) -> str | None:
    """Return an ISO date (YYYY-MM-DD) from a date or datetime string, or None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def path_doc_id(path: Path) -> str:
    """A stable id for a file: its path relative to the working directory, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Yield supported files under the given files/folders (recursive, sorted, no hidden)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if any(part.startswith(".") for part in rel):
                    continue
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
        else:
            yield path


def _check_binary(path: Path, head: bytes) -> None:
    if b"\x00" in head[:4096]:
        raise WorkbenchError(
            f"{path} looks like a binary file, not text; skipped it (convert it to text first)."
        )


def _decode(path: Path, data: bytes, where: str = "") -> str:
    """UTF-8 text (BOM dropped); invalid bytes are an error naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise WorkbenchError(
            f"{where or path} is not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line}); "
            "save it as UTF-8 and add it again."
        ) from None


def _read_text_file(path: Path) -> str:
    data = path.read_bytes()
    _check_binary(path, data)
    return _decode(path, data)


def split_metadata(text: str) -> tuple[str, dict[str, str]]:
    """Remove a leading `date YYYY-MM-DD` line or markdown front matter; return text, metadata."""
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip().lower() in {"title", "date", "url", "source"}:
                meta[key.strip().lower()] = value.strip().strip("'\"")
        text = text[match.end() :]
    match = _DATE_LINE.match(text)
    if match:
        meta.setdefault("date", match.group(1))
        text = text[match.end() :]
    return text.strip(), meta


def fallback_title(text: str, limit: int = 80) -> str:
    """A title for untitled text: its first line when short, else its opening words."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut + "..."


def _make(doc_id: str, text: str, title: str | None, date: object, source: str, url=None):
    text = normalize_text(text).strip()
    if not text:
        raise WorkbenchError(
            f"{source} contains no text to index; skipped it (add text to it, or leave it out)."
        )
    title = normalize_text(title).strip() if title else ""
    return SourceDocument(
        doc_id=doc_id,
        text=text,
        title=title or fallback_title(text),
        date=parse_date(date),
        source=source,
        url=str(url).strip() or None if url else None,
    )


def load_text(path: Path) -> SourceDocument:
    """Plain text or markdown, with optional leading date line / front matter."""
    text, meta = split_metadata(normalize_text(_read_text_file(path)))
    title = meta.get("title")
    if not title and path.suffix.lower() in {".md", ".markdown"}:
        heading = _MD_HEADING.search(text)
        title = heading.group(1) if heading else None
    return _make(path_doc_id(path), text, title, meta.get("date"), str(path), meta.get("url"))


def load_html(path: Path) -> SourceDocument:
    """Main text of an HTML page via trafilatura, else all visible text via BeautifulSoup."""
    html = _read_text_file(path)
    text, title, date = None, None, None
    try:
        import trafilatura

        text = trafilatura.extract(html, include_comments=False, include_tables=True)
        meta = trafilatura.extract_metadata(html)
        if meta is not None:
            title, date = meta.title, meta.date
    except Exception:  # noqa: BLE001 - any extractor failure falls back to BeautifulSoup
        text = None
    if not text or not text.strip():
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(html, "html.parser")
        for tag in soup(["script", "style", "noscript", "template"]):
            tag.decompose()
        if soup.title and soup.title.string:
            title = title or soup.title.string
        body = soup.body or soup
        text = body.get_text("\n")
        text = re.sub(r"[ \t]*\n[ \t\n]*\n", "\n\n", text)
    return _make(path_doc_id(path), text, title, date, str(path))


def load_pdf(path: Path) -> SourceDocument:
    """Text of every page via pypdf, pages separated by blank lines."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata
        title = meta.title if meta else None
        date = None
        if meta is not None and meta.creation_date is not None:
            date = meta.creation_date.date().isoformat()
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        raise WorkbenchError(f"{path} could not be read as a PDF ({exc}); skipped it.") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise WorkbenchError(
            f"{path} has no extractable text (a scanned PDF needs OCR first); skipped it."
        )
    return _make(path_doc_id(path), text, title, date, str(path))


def _iter_jsonl(path: Path) -> Iterator[tuple[str, dict | None, str | None]]:
    with open(path, "rb") as handle:
        _check_binary(path, handle.read(4096))
        handle.seek(0)
        for number, raw in enumerate(handle, start=1):
            where = f"line {number} of {path}"
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield where, None, f"{where} is not valid UTF-8; save the file as UTF-8 (skipped)."
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield where, None, f"{where} is not valid JSON ({exc.msg}); fix it (skipped it)."
                continue
            if not isinstance(record, dict):
                yield where, None, f"{where} is not a JSON object; skipped it."
                continue
            yield where, record, None


def _iter_csv(path: Path) -> Iterator[tuple[str, dict | None, str | None]]:
    """Rows of a CSV file; a malformed row is reported by its (first) line number."""
    csv.field_size_limit(sys.maxsize)
    data = path.read_bytes()
    _check_binary(path, data)
    text = _decode(path, data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise WorkbenchError(f"The header of {path} is not valid CSV ({exc}); fix it.") from None
    names = [(h or "").strip().lower() for h in header or []]
    if "text" not in names:
        raise WorkbenchError(f"{path} has no 'text' column; a CSV needs id,title,text,date,url.")
    line = reader.line_num
    while True:
        first = line + 1
        where = f"row {first} of {path}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield where, None, f"{where} is not valid CSV ({exc}); fix its quoting (skipped it)."
            return  # the reader cannot find the next row reliably after this
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(names):
            yield (
                where,
                None,
                f"{where} has {len(row)} fields but the header has {len(names)}; quote fields "
                "that contain commas (skipped it).",
            )
            continue
        yield where, {k: v for k, v in zip(names, row) if k}, None


def record_document(record: dict, where: str, default_id: str, source: str) -> SourceDocument:
    """One record (id, title, text, date, url) as a document; its own id is kept."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise WorkbenchError(f"{where} has no 'text'; every record needs one, so skipped it.")
    raw_id = record.get("id")
    doc_id = str(raw_id).strip() if raw_id is not None and str(raw_id).strip() else default_id
    title = record.get("title")
    doc = _make(
        doc_id,
        text,
        str(title) if title is not None else None,
        record.get("date"),
        source,
        record.get("url"),
    )
    doc.explicit_id = doc_id != default_id
    return doc


def load_records_file(path: Path) -> Iterator[tuple[SourceDocument | None, str | None]]:
    """Documents from a .jsonl or .csv file; a bad record yields an error, not an exception."""
    rows = _iter_jsonl(path) if path.suffix.lower() == ".jsonl" else _iter_csv(path)
    base = path_doc_id(path)
    for index, (where, record, error) in enumerate(rows):
        if error:
            yield None, error
            continue
        try:
            yield record_document(record, where, f"{base}#{index + 1}", str(path)), None
        except WorkbenchError as exc:
            yield None, str(exc)


def load_path(path: Path) -> Iterator[tuple[SourceDocument | None, str | None]]:
    """Documents from one file, as (document, None) or (None, error sentence) pairs."""
    suffix = path.suffix.lower()
    try:
        if not path.exists():
            raise WorkbenchError(f"{path} does not exist; check the path.")
        if suffix not in SUPPORTED_SUFFIXES:
            supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise WorkbenchError(f"{path} has an unsupported type; supported: {supported}.")
        size, limit = path.stat().st_size, max_file_bytes()
        if size > limit:  # checked before reading anything
            raise WorkbenchError(
                f"{path} is {size / 1e6:.0f} MB, over the {limit / 1e6:.0f} MB limit for one file; "
                "split it into smaller files (or raise WORKBENCH_MAX_FILE_MB)."
            )
        if suffix in RECORD_SUFFIXES:
            yield from load_records_file(path)
        elif suffix in HTML_SUFFIXES:
            yield load_html(path), None
        elif suffix == ".pdf":
            yield load_pdf(path), None
        else:
            yield load_text(path), None
    except WorkbenchError as exc:
        yield None, str(exc)
    except OSError as exc:
        yield None, f"{path} could not be read ({exc.strerror or exc}); skipped it."


def load_paths(
    paths: Iterable[str | os.PathLike],
) -> Iterator[tuple[SourceDocument | None, str | None]]:
    """Documents from files and folders (recursive); errors are yielded, never raised."""
    for path in iter_files(paths):
        yield from load_path(path)


def load_records(
    records: Iterable[dict], origin: str = "records"
) -> Iterator[tuple[SourceDocument | None, str | None]]:
    """Documents from in-memory dicts (id, title, text, date, url)."""
    for index, record in enumerate(records):
        where = f"record {index + 1}"
        if not isinstance(record, dict):
            yield None, f"{where} is not a dict; skipped it."
            continue
        try:
            source = str(record.get("url") or origin)
            yield record_document(record, where, f"{origin}#{index + 1}", source), None
        except WorkbenchError as exc:
            yield None, str(exc)

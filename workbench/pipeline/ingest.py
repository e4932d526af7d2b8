"""Stage 1: turn files and records into normalised documents with metadata.

Supported: .txt, .md, .html/.htm (trafilatura, falling back to BeautifulSoup), .pdf (pypdf),
.jsonl and .csv (one document per record: id, title, text, date, url; text required).
Every document's text is normalised (see normalize.py) before it is stored, so offsets
computed later refer to exactly the text that is shown.

Hostile input is bounded here, before anything expensive runs: only regular files are read and
no read goes past the size limit, HTML past a depth/tag budget is read by a streaming parser
instead of tree builders, and one bad record (deep nesting, a NUL byte, an id that would break
a listing) is reported without stopping the rest of its file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import stat
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import WorkbenchError
from .normalize import normalize_text

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".csv"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | {".pdf"}
MAX_FILE_MB = 100  # default per-file limit; WORKBENCH_MAX_FILE_MB overrides it
# HTML past either bound goes to a streaming parser: trafilatura and BeautifulSoup build trees whose
# cost explodes with nesting (18 MB of nested tags: 92 s and 4.3 GB), while ordinary pages stay
# far below both (tens of levels, a few thousand tags).
MAX_HTML_DEPTH = 256
MAX_HTML_TAGS = 100_000


def max_file_bytes() -> int:
    """The largest file `add` reads (bytes): WORKBENCH_MAX_FILE_MB, else MAX_FILE_MB."""
    try:
        return int(float(os.environ.get("WORKBENCH_MAX_FILE_MB", MAX_FILE_MB)) * 1_000_000)
    except ValueError:
        return MAX_FILE_MB * 1_000_000


# C0/C1 controls and the Unicode line/paragraph separators: they break one-line listings
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")
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


def _escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def display_path(path: str | os.PathLike) -> str:
    """A path as one line of valid text: undecodable bytes and control characters escaped
    (`caf\\xe9.txt`, `a\\nb.txt`), so ids, messages and listings stay one line each."""
    return _escape_controls(os.fsencode(path).decode("utf-8", "backslashreplace"))


def path_doc_id(path: Path) -> str:
    """A stable id for a file: its path relative to the working directory, else absolute."""
    resolved = path.resolve()
    try:
        return display_path(resolved.relative_to(Path.cwd().resolve()).as_posix())
    except ValueError:
        return display_path(resolved.as_posix())


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Yield supported files under the given files/folders (recursive, sorted, no hidden)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if any(part.startswith(".") for part in rel):
                    continue
                # not is_file(): a pipe or device named .txt is reported by load_path, not ignored
                if not child.is_dir() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
        else:
            yield path


def _mb(n: float) -> str:
    return f"{n / 1e6:.3g} MB"


def _too_big(name: str, size: int | None, limit: int, configurable: bool) -> WorkbenchError:
    what = f"is {_mb(size)}, over" if size is not None else "is larger than"
    more = " (or raise WORKBENCH_MAX_FILE_MB)" if configurable else ""
    return WorkbenchError(
        f"{name} {what} the {_mb(limit)} limit for one file; split it into smaller files{more}."
    )


_SPECIAL_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _require_regular(name: str, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((kind for test, kind in _SPECIAL_KINDS if test(mode)), "a special file")
        raise WorkbenchError(
            f"{name} is not a regular file ({kind}); skipped it (copy its content into a "
            "file to add it)."
        )


def read_bounded(path: Path, limit: int | None = None) -> bytes:
    """All bytes of a regular file, at most `limit` bytes (default WORKBENCH_MAX_FILE_MB).

    st_size alone is not trusted: a FIFO would block the read forever, /dev/zero never ends and
    /proc files claim size 0, so the target is checked after resolving links (and again on the
    open descriptor, O_NONBLOCK so a pipe cannot block), and the read stops past the limit.
    """
    configurable = limit is None
    name, limit = display_path(path), max_file_bytes() if limit is None else limit
    _require_regular(name, os.stat(path).st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    with os.fdopen(os.open(path, flags | getattr(os, "O_CLOEXEC", 0)), "rb") as handle:
        info = os.fstat(handle.fileno())
        _require_regular(name, info.st_mode)  # the path may have been swapped since the stat
        if info.st_size > limit:
            raise _too_big(name, info.st_size, limit, configurable)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _too_big(name, None, limit, configurable)
    return data


_WIDE_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def wide_encoding(data: bytes) -> str | None:
    """The encoding (UTF-16, UTF-32) whose byte-order mark starts `data`, else None."""
    return next((encoding for bom, encoding in _WIDE_BOMS if data.startswith(bom)), None)


def _check_wide_encoding(name: str, head: bytes) -> None:
    encoding = wide_encoding(head)
    if encoding:
        raise WorkbenchError(
            f"{name} is {encoding} text; save it as UTF-8 (e.g. `iconv -f {encoding} -t "
            "UTF-8 OLD > NEW`, or your editor's 'Save as UTF-8') and add it again."
        )


def _binary_error(name: str) -> WorkbenchError:
    return WorkbenchError(
        f"{name} looks like a binary file, not text; skipped it (convert it to text first)."
    )


def _check_binary(name: str, data: bytes) -> None:
    """Text files: a NUL byte near the start means binary (UTF-16/32 are named as such)."""
    _check_wide_encoding(name, data[:4])
    if b"\x00" in data[:4096]:
        raise _binary_error(name)


def records_look_binary(data: bytes, jsonl: bool) -> bool:
    """For a file of records: binary only when its start is not UTF-8 or its first line (a CSV
    header, anything but a JSON object) holds a NUL; a stray NUL in one record is that
    record's fault, reported for it alone."""
    head = data[:4096]
    if b"\x00" not in head:
        return False
    first = head.split(b"\n", 1)[0]
    if b"\x00" in first and not (jsonl and first.lstrip(b" \t\xef\xbb\xbf").startswith(b"{")):
        return True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return True
    return False


def _check_records_binary(name: str, data: bytes, jsonl: bool) -> None:
    _check_wide_encoding(name, data[:4])
    if records_look_binary(data, jsonl):
        raise _binary_error(name)


def decode_utf8(name: str, data: bytes, then: str = "add it again") -> str:
    """UTF-8 text (BOM dropped); invalid bytes are an error naming the line and what to do."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise WorkbenchError(
            f"{name} is not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line}); "
            f"save it as UTF-8 and {then}."
        ) from None


def _read_text_file(path: Path, data: bytes | None = None) -> str:
    name = display_path(path)
    data = read_bounded(path) if data is None else data
    _check_binary(name, data)
    return decode_utf8(name, data)


_QUIET_LOGGERS = ("pypdf", "trafilatura", "htmldate", "courlan", "justext")
_quiet_lock = threading.Lock()
_quiet_users = 0
_saved_levels: dict[str, int] = {}


@contextlib.contextmanager
def _quiet_libraries() -> Iterator[None]:
    """Silence the extractors' own log lines (their child loggers inherit the level): with no
    handler configured they reach stderr as stray lines between our one-sentence reports, and
    whatever made them fail is reported by us. Counted, so overlapping threads restore once."""
    global _quiet_users
    with _quiet_lock:
        if _quiet_users == 0:
            for name in _QUIET_LOGGERS:
                logger = logging.getLogger(name)
                _saved_levels[name] = logger.level
                logger.setLevel(logging.CRITICAL + 1)
        _quiet_users += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_users -= 1
            if _quiet_users == 0:
                for name in _QUIET_LOGGERS:
                    logging.getLogger(name).setLevel(_saved_levels.pop(name, logging.NOTSET))


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


def one_line(title: str) -> str:
    """A title on one line: `index list` and the UI show one document per line."""
    return " ".join(title.split()) if _CONTROL.search(title) else title


def _make(
    doc_id: str,
    text: str,
    title: str | None,
    date: object,
    source: str,
    url: object = None,
    empty_reason: str = "",
) -> SourceDocument:
    text = normalize_text(text).strip()
    if not text:
        raise WorkbenchError(
            f"{source} contains no text to index{empty_reason}; skipped it (add text to it, "
            "or leave it out)."
        )
    title = one_line(normalize_text(title).strip()) if title else ""
    url = _SURROGATE.sub("\ufffd", str(url)).strip() if url else ""
    return SourceDocument(
        doc_id=doc_id,
        text=text,
        title=title or fallback_title(text),
        date=parse_date(date),
        source=source,
        url=url or None,
    )


def load_text(path: Path, data: bytes | None = None) -> SourceDocument:
    """Plain text or markdown, with optional leading date line / front matter."""
    text, meta = split_metadata(normalize_text(_read_text_file(path, data)))
    title = meta.get("title")
    if not title and path.suffix.lower() in {".md", ".markdown"}:
        heading = _MD_HEADING.search(text)
        title = heading.group(1) if heading else None
    return _make(
        path_doc_id(path), text, title, meta.get("date"), display_path(path), meta.get("url")
    )


# elements whose text is not shown, elements that start a new line
_HIDDEN_TAGS = {"script", "style", "noscript", "template", "head"}
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip


@dataclass
class HtmlScan:
    """What one streaming pass over a page found: its visible text, title and shape."""

    text: str = ""
    title: str = ""
    depth: int = 0  # deepest element nesting, as the parser resolved it
    tags: int = 0  # elements opened
    _parts: list[str] = field(default_factory=list, repr=False)
    _title: list[str] = field(default_factory=list, repr=False)
    _open: int = field(default=0, repr=False)
    _hidden: int = field(default=0, repr=False)
    _in_title: int = field(default=0, repr=False)

    # lxml parser-target callbacks: events only, no tree, so time and memory stay linear
    def start(self, tag: str, attrib: object) -> None:
        self.tags += 1
        self._open += 1
        self.depth = max(self.depth, self._open)
        if tag == "title":
            self._in_title += 1
        elif tag in _HIDDEN_TAGS:
            self._hidden += 1
        if tag in _BLOCK_TAGS:
            self._parts.append("\n")

    def end(self, tag: str) -> None:
        self._open = max(0, self._open - 1)
        if tag == "title":
            self._in_title = max(0, self._in_title - 1)
        elif tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        if tag in _BLOCK_TAGS:
            self._parts.append("\n")

    def data(self, text: str) -> None:
        if self._in_title:
            self._title.append(text)
        elif not self._hidden:
            self._parts.append(text)

    def close(self) -> HtmlScan:
        text = re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(self._parts))
        self.text = re.sub(r"\n{3,}", "\n\n", text).strip()
        self.title = " ".join("".join(self._title).split())
        return self


def scan_html(html: str) -> HtmlScan:
    """Visible text, title, nesting depth and tag count of a page in one streaming pass
    (libxml2 via lxml, which closes <p>/<li>/<td> and void tags the way browsers do)."""
    from lxml import etree

    target = HtmlScan()
    parser = etree.HTMLParser(target=target, recover=True, no_network=True)
    try:
        parser.feed(html)
        parser.close()
    except etree.XMLSyntaxError:  # nothing parseable (empty page): what was seen still counts
        pass
    return target.close()


def html_depth(html: str) -> int:
    """How deeply the elements of a page nest (see MAX_HTML_DEPTH)."""
    return scan_html(html).depth


def load_html(path: Path, data: bytes | None = None) -> SourceDocument:
    """Main text of an HTML page via trafilatura, else all visible text via BeautifulSoup;
    pages past the depth/tag budget get the streaming scan's visible text instead."""
    html = _read_text_file(path, data)
    name = display_path(path)
    scan = scan_html(html)
    if scan.depth > MAX_HTML_DEPTH or scan.tags > MAX_HTML_TAGS:
        reason = (
            f"nested {scan.depth:,} tags deep (over {MAX_HTML_DEPTH})"
            if scan.depth > MAX_HTML_DEPTH
            else f"{scan.tags:,} tags (over {MAX_HTML_TAGS:,})"
        )
        return _make(
            path_doc_id(path),
            scan.text,
            scan.title,
            None,
            name,
            empty_reason=f" (the page has {reason}, so only its plain text was read)",
        )
    text, title, date = None, None, None
    try:
        import trafilatura

        with _quiet_libraries():
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
    return _make(path_doc_id(path), text, title, date, name)


def load_pdf(path: Path, data: bytes | None = None) -> SourceDocument:
    """Text of every page via pypdf, pages separated by blank lines."""
    from pypdf import PdfReader

    name = display_path(path)
    data = read_bounded(path) if data is None else data
    try:
        with _quiet_libraries():
            reader = PdfReader(io.BytesIO(data))
            pages = [page.extract_text() or "" for page in reader.pages]
            meta = reader.metadata
            title = meta.title if meta else None
            date = None
            if meta is not None and meta.creation_date is not None:
                date = meta.creation_date.date().isoformat()
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        raise WorkbenchError(f"{name} could not be read as a PDF ({exc}); skipped it.") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise WorkbenchError(
            f"{name} has no extractable text (a scanned PDF needs OCR first); skipped it."
        )
    return _make(path_doc_id(path), text, title, date, name)


Rows = Iterator[tuple[str, "dict | None", "str | None"]]


def _nul_error(where: str) -> str:
    return f"{where} contains a NUL byte (binary data); remove it (skipped it)."


def _iter_jsonl(path: Path, data: bytes) -> Rows:
    name = display_path(path)
    _check_records_binary(name, data, jsonl=True)
    for number, raw in enumerate(io.BytesIO(data), start=1):
        where = f"line {number} of {name}"
        if b"\x00" in raw:
            yield where, None, _nul_error(where)
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            yield where, None, f"{where} is not valid UTF-8; save the file as UTF-8 (skipped)."
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except RecursionError:
            yield where, None, f"{where} is nested too deeply to read as JSON; skipped it."
            continue
        except ValueError as exc:  # JSONDecodeError, or an integer of over 4300 digits
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            yield where, None, f"{where} is not valid JSON ({reason}); fix it (skipped it)."
            continue
        if not isinstance(record, dict):
            yield where, None, f"{where} is not a JSON object; skipped it."
            continue
        yield where, record, None


def _iter_csv(path: Path, data: bytes) -> Rows:
    """Rows of a CSV file; a malformed row is reported by its (first) line number."""
    name = display_path(path)
    _check_records_binary(name, data, jsonl=False)
    yield from csv_rows(name, decode_utf8(name, data), "text", "a CSV needs id,title,text,date,url")


def csv_rows(
    name: str,
    text: str,
    required: str,
    header_hint: str,
    where_word: str = "row",
    field_hint: str = "fields",
    skipped: str = " (skipped it)",
) -> Rows:
    """The one strict CSV reader (documents and claims files): (where, record, None) per row,
    or (where, None, error sentence) for a row that cannot be read, so one bad row never sinks
    the file. A header without the `required` column is a WorkbenchError."""
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise WorkbenchError(f"The header of {name} is not valid CSV ({exc}); fix it.") from None
    names = [(h or "").strip().lower() for h in header or []]
    if required not in names:
        raise WorkbenchError(f"{name} has no '{required}' column; {header_hint}.")
    line = reader.line_num
    while True:
        where = f"{where_word} {line + 1} of {name}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield where, None, f"{where} is not valid CSV ({exc}); fix its quoting{skipped}."
            return  # the reader cannot find the next row reliably after this
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if any("\x00" in cell for cell in row):
            yield where, None, f"{where} contains a NUL byte (binary data); remove it{skipped}."
        elif len(row) > len(names):
            yield (
                where,
                None,
                f"{where} has {len(row)} fields but the header has {len(names)}; quote "
                f"{field_hint} that contain commas{skipped}.",
            )
        else:
            yield where, {k: v for k, v in zip(names, row) if k}, None


def check_id(doc_id: str, where: str) -> None:
    """Ids are shown one per line and stored as UTF-8: refuse what would break either
    (WorkbenchError naming `where`)."""
    if _SURROGATE.search(doc_id):
        raise WorkbenchError(
            f"{where} has an id that is not valid Unicode (it contains a lone surrogate such as "
            "\\udc80); fix the id."
        )
    if _CONTROL.search(doc_id):
        raise WorkbenchError(
            f"{where} has an id with a line break or other control character; give it an id on "
            "one line."
        )


def record_document(record: dict, where: str, default_id: str, source: str) -> SourceDocument:
    """One record (id, title, text, date, url) as a document; its own id is kept."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise WorkbenchError(f"{where} has no 'text'; every record needs one, so skipped it.")
    raw_id = record.get("id")
    doc_id = str(raw_id).strip() if raw_id is not None and str(raw_id).strip() else default_id
    explicit = doc_id != default_id
    if explicit:
        check_id(doc_id, where)
    title = record.get("title")
    doc = _make(
        doc_id,
        text,
        str(title) if title is not None else None,
        record.get("date"),
        source,
        record.get("url"),
    )
    doc.explicit_id = explicit
    return doc


def _odd_record(where: str, exc: Exception) -> str:
    """One sentence for a record that failed in a way no check foresaw; the batch goes on."""
    if os.environ.get("WORKBENCH_DEBUG"):
        raise exc
    if isinstance(exc, RecursionError):
        return f"{where} is nested too deeply to read; skipped it."
    return f"{where} could not be read (unexpected {type(exc).__name__}); skipped it."


def load_records_file(
    path: Path, data: bytes | None = None
) -> Iterator[tuple[SourceDocument | None, str | None]]:
    """Documents from a .jsonl or .csv file; a bad record yields an error, not an exception."""
    data = read_bounded(path) if data is None else data
    rows = _iter_jsonl(path, data) if path.suffix.lower() == ".jsonl" else _iter_csv(path, data)
    base = path_doc_id(path)
    for index, (where, record, error) in enumerate(rows):
        if error:
            yield None, error
            continue
        try:
            yield record_document(record, where, f"{base}#{index + 1}", display_path(path)), None
        except WorkbenchError as exc:
            yield None, str(exc)
        except Exception as exc:  # noqa: BLE001 - one record must not sink the file
            yield None, _odd_record(where, exc)


def load_path(path: Path) -> Iterator[tuple[SourceDocument | None, str | None]]:
    """Documents from one file, as (document, None) or (None, error sentence) pairs."""
    suffix = path.suffix.lower()
    name = display_path(path)
    try:
        if not path.exists():
            raise WorkbenchError(f"{name} does not exist; check the path.")
        if suffix not in SUPPORTED_SUFFIXES:
            supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise WorkbenchError(f"{name} has an unsupported type; supported: {supported}.")
        data = read_bounded(path)  # regular files only, never past the size limit
        if suffix in RECORD_SUFFIXES:
            yield from load_records_file(path, data)
        elif suffix in HTML_SUFFIXES:
            yield load_html(path, data), None
        elif suffix == ".pdf":
            yield load_pdf(path, data), None
        else:
            yield load_text(path, data), None
    except WorkbenchError as exc:
        yield None, str(exc)
    except OSError as exc:
        yield None, f"{name} could not be read ({exc.strerror or exc}); skipped it."
    except Exception as exc:  # noqa: BLE001 - one file must not sink the batch
        yield None, _odd_record(name, exc)


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
            source = _SURROGATE.sub("\ufffd", str(record.get("url") or origin))
            yield record_document(record, where, f"{origin}#{index + 1}", source), None
        except WorkbenchError as exc:
            yield None, str(exc)
        except Exception as exc:  # noqa: BLE001 - one record must not sink the batch
            yield None, _odd_record(where, exc)

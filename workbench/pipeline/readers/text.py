"""Plain text and markdown (.txt, .md, .markdown), with a leading date line or front matter."""

from __future__ import annotations

import re
from pathlib import Path

from ...model.documents import SourceDocument
from ..normalize import normalize_text
from .base import document_reader, make_document
from .files import display_path, path_doc_id, read_text_file

_DATE_LINE = re.compile(r"\A\s*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)

_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


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


@document_reader(".txt", ".md", ".markdown")
def load_text(path: Path, data: bytes | None = None) -> SourceDocument:
    """Plain text or markdown, with optional leading date line / front matter."""
    text, meta = split_metadata(normalize_text(read_text_file(path, data)))
    title = meta.get("title")
    if not title and path.suffix.lower() in {".md", ".markdown"}:
        heading = _MD_HEADING.search(text)
        title = heading.group(1) if heading else None
    return make_document(
        path_doc_id(path), text, title, meta.get("date"), display_path(path), meta.get("url")
    )

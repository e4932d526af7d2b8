"""PDF files (.pdf): the text of every page via pypdf."""

from __future__ import annotations

import io
from pathlib import Path

from ...errors import WorkbenchError
from ...model.documents import SourceDocument
from .base import document_reader, make_document, quiet_libraries
from .files import display_path, path_doc_id, read_bounded


@document_reader(".pdf")
def load_pdf(path: Path, data: bytes | None = None) -> SourceDocument:
    """Text of every page via pypdf, pages separated by blank lines."""
    from pypdf import PdfReader

    name = display_path(path)
    data = read_bounded(path) if data is None else data
    try:
        with quiet_libraries():
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
    return make_document(path_doc_id(path), text, title, date, name)

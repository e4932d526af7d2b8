"""Documents and their sentences, as every stage from reading to storage sees them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass


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


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text and its [start, end) span in the stored document text."""

    start: int
    end: int
    text: str


def fallback_title(text: str, limit: int = 80) -> str:
    """A title for untitled text: its first line when short, else its opening words."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut + "..."

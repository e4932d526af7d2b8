"""HTML pages (.html, .htm): trafilatura, falling back to BeautifulSoup; a streaming scan for
pages past the depth/tag budget."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...model.documents import SourceDocument
from .base import document_reader, make_document, quiet_libraries
from .files import display_path, path_doc_id, read_text_file

# HTML past either bound goes to a streaming parser: trafilatura and BeautifulSoup build trees whose
# cost explodes with nesting (18 MB of nested tags: 92 s and 4.3 GB), while ordinary pages stay
# far below both (tens of levels, a few thousand tags).
MAX_HTML_DEPTH = 256

MAX_HTML_TAGS = 100_000

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


@document_reader(".html", ".htm")
def load_html(path: Path, data: bytes | None = None) -> SourceDocument:
    """Main text of an HTML page via trafilatura, else all visible text via BeautifulSoup;
    pages past the depth/tag budget get the streaming scan's visible text instead."""
    html = read_text_file(path, data)
    name = display_path(path)
    scan = scan_html(html)
    if scan.depth > MAX_HTML_DEPTH or scan.tags > MAX_HTML_TAGS:
        reason = (
            f"nested {scan.depth:,} tags deep (over {MAX_HTML_DEPTH})"
            if scan.depth > MAX_HTML_DEPTH
            else f"{scan.tags:,} tags (over {MAX_HTML_TAGS:,})"
        )
        return make_document(
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

        with quiet_libraries():
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
    return make_document(path_doc_id(path), text, title, date, name)

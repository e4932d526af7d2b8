"""PDFs: lines joined into running text (sentences survive line wraps and hyphenation, offsets
point into the joined text) and dates from the metadata, else from the first page's text."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from workbench import Workbench
from workbench.pipeline.ingest import load_path
from workbench.pipeline.readers.pdf import join_lines, metadata_date, text_date
from workbench.ui.render import highlight

XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreateDate>{date}</xmp:CreateDate></rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def pdf_bytes(pages: list[list[str]], info: dict | None = None, xmp: str | None = None) -> bytes:
    """A hand-written PDF: one Helvetica line per string (Tj, then T* to the next line), an
    optional Info dictionary and an optional XMP packet with a CreateDate."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects: list[bytes] = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        ops = ["BT /F1 11 Tf 14 TL 72 720 Td"] + [f"({escape(s)}) Tj T*" for s in lines] + ["ET"]
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objects)
        )
        kids.append(len(objects))
    catalog = b"<< /Type /Catalog /Pages 2 0 R"
    if xmp is not None:
        packet = XMP.format(date=xmp).encode()
        objects.append(
            b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(packet)
            + packet
            + b"\nendstream"
        )
        catalog += b" /Metadata %d 0 R" % len(objects)
    objects[0] = catalog + b" >>"
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    objects[1] = b"<< /Type /Pages /Kids [" + refs + b"] /Count %d >>" % len(kids)
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1 + bool(info))
    if info:
        body = " ".join(f"/{key} ({escape(value)})" for key, value in info.items())
        objects.append(f"<< {body} >>".encode("latin-1"))
        trailer += b" /Info %d 0 R" % len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# A report laid out in narrow lines: every sentence wraps, one word is split by a hyphen.
REPORT_LINES = [
    "Harbour Report",
    "The new harbour rules were announced by the govern-",
    "ment of Quorvex on Monday and they take effect",
    "from the first day of next month, officials said.",
    "The harbour board expects fewer delays for the",
    "fishing fleet once the new berths are open.",
]
WHOLE_SENTENCE = (
    "The new harbour rules were announced by the government of Quorvex on Monday and they take "
    "effect from the first day of next month, officials said."
)


def read(path: Path):
    [(doc, error)] = list(load_path(path))
    assert error is None, error
    return doc


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_wrapped_lines_are_joined_into_whole_sentences(tmp_path):
    doc = read(write(tmp_path, "report.pdf", pdf_bytes([REPORT_LINES])))
    assert doc.text.split("\n") == [
        "Harbour Report",
        WHOLE_SENTENCE + " The harbour board expects fewer delays for the fishing fleet once "
        "the new berths are open.",
    ]
    assert doc.title == "Harbour Report"  # no Info title: the heading line, not a fragment


def test_a_wrapped_pdf_indexes_as_whole_sentences_with_exact_offsets(tmp_path, embedder):
    path = write(tmp_path, "report.pdf", pdf_bytes([REPORT_LINES], {"Title": "Harbour rules"}))
    with Workbench.open(tmp_path / "ix") as wb:
        assert wb.add([path]).added
        [info] = wb.documents()
        stored = wb.document(info.doc_id)
        texts = [text for _, text in wb.store.document_sentences(info.doc_id)]
        assert WHOLE_SENTENCE in texts and not any(t.endswith("govern-") for t in texts)
        hits = wb.search("When do the new harbour rules of Quorvex take effect?", top_k=3)
    top = next(h for h in hits if h.sentence == WHOLE_SENTENCE)
    assert stored.text[top.start : top.end] == WHOLE_SENTENCE  # offsets into the stored text
    assert f"<mark>{WHOLE_SENTENCE}</mark>" in highlight(top.context, top.sentence)


LONG = "a long line of running text"  # a full line: the next one is the same paragraph


@pytest.mark.parametrize(
    "end, second, joined",
    [
        ("about the govern-", "ment of the day", "government"),  # soft hyphen: dropped
        ("about the cease-", "fire. The cease-fire held.", None),  # spelled so elsewhere
        ("about her self-", "defence in court today", "self-defence"),  # a hyphenated prefix
        ("about the Franco-", "Prussian war of the time", "Franco-Prussian"),
        ("about the years 1990-", "1995 and what came", "1990-1995"),
        ("about the COVID-", "19 cases in the city", "COVID-19"),
        ("on state-of-the-", "art ships in the bay", "state-of-the-art"),
        ("with a spaced dash -", "and then more text", "dash - and"),
        ("see https://a.org/", "path/page for details", "a.org/path"),
    ],
)
def test_hyphens_at_line_ends(end, second, joined):
    text = join_lines([f"{LONG} {end}\n{second}"])
    assert "\n" not in text
    if joined is None:
        assert text.startswith(f"{LONG} about the cease-fire. ")
    else:
        assert joined in text


def test_paragraph_breaks_are_kept():
    page = "\n".join(
        [
            "Introduction",
            "The first paragraph of the report runs over two lines of the",
            "page and ends here.",
            "A new paragraph starts after a short line that ended a sentence",
            "and goes on.",
            "",
            "After a blank line, a third paragraph with a list of items:",
            "\u2022 the first item",
            "\u2022 the second item",
        ]
    )
    assert join_lines([page]).split("\n") == [
        "Introduction",
        "The first paragraph of the report runs over two lines of the page and ends here.",
        "A new paragraph starts after a short line that ended a sentence and goes on.",
        "After a blank line, a third paragraph with a list of items:",
        "\u2022 the first item",
        "\u2022 the second item",
    ]


def test_a_sentence_running_over_a_page_break_is_joined_and_pages_stay_apart():
    pages = [
        "A sentence that starts on the first page of the document and is continued on the",
        "second page where it ends. Then more text.",
        "Third Page\nA new page that starts with a heading.",
    ]
    assert join_lines(pages) == (
        "A sentence that starts on the first page of the document and is continued on the "
        "second page where it ends. Then more text.\n\nThird Page\n"
        "A new page that starts with a heading."
    )


def test_the_date_comes_from_the_creation_date(tmp_path):
    info = {"Title": "T", "CreationDate": "D:20240102030405+01'00'", "ModDate": "D:20240301"}
    assert read(write(tmp_path, "a.pdf", pdf_bytes([["Text."]], info))).date == "2024-01-02"


def test_the_modification_date_when_there_is_no_creation_date(tmp_path):
    doc = read(write(tmp_path, "a.pdf", pdf_bytes([["Text."]], {"ModDate": "D:20230405120000Z"})))
    assert doc.date == "2023-04-05"


def test_the_xmp_create_date(tmp_path):
    doc = read(write(tmp_path, "a.pdf", pdf_bytes([["Text."]], xmp="2019-07-08T10:00:00Z")))
    assert doc.date == "2019-07-08"


def test_implausible_or_malformed_metadata_dates_are_passed_over(tmp_path):
    info = {"CreationDate": "D:19700101000000Z", "ModDate": "D:garbage"}
    lines = ["Published 12 March 2021 by the harbour board.", "The berths open in May."]
    doc = read(write(tmp_path, "a.pdf", pdf_bytes([lines], info)))
    assert doc.date == "2021-03-12" and "harbour board" in doc.text  # still read, text date


def test_without_metadata_the_first_date_on_the_first_page(tmp_path):
    pages = [
        ["Harbour Report", "Quorvex, 3 May 2022", "The berths opened on 1 June 2021."],
        ["Page two, written on 2023-01-01."],
    ]
    path = write(tmp_path, "a.pdf", pdf_bytes(pages))
    os.utime(path, (1e9, 1e9))  # 2001: the file's time is never the document's date
    assert read(path).date == "2022-05-03"


def test_no_date_anywhere_is_no_date_not_the_file_time(tmp_path):
    pages = [["Harbour Report", "No date here."], ["Page two, written on 2023-01-01."]]
    path = write(tmp_path, "a.pdf", pdf_bytes(pages))
    os.utime(path, (1e9, 1e9))
    assert read(path).date is None


def test_date_parsers():
    assert metadata_date("D:20240102030405Z") == "2024-01-02"
    assert metadata_date("D:2024") is None  # no full date: not made up
    assert metadata_date(dt.datetime(2020, 2, 3, 4, 5)) == "2020-02-03"
    future = dt.date.today() + dt.timedelta(days=30)
    assert metadata_date(f"D:{future:%Y%m%d}") is None
    assert text_date("Jan. 5, 2020 and 2019-05-06") == "2020-01-05"
    assert text_date("on the 2nd of nothing, 3rd Sept 2018") == "2018-09-03"
    assert text_date("until 31 December 2999, signed 2 May 2001") == "2001-05-02"
    assert text_date("on 01/02/2024 (ambiguous) and 30 February 2020 (no such day)") is None

"""claims extract: read documents with the readers `index add` uses, split them with the same
segmenter, score every sentence and keep the check-worthy ones as stand-alone claims.

Everything is read and scored before anything is written, and a claims file is written to a
temporary name and renamed, so a bad input never leaves a half-written claims file behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from ..pipeline.ingest import load_path
from ..pipeline.segment import segment
from .errors import ArticleTooLargeError, CheckworthyError, NoClaimsError, NoSentencesError
from .model import CheckworthyModel, load_model
from .standalone import document_subject, stand_alone

MAX_ARTICLE_CHARS = 2_000_000  # ~300 pages: longer inputs are books or dumps, not articles
CLAIM_FIELDS = ("id", "claim", "date", "source", "start", "end", "score", "sentence")


@dataclass
class ScoredSentence:
    """One sentence of a document with its check-worthiness and its stand-alone claim text."""

    id: str
    claim: str
    date: str | None
    source: str
    start: int
    end: int
    score: float
    sentence: str
    check_worthy: bool

    def to_dict(self) -> dict:
        """The claims-file record (CLAIM_FIELDS), as `--json` prints it."""
        record = asdict(self)
        return {key: record[key] for key in CLAIM_FIELDS}


def read_document(path: str | os.PathLike):
    """The one document of a file (txt/md/html/pdf), or a CheckworthyError saying why not."""
    path = Path(path)
    documents = []
    for document, error in load_path(path):
        if error:
            raise CheckworthyError(error)
        documents.append(document)
    if not documents:
        raise NoSentencesError(f"{path} holds no document to extract claims from.")
    return documents


def score_text(
    text: str,
    source: str,
    doc_id: str,
    date: str | None = None,
    title: str = "",
    model: CheckworthyModel | None = None,
    threshold: float | None = None,
) -> list[ScoredSentence]:
    """Every sentence of text, in document order, scored; raises when there is none."""
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleTooLargeError(
            f"{source} has {len(text) / 1e6:.1f} million characters of text; claims extract "
            f"reads at most {MAX_ARTICLE_CHARS / 1e6:.0f} million per document: split it into "
            "articles and extract each."
        )
    sentences = [s for s in segment(text) if any(c.isalpha() for c in s.text)]
    if not sentences:
        raise NoSentencesError(
            f"{source} has no sentences to score (an image-only PDF has no text layer: run OCR "
            "on it first)."
        )
    model = model or load_model()
    threshold = model.threshold if threshold is None else threshold
    scores = model.score([s.text for s in sentences])
    subject = document_subject(title, text)
    out, previous = [], None
    for number, (sentence, score) in enumerate(zip(sentences, scores), start=1):
        out.append(
            ScoredSentence(
                id=f"{doc_id}-s{number}",
                claim=stand_alone(sentence.text, previous, subject),
                date=date,
                source=source,
                start=sentence.start,
                end=sentence.end,
                score=round(float(score), 4),
                sentence=sentence.text,
                check_worthy=bool(score >= threshold),
            )
        )
        previous = sentence.text
    return out


def score_file(
    path: str | os.PathLike,
    model: CheckworthyModel | None = None,
    threshold: float | None = None,
) -> list[ScoredSentence]:
    out = []
    for document in read_document(path):
        source = document.source or str(path)
        out += score_text(
            document.text, source, document.doc_id, document.date, document.title, model, threshold
        )
    return out


def select_claims(
    scored: list[ScoredSentence], top: int | None = None, source: str = "the input"
) -> list[ScoredSentence]:
    """The check-worthy sentences, highest score first, at most top of them."""
    chosen = sorted((s for s in scored if s.check_worthy), key=lambda s: -s.score)
    if not chosen:
        best = max(scored, key=lambda s: s.score)
        raise NoClaimsError(
            f"No sentence of {source} reaches the check-worthiness threshold (the highest scores "
            f"{best.score:.2f}: {best.sentence[:60]!r}); lower --threshold to see more."
        )
    return chosen[:top] if top else chosen


def extract_claims(
    paths: list[str | os.PathLike],
    threshold: float | None = None,
    top: int | None = None,
    model: CheckworthyModel | None = None,
) -> list[ScoredSentence]:
    """Claims of each file (top N per file), files in the order given."""
    model = model or load_model()
    claims = []
    for path in paths:
        claims += select_claims(score_file(path, model, threshold), top, str(path))
    return claims


def claims_csv(claims: list[ScoredSentence]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CLAIM_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for claim in claims:
        writer.writerow({k: ("" if v is None else v) for k, v in asdict(claim).items()})
    return buffer.getvalue()


def claims_jsonl(claims: list[ScoredSentence]) -> str:
    return "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in claims)


def format_claims(claims: list[ScoredSentence]) -> str:
    """The claims for a person: score, where, and the claim text."""
    lines = [f"{'score':>5}  {'where':<28} claim"]
    for claim in claims:
        where = f"{Path(claim.source).name}[{claim.start}:{claim.end}]"
        lines.append(f"{claim.score:>5.2f}  {where:<28} {claim.claim}")
    return "\n".join(lines)


def write_claims(claims: list[ScoredSentence], path: str | os.PathLike) -> Path:
    """A claims file `workbench verify` reads as it is (.csv, or .jsonl), written atomically."""
    path = Path(path)
    if path.suffix.lower() not in {".csv", ".jsonl"}:
        raise CheckworthyError(f"{path} must end in .csv or .jsonl, the claims files verify reads.")
    text = claims_jsonl(claims) if path.suffix.lower() == ".jsonl" else claims_csv(claims)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path

"""Review records: what a human reviewer decided about a checked claim.

Reviews live in the index's own SQLite database (``Workbench.db_path``), in tables this
module creates (``review``, ``review_evidence``, ``review_setting``). They are append-only:
saving a review for a claim that was reviewed before adds a new row that *supersedes* the
previous one; history is never overwritten (triggers refuse UPDATE and DELETE). Settings
(the publisher) are append-only too: the latest row of each setting wins.

A claim is identified by its normalised text (case and whitespace folded), so re-checking the
same claim later and reviewing it again continues the same history.

Exports:

* :meth:`ReviewStore.export_jsonl` - one JSON object per reviewed claim (its latest review).
* :meth:`ReviewStore.export_claimreview` - a JSON-LD array of schema.org ``ClaimReview``
  objects, one per reviewed claim (its latest review), with the fields Google's fact-check
  documentation requires and recommends (see :func:`to_claimreview`). The publisher (its name
  and the base url of its fact-check pages) is set once per index: :meth:`ReviewStore.
  set_publisher`, ``workbench reviews publisher``, the Review tab's Publisher box.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path

from ..defaults import MAX_CLAIM_CHARS
from ..errors import WorkbenchError
from ..model.dates import parse_date
from ..model.evidence import Evidence, ReviewedEvidence
from ..pipeline.normalize import normalize_text
from ..pipeline.verdict import VERDICTS
from ..storage.connection import transaction
from ..storage.files import write_text_atomic
from ..storage.migrations import migrate_component
from .migrations import REVIEW_MIGRATIONS

JUDGMENTS = ("agree", "disagree", "irrelevant")
# The evidence a reviewer kept: judged, and not as irrelevant (agree: the machine's stance is
# right; disagree: the card matters but its stance is wrong). Only these are cited in a
# ClaimReview export; unjudged cards were never looked at, irrelevant ones were thrown out.
KEPT_JUDGMENTS = ("agree", "disagree")
# A card's stance as the reviewer set it themselves, beside their judgment of the machine's.
STANCE_OVERRIDES = ("supports", "refutes", "neutral")

# schema.org Rating scale used in ClaimReview exports: 1 = false ... 5 = true; verdicts that
# make no determination of truth sit at the midpoint, told apart by ``alternateName``.
RATING_WORST = 1
RATING_BEST = 5
RATINGS = {
    "REFUTED": (1, "False"),
    "CONFLICTING": (3, "Mixed evidence"),
    "NOT_ENOUGH_INFO": (3, "Unproven"),
    "SUPPORTED": (5, "True"),
}


class ReviewError(WorkbenchError, ValueError):
    """A review could not be saved; the message is one human sentence."""


# Reviews are append-only and exported, so every field is checked before it is stored: the same
# rules as a claim checked in the UI or the CLI, and bounds on what a script could send.
MAX_REVIEWER_CHARS = 100
MAX_CLAIM_ID_CHARS = 200
MAX_NOTE_CHARS = 10_000
MAX_EVIDENCE_ITEMS = 100
MAX_EVIDENCE_TEXT_CHARS = 10_000  # a sentence is at most 2,000; its context three of them
MAX_CLAIM_SOURCE_CHARS = 2_000  # a URL or a file path
MAX_CLAIM_AUTHOR_CHARS = 200
MAX_PUBLISHER_NAME_CHARS = 200
MAX_PUBLISHER_URL_CHARS = 500
STANCES = ("supports", "refutes", "neutral", "not scored")  # not scored: see api._judge
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown(value: object) -> str:
    """A bad value named in a message: repr, shortened."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(value: object, what: str, limit: int, one_line: bool = False, claim: bool = False) -> str:
    """Text as stored: stripped, lone surrogates replaced (a claim normalised as a check does)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ReviewError(f"The {what} must be text, not {_shown(value)}.")
    text = normalize_text(value) if claim else _SURROGATE.sub("\ufffd", value)
    text = text.strip()
    if len(text) > limit:
        raise ReviewError(
            f"The {what} is {len(text)} characters long, over the {limit}-character limit; "
            "shorten it."
        )
    if one_line and _CONTROL.search(text):
        raise ReviewError(f"The {what} must be one line of text, without tabs or line breaks.")
    return text


def _date(value: object, what: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if len(text) != 10 or parse_date(text) != text:
        raise ReviewError(f"The {what} {_shown(value)} is not a valid YYYY-MM-DD date.")
    return text


def _unit(value: object, what: str) -> float | None:
    """A probability or confidence: a real number from 0 to 1 (None stays None)."""
    if value is None:
        return None
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    if number is None or not math.isfinite(number) or not 0.0 <= number <= 1.0:
        raise ReviewError(f"The {what} must be a number from 0 to 1, not {_shown(value)}.")
    return number


EVIDENCE_COLUMNS = (
    "doc_id",
    "start",
    "end",
    "sentence",
    "title",
    "date",
    "source",
    "context",
    "stance",
    "p_supports",
    "p_refutes",
    "p_neutral",
    "score",
    "judgment",
    "stance_override",
)
_INSERT_EVIDENCE = (
    "INSERT INTO review_evidence (review_id, position, "
    + ", ".join(f'"{c}"' for c in EVIDENCE_COLUMNS)
    + ") VALUES ("
    + ",".join("?" * (2 + len(EVIDENCE_COLUMNS)))
    + ")"
)


def _evidence_rows(review_id: int, items: list) -> list[tuple]:
    """review_evidence rows: the review, the card's position, then EVIDENCE_COLUMNS."""
    return [
        (review_id, i, *(getattr(e, column) for column in EVIDENCE_COLUMNS))
        for i, e in enumerate(items)
    ]


@dataclass
class JudgedEvidence(ReviewedEvidence):
    """ReviewedEvidence plus the stance the reviewer set for the card themselves
    (``stance_override``: supports, refutes or neutral; None: they kept the machine's)."""

    stance_override: str | None = None


_REVIEWED_FIELDS = tuple(f.name for f in fields(ReviewedEvidence))


def _checked_evidence(evidence: object) -> list[JudgedEvidence]:
    if isinstance(evidence, (str, bytes, Mapping)) or not isinstance(evidence, Iterable):
        raise ReviewError(f"The evidence must be a list of evidence items, not {_shown(evidence)}.")
    items = [_as_judgment(e) for e in evidence]
    if len(items) > MAX_EVIDENCE_ITEMS:
        raise ReviewError(
            f"A review may judge at most {MAX_EVIDENCE_ITEMS} evidence items, not {len(items)}."
        )
    for e in items:
        if e.judgment is not None and e.judgment not in JUDGMENTS:
            raise ReviewError(f"An evidence judgment must be one of {', '.join(JUDGMENTS)}.")
        if e.stance_override is not None and e.stance_override not in STANCE_OVERRIDES:
            raise ReviewError(
                f"A stance set by the reviewer must be one of {', '.join(STANCE_OVERRIDES)}, "
                f"not {_shown(e.stance_override)}."
            )
        if e.start < 0 or e.end < e.start:
            raise ReviewError(
                f"Evidence offsets must satisfy 0 <= start <= end, not {e.start} and {e.end}."
            )
        if e.stance is not None and e.stance not in STANCES:
            raise ReviewError(
                f"An evidence stance must be one of {', '.join(STANCES)}, not {_shown(e.stance)}."
            )
        for name in ("p_supports", "p_refutes", "p_neutral"):
            setattr(e, name, _unit(getattr(e, name), f"evidence {name}"))
        if e.score is not None:
            if isinstance(e.score, bool) or not isinstance(e.score, (int, float)):
                raise ReviewError(f"An evidence score must be a number, not {_shown(e.score)}.")
            if not math.isfinite(e.score):
                raise ReviewError(f"An evidence score must be a finite number, not {e.score}.")
        e.date = _date(e.date, "evidence date")
        e.doc_id = _text(e.doc_id, "evidence doc_id", MAX_EVIDENCE_TEXT_CHARS, one_line=True)
        for name in ("sentence", "title", "source", "context"):
            value = getattr(e, name)
            if value is not None:
                setattr(e, name, _text(value, f"evidence {name}", MAX_EVIDENCE_TEXT_CHARS))
    return items


def claim_key(claim: str) -> str:
    """The identity of a claim across checks: NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", claim).casefold().split())


@dataclass
class Review:
    review_id: int
    claim: str
    claim_id: str | None
    claim_date: str | None
    reviewer: str
    created_at: str
    machine_verdict: str | None
    machine_confidence: float | None
    final_verdict: str
    note: str
    supersedes: int | None
    claim_source: str | None = None  # where the claim appeared (URL or file), when known
    claim_author: str | None = None  # who made the claim, when known
    evidence: list[JudgedEvidence] = field(default_factory=list)
    n_reviews: int = 1  # how many reviews this claim has (history length), latest included

    def to_dict(self) -> dict:
        d = asdict(self)
        for ev, e in zip(d["evidence"], self.evidence, strict=True):
            ev["evidence_id"] = e.evidence_id
        return d


@dataclass(frozen=True)
class Publisher:
    """Who publishes this index's fact checks: its name (the ClaimReview ``author`` and
    ``publisher``) and the base url of its fact-check pages (a review's page is
    ``{url}/reviews/{review_id}``, the ClaimReview ``url``); "" when not set."""

    name: str = ""
    url: str = ""

    def review_url(self, review_id: int) -> str | None:
        return f"{self.url}/reviews/{review_id}" if self.url else None

    def notice(self) -> str:
        """One sentence on what a ClaimReview export lacks without the publisher, and how to
        set it; "" when both name and url are set."""
        how = "with `workbench reviews publisher {}` or in the Review tab's Publisher box"
        if not self.url and not self.name:
            return (
                "The ClaimReview export has no url (Google requires the fact-check page's "
                "address) and no publisher; set them once for this index "
                + how.format("--name NAME --url URL")
                + "."
            )
        if not self.url:
            return (
                "The ClaimReview export has no url (Google requires the fact-check page's "
                "address); set the publisher's base url once for this index "
                + how.format("--url URL")
                + "."
            )
        if not self.name:
            return (
                "The ClaimReview export names no publisher (its author is the reviewer); set "
                "the publisher's name once for this index " + how.format("--name NAME") + "."
            )
        return ""


_PUBLISHER_KEYS = {"name": "publisher_name", "url": "publisher_url"}


def _publisher_url(value: object) -> str:
    url = _text(value, "publisher url", MAX_PUBLISHER_URL_CHARS, one_line=True)
    if not url:
        return ""
    scheme, sep, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    if not sep or scheme.lower() not in ("http", "https") or not host or " " in url:
        raise ReviewError(
            f"The publisher url {_shown(url)} is not a web address; give one like "
            "https://factcheck.example.org."
        )
    return url.rstrip("/")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class ReviewStore:
    """Append-only review records in a SQLite database (normally ``Workbench.db_path``)."""

    def __init__(self, db_path: str | Path):
        self.db_path = str(db_path)
        self._ensure_schema()

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("PRAGMA busy_timeout=30000")
        con.execute("PRAGMA synchronous=FULL")  # a saved review survives a power cut
        return con

    def _ensure_schema(self) -> None:
        con = self._connect()
        try:
            con.execute("PRAGMA journal_mode=WAL")
            with transaction(con):
                migrate_component(con, "reviews", REVIEW_MIGRATIONS, self.db_path)
        finally:
            con.close()

    # -- writing ---------------------------------------------------------------------------

    def save(
        self,
        *,
        claim: str,
        reviewer: str,
        final_verdict: str,
        note: str = "",
        machine_verdict: str | None = None,
        machine_confidence: float | None = None,
        evidence: Iterable[Mapping | Evidence] = (),
        claim_id: str | None = None,
        claim_date: str | None = None,
        created_at: str | None = None,
        claim_source: str | None = None,
        claim_author: str | None = None,
    ) -> Review:
        """Record a review in one transaction; returns it. Earlier reviews stay untouched.

        Every field is validated first (ReviewError, one sentence): the claim as a check takes
        it, dates YYYY-MM-DD, confidence and probabilities in [0, 1], bounded text lengths.
        """
        claim = _text(claim, "claim", MAX_CLAIM_CHARS, claim=True)
        reviewer = _text(reviewer, "reviewer name", MAX_REVIEWER_CHARS, one_line=True)
        if not claim:
            raise ReviewError("There is no claim to review; check a claim first.")
        if not reviewer:
            raise ReviewError("Enter a reviewer name before saving the review.")
        if final_verdict not in VERDICTS:
            raise ReviewError(f"The final verdict must be one of {', '.join(VERDICTS)}.")
        if machine_verdict is not None and machine_verdict not in VERDICTS:
            raise ReviewError(f"Unknown machine verdict {_shown(machine_verdict)}.")
        note = _text(note, "note", MAX_NOTE_CHARS)
        claim_id = _text(claim_id, "claim id", MAX_CLAIM_ID_CHARS, one_line=True) or None
        claim_date = _date(claim_date, "claim date")
        claim_source = (
            _text(claim_source, "claim source", MAX_CLAIM_SOURCE_CHARS, one_line=True) or None
        )
        claim_author = (
            _text(claim_author, "claim author", MAX_CLAIM_AUTHOR_CHARS, one_line=True) or None
        )
        machine_confidence = _unit(machine_confidence, "machine confidence")
        items = _checked_evidence(evidence)
        key = claim_key(claim)
        created_at = created_at or _now()
        con = self._connect()
        try:
            with transaction(con):
                row = con.execute(
                    "SELECT MAX(review_id) FROM review WHERE claim_key = ?", (key,)
                ).fetchone()
                supersedes = row[0]
                cur = con.execute(
                    "INSERT INTO review (claim_key, claim, claim_id, claim_date, reviewer,"
                    " created_at, machine_verdict, machine_confidence, final_verdict, note,"
                    " supersedes, claim_source, claim_author) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        key,
                        claim,
                        claim_id,
                        claim_date or None,
                        reviewer,
                        created_at,
                        machine_verdict,
                        machine_confidence,
                        final_verdict,
                        note or "",
                        supersedes,
                        claim_source,
                        claim_author,
                    ),
                )
                review_id = cur.lastrowid
                con.executemany(_INSERT_EVIDENCE, _evidence_rows(review_id, items))
        finally:
            con.close()
        return self.get(review_id)

    def set_publisher(self, *, name: str | None = None, url: str | None = None) -> Publisher:
        """Set the publisher's name and/or base url (None: keep; "": clear); returns the
        publisher now set. Append-only too: each change is a new review_setting row (a value
        equal to the current one adds none)."""
        values = {}
        if name is not None:
            values["name"] = _text(name, "publisher name", MAX_PUBLISHER_NAME_CHARS, one_line=True)
        if url is not None:
            values["url"] = _publisher_url(url)
        current = self.publisher()
        values = {k: v for k, v in values.items() if getattr(current, k) != v}  # changes only
        if values:
            now = _now()
            con = self._connect()
            try:
                with transaction(con):
                    con.executemany(
                        "INSERT INTO review_setting (key, value, set_at) VALUES (?, ?, ?)",
                        [(_PUBLISHER_KEYS[k], v, now) for k, v in values.items()],
                    )
            finally:
                con.close()
        return self.publisher()

    # -- reading ---------------------------------------------------------------------------

    def publisher(self) -> Publisher:
        """The publisher set for this index (empty fields where not set)."""
        con = self._connect()
        try:
            rows = con.execute(
                "SELECT key, value FROM review_setting WHERE setting_id IN ("
                " SELECT MAX(setting_id) FROM review_setting GROUP BY key)"
            ).fetchall()
        finally:
            con.close()
        stored = {key: value for key, value in rows}
        return Publisher(**{k: stored.get(column, "") for k, column in _PUBLISHER_KEYS.items()})

    def get(self, review_id: int) -> Review:
        con = self._connect()
        try:
            row = con.execute("SELECT * FROM review WHERE review_id = ?", (review_id,)).fetchone()
            if row is None:
                raise KeyError(review_id)
            return self._load(con, [row])[0]
        finally:
            con.close()

    def history(self, claim: str) -> list[Review]:
        """Every review of a claim, oldest first."""
        con = self._connect()
        try:
            rows = con.execute(
                "SELECT * FROM review WHERE claim_key = ? ORDER BY review_id", (claim_key(claim),)
            ).fetchall()
            return self._load(con, rows)
        finally:
            con.close()

    def latest(self, claim: str) -> Review | None:
        hist = self.history(claim)
        return hist[-1] if hist else None

    def reviewed_claims(
        self,
        *,
        reviewer: str | None = None,
        verdict: str | None = None,
        text: str | None = None,
        disagrees_with_machine: bool = False,
    ) -> list[Review]:
        """The latest review of every reviewed claim, newest first, optionally filtered.

        Filters apply to the latest review: ``reviewer`` (exact, case-insensitive),
        ``verdict`` (final verdict), ``text`` (substring of the claim, case-insensitive),
        ``disagrees_with_machine`` (final verdict differs from the machine's).
        """
        sql = (
            "SELECT r.*, c.n AS n_reviews FROM review r JOIN ("
            " SELECT claim_key, MAX(review_id) AS latest, COUNT(*) AS n"
            " FROM review GROUP BY claim_key) c ON r.review_id = c.latest WHERE 1=1"
        )
        args: list = []
        if reviewer:
            sql += " AND lower(r.reviewer) = lower(?)"
            args.append(reviewer.strip())
        if verdict:
            sql += " AND r.final_verdict = ?"
            args.append(verdict)
        if text:
            sql += " AND instr(r.claim_key, ?) > 0"
            args.append(claim_key(text))
        if disagrees_with_machine:
            sql += " AND (r.machine_verdict IS NULL OR r.machine_verdict != r.final_verdict)"
        sql += " ORDER BY r.review_id DESC"
        con = self._connect()
        try:
            return self._load(con, con.execute(sql, args).fetchall())
        finally:
            con.close()

    def last_review_id(self) -> int:
        """The newest review's id (0 when none): a cheap way to see that reviews changed."""
        con = self._connect()
        try:
            return con.execute("SELECT coalesce(max(review_id), 0) FROM review").fetchone()[0]
        finally:
            con.close()

    def reviewers(self) -> list[str]:
        con = self._connect()
        try:
            return [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT reviewer FROM review ORDER BY lower(reviewer)"
                ).fetchall()
            ]
        finally:
            con.close()

    def _load(self, con: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[Review]:
        out = []
        for row in rows:
            d = dict(row)
            n = d.pop("n_reviews", None)
            d.pop("claim_key", None)
            ev = [
                JudgedEvidence(
                    **{k: v for k, v in dict(e).items() if k not in ("review_id", "position")}
                )
                for e in con.execute(
                    "SELECT * FROM review_evidence WHERE review_id = ? ORDER BY position",
                    (d["review_id"],),
                ).fetchall()
            ]
            review = Review(**d, evidence=ev)
            if n is None:
                n = con.execute(
                    "SELECT COUNT(*) FROM review WHERE claim_key = ? AND review_id <= ?",
                    (row["claim_key"], d["review_id"]),
                ).fetchone()[0]
            review.n_reviews = n
            out.append(review)
        return out

    # -- exports ---------------------------------------------------------------------------

    def export_jsonl(self, path: str | Path, reviews: list[Review] | None = None) -> int:
        """Write one JSON object per reviewed claim (latest review); returns the count."""
        reviews = self.reviewed_claims() if reviews is None else reviews
        text = "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in reviews)
        write_text_atomic(path, text)
        return len(reviews)

    def export_claimreview(self, path: str | Path, reviews: list[Review] | None = None) -> int:
        """Write a JSON-LD array of schema.org ClaimReview objects, with this index's publisher
        (see publisher(); Publisher.notice() says what is missing); returns the count."""
        reviews = self.reviewed_claims() if reviews is None else reviews
        publisher = self.publisher()
        docs = [to_claimreview(r, publisher) for r in reviews]
        write_text_atomic(path, json.dumps(docs, ensure_ascii=False, indent=2) + "\n")
        return len(docs)


def _as_judgment(item: Mapping | Evidence) -> JudgedEvidence:
    if isinstance(item, JudgedEvidence):
        return item
    try:
        reviewed = ReviewedEvidence.from_record(item)
    except (KeyError, TypeError, ValueError) as exc:
        raise ReviewError("Each evidence item needs a doc_id, start and end.") from exc
    if isinstance(item, Mapping):
        override = item.get("stance_override")
    else:
        override = getattr(item, "stance_override", None)
    return JudgedEvidence(
        **{name: getattr(reviewed, name) for name in _REVIEWED_FIELDS},
        stance_override=override or None,
    )


def _creative_work(source: str) -> dict:
    """A CreativeWork for a document's source: its url when it is a web address."""
    if "://" in source:
        return {"@type": "CreativeWork", "url": source}
    return {"@type": "CreativeWork", "identifier": source}


def to_claimreview(review: Review, publisher: Publisher | None = None) -> dict:
    """A schema.org ClaimReview (JSON-LD) object for one review.

    Google's fact-check structured data (developers.google.com/search/docs/appearance/
    structured-data/factcheck) requires ``claimReviewed``, ``reviewRating`` (with
    ``alternateName``) and ``url``, and recommends ``author``, ``datePublished`` and
    ``itemReviewed`` (a Claim with ``appearance``, ``author``, ``datePublished``):

    * ``url``: the review's page, ``{publisher url}/reviews/{review_id}``; left out while no
      publisher url is set (Publisher.notice() says how to set it);
    * ``author`` and ``publisher``: the publisher as an Organization, the reviewer as the
      ``creator`` Person; with no publisher name the reviewer is the ``author``;
    * ``itemReviewed.appearance`` / ``author``: the claim's source and author, when the review
      has them; ``itemReviewed.citation``: only the evidence the reviewer kept (judged agree or
      disagree, KEPT_JUDGMENTS), never unjudged or irrelevant cards.
    """
    publisher = publisher or Publisher()
    rating_value, rating_name = RATINGS[review.final_verdict]
    sources = []
    seen = set()
    for e in review.evidence:
        if e.judgment not in KEPT_JUDGMENTS:
            continue
        work: dict = {"@type": "CreativeWork", "identifier": e.doc_id}
        if e.title:
            work["name"] = e.title
        if e.date:
            work["datePublished"] = e.date
        if e.source:
            if "://" in e.source:
                work["url"] = e.source
            else:
                work["identifier"] = [e.doc_id, e.source]
        work["text"] = e.sentence
        work["position"] = f"{e.start}-{e.end}"
        key = (e.doc_id, e.start, e.end)
        if key not in seen:
            seen.add(key)
            sources.append(work)
    item: dict = {"@type": "Claim", "text": review.claim}
    if review.claim_date:
        item["datePublished"] = review.claim_date
    if review.claim_author:
        item["author"] = {"@type": "Person", "name": review.claim_author}
    if review.claim_source:
        item["appearance"] = _creative_work(review.claim_source)
    if sources:
        item["citation"] = sources
    reviewer = {"@type": "Person", "name": review.reviewer}
    out: dict = {"@context": "https://schema.org", "@type": "ClaimReview"}
    url = publisher.review_url(review.review_id)
    if url:
        out["url"] = url
    out["claimReviewed"] = review.claim
    out["datePublished"] = review.created_at[:10]
    if publisher.name:
        organization = {"@type": "Organization", "name": publisher.name}
        if publisher.url:
            organization["url"] = publisher.url
        out["author"] = organization
        out["publisher"] = organization
        out["creator"] = reviewer
    else:
        out["author"] = reviewer
    out["reviewRating"] = {
        "@type": "Rating",
        "ratingValue": rating_value,
        "bestRating": RATING_BEST,
        "worstRating": RATING_WORST,
        "alternateName": rating_name,
    }
    out["itemReviewed"] = item
    if review.note:
        out["reviewBody"] = review.note
    if review.claim_id:
        out["identifier"] = review.claim_id
    return out

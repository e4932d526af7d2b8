"""The one data model for a piece of evidence, from retrieval to the output contract.

A Passage is a sentence located in a stored document (``text[start:end] == sentence``) with its
document's metadata. Retrieval adds how it was found (Hit); the stance model adds what it says
about the claim (Evidence, the objects of ``CheckResult.evidence`` and of the README's output
contract). A review stores the Evidence its reviewer saw with their judgment added
(ReviewedEvidence).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields


@dataclass
class Passage:
    """A sentence of a stored document: offsets slice .sentence out of the stored text."""

    doc_id: str
    title: str
    date: str | None
    source: str  # the document's URL when it has one, else its file path
    sentence: str
    start: int
    end: int
    context: str  # the stored text from the previous to the next sentence

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def evidence_id(self) -> str:
        """The passage's identity across checks and reviews: ``doc_id:start-end``."""
        return f"{self.doc_id}:{self.start}-{self.end}"


@dataclass
class Hit(Passage):
    """A retrieved passage, before stance: how relevant it is and how each retriever ranked it."""

    sentence_id: int = -1
    relevance: float = 0.0  # cosine similarity claim-sentence, in [-1, 1]
    rrf: float = 0.0  # fused rank score
    dense_rank: int | None = None
    bm25_rank: int | None = None


@dataclass
class Evidence(Passage):
    """A passage with its stance towards the claim; .to_dict() is the output contract's item.

    stance "not scored" (probabilities None, score 0): the passage was too far from the claim
    to move the verdict, so the stance model did not judge it.
    """

    stance: str = "neutral"
    p_supports: float | None = 0.0
    p_refutes: float | None = 0.0
    p_neutral: float | None = 0.0
    score: float = 0.0


EVIDENCE_FIELDS = tuple(f.name for f in fields(Evidence))


@dataclass
class ReviewedEvidence(Evidence):
    """Evidence as a reviewer saw it, plus their judgment of it (None when not judged).

    Reviews may be saved from partial records (a script, an older export), so every field but
    doc_id, start and end may be missing; those stay None rather than being made up.
    """

    judgment: str | None = None

    @classmethod
    def from_record(cls, item: Mapping | Evidence) -> ReviewedEvidence:
        """From an Evidence or an output-contract dict (with "judgment"); KeyError, TypeError
        or ValueError when doc_id, start or end is missing or not a number."""
        if isinstance(item, ReviewedEvidence):
            return item
        if isinstance(item, Evidence):
            return cls(**asdict(item))
        return cls(
            doc_id=str(item["doc_id"]),
            start=int(item["start"]),
            end=int(item["end"]),
            sentence=item.get("sentence") or "",
            title=item.get("title"),
            date=item.get("date"),
            source=item.get("source"),
            context=item.get("context"),
            stance=item.get("stance"),
            p_supports=item.get("p_supports"),
            p_refutes=item.get("p_refutes"),
            p_neutral=item.get("p_neutral"),
            score=item.get("score"),
            judgment=item.get("judgment") or None,
        )

"""The one data model for a piece of evidence, from retrieval to the output contract.

A Passage is a sentence located in a stored document (``text[start:end] == sentence``) with its
document's metadata. Retrieval adds how it was found (Hit); the stance model adds what it says
about the claim (Evidence, the objects of ``CheckResult.evidence`` and of the README's output
contract). Reviews store Evidence with the reviewer's judgment added.
"""

from __future__ import annotations

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
    """A passage with its stance towards the claim; .to_dict() is the output contract's item."""

    stance: str = "neutral"
    p_supports: float = 0.0
    p_refutes: float = 0.0
    p_neutral: float = 0.0
    score: float = 0.0


EVIDENCE_FIELDS = tuple(f.name for f in fields(Evidence))

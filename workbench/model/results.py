"""A claim's check result: the output contract of check, verify, the UI and Ray workers."""

from __future__ import annotations

from dataclasses import dataclass, field

from .evidence import Evidence, Hit
from .factchecks import PriorCheck


@dataclass
class CheckResult:
    """The verdict on one claim; .to_dict() is the output contract (see README)."""

    id: str | None
    claim: str
    verdict: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    date: str | None = None  # the claim's date: evidence is from documents dated on/before it
    error: str | None = None  # set (and verdict NOT_ENOUGH_INFO) only by check_many on bad input
    # True when the confidence went through a calibration fitted on this corpus's labelled
    # claims (eval --tune --save-params): then it estimates how often such a verdict is right
    confidence_calibrated: bool = False
    # every retrieved sentence in retrieval order (check_many with retrieve_k), not in to_dict
    retrieved: list[Hit] = field(default_factory=list, repr=False)
    # why: the rule or aggregator that decided, in words, and the deciding evidence (positions
    # in `evidence`); None for results that were not checked (bad input)
    basis: dict | None = None
    # fact-checks of (nearly) the same claim, best first: earlier work to reuse (factchecks/)
    previously_checked: list[PriorCheck] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "claim": self.claim,
            "date": self.date,
            "verdict": self.verdict,
            "confidence": self.confidence,
            "confidence_calibrated": self.confidence_calibrated,
            "previously_checked": [p.to_dict() for p in self.previously_checked],
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.basis is not None:
            out["basis"] = self.basis
        if self.error:
            out["error"] = self.error
        return out

    @classmethod
    def from_dict(cls, record: dict) -> CheckResult:
        """Rebuild a result from its output-contract dict (what a Ray worker sends back)."""
        return cls(
            id=record["id"],
            claim=record["claim"],
            verdict=record["verdict"],
            confidence=record["confidence"],
            evidence=[Evidence(**e) for e in record["evidence"]],
            date=record.get("date"),
            error=record.get("error"),
            basis=record.get("basis"),
            confidence_calibrated=bool(record.get("confidence_calibrated", False)),
            previously_checked=[PriorCheck(**p) for p in record.get("previously_checked") or []],
        )

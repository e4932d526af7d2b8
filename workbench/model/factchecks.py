"""Fact-checks: a claim someone already checked, and the match of one to a claim being checked."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class FactCheck:
    """A fact-checked claim as imported: what was claimed and how it was rated, by whom, where.

    rating is the publisher's own words ("False", "Mostly true", REFUTED ...); "" when the
    source gives none (CheckThat! verified claims carry only claim and title).
    """

    claim: str
    rating: str = ""
    url: str | None = None
    publisher: str | None = None
    date: str | None = None  # YYYY-MM-DD the fact-check was published
    title: str | None = None  # the fact-check article's headline, matched on as well


@dataclass(frozen=True)
class PriorCheck:
    """A fact-checked claim found for a claim being checked (CheckResult.previously_checked).

    origin: "factcheck" (imported with `factchecks add`) or "review" (a review saved in this
    index); score: cosine similarity of the two claims, 0-1 (what the match threshold reads).
    """

    id: int
    claim: str
    rating: str
    publisher: str | None
    url: str | None
    date: str | None
    score: float
    origin: str = "factcheck"

    def to_dict(self) -> dict:
        return asdict(self)

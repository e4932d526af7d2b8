"""What the pipeline did with each evaluated claim, saved as JSONL for error analysis."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

from ..storage.files import write_text_atomic


@dataclass
class Outcome:
    """What the pipeline did with one claim, plus what tuning needs to redo the verdict."""

    id: str
    gold: str
    verdict: str
    confidence: float
    split: str | None
    retrieved: list[str | None]  # evidence key of each retrieved sentence, retrieval order
    relevant: list[str]
    probs: list[tuple[float, float, float]]  # stance of each retrieved sentence
    cosines: list[float]
    documents: list[str] = field(default_factory=list)  # document of each scored sentence


def write_outcomes(outcomes: list[Outcome], path: str | os.PathLike) -> None:
    """One JSON object per claim (gold, verdict, confidence, retrieved keys, stance, cosines)."""
    write_text_atomic(
        path, "".join(json.dumps(asdict(o), ensure_ascii=False) + "\n" for o in outcomes)
    )


def read_outcomes(path: str | os.PathLike) -> list[Outcome]:
    """Outcomes saved by write_outcomes (e.g. to tune again without re-running the models)."""
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [Outcome(**{**row, "probs": [tuple(p) for p in row["probs"]]}) for row in rows]

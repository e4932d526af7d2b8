"""check-article: extract the check-worthy claims of one file, then check each against the index
(Workbench.check_many), into one summary row per claim.

With an output file the results are appended and flushed as they come (the batch runner and
results writer `verify` uses), so a long article resumes where it stopped.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

from ..defaults import TOP_K
from .extract import ScoredSentence, extract_claims
from .model import CheckworthyModel


def _summary(claim: ScoredSentence, result: dict) -> dict:
    top = (result.get("evidence") or [None])[0]
    return {
        "id": claim.id,
        "claim": claim.claim,
        "score": claim.score,
        "start": claim.start,
        "end": claim.end,
        "verdict": result["verdict"],
        "confidence": result["confidence"],
        "top_evidence": None
        if top is None
        else {k: top[k] for k in ("doc_id", "sentence", "start", "end", "stance", "score")},
        "result": result,
    }


def _read_results(path: Path) -> dict[str, dict]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:  # a truncated last line, dropped on resume as verify does
            continue
        out[str(record.get("id"))] = record
    return out


def check_article(
    wb,
    path: str | os.PathLike,
    model: CheckworthyModel,
    threshold: float | None = None,
    top: int | None = None,
    top_k: int = TOP_K,
    output: str | os.PathLike | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[dict]:
    """One summary row per extracted claim (highest check-worthiness first)."""
    from ..batch.results import ResultWriter, done_ids
    from ..batch.runner import run_batch

    say = progress or (lambda line: None)
    claims = extract_claims([path], threshold=threshold, top=top, model=model)
    say(f"Extracted {len(claims)} claims from {path}; checking them against the index.")
    requests = [{"id": c.id, "claim": c.claim, "date": c.date} for c in claims]

    def tick(done: int, total: int, claim_id: str) -> None:
        say(f"[{done}/{total}] checked {claim_id}")

    if output is None:
        results = {}
        for done, result in enumerate(wb.check_many(requests, top_k=top_k), start=1):
            results[str(result.id)] = result.to_dict()
            tick(done, len(requests), str(result.id))
    else:
        finished = done_ids(output, "jsonl")  # refuses a file that is not such results
        todo = [r for r in requests if r["id"] not in finished]
        if finished:
            say(f"Resuming: {len(finished)} claims already in {output}, {len(todo)} to go.")
        _ = wb.stance  # fail before writing anything when no stance model is installed
        with ResultWriter(output, "jsonl") as writer:
            run_batch(wb, todo, [writer], top_k=top_k, progress_callback=tick)
        results = _read_results(Path(output))
    return [_summary(c, results[c.id]) for c in claims if c.id in results]


def format_summary(rows: list[dict]) -> str:
    """One table: claim, score, verdict, confidence, top evidence."""
    lines = [f"{'#':>3}  {'score':>5}  {'verdict':<16} {'conf':>4}  claim / top evidence"]
    for number, row in enumerate(rows, start=1):
        lines.append(
            f"{number:>3}  {row['score']:>5.2f}  {row['verdict']:<16} {row['confidence']:>4.2f}  "
            + textwrap.shorten(row["claim"], 90)
        )
        top = row["top_evidence"]
        evidence = (
            "no evidence in the index"
            if top is None
            else f"{top['stance']}: {textwrap.shorten(top['sentence'], 70)} "
            f"({top['doc_id']} [{top['start']}:{top['end']}])"
        )
        lines.append(f"{'':>36}-> {evidence}")
    return "\n".join(lines)

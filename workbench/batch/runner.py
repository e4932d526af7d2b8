"""The one batch runner: check a list of claims into results files (CLI verify, UI Batch tab).

Claims that cannot be checked (empty, bad date, an unreadable line) are reported and left out
of the files; every other result is appended to each writer as soon as it is decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..api import CheckResult, ProgressCallback, Workbench
from ..defaults import TOP_K
from .results import ResultWriter


@dataclass
class BatchReport:
    """What a batch run did: results written, error sentences of skipped claims, verdict counts."""

    written: int = 0
    skipped: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def pending_claims(claims: list[dict], finished: set[str]) -> tuple[list[dict], list[dict]]:
    """Claims still to check (ids not in `finished`) and the claims left unchecked because an
    earlier claim has their id. The repeats come back on every run, resumed or not, so a claim
    that was never checked always makes the run fail."""
    todo, repeated, seen = [], [], set()
    for item in claims:
        if item["id"] in seen:
            repeated.append(item)
            continue
        seen.add(item["id"])
        if item["id"] not in finished:
            todo.append(item)
    return todo, repeated


def repeated_message(item: dict) -> str:
    """One sentence for a claim not checked because an earlier claim has its id."""
    where = item.get("where")
    place = f" ({where[:1].lower()}{where[1:]})" if where else ""
    return (
        f"Claim id {item['id']}{place} appears twice; only the first was checked, so give this "
        "one its own id."
    )


def run_batch(
    wb: Workbench,
    claims: Iterable[dict],
    writers: list[ResultWriter],
    top_k: int = TOP_K,
    progress: bool = False,
    progress_callback: ProgressCallback | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
    check_many: Callable[..., Iterable[CheckResult]] | None = None,
) -> BatchReport:
    """Check claims in order, write each checkable result to every writer; see module doc.

    on_result is called for every result, skipped ones included (their .error is set).
    check_many: who checks (default wb.check_many; RayChecker.check_many spreads the claims
    over a Ray cluster and yields results as they finish, each claim once).
    """
    report = BatchReport()
    results = (check_many or wb.check_many)(
        claims, progress=progress, progress_callback=progress_callback, top_k=top_k
    )
    for result in results:
        if result.error:
            report.skipped.append(result.error)
        else:
            record = result.to_dict()
            for writer in writers:
                writer.write(record)
            report.written += 1
            report.counts[result.verdict] = report.counts.get(result.verdict, 0) + 1
        if on_result is not None:
            on_result(result)
    return report

"""The summary `workbench verify` ends with: verdict counts over the whole results file and,
when the claims file has gold labels, accuracy and a confusion matrix.

Gold labels are the claims file's `label` column, read and normalised exactly as `workbench
eval` reads them (SUPPORTS / REFUTES / NOT ENOUGH INFO / DISPUTED or the verdict names), and
accuracy is eval's too: over gold SUPPORTED / REFUTED / NOT_ENOUGH_INFO, while gold CONFLICTING
claims appear in the confusion matrix only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..evaluation.datasets import ALL_LABELS, LABELS, normalize_label
from ..evaluation.metrics import accuracy, confusion_matrix
from ..pipeline.verdict import VERDICTS

LABEL_FIELD = "label"  # the gold column of a claims file, as `workbench eval` reads it


@dataclass
class RunSummary:
    """Verdict counts of a results file and, for labelled claims, how they compare to gold."""

    results: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # VERDICTS order, zeros included
    skipped: int = 0  # claims of the claims file left unchecked (errors, repeated ids)
    labelled: int = 0  # results whose claim has a known gold label
    scored: int = 0  # of those, gold SUPPORTED / REFUTED / NOT_ENOUGH_INFO (accuracy's base)
    correct: int = 0
    accuracy: float | None = None
    labels: list[str] = field(default_factory=lambda: list(ALL_LABELS))
    confusion_matrix: list[list[int]] = field(default_factory=list)  # rows gold, cols predicted
    unknown_labels: dict[str, int] = field(default_factory=dict)  # spelling -> claims

    def to_dict(self) -> dict:
        return asdict(self)


def summarize_run(verdicts: dict[str, str], claims: list[dict], skipped: int = 0) -> RunSummary:
    """The summary of results (id -> verdict, the whole file) for the claims read with
    read_claims(..., extra_fields=("label",)); skipped: claims that could not be checked."""
    summary = RunSummary(results=len(verdicts), skipped=skipped)
    summary.counts = {v: 0 for v in VERDICTS}
    for verdict in verdicts.values():
        summary.counts[verdict] = summary.counts.get(verdict, 0) + 1
    gold, pred = [], []
    seen: set[str] = set()
    for item in claims:
        if item["id"] in seen:  # a repeated id: only the first claim was checked
            continue
        seen.add(item["id"])
        raw = item.get(LABEL_FIELD)
        if item["id"] not in verdicts or raw is None or not str(raw).strip():
            continue
        label = normalize_label(raw)
        if label is None:
            shown = str(raw).strip()[:40]
            summary.unknown_labels[shown] = summary.unknown_labels.get(shown, 0) + 1
            continue
        gold.append(label)
        pred.append(verdicts[item["id"]])
    summary.labelled = len(gold)
    if gold:
        scored = [(g, p) for g, p in zip(gold, pred, strict=True) if g in LABELS]
        summary.scored = len(scored)
        summary.correct = sum(g == p for g, p in scored)
        if scored:
            summary.accuracy = accuracy([g for g, _ in scored], [p for _, p in scored])
        summary.confusion_matrix = confusion_matrix(gold, pred, ALL_LABELS)
    return summary


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_summary(summary: RunSummary, output: str) -> str:
    """The summary as text lines (for stderr)."""
    lines = [f"Summary of {output} ({_plural(summary.results, 'result')} in all):"]
    rows = [*summary.counts.items(), ("skipped", summary.skipped)]
    width = max(len(name) for name, _ in rows) + 2
    lines += [f"  {name:<{width}}{n:>6}" for name, n in rows]
    for spelling, n in summary.unknown_labels.items():
        lines.append(
            f"  {_plural(n, 'claim')} with label {spelling!r} left out of the score; use "
            "SUPPORTED, REFUTED, NOT_ENOUGH_INFO or CONFLICTING (SUPPORTS / REFUTES / NOT ENOUGH "
            "INFO / DISPUTED are accepted too)."
        )
    if not summary.labelled:
        return "\n".join(lines)
    if summary.accuracy is None:
        score = "accuracy n/a (no gold SUPPORTED / REFUTED / NOT_ENOUGH_INFO claim)"
    else:
        score = f"accuracy {summary.accuracy:.3f} ({summary.correct} of {summary.scored} right)"
    conflicting = summary.labelled - summary.scored
    if conflicting:
        score += f"; {_plural(conflicting, 'gold CONFLICTING claim')} in the matrix only"
    lines.append(f"Gold labels for {summary.labelled} of them: {score}.")
    lines.append("Confusion matrix (rows gold, columns predicted):")
    head = max(len(label) for label in summary.labels) + 2
    cols = [len(label) + 2 for label in summary.labels]
    lines.append("  " + " " * head + "".join(f"{lab:>{w}}" for lab, w in zip(summary.labels, cols)))
    for label, row in zip(summary.labels, summary.confusion_matrix, strict=True):
        cells = "".join(f"{v:>{w}}" for v, w in zip(row, cols, strict=True))
        lines.append(f"  {label:<{head}}{cells}")
    return "\n".join(lines)

"""Evaluate a stance model on public pair sets it was never trained on (`workbench eval-stance`).

FEVER-Symmetric (2-way: supports / refutes), SICK test (3-way), Climate-FEVER claim-evidence pairs
(3-way) and the training recipe's held-out validation split. Reads ../shared/data; ships nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .metrics import report
from .stance import StanceModel

LABELS = StanceModel.LABELS
Pair = tuple[str, str, str]  # (premise, hypothesis, label)

_FEVER = {"SUPPORTS": "supports", "REFUTES": "refutes"}
_SICK = {"ENTAILMENT": "supports", "CONTRADICTION": "refutes", "NEUTRAL": "neutral"}
_CLIMATE = {"SUPPORTS": "supports", "REFUTES": "refutes", "NOT_ENOUGH_INFO": "neutral"}


def fever_symmetric(
    data_dir: Path, name: str = "symmetric_v0.1/fever_symmetric_generated.jsonl"
) -> list[Pair]:
    from .train_stance import detokenize

    path = data_dir / "fever-symmetric" / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        (detokenize(r["evidence_sentence"]), detokenize(r["claim"]), _FEVER[r["label"]])
        for r in rows
    ]


def sick_test(data_dir: Path) -> list[Pair]:
    path = next((data_dir / "nli" / "sick").glob("*/SICK.txt"))
    lines = path.read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    col = {name: i for i, name in enumerate(head)}
    pairs = []
    for line in lines[1:]:
        f = line.split("\t")
        if len(f) == len(head) and f[col["SemEval_set"]] == "TEST":
            pairs.append(
                (f[col["sentence_A"]], f[col["sentence_B"]], _SICK[f[col["entailment_label"]]])
            )
    return pairs


def climate_fever_pairs(data_dir: Path) -> list[Pair]:
    path = data_dir / "climate-fever" / "climate-fever.jsonl"
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            for ev in row["evidences"]:
                pairs.append((ev["evidence"], row["claim"], _CLIMATE[ev["evidence_label"]]))
    return pairs


def validation_split(pairs_dir: Path, data_dir: Path) -> list[Pair]:
    """The recipe's held-out split; rebuilt deterministically from the data when not cached."""
    from .train_stance import Recipe, build_mix, read_pairs, split_validation

    cached = pairs_dir / "valid.jsonl"
    if cached.exists():
        return read_pairs(cached)
    recipe = Recipe()
    mix = build_mix(data_dir, recipe, log=lambda _msg: None)
    return split_validation(mix, recipe.validation_fraction, recipe.seed)[1]


def score(model: StanceModel, pairs: list[Pair], two_way: bool = False) -> dict:
    """Metrics for one set; `two_way` predicts the larger of supports/refutes (no neutral class)."""
    started = time.perf_counter()
    probs = model.predict([(p, h) for p, h, _ in pairs], batch_size=64)
    seconds = time.perf_counter() - started
    labels = LABELS[:2] if two_way else LABELS
    cols = probs[:, :2] if two_way else probs
    pred = [labels[i] for i in np.argmax(cols, axis=1)]
    out = report([lab for _, _, lab in pairs], pred, labels)
    out["pairs_per_second"] = len(pairs) / seconds if seconds else None
    return out


def evaluate(
    stance_model: str | None,
    data_dir: Path,
    pairs_dir: Path = Path(".train"),
    sets: tuple[str, ...] = ("fever_symmetric", "climate_fever", "sick", "validation"),
    log: Callable[[str], None] = lambda _msg: None,
) -> dict:
    """Run every requested set and return {set: metrics}."""
    model = StanceModel(stance_model)
    loaders: dict[str, tuple[Callable[[], list[Pair]], bool]] = {
        "fever_symmetric": (lambda: fever_symmetric(data_dir), True),
        "fever_symmetric_v0.2_dev": (
            lambda: fever_symmetric(data_dir, "symmetric_v0.2/fever_symmetric_dev.jsonl"),
            True,
        ),
        "climate_fever": (lambda: climate_fever_pairs(data_dir), False),
        "sick": (lambda: sick_test(data_dir), False),
        "validation": (lambda: validation_split(pairs_dir, data_dir), False),
    }
    results = {"model": model.name}
    for name in sets:
        load, two_way = loaders[name]
        log(f"evaluating {name} ...")
        results[name] = score(model, load(), two_way)
    return results


def format_text(results: dict) -> str:
    """Human-readable table plus one confusion matrix per set."""
    lines = [
        f"stance model: {results['model']}",
        "",
        f"{'set':28s} {'pairs':>6s} {'accuracy':>9s} {'macro-F1':>9s} {'pairs/s':>8s}",
    ]
    for name, m in results.items():
        if isinstance(m, dict):
            lines.append(
                f"{name:28s} {m['n']:6d} {m['accuracy']:9.4f} {m['macro_f1']:9.4f} "
                f"{m['pairs_per_second'] or 0:8.1f}"
            )
    for name, m in results.items():
        if isinstance(m, dict):
            labels = m["labels"]
            lines += [
                "",
                f"{name}: confusion matrix (rows gold, columns predicted)",
                " " * 10 + "".join(f"{lab:>10s}" for lab in labels),
            ]
            for lab, row in zip(labels, m["confusion_matrix"]):
                lines.append(f"{lab:>10s}" + "".join(f"{v:10d}" for v in row))
    return "\n".join(lines)

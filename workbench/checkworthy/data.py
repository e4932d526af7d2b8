"""Check-worthiness data sets in: ClaimBuster CSVs (training) and CheckThat! TSVs (evaluation).

Only ClaimBuster `crowdsourced.csv` is ever trained on. `groundtruth.csv` and the CheckThat! 2024
dev-test are read for evaluation only. A validation split is made by debate (`File_id`), never by
row, because sentences of one debate share speakers and topics: a row split would leak them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import CheckworthyDataError

CLAIMBUSTER = Path("claimbuster/matsbratvold__Checkworthiness-Detection-with-Open-Source-LLMs")
CROWDSOURCED = CLAIMBUSTER / "data/ClaimBuster/datasets/crowdsourced.csv"
GROUNDTRUTH = CLAIMBUSTER / "data/ClaimBuster/datasets/groundtruth.csv"
CT24_DEV_TEST = Path("ct24/isyufeng__FactFinders/data/CT24_checkworthy_english_dev-test.tsv")
CHECK_WORTHY_VERDICT = 1  # ClaimBuster CFS; NFS (-1) and UFS (0) are negatives
TASK = "check-worthiness (ClaimBuster CFS vs NFS/UFS), positive class = check-worthy"


@dataclass(frozen=True)
class LabelledSet:
    """Sentences with a 0/1 check-worthy label; groups are debates (ClaimBuster) or None."""

    name: str
    texts: list[str]
    labels: list[int]
    groups: list[str] | None = None

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, keep: list[int], name: str) -> LabelledSet:
        groups = [self.groups[i] for i in keep] if self.groups is not None else None
        return LabelledSet(
            name, [self.texts[i] for i in keep], [self.labels[i] for i in keep], groups
        )


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise CheckworthyDataError(
            f"The check-worthiness data file {path} does not exist; give --data the folder that "
            "holds claimbuster/ and ct24/ (../shared/data/checkworthy)."
        )
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CheckworthyDataError(f"{path} is not UTF-8 text; save it as UTF-8.") from exc


def read_claimbuster(path: str | os.PathLike, name: str | None = None) -> LabelledSet:
    """A ClaimBuster CSV (Text, File_id, Verdict): label 1 for CFS, 0 for NFS/UFS."""
    path = Path(path)
    rows = csv.DictReader(io.StringIO(_read_text(path), newline=""))
    missing = {"Text", "File_id", "Verdict"} - set(rows.fieldnames or ())
    if missing:
        raise CheckworthyDataError(
            f"{path} lacks the column(s) {', '.join(sorted(missing))}; give a ClaimBuster CSV."
        )
    texts, labels, groups = [], [], []
    for number, row in enumerate(rows, start=2):
        try:
            verdict = int(float(row["Verdict"]))
        except (TypeError, ValueError) as exc:
            raise CheckworthyDataError(
                f"Line {number} of {path} has Verdict {row['Verdict']!r}; it must be -1, 0 or 1."
            ) from exc
        texts.append((row["Text"] or "").strip())
        labels.append(int(verdict == CHECK_WORTHY_VERDICT))
        groups.append(row["File_id"])
    return LabelledSet(name or path.stem, texts, labels, groups)


def read_checkthat(path: str | os.PathLike, name: str | None = None) -> LabelledSet:
    """A CheckThat! TSV (Sentence_id, Text, class_label Yes/No), read without CSV quoting: some
    texts start with a literal quote that a quoting reader would swallow up to the next one."""
    path = Path(path)
    lines = _read_text(path).splitlines()
    if not lines:
        raise CheckworthyDataError(f"{path} is empty; give a CheckThat! TSV with a header.")
    header = [h.strip().lower() for h in lines[0].split("\t")]
    try:
        text_col, label_col = header.index("text"), header.index("class_label")
    except ValueError as exc:
        raise CheckworthyDataError(
            f"{path} needs the tab-separated columns Sentence_id, Text, class_label."
        ) from exc
    texts, labels = [], []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) <= max(text_col, label_col):
            raise CheckworthyDataError(f"Line {number} of {path} has too few tab-separated cells.")
        label = cells[label_col].strip().lower()
        if label not in {"yes", "no"}:
            raise CheckworthyDataError(
                f"Line {number} of {path} has class_label {cells[label_col]!r}; use Yes or No."
            )
        texts.append(cells[text_col].strip())
        labels.append(int(label == "yes"))
    return LabelledSet(name or path.stem, texts, labels)


def debate_split(data: LabelledSet, validation_share: float = 0.15) -> tuple[list[int], list[int]]:
    """(train rows, validation rows): whole debates go to validation, chosen by a stable hash of
    File_id so the split never depends on row order or a random seed."""
    if data.groups is None:
        raise CheckworthyDataError(f"{data.name} has no debate ids to split by.")
    debates = sorted(set(data.groups), key=lambda g: hashlib.sha256(g.encode()).hexdigest())
    wanted = validation_share * len(data)
    held, size = set(), 0
    counts = {g: data.groups.count(g) for g in debates}
    for debate in debates:
        if size >= wanted:
            break
        held.add(debate)
        size += counts[debate]
    train = [i for i, g in enumerate(data.groups) if g not in held]
    validation = [i for i, g in enumerate(data.groups) if g in held]
    return train, validation


def debate_folds(data: LabelledSet, folds: int = 5) -> list[int]:
    """The fold (0..folds-1) of every row, whole debates per fold, for cross-validation.

    Debates are taken largest first and each goes to the fold that has the fewest rows so far,
    ties broken by a stable hash of File_id, so folds are near equal in size and never depend on
    row order or a random seed."""
    if data.groups is None:
        raise CheckworthyDataError(f"{data.name} has no debate ids to split by.")
    if folds < 2:
        raise CheckworthyDataError(f"Cross-validation needs at least 2 folds, not {folds}.")
    counts: dict[str, int] = {}
    for group in data.groups:
        counts[group] = counts.get(group, 0) + 1
    if folds > len(counts):
        raise CheckworthyDataError(
            f"{data.name} has {len(counts)} debates, too few for {folds} folds."
        )
    order = sorted(counts, key=lambda g: (-counts[g], hashlib.sha256(g.encode()).hexdigest()))
    sizes = [0] * folds
    fold_of: dict[str, int] = {}
    for debate in order:
        fold = min(range(folds), key=lambda f: (sizes[f], f))
        fold_of[debate] = fold
        sizes[fold] += counts[debate]
    return [fold_of[g] for g in data.groups]


def training_data_record(data_dir: str | os.PathLike, rows: int) -> dict:
    """What a model card says it was trained on: the file, its sha256 and the rows used."""
    source = Path(data_dir) / CROWDSOURCED
    return {
        "file": str(CROWDSOURCED),
        "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "rows": rows,
    }


def training_set(data_dir: str | os.PathLike) -> LabelledSet:
    return read_claimbuster(Path(data_dir) / CROWDSOURCED, "crowdsourced")


def evaluation_sets(data_dir: str | os.PathLike) -> list[LabelledSet]:
    """The evaluation-only sets: never trained or tuned on."""
    data_dir = Path(data_dir)
    return [
        read_claimbuster(data_dir / GROUNDTRUTH, "claimbuster-groundtruth"),
        read_checkthat(data_dir / CT24_DEV_TEST, "checkthat24-dev-test"),
    ]

"""Gold data for evaluation: labelled claims files and Climate-FEVER with its pooled corpus.

Gold labels are mapped onto the verdict vocabulary: SUPPORTS -> SUPPORTED, REFUTES -> REFUTED,
NOT ENOUGH INFO -> NOT_ENOUGH_INFO, DISPUTED -> CONFLICTING.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..batch.claims import read_claims
from ..errors import WorkbenchError
from ..pipeline.normalize import normalize_text
from ..pipeline.verdict import CONFLICTING, NOT_ENOUGH_INFO, REFUTED, SUPPORTED

LABELS = (SUPPORTED, REFUTED, NOT_ENOUGH_INFO)  # the three-way score
ALL_LABELS = (*LABELS, CONFLICTING)  # rows / columns of the confusion matrix
DATASETS = ("climate-fever", "fever")
SPLITS = ("all", "dev", "test")
SPLIT_RULE = "dev = even claim_id, test = odd claim_id"
FILE_SPLIT = "dev = 1st, 3rd, 5th ... claim of the file, test = 2nd, 4th ..."

_LABEL_ALIASES = {
    "supported": SUPPORTED,
    "supports": SUPPORTED,
    "support": SUPPORTED,
    "refuted": REFUTED,
    "refutes": REFUTED,
    "refute": REFUTED,
    "not_enough_info": NOT_ENOUGH_INFO,
    "not_enough_information": NOT_ENOUGH_INFO,
    "nei": NOT_ENOUGH_INFO,
    "conflicting": CONFLICTING,
    "disputed": CONFLICTING,
}


def normalize_label(value: object) -> str | None:
    """The verdict label for a gold label spelling (SUPPORTS, not enough info, ...), or None."""
    if value is None:
        return None
    key = re.sub(r"[\s\-]+", "_", str(value).strip().lower())
    return _LABEL_ALIASES.get(key)


def _squash(text: str) -> str:
    """Text compared for evidence matching: normalised, lower case, single spaces."""
    return " ".join(normalize_text(text).lower().split())


@dataclass
class GoldClaim:
    """A claim with its gold label and the keys of its gold evidence sentences."""

    id: str
    claim: str
    label: str
    evidence: list[str] = field(default_factory=list)  # gold evidence keys (see matcher)
    date: str | None = None
    split: str | None = None  # "dev" / "test" where the data set defines a split


@dataclass
class Corpus:
    """Index records plus, per document, the character span of every evidence sentence."""

    records: list[dict]
    spans: dict[str, tuple[list[int], list[int], list[str]]]  # doc_id -> starts, ends, keys
    n_sentences: int

    def key_at(self, doc_id: str, start: int) -> str | None:
        """The evidence key whose span contains character `start` of document doc_id."""
        starts, ends, keys = self.spans.get(doc_id, ([], [], []))
        i = bisect.bisect_right(starts, start) - 1
        return keys[i] if i >= 0 and start < ends[i] else None


def evidence_key(article: str, sentence: str) -> str:
    return f"{normalize_text(article).strip()}\t{_squash(sentence)}"


def _position(evidence_id: str) -> int:
    tail = str(evidence_id).rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 1 << 30


def load_climate_fever(path: str | os.PathLike) -> tuple[list[GoldClaim], Corpus]:
    """Claims and the pooled evidence corpus of climate-fever.jsonl (see the data README)."""
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(
            f"The Climate-FEVER file {path} does not exist; pass --data "
            "../shared/data/climate-fever/climate-fever.jsonl (or your copy of it)."
        )
    claims: list[GoldClaim] = []
    pooled: dict[str, dict[str, tuple[int, str]]] = {}  # article -> key -> (position, text)
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                claim_id = str(row["claim_id"])
                label = normalize_label(row["claim_label"])
                evidences = row["evidences"]
            except (ValueError, KeyError, TypeError):
                raise WorkbenchError(
                    f"Line {number} of {path} is not a Climate-FEVER claim record."
                ) from None
            if label is None:
                raise WorkbenchError(f"Line {number} of {path} has an unknown claim_label.")
            relevant = []
            for ev in evidences:
                article = normalize_text(ev["article"]).strip()
                text = normalize_text(ev["evidence"]).strip()
                if not text:
                    continue
                key = evidence_key(article, text)
                pooled.setdefault(article, {}).setdefault(
                    key, (_position(ev.get("evidence_id", "")), text)
                )
                if ev.get("evidence_label") in ("SUPPORTS", "REFUTES") and key not in relevant:
                    relevant.append(key)
            split = "dev" if claim_id.isdigit() and int(claim_id) % 2 == 0 else "test"
            claims.append(GoldClaim(claim_id, row["claim"], label, relevant, None, split))
    records, spans, total = [], {}, 0
    for article in sorted(pooled):
        items = sorted(pooled[article].items(), key=lambda kv: (kv[1][0], kv[0]))
        parts, starts, ends, keys, offset = [], [], [], [], 0
        for key, (_pos, text) in items:
            parts.append(text)
            starts.append(offset)
            ends.append(offset + len(text))
            keys.append(key)
            offset += len(text) + 2  # "\n\n": each evidence sentence is its own paragraph
        doc_id = f"climate-fever:{article}"
        records.append(
            {
                "id": doc_id,
                "title": article,
                "text": "\n\n".join(parts),
                "url": "https://en.wikipedia.org/wiki/" + article.replace(" ", "_"),
            }
        )
        spans[doc_id] = (starts, ends, keys)
        total += len(parts)
    return claims, Corpus(records, spans, total)


FEVER_SPLIT_RULE = (
    "FEVER 1.0 train claims in the verdict hold-out (10 % by hash of the claim, never in the "
    "stance mix of stage 4; claims stages 1-3 trained on removed); dev = even id, test = odd id; "
    "at most PER_LABEL claims of each label per half"
)


def load_fever(
    data_dir: str | os.PathLike, per_label: int = 500, seen: set[str] | None = None
) -> tuple[list[GoldClaim], Corpus]:
    """End-to-end FEVER: held-out FEVER claims and a corpus pooling the gold evidence of every
    held-out verifiable claim (each claim's evidence one document), so each claim also meets
    the evidence of others; NOT ENOUGH INFO claims have none of their own.

    `seen` holds normalised claims the stance model trained on (dropped). The dev half trains
    the verdict aggregator (training/verdict.py); the test half is the end-to-end FEVER score.
    """
    import ast
    import csv
    import sys

    from ..training.data import _norm_claim, detokenize, in_verdict_holdout

    root = Path(data_dir) / "nli"
    paths = sorted(root.glob("fever_evidence_pairs/*/data/**/split_wiki_data_*.csv"))
    if not paths:
        raise WorkbenchError(
            f"No FEVER files under {root}; pass --data ../shared/data (the folder holding nli/)."
        )
    csv.field_size_limit(sys.maxsize)
    seen = seen or set()
    claims: list[GoldClaim] = []
    records, spans, total = [], {}, 0
    taken: dict[tuple[str, str], int] = {}
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                claim = detokenize(row["claim"])
                if not in_verdict_holdout(claim, 0.1) or _norm_claim(claim) in seen:
                    continue
                label = normalize_label(row["label"])
                try:
                    sentences = ast.literal_eval(row["evidence"]) if row["evidence"] else []
                except (ValueError, SyntaxError):
                    continue
                texts = list(dict.fromkeys(detokenize(t).strip() for t in sentences if t.strip()))
                if label != NOT_ENOUGH_INFO and not texts:
                    continue
                doc_id = f"fever:{row['id']}"
                if texts:
                    starts, ends, keys, offset = [], [], [], 0
                    for text in texts:
                        starts.append(offset)
                        ends.append(offset + len(text))
                        keys.append(evidence_key(doc_id, text))
                        offset += len(text) + 2
                    records.append({"id": doc_id, "title": "", "text": "\n\n".join(texts)})
                    spans[doc_id] = (starts, ends, keys)
                    total += len(texts)
                split = "dev" if int(row["id"]) % 2 == 0 else "test"
                if taken.get((split, label), 0) >= per_label:
                    continue  # its evidence stays in the corpus as a distractor
                taken[(split, label)] = taken.get((split, label), 0) + 1
                relevant = spans[doc_id][2] if texts else []
                claims.append(GoldClaim(row["id"], claim, label, list(relevant), None, split))
    return claims, Corpus(records, spans, total)


def gold_evidence(value: object) -> list[str]:
    """Gold evidence: a JSON list of sentences, or one string with sentences split by '||'."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else str(value).split("||")
    return [_squash(str(item)) for item in items if str(item).strip()]


def load_claims_file(path: str | os.PathLike) -> list[GoldClaim]:
    """Labelled claims (id, claim, label[, date][, evidence]) from a .csv or .jsonl file.

    Read once, by the same strict reader as `workbench verify` (same ids, same row numbers in
    errors); a row or line it cannot read stops the evaluation with that sentence.
    """
    path = Path(path)
    items = read_claims(path, extra_fields=("label", "evidence"))
    for item in items:
        if item.get("error"):
            raise WorkbenchError(item["error"])
    if not items or all(item.get("label") is None for item in items):
        raise WorkbenchError(
            f"{path} has no 'label' column; an evaluation file needs id,claim,label "
            "(labels SUPPORTED / REFUTED / NOT_ENOUGH_INFO / CONFLICTING)."
        )
    out = []
    for item in items:
        label = normalize_label(item.get("label"))
        if label is None:
            raise WorkbenchError(
                f"Claim {item['id']} in {path} has label {item.get('label')!r}; use SUPPORTED, "
                "REFUTED, NOT_ENOUGH_INFO or CONFLICTING (SUPPORTS / REFUTES / NOT ENOUGH INFO "
                "/ DISPUTED are accepted too)."
            )
        evidence = gold_evidence(item.get("evidence"))
        out.append(GoldClaim(item["id"], item["claim"], label, evidence, item["date"]))
    return out


def text_matcher(relevant: Iterable[str]) -> Callable[[str], str | None]:
    """Maps a retrieved sentence to the gold sentence it is (part of), by normalised text."""
    gold = list(relevant)

    def match(sentence: str) -> str | None:
        text = _squash(sentence)
        for g in gold:
            if text == g or (len(text) >= 20 and text in g) or (len(g) >= 20 and g in text):
                return g
        return None

    return match

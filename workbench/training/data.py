"""Readers for the training sets in ../shared/data/nli, every label scheme mapped onto
supports / refutes / neutral. Pairs are (premise, hypothesis, label) = (evidence, claim, label),
the order the stance stage uses. Nothing is copied into the project.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import re
import sqlite3
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

LABELS = ("supports", "refutes", "neutral")
LABEL_ID = {name: i for i, name in enumerate(LABELS)}

# Every label vocabulary of the training sets, mapped onto the three stance labels.
_LABEL_MAP = {
    "entailment": "supports",
    "supports": "supports",
    "contradiction": "refutes",
    "refutes": "refutes",
    "neutral": "neutral",
    "not enough info": "neutral",
}

csv.field_size_limit(sys.maxsize)

Pair = tuple[str, str, str]  # (premise, hypothesis, label)


# --------------------------------------------------------------------------- text clean-up

_PTB = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "-COLON-": ":",
    "``": '"',
    "''": '"',
}
_PTB_RE = re.compile("|".join(re.escape(k) for k in _PTB))
_SPACE_BEFORE = re.compile(r"\s+([.,;:!?%)\]}]|'s\b|'re\b|'ve\b|'ll\b|'d\b|'m\b|n't\b)")
_SPACE_AFTER = re.compile(r"([(\[{$])\s+")


def detokenize(text: str) -> str:
    """Undo PTB-style tokenisation (FEVER, SNLI) so training text looks like running prose."""
    text = _PTB_RE.sub(lambda m: _PTB[m.group(0)], text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    text = re.sub(r'"\s+(.*?)\s+"', r'"\1"', text)
    text = re.sub(r"\s+--\s+", " - ", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def _norm_claim(text: str) -> str:
    return re.sub(r"\W+", " ", detokenize(text).lower()).strip()


def in_verdict_holdout(claim: str, share: float) -> bool:
    """Whether a FEVER claim belongs to the share kept for the verdict aggregator (by hash of
    its normalised text, so every stage and script agrees without a list on disk)."""
    if share <= 0:
        return False
    digest = hashlib.md5(_norm_claim(claim).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) / 2**32 < share


# --------------------------------------------------------------------------- dataset readers


def _one(root: Path, pattern: str) -> Path:
    found = sorted(root.glob(pattern))
    if not found:
        raise FileNotFoundError(f"No file matching {pattern} under {root}.")
    return found[0]


def read_fever(root: Path, exclude_claims: set[str]) -> tuple[list[Pair], list[str], list[str]]:
    """FEVER train: SUPPORTS/REFUTES pairs with gold evidence, the NEI claims, the evidence pool."""
    pairs: list[Pair] = []
    nei_claims: list[str] = []
    pool: set[str] = set()
    for path in sorted(root.glob("fever_evidence_pairs/*/data/**/split_wiki_data_*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                claim = detokenize(row["claim"])
                if _norm_claim(claim) in exclude_claims:
                    continue
                if row["label"] == "NOT ENOUGH INFO":
                    nei_claims.append(claim)
                    continue
                try:
                    sentences = ast.literal_eval(row["evidence"]) if row["evidence"] else []
                except (ValueError, SyntaxError):
                    continue
                sentences = list(dict.fromkeys(detokenize(s) for s in sentences if s and s.strip()))
                if not sentences:
                    continue
                pool.update(sentences)
                premise = " ".join(sentences[:3])
                pairs.append((premise, claim, _LABEL_MAP[row["label"].lower()]))
    return pairs, nei_claims, sorted(pool)


def neutral_pairs_by_retrieval(
    claims: list[str], pool: list[str], k: int = 1, gold: list[str] | None = None
) -> list[Pair]:
    """Pair each claim with its top BM25 sentences from the evidence pool that are not its gold
    evidence (`gold[i]`, the text of claim i's evidence, when given).

    This is how the FEVER baseline built neutral examples for NOT ENOUGH INFO claims: topically
    close, yet not evidence. With `gold`, verifiable claims get the same hard neutrals.
    """
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE s USING fts5(text)")
    db.executemany("INSERT INTO s(text) VALUES (?)", ((s,) for s in pool))
    out: list[Pair] = []
    for i, claim in enumerate(claims):
        words = [w for w in re.findall(r"\w+", claim.lower()) if len(w) > 2]
        if not words:
            continue
        query = " OR ".join(f'"{w}"' for w in words[:16])
        limit = k if gold is None else k + 4
        rows = db.execute(
            "SELECT text FROM s WHERE s MATCH ? ORDER BY bm25(s) LIMIT ?", (query, limit)
        ).fetchall()
        texts = [t for (t,) in rows if gold is None or t not in gold[i]][:k]
        out.extend((text, claim, "neutral") for text in texts)
    db.close()
    return out


def _tsv(path: Path, premise: str, hypothesis: str, label: str) -> Iterator[Pair]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            name = _LABEL_MAP.get((row.get(label) or "").strip().lower())
            if name and row.get(premise) and row.get(hypothesis):
                yield detokenize(row[premise]), detokenize(row[hypothesis]), name


def read_snli(root: Path) -> list[Pair]:
    base = _one(root, "snli/*/dataset/eSNLI")
    pairs: list[Pair] = []
    for split in ("dev", "test"):
        s1 = (base / f"s1.{split}").read_text(encoding="utf-8").splitlines()
        s2 = (base / f"s2.{split}").read_text(encoding="utf-8").splitlines()
        labels = (base / f"labels.{split}").read_text(encoding="utf-8").splitlines()
        for p, h, lab in zip(s1, s2, labels):
            if lab.strip() in _LABEL_MAP:
                pairs.append((detokenize(p), detokenize(h), _LABEL_MAP[lab.strip()]))
    return pairs


def read_snli_cad(root: Path) -> list[Pair]:
    path = _one(root, "snli_cad/*/NLI/all_combined/train.tsv")
    return list(_tsv(path, "sentence1", "sentence2", "gold_label"))


def read_taxinli(root: Path) -> list[Pair]:
    return list(_tsv(_one(root, "taxinli/*/taxinli10k.tsv"), "prem", "hyp", "label"))


def read_conjnli(root: Path) -> list[Pair]:
    path = _one(root, "conjnli/*/data/NLI/adversarial_train_15k.tsv")
    return list(_tsv(path, "Premise", "Hypothesis", "Label"))


def read_breaking_nli(root: Path) -> list[Pair]:
    path = _one(root, "breaking_nli/*/breaking_nli_dataset.zip")
    pairs: list[Pair] = []
    with zipfile.ZipFile(path) as z, z.open("data/dataset.jsonl") as f:
        for line in f:
            row = json.loads(line)
            name = _LABEL_MAP.get(row["gold_label"])
            if name:
                pairs.append((row["sentence1"], row["sentence2"], name))
    return pairs


def read_fever_rte(root: Path, exclude_claims: set[str]) -> list[Pair]:
    """FEVER dev in binary RTE form (evidence, claim): not_entailment here means REFUTES."""
    base = _one(root, "fever_rte/*/RTE-Fever/processed")
    premises = (base / "dev.raw.input0").read_text(encoding="utf-8").splitlines()
    claims = (base / "dev.raw.input1").read_text(encoding="utf-8").splitlines()
    labels = (base / "dev.label").read_text(encoding="utf-8").splitlines()
    pairs: list[Pair] = []
    for p, c, lab in zip(premises, claims, labels):
        if _norm_claim(c) in exclude_claims:
            continue
        label = "supports" if lab == "entailment" else "refutes"
        pairs.append((detokenize(p), detokenize(c), label))
    return pairs


def fever_symmetric_claims(data_dir: Path) -> set[str]:
    """Claims of every FEVER-Symmetric file: kept out of training so its evaluation stays clean."""
    claims: set[str] = set()
    for path in (data_dir / "fever-symmetric").glob("**/*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                claims.add(_norm_claim(json.loads(line)["claim"]))
    return claims


def write_pairs(pairs: list[Pair], path: Path) -> None:
    """Compact training file (JSONL) for carrying to another machine; it never enters git."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for p, h, lab in pairs:
            f.write(json.dumps({"premise": p, "hypothesis": h, "label": lab}) + "\n")


def read_pairs(path: Path) -> list[Pair]:
    with path.open(encoding="utf-8") as f:
        return [(r["premise"], r["hypothesis"], r["label"]) for r in map(json.loads, f)]

"""Evaluation: verdict accuracy, macro-F1, calibration and evidence recall against gold labels.

Two sources of gold data:

* Climate-FEVER (``workbench eval --dataset climate-fever --data FILE``): the evidence sentences
  of all claims, pooled and de-duplicated by (article, sentence), become an index with one
  document per Wikipedia article; every claim then goes through the full pipeline (retrieval,
  stance, verdict) with no gold evidence given. Claims are split deterministically by claim id
  parity into a dev half (even ids, the only data thresholds may be tuned on) and a test half
  (odd ids).
* Any labelled claims file (``workbench eval --claims FILE --index DIR``): id, claim, label
  (CSV or JSONL), optional date and optional gold evidence sentences.

Gold labels are mapped onto the verdict vocabulary: SUPPORTS -> SUPPORTED, REFUTES -> REFUTED,
NOT ENOUGH INFO -> NOT_ENOUGH_INFO, DISPUTED -> CONFLICTING. Accuracy, macro-F1, ECE and the
per-label F1 are over the three labels SUPPORTED / REFUTED / NOT_ENOUGH_INFO (a CONFLICTING
prediction for such a claim counts as wrong); gold CONFLICTING claims are reported apart.
"""

from __future__ import annotations

import bisect
import csv
import json
import math
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..errors import WorkbenchError
from ..pipeline.normalize import normalize_text
from ..pipeline.verdict import (
    CONFLICTING,
    NOT_ENOUGH_INFO,
    REFUTED,
    SUPPORTED,
    VerdictParams,
    decide,
)
from . import metrics

LABELS = (SUPPORTED, REFUTED, NOT_ENOUGH_INFO)  # the three-way score
ALL_LABELS = (*LABELS, CONFLICTING)  # rows / columns of the confusion matrix
RECALL_KS = (5, 10)
CHUNK = 64  # claims checked per check_many call (progress granularity)
DATASETS = ("climate-fever",)
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


# --------------------------------------------------------------------------- Climate-FEVER


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


# --------------------------------------------------------------------------- claims files


def _raw_rows(path: Path) -> list[dict]:
    """Rows of a claims CSV/JSONL with lower-case keys, in file order (blank lines skipped)."""
    if path.suffix.lower() == ".csv":
        csv.field_size_limit(sys.maxsize)
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return [
                {(k or "").strip().lower(): v for k, v in row.items()}
                for row in csv.DictReader(handle)
            ]
    with open(path, encoding="utf-8-sig") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [{str(k).strip().lower(): v for k, v in row.items()} for row in rows]


def _gold_evidence(value: object) -> list[str]:
    """Gold evidence: a JSON list of sentences, or one string with sentences split by '||'."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else str(value).split("||")
    return [_squash(str(item)) for item in items if str(item).strip()]


def load_claims_file(path: str | os.PathLike) -> list[GoldClaim]:
    """Labelled claims (id, claim, label[, date][, evidence]) from a .csv or .jsonl file."""
    from ..batch.files import read_claims

    path = Path(path)
    claims = read_claims(path)  # validates the file and assigns ids like `workbench verify`
    rows = _raw_rows(path)
    if not rows or "label" not in rows[0]:
        raise WorkbenchError(
            f"{path} has no 'label' column; an evaluation file needs id,claim,label "
            "(labels SUPPORTED / REFUTED / NOT_ENOUGH_INFO / CONFLICTING)."
        )
    out = []
    for item, row in zip(claims, rows, strict=True):
        label = normalize_label(row.get("label"))
        if label is None:
            raise WorkbenchError(
                f"Claim {item['id']} in {path} has label {row.get('label')!r}; use SUPPORTED, "
                "REFUTED, NOT_ENOUGH_INFO or CONFLICTING (SUPPORTS / REFUTES / NOT ENOUGH INFO "
                "/ DISPUTED are accepted too)."
            )
        evidence = _gold_evidence(row.get("evidence"))
        out.append(GoldClaim(item["id"], item["claim"], label, evidence, item["date"]))
    return out


def _text_matcher(relevant: Iterable[str]) -> Callable[[str], str | None]:
    """Maps a retrieved sentence to the gold sentence it is (part of), by normalised text."""
    gold = list(relevant)

    def match(sentence: str) -> str | None:
        text = _squash(sentence)
        for g in gold:
            if text == g or (len(text) >= 20 and text in g) or (len(g) >= 20 and g in text):
                return g
        return None

    return match


# --------------------------------------------------------------------------- running


def run_claims(
    wb,
    claims: list[GoldClaim],
    corpus: Corpus | None = None,
    top_k: int = 10,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Check every claim through the full pipeline and record what was retrieved and decided.

    The verdicts are those of Workbench.check_many. Retrieval order (for recall@k) and the
    claim-sentence cosines (for re-deciding with other thresholds when tuning) come from
    Workbench.search with the same top_k, which returns the same sentences check used.
    """
    outcomes: list[Outcome] = []
    depth = max(top_k, max(RECALL_KS))
    for start in range(0, len(claims), CHUNK):
        chunk = claims[start : start + CHUNK]
        items = [{"id": c.id, "claim": c.claim, "date": c.date} for c in chunk]
        for gold, result in zip(chunk, wb.check_many(items, top_k=top_k), strict=True):
            if result.error:
                raise WorkbenchError(result.error)
            hits = wb.search(gold.claim, depth, date=gold.date)
            if corpus is not None:
                retrieved = [corpus.key_at(h.doc_id, h.start) for h in hits]
            else:
                match = _text_matcher(gold.evidence)
                retrieved = [match(h.sentence) for h in hits]
            stance = {(e.doc_id, e.start): e for e in result.evidence}
            probs, cosines = [], []
            for h in hits[:top_k]:
                ev = stance.get((h.doc_id, h.start))
                if ev is not None:
                    probs.append((ev.p_supports, ev.p_refutes, ev.p_neutral))
                    cosines.append(h.relevance)
            outcomes.append(
                Outcome(
                    id=gold.id,
                    gold=gold.label,
                    verdict=result.verdict,
                    confidence=float(result.confidence),
                    split=gold.split,
                    retrieved=retrieved,
                    relevant=list(gold.evidence),
                    probs=probs,
                    cosines=cosines,
                )
            )
        if progress is not None:
            progress(min(start + CHUNK, len(claims)), len(claims))
    return outcomes


def write_outcomes(outcomes: list[Outcome], path: str | os.PathLike) -> None:
    """One JSON object per claim (gold, verdict, confidence, retrieved keys, stance, cosines)."""
    from dataclasses import asdict

    with open(path, "w", encoding="utf-8") as handle:
        for o in outcomes:
            handle.write(json.dumps(asdict(o), ensure_ascii=False) + "\n")


def read_outcomes(path: str | os.PathLike) -> list[Outcome]:
    """Outcomes saved by write_outcomes (e.g. to tune again without re-running the models)."""
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [Outcome(**{**row, "probs": [tuple(p) for p in row["probs"]]}) for row in rows]


def redecide(outcomes: list[Outcome], params: VerdictParams) -> list[Outcome]:
    """The same outcomes with verdicts and confidences recomputed under other thresholds."""
    out = []
    for o in outcomes:
        verdict, confidence = decide(o.probs, o.cosines, params)
        out.append(replace(o, verdict=verdict, confidence=confidence))
    return out


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _round(value, digits: int = 4):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, digits)
    if isinstance(value, dict):
        return {k: _round(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v, digits) for v in value]
    return value


def summarize(outcomes: list[Outcome]) -> dict:
    """All metrics of a set of outcomes as one JSON-ready dict (keys name the metrics)."""
    scored = [o for o in outcomes if o.gold in LABELS]
    gold = [o.gold for o in scored]
    pred = [o.verdict for o in scored]
    report: dict = {"n": len(outcomes), "n_scored": len(scored)}
    with_evidence = [o for o in outcomes if o.relevant]
    report["n_with_evidence"] = len(with_evidence)
    for k in RECALL_KS:
        recalls = [metrics.recall_at_k(o.retrieved, set(o.relevant), k) for o in with_evidence]
        report[f"evidence_recall_at_{k}"] = _mean([r for r in recalls if r is not None])
    report["accuracy"] = metrics.accuracy(gold, pred)
    report["macro_f1"] = metrics.macro_f1(gold, pred, LABELS)
    report["f1"] = metrics.per_class_f1(gold, pred, LABELS)
    report["ece"] = metrics.expected_calibration_error(
        [o.confidence for o in scored], [o.gold == o.verdict for o in scored]
    )
    report["mean_confidence"] = _mean([o.confidence for o in scored])
    report["labels"] = list(ALL_LABELS)
    report["confusion_matrix"] = metrics.confusion_matrix(
        [o.gold for o in outcomes], [o.verdict for o in outcomes], ALL_LABELS
    )
    report["gold_distribution"] = dict(Counter(o.gold for o in outcomes))
    report["predicted_distribution"] = dict(Counter(o.verdict for o in outcomes))
    conflicting = [o for o in outcomes if o.gold == CONFLICTING]
    flagged = [o for o in outcomes if o.verdict == CONFLICTING]
    report["conflicting"] = {
        "n_gold": len(conflicting),
        "n_predicted": len(flagged),
        "recall": _mean([float(o.verdict == CONFLICTING) for o in conflicting]),
        "precision": _mean([float(o.gold == CONFLICTING) for o in flagged]),
        "predicted_for_gold": dict(Counter(o.verdict for o in conflicting)),
    }
    return _round(report)


def split_reports(outcomes: list[Outcome]) -> dict:
    """summarize() of the whole set at top level, with "dev" and "test" halves inside."""
    report = summarize(outcomes)
    splits = {o.split for o in outcomes} - {None}
    for name in sorted(splits):
        report[name] = summarize([o for o in outcomes if o.split == name])
    return report


# --------------------------------------------------------------------------- tuning


@dataclass(frozen=True)
class Grid:
    """Candidate VerdictParams values searched by tune()."""

    min_relevance: tuple[float, ...] = tuple(np.round(np.arange(0.0, 0.61, 0.05), 2))
    full_relevance: tuple[float, ...] = tuple(np.round(np.arange(0.3, 0.91, 0.1), 2))
    decide: tuple[float, ...] = tuple(np.round(np.arange(0.2, 0.96, 0.025), 3))
    conflict: tuple[float, ...] = (*np.round(np.arange(0.5, 0.96, 0.05), 2), 1.01)


def _padded(outcomes: list[Outcome]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n, k) arrays of p_supports, p_refutes and cosine; empty slots have cosine -inf."""
    width = max([len(o.probs) for o in outcomes] + [1])
    sup = np.zeros((len(outcomes), width))
    ref = np.zeros((len(outcomes), width))
    cos = np.full((len(outcomes), width), -np.inf)
    for i, o in enumerate(outcomes):
        if o.probs:
            probs = np.asarray(o.probs, dtype=np.float64)
            sup[i, : len(probs)] = probs[:, 0]
            ref[i, : len(probs)] = probs[:, 1]
            cos[i, : len(probs)] = o.cosines
    return sup, ref, cos


def _weights(cos: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """relevance_weight() over an array (0 below lo, 0.5 at lo rising to 1 at hi)."""
    span = max(hi - lo, 1e-9)
    with np.errstate(invalid="ignore"):
        weight = np.minimum(1.0, 0.5 + 0.5 * (cos - lo) / span)
    return np.where(cos < lo, 0.0, weight)


def _macro_f1_rows(gold: np.ndarray, preds: np.ndarray) -> np.ndarray:
    """Three-way macro-F1 of each row of preds (labels 0-2 = LABELS, 3 = CONFLICTING)."""
    rows = len(preds)
    cells = (np.arange(rows)[:, None] * 12 + gold[None, :] * 4 + preds).ravel()
    counts = np.bincount(cells, minlength=rows * 12).reshape(rows, 3, 4)
    total = np.zeros(rows)
    for label in range(3):
        tp = counts[:, label, label]
        fp = counts[:, :, label].sum(axis=1) - tp
        fn = counts[:, label, :].sum(axis=1) - tp
        with np.errstate(invalid="ignore", divide="ignore"):
            total += np.where(tp > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
    return total / 3


def tune(
    outcomes: list[Outcome], grid: Grid = Grid(), objective: str = "macro_f1"
) -> tuple[VerdictParams, dict]:
    """The VerdictParams from `grid` that maximise `objective` (macro_f1 or accuracy).

    Only outcomes with a three-way gold label count; verdicts are recomputed exactly as
    verdict.decide() does. Ties keep the earlier grid point, so the result is deterministic.
    Returns the params and the objective's best value.
    """
    scored = [o for o in outcomes if o.gold in LABELS]
    if not scored:
        raise WorkbenchError(
            "No claims with a SUPPORTED / REFUTED / NOT_ENOUGH_INFO label to tune on."
        )
    gold = np.array([LABELS.index(o.gold) for o in scored])
    p_sup, p_ref, cos = _padded(scored)
    thresholds = np.asarray(grid.decide, dtype=np.float64)
    best: tuple[float, float, VerdictParams] | None = None
    for lo in grid.min_relevance:
        for hi in grid.full_relevance:
            if hi <= lo:
                continue
            weight = _weights(cos, float(lo), float(hi))
            sup = (p_sup * weight).max(axis=1)
            ref = (p_ref * weight).max(axis=1)
            strongest = np.maximum(sup, ref)
            side = np.where(sup >= ref, 0, 1)
            decided = np.where(strongest[None, :] >= thresholds[:, None], side[None, :], 2)
            for conflict in grid.conflict:
                both = (sup >= conflict) & (ref >= conflict)
                preds = np.where(both[None, :], 3, decided)
                accs = (preds == gold[None, :]).mean(axis=1)
                f1s = _macro_f1_rows(gold, preds)
                for j, threshold in enumerate(grid.decide):
                    value = (f1s[j], accs[j]) if objective == "macro_f1" else (accs[j], f1s[j])
                    if best is None or value > best[:2]:
                        params = VerdictParams(
                            float(lo), float(hi), float(threshold), float(conflict)
                        )
                        best = (float(value[0]), float(value[1]), params)
    assert best is not None
    return best[2], {objective: round(best[0], 4), "n": len(scored)}


# --------------------------------------------------------------------------- reports


def evaluate_climate_fever(
    data: str | os.PathLike,
    index_dir: str | os.PathLike | None = None,
    stance_model: str | None = None,
    model: str | None = None,
    top_k: int = 10,
    limit: int | None = None,
    split: str = "all",
    tune_params: bool = False,
    params: VerdictParams | None = None,
    progress: Callable[[str], None] | None = None,
    outcomes_path: str | os.PathLike | None = None,
    save_params: bool = False,
) -> dict:
    """Build (or reuse) the pooled Climate-FEVER index, check the claims, return the report.

    save_params (with tune_params and an index_dir): keep the tuned thresholds in that index.
    """
    import tempfile

    from ..api import Workbench

    if save_params and not (tune_params and index_dir):
        raise WorkbenchError("--save-params needs --tune and an --index folder to save into.")
    say = progress or (lambda message: None)
    claims, corpus = load_climate_fever(data)
    if split != "all":
        claims = [c for c in claims if c.split == split]
    if limit:
        claims = claims[:limit]
    with tempfile.TemporaryDirectory(prefix="workbench-eval-") as tmp:
        folder = Path(index_dir) if index_dir else Path(tmp) / "index"
        with Workbench.open(folder, model=model, stance_model=stance_model) as wb:
            if params is not None:
                wb.params = params
            say(f"Indexing {corpus.n_sentences} evidence sentences into {folder} ...")
            started = time.perf_counter()
            added = wb.add_records(corpus.records, origin="climate-fever")
            index_s = time.perf_counter() - started
            stale = set(d.doc_id for d in wb.documents()) - set(corpus.spans)
            if stale:
                raise WorkbenchError(
                    f"The index {folder} holds documents that are not Climate-FEVER evidence; "
                    "give an empty --index folder (or none, for a temporary one)."
                )
            say(f"Checking {len(claims)} claims ...")
            started = time.perf_counter()
            outcomes = run_claims(
                wb,
                claims,
                corpus,
                top_k,
                lambda done, total: say(f"  {done}/{total} claims"),
            )
            check_s = time.perf_counter() - started
            stats = wb.stats()
            used = wb.params
            tuning = tuning_report(outcomes) if tune_params else None
            if save_params:
                _save_tuned(wb, tuning, "Climate-FEVER", SPLIT_RULE)
    report = {
        "dataset": "climate-fever",
        "data": str(data),
        "split_rule": SPLIT_RULE,
        "split": split,
        "corpus_documents": len(corpus.records),
        "corpus_sentences": corpus.n_sentences,
        "indexed_sentences": stats["sentences"],
        **split_reports(outcomes),
        "verdict_params": _params_dict(used),
        "top_k": top_k,
        "index_seconds": round(index_s, 1),
        "index_added_documents": len(added.added) + len(added.updated),
        "check_seconds": round(check_s, 1),
        "claims_per_second": round(len(outcomes) / check_s, 2) if check_s else None,
        "embedding_model": stats["embedding_model"],
        "stance_model": stats["stance_model"],
    }
    if tuning is not None:
        report["tuning"] = tuning
    if outcomes_path:
        write_outcomes(outcomes, outcomes_path)
    return report


def tuning_report(outcomes: list[Outcome]) -> dict:
    """Tune on the dev half, report the tuned thresholds on the test half and the full set."""
    dev = [o for o in outcomes if o.split == "dev"]
    if not dev:
        raise WorkbenchError("Tuning needs dev-half claims; run with --split all or dev.")
    out: dict = {"tuned_on": "dev", "objective": "macro_f1 (ties: accuracy)"}
    best, value = tune(dev)
    out["untuned_on_test"] = {
        k: v
        for k, v in summarize([o for o in outcomes if o.split == "test"]).items()
        if k in ("n", "accuracy", "macro_f1", "ece")
    }
    out["params"] = _params_dict(best)
    out["dev_objective"] = value
    redone = redecide(outcomes, best)
    for name in ("test", "dev"):
        part = [o for o in redone if o.split == name]
        if part:
            out[name] = {k: v for k, v in summarize(part).items() if k in _VERDICT_KEYS}
    out["all"] = {k: v for k, v in summarize(redone).items() if k in _VERDICT_KEYS}
    return out


_VERDICT_KEYS = (
    "n",
    "n_scored",
    "accuracy",
    "macro_f1",
    "f1",
    "ece",
    "confusion_matrix",
    "conflicting",
    "predicted_distribution",
)


def _params_dict(params: VerdictParams) -> dict:
    return params.to_dict()


def _save_tuned(wb, tuning: dict, source: str, split_rule: str) -> None:
    """Save the thresholds of tuning_report() as the index's own (see index params)."""
    test = tuning.get("test") or {}
    provenance = {
        "tuned_on": f"{source}, dev half ({split_rule})",
        "objective": tuning["objective"],
        "dev_macro_f1": tuning["dev_objective"].get("macro_f1"),
        "test_accuracy": test.get("accuracy"),
        "test_macro_f1": test.get("macro_f1"),
        "date": time.strftime("%Y-%m-%d"),
    }
    wb.save_params(VerdictParams.from_dict(tuning["params"]), provenance)
    tuning["saved_to"] = str(wb.index_dir)


def evaluate_claims_file(
    claims_file: str | os.PathLike,
    index_dir: str | os.PathLike,
    stance_model: str | None = None,
    model: str | None = None,
    top_k: int = 10,
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
    outcomes_path: str | os.PathLike | None = None,
    tune_params: bool = False,
    save_params: bool = False,
) -> dict:
    """Check a labelled claims file against an existing index and return the report.

    tune_params: split the file into halves (FILE_SPLIT), tune the thresholds on the dev half
    and report them on the test half; save_params: then keep them in the index.
    """
    from ..api import Workbench

    if save_params and not tune_params:
        raise WorkbenchError("--save-params needs --tune.")
    say = progress or (lambda message: None)
    claims = load_claims_file(claims_file)
    if limit:
        claims = claims[:limit]
    if tune_params:
        claims = [replace(c, split="dev" if i % 2 == 0 else "test") for i, c in enumerate(claims)]
    with Workbench.open(index_dir, model=model, stance_model=stance_model, create=False) as wb:
        say(f"Checking {len(claims)} claims against {index_dir} ...")
        started = time.perf_counter()
        outcomes = run_claims(
            wb, claims, None, top_k, lambda done, total: say(f"  {done}/{total} claims")
        )
        check_s = time.perf_counter() - started
        stats = wb.stats()
        used = wb.params
        tuning = tuning_report(outcomes) if tune_params else None
        if save_params:
            _save_tuned(wb, tuning, f"claims file {claims_file}", FILE_SPLIT)
    report = {
        "claims_file": str(claims_file),
        "index": str(index_dir),
        "indexed_sentences": stats["sentences"],
        **summarize(outcomes),
        "verdict_params": _params_dict(used),
        "top_k": top_k,
        "check_seconds": round(check_s, 1),
        "claims_per_second": round(len(outcomes) / check_s, 2) if check_s else None,
        "embedding_model": stats["embedding_model"],
        "stance_model": stats["stance_model"],
    }
    if not any(c.evidence for c in claims):
        report["evidence_recall_note"] = "no gold evidence in the claims file"
    if tuning is not None:
        report["split_rule"] = FILE_SPLIT
        report.update(split_reports(outcomes))
        report["tuning"] = tuning
    if outcomes_path:
        write_outcomes(outcomes, outcomes_path)
    return report


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _block(report: dict, title: str) -> list[str]:
    lines = [title]
    lines.append(
        f"  claims {report['n']} (scored 3-way: {report['n_scored']}, "
        f"with gold evidence: {report['n_with_evidence']})"
    )
    if report.get("n_with_evidence"):
        lines.append(
            "  evidence recall@5 {}  @10 {}".format(
                _fmt(report["evidence_recall_at_5"]), _fmt(report["evidence_recall_at_10"])
            )
        )
    lines.append(
        f"  accuracy {_fmt(report['accuracy'])}  macro-F1 {_fmt(report['macro_f1'])}  "
        f"ECE {_fmt(report['ece'])}  mean confidence {_fmt(report['mean_confidence'])}"
    )
    lines.append(
        "  F1: " + ", ".join(f"{k} {_fmt(v)}" for k, v in (report.get("f1") or {}).items())
    )
    c = report["conflicting"]
    lines.append(
        f"  CONFLICTING (gold DISPUTED/CONFLICTING): {c['n_gold']} gold, {c['n_predicted']} "
        f"predicted, recall {_fmt(c['recall'])}, precision {_fmt(c['precision'])}"
    )
    return lines


def format_report(report: dict) -> str:
    """The human-readable text report."""
    lines = []
    if report.get("dataset"):
        lines.append(
            f"Climate-FEVER: {report['corpus_sentences']} evidence sentences in "
            f"{report['corpus_documents']} articles ({report['indexed_sentences']} indexed "
            f"sentences); split {report['split_rule']}."
        )
    else:
        lines.append(
            f"Claims {report['claims_file']} against {report['index']} "
            f"({report['indexed_sentences']} sentences)."
        )
    lines += _block(report, f"All claims ({report.get('split', 'all')}):")
    for name in ("test", "dev"):
        if name in report:
            lines += _block(report[name], f"{name.capitalize()} half:")
    labels = report["labels"]
    width = max(len(label) for label in labels) + 2
    lines.append("Confusion matrix (rows gold, columns predicted), all claims:")
    lines.append(" " * width + "".join(f"{label[:12]:>14}" for label in labels))
    for label, row in zip(labels, report["confusion_matrix"]):
        lines.append(f"{label:<{width}}" + "".join(f"{v:>14}" for v in row))
    params = report["verdict_params"]
    lines.append("Verdict params: " + ", ".join(f"{k}={v}" for k, v in params.items()))
    if "tuning" in report:
        t = report["tuning"]
        lines.append(
            "Tuned on the dev half: " + ", ".join(f"{k}={v}" for k, v in t["params"].items())
        )
        before = t.get("untuned_on_test") or {}
        if before.get("n"):
            lines.append(
                f"  test, before tuning: accuracy {_fmt(before.get('accuracy'))}  "
                f"macro-F1 {_fmt(before.get('macro_f1'))}  ECE {_fmt(before.get('ece'))}"
            )
        for name in ("test", "dev", "all"):
            if name in t:
                r = t[name]
                lines.append(
                    f"  {name}: accuracy {_fmt(r['accuracy'])}  macro-F1 {_fmt(r['macro_f1'])}  "
                    f"ECE {_fmt(r['ece'])}"
                )
        if t.get("saved_to"):
            lines.append(
                f"Saved as the verdict thresholds of {t['saved_to']} "
                "(`workbench index params` shows them, --reset forgets them)."
            )
    lines.append(
        f"Checked in {report['check_seconds']} s ({report['claims_per_second']} claims/s); "
        f"stance model {report['stance_model']}."
    )
    return "\n".join(lines)
